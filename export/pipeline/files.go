package pipeline

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"

	"github.com/retell-export/retell-export/export"
	"github.com/retell-export/retell-export/export/cells"
	"github.com/retell-export/retell-export/export/store"
)

// writeReportFiles writes failed.csv (always, so a stale list from an
// earlier run never lingers) and run.json.
func (r *run) writeReportFiles(rep *Report) error {
	if r.OutDir == "" {
		return nil
	}
	return errors.Join(
		writeFailedCSV(filepath.Join(r.OutDir, "failed.csv"), rep.Failures),
		rep.WriteJSON(r.OutDir),
	)
}

// WriteJSON writes the report as dir/run.json, whole: again by a caller
// whose steps after Run (a staged publish) change it.
func (rep *Report) WriteJSON(dir string) error {
	return writeJSONFile(filepath.Join(dir, "run.json"), rep)
}

func writeFailedCSV(path string, fs []export.Failure) error {
	f, err := store.CreateAtomic(path)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	w := csv.NewWriter(f)
	w.Write([]string{"call_id", "kind", "http_status", "message", "attempts"})
	for _, fl := range fs {
		status := ""
		if fl.Status != 0 {
			status = strconv.Itoa(fl.Status)
		}
		w.Write([]string{cells.NeutralizeCell(fl.CallID), fl.Kind, status, cells.NeutralizeCell(fl.Message), strconv.Itoa(fl.Attempts)})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return errors.Join(fmt.Errorf("write %s: %w", path, err), f.Abort())
	}
	return f.Commit()
}

func writeJSONFile(path string, v any) error {
	f, err := store.CreateAtomic(path)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	enc := json.NewEncoder(f)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return errors.Join(fmt.Errorf("write %s: %w", path, err), f.Abort())
	}
	return f.Commit()
}

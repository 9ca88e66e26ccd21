package formats

import (
	"encoding/csv"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/retell-export/retell-export/export"
)

// CSVOptions configures the CSV writer. The zero value writes
// spreadsheet-safe UTF-8 files without a BOM and without the words table.
type CSVOptions struct {
	// BOM starts every file with a UTF-8 byte order mark, which Excel on
	// Windows needs to read accents and emoji right on double-click. Some
	// loaders keep the BOM as part of the first column name, hence opt-in.
	BOM bool
	// RawText writes text cells exactly as Retell sent them. Without it, a
	// text cell a spreadsheet would run as a formula gets a leading
	// apostrophe (see export.NeutralizeCell); use RawText for data loaders.
	RawText bool
	// Words adds words.csv, one row per timed word.
	Words bool
}

// CSVWriter writes one RFC 4180 file per table under <outDir>/csv/:
// calls.csv, utterances.csv, events.csv, cost_items.csv,
// custom_analysis.csv and, with Words, words.csv. Files are written to
// temporary names and appear at Close; a table without rows still gets its
// header. Records end in LF (not CRLF) so that line breaks inside text cells
// are kept byte for byte.
type CSVWriter struct {
	dir    string
	tables []*csvTable
	rows   Rows
	words  bool
	files  []string
	done   bool
}

type csvTable struct {
	name string
	file *export.AtomicFile
	w    *csv.Writer
	enc  *cellEncoder
	rows int64
}

// NewCSV creates the temporary files of every table under outDir/csv.
func NewCSV(outDir string, opts CSVOptions) (*CSVWriter, error) {
	w := &CSVWriter{dir: filepath.Join(outDir, "csv"), words: opts.Words}
	for _, t := range Tables(opts.Words) {
		ct, err := newCSVTable(w.dir, t, opts)
		if err != nil {
			w.Abort()
			return nil, fmt.Errorf("csv: %w", err)
		}
		w.tables = append(w.tables, ct)
	}
	return w, nil
}

func newCSVTable(dir string, t Table, opts CSVOptions) (*csvTable, error) {
	f, err := export.CreateAtomic(filepath.Join(dir, t.Name+".csv"))
	if err != nil {
		return nil, err
	}
	ct := &csvTable{name: t.Name, file: f, w: csv.NewWriter(f), enc: newCellEncoder(t, opts.RawText)}
	if opts.BOM {
		f.WriteString("\uFEFF") // errors stick in the bufio.Writer and surface at Commit
	}
	if err := ct.w.Write(t.Header()); err != nil {
		f.Abort()
		return nil, err
	}
	return ct, nil
}

// Write appends the rows of c to every table.
func (w *CSVWriter) Write(c *export.Call) error {
	if w.done {
		return errors.New("csv: write after close")
	}
	w.rows.Build(c, w.words)
	err := errors.Join(
		writeCSVRows(w.tables[0], []CallRow{w.rows.Call}),
		writeCSVRows(w.tables[1], w.rows.Utterances),
		writeCSVRows(w.tables[2], w.rows.Events),
		writeCSVRows(w.tables[3], w.rows.CostItems),
		writeCSVRows(w.tables[4], w.rows.CustomAnalysis),
	)
	if w.words {
		err = errors.Join(err, writeCSVRows(w.tables[5], w.rows.Words))
	}
	if err != nil {
		return fmt.Errorf("csv: call %s: %w", c.CallID, err)
	}
	return nil
}

func writeCSVRows[T any](t *csvTable, rows []T) error {
	for i := range rows {
		if err := t.w.Write(t.enc.encode(&rows[i])); err != nil {
			return fmt.Errorf("%s: %w", t.name, err)
		}
	}
	t.rows += int64(len(rows))
	return nil
}

// Close flushes and syncs every file, then renames them all into place:
// a disk that fills up while the tables are finished leaves the earlier
// run's files, never a new calls.csv beside an old utterances.csv. If any
// file fails, every file of the run is discarded.
func (w *CSVWriter) Close() error {
	if w.done {
		return nil
	}
	w.done = true
	var errs []error
	for _, t := range w.tables {
		t.w.Flush()
		err := t.w.Error()
		if err == nil {
			err = t.file.Seal()
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("csv: %s: %w", t.name, err))
			break
		}
	}
	if len(errs) > 0 {
		w.Abort()
		return errors.Join(errs...)
	}
	for _, t := range w.tables {
		if err := t.file.Commit(); err != nil { // a rename: fails only on a broken directory
			errs = append(errs, fmt.Errorf("csv: %s: %w", t.name, err))
			continue
		}
		w.files = append(w.files, t.file.Name())
	}
	return errors.Join(errs...)
}

// Abort discards every file not yet committed.
func (w *CSVWriter) Abort() error {
	w.done = true
	var errs []error
	for _, t := range w.tables {
		errs = append(errs, t.file.Abort())
	}
	return errors.Join(errs...)
}

// Report returns the files written and the rows per table.
func (w *CSVWriter) Report() map[string]any {
	rows := map[string]int64{}
	for _, t := range w.tables {
		rows[t.name] = t.rows
	}
	return map[string]any{"dir": w.dir, "files": w.files, "rows": rows}
}

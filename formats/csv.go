package formats

import (
	"encoding/csv"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"slices"

	"github.com/retell-export/retell-export/export"
	"github.com/retell-export/retell-export/export/store"
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
	// apostrophe (see cells.NeutralizeCell); use RawText for data loaders.
	RawText bool
	// Words adds words.csv, one row per timed word.
	Words bool
}

// CSVWriter writes one RFC 4180 file per table under <outDir>/csv/:
// calls.csv, utterances.csv, events.csv, cost_items.csv,
// custom_analysis.csv, latency.csv and, with Words, words.csv. Rows are sorted by the
// call's start time, then call id, calls without a start last, whatever
// order the calls arrive in (see csv_order.go). Files are written to
// temporary names and appear at Close; a table without rows still gets its
// header. Records end in LF (not CRLF) so that line breaks inside text cells
// are kept byte for byte.
type CSVWriter struct {
	dir    string
	tables []*csvTable
	rows   Rows
	words  bool
	calls  []csvCall // in arrival order until Close sorts them
	err    error     // a failed spill: the spill files no longer line up with calls
	files  []string
	done   bool
}

type csvTable struct {
	name  string
	index int // in tables and csvCall's spans
	file  *store.AtomicFile
	spill *csvSpill
	w     *csv.Writer // encodes into spill
	enc   *cellEncoder
	rows  int64
}

// NewCSV creates the temporary files of every table under outDir/csv.
func NewCSV(outDir string, opts CSVOptions) (*CSVWriter, error) {
	w := &CSVWriter{dir: filepath.Join(outDir, "csv"), words: opts.Words}
	for i, t := range Tables(opts.Words) {
		ct, err := newCSVTable(w.dir, t, i, opts)
		if err != nil {
			w.Abort()
			return nil, fmt.Errorf("csv: %w", err)
		}
		w.tables = append(w.tables, ct)
	}
	return w, nil
}

func newCSVTable(dir string, t Table, index int, opts CSVOptions) (*csvTable, error) {
	f, err := store.CreateAtomic(filepath.Join(dir, t.Name+".csv"))
	if err != nil {
		return nil, err
	}
	spill, err := newCSVSpill(dir, t.Name)
	if err != nil {
		f.Abort()
		return nil, err
	}
	ct := &csvTable{name: t.Name, index: index, file: f, spill: spill, w: csv.NewWriter(spill), enc: newCellEncoder(t, opts.RawText)}
	if opts.BOM {
		f.WriteString("\uFEFF") // errors stick in the bufio.Writer and surface at Commit
	}
	header := csv.NewWriter(f)
	header.Write(t.Header())
	header.Flush()
	if err := header.Error(); err != nil {
		ct.abort()
		return nil, err
	}
	return ct, nil
}

func (t *csvTable) abort() error { return errors.Join(t.file.Abort(), t.spill.remove()) }

// Write spills the rows of c to every table; Close puts them in order.
// Only an I/O error fails a spill, and it fails the run: Write and Close
// return it from then on.
func (w *CSVWriter) Write(c *export.Call) error {
	if w.done {
		return errors.New("csv: write after close")
	}
	if w.err != nil {
		return w.err
	}
	w.rows.Build(c, w.words)
	if len(w.calls) == math.MaxUint32 {
		return errors.New("csv: more than 4,294,967,295 calls in one run")
	}
	key := csvCall{id: c.CallID, seq: uint32(len(w.calls))}
	if ms := c.StartMs(); ms != 0 { // the start every output places the call by
		key.start, key.hasStart = ms, true
	}
	err := errors.Join(
		writeCSVRows(w.tables[0], &key, []CallRow{w.rows.Call}),
		writeCSVRows(w.tables[1], &key, w.rows.Utterances),
		writeCSVRows(w.tables[2], &key, w.rows.Events),
		writeCSVRows(w.tables[3], &key, w.rows.CostItems),
		writeCSVRows(w.tables[4], &key, w.rows.CustomAnalysis),
		writeCSVRows(w.tables[5], &key, w.rows.Latency),
	)
	if w.words {
		err = errors.Join(err, writeCSVRows(w.tables[6], &key, w.rows.Words))
	}
	if err != nil {
		w.err = fmt.Errorf("csv: call %s: %w", c.CallID, err)
		return w.err
	}
	w.calls = append(w.calls, key)
	w.tables[0].rows++
	w.tables[1].rows += int64(len(w.rows.Utterances))
	w.tables[2].rows += int64(len(w.rows.Events))
	w.tables[3].rows += int64(len(w.rows.CostItems))
	w.tables[4].rows += int64(len(w.rows.CustomAnalysis))
	w.tables[5].rows += int64(len(w.rows.Latency))
	if w.words {
		w.tables[6].rows += int64(len(w.rows.Words))
	}
	return nil
}

// writeCSVRows encodes rows into t's spill file and records their length
// in key.
func writeCSVRows[T any](t *csvTable, key *csvCall, rows []T) error {
	off := t.spill.n
	for i := range rows {
		if err := t.w.Write(t.enc.encode(&rows[i])); err != nil {
			return fmt.Errorf("%s: %w", t.name, err)
		}
	}
	t.w.Flush() // into the spill's buffer, so that spill.n counts these rows
	if err := t.w.Error(); err != nil {
		return fmt.Errorf("%s: %w", t.name, err)
	}
	n := t.spill.n - off
	if n > math.MaxUint32 {
		return fmt.Errorf("%s: %d bytes of rows for one call", t.name, n)
	}
	key.n[t.index] = uint32(n)
	return nil
}

// Close writes each table's rows in order (calls by start, then id) from
// its spill file, flushes and syncs every file, then renames them all into place:
// a disk that fills up while the tables are finished leaves the earlier
// run's files, never a new calls.csv beside an old utterances.csv. If any
// file fails, every file of the run is discarded.
func (w *CSVWriter) Close() error {
	if w.done {
		return nil
	}
	w.done = true
	if w.err != nil {
		w.Abort()
		return w.err
	}
	slices.SortStableFunc(w.calls, csvOrder)
	var errs []error
	buf := make([]byte, 256<<10)
	for _, t := range w.tables {
		err := t.spill.copyTo(t.file, w.calls, t.index, buf)
		if err == nil {
			err = errors.Join(t.spill.remove(), t.file.Seal())
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

// Abort discards every file not yet committed, and the spill files.
func (w *CSVWriter) Abort() error {
	w.done = true
	var errs []error
	for _, t := range w.tables {
		errs = append(errs, t.abort())
	}
	return errors.Join(errs...)
}

// Report returns the files written and the rows per table.
func (w *CSVWriter) Report() CSVReport {
	rows := map[string]int64{}
	for _, t := range w.tables {
		rows[t.name] = t.rows
	}
	return CSVReport{Dir: w.dir, Files: w.files, Rows: rows}
}

// CSVReport is what a CSVWriter wrote, for run.json.
type CSVReport struct {
	Dir   string           `json:"dir"`
	Files []string         `json:"files"`
	Rows  map[string]int64 `json:"rows"` // per table
}

// Output is the CSV tables' part of run.json.
func (w *CSVWriter) Output() (string, any) { return "csv", w.Report() }

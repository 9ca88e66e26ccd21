package formats

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/retell-export/retell-export/analyze"
	"github.com/retell-export/retell-export/export"
	"github.com/retell-export/retell-export/export/store"
)

// XLSXOptions configures the Excel workbook.
type XLSXOptions struct {
	// Summary returns the run's figures when Close is called: the Summary
	// sheet draws them as they are, so the workbook, summary.json and the
	// printed table show the same numbers. Pass the Summary method of the
	// run's analyze.Stats and close that Stats before the workbook. Close
	// fails if Summary is nil or returns nil.
	Summary func() *analyze.Summary
	// Location is the time zone of the Summary's days and period; nil is
	// UTC. Data sheets always show UTC.
	Location *time.Location
	// TmpDir receives the spill files of the data rows; it needs room
	// for the uncompressed sheet XML (about 12 times the workbook). Empty means the directory of the
	// workbook, so a tmpfs /tmp never holds the data in RAM.
	TmpDir string
	// ToolVersion and Title go into the Summary and the document
	// properties. An empty Title is "Retell calls report".
	ToolVersion string
	Title       string
}

// XLSXWriter writes report.xlsx: a Summary sheet with the run's key figures
// and charts, then the Calls, Transcripts, Events and Costs sheets as Excel
// tables, their rows sorted by call start then call id. Write encodes a
// call's rows into spill files (see xlsx_spill.go) and keeps nothing else
// of it; Close draws the Summary from the run's analyze.Summary, streams
// each data sheet from its spill file in order, one sheet at a time, and
// zips the workbook straight into an atomic temporary file beside path,
// then renames it into place.
type XLSXWriter struct {
	path  string
	opts  XLSXOptions
	out   *store.AtomicFile
	spill *rowSpill
	// f is the workbook, made up front so that its styles are known
	// when rows are rendered (Write); it holds little until Close.
	f        *excelize.File
	st       *xlsxStyles
	render   [numSeries]*rowXML // each data sheet's rows
	rendered bytes.Buffer       // the row being rendered

	cols   sheetColumns
	widths [numSeries][]textWidth // measured text widths per column
	rows   Rows                   // rebuilt for every call
	rowBuf []any                  // reused cell buffer
	tblBuf []any                  // reused table values buffer

	// maxRows is the row limit per sheet, header included. Tests lower it
	// to exercise the rollover to "Name (2)" cheaply.
	maxRows int

	sheets     []string         // every sheet written, in order (after Close)
	sheetRows  map[string]int64 // data rows per series
	clipped    int64            // cells whose text was clipped
	plainLinks int64            // links too long for HYPERLINK(), written as text
	err        error            // first write error; later writes return it
	done       bool
}

var _ export.Writer = (*XLSXWriter)(nil)
var _ export.Aborter = (*XLSXWriter)(nil)

// The data sheets, in workbook order.
const (
	seriesCalls = iota
	seriesTranscripts
	seriesEvents
	seriesCosts
	numSeries
)

var seriesNames = [numSeries]string{sheetCalls, sheetTranscripts, sheetEvents, sheetCosts}

// NewXLSX starts the workbook that Close will write to path.
func NewXLSX(path string, opts XLSXOptions) (*XLSXWriter, error) {
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if opts.Title == "" {
		opts.Title = "Retell calls report"
	}
	if opts.TmpDir == "" {
		opts.TmpDir = filepath.Dir(path)
	}
	// excelize would silently keep the rows in RAM without its TmpDir.
	if err := os.MkdirAll(opts.TmpDir, 0o755); err != nil {
		return nil, fmt.Errorf("xlsx: %w", err)
	}
	out, err := store.CreateAtomic(path)
	if err != nil {
		return nil, fmt.Errorf("xlsx: %w", err)
	}
	spill, err := newRowSpill(opts.TmpDir)
	if err != nil {
		out.Abort()
		return nil, fmt.Errorf("xlsx: %w", err)
	}
	w := &XLSXWriter{
		path:      path,
		opts:      opts,
		out:       out,
		spill:     spill,
		maxRows:   xlsxMaxSheetRows,
		cols:      newSheetColumns(),
		sheetRows: map[string]int64{},
	}
	w.widths = [numSeries][]textWidth{
		make([]textWidth, len(w.cols.calls.cols)), make([]textWidth, len(w.cols.transcripts.cols)),
		make([]textWidth, len(w.cols.events.cols)), make([]textWidth, len(w.cols.costs.cols)),
	}
	if err := w.start(); err != nil {
		w.Abort()
		return nil, fmt.Errorf("xlsx: %w", err)
	}
	return w, nil
}

// start makes the workbook and its styles, and the row renderers, whose
// cell styles and row heights do not depend on the measured column widths.
func (w *XLSXWriter) start() error {
	w.f = excelize.NewFile(excelize.Options{TmpDir: w.opts.TmpDir})
	if err := w.f.SetSheetName("Sheet1", sheetSummary); err != nil {
		return err
	}
	st, err := newXLSXStyles(w.f)
	if err != nil {
		return err
	}
	w.st = st
	for i, cols := range w.layouts() {
		if w.render[i], err = newRowXML(cols); err != nil {
			return err
		}
	}
	return nil
}

// layouts lays out the data sheets' columns with the text widths measured
// so far.
func (w *XLSXWriter) layouts() [numSeries][]xlsxColumn {
	return [numSeries][]xlsxColumn{
		layout(w.cols.calls, w.widths[seriesCalls], w.st),
		layout(w.cols.transcripts, w.widths[seriesTranscripts], w.st),
		layout(w.cols.events, w.widths[seriesEvents], w.st),
		layout(w.cols.costs, w.widths[seriesCosts], w.st),
	}
}

// Write encodes c's rows into the spill files. Nothing of c is kept after
// Write returns. A panic while doing so (a bug) becomes an error: the run
// then ends with a message and its clean-up, not a crash.
func (w *XLSXWriter) Write(c *export.Call) (err error) {
	if w.err != nil {
		return w.err
	}
	if w.done {
		return errors.New("xlsx: write after close")
	}
	defer func() {
		if p := recover(); p != nil {
			err = panicError("write call "+c.CallID, p)
		}
		if err != nil {
			w.err = err
		}
	}()
	if err := w.write(c); err != nil {
		return fmt.Errorf("xlsx: call %s: %w", c.CallID, err)
	}
	return nil
}

// panicError turns a recovered panic into an error that says where it
// happened, with the stack for the bug report.
func panicError(what string, p any) error {
	return fmt.Errorf("xlsx: %s: internal error (panic): %v\n%s", what, p, debug.Stack())
}

func (w *XLSXWriter) write(c *export.Call) error {
	w.rows.Build(c, false)
	err := w.spillRows(&w.rows)
	// The rows share strings with c: clear them so nothing of this call
	// outlives Write (the slices keep their capacity).
	clear(w.rows.Utterances)
	clear(w.rows.Events)
	clear(w.rows.CostItems)
	clear(w.rows.CustomAnalysis)
	w.rows.Call = CallRow{}
	clear(w.rowBuf[:cap(w.rowBuf)])
	return err
}

// Close draws the Summary, writes the data sheets and commits the file.
// On error nothing is left at path (an older file stays as it was).
func (w *XLSXWriter) Close() (err error) {
	if w.done {
		return nil
	}
	if w.err != nil {
		_ = w.Abort()
		return w.err
	}
	defer func() {
		if p := recover(); p != nil {
			err = panicError("close", p)
		}
		if err != nil {
			_ = w.Abort()
		}
	}()
	w.done = true
	if err := w.commit(); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	return nil
}

func (w *XLSXWriter) commit() error {
	var sum *analyze.Summary
	if w.opts.Summary != nil {
		sum = w.opts.Summary()
	}
	if sum == nil {
		return errors.New("no summary: the run's analysis must be closed before the workbook")
	}
	f, st := w.f, w.st
	// The data sheets are created in their final order, after the
	// Summary, so nothing moves: excelize's MoveSheet re-read every sheet
	// and panicked on flushed stream sheets (at 100k calls).
	if err := writeSummary(f, st, sum, w.opts); err != nil {
		return fmt.Errorf("summary: %w", err)
	}
	if err := f.SetDocProps(&excelize.DocProperties{
		Title:   w.opts.Title,
		Creator: "retell-export " + w.opts.ToolVersion,
		Created: time.Now().UTC().Format(time.RFC3339),
	}); err != nil {
		return err
	}
	z := newSheetSplicer()
	if err := w.writeSheets(f, z, st); err != nil {
		return err
	}
	if err := z.save(f, w.out); err != nil {
		return err
	}
	if err := errors.Join(w.spill.remove(), w.closeFile()); err != nil {
		return err
	}
	return w.out.Commit()
}

// writeSheets lays out every data sheet, whose rows save copies from the
// spill files in order.
func (w *XLSXWriter) writeSheets(f *excelize.File, z *sheetSplicer, st *xlsxStyles) error {
	if err := w.spill.sorted(); err != nil {
		return err
	}
	w.sheets = []string{sheetSummary}
	layouts := w.layouts()
	for i, name := range seriesNames {
		rows := func(from, n int64) sheetRows { return &spillRows{s: w.spill, series: i, from: from, n: n} }
		s, err := spillSeries(f, z, name, layouts[i], st.header, w.maxRows, w.spill.total(i), rows)
		if err != nil {
			return err
		}
		w.sheets = append(w.sheets, s.sheets...)
		w.sheetRows[name] = s.rows
	}
	return nil
}

// Abort discards the workbook and the spill files.
func (w *XLSXWriter) Abort() error {
	w.done = true
	return errors.Join(w.spill.remove(), w.out.Abort(), w.closeFile())
}

// closeFile releases the workbook and removes excelize's spill files.
func (w *XLSXWriter) closeFile() error {
	if w.f == nil {
		return nil
	}
	err := w.f.Close()
	w.f = nil
	return err
}

// Report gives the run report the workbook's sheets, rows per sheet and
// the cells that did not fit.
func (w *XLSXWriter) Report() XLSXReport {
	return XLSXReport{File: w.path, Sheets: w.sheets, Rows: w.sheetRows, ClippedCells: w.clipped, LinksAsText: w.plainLinks}
}

// XLSXReport is what an XLSXWriter wrote, for run.json.
type XLSXReport struct {
	File         string           `json:"file"`
	Sheets       []string         `json:"sheets"`
	Rows         map[string]int64 `json:"rows"` // data rows per series
	ClippedCells int64            `json:"clipped_cells"`
	LinksAsText  int64            `json:"links_as_text"`
}

// Output is the workbook's part of run.json.
func (w *XLSXWriter) Output() (string, any) { return "xlsx", w.Report() }

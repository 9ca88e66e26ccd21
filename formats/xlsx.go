package formats

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/retell-export/retell-export/analyze"
	"github.com/retell-export/retell-export/export"
)

// XLSXOptions configures the Excel workbook.
type XLSXOptions struct {
	// Location is the time zone of the Summary's days and period; nil is
	// UTC. Data sheets always show UTC.
	Location *time.Location
	// TmpDir receives excelize's spill files for the streamed sheets; it
	// needs room for the uncompressed sheet XML. Empty means the directory
	// of the workbook, so a tmpfs /tmp never holds the data in RAM.
	TmpDir string
	// ToolVersion and Title go into the Summary and the document
	// properties. An empty Title is "Retell calls report".
	ToolVersion string
	Title       string
}

// XLSXWriter writes report.xlsx: a Summary sheet with the run's key figures
// and charts, then the Calls, Transcripts, Events and Costs sheets as Excel
// tables. Data rows are streamed to temporary files as calls arrive; the
// Summary is drawn at Close from the figures an analyze.Stats gathered, and
// the workbook is zipped straight into an atomic temporary file beside
// path, then renamed into place.
type XLSXWriter struct {
	path  string
	opts  XLSXOptions
	f     *excelize.File
	out   *export.AtomicFile
	st    *xlsxStyles
	stats *analyze.Stats

	cols                              sheetColumns
	calls, transcripts, events, costs *sheetSeries
	rows                              Rows  // rebuilt for every call
	rowBuf                            []any // reused cell buffer

	// maxRows is the row limit per sheet, header included. Tests lower it
	// to exercise the rollover to "Name (2)" cheaply.
	maxRows int

	clipped    int64 // cells whose text was clipped
	plainLinks int64 // links too long for HYPERLINK(), written as text
	err        error // first write error; later writes return it
	done       bool
}

// NewXLSX starts the workbook that Close will write to path.
func NewXLSX(path string, opts XLSXOptions) (*XLSXWriter, error) {
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if opts.Title == "" {
		opts.Title = "Retell calls report"
	}
	out, err := export.CreateAtomic(path)
	if err != nil {
		return nil, fmt.Errorf("xlsx: %w", err)
	}
	if opts.TmpDir == "" {
		opts.TmpDir = filepath.Dir(path)
	}
	w := &XLSXWriter{
		path:    path,
		opts:    opts,
		out:     out,
		f:       excelize.NewFile(excelize.Options{TmpDir: opts.TmpDir}),
		stats:   newXLSXStats(opts.Location),
		maxRows: xlsxMaxSheetRows,
		cols:    newSheetColumns(),
	}
	if err := w.start(); err != nil {
		_ = w.Abort()
		return nil, fmt.Errorf("xlsx: %w", err)
	}
	return w, nil
}

// start lays out the workbook: the Summary is created first (as the
// renamed default sheet) so it is the first tab, though it is filled last.
func (w *XLSXWriter) start() error {
	if err := os.MkdirAll(w.opts.TmpDir, 0o755); err != nil {
		return err // excelize would silently keep the rows in RAM
	}
	if err := w.f.SetSheetName("Sheet1", sheetSummary); err != nil {
		return err
	}
	st, err := newXLSXStyles(w.f)
	if err != nil {
		return err
	}
	w.st = st
	return w.openSeries()
}

func (w *XLSXWriter) openSeries() error {
	var err error
	for _, s := range []struct {
		dst  **sheetSeries
		name string
		cols []xlsxColumn
	}{
		{&w.calls, sheetCalls, layout(w.cols.calls, w.st)},
		{&w.transcripts, sheetTranscripts, layout(w.cols.transcripts, w.st)},
		{&w.events, sheetEvents, layout(w.cols.events, w.st)},
		{&w.costs, sheetCosts, layout(w.cols.costs, w.st)},
	} {
		if *s.dst, err = newSheetSeries(w.f, s.name, s.cols, w.st.header, w.maxRows); err != nil {
			return err
		}
	}
	return nil
}

// setMaxRows changes the per-sheet row limit (tests only).
func (w *XLSXWriter) setMaxRows(n int) {
	w.maxRows = n
	for _, s := range w.series() {
		s.maxRows = n
	}
}

func (w *XLSXWriter) series() []*sheetSeries {
	return []*sheetSeries{w.calls, w.transcripts, w.events, w.costs}
}

// Write adds c's rows to the data sheets and its figures to the Summary.
// Nothing of c is kept after Write returns.
func (w *XLSXWriter) Write(c *export.Call) error {
	if w.err != nil {
		return w.err
	}
	if w.done {
		return errors.New("xlsx: write after close")
	}
	if err := w.write(c); err != nil {
		w.err = fmt.Errorf("xlsx: call %s: %w", c.CallID, err)
		return w.err
	}
	return nil
}

func (w *XLSXWriter) write(c *export.Call) error {
	if err := w.stats.Write(c); err != nil {
		return err
	}
	w.rows.Build(c, false)
	err := w.writeRows(&w.rows)
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

// Close draws the Summary, finishes the data sheets and commits the file.
// On error nothing is left at path (an older file stays as it was).
func (w *XLSXWriter) Close() error {
	if w.done {
		return nil
	}
	if w.err != nil {
		_ = w.Abort()
		return w.err
	}
	if err := w.commit(); err != nil {
		_ = w.Abort()
		return fmt.Errorf("xlsx: %w", err)
	}
	return nil
}

func (w *XLSXWriter) commit() error {
	w.done = true
	defer w.f.Close() // removes excelize's spill files
	if err := w.stats.Close(); err != nil {
		return err
	}
	if err := w.writeSummary(); err != nil {
		return fmt.Errorf("summary: %w", err)
	}
	// Arrange before the streams are flushed: MoveSheet and SetActiveSheet
	// read every worksheet, and a flushed stream sheet is read by parsing
	// its XML still in memory (up to 16 MiB per sheet, several times that
	// as structs). An open stream's sheet is read from excelize's cache.
	if err := w.arrange(); err != nil {
		return err
	}
	for _, s := range w.series() {
		if err := s.finish(); err != nil {
			return err
		}
	}
	if err := w.save(); err != nil {
		return err
	}
	return w.out.Commit()
}

// arrange puts the sheets in reading order (a series' continuation sheets
// right after it), opens the workbook on the Summary and sets properties.
func (w *XLSXWriter) arrange() error {
	order := []string{sheetSummary}
	for _, s := range w.series() {
		order = append(order, s.sheets...)
	}
	for i, name := range order {
		if cur := w.f.GetSheetList(); cur[i] != name {
			if err := w.f.MoveSheet(name, cur[i]); err != nil {
				return fmt.Errorf("order sheets: %w", err)
			}
		}
	}
	w.f.SetActiveSheet(0)
	return w.f.SetDocProps(&excelize.DocProperties{
		Title:   w.opts.Title,
		Creator: "retell-export " + w.opts.ToolVersion,
		Created: time.Now().UTC().Format(time.RFC3339),
	})
}

// save zips the workbook directly into the atomic file. excelize's own
// Write builds the whole zip in a bytes.Buffer first (peak RSS grows with
// the file, excelize #2357); with a zip writer of our own over the file,
// the streamed sheets go from their spill files to disk and the buffer
// excelize hands out stays empty. guardWriter makes sure it did.
func (w *XLSXWriter) save() error {
	var zw *zip.Writer
	w.f.SetZipWriter(func(io.Writer) excelize.ZipWriter {
		zw = zip.NewWriter(w.out)
		return zw
	})
	if _, err := w.f.WriteTo(guardWriter{}); err != nil {
		return fmt.Errorf("save: %w", err)
	}
	if zw == nil {
		return errors.New("save: excelize did not use the zip writer")
	}
	return nil
}

// guardWriter fails if excelize ever writes workbook bytes past our zip
// writer (a change of behaviour in a later version), instead of corrupting
// the file by appending them.
type guardWriter struct{}

func (guardWriter) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	return 0, errors.New("excelize wrote outside the zip writer")
}

// Abort discards the workbook and excelize's spill files.
func (w *XLSXWriter) Abort() error {
	w.done = true
	return errors.Join(w.f.Close(), w.out.Abort())
}

// Report gives the run report the workbook's sheets, rows per sheet and
// the cells that did not fit.
func (w *XLSXWriter) Report() map[string]any {
	rows := map[string]int64{}
	var sheets []string
	sheets = append(sheets, sheetSummary)
	for _, s := range w.series() {
		rows[s.base] = s.rows
		sheets = append(sheets, s.sheets...)
	}
	return map[string]any{
		"file":          w.path,
		"sheets":        sheets,
		"rows":          rows,
		"clipped_cells": w.clipped,
		"links_as_text": w.plainLinks,
	}
}

package formats

import (
	"fmt"

	"github.com/xuri/excelize/v2"
)

// xlsxColumn is one column of a streamed data sheet.
type xlsxColumn struct {
	header string  // unique within the sheet: it becomes the table column name
	width  float64 // in Excel character widths
	style  int     // body cell style applied to the whole column; 0 = General
}

// sheetSeries is a data sheet written with a StreamWriter, continued on
// "Name (2)", "Name (3)"... when it would pass the row limit. Each sheet of
// the series is an Excel table (filter buttons) with a frozen header row.
type sheetSeries struct {
	f       *excelize.File
	base    string // first sheet name, and the table name stem
	cols    []xlsxColumn
	header  int // header row style
	maxRows int // rows per sheet, header included

	sheets []string // every sheet of the series so far, in order
	sw     *excelize.StreamWriter
	row    int   // last row written on the current sheet (1 = header)
	rows   int64 // data rows written over the whole series
}

func newSheetSeries(f *excelize.File, base string, cols []xlsxColumn, header, maxRows int) (*sheetSeries, error) {
	s := &sheetSeries{f: f, base: base, cols: cols, header: header, maxRows: maxRows}
	if err := s.open(); err != nil {
		return nil, err
	}
	return s, nil
}

// name returns the name of the n-th sheet of the series (n from 1).
func (s *sheetSeries) name(n int) string {
	if n == 1 {
		return s.base
	}
	return fmt.Sprintf("%s (%d)", s.base, n)
}

// open creates the next sheet of the series and writes its layout and
// header row. Widths and panes must precede the first SetRow.
func (s *sheetSeries) open() error {
	name := s.name(len(s.sheets) + 1)
	if _, err := s.f.NewSheet(name); err != nil {
		return fmt.Errorf("sheet %s: %w", name, err)
	}
	if err := s.printLayout(name); err != nil {
		return fmt.Errorf("sheet %s: %w", name, err)
	}
	sw, err := s.f.NewStreamWriter(name)
	if err != nil {
		return fmt.Errorf("sheet %s: %w", name, err)
	}
	for i, c := range s.cols {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return fmt.Errorf("sheet %s: %w", name, err)
		}
		if c.style != 0 {
			if err := sw.SetColStyle(i+1, i+1, c.style); err != nil {
				return fmt.Errorf("sheet %s: %w", name, err)
			}
		}
	}
	// Freeze the header row and the Call ID column: both stay in view
	// while scrolling through long, wide sheets.
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, XSplit: 1, YSplit: 1, TopLeftCell: "B2", ActivePane: "bottomRight",
		Selection: []excelize.Selection{{SQRef: "B2", ActiveCell: "B2", Pane: "bottomRight"}}}); err != nil {
		return fmt.Errorf("sheet %s: %w", name, err)
	}
	hdr := make([]any, len(s.cols))
	for i, c := range s.cols {
		hdr[i] = excelize.Cell{StyleID: s.header, Value: c.header}
	}
	if err := sw.SetRow("A1", hdr, excelize.RowOpts{Height: 30}); err != nil {
		return fmt.Errorf("sheet %s: %w", name, err)
	}
	s.sheets = append(s.sheets, name)
	s.sw, s.row = sw, 1
	return nil
}

// printLayout prints the sheet landscape, fitted to the page width (as many
// pages down as it takes), with the header row on every page. It must come
// before the stream starts: the StreamWriter writes the sheet properties
// first, and the page setup from the same worksheet at Flush.
func (s *sheetSeries) printLayout(name string) error {
	if err := s.f.SetSheetProps(name, &excelize.SheetPropsOptions{FitToPage: ptr(true)}); err != nil {
		return err
	}
	if err := s.f.SetPageLayout(name, &excelize.PageLayoutOptions{
		Size: ptr(9), Orientation: ptr("landscape"), FitToWidth: ptr(1), FitToHeight: ptr(0),
	}); err != nil {
		return err
	}
	margin := 0.4
	if err := s.f.SetPageMargins(name, &excelize.PageLayoutMarginsOptions{
		Left: &margin, Right: &margin, Top: &margin, Bottom: &margin,
	}); err != nil {
		return err
	}
	return s.f.SetDefinedName(&excelize.DefinedName{
		Name: "_xlnm.Print_Titles", Scope: name, RefersTo: fmt.Sprintf("'%s'!$1:$1", name),
	})
}

// add writes one data row, rolling over to a new sheet when the current one
// is full. Values are in column order; nil leaves a cell empty. excelize
// gives a value without its own style the column style.
func (s *sheetSeries) add(values []any) error {
	if s.row >= s.maxRows {
		if err := s.finish(); err != nil {
			return err
		}
		if err := s.open(); err != nil {
			return err
		}
	}
	s.row++
	cell, err := excelize.CoordinatesToCellName(1, s.row)
	if err != nil {
		return err
	}
	if err := s.sw.SetRow(cell, values); err != nil {
		return fmt.Errorf("sheet %s row %d: %w", s.sheets[len(s.sheets)-1], s.row, err)
	}
	s.rows++
	return nil
}

// tableName is a valid Excel identifier for the n-th sheet's table.
func (s *sheetSeries) tableName(n int) string {
	if n == 1 {
		return s.base
	}
	return fmt.Sprintf("%s_%d", s.base, n)
}

// finish turns the current sheet into an Excel table and flushes it.
func (s *sheetSeries) finish() error {
	if s.sw == nil {
		return nil
	}
	n := len(s.sheets)
	last, err := excelize.CoordinatesToCellName(len(s.cols), max(s.row, 2))
	if err != nil {
		return err
	}
	if err := s.sw.AddTable(&excelize.Table{
		Range:     "A1:" + last,
		Name:      s.tableName(n),
		StyleName: "TableStyleMedium2",
	}); err != nil {
		return fmt.Errorf("table %s: %w", s.tableName(n), err)
	}
	if err := s.sw.Flush(); err != nil {
		return fmt.Errorf("sheet %s: %w", s.sheets[n-1], err)
	}
	s.sw = nil
	return nil
}

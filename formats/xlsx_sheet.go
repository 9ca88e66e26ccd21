package formats

import (
	"fmt"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// xlsxColumn is one column of a data sheet.
type xlsxColumn struct {
	header string  // unique within the sheet: it becomes the table column name
	width  float64 // in Excel character widths
	style  int     // body cell style; 0 = General
	// noPrint leaves the column off the printed page (wide sheets print
	// their leading columns).
	noPrint bool
	// wrap: the text wraps, and rows are made tall enough for it.
	wrap bool
}

// sheetSeries is a data sheet, continued on "Name (2)", "Name (3)"... when
// it would pass the row limit. Each sheet of the series is an Excel table
// (filter buttons) with a frozen header row and Call ID column, printed
// landscape.
//
// excelize lays out each sheet (header, widths, panes, page setup, table)
// in normal mode; the data rows do not go through it. Its StreamWriter
// keeps up to 16 MiB of XML in memory per sheet until the file is saved
// (32 MiB of buffer capacity, more for every continuation sheet), which was
// most of the run's memory. The rows are copied from the workbook's spill
// files into excelize's sheet parts as the workbook is zipped
// (xlsx_splice.go); their count is known before the first sheet is made.
type sheetSeries struct {
	f       *excelize.File
	z       *sheetSplicer
	base    string // first sheet name, and the table name stem
	cols    []xlsxColumn
	header  int // header row style
	maxRows int // rows per sheet, header included

	sheets []string     // every sheet of the series so far, in order
	part   *splicedPart // the current sheet
	rows   int64        // data rows over the whole series
}

// spillSeries makes every sheet of a series of total rows, whose rows
// rows(from, n) gives (n rows from the from-th, numbered from 2).
func spillSeries(f *excelize.File, z *sheetSplicer, base string, cols []xlsxColumn, header, maxRows int, total int64, rows func(from, n int64) sheetRows) (*sheetSeries, error) {
	s := &sheetSeries{f: f, z: z, base: base, cols: cols, header: header, maxRows: maxRows}
	per := int64(maxRows - 1)
	for from := int64(0); from == 0 || from < total; from += per {
		n := min(per, total-from)
		if err := s.open(rows(from, n)); err != nil {
			return nil, err
		}
		s.rows += n
		if err := s.finishSheet(int(n) + 1); err != nil {
			return nil, err
		}
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

// open creates the next sheet of the series with its layout and header
// row, and rows as its data rows.
func (s *sheetSeries) open(rows sheetRows) error {
	name := s.name(len(s.sheets) + 1)
	if err := s.layOut(name); err != nil {
		return fmt.Errorf("sheet %s: %w", name, err)
	}
	part, err := s.z.add(s.f, name, rows)
	if err != nil {
		return fmt.Errorf("sheet %s: %w", name, err)
	}
	s.sheets = append(s.sheets, name)
	s.part = part
	return nil
}

// layOut creates sheet name with everything but the data rows.
func (s *sheetSeries) layOut(name string) error {
	f := s.f
	if _, err := f.NewSheet(name); err != nil {
		return err
	}
	if err := s.printLayout(name); err != nil {
		return err
	}
	// Column styles before the header: SetColStyle restyles the cells
	// already in the column.
	for i, c := range s.cols {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(name, col, col, c.width); err != nil {
			return err
		}
		if c.style != 0 {
			if err := f.SetColStyle(name, col, c.style); err != nil {
				return err
			}
		}
	}
	hdr := make([]any, len(s.cols))
	for i, c := range s.cols {
		hdr[i] = c.header
	}
	if err := f.SetSheetRow(name, "A1", &hdr); err != nil {
		return err
	}
	last, _ := excelize.CoordinatesToCellName(len(s.cols), 1)
	if err := f.SetCellStyle(name, "A1", last, s.header); err != nil {
		return err
	}
	if err := f.SetRowHeight(name, 1, 30); err != nil {
		return err
	}
	// Freeze the header row and the Call ID column: both stay in view
	// while scrolling through long, wide sheets.
	return f.SetPanes(name, &excelize.Panes{Freeze: true, XSplit: 1, YSplit: 1, TopLeftCell: "B2", ActivePane: "bottomRight",
		Selection: []excelize.Selection{{SQRef: "B2", ActiveCell: "B2", Pane: "bottomRight"}}})
}

// printLayout prints the sheet landscape, fitted to the page width (as many
// pages down as it takes), with the header row on every page.
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
	if err := s.f.SetDefinedName(&excelize.DefinedName{
		Name: "_xlnm.Print_Titles", Scope: name, RefersTo: fmt.Sprintf("'%s'!$1:$1", name),
	}); err != nil {
		return err
	}
	printed := 0
	for printed < len(s.cols) && !s.cols[printed].noPrint {
		printed++
	}
	if printed == len(s.cols) {
		return nil
	}
	last, err := excelize.ColumnNumberToName(printed)
	if err != nil {
		return err
	}
	return s.f.SetDefinedName(&excelize.DefinedName{
		Name: "_xlnm.Print_Area", Scope: name, RefersTo: fmt.Sprintf("'%s'!$A:$%s", name, last),
	})
}

// tableName is a valid Excel identifier for the n-th sheet's table.
func (s *sheetSeries) tableName(n int) string {
	if n == 1 {
		return s.base
	}
	return s.base + "_" + strconv.Itoa(n)
}

// finishSheet turns the current sheet, whose last row is lastRow, into an
// Excel table over its rows.
func (s *sheetSeries) finishSheet(lastRow int) error {
	n := len(s.sheets)
	last, err := excelize.CoordinatesToCellName(len(s.cols), max(lastRow, 2))
	if err != nil {
		return err
	}
	if err := s.f.AddTable(s.sheets[n-1], &excelize.Table{
		Range:     "A1:" + last,
		Name:      s.tableName(n),
		StyleName: "TableStyleMedium2",
	}); err != nil {
		return fmt.Errorf("table %s: %w", s.tableName(n), err)
	}
	s.part.dimension = "A1:" + last
	return nil
}

package formats

import (
	"fmt"

	"github.com/xuri/excelize/v2"
)

// Number formats. Dates are Excel serials, durations fractions of a day and
// money numbers, so sorting, filters and sums work; only the format makes
// them readable.
const (
	fmtDateTime = "yyyy-mm-dd hh:mm:ss"
	fmtDate     = "yyyy-mm-dd"
	fmtDuration = "[h]:mm:ss"
	fmtOffset   = "[m]:ss.0" // position in the recording
	fmtMoney    = `"$"#,##0.00`
	fmtPrice    = `"$"#,##0.0000`
	fmtCount    = "#,##0"
	fmtCents    = "#,##0.000"
	fmtMillis   = `#,##0" ms"`
	fmtPercent  = "0.0%"
	fmtMinutes  = `#,##0.0`
	// fmtBool shows a boolean cell as TRUE or FALSE. Excel does so for any
	// boolean cell, LibreOffice only with a boolean format: without one it
	// shows 1 and 0.
	fmtBool = `"TRUE";"TRUE";"FALSE"`
)

// xlsxStyles holds the style ids of the workbook, created once up front:
// excelize deduplicates styles, but creating them per cell costs time.
type xlsxStyles struct {
	header   int
	text     int
	wrap     int
	dateTime int
	date     int
	duration int
	offset   int
	money    int
	price    int
	count    int
	cents    int
	millis   int
	link     int
	boolean  int

	// Summary sheet
	title    int
	subtitle int
	section  int
	label    int
	note     int
	kpiCount int
	kpiMoney int
	kpiPct   int
	kpiMin   int
	kpiMs    int
	kpiDur   int
	tblHead  int
	tblText  int
	tblCount int
	tblMoney int
	tblPct   int
	tblMin   int
	tblMs    int
	tblDate  int
	tblDur   int
}

// fontFamily is Excel's default; naming it keeps LibreOffice from falling
// back to a serif font for styled cells.
const fontFamily = "Calibri"

const (
	colorBlue     = "1F4E79"
	colorHeader   = "305496"
	colorGrey     = "595959"
	colorLine     = "BFBFBF"
	colorKPIFill  = "DDEBF7"
	colorHeadFill = "D9E1F2"
)

func numFmt(s string) *string { return &s }

func newXLSXStyles(f *excelize.File) (*xlsxStyles, error) {
	var st xlsxStyles
	border := []excelize.Border{{Type: "bottom", Color: colorLine, Style: 1}}
	top := &excelize.Alignment{Vertical: "top"}
	defs := []struct {
		id *int
		s  excelize.Style
	}{
		{&st.header, excelize.Style{
			Font:      &excelize.Font{Family: fontFamily, Bold: true, Color: "FFFFFF"},
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{colorHeader}},
			Alignment: &excelize.Alignment{Vertical: "center", WrapText: true},
		}},
		{&st.text, excelize.Style{Alignment: top}},
		{&st.wrap, excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}},
		{&st.dateTime, excelize.Style{CustomNumFmt: numFmt(fmtDateTime), Alignment: top}},
		{&st.date, excelize.Style{CustomNumFmt: numFmt(fmtDate), Alignment: top}},
		{&st.duration, excelize.Style{CustomNumFmt: numFmt(fmtDuration), Alignment: top}},
		{&st.offset, excelize.Style{CustomNumFmt: numFmt(fmtOffset), Alignment: top}},
		{&st.money, excelize.Style{CustomNumFmt: numFmt(fmtMoney), Alignment: top}},
		{&st.price, excelize.Style{CustomNumFmt: numFmt(fmtPrice), Alignment: top}},
		{&st.count, excelize.Style{CustomNumFmt: numFmt(fmtCount), Alignment: top}},
		{&st.cents, excelize.Style{CustomNumFmt: numFmt(fmtCents), Alignment: top}},
		{&st.millis, excelize.Style{CustomNumFmt: numFmt(fmtMillis), Alignment: top}},
		{&st.link, excelize.Style{Font: &excelize.Font{Family: fontFamily, Color: "0563C1", Underline: "single"}, Alignment: top}},
		{&st.boolean, excelize.Style{CustomNumFmt: numFmt(fmtBool), Alignment: &excelize.Alignment{Vertical: "top", Horizontal: "center"}}},

		{&st.title, excelize.Style{Font: &excelize.Font{Family: fontFamily, Bold: true, Size: 18, Color: colorBlue}}},
		{&st.subtitle, excelize.Style{Font: &excelize.Font{Family: fontFamily, Size: 11, Color: colorGrey}}},
		{&st.section, excelize.Style{
			Font:   &excelize.Font{Family: fontFamily, Bold: true, Size: 12, Color: colorBlue},
			Border: []excelize.Border{{Type: "bottom", Color: colorBlue, Style: 2}},
		}},
		{&st.label, excelize.Style{Font: &excelize.Font{Family: fontFamily, Color: colorGrey}, Border: border,
			Alignment: &excelize.Alignment{Indent: 1, Vertical: "center"}}},
		{&st.note, excelize.Style{Font: &excelize.Font{Family: fontFamily, Italic: true, Size: 9, Color: colorGrey}}},
		{&st.kpiCount, kpiStyle(fmtCount, border)},
		{&st.kpiMoney, kpiStyle(fmtMoney, border)},
		{&st.kpiPct, kpiStyle(fmtPercent, border)},
		{&st.kpiMin, kpiStyle(fmtMinutes, border)},
		{&st.kpiMs, kpiStyle(fmtMillis, border)},
		{&st.kpiDur, kpiStyle(fmtDuration, border)},
		{&st.tblHead, excelize.Style{
			Font:      &excelize.Font{Family: fontFamily, Bold: true, Color: colorBlue},
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{colorHeadFill}},
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
		}},
		{&st.tblText, excelize.Style{Border: border}},
		{&st.tblCount, excelize.Style{CustomNumFmt: numFmt(fmtCount), Border: border}},
		{&st.tblMoney, excelize.Style{CustomNumFmt: numFmt(fmtMoney), Border: border}},
		{&st.tblPct, excelize.Style{CustomNumFmt: numFmt(fmtPercent), Border: border}},
		{&st.tblMin, excelize.Style{CustomNumFmt: numFmt(fmtMinutes), Border: border}},
		{&st.tblMs, excelize.Style{CustomNumFmt: numFmt(fmtMillis), Border: border}},
		{&st.tblDate, excelize.Style{CustomNumFmt: numFmt("ddd d mmm yyyy"), Border: border, Alignment: &excelize.Alignment{Horizontal: "left"}}},
		{&st.tblDur, excelize.Style{CustomNumFmt: numFmt(fmtDuration), Border: border}},
	}
	for _, d := range defs {
		id, err := f.NewStyle(&d.s)
		if err != nil {
			return nil, fmt.Errorf("style: %w", err)
		}
		*d.id = id
	}
	return &st, nil
}

func kpiStyle(format string, border []excelize.Border) excelize.Style {
	return excelize.Style{
		Font:         &excelize.Font{Family: fontFamily, Bold: true, Size: 12},
		CustomNumFmt: numFmt(format),
		Alignment:    &excelize.Alignment{Horizontal: "right", Vertical: "center", Indent: 1},
		Border:       border,
	}
}

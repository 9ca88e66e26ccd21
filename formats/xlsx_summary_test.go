package formats

import (
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/retell-export/retell-export/analyze"
	"github.com/retell-export/retell-export/export"
)

// sheetPart returns the zip path of a sheet's XML, resolved through the
// workbook and its relationships as a reader would.
func sheetPart(t *testing.T, files map[string]string, sheet string) string {
	t.Helper()
	m := regexp.MustCompile(`<sheet name="` + regexp.QuoteMeta(sheet) + `" sheetId="\d+" r:id="(rId\d+)"`).FindStringSubmatch(files["xl/workbook.xml"])
	if m == nil {
		t.Fatalf("workbook.xml has no sheet %q", sheet)
	}
	target := regexp.MustCompile(`Id="` + m[1] + `"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="` + m[1] + `"`).FindStringSubmatch(files["xl/_rels/workbook.xml.rels"])
	if target == nil {
		t.Fatalf("no relationship %s for sheet %q", m[1], sheet)
	}
	path := target[1] + target[2]
	path = strings.TrimPrefix(path, "/xl/")
	return "xl/" + path
}

func TestXLSXSummarySheet(t *testing.T) {
	calls := []*export.Call{testCall(0, 3), testCall(1, 3), testCall(2, 3), testCall(5, 2)}
	path, _ := writeTestWorkbook(t, calls, nil)
	files := zipFiles(t, path)

	var charts int
	for name := range files {
		if strings.HasPrefix(name, "xl/charts/chart") && strings.HasSuffix(name, ".xml") {
			charts++
		}
	}
	if charts != 3 {
		t.Errorf("%d chart parts, want 3 (per day, reasons, sentiment)", charts)
	}
	part := sheetPart(t, files, sheetSummary)
	if !strings.Contains(files[part], "<drawing r:id=") {
		t.Errorf("%s has no <drawing> element: the charts would not show", part)
	}
	rels := strings.Replace(part, "worksheets/", "worksheets/_rels/", 1) + ".rels"
	if !strings.Contains(files[rels], "relationships/drawing") {
		t.Errorf("%s has no drawing relationship", rels)
	}
	for _, sheet := range []string{sheetCalls, sheetTranscripts} {
		if strings.Contains(files[sheetPart(t, files, sheet)], "<drawing") {
			t.Errorf("streamed sheet %s carries a drawing", sheet)
		}
	}

	f := openWorkbook(t, path)
	find := func(label string) (string, string) {
		t.Helper()
		rows, err := f.GetRows(sheetSummary)
		if err != nil {
			t.Fatal(err)
		}
		for r, row := range rows {
			for c, v := range row {
				if v == label && c+1 < len(row) {
					cell := cellName(t, c+1, r+1)
					if label == "Calls" || label == "Connected" {
						return row[c+1], cell
					}
					for _, next := range row[c+1:] {
						if next != "" {
							return next, cell
						}
					}
				}
			}
		}
		t.Fatalf("Summary has no %q", label)
		return "", ""
	}
	if v, _ := find("Calls"); v != "4" {
		t.Errorf("Calls key figure = %q, want 4", v)
	}
	if v, _ := find("Total cost"); v != "$0.50" { // 10.5+11.5+12.5+15.5 = 50 cents
		t.Errorf("Total cost = %q, want $0.50", v)
	}
	title, _ := f.GetCellValue(sheetSummary, "A1")
	if !strings.Contains(title, "2 Nov 2026 – 3 Nov 2026") {
		t.Errorf("title %q does not state the period", title)
	}
	sub, _ := f.GetCellValue(sheetSummary, "A2")
	if !strings.Contains(sub, "UTC") {
		t.Errorf("subtitle %q does not state the time zone", sub)
	}
	names := f.GetDefinedName()
	var printArea bool
	for _, n := range names {
		if n.Name == "_xlnm.Print_Area" && n.Scope == sheetSummary {
			printArea = true
		}
	}
	if !printArea {
		t.Errorf("no print area on the Summary (defined names %+v)", names)
	}
}

// The Summary's days follow the report's zone, while data sheets stay UTC.
func TestXLSXSummaryTimeZone(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	c := testCall(0, 1)
	late := time.Date(2026, 11, 2, 20, 0, 0, 0, time.UTC).UnixMilli() // 3 Nov 05:00 in Tokyo
	c.StartTimestamp = &late
	path := t.TempDir() + "/report.xlsx"
	_, ws := newTestXLSX(t, path, XLSXOptions{Location: tokyo})
	writeAll(t, ws, []*export.Call{c})
	f := openWorkbook(t, path)
	if title, _ := f.GetCellValue(sheetSummary, "A1"); !strings.Contains(title, "3 Nov 2026") {
		t.Errorf("title %q, want the Tokyo day 3 Nov 2026", title)
	}
	if sub, _ := f.GetCellValue(sheetSummary, "A2"); !strings.Contains(sub, "Asia/Tokyo") {
		t.Errorf("subtitle %q does not name Asia/Tokyo", sub)
	}
	start, _ := f.GetCellValue(sheetCalls, "B2")
	if start != "2026-11-02 20:00:00" {
		t.Errorf("Calls start = %q, want UTC 2026-11-02 20:00:00", start)
	}
}

// An empty run still gives a valid workbook with every sheet.
func TestXLSXEmptyRun(t *testing.T) {
	path, _ := writeTestWorkbook(t, nil, nil)
	f := openWorkbook(t, path)
	if got := len(f.GetSheetList()); got != 5 {
		t.Errorf("%d sheets, want 5", got)
	}
	for _, sheet := range []string{sheetCalls, sheetTranscripts, sheetEvents, sheetCosts} {
		if n := len(dataRows(t, f, sheet)); n != 0 {
			t.Errorf("%s has %d rows", sheet, n)
		}
	}
}

// The Summary sheet shows the figures of the run's analyze.Summary, with
// its denominators: the sample calls include calls without analysis and
// without a start time, where a private computation used to differ.
func TestXLSXSummaryEqualsTheRunSummary(t *testing.T) {
	calls := loadSampleCalls(t)
	path := filepath.Join(t.TempDir(), "report.xlsx")
	_, ws := newTestXLSX(t, path, XLSXOptions{})
	writeAll(t, ws, calls)
	sum := ws[0].(*analyze.Stats).Summary()
	o := sum.Overall
	if o.Volume.WithoutStart == 0 || o.Analysis.WithoutAnalysis == 0 {
		t.Fatal("the samples no longer have calls without start or analysis: the test shows nothing")
	}
	f := openWorkbook(t, path)
	rows, err := f.GetRows(sheetSummary, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	// value returns the raw value right of label (merged label cells are
	// followed by empty cells).
	value := func(label string) string {
		t.Helper()
		for _, row := range rows {
			for c, v := range row {
				if v != label {
					continue
				}
				for _, next := range row[c+1:] {
					if next != "" {
						return next
					}
				}
			}
		}
		t.Fatalf("Summary has no %q", label)
		return ""
	}
	num := func(s string) float64 {
		t.Helper()
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatalf("%q is not a number", s)
		}
		return v
	}
	var positive float64
	for _, c := range o.Analysis.Sentiments {
		if c.Name == export.SentimentPositive {
			positive = c.Share
		}
	}
	if got := num(value("Positive sentiment")); got != positive {
		t.Errorf("Positive sentiment %v, summary.json %v (of %d analysed calls)", got, positive, o.Analysis.Analysed)
	}
	if got := num(value("Success rate")); got != *o.Analysis.SuccessRate {
		t.Errorf("Success rate %v, summary.json %v", got, *o.Analysis.SuccessRate)
	}
	// Calls per day add up to every call, thanks to the "(no start)" row.
	var perDay, noStart int
	inTable := false
	for _, row := range rows {
		switch {
		case len(row) > 0 && row[0] == "Calls per day":
			inTable = true
		case inTable && len(row) > 1 && row[0] != "Day":
			n := int(num(row[1]))
			perDay += n
			if row[0] == analyze.NoStart {
				noStart = n
			}
		}
	}
	if perDay != o.Volume.Calls || noStart != o.Volume.WithoutStart {
		t.Errorf("calls per day add up to %d with %d (no start), want %d with %d", perDay, noStart, o.Volume.Calls, o.Volume.WithoutStart)
	}
	// The reasons table is analyze's reason lines.
	var reasons []string
	for i, row := range rows {
		if len(row) > 0 && row[0] == "Disconnection reason" {
			for _, r := range rows[i+1 : i+1+len(o.Outcome.Lines)] {
				reasons = append(reasons, r[1])
			}
		}
	}
	var want []string
	for _, l := range o.Outcome.Lines {
		want = append(want, strconv.Itoa(l.Count))
	}
	if !slices.Equal(reasons, want) {
		t.Errorf("reason counts %q, want analyze's lines %q", reasons, want)
	}
}

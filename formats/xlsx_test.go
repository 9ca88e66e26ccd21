package formats

import (
	"archive/zip"
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
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

// testCall builds a connected phone call with turns utterances, two tool
// events and three cost items, starting day days after 2026-11-02 09:00 UTC.
func testCall(n, turns int) *export.Call {
	start := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC).Add(time.Duration(n) * 7 * time.Hour)
	startMs, dur := start.UnixMilli(), int64(60000+n*1000)
	endMs := startMs + dur
	version := int64(3)
	sentiment := export.KnownSentiments()[n%len(export.KnownSentiments())]
	success := n%3 != 0
	summary := fmt.Sprintf("Customer %d asked about an order.", n)
	cost, p1, p2, p3 := 10.5+float64(n), 6.0, 3.5, 1.0+float64(n)
	price := 0.1
	c := &export.Call{
		CallID:              fmt.Sprintf("call_%027x", n+1),
		CallType:            export.CallTypePhone,
		AgentID:             "agent_" + string(rune('a'+n%2)),
		AgentName:           []string{"Sales line", "Support line"}[n%2],
		AgentVersion:        &version,
		CallStatus:          export.StatusEnded,
		Direction:           "inbound",
		FromNumber:          "+14155550100",
		ToNumber:            "+14155550199",
		StartTimestamp:      &startMs,
		EndTimestamp:        &endMs,
		DurationMs:          &dur,
		DisconnectionReason: []string{"user_hangup", "agent_hangup", "call_transfer"}[n%3],
		RecordingURL:        fmt.Sprintf("https://rec.example.com/%d.wav", n),
		PublicLogURL:        fmt.Sprintf("https://log.example.com/%d.txt", n),
		CallAnalysis:        &export.Analysis{UserSentiment: &sentiment, CallSuccessful: &success, CallSummary: &summary},
		CallCost: &export.CallCost{CombinedCost: &cost, ProductCosts: []export.ProductCost{
			{Product: "voice_engine", Cost: &p1, UnitPrice: &price},
			{Product: "gpt-4o-mini", Cost: &p2},
			{Product: "elevenlabs_tts", Cost: &p3},
		}},
	}
	for i := range turns {
		role := export.RoleAgent
		if i%2 == 1 {
			role = export.RoleUser
		}
		s, e := float64(i*3), float64(i*3+2)
		u := export.Utterance{Role: role, Content: fmt.Sprintf("turn %d of call %d", i, n),
			Words: []export.Word{{Word: "turn", Start: &s, End: &e}}}
		c.TranscriptObject = append(c.TranscriptObject, u)
		text := u.Content
		c.TranscriptWithToolCalls = append(c.TranscriptWithToolCalls, export.TranscriptItem{Role: role, Content: &text})
	}
	at := 4.5
	ok := true
	result := `{"status":"shipped"}`
	c.TranscriptWithToolCalls = append(c.TranscriptWithToolCalls,
		export.TranscriptItem{Role: export.RoleToolCallInvocation, ToolCallID: "tc1", Name: "lookup_order", Arguments: `{"id":42}`, TimeSec: &at},
		export.TranscriptItem{Role: export.RoleToolCallResult, ToolCallID: "tc1", Content: &result, Successful: &ok, TimeSec: &at},
	)
	return c
}

// writeTestWorkbook writes calls to a workbook in a fresh directory and
// returns its path. tweak, if not nil, runs before the first Write.
func writeTestWorkbook(t testing.TB, calls []*export.Call, tweak func(*XLSXWriter)) (string, *XLSXWriter) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "out", "report.xlsx")
	w, ws := newTestXLSX(t, path, XLSXOptions{ToolVersion: "test"})
	if tweak != nil {
		tweak(w)
	}
	writeAll(t, ws, calls)
	return path, w
}

func openWorkbook(t testing.TB, path string) *excelize.File {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// dataRows returns the rows of a sheet below its header.
func dataRows(t testing.TB, f *excelize.File, sheet string) [][]string {
	t.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatalf("rows of %s: %v", sheet, err)
	}
	if len(rows) == 0 {
		t.Fatalf("sheet %s has no header", sheet)
	}
	return rows[1:]
}

// column returns the index of header in a sheet's first row.
func column(t testing.TB, f *excelize.File, sheet, header string) int {
	t.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil || len(rows) == 0 {
		t.Fatalf("header of %s: %v", sheet, err)
	}
	i := slices.Index(rows[0], header)
	if i < 0 {
		t.Fatalf("sheet %s has no column %q (header %q)", sheet, header, rows[0])
	}
	return i
}

func cellName(t testing.TB, col, row int) string {
	t.Helper()
	name, err := excelize.CoordinatesToCellName(col+1, row)
	if err != nil {
		t.Fatal(err)
	}
	return name
}

func zipFiles(t testing.TB, path string) map[string]string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	files := map[string]string{}
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		files[zf.Name] = string(b)
	}
	return files
}

func TestXLSXReadBack(t *testing.T) {
	calls := []*export.Call{testCall(0, 4), testCall(1, 6), testCall(2, 0)}
	wantTurns, wantEvents, wantCosts := 0, 0, 0
	for _, c := range calls {
		wantTurns += len(c.Utterances())
		wantEvents += len(c.Events())
		wantCosts += len(c.CallCost.ProductCosts)
	}
	path, w := writeTestWorkbook(t, calls, nil)
	f := openWorkbook(t, path)

	wantSheets := []string{sheetSummary, sheetCalls, sheetTranscripts, sheetEvents, sheetCosts}
	if got := f.GetSheetList(); !slices.Equal(got, wantSheets) {
		t.Fatalf("sheets = %q, want %q", got, wantSheets)
	}
	if f.GetActiveSheetIndex() != 0 {
		t.Errorf("workbook opens on sheet %d, want the Summary", f.GetActiveSheetIndex())
	}
	for _, tc := range []struct {
		sheet string
		want  int
	}{{sheetCalls, len(calls)}, {sheetTranscripts, wantTurns}, {sheetEvents, wantEvents}, {sheetCosts, wantCosts}} {
		if got := len(dataRows(t, f, tc.sheet)); got != tc.want {
			t.Errorf("%s: %d data rows, want %d", tc.sheet, got, tc.want)
		}
		tables, err := f.GetTables(tc.sheet)
		if err != nil || len(tables) != 1 || tables[0].Name != tc.sheet {
			t.Errorf("%s: tables %+v (%v), want one named %s", tc.sheet, tables, err, tc.sheet)
			continue
		}
		_, end, _ := strings.Cut(tables[0].Range, ":")
		if _, row, err := excelize.SplitCellName(end); err != nil || row != max(tc.want+1, 2) {
			t.Errorf("%s: table range %s, want it to end at row %d", tc.sheet, tables[0].Range, max(tc.want+1, 2))
		}
		panes, err := f.GetPanes(tc.sheet)
		if err != nil || !panes.Freeze || panes.YSplit != 1 || panes.XSplit != 1 {
			t.Errorf("%s: panes %+v (%v), want the header row and Call ID column frozen", tc.sheet, panes, err)
		}
	}

	rep := w.Report()
	rows := rep.Rows
	if rows[sheetCalls] != int64(len(calls)) || rows[sheetTranscripts] != int64(wantTurns) {
		t.Errorf("report rows = %v", rows)
	}
}

func TestXLSXCellTypes(t *testing.T) {
	c := testCall(1, 2)
	path, _ := writeTestWorkbook(t, []*export.Call{c}, nil)
	f := openWorkbook(t, path)

	start := column(t, f, sheetCalls, "Start (UTC)")
	raw, err := f.GetCellValue(sheetCalls, cellName(t, start, 2), excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	// 2026-11-02 16:00 UTC as an Excel serial: a number, not text.
	if want := "46328.6666666667"; !strings.HasPrefix(raw, want[:8]) {
		t.Errorf("start cell raw value %q, want a date serial near %s", raw, want)
	}
	if shown, _ := f.GetCellValue(sheetCalls, cellName(t, start, 2)); shown != "2026-11-02 16:00:00" {
		t.Errorf("start cell shows %q, want 2026-11-02 16:00:00", shown)
	}
	for _, tc := range []struct{ header, want string }{
		{"Duration", "0:01:01"},
		{"Cost (USD)", "$0.12"}, // 11.5 cents
		{"Cost (cents)", "11.500"},
		{"Agent", "Support line"},
		{"Sentiment", "Negative"},
		{"Turns", "2"},
	} {
		got, err := f.GetCellValue(sheetCalls, cellName(t, column(t, f, sheetCalls, tc.header), 2))
		if err != nil || got != tc.want {
			t.Errorf("%s shows %q (%v), want %q", tc.header, got, err, tc.want)
		}
	}
	typ, err := f.GetCellType(sheetCalls, cellName(t, column(t, f, sheetCalls, "Cost (USD)"), 2))
	if err != nil || typ == excelize.CellTypeInlineString || typ == excelize.CellTypeSharedString {
		t.Errorf("cost cell type %v (%v), want a number", typ, err)
	}

	rec := cellName(t, column(t, f, sheetCalls, "Recording"), 2)
	formula, err := f.GetCellFormula(sheetCalls, rec)
	if want := `HYPERLINK("https://rec.example.com/1.wav","Play")`; err != nil || formula != want {
		t.Errorf("recording formula %q (%v), want %q", formula, err, want)
	}
	from, _ := f.GetCellValue(sheetTranscripts, cellName(t, column(t, f, sheetTranscripts, "From"), 3))
	if from != "0:03.0" {
		t.Errorf("second turn starts at %q, want 0:03.0", from)
	}
}

// Transcripts are user speech: text that looks like a formula must stay
// text (excelize writes inline strings; this pins that down).
func TestXLSXFormulaLookingTextStaysText(t *testing.T) {
	c := testCall(0, 5)
	texts := []string{`=HYPERLINK("https://evil.example","click")`, "+1 555 0100", "-5 degrees", "@SUM(A1:A2)", "=1+1"}
	for i, s := range texts {
		c.TranscriptObject[i].Content = s
	}
	path, _ := writeTestWorkbook(t, []*export.Call{c}, nil)
	f := openWorkbook(t, path)
	col := column(t, f, sheetTranscripts, "Text")
	for i, want := range texts {
		cell := cellName(t, col, i+2)
		if formula, _ := f.GetCellFormula(sheetTranscripts, cell); formula != "" {
			t.Errorf("%s became formula %q", cell, formula)
		}
		if got, _ := f.GetCellValue(sheetTranscripts, cell); got != want {
			t.Errorf("%s = %q, want %q", cell, got, want)
		}
		if typ, _ := f.GetCellType(sheetTranscripts, cell); typ != excelize.CellTypeInlineString {
			t.Errorf("%s has type %v, want an inline string", cell, typ)
		}
	}
}

func TestXLSXClipsLongText(t *testing.T) {
	c := testCall(0, 2)
	c.TranscriptObject[1].Content = strings.Repeat("word ", 9000) // 45,000 characters
	path, w := writeTestWorkbook(t, []*export.Call{c}, nil)
	f := openWorkbook(t, path)
	text, _ := f.GetCellValue(sheetTranscripts, cellName(t, column(t, f, sheetTranscripts, "Text"), 3))
	if !strings.HasSuffix(text, clipMarker) || utf16Len(text) != xlsxMaxCellUnits {
		t.Errorf("long turn: %d units ending %q, want %d ending with the marker", utf16Len(text), text[max(0, len(text)-20):], xlsxMaxCellUnits)
	}
	clippedCol := column(t, f, sheetTranscripts, "Clipped")
	for row, want := range map[int]string{2: "", 3: "TRUE"} {
		if got, _ := f.GetCellValue(sheetTranscripts, cellName(t, clippedCol, row)); got != want {
			t.Errorf("Clipped in row %d = %q, want %q", row, got, want)
		}
	}
	if got := w.Report().ClippedCells; got != 1 {
		t.Errorf("report clipped_cells = %v, want 1", got)
	}
}

func TestXLSXRollsOverFullSheets(t *testing.T) {
	calls := []*export.Call{testCall(0, 5), testCall(1, 5), testCall(2, 5)} // 15 turns
	path, w := writeTestWorkbook(t, calls, func(w *XLSXWriter) { w.maxRows = 10 })
	f := openWorkbook(t, path)
	want := []string{sheetSummary, sheetCalls, sheetTranscripts, "Transcripts (2)", sheetEvents, sheetCosts}
	if got := f.GetSheetList(); !slices.Equal(got, want) {
		t.Fatalf("sheets = %q, want %q", got, want)
	}
	for sheet, n := range map[string]int{sheetTranscripts: 9, "Transcripts (2)": 6, sheetEvents: 6, sheetCosts: 9} {
		if got := len(dataRows(t, f, sheet)); got != n {
			t.Errorf("%s has %d data rows, want %d", sheet, got, n)
		}
	}
	tables, err := f.GetTables("Transcripts (2)")
	if err != nil || len(tables) != 1 || tables[0].Name != "Transcripts_2" {
		t.Errorf("continuation sheet tables %+v (%v), want Transcripts_2", tables, err)
	}
	// The continuation goes on where the first sheet stopped.
	first, _ := f.GetCellValue("Transcripts (2)", cellName(t, column(t, f, "Transcripts (2)", "Text"), 2))
	if first != "turn 4 of call 1" {
		t.Errorf("Transcripts (2) starts with %q, want turn 4 of call 1", first)
	}
	if got := w.Report().Sheets; !slices.Equal(got, want) {
		t.Errorf("report sheets = %q, want %q", got, want)
	}
}

// Control characters are not allowed in XML; excelize must not produce a
// file that fails to open because of them.
func TestXLSXControlCharacters(t *testing.T) {
	c := testCall(0, 1)
	c.TranscriptObject[0].Content = "nul\x00 vt\x0b esc\x1b bell\x07 tab\t ok _x0041_"
	path, _ := writeTestWorkbook(t, []*export.Call{c}, nil)
	f := openWorkbook(t, path)
	got, err := f.GetCellValue(sheetTranscripts, cellName(t, column(t, f, sheetTranscripts, "Text"), 2))
	if err != nil {
		t.Fatal(err)
	}
	// Each becomes U+FFFD; the NUL in particular is not taken for the
	// row number a rendered row leaves to be filled in (rowNumber).
	if want := "nul\uFFFD vt\uFFFD esc\uFFFD bell\uFFFD tab\t ok _x0041_"; got != want {
		t.Errorf("text read back as %q, want %q", got, want)
	}
}

func TestXLSXAbortLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.xlsx")
	_, ws := newTestXLSX(t, path, XLSXOptions{})
	for i := range 3 {
		if err := ws.Write(testCall(i, 3)); err != nil {
			t.Fatal(err)
		}
	}
	if err := ws.Abort(); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		t.Errorf("left behind after Abort: %s", e.Name())
	}
}

func TestXLSXCloseLeavesOnlyTheWorkbook(t *testing.T) {
	path, _ := writeTestWorkbook(t, []*export.Call{testCall(0, 2)}, nil)
	entries, _ := os.ReadDir(filepath.Dir(path))
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if !slices.Equal(names, []string{"report.xlsx"}) {
		t.Errorf("directory holds %q, want only report.xlsx", names)
	}
}

// A panic inside the writer (a bug, here in the Summary it is handed)
// becomes an error, and nothing is left behind.
func TestXLSXPanicBecomesError(t *testing.T) {
	dir := t.TempDir()
	w, err := NewXLSX(filepath.Join(dir, "report.xlsx"), XLSXOptions{
		Summary: func() *analyze.Summary { panic("boom") },
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(testCall(0, 2)); err != nil {
		t.Fatal(err)
	}
	err = w.Close()
	if err == nil || !strings.Contains(err.Error(), "(panic): boom") {
		t.Fatalf("Close = %v, want an error naming the panic", err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		t.Errorf("left behind after the panic: %s", e.Name())
	}
}

// Without the run's Summary the workbook cannot be drawn: Close says why.
func TestXLSXNeedsTheSummary(t *testing.T) {
	for name, summary := range map[string]func() *analyze.Summary{
		"no func":          nil,
		"stats not closed": func() *analyze.Summary { return nil },
	} {
		t.Run(name, func(t *testing.T) {
			w, err := NewXLSX(filepath.Join(t.TempDir(), "report.xlsx"), XLSXOptions{Summary: summary})
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err == nil || !strings.Contains(err.Error(), "no summary") {
				t.Errorf("Close = %v, want the missing summary named", err)
			}
		})
	}
}

// Rows are sorted by call start, then call id, calls without a start last,
// whatever order the calls arrive in.
func TestXLSXRowsSortedWhateverTheOrder(t *testing.T) {
	var calls []*export.Call
	for i := range 8 {
		calls = append(calls, testCall(i%4, 2)) // pairs with the same start
		calls[i].CallID = fmt.Sprintf("call_%02d", 7-i)
	}
	calls[5].StartTimestamp, calls[5].EndTimestamp = nil, nil
	want := byStart(calls)
	for _, order := range [][]int{{0, 1, 2, 3, 4, 5, 6, 7}, {7, 6, 5, 4, 3, 2, 1, 0}, {3, 5, 0, 7, 1, 6, 2, 4}} {
		in := make([]*export.Call, len(order))
		for i, j := range order {
			in[i] = calls[j]
		}
		path, _ := writeTestWorkbook(t, in, nil)
		f := openWorkbook(t, path)
		for sheet, per := range map[string]int{sheetCalls: 1, sheetTranscripts: 2, sheetCosts: 3} {
			rows := dataRows(t, f, sheet)
			for i, row := range rows {
				if id := want[i/per].CallID; row[0] != id {
					t.Errorf("order %v: %s row %d is %s, want %s", order, sheet, i+2, row[0], id)
				}
			}
		}
	}
}

// countRows are n rows from the from-th of a one-column series, each
// holding its index in the series.
type countRows struct {
	x       *rowXML
	from, n int64
}

func (c *countRows) writeRows(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	var b bytes.Buffer
	for i := range c.n {
		b.Reset()
		if err := c.x.render(&b, rowNumber, []any{c.from + i}); err != nil {
			return err
		}
		writeNumbered(bw, b.Bytes(), strconv.FormatInt(i+2, 10))
	}
	return bw.Flush()
}

// TestSheetSeriesExcelRowLimit writes cheap one-cell rows past Excel's real
// limit of 1,048,576 rows per sheet (header included): the sheet is full at
// exactly that row and the series goes on on "T (2)". About 10 s.
func TestSheetSeriesExcelRowLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a million rows; skipped with -short")
	}
	dir := t.TempDir()
	f := excelize.NewFile(excelize.Options{TmpDir: dir})
	defer f.Close()
	z := newSheetSplicer()
	cols := []xlsxColumn{{header: "N", width: 10}}
	x, err := newRowXML(cols)
	if err != nil {
		t.Fatal(err)
	}
	const rows = xlsxMaxSheetRows + 1 // data rows: all but 2 fit on the first sheet
	s, err := spillSeries(f, z, "T", cols, 0, xlsxMaxSheetRows, rows, func(from, n int64) sheetRows {
		return &countRows{x: x, from: from, n: n}
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(s.sheets, []string{"T", "T (2)"}) || s.rows != rows {
		t.Fatalf("sheets %q with %d rows, want T and T (2) with %d", s.sheets, s.rows, rows)
	}
	path := filepath.Join(t.TempDir(), "limit.xlsx")
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := errors.Join(z.save(f, out), out.Close()); err != nil {
		t.Fatal(err)
	}
	files := zipFiles(t, path)
	lastRow := func(sheet string) (row, value string) {
		xml := files[sheetPart(t, files, sheet)]
		i := strings.LastIndex(xml, `<row r="`)
		if i < 0 {
			t.Fatalf("%s has no rows", sheet)
		}
		rest := xml[i+len(`<row r="`):]
		row = rest[:strings.IndexByte(rest, '"')]
		v := rest[strings.Index(rest, "<v>")+3:]
		return row, v[:strings.Index(v, "</v>")]
	}
	if row, v := lastRow("T"); row != "1048576" || v != "1048574" {
		t.Errorf("T ends at row %s with %s, want row 1048576 with 1048574", row, v)
	}
	if row, v := lastRow("T (2)"); row != "3" || v != "1048576" {
		t.Errorf("T (2) ends at row %s with %s, want row 3 with 1048576", row, v)
	}
	var refs []string
	for name, xml := range files {
		if strings.HasPrefix(name, "xl/tables/") {
			m := regexp.MustCompile(`ref="([^"]+)"`).FindStringSubmatch(xml)
			refs = append(refs, m[1])
		}
	}
	slices.Sort(refs)
	if want := []string{"A1:A1048576", "A1:A3"}; !slices.Equal(refs, want) {
		t.Errorf("table ranges %q, want %q", refs, want)
	}
}

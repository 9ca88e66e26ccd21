package formats

import (
	"cmp"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/retell-export/retell-export/export"
)

// loadSampleCalls decodes every samples/calls/*.json in sorted file name
// order.
func loadSampleCalls(t testing.TB) []*export.Call {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("..", "samples", "calls", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Skip("no samples/calls/*.json (regenerate with go run ./samples/gen)")
	}
	slices.Sort(paths)
	calls := make([]*export.Call, 0, len(paths))
	for _, p := range paths {
		body, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		c, err := export.DecodeCall(body)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		calls = append(calls, c)
	}
	return calls
}

// byStart returns calls in the order of the workbook's rows: by start
// time, then call id, calls without a start last.
func byStart(calls []*export.Call) []*export.Call {
	out := slices.Clone(calls)
	slices.SortStableFunc(out, func(a, b *export.Call) int {
		switch {
		case a.StartTimestamp == nil && b.StartTimestamp == nil:
		case a.StartTimestamp == nil:
			return 1
		case b.StartTimestamp == nil:
			return -1
		case *a.StartTimestamp != *b.StartTimestamp:
			return cmp.Compare(*a.StartTimestamp, *b.StartTimestamp)
		}
		return cmp.Compare(a.CallID, b.CallID)
	})
	return out
}

// TestXLSXSamples writes the sample calls and checks what a reader relies
// on: every call, turn, event and cost item has its row, and a few key
// cells match the call they came from. xlsx files are zips with
// timestamps, so bytes are not compared.
func TestXLSXSamples(t *testing.T) {
	calls := loadSampleCalls(t)
	var turns, events, costs int
	for _, c := range calls {
		turns += len(c.Utterances())
		events += len(c.Events())
		if c.CallCost != nil {
			costs += len(c.CallCost.ProductCosts)
		}
	}
	path, w := writeTestWorkbook(t, calls, nil)
	f := openWorkbook(t, path)

	for sheet, want := range map[string]int{sheetCalls: len(calls), sheetTranscripts: turns, sheetEvents: events, sheetCosts: costs} {
		if got := w.Report().Rows[sheet]; got != int64(want) {
			t.Errorf("%s: the report says %d rows, want %d", sheet, got, want)
		}
		if got := len(dataRows(t, f, sheet)); got != want {
			t.Errorf("%s: %d rows, want %d", sheet, got, want)
		}
	}
	idCol, statusCol := column(t, f, sheetCalls, "Call ID"), column(t, f, sheetCalls, "Status")
	sorted := byStart(calls)
	for i, row := range dataRows(t, f, sheetCalls) {
		if row[idCol] != sorted[i].CallID || row[statusCol] != sorted[i].CallStatus {
			t.Errorf("Calls row %d = %s/%s, want %s/%s", i+2, row[idCol], row[statusCol], sorted[i].CallID, sorted[i].CallStatus)
		}
	}
	// A long call must not have lost turns, and its cells stay within the
	// Excel limit.
	var longest *export.Call
	for _, c := range calls {
		if longest == nil || len(c.Utterances()) > len(longest.Utterances()) {
			longest = c
		}
	}
	var got int
	text := column(t, f, sheetTranscripts, "Text")
	for _, row := range dataRows(t, f, sheetTranscripts) {
		if row[0] == longest.CallID {
			got++
		}
		if len(row) > text && utf16Len(row[text]) > xlsxMaxCellUnits {
			t.Errorf("a Transcripts cell has %d UTF-16 units", utf16Len(row[text]))
		}
	}
	if got != len(longest.Utterances()) {
		t.Errorf("call %s: %d transcript rows, want %d", longest.CallID, got, len(longest.Utterances()))
	}
}

// TestXLSXOpensInLibreOffice converts the sample workbook to PDF with
// LibreOffice, the check closest to "a person can open it". CI installs
// libreoffice-calc; without it the test says so and skips.
func TestXLSXOpensInLibreOffice(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("SKIPPING: soffice not found; install the Debian package libreoffice-calc to run this check")
	}
	if testing.Short() {
		t.Skip("LibreOffice conversion takes seconds; skipped with -short")
	}
	calls := loadSampleCalls(t)
	path, _ := writeTestWorkbook(t, calls, nil)
	out := t.TempDir()
	cmd := exec.Command(soffice, "--headless", "--norestore",
		"-env:UserInstallation=file://"+filepath.Join(out, "profile"),
		"--convert-to", "pdf", "--outdir", out, path)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, b)
	}
	fi, err := os.Stat(filepath.Join(out, "report.pdf"))
	if err != nil || fi.Size() < 10000 {
		t.Fatalf("conversion produced no usable PDF: %v (size %d)", err, sizeOf(fi))
	}
}

func sizeOf(fi os.FileInfo) int64 {
	if fi == nil {
		return 0
	}
	return fi.Size()
}

// TestXLSXBooleansInLibreOffice renders the sample workbook to HTML with
// LibreOffice, which writes cells as it shows them: booleans must read
// TRUE/FALSE, as in Excel. Without a boolean number format LibreOffice shows
// them as 1 and 0 (its CSV export says TRUE either way, so it cannot tell).
func TestXLSXBooleansInLibreOffice(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("SKIPPING: soffice not found; install the Debian package libreoffice-calc to run this check")
	}
	if testing.Short() {
		t.Skip("LibreOffice conversion takes seconds; skipped with -short")
	}
	path, _ := writeTestWorkbook(t, loadSampleCalls(t), nil)
	out := t.TempDir()
	cmd := exec.Command(soffice, "--headless", "--norestore",
		"-env:UserInstallation=file://"+filepath.Join(out, "profile"),
		"--convert-to", "html", "--outdir", out, path)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, b)
	}
	html, err := os.ReadFile(filepath.Join(out, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	trues, falses := strings.Count(string(html), ">TRUE<"), strings.Count(string(html), ">FALSE<")
	if trues == 0 || falses == 0 {
		t.Errorf("LibreOffice shows %d TRUE and %d FALSE cells: booleans are not shown as TRUE/FALSE", trues, falses)
	}
}

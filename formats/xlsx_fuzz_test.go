package formats

import (
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/retell-export/retell-export/export"
)

// xmlSafe is the text a cell holds after writing: what XML 1.0 cannot carry
// (control characters, U+FFFE/U+FFFF, invalid UTF-8) becomes U+FFFD.
func xmlSafe(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\t', r == '\n', r == '\r',
			r >= 0x20 && r <= 0xD7FF, r >= 0xE000 && r <= 0xFFFD, r >= 0x10000 && r <= 0x10FFFF:
			if r == utf8.RuneError {
				b.WriteRune(utf8.RuneError)
				continue
			}
			b.WriteRune(r)
		default:
			b.WriteRune(utf8.RuneError)
		}
	}
	return b.String()
}

// FuzzXLSXText writes arbitrary utterance text and reads it back: the file
// must open, and the cell must hold the text (clipped and made XML-safe),
// never a formula.
func FuzzXLSXText(f *testing.F) {
	for _, s := range []string{"", "hello", "=1+1", `=HYPERLINK("x","y")`, "@x", "-1", "+1",
		"\x00\x0b", "_x0041_", "_x005F_x0041_", " lead and trail ", "line\r\nbreak", "\xff\xfe", "😀", "\uFFFE"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		c := testCall(0, 1)
		c.TranscriptObject[0].Content = text
		path := filepath.Join(t.TempDir(), "fuzz.xlsx")
		_, ws := newTestXLSX(t, path, XLSXOptions{})
		writeAll(t, ws, []*export.Call{c})
		wb, err := excelize.OpenFile(path)
		if err != nil {
			t.Fatalf("workbook does not open: %v", err)
		}
		defer wb.Close()
		cell := "G2" // Transcripts: Text
		if h, _ := wb.GetCellValue(sheetTranscripts, "G1"); h != "Text" {
			t.Fatalf("G1 is %q, not the Text column", h)
		}
		got, err := wb.GetCellValue(sheetTranscripts, cell)
		if err != nil {
			t.Fatal(err)
		}
		clipped, _ := clipCell(text)
		if want := xmlSafe(clipped); got != want {
			t.Errorf("text %q read back as %q, want %q", text, got, want)
		}
		if formula, _ := wb.GetCellFormula(sheetTranscripts, cell); formula != "" {
			t.Errorf("text %q became formula %q", text, formula)
		}
	})
}

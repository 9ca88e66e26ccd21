package formats

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/retell-export/retell-export/export/cells"
)

// FuzzCSVText writes arbitrary text through the CSV cell encoder and
// encoding/csv. Read back with a strict RFC 4180 parser, the file holds the
// text byte for byte, apart from the neutralising apostrophe, which
// cells.UnneutralizeCell removes. encoding/csv returns the same cell except for its
// documented CRLF -> LF inside quoted fields.
func FuzzCSVText(f *testing.F) {
	for _, s := range append(formulaTexts, trickyText, "", " ", "\"", "\r\n", "\r", "\n", "a,b", "''=x", "\\.", "\ufeff", "#comment") {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, text string, raw bool) {
		if !utf8.ValidString(text) {
			t.Skip("Retell text comes from JSON and is valid UTF-8")
		}
		tb := Tables(false)[1] // utterances: text beside numbers and NULLs
		row := UtteranceRow{CallID: text, Seq: -1, Role: "user", Text: text, WordCount: countWords(text)}
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		enc := newCellEncoder(tb, raw)
		if err := w.Write(tb.Header()); err != nil {
			t.Fatal(err)
		}
		if err := w.Write(enc.encode(&row)); err != nil {
			t.Fatal(err)
		}
		w.Flush()
		if err := w.Error(); err != nil {
			t.Fatal(err)
		}
		undo := cells.UnneutralizeCell
		if raw {
			undo = func(s string) string { return s }
		}

		recs, err := csv.NewReader(bytes.NewReader(buf.Bytes())).ReadAll()
		if err != nil {
			t.Fatalf("encoding/csv cannot read %q back: %v", buf.Bytes(), err)
		}
		if len(recs) != 2 || len(recs[1]) != len(tb.Columns) {
			t.Fatalf("got %d records %v", len(recs), recs)
		}
		cell := text
		if !raw && cells.NeedsNeutralizing(text) {
			cell = "'" + text
		}
		want := strings.ReplaceAll(cell, "\r\n", "\n")
		for _, col := range []int{0, 3} { // call_id and text
			if got := recs[1][col]; got != want {
				t.Errorf("encoding/csv column %d: %q, want %q", col, got, want)
			}
		}
		if recs[1][1] != "-1" || recs[1][4] != "" {
			t.Errorf("numbers or NULLs changed: %q", recs[1])
		}

		strict := parseRFC4180(t, buf.Bytes())
		if got := strict[1][3]; got != cell || undo(got) != text {
			t.Errorf("file bytes: %q, want %q (from %q)", got, cell, text)
		}
	})
}

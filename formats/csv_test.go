package formats

import (
	"bytes"
	"encoding/csv"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/retell-export/retell-export/export"
	"github.com/retell-export/retell-export/export/cells"
)

var update = flag.Bool("update", false, "rewrite golden files")

// writeCSVTables runs the CSV writer over calls and returns the raw bytes
// of every file.
func writeCSVTables(t *testing.T, calls []*export.Call, opts CSVOptions) map[string][]byte {
	t.Helper()
	dir := t.TempDir()
	w, err := NewCSV(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	writeAll(t, w, calls)
	entries, _ := os.ReadDir(filepath.Join(dir, "csv"))
	files := map[string][]byte{}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".csv") {
			t.Errorf("stray file %s after Close", e.Name())
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, "csv", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[strings.TrimSuffix(e.Name(), ".csv")] = b
	}
	return files
}

// readCSV parses every file with encoding/csv.
func readCSV(t *testing.T, files map[string][]byte) map[string][][]string {
	t.Helper()
	tables := map[string][][]string{}
	for name, b := range files {
		recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
		if err != nil {
			t.Fatalf("%s: encoding/csv cannot read it back: %v", name, err)
		}
		tables[name] = recs
	}
	return tables
}

func TestCSVTablesMatchJSON(t *testing.T) {
	t.Run("fixtures", func(t *testing.T) { checkCSVAgainstJSON(t, fixtureBodies(t)) })
	t.Run("samples", func(t *testing.T) { checkCSVAgainstJSON(t, sampleBodies(t)) })
}

func checkCSVAgainstJSON(t *testing.T, bodies []string) {
	tables := readCSV(t, writeCSVTables(t, decodeAll(t, bodies), CSVOptions{Words: true}))
	compareFacts(t, "csv", factsFromTables(t, tables), factsFromJSON(t, bodies))
	want := Tables(true)
	if len(tables) != len(want) {
		t.Errorf("%d files, want %d", len(tables), len(want))
	}
	for _, tb := range want {
		if got := strings.Join(tables[tb.Name][0], ","); got != strings.Join(tb.Header(), ",") {
			t.Errorf("%s header %s", tb.Name, got)
		}
	}
}

// TestCSVTextSurvives reads the tricky call back two ways: with a strict
// RFC 4180 parser (the file keeps every byte) and with encoding/csv, which
// by design turns CRLF inside a quoted field into LF.
func TestCSVTextSurvives(t *testing.T) {
	call := decode(t, mustJSON(t, trickyCall()))
	var want Rows
	want.Build(call, true)
	for _, raw := range []bool{false, true} {
		files := writeCSVTables(t, []*export.Call{call}, CSVOptions{RawText: raw, Words: true})
		undo := func(s string) string {
			if raw {
				return s
			}
			return cells.UnneutralizeCell(s)
		}
		tables := map[string][][]string{}
		for name, b := range files {
			strict := parseRFC4180(t, b)
			lib := readCSV(t, map[string][]byte{name: b})[name]
			if len(strict) != len(lib) {
				t.Fatalf("%s: strict parser %d records, encoding/csv %d", name, len(strict), len(lib))
			}
			for i := range strict {
				for j := range strict[i] {
					if got, want := lib[i][j], strings.ReplaceAll(strict[i][j], "\r\n", "\n"); got != want {
						t.Errorf("%s[%d][%d]: encoding/csv %q, file %q", name, i, j, got, want)
					}
				}
			}
			tables[name] = strict
		}
		cell := func(table, col string, row int) string {
			return undo(tables[table][row+1][colIndex(tables[table][0])[col]])
		}
		if got := cell(TableCalls, "agent_name", 0); got != trickyText {
			t.Errorf("raw=%v agent_name: %q", raw, got)
		}
		if got := cell(TableCalls, "call_summary", 0); got != trickyText {
			t.Errorf("raw=%v call_summary: %q", raw, got)
		}
		if got := cell(TableCalls, "transcript", 0); got != trickyText {
			t.Errorf("raw=%v transcript: %q", raw, got)
		}
		for i, u := range want.Utterances {
			if got := cell(TableUtterances, "text", i); got != u.Text {
				t.Errorf("raw=%v utterance %d: %q, want %q", raw, i, got, u.Text)
			}
			if got := cell(TableWords, "word", i); got != u.Text {
				t.Errorf("raw=%v word %d: %q, want %q", raw, i, got, u.Text)
			}
			if got := cell(TableEvents, "content", i); got != u.Text {
				t.Errorf("raw=%v event %d: %q, want %q", raw, i, got, u.Text)
			}
		}
		if got := cell(TableCustomAnalysis, "value_text", 1); got != trickyText { // keys sorted: formula, text
			t.Errorf("raw=%v custom value: %q", raw, got)
		}
	}
}

// rowsOf returns the header and the rows of one call: the tables are in
// start-time order, not in the order the calls were written.
func rowsOf(recs [][]string, callID string) [][]string {
	out := recs[:1:1]
	for _, r := range recs[1:] {
		if r[0] == callID {
			out = append(out, r)
		}
	}
	return out
}

func TestCSVNeutralisation(t *testing.T) {
	call := decode(t, mustJSON(t, trickyCall()))
	phone := decode(t, mustJSON(t, phoneCall(t)))
	safe := readCSV(t, writeCSVTables(t, []*export.Call{call, phone}, CSVOptions{}))
	raw := readCSV(t, writeCSVTables(t, []*export.Call{call, phone}, CSVOptions{RawText: true}))
	utts, rawUtts := rowsOf(safe[TableUtterances], call.CallID), rowsOf(raw[TableUtterances], call.CallID)
	text := colIndex(utts[0])["text"]
	for i, f := range formulaTexts {
		got, rawGot := utts[i+2][text], rawUtts[i+2][text] // row 1 is trickyText
		wantSafe := "'" + f
		if f == "-42.5" {
			wantSafe = f // a plain number runs nothing and stays a number
		}
		if got != strings.ReplaceAll(wantSafe, "\r\n", "\n") || rawGot != f {
			t.Errorf("%q: safe %q raw %q", f, got, rawGot)
		}
	}
	calls := rowsOf(safe[TableCalls], phone.CallID)
	col := colIndex(calls[0])
	if got := calls[1][col["from_number"]]; got != "+14155550142" {
		t.Errorf("an E.164 number was neutralised: %q", got)
	}
	custom := safe[TableCustomAnalysis]
	cc := colIndex(custom[0])
	for _, rec := range custom[1:] {
		switch rec[cc["key"]] {
		case "score":
			if rec[cc["value_number"]] != "-3.5" || rec[cc["value_text"]] != "-3.5" {
				t.Errorf("negative number changed: %v", rec)
			}
		case "note":
			if rec[cc["value_text"]] != "'=1+1" {
				t.Errorf("formula in custom analysis not neutralised: %v", rec)
			}
		case "formula":
			if rec[cc["value_text"]] != "'=cmd|' /C calc'!A0" {
				t.Errorf("DDE payload not neutralised: %v", rec)
			}
		}
	}
}

func TestCSVBOMAndEmptyRun(t *testing.T) {
	files := writeCSVTables(t, nil, CSVOptions{BOM: true})
	if len(files) != len(Tables(false)) {
		t.Fatalf("%d files for an empty run, want %d (no words without the option)", len(files), len(Tables(false)))
	}
	for _, tb := range Tables(false) {
		b := files[tb.Name]
		want := "\ufeff" + strings.Join(tb.Header(), ",") + "\n"
		if string(b) != want {
			t.Errorf("%s: %q, want BOM and header only", tb.Name, b)
		}
	}
}

func TestCSVAbortLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	w, err := NewCSV(dir, CSVOptions{Words: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(decode(t, mustJSON(t, phoneCall(t)))); err != nil {
		t.Fatal(err)
	}
	if err := w.Abort(); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(filepath.Join(dir, "csv")); len(entries) != 0 {
		t.Errorf("files left after Abort: %v", entries)
	}
	if err := w.Write(decode(t, mustJSON(t, phoneCall(t)))); err == nil {
		t.Error("Write after Abort succeeded")
	}
}

func TestCSVReport(t *testing.T) {
	dir := t.TempDir()
	w, err := NewCSV(dir, CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range decodeAll(t, fixtureBodies(t)) {
		if err := w.Write(c); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	rep := w.Report()
	rows := rep.Rows
	if rows[TableCalls] != 7 || rows[TableCostItems] != 5 || rows[TableLatency] != 2 || len(rep.Files) != 6 {
		t.Errorf("report %v", rep)
	}
}

// TestCSVGolden pins the CSV output for samples/: run with -update after an
// intended change and review the diff.
func TestCSVGolden(t *testing.T) {
	files := writeCSVTables(t, decodeAll(t, sampleBodies(t)), CSVOptions{Words: true})
	for _, tb := range Tables(true) {
		path := filepath.Join("testdata", "golden", tb.Name+".csv")
		if *update {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, files[tb.Name], 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test ./formats -run TestCSVGolden -update)", err)
		}
		if !bytes.Equal(files[tb.Name], want) {
			t.Errorf("%s differs from %s (run with -update if intended)", tb.Name, path)
		}
	}
}

// parseRFC4180 is a strict reader for the files we write (LF record ends):
// unlike encoding/csv it returns quoted fields byte for byte.
func parseRFC4180(t testing.TB, b []byte) [][]string {
	t.Helper()
	b = bytes.TrimPrefix(b, []byte("\ufeff"))
	var recs [][]string
	var rec []string
	var field strings.Builder
	for i := 0; i < len(b); {
		if b[i] == '"' {
			for i++; ; i++ {
				if i >= len(b) {
					t.Fatal("unterminated quoted field")
				}
				if b[i] == '"' {
					if i+1 < len(b) && b[i+1] == '"' {
						field.WriteByte('"')
						i++
						continue
					}
					i++
					break
				}
				field.WriteByte(b[i])
			}
		}
		for i < len(b) && b[i] != ',' && b[i] != '\n' {
			field.WriteByte(b[i])
			i++
		}
		rec = append(rec, field.String())
		field.Reset()
		if i < len(b) && b[i] == '\n' {
			recs = append(recs, rec)
			rec = nil
		}
		i++
	}
	return recs
}

package export

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestNeutralizeCell(t *testing.T) {
	for s, want := range map[string]string{
		"-5": "-5", "+14155550142": "+14155550142", "-1.5e-3": "-1.5e-3", "5": "5", "plain": "plain", "": "",
		"=1": "'=1", "-1+2": "'-1+2", "@x": "'@x", "\t1": "'\t1", "\rCR": "'\rCR", "-": "'-", "+": "'+",
		"'=1": "''=1", "'5": "'5", "1.2.3": "1.2.3", "-5 degrees": "'-5 degrees",
		`=HYPERLINK("http://x","y")`: `'=HYPERLINK("http://x","y")`,
	} {
		if got := NeutralizeCell(s); got != want {
			t.Errorf("NeutralizeCell(%q) = %q, want %q", s, got, want)
		}
		if got := UnneutralizeCell(NeutralizeCell(s)); got != s {
			t.Errorf("UnneutralizeCell(NeutralizeCell(%q)) = %q", s, got)
		}
	}
	for _, s := range []string{"", "'", "''", "'+", "'+1", "''=x", "'Tis", "+", "-", "1e5", "-1e", "+1 415", ".5", "-.", "'-42.5"} {
		if got := UnneutralizeCell(NeutralizeCell(s)); got != s {
			t.Errorf("UnneutralizeCell(NeutralizeCell(%q)) = %q", s, got)
		}
	}
}

// TestFailedCSVNeutralizes: failed.csv follows the same rule as the CSV
// tables: a bad id line "-5" stays a number, a formula gets an apostrophe.
func TestFailedCSVNeutralizes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "failed.csv")
	err := writeFailedCSV(path, []Failure{
		{CallID: "-5", Kind: KindInvalidID, Message: "-5 is not a call id"},
		{CallID: "=cmd|' /C calc'!A0", Kind: KindInvalidID, Message: "+1 555 0100"},
	})
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"call_id", "kind", "http_status", "message", "attempts"},
		{"-5", KindInvalidID, "", "'-5 is not a call id", "0"},
		{"'=cmd|' /C calc'!A0", KindInvalidID, "", "'+1 555 0100", "0"},
	}
	if !slices.EqualFunc(rows, want, slices.Equal) {
		t.Errorf("failed.csv = %q\nwant %q", rows, want)
	}
}

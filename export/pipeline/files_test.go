package pipeline

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/retell-export/retell-export/export"
)

func TestFailedCSVNeutralizes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "failed.csv")
	err := writeFailedCSV(path, []export.Failure{
		{CallID: "-5", Kind: export.KindInvalidID, Message: "-5 is not a call id"},
		{CallID: "=cmd|' /C calc'!A0", Kind: export.KindInvalidID, Message: "+1 555 0100"},
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
		{"-5", export.KindInvalidID, "", "'-5 is not a call id", "0"},
		{"'=cmd|' /C calc'!A0", export.KindInvalidID, "", "'+1 555 0100", "0"},
	}
	if !slices.EqualFunc(rows, want, slices.Equal) {
		t.Errorf("failed.csv = %q\nwant %q", rows, want)
	}
}

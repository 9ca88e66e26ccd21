package cells

import (
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

// Package cells keeps spreadsheet formulas out of CSV files a person may
// open (the CSV tables, failed.csv): text passes through NeutralizeCell, one
// rule for every file, so that "-5" is a number everywhere and "=cmd|..."
// text everywhere. Standard library only.
package cells

import "strings"

// NeedsNeutralizing reports whether a spreadsheet could run s as a formula
// (OWASP CSV injection): it starts with =, +, -, @, tab or CR and is not
// simply a number. Plain numbers such as "-5" or "+14155550142" are left
// alone: a spreadsheet reads them as numbers and runs nothing. Text that
// starts with apostrophes followed by such a formula also counts, so that
// neutralising (prefixing one apostrophe) is reversible: see UnneutralizeCell.
func NeedsNeutralizing(s string) bool {
	t := strings.TrimLeft(s, "'")
	if t == "" {
		return false
	}
	switch t[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return !isPlainNumber(t)
	}
	return false
}

// NeutralizeCell returns s with a leading apostrophe when a spreadsheet
// could run it as a formula, and s itself otherwise.
func NeutralizeCell(s string) string {
	if NeedsNeutralizing(s) {
		return "'" + s
	}
	return s
}

// UnneutralizeCell undoes NeutralizeCell, for loaders that read a
// spreadsheet-safe CSV and want the original text back.
func UnneutralizeCell(s string) string {
	if rest, ok := strings.CutPrefix(s, "'"); ok && NeedsNeutralizing(rest) {
		return rest
	}
	return s
}

// isPlainNumber matches an optional sign, digits with at most one dot, and
// an optional exponent: what a spreadsheet parses as a number, not a formula.
func isPlainNumber(s string) bool {
	s = trimSign(s)
	mant, exp, hasExp := s, "", false
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		mant, exp, hasExp = s[:i], trimSign(s[i+1:]), true
	}
	whole, frac, _ := strings.Cut(mant, ".")
	if whole == "" && frac == "" || !allDigits(whole) || !allDigits(frac) {
		return false
	}
	return !hasExp || exp != "" && allDigits(exp)
}

func trimSign(s string) string {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		return s[1:]
	}
	return s
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

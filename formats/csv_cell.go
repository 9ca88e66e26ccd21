package formats

import (
	"reflect"
	"strconv"
	"strings"
	"time"
)

// csvTimeLayout is ISO 8601 in UTC with milliseconds, Retell's precision.
const csvTimeLayout = "2006-01-02T15:04:05.000Z"

// cellEncoder turns rows of one table into CSV records.
type cellEncoder struct {
	cols []Column
	raw  bool // no formula neutralisation
	rec  []string
}

func newCellEncoder(t Table, raw bool) *cellEncoder {
	return &cellEncoder{cols: t.Columns, raw: raw, rec: make([]string, len(t.Columns))}
}

// encode formats row (a pointer to a row struct) into a record that is
// reused by the next call. Missing values are empty cells; numbers use a dot
// and never an exponent; only text cells are ever neutralised, so numeric
// columns (negative numbers included) stay numbers.
func (e *cellEncoder) encode(row any) []string {
	v := reflect.ValueOf(row).Elem()
	for i, c := range e.cols {
		f := v.Field(c.field)
		if c.kind == cellTime { // *time.Time: an interface holding a pointer does not allocate
			if t := f.Interface().(*time.Time); t != nil {
				e.rec[i] = t.UTC().Format(csvTimeLayout)
			} else {
				e.rec[i] = ""
			}
			continue
		}
		if f.Kind() == reflect.Pointer {
			if f.IsNil() {
				e.rec[i] = ""
				continue
			}
			f = f.Elem()
		}
		switch c.kind {
		case cellString:
			e.rec[i] = e.text(f.String())
		case cellInt:
			e.rec[i] = strconv.FormatInt(f.Int(), 10)
		case cellFloat:
			e.rec[i] = strconv.FormatFloat(f.Float(), 'f', -1, 64)
		case cellBool:
			e.rec[i] = strconv.FormatBool(f.Bool())
		}
	}
	return e.rec
}

func (e *cellEncoder) text(s string) string {
	if e.raw || !NeedsNeutralizing(s) {
		return s
	}
	return "'" + s
}

// NeedsNeutralizing reports whether a spreadsheet could run s as a formula
// (OWASP CSV injection): it starts with =, +, -, @, tab or CR and is not
// simply a number. Plain numbers such as "-5" or "+14155550142" are left
// alone: a spreadsheet reads them as numbers and runs nothing. Text that
// starts with apostrophes followed by such a formula also counts, so that
// neutralising (prefixing one apostrophe) is reversible: see Unneutralize.
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

// Unneutralize undoes the apostrophe a neutralised CSV cell got, for loaders
// that read a spreadsheet-safe CSV and want the original text back.
func Unneutralize(s string) string {
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

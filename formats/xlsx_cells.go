package formats

import (
	neturl "net/url"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Excel limits the workbook writer has to respect itself, because excelize
// either truncates silently (cell text) or does not check (formula length).
const (
	// xlsxMaxCellUnits is the most text a cell holds, in UTF-16 code units.
	xlsxMaxCellUnits = 32767
	// xlsxMaxSheetRows is the row limit of a worksheet, header included.
	xlsxMaxSheetRows = 1048576
	// xlsxMaxFormula is the longest formula Excel accepts, in characters.
	xlsxMaxFormula = 8192
	// xlsxMaxLinkTarget is the longest target HYPERLINK() follows in Excel;
	// a longer URL (a signed one, typically) is written as plain text.
	xlsxMaxLinkTarget = 255
)

// clipMarker ends a cell whose text was cut to fit xlsxMaxCellUnits, so the
// cut is visible in the cell itself and not only in the flag column.
const clipMarker = "… [clipped]"

// utf16Len counts s the way Excel counts cell text: runes outside the Basic
// Multilingual Plane (most emoji) take two units.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r >= 0x10000 {
			n++
		}
	}
	return n
}

// clipCell returns s unchanged when it fits in a cell. Otherwise it returns
// the longest prefix that fits together with clipMarker, the marker
// appended, and true. The cut never splits a rune (nor a surrogate pair).
func clipCell(s string) (string, bool) {
	if len(s) <= xlsxMaxCellUnits || utf16Len(s) <= xlsxMaxCellUnits {
		return s, false // a byte count within the limit is a unit count within it
	}
	budget := xlsxMaxCellUnits - utf16Len(clipMarker)
	n := 0
	for i, r := range s {
		w := 1
		if r >= 0x10000 {
			w = 2
		}
		if n+w > budget {
			return s[:i] + clipMarker, true
		}
		n += w
	}
	return s, false // unreachable: the length check above said it does not fit
}

// formulaString quotes s as a formula string literal: a double quote inside
// is doubled, as Excel requires.
func formulaString(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// linkCell returns a cell value that opens url when clicked: a HYPERLINK
// formula (stored without the leading '=', as excelize wants) showing label.
// A URL Excel cannot follow from a formula (over 255 characters, or a
// formula over 8,192) or that is not an http(s) web address comes back as
// plain text with ok=false, so the address is still there to copy. An
// empty url is an empty cell.
func linkCell(url, label string, style int) (v any, ok bool) {
	if url == "" {
		return nil, true
	}
	if isWebURL(url) && utf8.RuneCountInString(url) <= xlsxMaxLinkTarget && !strings.ContainsAny(url, "\r\n") {
		f := "HYPERLINK(" + formulaString(url) + "," + formulaString(label) + ")"
		if utf8.RuneCountInString(f) <= xlsxMaxFormula {
			return excelize.Cell{StyleID: style, Formula: f}, true
		}
	}
	text, _ := clipCell(url)
	return text, false
}

// isWebURL reports whether s is an absolute http or https URL with a host.
// The URLs come from the API and are not trusted: a HYPERLINK to file:,
// javascript:, a UNC path or a relative target would open something other
// than the recording or log a click is meant to open.
func isWebURL(s string) bool {
	u, err := neturl.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

package formats

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// columnName is the letters of column n (1 is A).
func columnName(n int) (string, error) {
	if n < 1 || n > 16384 {
		return "", fmt.Errorf("column %d out of range", n)
	}
	var b []byte
	for ; n > 0; n = (n - 1) / 26 {
		b = append([]byte{byte('A' + (n-1)%26)}, b...)
	}
	return string(b), nil
}

// writeNumbered writes a row rendered with rowNumber as row r.
func writeNumbered(w *bufio.Writer, row []byte, r string) {
	for {
		i := bytes.IndexByte(row, rowNumber[0])
		if i < 0 {
			w.Write(row)
			return
		}
		w.Write(row[:i])
		w.WriteString(r)
		row = row[i+1:]
	}
}

// rowXML renders the <row> elements of a data sheet's columns (row 2 on;
// excelize writes the header) the way excelize's StreamWriter does, so a
// reader sees no difference: inline strings, numbers with at most 15
// significant digits, booleans, times as date serials, formulas without a
// cached value.
type rowXML struct {
	cols []xlsxColumn // style, width and wrapping per column
	refs []string     // column letters
	text bytes.Buffer // scratch
}

// rowNumber stands for the row number in a row rendered before its place
// is known: the workbook renders a call's rows as the call is written, and
// numbers them when it writes each sheet in order. Text never holds a NUL
// (escape makes it U+FFFD, as XML cannot carry one), so it marks nothing
// else.
const rowNumber = "\x00"

func newRowXML(cols []xlsxColumn) (*rowXML, error) {
	x := &rowXML{cols: cols}
	for i := range cols {
		col, err := columnName(i + 1)
		if err != nil {
			return nil, err
		}
		x.refs = append(x.refs, col)
	}
	return x, nil
}

// render appends row r (its number, or rowNumber) to b; nil cells are
// left out (empty).
func (rx *rowXML) render(b *bytes.Buffer, r string, cells []any) error {
	if len(cells) > len(rx.cols) {
		return fmt.Errorf("%d cells for %d columns", len(cells), len(rx.cols))
	}
	b.WriteString(`<row r="`)
	b.WriteString(r)
	if lines := rx.lines(cells); lines > 1 {
		// Wrapped text needs a taller row; LibreOffice does not size
		// rows on opening, and wrapped lines would overlap the next row.
		b.WriteString(`" ht="`)
		b.WriteString(strconv.FormatFloat(float64(min(lines, 27))*15, 'f', -1, 64))
		b.WriteString(`" customHeight="1`)
	}
	b.WriteString(`">`)
	for i, v := range cells {
		if v == nil {
			continue
		}
		if err := rx.cell(b, rx.refs[i], r, rx.cols[i].style, v); err != nil {
			return err
		}
	}
	b.WriteString(`</row>`)
	return nil
}

// lines estimates how many lines the row's wrapped text takes: its
// characters over the column width, plus its line breaks.
func (rx *rowXML) lines(cells []any) int {
	most := 1
	for i, v := range cells {
		text, ok := v.(string)
		if !ok || !rx.cols[i].wrap {
			continue
		}
		perLine := max(int(rx.cols[i].width*1.1), 10) // a width unit is about one character
		n := 0
		for line := range strings.SplitSeq(text, "\n") {
			n += max(1, (utf8.RuneCountInString(line)+perLine-1)/perLine)
		}
		most = max(most, n)
	}
	return most
}

// cell writes one <c> element: ref is its column, r its row.
func (rx *rowXML) cell(b *bytes.Buffer, ref, r string, style int, v any) error {
	if x, ok := v.(float64); ok && (math.IsNaN(x) || math.IsInf(x, 0)) {
		v = fmt.Sprint(x) // as excelize; JSON cannot carry these anyway
	}
	b.WriteString(`<c r="`)
	b.WriteString(ref)
	b.WriteString(r)
	b.WriteByte('"')
	if style != 0 {
		b.WriteString(` s="`)
		b.WriteString(strconv.Itoa(style))
		b.WriteByte('"')
	}
	switch x := v.(type) {
	case string:
		b.WriteString(` t="inlineStr"><is><t`)
		if x != "" && (strings.ContainsRune("\t\n\r ", rune(x[0])) || strings.ContainsRune("\t\n\r ", rune(x[len(x)-1]))) {
			b.WriteString(` xml:space="preserve"`)
		}
		b.WriteByte('>')
		b.WriteString(rx.escape(x))
		b.WriteString(`</t></is></c>`)
	case linkFormula:
		b.WriteString(`><f>`)
		_ = xml.EscapeText(b, []byte(x))
		b.WriteString(`</f></c>`)
	case float64:
		b.WriteString(`><v>`)
		b.WriteString(formatFloat(x))
		b.WriteString(`</v></c>`)
	case int64:
		b.WriteString(`><v>`)
		b.WriteString(strconv.FormatInt(x, 10))
		b.WriteString(`</v></c>`)
	case bool:
		b.WriteString(` t="b"><v>`)
		if x {
			b.WriteByte('1')
		} else {
			b.WriteByte('0')
		}
		b.WriteString(`</v></c>`)
	case time.Time:
		b.WriteString(`><v>`)
		b.WriteString(strconv.FormatFloat(excelSerial(x), 'f', -1, 64))
		b.WriteString(`</v></c>`)
	default:
		return fmt.Errorf("cannot write a %T cell", v)
	}
	return nil
}

// excelSerial is t (UTC) as an Excel date: days since 1899-12-30, which
// counts Excel's phantom 29 February 1900 for every date after it (all the
// dates a call can have).
func excelSerial(t time.Time) float64 {
	const msPerDay = 86400000
	epoch := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).UnixMilli()
	return float64(t.UnixMilli()-epoch) / msPerDay
}

// formatFloat writes v as excelize does: shortest decimal form, cut to
// Excel's 15 significant digits.
func formatFloat(v float64) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	digits := 0
	for _, c := range s {
		if c >= '0' && c <= '9' && (digits > 0 || c != '0') {
			digits++
		}
	}
	if digits <= 15 {
		return s
	}
	f, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 15, 64), 64)
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// escape makes s XML text as excelize does: characters XML cannot carry
// become U+FFFD, newlines stay literal, and text that looks like an OOXML
// escape (_x0041_) is escaped itself, so readers do not decode it.
func (rx *rowXML) escape(v string) string {
	rx.text.Reset()
	_ = xml.EscapeText(&rx.text, []byte(v))
	return bstrMarshal(strings.ReplaceAll(rx.text.String(), "&#xA;", "\n"))
}

var (
	bstrExp       = regexp.MustCompile(`_x[a-fA-F\d]{4}_`)
	bstrEscapeExp = regexp.MustCompile(`x[a-fA-F\d]{4}_`)
)

// bstrMarshal escapes _xHHHH_ sequences as _x005F_xHHHH_ (ECMA-376
// ST_Xstring). It is excelize's function of the same name (lib.go,
// BSD-3-Clause), so that text reads back exactly as before.
func bstrMarshal(s string) (result string) {
	if !strings.Contains(s, "_x") {
		return s
	}
	matches, l, cursor := bstrExp.FindAllStringSubmatchIndex(s, -1), len(s), 0
	for _, match := range matches {
		result += s[cursor:match[0]]
		subStr := s[match[0]:match[1]]
		if subStr == "_x005F_" {
			cursor = match[1]
			if match[1]+6 <= l && bstrEscapeExp.MatchString(s[match[1]:match[1]+6]) {
				_, err := strconv.Unquote(`"\u` + s[match[1]+1:match[1]+5] + `"`)
				if err == nil {
					result += subStr + "x005F" + subStr
					continue
				}
			}
			result += subStr + "x005F_"
			continue
		}
		if bstrExp.MatchString(subStr) {
			cursor = match[1]
			if _, err := strconv.Unquote(`"\u` + s[match[0]+2:match[1]-1] + `"`); err == nil {
				result += "_x005F" + subStr
				continue
			}
		}
	}
	if cursor < l {
		result += s[cursor:]
	}
	return result
}

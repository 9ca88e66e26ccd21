package formats

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// cellValue turns a row field into what the StreamWriter should write: nil
// for a missing value (an empty cell, never a made-up zero), clipped text,
// UTC times, day fractions for durations, a HYPERLINK formula for links.
func (w *XLSXWriter) cellValue(kind xlsxKind, label string, v any, clipped *int) any {
	switch x := v.(type) {
	case nil:
		return nil
	case *string:
		if x == nil {
			return nil
		}
		v = *x
	case *float64:
		if x == nil {
			return nil
		}
		v = *x
	case *int64:
		if x == nil {
			return nil
		}
		v = *x
	case *bool:
		if x == nil {
			return nil
		}
		v = *x
	case *time.Time:
		if x == nil {
			return nil
		}
		v = *x
	}
	if x, ok := v.(string); ok && kind.numeric() {
		// A number the table carries as text (an exact decimal) is still a
		// number in Excel.
		if f, err := strconv.ParseFloat(x, 64); err == nil {
			v = f
		}
	}
	switch x := v.(type) {
	case string:
		if x == "" {
			return nil
		}
		if kind == kindLink {
			return w.link(x, label)
		}
		s, cut := clipCell(x)
		if cut {
			*clipped++
		}
		return s
	case time.Time:
		return x.UTC() // excelize converts the wall clock of the time's own zone
	case float64:
		if kind == kindDuration || kind == kindOffset {
			return x / 86400 // Excel times are fractions of a day
		}
	}
	return v
}

// link returns a clickable cell for url, counting the URLs that had to stay
// plain text.
func (w *XLSXWriter) link(url, label string) any {
	v, ok := linkCell(url, label)
	if !ok {
		w.plainLinks++
	}
	return v
}

// addRow renders r's cells for series i through d's columns, with the
// Clipped flag last, into the spill file, and measures its text for the
// column widths.
func addRow[R any](w *XLSXWriter, i int, d *sheetDef[R], r *R) error {
	fields := d.table.Values(w.tblBuf[:0], d.inner(r))
	w.tblBuf = fields
	vals := w.rowBuf[:0]
	clipped := 0
	widths := w.widths[i]
	for j := range d.cols {
		c := &d.cols[j]
		var v any
		if c.field >= 0 {
			v = fields[c.field]
		} else {
			v = c.get(r)
		}
		v = w.cellValue(c.kind, c.label, v, &clipped)
		if s, ok := v.(string); ok {
			widths[j].add(s)
		}
		vals = append(vals, v)
	}
	var flag any
	if clipped > 0 {
		flag = true
		w.clipped += int64(clipped)
	}
	vals = append(vals, flag)
	w.rowBuf = vals
	clear(fields) // they share strings with the call
	w.rendered.Reset()
	if err := w.render[i].render(&w.rendered, rowNumber, vals); err != nil {
		return err
	}
	return w.spill.addRow(i, w.rendered.Bytes())
}

// spillRows spills the rows Build made for one call.
func (w *XLSXWriter) spillRows(rows *Rows) error {
	start := rows.Call.StartTime
	w.spill.startCall(rows.Call.CallID, start)
	if err := addRow(w, seriesCalls, w.cols.calls, &rows.Call); err != nil {
		return err
	}
	for i := range rows.Utterances {
		if err := addRow(w, seriesTranscripts, w.cols.transcripts, &withStart[UtteranceRow]{start, &rows.Utterances[i]}); err != nil {
			return err
		}
	}
	for i := range rows.Events {
		if err := addRow(w, seriesEvents, w.cols.events, &withStart[EventRow]{start, &rows.Events[i]}); err != nil {
			return err
		}
	}
	for i := range rows.CostItems {
		if err := addRow(w, seriesCosts, w.cols.costs, &withStart[CostItemRow]{start, &rows.CostItems[i]}); err != nil {
			return err
		}
	}
	return w.spill.endCall()
}

// textWidth is the distribution of a text column's lengths, in characters
// up to maxTextWidth (longer ones count as maxTextWidth), for sizing the
// column to its typical content rather than its longest cell.
type textWidth struct {
	n       int64
	longest int
	hist    [maxTextWidth + 1]int64
}

// maxTextWidth is the widest a text column gets, in characters; a column
// whose values are all at most shortText long is as wide as the longest.
const (
	maxTextWidth = 60
	shortText    = 24
)

func (t *textWidth) add(s string) {
	n := maxTextWidth
	if len(s) < maxTextWidth*4 { // no rune takes more than 4 bytes
		n = min(utf8.RuneCountInString(s), maxTextWidth)
	}
	t.n++
	t.hist[n]++
	t.longest = max(t.longest, n)
}

// typical returns the length that 90% of the cells do not exceed, or 0
// when there are no cells. Short values (statuses, roles, names) are all
// shown whole: the longest, when it is at most shortText.
func (t *textWidth) typical() int {
	if t.n == 0 {
		return 0
	}
	if t.longest <= shortText {
		return t.longest
	}
	want := (t.n*9 + 9) / 10
	var seen int64
	for l, c := range t.hist {
		if seen += c; seen >= want {
			return l
		}
	}
	return maxTextWidth
}

// numeric reports whether cells of the kind are numbers.
func (k xlsxKind) numeric() bool {
	switch k {
	case kindDuration, kindOffset, kindMoney, kindPrice, kindCount, kindCents, kindMillis:
		return true
	}
	return false
}

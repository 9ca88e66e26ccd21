package formats

import "time"

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
	v, ok := linkCell(url, label, w.st.link)
	if !ok {
		w.plainLinks++
	}
	return v
}

// addRow writes r to s through cols, with the Clipped flag last.
func addRow[R any](w *XLSXWriter, s *sheetSeries, cols []sheetCol[R], r *R) error {
	vals := w.rowBuf[:0]
	clipped := 0
	for i := range cols {
		c := &cols[i]
		vals = append(vals, w.cellValue(c.kind, c.label, c.get(r), &clipped))
	}
	var flag any
	if clipped > 0 {
		flag = true
		w.clipped += int64(clipped)
	}
	vals = append(vals, flag)
	w.rowBuf = vals
	return s.add(vals)
}

// writeRows writes the rows Build made for one call to the four sheets.
func (w *XLSXWriter) writeRows(rows *Rows) error {
	if err := addRow(w, w.calls, w.cols.calls, &rows.Call); err != nil {
		return err
	}
	start := rows.Call.StartTime
	for i := range rows.Utterances {
		if err := addRow(w, w.transcripts, w.cols.transcripts, &withStart[UtteranceRow]{start, &rows.Utterances[i]}); err != nil {
			return err
		}
	}
	for i := range rows.Events {
		if err := addRow(w, w.events, w.cols.events, &withStart[EventRow]{start, &rows.Events[i]}); err != nil {
			return err
		}
	}
	for i := range rows.CostItems {
		if err := addRow(w, w.costs, w.cols.costs, &withStart[CostItemRow]{start, &rows.CostItems[i]}); err != nil {
			return err
		}
	}
	return nil
}

package formats

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// The data sheets show the rows of tables_rows.go (the same rows as CSV and
// Parquet) with human headers, units in the headers, and real Excel types:
// times are UTC date serials, durations and offsets fractions of a day,
// money numbers with a currency format. Clipped text is marked in the cell
// and in the row's Clipped column.
const (
	sheetSummary     = "Summary"
	sheetCalls       = "Calls"
	sheetTranscripts = "Transcripts"
	sheetEvents      = "Events"
	sheetCosts       = "Costs"
)

// xlsxKind is the kind of a sheet column: how a Go value becomes a cell.
type xlsxKind int

const (
	kindText     xlsxKind = iota // string or *string, clipped to fit
	kindWrap                     // text shown wrapped (utterances)
	kindTime                     // *time.Time, shown in UTC
	kindDuration                 // seconds (float64 or *float64) shown as [h]:mm:ss
	kindOffset                   // seconds from the call start, shown as m:ss.0
	kindMoney                    // USD
	kindPrice                    // USD with 4 decimals
	kindCount                    // integers
	kindCents                    // US cents, which Retell sends with fractions
	kindMillis                   // milliseconds
	kindBool                     // bool or *bool
	kindLink                     // URL shown as a clickable label
)

// sheetCol is one column of a data sheet built from row type R: a column of
// the sheet's table shown as it is (field), or a value computed for the
// reader (get). Header and width are the workbook's presentation; what a
// table column holds, its type and unit come from the table definition
// (tables_rows.go), which is not repeated here.
type sheetCol[R any] struct {
	header string
	width  float64
	kind   xlsxKind
	label  string       // link text for kindLink
	field  int          // index of the table column in Table.Values; -1 when computed
	get    func(*R) any // computed columns
}

// sheetDef is a data sheet over one table: inner gives the table row of an
// R (R adds the call start to child rows).
type sheetDef[R any] struct {
	table Table
	inner func(*R) any
	cols  []sheetCol[R]
	// printed is how many columns, from the first, go on paper; 0 is all.
	// The Calls sheet has over 50: fitted to one page width they would be
	// unreadable, so its print area stops after the summary.
	printed int
}

// col adds table column name as a sheet column.
func (d *sheetDef[R]) col(name, header string, width float64) {
	d.cols = append(d.cols, tableColumn[R](d.table, name, header, width))
}

// link adds table column name, a URL, as a clickable label.
func (d *sheetDef[R]) link(name, header, label string, width float64) {
	c := tableColumn[R](d.table, name, header, width)
	c.kind, c.label = kindLink, label
	d.cols = append(d.cols, c)
}

// computed adds a column the table does not have.
func (d *sheetDef[R]) computed(header string, width float64, kind xlsxKind, get func(*R) any) {
	d.cols = append(d.cols, sheetCol[R]{header: header, width: width, kind: kind, field: -1, get: get})
}

// tableColumn finds column name of t; a name the table lacks is a
// programming error that any workbook test catches.
func tableColumn[R any](t Table, name, header string, width float64) sheetCol[R] {
	for i, c := range t.Columns {
		if c.Name == name {
			return sheetCol[R]{header: header, width: width, kind: columnKind(c), field: i}
		}
	}
	panic(fmt.Sprintf("formats: workbook column %q: table %s has no column %s", header, t.Name, name))
}

// columnKind derives how a table column is shown from its type and unit.
func columnKind(c Column) xlsxKind {
	switch {
	case c.Type == "timestamp":
		return kindTime
	case c.Type == "boolean":
		return kindBool
	case c.Unit == "s":
		return kindDuration
	case c.Unit == "s from call start":
		return kindOffset
	case c.Unit == "USD":
		return kindMoney
	case c.Unit == "US cents":
		return kindCents
	case c.Unit == "ms":
		return kindMillis
	case c.Type == "int64":
		return kindCount
	}
	return kindText
}

func (k xlsxKind) style(st *xlsxStyles) int {
	switch k {
	case kindWrap:
		return st.wrap
	case kindTime:
		return st.dateTime
	case kindDuration:
		return st.duration
	case kindOffset:
		return st.offset
	case kindMoney:
		return st.money
	case kindPrice:
		return st.price
	case kindCount:
		return st.count
	case kindCents:
		return st.cents
	case kindMillis:
		return st.millis
	case kindBool:
		return st.boolean
	case kindLink:
		return st.link
	}
	return st.text
}

// layout gives the columns of a data sheet their styles and widths. A text
// column is as wide as 90% of its cells (measured by Write), within the
// width its header needs and its configured width, which is a cap; other
// columns have the width their number format needs.
func layout[R any](d *sheetDef[R], widths []textWidth, st *xlsxStyles) []xlsxColumn {
	cols := d.cols
	out := make([]xlsxColumn, 0, len(cols)+1)
	for i, c := range cols {
		width := c.width
		if c.kind == kindText {
			width = min(max(float64(widths[i].typical()+2), headerWidth(c.header)), c.width)
		}
		out = append(out, xlsxColumn{header: c.header, width: width, style: c.kind.style(st),
			noPrint: d.printed > 0 && i >= d.printed, wrap: c.kind == kindWrap})
	}
	return append(out, xlsxColumn{header: "Clipped", width: 9, style: st.boolean, noPrint: d.printed > 0})
}

// headerWidth is the width a header needs when it wraps at spaces (header
// cells wrap): its longest word, plus room for the filter button.
func headerWidth(h string) float64 {
	longest := 0
	for _, w := range strings.Fields(h) {
		longest = max(longest, utf8.RuneCountInString(w))
	}
	return float64(longest + 3)
}

// tableByName returns one of Tables.
func tableByName(name string) Table {
	for _, t := range Tables(true) {
		if t.Name == name {
			return t
		}
	}
	panic("formats: no table " + name)
}

func callSheet() *sheetDef[CallRow] {
	d := &sheetDef[CallRow]{table: tableByName(TableCalls), inner: func(r *CallRow) any { return r }}
	d.col("call_id", "Call ID", 34)
	d.col("start_time", "Start (UTC)", 19)
	d.col("end_time", "End (UTC)", 19)
	d.col("duration_s", "Duration", 10)
	d.computed("Agent", 45, kindText, func(r *CallRow) any { return agentLabel(r) })
	d.col("call_status", "Status", 16)
	d.col("disconnection_reason", "Disconnection reason", 40)
	d.col("reason_category", "Reason category", 16)
	d.col("user_sentiment", "Sentiment", 11)
	d.col("call_successful", "Successful", 11)
	d.col("in_voicemail", "Voicemail", 11)
	d.col("cost_usd", "Cost (USD)", 11)
	d.link("recording_url", "Recording", "Play", 11)
	d.col("call_summary", "Summary", 60)
	d.printed = len(d.cols)
	d.col("call_type", "Type", 12)
	d.col("direction", "Direction", 10)
	d.col("from_number", "From", 16)
	d.col("to_number", "To", 16)
	d.col("agent_id", "Agent ID", 34)
	d.col("agent_version", "Agent version", 9)
	d.col("agent_tag", "Agent tag", 20)
	d.col("batch_call_id", "Batch call ID", 30)
	d.col("reason_status_group", "Reason status group", 14)
	d.col("transfer_destination", "Transfer destination", 24)
	d.col("transfer_end_time", "Transfer end (UTC)", 19)
	d.col("analysis_present", "Analysis present", 10)
	d.col("cost_cents", "Cost (cents)", 11)
	d.col("billed_duration_s", "Billed duration", 10)
	d.col("e2e_p50_ms", "E2E latency p50 (ms)", 11)
	d.col("e2e_p90_ms", "E2E latency p90 (ms)", 11)
	d.col("e2e_p99_ms", "E2E latency p99 (ms)", 11)
	d.col("llm_p50_ms", "LLM latency p50 (ms)", 11)
	d.col("tts_p50_ms", "TTS latency p50 (ms)", 11)
	d.col("asr_p50_ms", "ASR latency p50 (ms)", 11)
	d.col("llm_requests", "LLM requests", 9)
	d.col("llm_tokens_total", "LLM tokens", 10)
	d.col("utterance_count", "Turns", 8)
	d.col("word_count", "Words", 8)
	d.col("event_count", "Events", 8)
	d.col("agent_talk_s", "Agent talk", 10)
	d.col("user_talk_s", "User talk", 10)
	d.link("recording_multi_channel_url", "Multichannel recording", "Play", 13)
	d.link("scrubbed_recording_url", "Scrubbed recording", "Play", 11)
	d.link("public_log_url", "Public log", "Open", 10)
	d.link("knowledge_base_url", "Knowledge base", "Open", 11)
	d.col("opt_in_signed_url", "Signed URLs", 9)
	d.col("data_storage_setting", "Data storage", 24)
	d.col("metadata_json", "Metadata (JSON)", 40)
	d.col("dynamic_variables_json", "Dynamic variables (JSON)", 40)
	d.col("collected_variables_json", "Collected variables (JSON)", 40)
	d.col("custom_analysis_json", "Custom analysis (JSON)", 40)
	d.col("custom_sip_headers_json", "SIP headers (JSON)", 40)
	d.col("twilio_call_sid", "Twilio call SID", 36)
	d.col("decode_warnings", "Decode warnings", 40)
	return d
}

// sheetColumns are the four data sheets.
type sheetColumns struct {
	calls       *sheetDef[CallRow]
	transcripts *sheetDef[withStart[UtteranceRow]]
	events      *sheetDef[withStart[EventRow]]
	costs       *sheetDef[withStart[CostItemRow]]
}

func newSheetColumns() sheetColumns {
	return sheetColumns{callSheet(), transcriptSheet(), eventSheet(), costSheet()}
}

// withStart pairs a child row with its call's start, so every data sheet can
// be filtered by date without a lookup.
type withStart[R any] struct {
	start *time.Time
	row   *R
}

// childSheet starts the sheet of a child table: the call id, then the
// call's start.
func childSheet[R any](table string) *sheetDef[withStart[R]] {
	d := &sheetDef[withStart[R]]{table: tableByName(table), inner: func(r *withStart[R]) any { return r.row }}
	d.col("call_id", "Call ID", 34)
	d.computed("Call start (UTC)", 19, kindTime, func(r *withStart[R]) any { return r.start })
	return d
}

func transcriptSheet() *sheetDef[withStart[UtteranceRow]] {
	d := childSheet[UtteranceRow](TableUtterances)
	d.computed("Turn", 6, kindCount, func(r *withStart[UtteranceRow]) any { return r.row.Seq + 1 })
	d.col("role", "Speaker", 15)
	d.col("start_s", "From", 9)
	d.col("end_s", "To", 9)
	d.col("text", "Text", 100)
	d.cols[len(d.cols)-1].kind = kindWrap
	d.col("word_count", "Words", 7)
	return d
}

func eventSheet() *sheetDef[withStart[EventRow]] {
	d := childSheet[EventRow](TableEvents)
	d.computed("Item", 6, kindCount, func(r *withStart[EventRow]) any { return r.row.Seq + 1 })
	d.col("utterances_before", "After turn", 7)
	d.col("kind", "Kind", 22)
	d.col("time_s", "At", 9)
	d.computed("Name", 30, kindText, func(r *withStart[EventRow]) any { return eventName(r.row) })
	d.computed("Detail", 60, kindText, func(r *withStart[EventRow]) any { return eventDetail(r.row) })
	d.col("successful", "Successful", 11)
	d.printed = len(d.cols)
	d.col("tool_call_id", "Tool call ID", 30)
	d.col("tool_type", "Tool type", 12)
	d.col("former_node_id", "From node ID", 24)
	d.col("new_node_id", "To node ID", 24)
	return d
}

func costSheet() *sheetDef[withStart[CostItemRow]] {
	d := childSheet[CostItemRow](TableCostItems)
	d.computed("Item", 6, kindCount, func(r *withStart[CostItemRow]) any { return r.row.Seq + 1 })
	d.col("product", "Product", 30)
	d.col("cost_usd", "Cost (USD)", 12)
	d.computed("Unit price (USD/min)", 14, kindPrice, func(r *withStart[CostItemRow]) any { return perMinute(r.row.UnitPriceCentsPerS.Cents()) })
	d.col("is_transfer_leg", "Transfer leg", 10)
	return d
}

func agentLabel(r *CallRow) string {
	if r.AgentName != nil && *r.AgentName != "" {
		return *r.AgentName
	}
	return r.AgentID
}

// eventName and eventDetail give each kind of event the two fields a reader
// scans first: what happened, and its content. The raw fields stay in the
// other columns and in CSV/Parquet.
func eventName(r *EventRow) *string {
	switch {
	case r.ToolName != nil:
		return r.ToolName
	case r.NewNodeName != nil:
		return r.NewNodeName
	case r.Digit != nil:
		return r.Digit
	}
	return nil
}

func eventDetail(r *EventRow) *string {
	switch {
	case r.Arguments != nil:
		return r.Arguments
	case r.NewNodeName != nil || r.FormerNodeName != nil:
		s := deref(r.FormerNodeName) + " → " + deref(r.NewNodeName)
		if r.TransitionType != nil {
			s += " (" + *r.TransitionType + ")"
		}
		return &s
	case r.RawJSON != nil:
		return r.RawJSON
	case r.Content != nil && r.MultimediaJSON != nil:
		s := *r.Content + "\n" + *r.MultimediaJSON
		return &s
	case r.Content != nil:
		return r.Content
	}
	return r.MultimediaJSON
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// perMinute converts Retell's cents per second to dollars per minute, the
// unit price lists use.
func perMinute(centsPerS *float64) *float64 {
	if centsPerS == nil {
		return nil
	}
	v := *centsPerS * 60 / 100
	return &v
}

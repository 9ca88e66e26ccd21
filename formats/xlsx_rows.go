package formats

import (
	"time"
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

// sheetCol is one column of a data sheet built from row type R.
type sheetCol[R any] struct {
	header string
	width  float64
	kind   xlsxKind
	get    func(*R) any
	label  string // link text for kindLink
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
		return st.center
	case kindLink:
		return st.link
	}
	return st.text
}

func layout[R any](cols []sheetCol[R], st *xlsxStyles) []xlsxColumn {
	out := make([]xlsxColumn, 0, len(cols)+1)
	for _, c := range cols {
		out = append(out, xlsxColumn{header: c.header, width: c.width, style: c.kind.style(st)})
	}
	return append(out, xlsxColumn{header: "Clipped", width: 9, style: st.center})
}

func callSheetCols() []sheetCol[CallRow] {
	return []sheetCol[CallRow]{
		{header: "Call ID", width: 34, kind: kindText, get: func(r *CallRow) any { return r.CallID }},
		{header: "Start (UTC)", width: 19, kind: kindTime, get: func(r *CallRow) any { return r.StartTime }},
		{header: "End (UTC)", width: 19, kind: kindTime, get: func(r *CallRow) any { return r.EndTime }},
		{header: "Duration", width: 10, kind: kindDuration, get: func(r *CallRow) any { return r.DurationS }},
		{header: "Agent", width: 24, kind: kindText, get: func(r *CallRow) any { return agentLabel(r) }},
		{header: "Status", width: 13, kind: kindText, get: func(r *CallRow) any { return r.CallStatus }},
		{header: "Disconnection reason", width: 24, kind: kindText, get: func(r *CallRow) any { return r.DisconnectionReason }},
		{header: "Reason category", width: 16, kind: kindText, get: func(r *CallRow) any { return r.ReasonCategory }},
		{header: "Sentiment", width: 11, kind: kindText, get: func(r *CallRow) any { return r.UserSentiment }},
		{header: "Successful", width: 11, kind: kindBool, get: func(r *CallRow) any { return r.CallSuccessful }},
		{header: "Voicemail", width: 11, kind: kindBool, get: func(r *CallRow) any { return r.InVoicemail }},
		{header: "Cost (USD)", width: 11, kind: kindMoney, get: func(r *CallRow) any { return r.CostUSD.USD() }},
		{header: "Recording", width: 11, kind: kindLink, label: "Play", get: func(r *CallRow) any { return r.RecordingURL }},
		{header: "Summary", width: 70, kind: kindText, get: func(r *CallRow) any { return r.CallSummary }},
		{header: "Type", width: 11, kind: kindText, get: func(r *CallRow) any { return r.CallType }},
		{header: "Direction", width: 10, kind: kindText, get: func(r *CallRow) any { return r.Direction }},
		{header: "From", width: 15, kind: kindText, get: func(r *CallRow) any { return r.FromNumber }},
		{header: "To", width: 15, kind: kindText, get: func(r *CallRow) any { return r.ToNumber }},
		{header: "Agent ID", width: 30, kind: kindText, get: func(r *CallRow) any { return r.AgentID }},
		{header: "Agent version", width: 9, kind: kindCount, get: func(r *CallRow) any { return r.AgentVersion }},
		{header: "Agent tag", width: 12, kind: kindText, get: func(r *CallRow) any { return r.AgentTag }},
		{header: "Batch call ID", width: 20, kind: kindText, get: func(r *CallRow) any { return r.BatchCallID }},
		{header: "Reason status group", width: 14, kind: kindText, get: func(r *CallRow) any { return r.ReasonStatusGroup }},
		{header: "Transfer destination", width: 20, kind: kindText, get: func(r *CallRow) any { return r.TransferDestination }},
		{header: "Transfer end (UTC)", width: 19, kind: kindTime, get: func(r *CallRow) any { return r.TransferEndTime }},
		{header: "Analysis present", width: 10, kind: kindBool, get: func(r *CallRow) any { return r.AnalysisPresent }},
		{header: "Cost (cents)", width: 11, kind: kindCents, get: func(r *CallRow) any { return r.CostCents.Cents() }},
		{header: "Billed duration", width: 10, kind: kindDuration, get: func(r *CallRow) any { return r.BilledDurationS }},
		{header: "E2E latency p50 (ms)", width: 11, kind: kindMillis, get: func(r *CallRow) any { return r.E2EP50ms }},
		{header: "E2E latency p90 (ms)", width: 11, kind: kindMillis, get: func(r *CallRow) any { return r.E2EP90ms }},
		{header: "E2E latency p99 (ms)", width: 11, kind: kindMillis, get: func(r *CallRow) any { return r.E2EP99ms }},
		{header: "LLM latency p50 (ms)", width: 11, kind: kindMillis, get: func(r *CallRow) any { return r.LLMP50ms }},
		{header: "TTS latency p50 (ms)", width: 11, kind: kindMillis, get: func(r *CallRow) any { return r.TTSP50ms }},
		{header: "ASR latency p50 (ms)", width: 11, kind: kindMillis, get: func(r *CallRow) any { return r.ASRP50ms }},
		{header: "LLM requests", width: 9, kind: kindCount, get: func(r *CallRow) any { return r.LLMRequests }},
		{header: "LLM tokens", width: 10, kind: kindCount, get: func(r *CallRow) any { return r.LLMTokensTotal }},
		{header: "Turns", width: 8, kind: kindCount, get: func(r *CallRow) any { return r.UtteranceCount }},
		{header: "Words", width: 8, kind: kindCount, get: func(r *CallRow) any { return r.WordCount }},
		{header: "Events", width: 8, kind: kindCount, get: func(r *CallRow) any { return r.EventCount }},
		{header: "Agent talk", width: 10, kind: kindDuration, get: func(r *CallRow) any { return r.AgentTalkS }},
		{header: "User talk", width: 10, kind: kindDuration, get: func(r *CallRow) any { return r.UserTalkS }},
		{header: "Multichannel recording", width: 13, kind: kindLink, label: "Play", get: func(r *CallRow) any { return r.RecordingMultiChannelURL }},
		{header: "Scrubbed recording", width: 11, kind: kindLink, label: "Play", get: func(r *CallRow) any { return r.ScrubbedRecordingURL }},
		{header: "Public log", width: 10, kind: kindLink, label: "Open", get: func(r *CallRow) any { return r.PublicLogURL }},
		{header: "Knowledge base", width: 11, kind: kindLink, label: "Open", get: func(r *CallRow) any { return r.KnowledgeBaseURL }},
		{header: "Signed URLs", width: 9, kind: kindBool, get: func(r *CallRow) any { return r.OptInSignedURL }},
		{header: "Data storage", width: 16, kind: kindText, get: func(r *CallRow) any { return r.DataStorageSetting }},
		{header: "Metadata (JSON)", width: 30, kind: kindText, get: func(r *CallRow) any { return r.MetadataJSON }},
		{header: "Dynamic variables (JSON)", width: 30, kind: kindText, get: func(r *CallRow) any { return r.DynamicVariablesJSON }},
		{header: "Collected variables (JSON)", width: 30, kind: kindText, get: func(r *CallRow) any { return r.CollectedVariablesJSON }},
		{header: "Custom analysis (JSON)", width: 30, kind: kindText, get: func(r *CallRow) any { return r.CustomAnalysisJSON }},
		{header: "SIP headers (JSON)", width: 30, kind: kindText, get: func(r *CallRow) any { return r.CustomSIPHeadersJSON }},
		{header: "Twilio call SID", width: 20, kind: kindText, get: func(r *CallRow) any { return r.TwilioCallSID }},
		{header: "Decode warnings", width: 30, kind: kindText, get: func(r *CallRow) any { return r.DecodeWarnings }},
	}
}

// sheetColumns are the columns of the four data sheets.
type sheetColumns struct {
	calls       []sheetCol[CallRow]
	transcripts []sheetCol[withStart[UtteranceRow]]
	events      []sheetCol[withStart[EventRow]]
	costs       []sheetCol[withStart[CostItemRow]]
}

func newSheetColumns() sheetColumns {
	return sheetColumns{callSheetCols(), transcriptSheetCols(), eventSheetCols(), costSheetCols()}
}

// withStart pairs a child row with its call's start, so every data sheet can
// be filtered by date without a lookup.
type withStart[R any] struct {
	start *time.Time
	row   *R
}

func transcriptSheetCols() []sheetCol[withStart[UtteranceRow]] {
	return []sheetCol[withStart[UtteranceRow]]{
		{header: "Call ID", width: 34, kind: kindText, get: func(r *withStart[UtteranceRow]) any { return r.row.CallID }},
		{header: "Call start (UTC)", width: 19, kind: kindTime, get: func(r *withStart[UtteranceRow]) any { return r.start }},
		{header: "Turn", width: 6, kind: kindCount, get: func(r *withStart[UtteranceRow]) any { return r.row.Seq + 1 }},
		{header: "Speaker", width: 15, kind: kindText, get: func(r *withStart[UtteranceRow]) any { return r.row.Role }},
		{header: "From", width: 9, kind: kindOffset, get: func(r *withStart[UtteranceRow]) any { return r.row.StartS }},
		{header: "To", width: 9, kind: kindOffset, get: func(r *withStart[UtteranceRow]) any { return r.row.EndS }},
		{header: "Text", width: 100, kind: kindWrap, get: func(r *withStart[UtteranceRow]) any { return r.row.Text }},
		{header: "Words", width: 7, kind: kindCount, get: func(r *withStart[UtteranceRow]) any { return r.row.WordCount }},
	}
}

func eventSheetCols() []sheetCol[withStart[EventRow]] {
	return []sheetCol[withStart[EventRow]]{
		{header: "Call ID", width: 34, kind: kindText, get: func(r *withStart[EventRow]) any { return r.row.CallID }},
		{header: "Call start (UTC)", width: 19, kind: kindTime, get: func(r *withStart[EventRow]) any { return r.start }},
		{header: "Item", width: 6, kind: kindCount, get: func(r *withStart[EventRow]) any { return r.row.Seq + 1 }},
		{header: "After turn", width: 7, kind: kindCount, get: func(r *withStart[EventRow]) any { return r.row.UtterancesBefore }},
		{header: "Kind", width: 20, kind: kindText, get: func(r *withStart[EventRow]) any { return r.row.Kind }},
		{header: "At", width: 9, kind: kindOffset, get: func(r *withStart[EventRow]) any { return r.row.TimeS }},
		{header: "Name", width: 28, kind: kindText, get: func(r *withStart[EventRow]) any { return eventName(r.row) }},
		{header: "Detail", width: 80, kind: kindText, get: func(r *withStart[EventRow]) any { return eventDetail(r.row) }},
		{header: "Successful", width: 11, kind: kindBool, get: func(r *withStart[EventRow]) any { return r.row.Successful }},
		{header: "Tool call ID", width: 26, kind: kindText, get: func(r *withStart[EventRow]) any { return r.row.ToolCallID }},
		{header: "Tool type", width: 10, kind: kindText, get: func(r *withStart[EventRow]) any { return r.row.ToolType }},
		{header: "From node ID", width: 16, kind: kindText, get: func(r *withStart[EventRow]) any { return r.row.FormerNodeID }},
		{header: "To node ID", width: 16, kind: kindText, get: func(r *withStart[EventRow]) any { return r.row.NewNodeID }},
	}
}

func costSheetCols() []sheetCol[withStart[CostItemRow]] {
	return []sheetCol[withStart[CostItemRow]]{
		{header: "Call ID", width: 34, kind: kindText, get: func(r *withStart[CostItemRow]) any { return r.row.CallID }},
		{header: "Call start (UTC)", width: 19, kind: kindTime, get: func(r *withStart[CostItemRow]) any { return r.start }},
		{header: "Item", width: 6, kind: kindCount, get: func(r *withStart[CostItemRow]) any { return r.row.Seq + 1 }},
		{header: "Product", width: 28, kind: kindText, get: func(r *withStart[CostItemRow]) any { return r.row.Product }},
		{header: "Cost (USD)", width: 12, kind: kindMoney, get: func(r *withStart[CostItemRow]) any { return r.row.CostUSD.USD() }},
		{header: "Unit price (USD/min)", width: 14, kind: kindPrice, get: func(r *withStart[CostItemRow]) any { return perMinute(r.row.UnitPriceCentsPerS.Cents()) }},
		{header: "Transfer leg", width: 10, kind: kindBool, get: func(r *withStart[CostItemRow]) any { return r.row.IsTransferLeg }},
	}
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

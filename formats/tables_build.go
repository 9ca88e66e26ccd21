package formats

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/retell-export/retell-export/export"
)

// Rows holds the rows of every table for one call. Build refills it, reusing
// the slices' capacity, so a writer that keeps one Rows allocates little per
// call. The rows may share strings with the call they were built from but
// hold no pointer to the Call itself.
type Rows struct {
	Call           CallRow
	Utterances     []UtteranceRow
	Events         []EventRow
	CostItems      []CostItemRow
	CustomAnalysis []CustomAnalysisRow
	Latency        []LatencyRow
	Words          []WordRow // filled only when Build is asked for words
}

// Build replaces r's contents with the rows of c.
func (r *Rows) Build(c *export.Call, words bool) {
	us := c.Utterances() // decoded once: it can be costly for long calls
	conv := export.ConversationOf(us)
	r.Utterances = appendUtteranceRows(r.Utterances[:0], c.CallID, us, conv.Gaps)
	r.Events = AppendEventRows(r.Events[:0], c)
	r.CostItems = AppendCostItemRows(r.CostItems[:0], c)
	r.CustomAnalysis = AppendCustomAnalysisRows(r.CustomAnalysis[:0], c)
	r.Latency = AppendLatencyRows(r.Latency[:0], c)
	r.Words = r.Words[:0]
	if words {
		r.Words = appendWordRows(r.Words, c.CallID, us)
	}
	r.Call = callRow(c, r.Utterances, &conv, int64(len(r.Events)))
}

func callRow(c *export.Call, urows []UtteranceRow, conv *export.Conversation, events int64) CallRow {
	m := c.Measures()
	r := CallRow{
		Connected:                m.Connected,
		Transferred:              m.Transferred,
		Settled:                  m.Settled,
		CallID:                   c.CallID,
		CallType:                 c.CallType,
		CallStatus:               c.CallStatus,
		Direction:                nonEmpty(c.Direction),
		AgentID:                  c.AgentID,
		AgentName:                nonEmpty(c.AgentName),
		AgentVersion:             c.Version(),
		AgentTag:                 c.AgentTag,
		FromNumber:               nonEmpty(c.FromNumber),
		ToNumber:                 nonEmpty(c.ToNumber),
		BatchCallID:              nonEmpty(c.BatchCallID),
		StartTime:                startTime(m.StartMs),
		EndTime:                  timePtr(c.End()),
		TransferEndTime:          msPtr(c.TransferEndTimestamp),
		DisconnectionReason:      nonEmpty(c.DisconnectionReason),
		ReasonStatusGroup:        nonEmpty(export.ReasonStatusGroup(c.DisconnectionReason)),
		ReasonCategory:           nonEmpty(export.ReasonCategory(c.DisconnectionReason)),
		TransferDestination:      c.TransferDestination,
		Transcript:               c.Transcript,
		UtteranceCount:           int64(len(urows)),
		EventCount:               events,
		RecordingURL:             nonEmpty(c.RecordingURL),
		RecordingMultiChannelURL: nonEmpty(c.RecordingMultiChannelURL),
		ScrubbedRecordingURL:     nonEmpty(c.ScrubbedRecordingURL),
		PublicLogURL:             nonEmpty(c.PublicLogURL),
		KnowledgeBaseURL:         nonEmpty(c.KnowledgeBaseRetrievedContentsURL),
		OptInSignedURL:           c.OptInSignedURL,
		MetadataJSON:             jsonText(c.Metadata),
		DynamicVariablesJSON:     jsonText(c.RetellLLMDynamicVariables),
		CollectedVariablesJSON:   jsonText(c.CollectedDynamicVariables),
		CustomSIPHeadersJSON:     jsonText(c.CustomSIPHeaders),
	}
	if c.TelephonyIdentifier != nil {
		r.TwilioCallSID = nonEmpty(c.TelephonyIdentifier.TwilioCallSID)
	}
	if m.DurationMs != nil {
		r.DurationS = ptr(float64(*m.DurationMs) / 1000) // not d.Seconds(): binary noise
	}
	if !c.FetchedAt.IsZero() {
		r.FetchedAt = ptr(c.FetchedAt.UTC())
	}
	if s, ok := c.StorageSetting(); ok {
		r.DataStorageSetting = &s
	}
	if len(c.Warnings) > 0 {
		r.DecodeWarnings = ptr(strings.Join(c.Warnings, "; "))
	}
	fillAnalysis(&r, c.CallAnalysis)
	fillCost(&r, c.CallCost, m.CostCents)
	fillLatency(&r, c.Latency)
	fillTokens(&r, c.LLMTokenUsage)
	for _, u := range urows {
		r.WordCount += u.WordCount
	}
	fillConversation(&r, conv)
	return r
}

func fillAnalysis(r *CallRow, a *export.Analysis) {
	if a == nil {
		return
	}
	r.AnalysisPresent = true
	r.UserSentiment = a.UserSentiment
	r.CallSuccessful = a.CallSuccessful
	r.InVoicemail = a.InVoicemail
	r.CallSummary = a.CallSummary
	r.CustomAnalysisJSON = jsonText(a.CustomAnalysisData)
}

func fillCost(r *CallRow, cc *export.CallCost, cents *float64) {
	if cc == nil {
		return
	}
	r.CostCents = microCents(cents) // the measure: NULL for an impossible cost, as the summary counts it
	r.CostUSD = r.CostCents         // the same unscaled value: DECIMAL(18,8) dollars
	r.BilledDurationS = cc.TotalDurationSeconds
	r.BilledUnitPriceCS = microCents(cc.TotalDurationUnitPrice)
}

func fillLatency(r *CallRow, l *export.Latency) {
	if l == nil {
		return
	}
	r.E2EP50ms, r.E2EP90ms, r.E2EP99ms = percentiles(l.E2E)
	r.LLMP50ms, r.LLMP90ms, r.LLMP99ms = percentiles(l.LLM)
	r.TTSP50ms, r.TTSP90ms, r.TTSP99ms = percentiles(l.TTS)
	r.ASRP50ms, r.ASRP90ms, r.ASRP99ms = percentiles(l.ASR)
}

func percentiles(s *export.LatencyStats) (p50, p90, p99 *float64) {
	if s == nil {
		return nil, nil, nil
	}
	return s.P50, s.P90, s.P99
}

func fillTokens(r *CallRow, t *export.TokenUsage) {
	if t == nil {
		return
	}
	if len(t.Values) > 0 { // no per-request values: the total is unknown, not 0
		var total float64
		for _, v := range t.Values {
			total += v
		}
		r.LLMTokensTotal = ptr(int64(math.Round(total)))
	}
	if t.NumRequests != nil {
		r.LLMRequests = ptr(int64(math.Round(*t.NumRequests)))
	}
	r.LLMTokensAvg = t.Average
}

// fillConversation stores the call's conversation figures. Without any
// word timing they are unknown (NULL); with some, a side that never spoke
// gets 0 talk and 0 interruptions.
func fillConversation(r *CallRow, c *export.Conversation) {
	if !c.Timed {
		return
	}
	r.AgentTalkS, r.UserTalkS, r.OverlapS = ptr(c.AgentTalkS), ptr(c.UserTalkS), ptr(c.OverlapS)
	r.TalkRatio = c.TalkRatio
	r.UserInterruptions, r.AgentInterruptions = ptr(int64(c.UserInterruptions)), ptr(int64(c.AgentInterruptions))
	r.LongestSilenceS = ptr(c.LongestSilenceS)
	r.ResponseGapP50S, r.ResponseGapP90S = c.GapP50S, c.GapP90S
}

// appendUtteranceRows appends one row per turn; gaps (in turn order, as
// export.Conversation lists them) fill response_gap_s.
func appendUtteranceRows(dst []UtteranceRow, callID string, us []export.Utterance, gaps []export.ResponseGap) []UtteranceRow {
	first := len(dst)
	for i, u := range us {
		row := UtteranceRow{CallID: callID, Seq: int64(i), Role: u.Role, Text: u.Content, WordCount: countWords(u.Content)}
		if start, end, ok := u.Bounds(); ok {
			row.StartS, row.EndS = ptr(start), ptr(end)
		}
		dst = append(dst, row)
	}
	for _, g := range gaps {
		dst[first+g.Turn].ResponseGapS = ptr(g.S)
	}
	return dst
}

// AppendLatencyRows appends one row per plausible value of every latency
// component of c; seq is the value's index in its values array.
func AppendLatencyRows(dst []LatencyRow, c *export.Call) []LatencyRow {
	for kind, s := range c.Latency.All() {
		for i, v := range s.Values {
			if export.Plausible(v) {
				dst = append(dst, LatencyRow{CallID: c.CallID, Kind: kind, Seq: int64(i), ValueMs: v})
			}
		}
	}
	return dst
}

// countWords counts whitespace-separated words like strings.Fields, without
// allocating.
func countWords(s string) int64 {
	var n int64
	in := false
	for _, r := range s {
		space := unicode.IsSpace(r)
		if !space && !in {
			n++
		}
		in = !space
	}
	return n
}

func appendWordRows(dst []WordRow, callID string, us []export.Utterance) []WordRow {
	for i, u := range us {
		for j, w := range u.Words {
			dst = append(dst, WordRow{CallID: callID, UtteranceSeq: int64(i), Seq: int64(j),
				Word: w.Word, StartS: w.Start, EndS: w.End})
		}
	}
	return dst
}

// AppendEventRows appends the non-speech items of transcript_with_tool_calls.
// A tool result without a name of its own gets the name of the invocation
// with the same tool_call_id, so failures per tool need no self-join.
func AppendEventRows(dst []EventRow, c *export.Call) []EventRow {
	first := len(dst)
	speech := int64(0)
	for i := range c.TranscriptWithToolCalls {
		it := &c.TranscriptWithToolCalls[i]
		if export.IsSpeechRole(it.Role) {
			speech++
			continue
		}
		row := EventRow{
			CallID: c.CallID, Seq: int64(i), Kind: it.Role, TimeS: it.TimeSec, UtterancesBefore: speech,
			ToolCallID: nonEmpty(it.ToolCallID), ToolName: nonEmpty(it.Name), ToolType: nonEmpty(it.Type),
			Arguments: nonEmpty(it.Arguments), Successful: it.Successful, Content: it.Content,
			FormerNodeID: nonEmpty(it.FormerNodeID), FormerNodeName: nonEmpty(it.FormerNodeName),
			NewNodeID: nonEmpty(it.NewNodeID), NewNodeName: nonEmpty(it.NewNodeName),
			TransitionType: nonEmpty(it.TransitionType), Digit: nonEmpty(it.Digit),
			RawJSON: jsonText(it.Raw),
		}
		if len(it.Multimedia) > 0 {
			if b, err := json.Marshal(it.Multimedia); err == nil {
				row.MultimediaJSON = ptr(string(b))
			}
		}
		dst = append(dst, row)
	}
	nameResults(dst[first:])
	return dst
}

// nameResults fills the tool_name of tool results from their invocations.
// Results usually follow their invocation but are matched wherever they are.
func nameResults(rows []EventRow) {
	var names map[string]*string // made only for calls with tool calls
	for i := range rows {
		r := &rows[i]
		if r.Kind == export.RoleToolCallInvocation && r.ToolCallID != nil && r.ToolName != nil {
			if names == nil {
				names = map[string]*string{}
			}
			if _, dup := names[*r.ToolCallID]; !dup { // the first invocation of an id wins
				names[*r.ToolCallID] = r.ToolName
			}
		}
	}
	for i := range rows {
		r := &rows[i]
		if r.Kind == export.RoleToolCallResult && r.ToolName == nil && r.ToolCallID != nil {
			r.ToolName = names[*r.ToolCallID]
		}
	}
}

// AppendCostItemRows appends the product cost lines of c.
func AppendCostItemRows(dst []CostItemRow, c *export.Call) []CostItemRow {
	if c.CallCost == nil {
		return dst
	}
	known := !c.Measures().Transferred || slices.ContainsFunc(c.CallCost.ProductCosts, func(p export.ProductCost) bool { return p.IsTransferLegCost != nil })
	for i, p := range c.CallCost.ProductCosts {
		cost := microCents(p.Cost)
		leg := p.IsTransferLegCost
		if leg == nil && known { // no leg on a call not transferred; absent beside a flagged item means no
			leg = ptr(false)
		}
		dst = append(dst, CostItemRow{CallID: c.CallID, Seq: int64(i), Product: p.Product, CostCents: cost, CostUSD: cost,
			UnitPriceCentsPerS: microCents(p.Price()), IsTransferLeg: leg})
	}
	return dst
}

// AppendCustomAnalysisRows appends one row per key of custom_analysis_data,
// in the order Retell sent them. Data that is not a JSON object yields no
// rows (it is still in the calls table's custom_analysis_json).
func AppendCustomAnalysisRows(dst []CustomAnalysisRow, c *export.Call) []CustomAnalysisRow {
	if c.CallAnalysis == nil || len(c.CallAnalysis.CustomAnalysisData) == 0 {
		return dst
	}
	dec := json.NewDecoder(bytes.NewReader(c.CallAnalysis.CustomAnalysisData))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return dst
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return dst
		}
		key, _ := tok.(string)
		var val json.RawMessage
		if dec.Decode(&val) != nil {
			return dst
		}
		dst = append(dst, customRow(c.CallID, key, val))
	}
	return dst
}

func customRow(callID, key string, val json.RawMessage) CustomAnalysisRow {
	row := CustomAnalysisRow{CallID: callID, Key: key}
	val = bytes.TrimSpace(val)
	switch val[0] {
	case '"':
		row.ValueType = "string"
		var s string
		_ = json.Unmarshal(val, &s) // the decoder already validated it
		row.ValueText = &s
	case 't', 'f':
		row.ValueType = "boolean"
		row.ValueBool = ptr(val[0] == 't')
		row.ValueText = ptr(string(val))
	case 'n':
		row.ValueType = "null"
	case '{', '[':
		row.ValueType = "object"
		if val[0] == '[' {
			row.ValueType = "array"
		}
		row.ValueText = jsonText(val)
	default:
		row.ValueType = "number"
		row.ValueText = ptr(string(val))
		var f float64
		if json.Unmarshal(val, &f) == nil { // fails only beyond float64 range
			row.ValueNumber = &f
		}
	}
	return row
}

// jsonText returns raw JSON compacted as text, or nil when absent or null.
func jsonText(raw json.RawMessage) *string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var buf bytes.Buffer
	if json.Compact(&buf, raw) != nil {
		return ptr(string(raw))
	}
	return ptr(buf.String())
}

func ptr[T any](v T) *T { return &v }

func timePtr(t time.Time, ok bool) *time.Time {
	if !ok {
		return nil
	}
	return &t
}

// startTime is the start_time column of a measured start (0: none).
func startTime(ms int64) *time.Time {
	if ms == 0 {
		return nil
	}
	return msPtr(&ms)
}

func msPtr(ms *int64) *time.Time {
	if ms == nil {
		return nil
	}
	return ptr(time.UnixMilli(*ms).UTC())
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

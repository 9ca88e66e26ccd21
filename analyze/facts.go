package analyze

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/retell-export/retell-export/export"
)

// facts is what the statistics need from one call, extracted once per
// call and then folded into every group the call belongs to. It refers to
// the call's slices and must not outlive Write.
type facts struct {
	status    string
	hasStart  bool
	startMs   int64
	connected bool
	durMs     int64
	hasDur    bool
	reason    string // "" when absent
	category  string // "" when no reason
	// transferred: handed on (export.Measures.Transferred)
	transferred bool

	analysed           bool
	sentiment          string // "" when absent
	successful         *bool
	inVoicemail        *bool
	hasCost            bool
	costCents          float64
	products           []export.ProductCost
	e2e, llm, tts, asr []float64
	conv               export.Conversation // of the call's utterances: export.Call.Conversation

	invocations []string     // tool names, one per tool_call_invocation
	results     []toolResult // tool_call_result items
	nodes       []string     // node entered, one per node_transition
	custom      []customValue

	toolNames map[string]string // scratch: tool_call_id -> name within the call
}

type toolResult struct {
	name           string
	judged, failed bool // judged: the result carries "successful"
}

// customValue is one custom_analysis_data entry reduced to what the
// distribution needs: its JSON kind and, for scalars, its text.
type customValue struct {
	key, text string
	kind      byte // 'b' boolean, 's' string, 'n' number, 'c' object or array
}

// extract fills f from c. f's slices and map are reused from call to call
// (Write runs once per call), which saves most of the allocations. What
// counts (connected, durations, transfers, costs) is the call's
// export.Measures, the definitions the tables store too.
func extract(c *export.Call, f *facts) {
	m := c.Measures()
	*f = facts{
		status: c.CallStatus, connected: m.Connected, reason: c.DisconnectionReason,
		transferred: m.Transferred, analysed: m.Analysed,
		invocations: f.invocations[:0], results: f.results[:0], nodes: f.nodes[:0], custom: f.custom[:0],
		toolNames: f.toolNames,
	}
	f.hasStart, f.startMs = m.StartMs != 0, m.StartMs
	if m.DurationMs != nil {
		f.hasDur, f.durMs = true, *m.DurationMs
	}
	f.category = export.ReasonCategory(f.reason)
	if a := c.CallAnalysis; a != nil {
		f.successful, f.inVoicemail = a.CallSuccessful, a.InVoicemail
		f.custom = customValues(f.custom, a.CustomAnalysisData)
	}
	f.sentiment, _ = c.Sentiment()
	if m.CostCents != nil { // garbage counts as unknown
		f.hasCost, f.costCents = true, *m.CostCents
	}
	if c.CallCost != nil {
		f.products = c.CallCost.ProductCosts
	}
	if l := c.Latency; l != nil {
		f.e2e, f.llm, f.tts, f.asr = values(l.E2E), values(l.LLM), values(l.TTS), values(l.ASR)
	}
	f.conv = c.Conversation()
	items := c.TranscriptWithToolCalls
	if len(items) == 0 { // the scrubbed copy has the same tool and node items
		items = c.ScrubbedTranscriptWithToolCalls
	}
	f.toolEvents(items)
}

func values(s *export.LatencyStats) []float64 {
	if s == nil {
		return nil
	}
	return s.Values
}

// Unpaired names the tool of a tool_call_result whose tool_call_id matches
// no invocation in the same call.
const Unpaired = "(unpaired)"

// release drops every reference into the call, so the scratch facts kept
// between Writes do not keep the last call's memory alive.
func (f *facts) release() {
	clear(f.invocations)
	clear(f.results)
	clear(f.nodes)
	clear(f.custom)
	clear(f.toolNames)
	f.products, f.e2e, f.llm, f.tts, f.asr = nil, nil, nil, nil, nil
	f.conv = export.Conversation{}
	f.status, f.reason, f.sentiment = "", "", ""
	f.successful, f.inVoicemail = nil, nil
}

// toolEvents lists tool invocations, results paired to their invocation's
// name by tool_call_id, and the nodes entered by node transitions.
func (f *facts) toolEvents(items []export.TranscriptItem) {
	if f.toolNames == nil {
		f.toolNames = map[string]string{}
	}
	clear(f.toolNames)
	for i := range items {
		it := &items[i]
		switch it.Role {
		case export.RoleToolCallInvocation:
			f.invocations = append(f.invocations, nameOr(it.Name))
			f.toolNames[it.ToolCallID] = nameOr(it.Name)
		case export.RoleNodeTransition:
			f.nodes = append(f.nodes, nameOr(it.NewNodeName, it.NewNodeID))
		}
	}
	for i := range items {
		it := &items[i]
		if it.Role != export.RoleToolCallResult {
			continue
		}
		name, ok := f.toolNames[it.ToolCallID]
		if !ok {
			name = Unpaired
		}
		r := toolResult{name: name, judged: it.Successful != nil}
		r.failed = r.judged && !*it.Successful
		f.results = append(f.results, r)
	}
}

// nameOr returns the first non-empty name, or None.
func nameOr(names ...string) string {
	for _, n := range names {
		if n != "" {
			return n
		}
	}
	return None
}

// customValues decodes custom_analysis_data. Nulls are skipped (the key
// was not answered); a body that is not an object yields nothing.
func customValues(out []customValue, raw json.RawMessage) []customValue {
	if len(raw) == 0 {
		return out
	}
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil {
		return out
	}
	for k, v := range m {
		switch v := v.(type) {
		case bool:
			out = append(out, customValue{key: k, kind: 'b', text: strconv.FormatBool(v)})
		case string:
			out = append(out, customValue{key: k, kind: 's', text: v})
		case float64:
			out = append(out, customValue{key: k, kind: 'n', text: strconv.FormatFloat(v, 'g', -1, 64)})
		case nil:
		default:
			out = append(out, customValue{key: k, kind: 'c'})
		}
	}
	// Sorted so that which keys fit under maxCustomKeys does not depend
	// on map iteration order.
	slices.SortFunc(out, func(a, b customValue) int { return strings.Compare(a.key, b.key) })
	return out
}

package analyze

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/retell-export/retell-export/export"
)

// check compares got with want and prints both as JSON when they differ.
func check(t *testing.T, name string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %s\nwant %s", name, jsonOf(got), jsonOf(want))
	}
}

func f64(v float64) *float64 { return &v }

const start = "2026-03-10T12:00:00Z"

func TestVolume(t *testing.T) {
	calls := []*export.Call{
		call(at(start, 60)),
		call(at(start, 120)),
		call(status(export.StatusNotConnected), at(start, 5)), // dialled, never connected
		call(status(export.StatusRegistered)),                 // never started
		call(status(export.StatusOngoing), at(start, -1)),     // connected, no duration yet
		call(status("queued_for_review"), at(start, 30)),      // unknown status with a start: connected
		call(status(export.StatusError)),                      // no start: not connected
	}
	got := summarize(t, Options{}, calls...).Overall.Volume
	want := Volume{
		Calls: 7,
		ByStatus: []Count{{"registered", 1, 0.1429}, {"not_connected", 1, 0.1429}, {"ongoing", 1, 0.1429},
			{"ended", 2, 0.2857}, {"error", 1, 0.1429}, {"queued_for_review", 1, 0.1429}},
		Connected:    4,
		WithoutStart: 2,
		TotalMinutes: 3.5, // 60 + 120 + 30 s; the not_connected 5 s are not talk time
		MeanMinutes:  f64(1.1667),
		DurationSeconds: Quantiles{Count: 3, Exact: true, Min: f64(30), Mean: f64(70),
			P50: f64(60), P90: f64(108), P95: f64(114), P99: f64(118.8), Max: f64(120)},
	}
	check(t, "volume", got, want)
}

func TestOutcome(t *testing.T) {
	ended := func(r string) *export.Call { return call(reason(r), at(start, 10)) }
	calls := []*export.Call{
		ended("user_hangup"), ended("user_hangup"), ended("user_hangup"),
		ended("call_transfer"), ended("transfer_bridged"),
		ended("weird_new_reason"), // unknown reason: category unknown
		call(status(export.StatusNotConnected), reason("dial_busy"), at(start, 0)),
		call(status(export.StatusRegistered)), // no reason
	}
	got := summarize(t, Options{}, calls...).Overall.Outcome
	want := Outcome{
		Reasons: []Count{{"user_hangup", 3, 0.375}, {None, 1, 0.125}, {"call_transfer", 1, 0.125},
			{"dial_busy", 1, 0.125}, {"transfer_bridged", 1, 0.125}, {"weird_new_reason", 1, 0.125}},
		Lines: []ReasonLine{{"user_hangup", "normal_end", 1, 3, 0.375}, {None, "", 1, 1, 0.125},
			{"call_transfer", "transfer", 1, 1, 0.125}, {"dial_busy", "not_connected", 1, 1, 0.125},
			{"transfer_bridged", "transfer", 1, 1, 0.125}, {"weird_new_reason", "unknown", 1, 1, 0.125}},
		Categories: []Count{{"normal_end", 3, 0.375}, {"transfer", 2, 0.25}, {"voicemail", 0, 0},
			{"not_connected", 1, 0.125}, {"telephony", 0, 0}, {"platform_error", 0, 0}, {"billing_limits", 0, 0},
			{"unknown", 1, 0.125}, {None, 1, 0.125}},
		Transfers:    2,
		TransferRate: f64(0.3333), // 2 of 6 connected
	}
	check(t, "outcome", got, want)
}

// A long tail of reasons is summed per category, within MaxReasonLines
// lines, so the errors stay visible as errors.
func TestReasonLines(t *testing.T) {
	counts := map[string]int{"user_hangup": 30, "agent_hangup": 12, "call_transfer": 6, "dial_no_answer": 5,
		"voicemail_reached": 4, "inactivity": 4, "dial_busy": 3, "error_llm_websocket_open": 3,
		"error_asr": 2, "error_retell": 2, "error_no_audio_received": 2, "error_unknown": 2, "error_llm_websocket_runtime": 1,
		"user_declined": 1, "transfer_cancelled": 1, "dial_failed": 1, "ivr_reached": 1, "machine_detected": 1,
		"marked_as_spam": 1, "sip_routing_error": 1, "invalid_destination": 1}
	var calls []*export.Call
	for r, n := range counts {
		for range n {
			calls = append(calls, call(reason(r), at(start, 10)))
		}
	}
	got := summarize(t, Options{}, calls...).Overall.Outcome.Lines
	// 21 reasons, 84 calls: the most frequent by name, the tail per
	// category (a category's only tail reason keeps its name).
	want := []ReasonLine{
		{"user_hangup", "normal_end", 1, 30, 0.3571},
		{"agent_hangup", "normal_end", 1, 12, 0.1429},
		{"call_transfer", "transfer", 1, 6, 0.0714},
		{"(other platform_error)", "platform_error", 3, 5, 0.0595},
		{"dial_no_answer", "not_connected", 1, 5, 0.0595},
		{"inactivity", "normal_end", 1, 4, 0.0476},
		{"voicemail_reached", "voicemail", 1, 4, 0.0476},
		{"(other telephony)", "telephony", 3, 3, 0.0357},
		{"dial_busy", "not_connected", 1, 3, 0.0357},
		{"error_llm_websocket_open", "platform_error", 1, 3, 0.0357},
		{"(other not_connected)", "not_connected", 2, 2, 0.0238},
		{"(other voicemail)", "voicemail", 2, 2, 0.0238},
		{"error_asr", "platform_error", 1, 2, 0.0238},
		{"error_no_audio_received", "platform_error", 1, 2, 0.0238},
		{"transfer_cancelled", "transfer", 1, 1, 0.0119},
	}
	check(t, "lines", got, want)
}

func TestAnalysis(t *testing.T) {
	calls := []*export.Call{
		call(analysis("Positive", yes, no, "")),
		call(analysis("Negative", no, no, "")),
		call(analysis("Unknown", nil, yes, "")),
		call(analysis("", yes, nil, "")), // analysed, no sentiment
		call(analysis("Ecstatic", nil, nil, "")),
		call(), // no analysis
	}
	got := summarize(t, Options{}, calls...).Overall.Analysis
	want := AnalysisStats{
		Analysed: 5, WithoutAnalysis: 1,
		// Shares are of the 5 analysed calls; the call without analysis is
		// not a sentiment.
		Sentiments: []Count{{"Positive", 1, 0.2}, {"Neutral", 0, 0}, {"Negative", 1, 0.2},
			{"Unknown", 1, 0.2}, {"Ecstatic", 1, 0.2}, {None, 1, 0.2}},
		Successful: 2, SuccessRated: 3, SuccessRate: f64(0.6667),
		Voicemail: 1, VoicemailRated: 3, VoicemailRate: f64(0.3333),
	}
	check(t, "analysis", got, want)
}

func TestCost(t *testing.T) {
	calls := []*export.Call{
		call(at(start, 60), cost(10, "voice_engine", 6.0, "llm", 4.0)),
		call(at(start, 120), cost(20, "voice_engine", 12.0, "tts", 8.0)),
		call(status(export.StatusNotConnected), at(start, 0), cost(0)), // all-zero cost: free, not unknown
		call(at(start, 60)), // no call_cost: unknown
	}
	got := summarize(t, Options{}, calls...).Overall.Cost
	want := Cost{
		WithCost: 3, WithoutCost: 1,
		TotalUSD:              0.3,
		MeanUSD:               f64(0.1),
		PerConnectedMinuteUSD: f64(0.075), // $0.30 over 4 connected minutes
		PerCallUSD: Quantiles{Count: 3, Exact: true, Min: f64(0), Mean: f64(0.1),
			P50: f64(0.1), P90: f64(0.18), P95: f64(0.19), P99: f64(0.198), Max: f64(0.2)},
		Products: []ProductCost{{"voice_engine", 2, 0.18, 0.6}, {"tts", 1, 0.08, 0.2667}, {"llm", 1, 0.04, 0.1333}},
	}
	check(t, "cost", got, want)
}

func TestCostNone(t *testing.T) {
	got := summarize(t, Options{}, call(), call(at(start, 30))).Overall.Cost
	want := Cost{WithoutCost: 2, PerCallUSD: Quantiles{Exact: true}}
	check(t, "cost", got, want)
}

// Fleet percentiles come from all per-turn values: one call with four
// fast turns and one with a single slow turn has a median of 100 ms, where
// averaging per-call medians would say 550 ms.
func TestLatencyFromValues(t *testing.T) {
	got := summarize(t, Options{},
		call(latency([]float64{100, 100, 100, 100}, nil, nil)),
		call(latency([]float64{1000}, []float64{500}, nil)),
		call(), // no latency at all
	).Overall.Latency
	want := Latency{
		E2E: Quantiles{Count: 5, Exact: true, Min: f64(100), Mean: f64(280), P50: f64(100), P90: f64(640),
			P95: f64(820), P99: f64(964), Max: f64(1000)},
		LLM: Quantiles{Count: 1, Exact: true, Min: f64(500), Mean: f64(500), P50: f64(500), P90: f64(500),
			P95: f64(500), P99: f64(500), Max: f64(500)},
		TTS: Quantiles{Exact: true},
		ASR: Quantiles{Exact: true},
	}
	check(t, "latency", got, want)
}

func TestTools(t *testing.T) {
	first := items(`[
		{"role":"node_transition","new_node_name":"Greeting","new_node_id":"n1"},
		{"role":"tool_call_invocation","tool_call_id":"t1","name":"lookup"},
		{"role":"tool_call_result","tool_call_id":"t1","successful":true},
		{"role":"agent","content":"one moment"},
		{"role":"tool_call_invocation","tool_call_id":"t2","name":"lookup"},
		{"role":"tool_call_result","tool_call_id":"t2","successful":false},
		{"role":"tool_call_invocation","tool_call_id":"t3","name":"transfer"},
		{"role":"tool_call_result","tool_call_id":"t3","content":"ok"},
		{"role":"tool_call_result","tool_call_id":"t9","successful":false},
		{"role":"node_transition","new_node_id":"n2"},
		{"role":"node_transition"}
	]`)
	// Ids are per call: t1 here is another invocation, without a result.
	second := items(`[
		{"role":"tool_call_invocation","tool_call_id":"t1","name":"lookup"},
		{"role":"node_transition","new_node_name":"Greeting"}
	]`)
	got := summarize(t, Options{}, call(first), call(second), call()).Overall.Tools
	want := Tools{
		Tools: []ToolStat{
			{Name: "lookup", Invocations: 3, Results: 2, Judged: 2, Failed: 1, FailureShare: f64(0.5)},
			{Name: "transfer", Invocations: 1, Results: 1}, // its result has no "successful": counted, not judged
			{Name: Unpaired, Results: 1, Judged: 1, Failed: 1, FailureShare: f64(1)},
		},
		Nodes: []NodeStat{{"Greeting", 2}, {None, 1}, {"n2", 1}},
	}
	check(t, "tools", got, want)
}

func TestToolsScrubbedFallback(t *testing.T) {
	c := call(items(`[{"role":"tool_call_invocation","tool_call_id":"t1","name":"lookup"}]`))
	c.ScrubbedTranscriptWithToolCalls, c.TranscriptWithToolCalls = c.TranscriptWithToolCalls, nil
	got := summarize(t, Options{}, c).Overall.Tools.Tools
	check(t, "tools", got, []ToolStat{{Name: "lookup", Invocations: 1}})
}

func TestCustomAnalysis(t *testing.T) {
	calls := []*export.Call{
		call(analysis("", nil, nil, `{"ok":true,"tier":"gold","note":"hello there","score":5,"mixed":true,"obj":{"a":1},"nul":null}`)),
		call(analysis("", nil, nil, `{"ok":false,"tier":"gold","note":"other text","score":5,"mixed":"yes"}`)),
		call(analysis("", nil, nil, `{"ok":true,"tier":"silver","note":"third","score":4}`)),
		call(analysis("", nil, nil, `{"ok":true,"tier":"gold","score":5}`)),
		call(analysis("", nil, nil, `{}`)),
		call(analysis("", nil, nil, `"not an object"`)),
		call(),
	}
	got := summarize(t, Options{}, calls...).Overall.Custom
	want := []CustomKey{
		{Key: "mixed", Kind: KindOther, Calls: 2, Values: []Count{}},
		{Key: "note", Kind: KindOther, Calls: 3, Values: []Count{}}, // every value distinct: free text
		{Key: "obj", Kind: KindOther, Calls: 1, Values: []Count{}},
		{Key: "ok", Kind: KindBoolean, Calls: 4, Values: []Count{{"true", 3, 0.75}, {"false", 1, 0.25}}},
		{Key: "score", Kind: KindEnum, Calls: 4, Values: []Count{{"5", 3, 0.75}, {"4", 1, 0.25}}},
		{Key: "tier", Kind: KindEnum, Calls: 4, Values: []Count{{"gold", 3, 0.75}, {"silver", 1, 0.25}}},
	}
	check(t, "custom", got, want)
}

// A key with 30 values, each seen 3 times, keeps the first 20 and counts
// the rest under "(other)"; 60 keys keep the first 50 by name.
func TestCustomAnalysisBounds(t *testing.T) {
	var calls []*export.Call
	for range 3 {
		for v := range 30 {
			calls = append(calls, call(analysis("", nil, nil, fmt.Sprintf(`{"k":"v%02d"}`, v))))
		}
	}
	got := summarize(t, Options{}, calls...).Overall.Custom
	if len(got) != 1 || got[0].Kind != KindEnum || len(got[0].Values) != maxCustomValues+1 {
		t.Fatalf("got %s, want one enum key with %d values and (other)", jsonOf(got), maxCustomValues)
	}
	check(t, "first", got[0].Values[0], Count{"v00", 3, 0.0333})
	check(t, "last tracked", got[0].Values[maxCustomValues-1], Count{"v19", 3, 0.0333})
	check(t, "other", got[0].Values[maxCustomValues], Count{Other, 30, 0.3333})

	body := "{"
	for k := range 60 {
		body += fmt.Sprintf(`"k%02d":true,`, k)
	}
	body = body[:len(body)-1] + "}"
	got = summarize(t, Options{}, call(analysis("", nil, nil, body))).Overall.Custom
	if len(got) != maxCustomKeys+1 || got[maxCustomKeys-1].Key != "k49" {
		t.Fatalf("got %d keys (last tracked %q), want %d and (other)", len(got), got[len(got)-2].Key, maxCustomKeys)
	}
	check(t, "other key", got[maxCustomKeys], CustomKey{Key: Other, Kind: KindOther, Calls: 10, Values: []Count{}})
}

// Fewer distinct values than calls is required for a string key to be
// enum-like; (other) may not hold half the observations.
func TestCustomKind(t *testing.T) {
	tests := []struct {
		name   string
		values []string
		want   string
	}{
		{"seen once", []string{`"a"`}, KindOther},
		{"repeats", []string{`"a"`, `"a"`}, KindEnum},
		{"all distinct", []string{`"a"`, `"b"`, `"c"`}, KindOther},
		{"half distinct", []string{`"a"`, `"b"`, `"a"`, `"b"`}, KindEnum},
		{"booleans once", []string{`true`}, KindBoolean},
		{"numbers repeat", []string{`1`, `2`, `1`, `2`}, KindEnum},
		{"bool and string", []string{`true`, `"true"`}, KindOther},
		{"array", []string{`[1]`, `[1]`}, KindOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls []*export.Call
			for _, v := range tt.values {
				calls = append(calls, call(analysis("", nil, nil, `{"k":`+v+`}`)))
			}
			got := summarize(t, Options{}, calls...).Overall.Custom
			if len(got) != 1 || got[0].Kind != tt.want {
				t.Errorf("got %s, want kind %s", jsonOf(got), tt.want)
			}
		})
	}
}

func TestZeroCalls(t *testing.T) {
	s := summarize(t, Options{By: AllBy()})
	o := s.Overall
	check(t, "period", o.Period, Period{})
	check(t, "statuses", o.Volume.ByStatus, []Count{{"registered", 0, 0}, {"not_connected", 0, 0},
		{"ongoing", 0, 0}, {"ended", 0, 0}, {"error", 0, 0}})
	if len(o.Outcome.Categories) != len(export.Categories()) || o.Outcome.TransferRate != nil ||
		o.Analysis.SuccessRate != nil || o.Cost.MeanUSD != nil || o.Volume.MeanMinutes != nil ||
		o.Latency.E2E.P50 != nil || len(o.Outcome.Reasons) != 0 {
		t.Errorf("zero calls: %s", jsonOf(o))
	}
	if len(s.Groupings) != 4 {
		t.Fatalf("groupings %d, want 4", len(s.Groupings))
	}
	for _, g := range s.Groupings {
		if g.Groups == nil || len(g.Groups) != 0 {
			t.Errorf("grouping %s: %s, want []", g.By, jsonOf(g.Groups))
		}
	}
}

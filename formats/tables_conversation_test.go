package formats

import (
	"reflect"
	"testing"

	"github.com/retell-export/retell-export/export"
)

// The calls and utterances tables store the hub's conversation figures
// (export.Conversation) as they are, and the latency table every plausible
// sample with its index in values.
func TestConversationAndLatencyRows(t *testing.T) {
	c := decodeAll(t, []string{`{"call_id":"c1","call_type":"web_call","agent_id":"a","call_status":"ended",
		"transcript_object":[
			{"role":"agent","content":"hello","words":[{"word":"hello","start":0,"end":3}]},
			{"role":"user","content":"hi","words":[{"word":"hi","start":2.5,"end":3.5}]},
			{"role":"agent","content":"so","words":[{"word":"so","start":3.2,"end":4}]},
			{"role":"user","content":"ok","words":[{"word":"ok","start":5,"end":5.5}]}],
		"latency":{"e2e":{"values":[900,1e13,1100]},"asr":{"values":[120]},"s2s":{"values":[]}}}`})[0]
	var r Rows
	r.Build(c, false)
	// agent [0,3] [3.2,4] = 3.8 s, user [2.5,3.5] [5,5.5] = 1.5 s, each
	// side interrupts once, silence 4 to 5, one gap: 3.2 - 3.5 = -0.3.
	want := CallRow{AgentTalkS: ptr(3.8), UserTalkS: ptr(1.5), OverlapS: ptr(0.8), TalkRatio: ptr(0.717),
		UserInterruptions: ptr(int64(1)), AgentInterruptions: ptr(int64(1)), LongestSilenceS: ptr(1.0),
		ResponseGapP50S: ptr(-0.3), ResponseGapP90S: ptr(-0.3)}
	got := CallRow{AgentTalkS: r.Call.AgentTalkS, UserTalkS: r.Call.UserTalkS, OverlapS: r.Call.OverlapS,
		TalkRatio: r.Call.TalkRatio, UserInterruptions: r.Call.UserInterruptions, AgentInterruptions: r.Call.AgentInterruptions,
		LongestSilenceS: r.Call.LongestSilenceS, ResponseGapP50S: r.Call.ResponseGapP50S, ResponseGapP90S: r.Call.ResponseGapP90S}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("calls row conversation:\n got %s\nwant %s", mustJSON(t, got), mustJSON(t, want))
	}
	var gaps []any
	for _, u := range r.Utterances {
		if u.ResponseGapS == nil {
			gaps = append(gaps, nil)
			continue
		}
		gaps = append(gaps, *u.ResponseGapS)
	}
	if want := []any{nil, nil, -0.3, nil}; !reflect.DeepEqual(gaps, want) {
		t.Errorf("response_gap_s per turn %v, want %v", gaps, want)
	}
	wantLatency := []LatencyRow{{"c1", export.LatencyE2E, 0, 900}, {"c1", export.LatencyE2E, 2, 1100}, {"c1", export.LatencyASR, 0, 120}}
	if !reflect.DeepEqual(r.Latency, wantLatency) {
		t.Errorf("latency rows %+v, want %+v (the implausible 1e13 left out, its seq unused)", r.Latency, wantLatency)
	}

	r.Build(decodeAll(t, []string{`{"call_id":"c2","call_type":"web_call","agent_id":"a","call_status":"ended",
		"transcript":"Agent: hi\nUser: hello\n"}`})[0], false)
	if r.Call.AgentTalkS != nil || r.Call.UserInterruptions != nil || r.Call.LongestSilenceS != nil ||
		r.Call.TalkRatio != nil || len(r.Latency) != 0 || r.Utterances[1].ResponseGapS != nil {
		t.Errorf("untimed call: %s, latency %v", mustJSON(t, r.Call), r.Latency)
	}
}

package formats

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/retell-export/retell-export/export"
)

// trickyText exercises everything text must survive: quotes, separators,
// LF, CRLF, a lone CR, tabs, emoji (with ZWJ and skin tone), RTL (Hebrew and
// Arabic with RLM), CJK, zero-width characters, a BOM in the middle,
// combining accents and formula starters.
const trickyText = "She said \"hi\", then; left\nnew line\r\nCRLF line\rlone CR\ttab " +
	"👩🏽‍💻 emoji שלום مرحبا\u200f 漢字かなカナ 한글 zero\u200bwidth\u200d\u2060 \ufeffbom e\u0301 café ñ"

// formulaTexts start like spreadsheet formulas (and one plain number).
var formulaTexts = []string{"=HYPERLINK(\"http://x\",\"y\")", "+1+2", "-2+3", "@SUM(A1)", "\tTAB", "\rCR", "'=already", "-42.5"}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func decode(t testing.TB, body string) *export.Call {
	t.Helper()
	c, err := export.DecodeCall([]byte(body))
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	return c
}

func words(text string, from float64) []map[string]any {
	var ws []map[string]any
	for i, w := range strings.Fields(text) {
		ws = append(ws, map[string]any{"word": w, "start": from + float64(i)*0.3, "end": from + float64(i)*0.3 + 0.25})
	}
	return ws
}

// phoneCall is retell-api.md §6.1 in spirit: every section present.
func phoneCall(t testing.TB) map[string]any {
	return map[string]any{
		"call_id": "call_phone_1", "call_type": "phone_call", "agent_id": "agent_a", "agent_version": 12,
		"agent_name": "Clinic Reminder Agent", "agent_tag": "prod", "call_status": "ended",
		"direction": "outbound", "from_number": "+14155550142", "to_number": "+14155550199",
		"telephony_identifier":         map[string]any{"twilio_call_sid": "CA0a1b"},
		"metadata":                     map[string]any{"crm_contact_id": "c-10442"},
		"retell_llm_dynamic_variables": map[string]any{"patient_first_name": "Dana"},
		"data_storage_setting":         "everything", "opt_in_signed_url": false,
		"start_timestamp": 1780000000000, "end_timestamp": 1780000094500, "duration_ms": 94500,
		"disconnection_reason": "agent_hangup",
		"transcript":           "Agent: Hi Dana.\nUser: Oh yes, I'll be there.\n",
		"transcript_object": []any{
			map[string]any{"role": "agent", "content": "Hi Dana.", "words": words("Hi Dana.", 0.6)},
			map[string]any{"role": "user", "content": "Oh yes, I'll be there.", "words": words("Oh yes, I'll be there.", 6.4)},
		},
		"transcript_with_tool_calls": []any{
			map[string]any{"role": "agent", "content": "Hi Dana.", "words": words("Hi Dana.", 0.6)},
			map[string]any{"role": "tool_call_invocation", "tool_call_id": "tc1", "name": "confirm", "arguments": `{"id":"apt_5521"}`, "time_sec": 5.1},
			map[string]any{"role": "tool_call_result", "tool_call_id": "tc1", "content": `{"status":"confirmed"}`, "successful": true},
			map[string]any{"role": "user", "content": "Oh yes, I'll be there.", "words": words("Oh yes, I'll be there.", 6.4)},
			map[string]any{"role": "dtmf", "digit": "#", "time_sec": 9.5},
		},
		"recording_url": "https://example.invalid/rec.wav", "public_log_url": "https://example.invalid/public.log",
		"latency": map[string]any{
			"e2e": map[string]any{"p50": 1040, "p90": 1282, "p99": 1343.5, "values": []any{820, 1040}},
			"llm": map[string]any{"p50": 480, "p90": 608, "p99": 637},
		},
		"llm_token_usage": map[string]any{"values": []any{1510, 1622}, "average": 1566, "num_requests": 2},
		"call_cost": map[string]any{
			"product_costs": []any{
				map[string]any{"product": "voice_engine", "unit_price": 0.0833, "cost": 7.87},
				map[string]any{"product": "elevenlabs_tts", "unitPrice": 0.1167, "cost": 11.03},
				map[string]any{"product": "transfer", "cost": 0.945, "is_transfer_leg_cost": true},
			},
			"total_duration_seconds": 94.5, "total_duration_unit_price": 0.21, "combined_cost": 19.845,
		},
		"call_analysis": map[string]any{
			"call_summary": "Dana confirmed.", "in_voicemail": false, "user_sentiment": "Positive", "call_successful": true,
			"custom_analysis_data": map[string]any{"appointment_confirmed": true, "score": -3.5, "note": "=1+1", "missing": nil, "tags": []any{"a"}},
		},
	}
}

// webCall has node transitions, sms, injected and an unknown event kind, no
// transcript_object (utterances come from transcript_with_tool_calls) and an
// undocumented disconnection reason.
func webCall() map[string]any {
	return map[string]any{
		"call_id": "call_web_2", "call_type": "web_call", "access_token": "SECRET-TOKEN", "agent_id": "agent_b",
		"agent_version": 0, "call_status": "ended", "start_timestamp": 1780003600000, "end_timestamp": 1780003652300,
		"disconnection_reason": "brand_new_reason",
		"transcript_with_tool_calls": []any{
			map[string]any{"role": "node_transition", "former_node_id": "begin", "former_node_name": "Begin", "new_node_id": "n1", "new_node_name": "Greeting", "transition_type": "auto", "time_sec": 0.1},
			map[string]any{"role": "agent", "content": "Hi Sam, how can I help?", "words": words("Hi Sam, how can I help?", 0.4)},
			map[string]any{"role": "sms", "content": "photo attached", "time_sec": 3.2, "multimedia": []any{map[string]any{"url": "https://example.invalid/p.jpg", "summary": "a receipt"}}},
			map[string]any{"role": "injected", "content": "VIP customer", "time_sec": 4},
			map[string]any{"role": "user", "content": "Where is my order?", "words": []any{}},
			map[string]any{"role": "hologram", "payload": map[string]any{"x": 1}, "time_sec": 9},
		},
		"call_cost":     map[string]any{"product_costs": []any{}, "combined_cost": 0},
		"call_analysis": map[string]any{"user_sentiment": "Unknown", "custom_analysis_data": map[string]any{}},
	}
}

// bareCalls have almost nothing: registered, not connected, and a legacy
// record with only a plain transcript.
func bareCalls() []map[string]any {
	return []map[string]any{
		{"call_id": "call_reg_3", "call_type": "web_call", "agent_id": "agent_a", "call_status": "registered"},
		{"call_id": "call_nc_4", "call_type": "phone_call", "agent_id": "agent_a", "call_status": "not_connected",
			"direction": "outbound", "from_number": "+14155550142", "to_number": "+14155550100",
			"disconnection_reason": "dial_no_answer", "version": 7, "opt_out_sensitive_data_storage": true},
		{"call_id": "call_plain_5", "call_type": "phone_call", "agent_id": "agent_c", "call_status": "ended",
			"direction": "inbound", "from_number": "anonymous", "to_number": "+14155550100",
			"start_timestamp": 1780100000000, "end_timestamp": 1780100030000, "disconnection_reason": "user_hangup",
			"transcript": "Agent: Hello.\nUser: Hi,\nsecond line.\n",
			"call_cost":  map[string]any{"product_costs": []any{map[string]any{"product": "voice_engine", "cost": 2.5}}, "combined_cost": 2.5}},
	}
}

// trickyCall carries trickyText and formula starters in every text path.
func trickyCall() map[string]any {
	var utts, items []any
	for i, s := range append([]string{trickyText}, formulaTexts...) {
		u := map[string]any{"role": []string{"agent", "user"}[i%2], "content": s, "words": []any{map[string]any{"word": s, "start": float64(i), "end": float64(i) + 0.5}}}
		utts = append(utts, u)
		items = append(items, u, map[string]any{"role": "tool_call_result", "tool_call_id": fmt.Sprint("t", i), "content": s})
	}
	return map[string]any{
		"call_id": "call_tricky_6", "call_type": "web_call", "agent_id": "agent_b", "agent_version": 1,
		"agent_name": trickyText, "call_status": "ended", "start_timestamp": 1780200000000, "duration_ms": 20000,
		"disconnection_reason": "user_hangup", "transcript": trickyText,
		"transcript_object": utts, "transcript_with_tool_calls": items,
		"metadata": map[string]any{"note": trickyText},
		"call_analysis": map[string]any{"call_summary": trickyText, "user_sentiment": "Negative",
			"custom_analysis_data": map[string]any{"text": trickyText, "formula": "=cmd|' /C calc'!A0"}},
	}
}

// longCall synthesises a call of the given length with a turn every 6 s.
func longCall(id string, hours float64, start int64) map[string]any {
	var utts []any
	var transcript strings.Builder
	for at := 0.0; at+5 < hours*3600; at += 6 {
		role, label := "agent", "Agent"
		if int(at/6)%2 == 1 {
			role, label = "user", "User"
		}
		text := fmt.Sprintf("turn at %.0f seconds with a few more words to say", at)
		utts = append(utts, map[string]any{"role": role, "content": text, "words": words(text, at)})
		fmt.Fprintf(&transcript, "%s: %s\n", label, text)
	}
	ms := int64(hours * 3600 * 1000)
	return map[string]any{
		"call_id": id, "call_type": "phone_call", "agent_id": "agent_long", "agent_version": 2,
		"call_status": "ended", "direction": "inbound", "from_number": "+15550001", "to_number": "+15550002",
		"start_timestamp": start, "end_timestamp": start + ms, "duration_ms": ms,
		"disconnection_reason": "max_duration_reached", "transcript": transcript.String(),
		"transcript_object": utts, "transcript_with_tool_calls": utts,
		"call_cost":     map[string]any{"product_costs": []any{map[string]any{"product": "voice_engine", "unit_price": 0.07, "cost": hours * 3600 * 0.07}}, "combined_cost": hours * 3600 * 0.07},
		"call_analysis": map[string]any{"user_sentiment": "Neutral", "call_successful": false, "custom_analysis_data": map[string]any{"n": 1}},
	}
}

// fixtureBodies returns the hand-made calls as get-call bodies.
func fixtureBodies(t testing.TB) []string {
	bodies := []string{mustJSON(t, phoneCall(t)), mustJSON(t, webCall())}
	for _, m := range bareCalls() {
		bodies = append(bodies, mustJSON(t, m))
	}
	return append(bodies, mustJSON(t, trickyCall()), mustJSON(t, longCall("call_long_7", 2, 1780300000000)))
}

// sampleBodies loads samples/calls/*.json in sorted filename order, or skips.
func sampleBodies(t testing.TB) []string {
	names, _ := filepath.Glob(filepath.Join("..", "samples", "calls", "*.json"))
	if len(names) == 0 {
		t.Skip("no samples/calls/*.json yet (go run ./samples/gen)")
	}
	slices.Sort(names)
	var bodies []string
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		bodies = append(bodies, string(b))
	}
	return bodies
}

func decodeAll(t testing.TB, bodies []string) []*export.Call {
	var cs []*export.Call
	for _, b := range bodies {
		cs = append(cs, decode(t, b))
	}
	return cs
}

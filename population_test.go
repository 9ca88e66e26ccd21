package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/retell-export/retell-export/export/fakeapi"
)

// variedCalls are n get-call bodies with the variety of a real month: eight
// agents on web and phone, every call status (and calls without a start),
// transfers, voicemail, calls without analysis or without cost, fractional
// latencies, tools that fail, flow nodes, custom analysis of every kind and
// timed transcripts that overlap. Deterministic in seed.
func variedCalls(seed uint64, n int, from time.Time, span time.Duration) [][]byte {
	rng := rand.New(rand.NewPCG(seed, 99))
	out := make([][]byte, n)
	for i := range out {
		out[i] = variedCall(rng, i, from.Add(time.Duration(rng.Int64N(int64(span)))))
	}
	return out
}

func variedCall(rng *rand.Rand, i int, start time.Time) []byte {
	agent := rng.IntN(8)
	m := map[string]any{
		"call_id":       fmt.Sprintf("call_%027x", 0xa000000+i),
		"agent_id":      fmt.Sprintf("agent_%026d", agent),
		"agent_version": rng.IntN(3),
		"call_type":     []string{"phone_call", "web_call"}[rng.IntN(4)/3],
	}
	if agent != 7 {
		m["agent_name"] = fmt.Sprintf("Agent %d", agent)
	}
	if m["call_type"] == "phone_call" {
		m["direction"] = []string{"inbound", "outbound"}[rng.IntN(2)]
		m["from_number"], m["to_number"] = "+14155550100", fmt.Sprintf("+1415555%04d", rng.IntN(10000))
	} else {
		m["access_token"] = "eyJ.secret.token"
	}
	status, reason, started := "ended", "", true
	switch r := rng.IntN(100); {
	case r < 6:
		status, reason, started = "not_connected", []string{"dial_no_answer", "dial_busy", "dial_failed"}[rng.IntN(3)], rng.IntN(2) == 0
	case r < 9:
		status, reason, started = "error", []string{"error_llm_websocket_open", "registered_call_timeout", "concurrency_limit_reached"}[rng.IntN(3)], rng.IntN(3) > 0
	case r < 11:
		status, started = "ongoing", true
	case r < 12:
		status, started = "registered", false
	default:
		reason = []string{"user_hangup", "agent_hangup", "agent_hangup", "call_transfer", "transfer_bridged", "transfer_cancelled",
			"voicemail_reached", "inactivity", "call_take_over", "max_duration_reached"}[rng.IntN(10)]
	}
	m["call_status"] = status
	if reason != "" {
		m["disconnection_reason"] = reason
	}
	durMs := int64(2000 + rng.IntN(600_000))
	switch {
	case started:
		m["start_timestamp"] = start.UnixMilli()
		if status != "ongoing" {
			m["end_timestamp"] = start.UnixMilli() + durMs
			m["duration_ms"] = durMs
		}
	case status != "registered" && rng.IntN(2) == 0: // a dial that failed has an end, but no start
		m["end_timestamp"] = start.UnixMilli() + 5000
	}
	if reason == "call_transfer" || reason == "transfer_bridged" {
		m["transfer_destination"] = "+14155550199"
		if rng.IntN(5) > 0 {
			m["transfer_end_timestamp"] = start.UnixMilli() + durMs + 30_000
		}
	}
	if status == "ended" || (status == "error" && started) {
		variedConversation(rng, m, durMs)
	}
	if status != "registered" && rng.IntN(20) > 0 {
		variedCost(rng, m, durMs, reason)
	}
	if status == "ended" && rng.IntN(100) < 88 {
		variedAnalysis(rng, m, agent, reason)
	}
	b, _ := json.Marshal(m)
	return b
}

func variedConversation(rng *rand.Rand, m map[string]any, durMs int64) {
	var utts, items []map[string]any
	t := 0.3 + rng.Float64()
	end := float64(durMs) / 1000
	for u := 0; t < end && u < 12; u++ {
		role := []string{"agent", "user"}[u%2]
		if rng.IntN(10) == 0 { // a second turn of the same speaker
			role = []string{"user", "agent"}[u%2]
		}
		var words []map[string]any
		for w := range 3 + rng.IntN(8) {
			ws := t + float64(w)*0.31
			words = append(words, map[string]any{"word": fmt.Sprintf("w%d", w), "start": round3(ws), "end": round3(ws + 0.25)})
		}
		u0 := map[string]any{"role": role, "content": "some words", "words": words}
		utts = append(utts, u0)
		items = append(items, u0)
		t += float64(len(words))*0.31 + rng.Float64()*2.5 - 0.4 // sometimes the next speaker starts early
		if rng.IntN(4) == 0 {
			id := fmt.Sprintf("tc_%d_%d", rng.Uint32(), u)
			name := []string{"lookup_order", "book_slot", "transfer_call"}[rng.IntN(3)]
			items = append(items, map[string]any{"role": "tool_call_invocation", "tool_call_id": id, "name": name, "arguments": "{}"})
			res := map[string]any{"role": "tool_call_result", "tool_call_id": id, "content": "ok"}
			if rng.IntN(5) > 0 {
				res["successful"] = rng.IntN(6) > 0
			}
			items = append(items, res)
		}
		if rng.IntN(6) == 0 {
			items = append(items, map[string]any{"role": "node_transition", "former_node_id": "a", "former_node_name": "A",
				"new_node_id": fmt.Sprintf("n%d", rng.IntN(4)), "new_node_name": []string{"Greeting", "Lookup", "Wrap Up", ""}[rng.IntN(4)]})
		}
	}
	m["transcript_object"], m["transcript_with_tool_calls"] = utts, items
	lat := map[string]any{}
	for _, kind := range []string{"e2e", "llm", "tts", "asr"} {
		if kind == "asr" && rng.IntN(2) == 0 {
			continue
		}
		var vs []float64
		for range 1 + rng.IntN(9) {
			v := map[string]float64{"e2e": 700, "llm": 300, "tts": 120, "asr": 90}[kind] + rng.Float64()*900
			if rng.IntN(3) > 0 {
				v = float64(int(v)) // real values are mostly whole milliseconds
			}
			vs = append(vs, round3(v))
		}
		lat[kind] = map[string]any{"values": vs, "num": len(vs)}
	}
	m["latency"] = lat
}

func variedCost(rng *rand.Rand, m map[string]any, durMs int64, reason string) {
	secs := float64(durMs) / 1000
	var items []map[string]any
	total := 0.0
	for _, p := range []string{"voice_engine", "elevenlabs_tts", "gpt-4o-mini"}[:1+rng.IntN(3)] {
		c := round3(secs * (0.05 + rng.Float64()*0.1))
		total += c
		items = append(items, map[string]any{"product": p, "cost": c, "unit_price": 0.0833})
	}
	if reason == "call_transfer" && rng.IntN(2) == 0 {
		items = append(items, map[string]any{"product": "transfer", "cost": 1.5, "is_transfer_leg_cost": true})
		total += 1.5
	}
	m["call_cost"] = map[string]any{"product_costs": items, "combined_cost": round3(total), "total_duration_seconds": secs, "total_duration_unit_price": 0.21}
}

func variedAnalysis(rng *rand.Rand, m map[string]any, agent int, reason string) {
	a := map[string]any{"call_summary": "A summary."}
	if rng.IntN(12) > 0 {
		a["user_sentiment"] = []string{"Positive", "Neutral", "Negative", "Unknown"}[rng.IntN(4)]
	}
	if rng.IntN(10) > 0 {
		a["call_successful"] = rng.IntN(5) > 1
	}
	if rng.IntN(10) > 0 {
		a["in_voicemail"] = reason == "voicemail_reached"
	}
	custom := map[string]any{"appointment_confirmed": rng.IntN(5) > 1, "tier": []string{"gold", "silver", "bronze"}[rng.IntN(3)],
		"score": rng.IntN(10), "order_id": fmt.Sprintf("A-%d", rng.IntN(100000))}
	if agent%2 == 0 {
		custom["escalation_needed"] = rng.IntN(3) == 0
	}
	if rng.IntN(8) == 0 {
		custom["tier"] = nil
	}
	a["custom_analysis_data"] = custom
	m["call_analysis"] = a
}

func round3(v float64) float64 { return float64(int64(v*1000+0.5)) / 1000 }

// variedAPI serves the samples and n varied calls, and returns the ids.
func variedAPI(srv *fakeapi.Server, n int) ([]string, error) {
	var ids []string
	for _, b := range variedCalls(3, n, time.Date(2026, 10, 19, 0, 0, 0, 0, time.UTC), 31*24*time.Hour) {
		id, err := srv.AddCall(b)
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

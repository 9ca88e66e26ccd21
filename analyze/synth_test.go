package analyze

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/retell-export/retell-export/export"
)

// synth generates realistic-looking calls for memory and speed tests,
// deterministically from a seed. hostile adds names that never repeat
// (unknown reasons, tools, nodes, custom keys and values), the worst case
// for the bounded counters, and latencies that never repeat (fractions of
// a millisecond; Retell sends whole ones), the worst case for exact
// percentiles.
type synth struct {
	rng     *rand.Rand
	hostile bool
	i       int
}

func newSynth(seed uint64, hostile bool) *synth {
	return &synth{rng: rand.New(rand.NewPCG(seed, seed+1)), hostile: hostile}
}

var synthReasons = []string{"user_hangup", "agent_hangup", "call_transfer", "voicemail_reached",
	"dial_no_answer", "dial_busy", "error_llm_websocket_open", "concurrency_limit_reached", "inactivity"}

func (s *synth) call() *export.Call {
	s.i++
	r := s.rng
	c := &export.Call{
		CallID:     fmt.Sprintf("call_%027x", s.i),
		CallType:   export.CallTypePhone,
		AgentID:    fmt.Sprintf("agent_%d", r.IntN(8)),
		AgentName:  "Agent",
		CallStatus: export.StatusEnded,
		Direction:  []string{"inbound", "outbound"}[r.IntN(2)],
	}
	if r.IntN(5) == 0 {
		c.CallType, c.Direction = export.CallTypeWeb, ""
	}
	c.DisconnectionReason = synthReasons[r.IntN(len(synthReasons))]
	if s.hostile && r.IntN(10) == 0 {
		c.DisconnectionReason = fmt.Sprintf("new_reason_%d", s.i)
		c.CallStatus = fmt.Sprintf("new_status_%d", s.i)
	}
	if r.IntN(50) == 0 {
		return c // never started: no start, cost or analysis
	}
	startMs := int64(1_780_000_000_000) + r.Int64N(90*24*3600*1000) // 90 days
	durMs := int64(math.Exp(r.NormFloat64()+4) * 1000)              // ~1 min, long tail
	c.StartTimestamp, c.DurationMs = &startMs, &durMs
	cents := float64(durMs) / 1000 * 0.12
	c.CallCost = &export.CallCost{CombinedCost: &cents, ProductCosts: []export.ProductCost{
		{Product: "voice_engine", Cost: ptr(cents * 0.6)}, {Product: "gpt-4o-mini", Cost: ptr(cents * 0.4)}}}
	turns := 2 + r.IntN(20)
	c.Latency = &export.Latency{E2E: s.values(turns, 1100), LLM: s.values(turns, 500), TTS: s.values(turns, 200),
		ASR: s.values(turns/2, 150)}
	c.TranscriptObject = s.transcript(turns)
	c.TranscriptWithToolCalls = s.toolItems()
	if r.IntN(4) != 0 {
		c.CallAnalysis = s.analysis()
	}
	return c
}

func (s *synth) values(n int, median float64) *export.LatencyStats {
	v := make([]float64, n)
	for i := range v {
		v[i] = median * math.Exp(s.rng.NormFloat64()*0.4)
		if !s.hostile {
			v[i] = math.Round(v[i])
		}
	}
	return &export.LatencyStats{Values: v}
}

// transcript alternates agent and user turns of three timed words each
// (millisecond times, as Retell's), with pauses and now and then a turn
// that starts before the previous one ended.
func (s *synth) transcript(turns int) []export.Utterance {
	us := make([]export.Utterance, turns)
	at := 0.5
	for i := range us {
		role := export.RoleAgent
		if i%2 == 1 {
			role = export.RoleUser
		}
		if s.rng.IntN(8) == 0 {
			at -= 0.4 // talks over the previous turn
		}
		words := make([]export.Word, 3)
		for j := range words {
			start := math.Round(at*1000) / 1000
			at += 0.1 + s.rng.Float64()*0.4
			end := math.Round(at*1000) / 1000
			words[j] = export.Word{Word: "word", Start: &start, End: &end}
			at += s.rng.Float64() * 0.05
		}
		at += 0.2 + s.rng.ExpFloat64()
		us[i] = export.Utterance{Role: role, Content: "word word word", Words: words}
	}
	return us
}

func (s *synth) toolItems() []export.TranscriptItem {
	name, node := "lookup_order", "Greeting"
	if s.hostile {
		name, node = fmt.Sprintf("tool_%d", s.i), fmt.Sprintf("node_%d", s.i)
	}
	id := fmt.Sprintf("tc_%d", s.i)
	return []export.TranscriptItem{
		{Role: export.RoleNodeTransition, NewNodeName: node},
		{Role: export.RoleToolCallInvocation, ToolCallID: id, Name: name},
		{Role: export.RoleToolCallResult, ToolCallID: id, Successful: ptr(s.rng.IntN(10) != 0)},
	}
}

func (s *synth) analysis() *export.Analysis {
	custom := map[string]any{
		"booked":  s.rng.IntN(2) == 0,
		"tier":    []string{"gold", "silver", "bronze"}[s.rng.IntN(3)],
		"summary": fmt.Sprintf("free text %d", s.i),
	}
	if s.hostile {
		custom[fmt.Sprintf("key_%d", s.i)] = true
		custom["tier"] = fmt.Sprintf("tier_%d", s.i)
	}
	b, _ := json.Marshal(custom)
	return &export.Analysis{
		UserSentiment:      ptr(export.KnownSentiments()[s.rng.IntN(4)]),
		CallSuccessful:     ptr(s.rng.IntN(3) != 0),
		InVoicemail:        ptr(s.rng.IntN(20) == 0),
		CustomAnalysisData: b,
	}
}

// feed writes n synthetic calls into a new Stats.
func feed(t testing.TB, opts Options, n int, hostile bool) *Stats {
	t.Helper()
	st := New(opts)
	gen := newSynth(42, hostile)
	for range n {
		if err := st.Write(gen.call()); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

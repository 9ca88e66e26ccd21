package analyze

import (
	"strings"
	"testing"
)

// The registry names each figure once, over a table the lake has, and
// reads a value for it from a summary that has data for it. Whether its
// SQL computes that value is checked in DuckDB over a lake (the loader
// kit's test); this checks what can go wrong without one.
func TestMetricsRegistry(t *testing.T) {
	tables := map[string]bool{"calls": true, "utterances": true, "events": true, "cost_items": true, "custom_analysis": true, "latency": true}
	g := &samplesSummary(t).Overall
	seen := map[string]bool{}
	for _, m := range Metrics() {
		if seen[m.Name] || !tables[m.Rows] || m.SQL == "" || m.Of == nil || m.Digits < -1 {
			t.Errorf("%s: duplicate, unknown table %q, or no SQL, reader or digits", m.Name, m.Rows)
		}
		seen[m.Name] = true
		if strings.Count(m.SQL, "(") != strings.Count(m.SQL, ")") {
			t.Errorf("%s: unbalanced SQL %s", m.Name, m.SQL)
		}
	}
	// The figures this registry added: each has a value on the samples,
	// which have word timing and latency of every kind shown.
	for _, name := range []string{"e2e_ms_p50", "asr_ms_p90", "llm_ms_count", "tts_ms_max", "timed_calls", "agent_talk_s",
		"user_talk_s", "talk_ratio", "user_interruptions", "agent_interruptions", "user_interruptions_per_call",
		"agent_interruptions_per_call", "longest_silence_s_p50", "longest_silence_s_max", "response_gap_s_p90", "response_gap_s_count"} {
		m, ok := metric(name)
		if !ok {
			t.Errorf("no metric %s", name)
			continue
		}
		if v, ok := m.Of(g)[""]; !ok || (v == 0 && !strings.Contains(name, "agent_interruptions")) {
			t.Errorf("%s reads %v (%v) from the samples' summary", name, v, ok)
		}
	}
	check(t, "response gap p50", mustOf(t, "response_gap_s_p50", g), *g.Conversation.ResponseGapS.P50)
	check(t, "asr p99", mustOf(t, "asr_ms_p99", g), *g.Latency.ASR.P99)
	check(t, "talk ratio", mustOf(t, "talk_ratio", g), *g.Conversation.TalkRatio)
}

func metric(name string) (Metric, bool) {
	for _, m := range Metrics() {
		if m.Name == name {
			return m, true
		}
	}
	return Metric{}, false
}

func mustOf(t *testing.T, name string, g *Group) float64 {
	t.Helper()
	m, ok := metric(name)
	if !ok {
		t.Fatalf("no metric %s", name)
	}
	return m.Of(g)[""]
}

package analyze

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/retell-export/retell-export/export"
)

// call builds a test call from options; the zero call is an ended web call
// of agent "a1" without start, cost or analysis.
func call(opts ...func(*export.Call)) *export.Call {
	c := &export.Call{CallID: "call_x", CallType: export.CallTypeWeb, AgentID: "a1", CallStatus: export.StatusEnded}
	for _, o := range opts {
		o(c)
	}
	return c
}

func status(s string) func(*export.Call) { return func(c *export.Call) { c.CallStatus = s } }
func reason(r string) func(*export.Call) { return func(c *export.Call) { c.DisconnectionReason = r } }
func agent(id, name string) func(*export.Call) {
	return func(c *export.Call) { c.AgentID, c.AgentName = id, name }
}
func phone(dir string) func(*export.Call) {
	return func(c *export.Call) { c.CallType, c.Direction = export.CallTypePhone, dir }
}

// at sets the start (RFC 3339) and a duration in seconds (negative: none).
func at(start string, seconds float64) func(*export.Call) {
	return func(c *export.Call) {
		t, err := time.Parse(time.RFC3339, start)
		if err != nil {
			panic(err)
		}
		ms := t.UnixMilli()
		c.StartTimestamp = &ms
		if seconds >= 0 {
			d := int64(seconds * 1000)
			c.DurationMs = &d
		}
	}
}

// cost sets combined_cost in cents and product lines name, cents, name, cents...
func cost(cents float64, products ...any) func(*export.Call) {
	return func(c *export.Call) {
		c.CallCost = &export.CallCost{CombinedCost: &cents}
		for i := 0; i+1 < len(products); i += 2 {
			v := products[i+1].(float64)
			c.CallCost.ProductCosts = append(c.CallCost.ProductCosts, export.ProductCost{Product: products[i].(string), Cost: &v})
		}
	}
}

// analysis sets call_analysis; sentiment "" and nil pointers leave fields out.
func analysis(sentiment string, successful, voicemail *bool, custom string) func(*export.Call) {
	return func(c *export.Call) {
		a := &export.Analysis{CallSuccessful: successful, InVoicemail: voicemail}
		if sentiment != "" {
			a.UserSentiment = &sentiment
		}
		if custom != "" {
			a.CustomAnalysisData = json.RawMessage(custom)
		}
		c.CallAnalysis = a
	}
}

func latency(e2e, llm, tts []float64) func(*export.Call) {
	return func(c *export.Call) {
		c.Latency = &export.Latency{}
		if e2e != nil {
			c.Latency.E2E = &export.LatencyStats{Values: e2e}
		}
		if llm != nil {
			c.Latency.LLM = &export.LatencyStats{Values: llm}
		}
		if tts != nil {
			c.Latency.TTS = &export.LatencyStats{Values: tts}
		}
	}
}

// items sets transcript_with_tool_calls from JSON.
func items(js string) func(*export.Call) {
	return func(c *export.Call) {
		if err := json.Unmarshal([]byte(js), &c.TranscriptWithToolCalls); err != nil {
			panic(err)
		}
	}
}

var (
	yes = ptr(true)
	no  = ptr(false)
)

// summarize runs calls through a Stats and returns the Summary.
func summarize(t testing.TB, opts Options, calls ...*export.Call) *Summary {
	t.Helper()
	s := New(opts)
	for _, c := range calls {
		if err := s.Write(c); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return s.Summary()
}

func jsonOf(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

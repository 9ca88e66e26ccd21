package export

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

const webCall = `{
  "call_id": "call_8b7a6c5d4e3f2a1b0c9d8e7f6a5",
  "call_type": "web_call",
  "access_token": "eyJhbGciOiJIUzI1NiJ9.SECRET.SECRET",
  "agent_id": "agent_0f1e",
  "agent_version": 0,
  "call_status": "ended",
  "x_future": {"nested": [1, 2.50, "a\u00e9<&>"]},
  "start_timestamp": 1780003600000,
  "end_timestamp": 1780003652300,
  "disconnection_reason": "error_quantum_flux",
  "transcript_with_tool_calls": [
    {"role": "agent", "content": "Hi", "words": [{"word": "Hi", "start": 0.4, "end": 0.55}]},
    {"role": "tool_call_invocation", "tool_call_id": "t1", "name": "lookup", "arguments": "{\"a\":1}", "time_sec": 5.4},
    {"role": "agent_thought", "content": "hmm", "confidence": 0.9}
  ],
  "call_cost": {"product_costs": [{"product": "voice_engine", "unitPrice": 0.0833, "cost": 7.87}], "combined_cost": 7.87, "total_one_time_price": 1},
  "call_analysis": {"user_sentiment": "Ecstatic"}
}`

func TestDecodeCall(t *testing.T) {
	c, err := DecodeCall([]byte(webCall))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(c.Raw, []byte("access_token")) || bytes.Contains(c.Raw, []byte("SECRET")) {
		t.Errorf("access_token leaked into Raw: %s", c.Raw)
	}
	if !bytes.Contains(c.Raw, []byte(`"x_future":{"nested":[1,2.50,"a\u00e9<&>"]}`)) {
		t.Errorf("unknown field not kept byte for byte: %s", c.Raw)
	}
	if c.Version() == nil || *c.Version() != 0 {
		t.Errorf("agent_version 0 lost: %v", c.Version())
	}
	if got := ReasonCategory(c.DisconnectionReason); got != CategoryUnknown {
		t.Errorf("category of unseen reason = %q", got)
	}
	if s, ok := c.Sentiment(); !ok || s != "Ecstatic" {
		t.Errorf("sentiment = %q %v", s, ok)
	}
	if p := c.CallCost.ProductCosts[0].Price(); p == nil || *p != 0.0833 {
		t.Errorf("legacy unitPrice not decoded")
	}
	ev := c.Events()
	if len(ev) != 2 || ev[1].Item.Role != "agent_thought" || !strings.Contains(string(ev[1].Item.Raw), "confidence") {
		t.Errorf("unknown role not kept: %+v", ev)
	}
	us := c.Utterances()
	if len(us) != 1 || us[0].Content != "Hi" || len(us[0].Words) != 1 {
		t.Errorf("utterances from tool-call transcript = %+v", us)
	}
	if !json.Valid(c.Raw) {
		t.Errorf("Raw is not valid JSON")
	}
}

func TestDecodeCallErrors(t *testing.T) {
	for _, tc := range []struct{ name, body, want string }{
		{"empty", ``, "unexpected EOF"},
		{"null", `null`, "not a JSON object"},
		{"array", `[]`, "not a JSON object"},
		{"truncated", `{"call_id": "call_1", "transcript": "Agent: hel`, "unexpected EOF"},
		{"trailing", `{"call_id": "call_1"} {}`, "trailing data"},
		{"no id", `{"call_type": "web_call"}`, "missing call_id"},
		{"html error page", `<html>502 Bad Gateway</html>`, "invalid character"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeCall([]byte(tc.body))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("DecodeCall(%q) error = %v, want %q", tc.body, err, tc.want)
			}
		})
	}
}

func TestDecodeCallTypeMismatchKeepsCall(t *testing.T) {
	body := `{"call_id":"call_1","agent_version":"7","call_status":"ended","duration_ms":1000,
	  "transcript_with_tool_calls":[{"role":"dtmf","digit":5}]}`
	c, err := DecodeCall([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if c.DurationMs == nil || *c.DurationMs != 1000 {
		t.Errorf("fields after the mismatch were lost")
	}
	if len(c.Warnings) != 2 {
		t.Errorf("warnings = %q, want 2", c.Warnings)
	}
}

func FuzzDecodeCall(f *testing.F) {
	f.Add([]byte(webCall))
	f.Add([]byte(`{"call_id":"x","transcript":"Agent: a\nUser: b\n"}`))
	f.Add([]byte(`{"call_id":"x","transcript_object":[{"role":"user","words":[{"start":1}]}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := DecodeCall(b)
		if err != nil {
			return
		}
		if !json.Valid(c.Raw) {
			t.Fatalf("Raw not valid JSON: %q", c.Raw)
		}
		if bytes.Contains(c.Raw, []byte(`"access_token"`)) && !bytes.Contains(b, []byte(`\"access_token\"`)) {
			// a nested value may legitimately contain the text; a top-level key must not
			var top map[string]json.RawMessage
			if json.Unmarshal(c.Raw, &top) == nil {
				if _, ok := top["access_token"]; ok {
					t.Fatalf("access_token kept at top level")
				}
			}
		}
		c.Utterances()
		c.Events()
		c.Settled()
		c.Duration()
		for _, u := range c.Utterances() {
			u.Bounds()
		}
		again, err := DecodeCall(c.Raw)
		if err != nil || !bytes.Equal(again.Raw, c.Raw) {
			t.Fatalf("Raw does not decode to itself: %v", err)
		}
	})
}

// A key spelled with escapes is the same key: it must be dropped too, on
// whichever path scrubObject takes.
func TestDecodeCallEscapedSecretKey(t *testing.T) {
	for _, body := range []string{
		`{"call_id":"call_1","access\u005ftoken":"SECRET"}`,
		`{"call_id":"call_1","\u0061ccess_token":"SECRET","x":1}`,
		`{"call_id": "call_1", "access_token": "SECRET"}`,
	} {
		c, err := DecodeCall([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(c.Raw, []byte("SECRET")) {
			t.Errorf("%s: secret kept: %s", body, c.Raw)
		}
	}
}

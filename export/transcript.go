package export

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"

	gojson "github.com/goccy/go-json"
)

// Transcript item roles (transcript_with_tool_calls). The set grows; an
// unknown role is kept with its raw JSON, never dropped.
const (
	RoleAgent              = "agent"
	RoleUser               = "user"
	RoleTransferTarget     = "transfer_target"
	RoleToolCallInvocation = "tool_call_invocation"
	RoleToolCallResult     = "tool_call_result"
	RoleNodeTransition     = "node_transition"
	RoleDTMF               = "dtmf"
	RoleSMS                = "sms"
	RoleInjected           = "injected"
)

// IsSpeechRole reports whether role is a spoken turn (agent, user or the
// transfer target) rather than an event.
func IsSpeechRole(role string) bool {
	return role == RoleAgent || role == RoleUser || role == RoleTransferTarget
}

// IsKnownItemRole reports whether role is one of the documented item roles.
func IsKnownItemRole(role string) bool {
	switch role {
	case RoleAgent, RoleUser, RoleTransferTarget, RoleToolCallInvocation, RoleToolCallResult,
		RoleNodeTransition, RoleDTMF, RoleSMS, RoleInjected:
		return true
	}
	return false
}

// TranscriptItem is one element of transcript_with_tool_calls: a union keyed
// on Role holding the fields of every kind. Speech items keep their words as
// raw JSON (decoded on demand by SpeechWords) because they duplicate
// transcript_object and would double the memory of a long call.
type TranscriptItem struct {
	Role    string          `json:"role"`
	Content *string         `json:"content,omitempty"`
	Words   json.RawMessage `json:"words,omitempty"`

	// tool_call_invocation / tool_call_result
	ToolCallID       string `json:"tool_call_id,omitempty"`
	Name             string `json:"name,omitempty"`
	Arguments        string `json:"arguments,omitempty"` // a JSON document inside a string
	ThoughtSignature string `json:"thought_signature,omitempty"`
	Type             string `json:"type,omitempty"` // undocumented, seen as "function"
	Successful       *bool  `json:"successful,omitempty"`

	// node_transition
	FormerNodeID   string `json:"former_node_id,omitempty"`
	FormerNodeName string `json:"former_node_name,omitempty"`
	NewNodeID      string `json:"new_node_id,omitempty"`
	NewNodeName    string `json:"new_node_name,omitempty"`
	TransitionType string `json:"transition_type,omitempty"`

	// dtmf
	Digit string `json:"digit,omitempty"`

	// sms / injected; undocumented but observed on tool, node and dtmf items.
	TimeSec    *float64     `json:"time_sec,omitempty"`
	Multimedia []Multimedia `json:"multimedia,omitempty"`

	// Raw is the item's original JSON, kept only for roles this version does
	// not know (or items with a field of an unexpected type), so exporters
	// can still show what Retell sent.
	Raw json.RawMessage `json:"-"`

	warning string // a type mismatch inside the item, collected by DecodeCall
}

// Multimedia is an attachment of an sms item.
type Multimedia struct {
	URL     string `json:"url"`
	Summary string `json:"summary,omitempty"`
}

// UnmarshalJSON decodes the union and keeps the raw bytes of unknown roles.
func (t *TranscriptItem) UnmarshalJSON(b []byte) error {
	type plain TranscriptItem // no methods: avoids recursion
	var p plain
	err := gojson.Unmarshal(b, &p)
	var te *gojson.UnmarshalTypeError
	if err != nil && !errors.As(err, &te) {
		return err
	}
	*t = TranscriptItem(p)
	// A type error here must not abort the whole call (encoding/json stops
	// at the first error an Unmarshaler returns), so it is kept as a warning.
	if te != nil {
		t.warning = typeWarning(te)
	}
	if te != nil || !IsKnownItemRole(t.Role) {
		t.Raw = compactCopy(b)
	}
	return nil
}

// SpeechWords decodes the words of a speech item. Malformed words yield nil.
func (t *TranscriptItem) SpeechWords() []Word {
	if len(t.Words) == 0 {
		return nil
	}
	var ws []Word
	if gojson.Unmarshal(t.Words, &ws) != nil {
		return nil
	}
	return ws
}

// Text returns the item's content, or "" when it has none.
func (t *TranscriptItem) Text() string {
	if t.Content == nil {
		return ""
	}
	return *t.Content
}

// Utterances returns the call's spoken turns, from the best source present:
// transcript_object, else the speech items of transcript_with_tool_calls,
// else the plain transcript split into "Role: text" lines (without timing).
func (c *Call) Utterances() []Utterance {
	if len(c.TranscriptObject) > 0 {
		return c.TranscriptObject
	}
	var us []Utterance
	for i := range c.TranscriptWithToolCalls {
		it := &c.TranscriptWithToolCalls[i]
		if IsSpeechRole(it.Role) {
			us = append(us, Utterance{Role: it.Role, Content: it.Text(), Words: it.SpeechWords()})
		}
	}
	if len(us) > 0 || c.Transcript == nil {
		return us
	}
	return parsePlainTranscript(*c.Transcript)
}

// parsePlainTranscript splits Retell's "Agent: ...\nUser: ...\n" text. A
// line without a known speaker prefix continues the previous turn, because
// spoken content itself may contain newlines.
func parsePlainTranscript(s string) []Utterance {
	var us []Utterance
	for _, line := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		role, text, ok := splitSpeaker(line)
		switch {
		case ok:
			us = append(us, Utterance{Role: role, Content: text})
		case len(us) > 0:
			us[len(us)-1].Content += "\n" + line
		case line != "":
			us = append(us, Utterance{Role: "unknown", Content: line})
		}
	}
	return us
}

func splitSpeaker(line string) (role, text string, ok bool) {
	for _, p := range [...]struct{ prefix, role string }{
		{"Agent: ", RoleAgent}, {"User: ", RoleUser}, {"Transfer Target: ", RoleTransferTarget},
	} {
		if rest, found := strings.CutPrefix(line, p.prefix); found {
			return p.role, rest, true
		}
	}
	return "", "", false
}

// Events returns the non-speech items of transcript_with_tool_calls (tool
// invocations and results, node transitions, dtmf, sms, injected context and
// unknown kinds) with their position in the original list.
func (c *Call) Events() []Event {
	var es []Event
	for i := range c.TranscriptWithToolCalls {
		if it := &c.TranscriptWithToolCalls[i]; !IsSpeechRole(it.Role) {
			es = append(es, Event{Seq: i, Item: it})
		}
	}
	return es
}

// Event is a non-speech transcript item and its index in
// transcript_with_tool_calls.
type Event struct {
	Seq  int
	Item *TranscriptItem
}

func compactCopy(b []byte) json.RawMessage {
	var buf bytes.Buffer
	if json.Compact(&buf, b) != nil {
		return append(json.RawMessage(nil), b...)
	}
	return buf.Bytes()
}

package main

import (
	"math"
	"math/rand/v2"
	"strings"
	"unicode/utf8"
)

// A script is what happens during a call, in order. render turns it into the
// three transcript representations with plausible word timings.
type step struct {
	kind stepKind
	role string // speech: agent, user, transfer_target
	text string

	pause    float64 // extra silence before the step (hold music, thinking)
	bargeIn  bool    // starts while the previous speaker is still talking
	noWords  bool    // Retell sometimes returns "words": [] for a turn
	zeroWord int     // 1-based index of a word whose start == end

	// tool call: an invocation and (unless noResult) its result
	tool     string
	args     string // a JSON document, sent as a string like Retell does
	result   string
	ok       okFlag
	fnType   bool   // undocumented "type": "function" on the invocation
	thought  string // Gemini thought_signature
	noResult bool

	// node transition
	from, fromName, to, toName, ttype string

	digit string // dtmf
	media []*obj // sms multimedia
	raw   *obj   // an item with a role nobody documented, copied verbatim
}

type stepKind int

const (
	kSay stepKind = iota
	kTool
	kNode
	kDTMF
	kSMS
	kInjected
	kRaw
)

// okFlag is tool_call_result.successful: added in 2026-02, so it may be absent.
type okFlag int

const (
	okTrue okFlag = iota
	okFalse
	okAbsent
)

func ag(text string) step { return step{kind: kSay, role: "agent", text: text} }
func us(text string) step { return step{kind: kSay, role: "user", text: text} }
func tt(text string) step { return step{kind: kSay, role: "transfer_target", text: text} }

func barge(s step) step              { s.bargeIn = true; return s }
func wordless(s step) step           { s.noWords = true; return s }
func zeroAt(i int, s step) step      { s.zeroWord = i; return s }
func after(sec float64, s step) step { s.pause = sec; return s }

func tool(name, args, result string, ok okFlag) step {
	return step{kind: kTool, tool: name, args: args, result: result, ok: ok}
}

func node(from, fromName, to, toName, ttype string) step {
	return step{kind: kNode, from: from, fromName: fromName, to: to, toName: toName, ttype: ttype}
}

func dtmf(d string) step                  { return step{kind: kDTMF, digit: d} }
func sms(text string, media ...*obj) step { return step{kind: kSMS, text: text, media: media} }
func injected(text string) step           { return step{kind: kInjected, text: text} }
func rawItem(m *obj) step                 { return step{kind: kRaw, raw: m} }

// word is one timed word. A struct keeps the key order word, start, end.
type word struct {
	Word  string  `json:"word"`
	Start float64 `json:"start"`
	End   float64 `json:"end"`
}

// conversation is a rendered script.
type conversation struct {
	transcript string
	utterances []*obj // transcript_object
	items      []*obj // transcript_with_tool_calls
	last       float64
	words      int

	// counts that drive latency samples and token usage
	responses  int // agent turns that answer something
	userTurns  int
	tools      []toolUse
	kbLookups  int
	speechSecs float64
}

type toolUse struct {
	id, name  string
	latencyMS int
	ok        okFlag
}

type renderOpts struct {
	maxSec    float64 // stop the audio here (max_duration_reached)
	noTimeSec bool    // older calls lack the undocumented time_sec on events
	kb        bool    // agent consults a knowledge base before answering
}

var speakerLabel = map[string]string{
	"agent": "Agent", "user": "User", "transfer_target": "Transfer Target",
}

// render lays the script out on a timeline. Times are seconds from the start
// of the call audio, rounded to milliseconds, like Retell's word timings.
func render(r *rand.Rand, steps []step, opt renderOpts) *conversation {
	c := &conversation{}
	var sb strings.Builder
	t := 0.2 + r.Float64()*0.6 // cursor: when the line last went quiet
	prevRole := ""
	var prevWords []word
	toolN := 0
	for _, s := range steps {
		t += s.pause
		if opt.maxSec > 0 && t >= opt.maxSec-1 {
			break
		}
		switch s.kind {
		case kSay:
			start := t + gap(r, prevRole, s.role)
			if s.bargeIn && len(prevWords) > 0 {
				// Overlap the tail of the previous turn, but never start
				// before it did.
				first, last := prevWords[0], prevWords[len(prevWords)-1]
				start = math.Max(first.Start+0.4, last.End-0.5-r.Float64()*0.8)
			}
			ws, content, truncated := timeWords(r, s, start, opt.maxSec)
			if len(ws) == 0 {
				if truncated {
					c.last, c.transcript = t, sb.String()
					return c
				}
				break
			}
			end := start
			if len(ws) > 0 {
				end = ws[len(ws)-1].End
			}
			if s.noWords {
				ws = []word{}
			}
			utt := o("role", s.role, "content", content, "words", ws)
			c.utterances = append(c.utterances, utt)
			c.items = append(c.items, utt)
			sb.WriteString(speakerLabel[s.role] + ": " + content + "\n")
			if s.role == "agent" && prevRole != "agent" && prevRole != "" {
				c.responses++
			}
			if s.role == "user" {
				c.userTurns++
			}
			c.words += strings.Count(content, " ") + 1
			c.speechSecs += end - start
			t = math.Max(t, end)
			prevRole, prevWords = s.role, ws
			if truncated {
				c.last = t
				c.transcript = sb.String()
				return c
			}
		case kTool:
			toolN++
			id := "tool_call_" + hexString(r, 12)
			inv := o("role", "tool_call_invocation", "tool_call_id", id, "name", s.tool, "arguments", s.args)
			if s.fnType {
				inv.set("type", "function")
			}
			if s.thought != "" {
				inv.set("thought_signature", s.thought)
			}
			at := round3(t + 0.05 + r.Float64()*0.3)
			c.addEvent(inv, at, opt)
			if opt.kb {
				c.kbLookups++
			}
			lat := 0.25 + r.Float64()*1.6
			if s.noResult {
				c.tools = append(c.tools, toolUse{id, s.tool, 0, okAbsent})
				t = at
				break
			}
			res := o("role", "tool_call_result", "tool_call_id", id, "content", s.result)
			switch s.ok {
			case okTrue:
				res.set("successful", true)
			case okFalse:
				res.set("successful", false)
			}
			done := round3(at + lat)
			c.addEvent(res, done, opt)
			c.tools = append(c.tools, toolUse{id, s.tool, int(lat * 1000), s.ok})
			t = done
		case kNode:
			it := o("role", "node_transition", "former_node_id", s.from, "former_node_name", s.fromName,
				"new_node_id", s.to, "new_node_name", s.toName)
			if s.ttype != "" {
				it.set("transition_type", s.ttype)
			}
			at := round3(t + 0.02 + r.Float64()*0.2)
			c.addEvent(it, at, opt)
			t = at
		case kDTMF:
			at := round3(t + 0.4 + r.Float64()*0.8)
			c.addEvent(o("role", "dtmf", "digit", s.digit), at, opt)
			t = at
		case kSMS, kInjected:
			role := "sms"
			if s.kind == kInjected {
				role = "injected"
			}
			at := round3(t + 0.3 + r.Float64()*2)
			it := o("role", role, "content", s.text, "time_sec", at)
			if len(s.media) > 0 {
				it.set("multimedia", s.media)
			}
			// time_sec is documented (required) on sms and injected items,
			// so it is kept even on calls that otherwise lack it.
			c.items = append(c.items, it)
			t = at
		case kRaw:
			c.items = append(c.items, s.raw)
		}
	}
	c.last = t
	c.transcript = sb.String()
	return c
}

// addEvent appends a non-speech item with the undocumented time_sec.
func (c *conversation) addEvent(it *obj, at float64, opt renderOpts) {
	if !opt.noTimeSec {
		it.set("time_sec", at)
	}
	c.items = append(c.items, it)
}

// gap is the silence before a turn: longer when the speaker changes.
func gap(r *rand.Rand, prev, role string) float64 {
	switch {
	case prev == "":
		return 0.3 + r.Float64()*0.5
	case prev == role:
		return 0.25 + r.Float64()*0.5
	default:
		return 0.45 + r.Float64()*1.1
	}
}

// timeWords gives each whitespace-separated token a duration proportional
// to its length. If maxSec cuts the turn short, the content is cut to the
// words actually spoken.
func timeWords(r *rand.Rand, s step, start, maxSec float64) (ws []word, content string, truncated bool) {
	toks := strings.Fields(s.text)
	cur := start
	for i, tok := range toks {
		d := (0.09 + 0.045*math.Min(float64(utf8.RuneCountInString(tok)), 14)) * (0.85 + 0.3*r.Float64())
		if s.zeroWord == i+1 {
			d = 0 // a filler or a token the aligner could not place
		}
		w := word{Word: tok, Start: round3(cur), End: round3(cur + d)}
		if maxSec > 0 && w.End > maxSec {
			return ws, strings.Join(toks[:i], " "), true
		}
		ws = append(ws, w)
		cur += d + r.Float64()*0.07
	}
	return ws, s.text, false
}

func round3(f float64) float64 { return math.Round(f*1000) / 1000 }

package export

import (
	"encoding/binary"
	"math"
	"reflect"
	"testing"
)

// none marks a missing word bound in w.
var none = math.NaN()

// w is a word from start to end; none leaves the bound out.
func w(start, end float64) Word {
	word := Word{Word: "x"}
	if !math.IsNaN(start) {
		word.Start = &start
	}
	if !math.IsNaN(end) {
		word.End = &end
	}
	return word
}

func turn(role string, words ...Word) Utterance {
	return Utterance{Role: role, Content: "...", Words: words}
}

func agentTurn(words ...Word) Utterance { return turn(RoleAgent, words...) }
func userTurn(words ...Word) Utterance  { return turn(RoleUser, words...) }

func f(v float64) *float64 { return &v }

// Every figure below is computed by hand in the comments.
func TestConversationOf(t *testing.T) {
	tests := []struct {
		name string
		us   []Utterance
		want Conversation
	}{
		{"no utterances", nil, Conversation{}},
		{"plain transcript: no words", []Utterance{agentTurn(), userTurn()}, Conversation{}},
		{
			// The ended phone call of the API notes (retell-api.md 6.1).
			// agent: [0.62,0.81]+[0.81,1.2] touch -> [0.62,1.2] 0.58, [4.9,5.6] 0.7,
			//        [9.1,9.45] 0.35, [11.2,11.8] 0.6 = 2.23
			// user:  [6.4,6.55] 0.15 + [7.5,7.9] 0.4 = 0.55; ratio 2.23/2.78 = 0.80216
			// silences 3.7 (1.2-4.9), 0.8, 0.95, 1.2, 1.75; span 11.8-0.62 = 11.18
			// the second agent turn answers the user: 9.1 - 7.9 = 1.2
			"alternating turns",
			[]Utterance{
				agentTurn(w(0.62, 0.81), w(0.81, 1.2), w(4.9, 5.6)),
				userTurn(w(6.4, 6.55), w(7.5, 7.9)),
				agentTurn(w(9.1, 9.45), w(11.2, 11.8)),
			},
			Conversation{Timed: true, SpanS: 11.18, AgentTalkS: 2.23, UserTalkS: 0.55, TalkRatio: f(0.8022),
				LongestSilenceS: 3.7, Gaps: []ResponseGap{{2, 1.2}}, GapP50S: f(1.2), GapP90S: f(1.2)},
		},
		{
			// agent [0,3] then [3.2,4]; user [2.5,3.5] and [5,5.5].
			// The user's turn starts at 2.5 inside the agent's [0,3]: a user
			// interruption. The agent's next turn starts at 3.2 inside the
			// user's [2.5,3.5]: a barge-in, answering 0.3 s before the user
			// finished. Overlap [2.5,3] + [3.2,3.5] = 0.8. Talk 3.8 and 1.5,
			// ratio 3.8/5.3 = 0.71698. Speech [0,4] and [5,5.5]: silence 1.
			"interruptions both ways",
			[]Utterance{
				agentTurn(w(0, 1), w(1, 2), w(2, 3)),
				userTurn(w(2.5, 3.5)),
				agentTurn(w(3.2, 4)),
				userTurn(w(5, 5.5)),
			},
			Conversation{Timed: true, SpanS: 5.5, AgentTalkS: 3.8, UserTalkS: 1.5, OverlapS: 0.8, TalkRatio: f(0.717),
				UserInterruptions: 1, AgentInterruptions: 1, LongestSilenceS: 1,
				Gaps: []ResponseGap{{2, -0.3}}, GapP50S: f(-0.3), GapP90S: f(-0.3)},
		},
		{
			// Agent words [0,2] and [1,3] overlap, and the next agent turn
			// [2.5,4] overlaps them: the agent's union is [0,4], 4 s, not
			// 2+2+1.5. That turn starts inside the agent's own speech:
			// no interruption (only the other side interrupts). The user
			// starts exactly as the agent stops (4): a handover, and the
			// user's turn follows an agent turn: no gap. The agent answers
			// at 5, exactly when the user stops: gap 0, no interruption.
			// Speech [0,6] without a break: silence 0. Ratio 5/6.
			"overlapping words and turns of one role, handovers",
			[]Utterance{
				agentTurn(w(0, 2), w(1, 3)),
				agentTurn(w(2.5, 4)),
				userTurn(w(4, 5)),
				agentTurn(w(5, 6)),
			},
			Conversation{Timed: true, SpanS: 6, AgentTalkS: 5, UserTalkS: 1, TalkRatio: f(0.8333),
				Gaps: []ResponseGap{{3, 0}}, GapP50S: f(0), GapP90S: f(0)},
		},
		{
			// Two user turns, then the agent: the gap runs from the last
			// user turn's end, 2.8 - 2.0 = 0.8. The agent turn after the
			// transfer target answers nobody. The transfer target's speech
			// [3.5,4.5] is no one's talk time but breaks the silence from
			// 3 to 5: gaps 0.5, 0.8, 0.5, 0.5, longest 0.8 (2 without it).
			// Talk: agent 0.2 + 1 = 1.2, user 1 + 0.5 = 1.5, ratio 0.44444.
			"consecutive user turns and a transfer target",
			[]Utterance{
				userTurn(w(0, 1)),
				userTurn(w(1.5, 2)),
				agentTurn(w(2.8, 3)),
				turn(RoleTransferTarget, w(3.5, 4.5)),
				agentTurn(w(5, 6)),
			},
			Conversation{Timed: true, SpanS: 6, AgentTalkS: 1.2, UserTalkS: 1.5, TalkRatio: f(0.4444),
				LongestSilenceS: 0.8, Gaps: []ResponseGap{{2, 0.8}}, GapP50S: f(0.8), GapP90S: f(0.8)},
		},
		{
			// The first agent turn's usable words are [1,1] (a point) and
			// [1.2,1.5]: a missing start, a missing end, an end before its
			// start and a NaN are ignored. Agent talk 0 + 0.3 + 1 + 1 = 2.3.
			// The user's one-point word at 3.5 is timed: the agent answers
			// it 0.5 s later, and it splits the silence from 3 to 4. The
			// untimed user turn gives the last agent turn no gap. Speech
			// [1,1] [1.2,1.5] [2,3] [3.5,3.5] [4,5] [6,7]: longest silence
			// 1 (5 to 6), span 6. Ratio 2.3/3.3 = 0.69697.
			"untimed words, a point word, an untimed turn",
			[]Utterance{
				agentTurn(w(none, 1), w(0.5, none), w(3, 2), Word{Start: f(math.NaN()), End: f(0.7)}, w(1, 1), w(1.2, 1.5)),
				userTurn(w(2, 3)),
				userTurn(w(3.5, 3.5)),
				agentTurn(w(4, 5)),
				userTurn(),
				agentTurn(w(6, 7)),
			},
			Conversation{Timed: true, SpanS: 6, AgentTalkS: 2.3, UserTalkS: 1, TalkRatio: f(0.697),
				LongestSilenceS: 1, Gaps: []ResponseGap{{3, 0.5}}, GapP50S: f(0.5), GapP90S: f(0.5)},
		},
		{
			// Only points: timed, but no one spoke for any time, so there is
			// no ratio. The user's point at 1 is not strictly inside the
			// agent's point at 1: no interruption.
			"only points",
			[]Utterance{agentTurn(w(1, 1)), userTurn(w(1, 1)), userTurn(w(2, 2))},
			Conversation{Timed: true, SpanS: 1, LongestSilenceS: 1},
		},
		{
			// Gaps 0.5, 1, 2, 0.2; sorted 0.2 0.5 1 2: p50 at rank 1.5 is
			// 0.75, p90 at rank 2.7 is 1 + 0.7 = 1.7. Talk: agent
			// 0.5+1+1+0.8 = 3.3, user 4, ratio 3.3/7.3 = 0.45205; silences
			// 0.5, 1, 1, 1, 2, 1, 0.2: the longest is 2.
			"several gaps",
			[]Utterance{
				userTurn(w(0, 1)), agentTurn(w(1.5, 2)),
				userTurn(w(3, 4)), agentTurn(w(5, 6)),
				userTurn(w(7, 8)), agentTurn(w(10, 11)),
				userTurn(w(12, 13)), agentTurn(w(13.2, 14)),
			},
			Conversation{Timed: true, SpanS: 14, AgentTalkS: 3.3, UserTalkS: 4, TalkRatio: f(0.4521),
				LongestSilenceS: 2, Gaps: []ResponseGap{{1, 0.5}, {3, 1}, {5, 2}, {7, 0.2}}, GapP50S: f(0.75), GapP90S: f(1.7)},
		},
		{
			// Microsecond arithmetic, millisecond output: the agent's
			// words last 1.5 and 0.5 ms: 2 ms together, where rounding
			// each (0.002 + 0.001, halves away from zero) would say 3; the
			// user's 0.4 ms is reported 0; the span 200.5 ms is 0.201; the
			// silences 98.5 and 99.6 ms are 0.099 and 0.1, which is also
			// the gap. Ratio 0.002/0.002.
			"rounding to the millisecond",
			[]Utterance{agentTurn(w(0.1, 0.1015)), userTurn(w(0.2, 0.2004)), agentTurn(w(0.3, 0.3005))},
			Conversation{Timed: true, SpanS: 0.201, AgentTalkS: 0.002, UserTalkS: 0, TalkRatio: f(1),
				LongestSilenceS: 0.1, Gaps: []ResponseGap{{2, 0.1}}, GapP50S: f(0.1), GapP90S: f(0.1)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ConversationOf(tt.us)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("\n got %+v\nwant %+v", show(got), show(tt.want))
			}
		})
	}
}

// show spells out the pointers of c for a failure message.
func show(c Conversation) map[string]any {
	deref := func(p *float64) any {
		if p == nil {
			return nil
		}
		return *p
	}
	return map[string]any{"timed": c.Timed, "span": c.SpanS, "agent": c.AgentTalkS, "user": c.UserTalkS,
		"overlap": c.OverlapS, "ratio": deref(c.TalkRatio), "user_int": c.UserInterruptions,
		"agent_int": c.AgentInterruptions, "silence": c.LongestSilenceS, "gaps": c.Gaps,
		"p50": deref(c.GapP50S), "p90": deref(c.GapP90S)}
}

// The method decodes the utterances it measures: transcript_object here.
func TestCallConversation(t *testing.T) {
	c := &Call{TranscriptObject: []Utterance{userTurn(w(0, 1)), agentTurn(w(1.25, 2))}}
	if got := c.Conversation(); got.UserTalkS != 1 || got.AgentTalkS != 0.75 || len(got.Gaps) != 1 || got.Gaps[0].S != 0.25 {
		t.Errorf("got %+v", show(got))
	}
}

// FuzzConversation builds transcripts from arbitrary bytes (roles, turn
// breaks, missing, reversed, huge and NaN bounds) and checks that the
// figures keep their invariants.
func FuzzConversation(f *testing.F) {
	f.Add([]byte{0, 0, 10, 20, 1, 0, 15, 30, 0x80, 0, 40, 5})
	f.Add([]byte{2, 0, 0, 0, 0x41, 1, 0, 0xff, 0x22, 0xff, 0xff, 0x81})
	f.Add([]byte{0x10, 0, 1, 0, 0x21, 0, 1, 0, 0x30, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		us := fuzzUtterances(data)
		c := ConversationOf(us)
		checkConversation(t, us, c)
	})
}

// fuzzUtterances reads 4 bytes per word: flags (bits 0-1 role, bit 2 new
// turn, bit 3 no start, bit 4 no end, bit 5 NaN end, bit 6 huge start),
// a 16-bit start in centiseconds and a signed length in centiseconds.
func fuzzUtterances(data []byte) []Utterance {
	roles := []string{RoleAgent, RoleUser, RoleTransferTarget, "unknown"}
	var us []Utterance
	for ; len(data) >= 4; data = data[4:] {
		flags := data[0]
		start := float64(binary.BigEndian.Uint16(data[1:3])) / 100
		end := start + float64(int8(data[3]))/100
		if flags&64 != 0 {
			start = start * 1e10
		}
		word := w(start, end)
		switch {
		case flags&8 != 0:
			word.Start = nil
		case flags&16 != 0:
			word.End = nil
		case flags&32 != 0:
			word.End = f(math.NaN())
		}
		role := roles[flags&3]
		if len(us) == 0 || flags&4 != 0 || us[len(us)-1].Role != role {
			us = append(us, turn(role))
		}
		last := &us[len(us)-1]
		last.Words = append(last.Words, word)
	}
	return us
}

func checkConversation(t *testing.T, us []Utterance, c Conversation) {
	t.Helper()
	const ms = 0.0015 // each of three rounded terms is off by half a millisecond at most
	if !c.Timed {
		if !reflect.DeepEqual(c, Conversation{}) {
			t.Fatalf("untimed call with figures: %+v", show(c))
		}
		return
	}
	for name, v := range map[string]float64{"span": c.SpanS, "agent": c.AgentTalkS, "user": c.UserTalkS,
		"overlap": c.OverlapS, "silence": c.LongestSilenceS} {
		if math.IsNaN(v) || v < 0 || v > c.SpanS {
			t.Errorf("%s = %v, want within [0, span %v]", name, v, c.SpanS)
		}
	}
	if c.OverlapS > min(c.AgentTalkS, c.UserTalkS) || c.AgentTalkS+c.UserTalkS-c.OverlapS > c.SpanS+ms {
		t.Errorf("overlap %v with talk %v and %v in a span of %v", c.OverlapS, c.AgentTalkS, c.UserTalkS, c.SpanS)
	}
	if c.LongestSilenceS+max(c.AgentTalkS, c.UserTalkS) > c.SpanS+ms {
		t.Errorf("silence %v beside talk %v and %v in a span of %v", c.LongestSilenceS, c.AgentTalkS, c.UserTalkS, c.SpanS)
	}
	if r := c.TalkRatio; (r == nil) != (c.AgentTalkS+c.UserTalkS == 0) || r != nil && (*r < 0 || *r > 1) {
		t.Errorf("ratio %v with talk %v and %v", show(c)["ratio"], c.AgentTalkS, c.UserTalkS)
	}
	if c.UserInterruptions+c.AgentInterruptions > len(us) || len(c.Gaps) > len(us)/2+1 {
		t.Errorf("%d+%d interruptions, %d gaps in %d turns", c.UserInterruptions, c.AgentInterruptions, len(c.Gaps), len(us))
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, g := range c.Gaps {
		if us[g.Turn].Role != RoleAgent || us[g.Turn-1].Role != RoleUser || math.Abs(g.S) > c.SpanS {
			t.Errorf("gap %+v: turn %q after %q, span %v", g, us[g.Turn].Role, us[g.Turn-1].Role, c.SpanS)
		}
		lo, hi = min(lo, g.S), max(hi, g.S)
	}
	if (c.GapP50S == nil) != (len(c.Gaps) == 0) || (c.GapP90S == nil) != (len(c.Gaps) == 0) {
		t.Fatalf("percentiles %v %v for %d gaps", c.GapP50S, c.GapP90S, len(c.Gaps))
	}
	if len(c.Gaps) > 0 && !(lo <= *c.GapP50S && *c.GapP50S <= *c.GapP90S && *c.GapP90S <= hi) {
		t.Errorf("p50 %v p90 %v outside gaps [%v, %v]", *c.GapP50S, *c.GapP90S, lo, hi)
	}
}

package export

import (
	"math"
	"slices"

	"github.com/retell-export/retell-export/export/timing"
)

// Conversation is how the agent and the user shared one call, measured
// from the word timings of its utterances. Like Measures it is defined
// once, here: the calls and utterances tables store it and the summary
// (package analyze) aggregates it, so the lake and summary.json show the
// same figures. docs/metrics.md ("Conversation") states every rule; in
// short:
//
//   - a word is timed when it has both start and end, both plausible, and
//     end >= start; other words are ignored (a word with start == end is a
//     point: it takes no time but someone spoke there);
//   - a role's talk is the union of its words' intervals, so overlapping
//     words or turns of one role count once;
//   - transfer_target turns are speech (they fill silences and the span)
//     but neither agent nor user: no talk time, no interruptions, and an
//     agent turn after one answers nobody;
//   - seconds are computed in whole microseconds, exactly, and reported
//     rounded to the millisecond, the precision of Retell's word times.
type Conversation struct {
	// Timed: at least one word of the call is timed. Without it every
	// figure is unknown: the tables store NULL and the summary leaves the
	// call out.
	Timed bool
	// SpanS runs from the first timed word's start to the last timed
	// word's end, over every speech role.
	SpanS float64
	// AgentTalkS and UserTalkS are the length of the union of the role's
	// timed words; OverlapS the time both speak at once.
	AgentTalkS, UserTalkS, OverlapS float64
	// TalkRatio is AgentTalkS / (AgentTalkS + UserTalkS), rounded to 4
	// decimals; nil when neither spoke for any time.
	TalkRatio *float64
	// UserInterruptions counts user turns whose first timed word starts
	// while the agent is speaking: strictly inside the union of the
	// agent's words. AgentInterruptions (barge-ins) is the reverse.
	UserInterruptions, AgentInterruptions int
	// LongestSilenceS is the longest time between SpanS's ends in which no
	// timed word of any speech role is being spoken; 0 when speech is
	// continuous.
	LongestSilenceS float64
	// Gaps has one entry per agent turn that answers a user turn, in turn
	// order (see ResponseGap).
	Gaps []ResponseGap
	// GapP50S and GapP90S are the call's response gap percentiles
	// (QuantileCont over Gaps' seconds), rounded to the millisecond; nil
	// without gaps.
	GapP50S, GapP90S *float64
}

// ResponseGap is how long the agent took to answer: for an agent turn
// whose immediately preceding utterance is a user turn, both timed, the
// agent's first word start minus the user's last word end. Negative when
// the agent started before the user had finished.
type ResponseGap struct {
	Turn int     // index of the agent turn in Call.Utterances()
	S    float64 // seconds, rounded to the millisecond
}

// Conversation returns the conversation figures of c's utterances.
func (c *Call) Conversation() Conversation { return ConversationOf(c.Utterances()) }

// turnSpan is a turn's first timed start and last timed end.
type turnSpan struct {
	timing.Span
	ok bool
}

// ConversationOf computes the figures of utterances us (as Call.Utterances
// returns them: callers that already hold them avoid decoding twice).
func ConversationOf(us []Utterance) Conversation {
	agent, user, all := spanBuffers(us)
	turns := make([]turnSpan, len(us))
	for i, u := range us {
		for _, w := range u.Words {
			s, ok := timed(w)
			if !ok {
				continue
			}
			t := &turns[i]
			if !t.ok {
				t.Span, t.ok = s, true
			}
			t.Start, t.End = min(t.Start, s.Start), max(t.End, s.End)
			all = append(all, s)
			switch u.Role {
			case RoleAgent:
				agent = append(agent, s)
			case RoleUser:
				user = append(user, s)
			}
		}
	}
	if len(all) == 0 {
		return Conversation{}
	}
	agent, user, all = timing.Union(agent), timing.Union(user), timing.Union(all)
	a, u := timing.Length(agent), timing.Length(user)
	c := Conversation{
		Timed:           true,
		SpanS:           timing.Seconds(all[len(all)-1].End - all[0].Start),
		AgentTalkS:      timing.Seconds(a),
		UserTalkS:       timing.Seconds(u),
		OverlapS:        timing.Seconds(timing.Overlap(agent, user)),
		LongestSilenceS: timing.Seconds(timing.LongestGap(all)),
	}
	if c.AgentTalkS+c.UserTalkS > 0 {
		c.TalkRatio = ptrTo(math.Round(c.AgentTalkS/(c.AgentTalkS+c.UserTalkS)*1e4) / 1e4)
	}
	for i, t := range turns {
		switch {
		case !t.ok:
		case us[i].Role == RoleUser && timing.Inside(agent, t.Start):
			c.UserInterruptions++
		case us[i].Role == RoleAgent && timing.Inside(user, t.Start):
			c.AgentInterruptions++
		}
	}
	c.Gaps = responseGaps(us, turns)
	c.GapP50S, c.GapP90S = gapPercentiles(c.Gaps)
	return c
}

// spanBuffers returns empty slices, cut from one allocation, with room for
// every word of the agent, of the user and of anyone, so that collecting
// them does not grow three slices word by word.
func spanBuffers(us []Utterance) (agent, user, all []timing.Span) {
	var na, nu, n int
	for _, u := range us {
		n += len(u.Words)
		switch u.Role {
		case RoleAgent:
			na += len(u.Words)
		case RoleUser:
			nu += len(u.Words)
		}
	}
	if n == 0 {
		return nil, nil, nil
	}
	buf := make([]timing.Span, 0, n+na+nu)
	return buf[n : n : n+na], buf[n+na : n+na : n+na+nu], buf[:0:n]
}

// timed returns a word's interval, or false when the word has no usable
// timing: a bound missing, not plausible, or an end before the start.
func timed(w Word) (timing.Span, bool) {
	if w.Start == nil || w.End == nil || !Plausible(*w.Start) || !Plausible(*w.End) || *w.End < *w.Start {
		return timing.Span{}, false
	}
	return timing.Span{Start: timing.Micros(*w.Start), End: timing.Micros(*w.End)}, true
}

// responseGaps lists the gap of every timed agent turn right after a
// timed user turn. Of consecutive user turns the last one is answered;
// an untimed turn or any other role in between means no gap.
func responseGaps(us []Utterance, turns []turnSpan) []ResponseGap {
	var gs []ResponseGap
	for i := 1; i < len(us); i++ {
		if us[i].Role == RoleAgent && us[i-1].Role == RoleUser && turns[i].ok && turns[i-1].ok {
			gs = append(gs, ResponseGap{Turn: i, S: timing.Seconds(turns[i].Start - turns[i-1].End)})
		}
	}
	return gs
}

// gapPercentiles are p50 and p90 of the gaps' seconds (the values the
// utterances table stores), rounded to the millisecond.
func gapPercentiles(gs []ResponseGap) (p50, p90 *float64) {
	if len(gs) == 0 {
		return nil, nil
	}
	v := make([]float64, len(gs))
	for i, g := range gs {
		v[i] = g.S
	}
	slices.Sort(v)
	r := func(p float64) *float64 { return ptrTo(math.Round(timing.QuantileCont(v, p)*1e3) / 1e3) }
	return r(0.5), r(0.9)
}

func ptrTo[T any](v T) *T { return &v }

package export

import (
	"cmp"
	"math"
	"slices"
	"sort"
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

// span is a time interval in whole microseconds: integers, so that sums
// and differences are exact and the invariants (talk <= span, silence >=
// 0) hold without float rounding.
type span struct{ start, end int64 }

// turnSpan is a turn's first timed start and last timed end.
type turnSpan struct {
	span
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
				t.span, t.ok = s, true
			}
			t.start, t.end = min(t.start, s.start), max(t.end, s.end)
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
	agent, user, all = union(agent), union(user), union(all)
	a, u := length(agent), length(user)
	c := Conversation{
		Timed:           true,
		SpanS:           seconds(all[len(all)-1].end - all[0].start),
		AgentTalkS:      seconds(a),
		UserTalkS:       seconds(u),
		OverlapS:        seconds(overlap(agent, user)),
		LongestSilenceS: seconds(longestGap(all)),
	}
	if c.AgentTalkS+c.UserTalkS > 0 {
		c.TalkRatio = ptrTo(math.Round(c.AgentTalkS/(c.AgentTalkS+c.UserTalkS)*1e4) / 1e4)
	}
	for i, t := range turns {
		switch {
		case !t.ok:
		case us[i].Role == RoleUser && inside(agent, t.start):
			c.UserInterruptions++
		case us[i].Role == RoleAgent && inside(user, t.start):
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
func spanBuffers(us []Utterance) (agent, user, all []span) {
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
	buf := make([]span, 0, n+na+nu)
	return buf[n : n : n+na], buf[n+na : n+na : n+na+nu], buf[:0:n]
}

// timed returns a word's interval, or false when the word has no usable
// timing: a bound missing, not plausible, or an end before the start.
func timed(w Word) (span, bool) {
	if w.Start == nil || w.End == nil || !Plausible(*w.Start) || !Plausible(*w.End) || *w.End < *w.Start {
		return span{}, false
	}
	return span{micros(*w.Start), micros(*w.End)}, true
}

// micros converts seconds to whole microseconds; |s| <= MaxMagnitude
// keeps the result (and any difference of two) within int64.
func micros(s float64) int64 { return int64(math.Round(s * 1e6)) }

// seconds converts microseconds to seconds rounded to the millisecond,
// halves away from zero (as math.Round), in integers so that equal
// durations give equal floats.
func seconds(us int64) float64 {
	ms, r := us/1000, us%1000
	switch {
	case r >= 500:
		ms++
	case r <= -500:
		ms--
	}
	return float64(ms) / 1000
}

// union sorts spans and merges those that overlap or touch, in place:
// the result is sorted and disjoint, with gaps of positive length.
func union(ss []span) []span {
	if len(ss) == 0 {
		return ss
	}
	slices.SortFunc(ss, func(a, b span) int { return cmp.Or(cmp.Compare(a.start, b.start), cmp.Compare(a.end, b.end)) })
	out := ss[:1]
	for _, s := range ss[1:] {
		last := &out[len(out)-1]
		if s.start <= last.end {
			last.end = max(last.end, s.end)
			continue
		}
		out = append(out, s)
	}
	return out
}

func length(ss []span) int64 {
	var n int64
	for _, s := range ss {
		n += s.end - s.start
	}
	return n
}

// overlap is the length of the intersection of two unions.
func overlap(a, b []span) int64 {
	var n int64
	for i, j := 0, 0; i < len(a) && j < len(b); {
		lo, hi := max(a[i].start, b[j].start), min(a[i].end, b[j].end)
		if hi > lo {
			n += hi - lo
		}
		if a[i].end < b[j].end {
			i++
		} else {
			j++
		}
	}
	return n
}

// longestGap is the longest time between consecutive spans of a union.
func longestGap(ss []span) int64 {
	var g int64
	for i := 1; i < len(ss); i++ {
		g = max(g, ss[i].start-ss[i-1].end)
	}
	return g
}

// inside reports whether t lies strictly inside one of the union's spans:
// a word starting exactly when the other side's word ends (a handover) or
// starts (both at once) interrupts nobody.
func inside(ss []span, t int64) bool {
	k := sort.Search(len(ss), func(k int) bool { return ss[k].start >= t })
	return k > 0 && t < ss[k-1].end
}

// responseGaps lists the gap of every timed agent turn right after a
// timed user turn. Of consecutive user turns the last one is answered;
// an untimed turn or any other role in between means no gap.
func responseGaps(us []Utterance, turns []turnSpan) []ResponseGap {
	var gs []ResponseGap
	for i := 1; i < len(us); i++ {
		if us[i].Role == RoleAgent && us[i-1].Role == RoleUser && turns[i].ok && turns[i-1].ok {
			gs = append(gs, ResponseGap{Turn: i, S: seconds(turns[i].start - turns[i-1].end)})
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
	r := func(p float64) *float64 { return ptrTo(math.Round(QuantileCont(v, p)*1e3) / 1e3) }
	return r(0.5), r(0.9)
}

func ptrTo[T any](v T) *T { return &v }

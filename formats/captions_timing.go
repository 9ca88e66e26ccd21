package formats

import (
	"cmp"
	"slices"
)

// capFillTimes gives every token a time span, in transcript order.
//
// A run of untimed tokens (a turn without words, a word without start or
// end) is placed after the previous token, at the pace of normal speech;
// when the next timed token leaves less room than that, the run is squeezed
// into the room there is, and when there is no room at all (the neighbours
// overlap) it keeps its natural pace and overlaps. A run before the first
// timed token ends where that token starts. Nothing is placed past end, the
// end of the call: a run that does not fit is squeezed into the room left
// (down to nothing). The caller has checked that at least one token is
// timed.
//
// Then each speaker's tokens are made monotonic: one person cannot say two
// things at once, so a word that starts before the same speaker's previous
// word (bad data) is moved forward to it. Turns of different speakers keep
// their real, possibly overlapping, times.
func capFillTimes(toks []capToken, turns []capTurn, end int64) {
	for i := 0; i < len(toks); {
		if toks[i].start != capUnknown {
			i++
			continue
		}
		j := i
		for j < len(toks) && toks[j].start == capUnknown {
			j++
		}
		capPlaceRun(toks, i, j, end)
		i = j
	}
	capMonotonic(toks, turns)
}

// capPlaceRun times the untimed tokens toks[i:j], within [0, end].
func capPlaceRun(toks []capToken, i, j int, end int64) {
	var natural int64
	for k := i; k < j; k++ {
		natural += capEstimate(toks[k].width)
	}
	prev, next := capUnknown, capUnknown
	if i > 0 {
		prev = toks[i-1].end
	}
	if j < len(toks) {
		next = toks[j].start
	}
	from, span := prev, natural
	switch {
	case prev == capUnknown: // before the first timed token
		from = max(0, next-natural)
		span = min(natural, next-from)
	case next != capUnknown && next > prev:
		span = min(natural, next-prev)
	}
	from = min(from, end)
	span = min(span, end-from)
	var done int64
	for k := i; k < j; k++ {
		// Each token gets a share of span proportional to its natural length.
		d := capEstimate(toks[k].width)
		toks[k].start = from + span*done/natural
		done += d
		toks[k].end = from + span*done/natural
	}
}

// capMonotonic clamps each speaker's token times so they never go backwards.
func capMonotonic(toks []capToken, turns []capTurn) {
	last := map[string]int64{} // by label: what the viewer sees as one person
	for _, t := range turns {
		floor := last[capLabel(t.role)]
		for k := t.first; k < t.last; k++ {
			tok := &toks[k]
			tok.start = max(tok.start, floor)
			tok.end = max(tok.end, tok.start)
			floor = tok.start
		}
		last[capLabel(t.role)] = floor
	}
}

// capTimeCues puts the cues of a call in time order and sets their final
// times. Overlapping speech stays overlapping: a reviewer hearing a barge-in
// should see both speakers' words while they talk at once (players show
// overlapping cues together), so cues are sorted by start (stably, so each
// speaker's words keep their order) instead of being clamped end to end.
//
// Each cue then lasts from its first word's start to its last word's end,
// cut short where the same speaker's next cue begins, and at most 7 s. A
// cue that is shorter than 5/6 s, or too short to read at 17 characters per
// second, is lengthened into the silence after it, never past the next
// cue's start: extending never creates an overlap the audio does not have.
// Every cue ends at least 1 ms after it starts, and no cue ends after end,
// the end of the call (words timed past it are bad data).
func capTimeCues(cues []capCue, end int64) {
	slices.SortStableFunc(cues, func(a, b capCue) int { return cmp.Compare(a.start, b.start) })
	nextOf := map[string]int64{} // the next cue start of each speaker
	for k := len(cues) - 1; k >= 0; k-- {
		c := &cues[k]
		c.start = min(c.start, end-1)
		stop := min(c.end, c.start+capMaxDurMs)
		who := capLabel(c.role)
		if next, ok := nextOf[who]; ok && next > c.start {
			stop = min(stop, next)
		}
		nextOf[who] = c.start
		read := (int64(c.chars)*1000 + capMaxCPS - 1) / capMaxCPS
		want := min(c.start+max(capMinDurMs, read), c.start+capMaxDurMs)
		if stop < want {
			limit := end
			if k+1 < len(cues) {
				limit = cues[k+1].start
			}
			stop = max(stop, min(want, limit))
		}
		c.end = min(max(stop, c.start+1), end)
	}
}

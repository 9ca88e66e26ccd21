package formats

import (
	"math"
	"strings"
	"unicode/utf8"
)

// Broadcast readability limits (Netflix Timed Text Style Guide, BBC
// subtitle guidelines).
const (
	capDefaultLineChars = 42
	capMaxLines         = 2
	capMaxDurMs         = 7000
	capMinDurMs         = 833 // 5/6 s
	capMaxCPS           = 17
	// capMaxPauseMs is the longest silence a cue may span: past it the
	// caption would stay on screen over a pause (a hold, say).
	capMaxPauseMs = 1500
)

// capCue is one caption: tokens [first, last) of one turn. Line 1 holds
// tokens [first, split) after the speaker label, line 2 holds [split, last);
// split == last means one line, split == first means the label stands
// alone on line 1 (a word too long to share a line with it).
type capCue struct {
	first, split, last int
	turn               int
	role               string
	start, end         int64 // ms
	chars              int   // displayed characters, label included
	lines              int
	maxLine            int // widest line, in characters
}

// capLayout is what the segmentation needs to know about the output: the
// widest line, and how wide the speaker label is on line 1 (0 when the
// format shows no label in the text).
type capLayout struct {
	maxLine int
	labelW  func(role string) int
}

// capSegment cuts every turn into cues (in transcript order). Within a turn
// it picks the cut points that minimise a cost: each cue costs something
// (fewer, fuller cues read better), a cut or line break after a sentence
// end costs least, after a clause mark a little more, between two ordinary
// words more and right after an article or preposition most. Cues that
// would break a hard limit (two lines of maxLine, 7 s, a pause of 1.5 s)
// are not considered, except that a single word is always a valid cue.
func capSegment(toks []capToken, turns []capTurn, lay capLayout, dst []capCue) []capCue {
	var seg capSegmenter
	for ti, t := range turns {
		dst = seg.turn(toks[t.first:t.last], t.first, ti, t.role, lay.labelW(t.role), lay.maxLine, dst)
	}
	return dst
}

// capSegmenter holds the scratch slices of the dynamic programme, reused
// from turn to turn.
type capSegmenter struct {
	pre  []int // pre[k]: total width of tokens before k
	cost []int
	from []int // from[j]: first token of the last cue of the best cut of [0, j)
	cut  []int // cut[j]: the split of that cue
}

const capInfinite = math.MaxInt / 4

func (s *capSegmenter) turn(toks []capToken, base, turn int, role string, labelW, maxW int, dst []capCue) []capCue {
	n := len(toks)
	s.pre = append(s.pre[:0], 0)
	for _, t := range toks {
		s.pre = append(s.pre, s.pre[len(s.pre)-1]+t.width)
	}
	s.cost = append(s.cost[:0], 0)
	s.from, s.cut = append(s.from[:0], 0), append(s.cut[:0], 0)
	for j := 1; j <= n; j++ {
		best, bi, bs := capInfinite, j-1, j
		end := toks[j-1].end
		for i := j - 1; i >= 0; i-- {
			end = max(end, toks[i].end)
			if i < j-1 && !s.spanOK(toks, i, j, end, labelW, maxW) {
				break
			}
			split, lc := s.lines(toks, i, j, labelW, maxW)
			if lc >= capInfinite || s.cost[i] >= capInfinite {
				continue
			}
			c := s.cost[i] + 10 + lc + capCutCost(toks, j, n, end-toks[i].start, i == 0)
			if i > 0 || j < n { // a short cue that is not a whole turn
				c += max(0, maxW/2-labelW-s.width(i, j)) / 3
			}
			if c < best {
				best, bi, bs = c, i, split
			}
		}
		s.cost, s.from, s.cut = append(s.cost, best), append(s.from, bi), append(s.cut, bs)
	}
	start := len(dst)
	for j := n; j > 0; j = s.from[j] {
		c := s.cue(toks, base, turn, s.from[j], s.cut[j], j, labelW)
		c.role = role
		dst = append(dst, c)
	}
	// The walk went backwards; put this turn's cues in order.
	for a, b := start, len(dst)-1; a < b; a, b = a+1, b-1 {
		dst[a], dst[b] = dst[b], dst[a]
	}
	return dst
}

// spanOK reports whether tokens [i, j) may share a cue at all: the text
// could fit two lines, the cue lasts at most 7 s and spans no long pause.
// Each condition only gets worse as i decreases, so a false ends the search.
func (s *capSegmenter) spanOK(toks []capToken, i, j int, end int64, labelW, maxW int) bool {
	return labelW+s.width(i, j) <= capMaxLines*maxW+1 &&
		end-toks[i].start <= capMaxDurMs &&
		toks[i+1].start-toks[i].end <= capMaxPauseMs
}

// width is the width of tokens [i, j) on one line, spaces included.
func (s *capSegmenter) width(i, j int) int { return s.pre[j] - s.pre[i] + j - i - 1 }

// lines chooses the line break of tokens [i, j) and returns the split and
// its cost, or capInfinite when no break fits both lines.
func (s *capSegmenter) lines(toks []capToken, i, j, labelW, maxW int) (split, cost int) {
	if labelW+s.width(i, j) <= maxW {
		return j, 0
	}
	best, bs := capInfinite, j
	for k := i + 1; k < j; k++ {
		l1, l2 := labelW+s.width(i, k), s.width(k, j)
		if l1 > maxW {
			break
		}
		if l2 > maxW {
			continue
		}
		c := capLineBreakCost(toks[k-1].brk) + capAbs(l1-l2)/8
		if c < best {
			best, bs = c, k
		}
	}
	if best < capInfinite || j-i > 1 {
		return bs, best
	}
	// A single word too wide for a line with the label: the label takes
	// line 1 alone. Without a label the word stands alone, over-long.
	if labelW > 0 {
		return i, 20
	}
	return j, 0
}

// capCutCost is the cost of ending a cue after token j-1 of a turn of n
// tokens, plus a penalty for a flash of a cue when the turn goes on.
func capCutCost(toks []capToken, j, n int, dur int64, whole bool) int {
	c := 0
	if j < n {
		c = [...]int{capBreakNone: 14, capBreakSentence: 0, capBreakClause: 4, capBreakFunction: 22}[toks[j-1].brk]
	}
	if dur < capMinDurMs && !(whole && j == n) {
		c += 6
	}
	return c
}

func capLineBreakCost(b capBreak) int {
	return [...]int{capBreakNone: 6, capBreakSentence: 0, capBreakClause: 1, capBreakFunction: 10}[b]
}

func (s *capSegmenter) cue(toks []capToken, base, turn, i, split, j, labelW int) capCue {
	c := capCue{first: base + i, split: base + split, last: base + j, turn: turn, start: toks[i].start}
	for _, t := range toks[i:j] {
		c.end = max(c.end, t.end)
	}
	w := s.width(i, j)
	c.chars = labelW + w
	switch {
	case split == j:
		c.lines, c.maxLine = 1, labelW+w
	case split == i:
		c.lines, c.maxLine = 2, max(labelW, w)
	default:
		c.lines, c.maxLine = 2, max(labelW+s.width(i, split), s.width(split, j))
	}
	return c
}

func capAbs(x int) int { return max(x, -x) }

// capBreak classifies the place after a token as a break point.
type capBreak uint8

const (
	capBreakNone     capBreak = iota // between two ordinary words
	capBreakSentence                 // after . ? ! …
	capBreakClause                   // after , ; : and dashes
	capBreakFunction                 // after an article, preposition or conjunction
)

// capIsFunctionWord reports words that belong with the word after them: a
// cut right after one splits a phrase ("the | account").
func capIsFunctionWord(w string) bool {
	switch strings.ToLower(w) {
	case "a", "an", "the", "to", "of", "in", "on", "at", "for", "with", "from", "by", "and", "or",
		"but", "if", "my", "your", "our", "their", "his", "her", "its", "this", "that", "i", "we",
		"you", "is", "are":
		return true
	}
	return false
}

func capBreakAfter(text string) capBreak {
	t := strings.TrimRight(text, `"')]}»”’`)
	r, _ := utf8.DecodeLastRuneInString(t)
	switch r {
	case '.', '?', '!', '…', '。', '？', '！', '؟':
		return capBreakSentence
	case ',', ';', ':', '—', '–', '、', '，', '；', '،':
		return capBreakClause
	}
	if len(text) <= 5 && capIsFunctionWord(text) {
		return capBreakFunction
	}
	return capBreakNone
}

package formats

import (
	"math"
	"strings"
	"unicode"

	"github.com/retell-export/retell-export/export"
	"github.com/rivo/uniseg"
)

// capToken is one displayable word of a call: a whitespace-free piece of
// text with its time span in milliseconds from the start of the call audio.
type capToken struct {
	text       string
	width      int   // user-perceived characters (grapheme clusters)
	start, end int64 // ms; capUnknown until the timing pass fills them
	turn       int   // index into the turns of the call
	brk        capBreak
}

// capTurn is one spoken turn: its speaker and its tokens [first, last).
type capTurn struct {
	role        string
	first, last int
}

const (
	capUnknown = int64(-1)
	// capMaxMs is the latest time a caption may carry: 99:59:59.999, the
	// largest value SRT's two-digit hours can express. Word times beyond
	// it are treated as missing.
	capMaxMs = int64(100*3600*1000 - 1)
)

// capTranscript flattens a call's turns into tokens. A turn's words are
// used when any of them carries text (their timing is what lines captions
// up with the recording); otherwise its content, untimed. Word text is
// split at whitespace so a caption line can never break inside a token and
// never holds a newline. timed reports whether any token has a time.
func capTranscript(utts []export.Utterance) (toks []capToken, turns []capTurn, timed bool) {
	for _, u := range utts {
		t := capTurn{role: u.Role, first: len(toks)}
		turn := len(turns)
		if capHasWordText(u.Words) {
			for _, w := range u.Words {
				toks = capAppendWord(toks, w, turn)
			}
		} else {
			for _, f := range strings.Fields(capClean(u.Content)) {
				toks = append(toks, capNewToken(f, turn))
			}
		}
		t.last = len(toks)
		if t.last == t.first {
			continue // a turn with nothing to show makes no cue
		}
		turns = append(turns, t)
		for i := t.first; i < t.last; i++ {
			timed = timed || toks[i].start != capUnknown
		}
	}
	return toks, turns, timed
}

func capNewToken(text string, turn int) capToken {
	return capToken{text: text, width: capWidth(text), start: capUnknown, end: capUnknown, turn: turn, brk: capBreakAfter(text)}
}

func capHasWordText(ws []export.Word) bool {
	for _, w := range ws {
		if strings.IndexFunc(w.Word, func(r rune) bool { return !unicode.IsSpace(r) }) >= 0 {
			return true
		}
	}
	return false
}

// capAppendWord appends the tokens of one timed word. Only one of start and
// end known: the other is estimated from the word's length. A word holding
// several tokens shares its span among them evenly.
func capAppendWord(toks []capToken, w export.Word, turn int) []capToken {
	first := len(toks)
	est := int64(0)
	for _, f := range strings.Fields(capClean(w.Word)) {
		toks = append(toks, capNewToken(f, turn))
		est += capEstimate(toks[len(toks)-1].width)
	}
	s, e := capMs(w.Start), capMs(w.End)
	switch {
	case len(toks) == first:
		return toks
	case s == capUnknown && e != capUnknown:
		s = max(0, e-est)
	case s != capUnknown && e == capUnknown:
		e = min(s+est, capMaxMs)
	case e < s:
		e = s // an end before its start: trust the start
	}
	if s == capUnknown {
		return toks
	}
	n := int64(len(toks) - first)
	for i := range n {
		t := &toks[first+int(i)]
		t.start = s + (e-s)*i/n
		t.end = s + (e-s)*(i+1)/n
	}
	return toks
}

// capMs converts a word time in seconds to milliseconds. Missing, non-finite
// and absurdly late times are unknown; negative times (aligner jitter at
// the start of the audio) count as 0.
func capMs(sec *float64) int64 {
	if sec == nil || math.IsNaN(*sec) || math.IsInf(*sec, 0) {
		return capUnknown
	}
	ms := math.Round(*sec * 1000)
	switch {
	case ms < 0:
		return 0
	case ms > float64(capMaxMs):
		return capUnknown
	}
	return int64(ms)
}

// capEstimate is how long a word of width characters takes to say, for
// words whose timing is missing: about 150 words a minute for average words.
func capEstimate(width int) int64 {
	return min(150+50*int64(width), 1500)
}

// capClean makes text safe for any caption line: invalid UTF-8 and control
// characters (which no caption format can carry) become U+FFFD, whitespace
// is kept for splitting.
func capClean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if strings.IndexFunc(s, capIsBad) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if capIsBad(r) {
			return '\uFFFD'
		}
		return r
	}, s)
}

func capIsBad(r rune) bool { return unicode.IsControl(r) && !unicode.IsSpace(r) }

// capWidth is how many characters a reader sees in s (grapheme clusters).
// Printable ASCII is one character a byte, and most words are nothing
// else: they skip the segmenter, which was most of the time spent cutting
// cues.
func capWidth(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return uniseg.GraphemeClusterCount(s)
		}
	}
	return len(s)
}

// capLabel is the speaker name shown for a transcript role.
func capLabel(role string) string {
	switch role {
	case export.RoleAgent:
		return "Agent"
	case export.RoleUser:
		return "User"
	case export.RoleTransferTarget:
		return "Transfer"
	}
	return "Speaker"
}

package formats

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/retell-export/retell-export/export"
)

// genWords is the vocabulary of generated transcripts: ordinary words with
// punctuation, and everything real data and attackers bring: emoji (with
// modifiers and ZWJ sequences), combining marks, right-to-left scripts and
// marks, markup-like text, SRT/WebVTT syntax, control characters, invalid
// UTF-8, whitespace inside a "word", and words longer than any line.
var genWords = []string{
	"hello", "the", "account", "number", "is", "yes", "okay,", "sure.", "and", "we'll", "check",
	"that", "for", "you", "right?", "thanks!", "a", "to", "Friday.", "order", "A-2291", "$42.50",
	"👍🏽", "🏳️‍🌈", "👨‍👩‍👧‍👦", "e\u0301te\u0301", "שלום", "مرحبا؟", "ありがとう。", "\u200fRLM", "\u202eoverride",
	"<b>bold</b>", "&amp;", "a&b", "<v User>", "<i>", "-->", "--->", "1-->2", "--\u200b>",
	"00:00:01,000 --> 00:00:02,000", "{\\an8}", "WEBVTT", "NOTE", "1", "line\nbreak", "tab\tsep",
	"", "   ", "\x00nul", "\x1b[31m", "bad\xffutf8", "\u2028", "\r\n",
	"supercalifragilisticexpialidocious-antidisestablishmentarianism-and-then-some",
	"forty-two-characters-exactly-in-this-wordx",
}

var genRoles = []string{export.RoleAgent, export.RoleUser, export.RoleTransferTarget, "narrator"}

// genUtterances makes a random transcript of up to maxTurns turns. Most
// timings are plausible speech; a few are broken the ways real data is:
// overlapping turns (barge-in), same-speaker runs, zero-length words,
// missing start or end, negative, backwards and absurdly late times, turns
// without words, and whole calls without timing.
func genUtterances(r *rand.Rand, maxTurns, maxWords int) []export.Utterance {
	untimed := r.IntN(20) == 0
	var utts []export.Utterance
	t := r.Float64() * 2
	role := genRoles[r.IntN(2)]
	prevStart := t
	for range r.IntN(maxTurns + 1) {
		if r.IntN(10) < 6 {
			role = genRoles[r.IntN(len(genRoles))]
		}
		if r.IntN(5) == 0 { // barge-in: start before the previous turn ended
			t = prevStart + r.Float64()*(t-prevStart)
		} else {
			t += r.Float64() * 2
		}
		prevStart = t
		u := export.Utterance{Role: role}
		var content []string
		for range r.IntN(maxWords + 1) {
			w := genWord(r)
			content = append(content, w)
			d := 0.05 + r.Float64()*0.6
			start, end := t, t+d
			t = end + r.Float64()*0.2
			if r.IntN(30) == 0 {
				t += 5 + r.Float64()*60 // a hold
			}
			u.Words = append(u.Words, genTiming(r, w, start, end, untimed))
		}
		u.Content = strings.Join(content, " ")
		switch r.IntN(12) {
		case 0:
			u.Words = nil // content only
		case 1:
			u.Words, u.Content = []export.Word{}, ""
		}
		utts = append(utts, u)
	}
	return utts
}

func genWord(r *rand.Rand) string {
	if r.IntN(3) == 0 {
		return genWords[r.IntN(len(genWords))]
	}
	return genWords[r.IntN(22)] // mostly ordinary words
}

func genTiming(r *rand.Rand, w string, start, end float64, untimed bool) export.Word {
	if untimed {
		return export.Word{Word: w}
	}
	f := func(v float64) *float64 { return &v }
	switch r.IntN(40) {
	case 0:
		return export.Word{Word: w, Start: f(start), End: f(start)} // zero length
	case 1:
		return export.Word{Word: w, End: f(end)}
	case 2:
		return export.Word{Word: w, Start: f(start)}
	case 3:
		return export.Word{Word: w}
	case 4:
		return export.Word{Word: w, Start: f(-start), End: f(-start + 0.2)} // negative
	case 5:
		return export.Word{Word: w, Start: f(start - 10), End: f(end - 10)} // backwards
	case 6:
		return export.Word{Word: w, Start: f(1e7), End: f(1e7 + 1)} // absurdly late
	case 7:
		return export.Word{Word: w, Start: f(end), End: f(start)} // end before start
	case 8:
		return export.Word{Word: w, Start: f(math.Inf(1)), End: f(math.NaN())}
	}
	return export.Word{Word: w, Start: f(start), End: f(end)}
}

// genDuration makes the call's duration_ms for a transcript: mostly a
// little after the last timed word (so turns without word timing after it
// must squeeze into the end of the call), sometimes before it (bad data)
// and sometimes missing.
func genDuration(r *rand.Rand, utts []export.Utterance) *int64 {
	last := 0.0
	for _, u := range utts {
		for _, w := range u.Words {
			for _, p := range []*float64{w.Start, w.End} {
				if p != nil && *p >= 0 && *p < 1e6 { // NaN fails too
					last = max(last, *p)
				}
			}
		}
	}
	var ms int64
	switch r.IntN(8) {
	case 0:
		return nil
	case 1:
		ms = int64(last * 1000 * r.Float64())
	default:
		ms = int64((last + r.Float64()*3) * 1000)
	}
	return &ms
}

// captionVariants are the option sets every generated transcript is
// written with.
var captionVariants = []CaptionOptions{
	{SRT: true, VTT: true},
	{SRT: true, VTT: true, NoSpeakerLabels: true},
	{SRT: true, VTT: true, MaxLineChars: 16},
	{SRT: true, MaxLineChars: 80},
}

// TestCaptionProperties writes seeded random transcripts in every variant
// and checks each file against the transcript (see checkFile).
func TestCaptionProperties(t *testing.T) {
	n := 200
	if testing.Short() {
		n = 50
	}
	for seed := range n {
		r := rand.New(rand.NewPCG(uint64(seed), 7))
		utts := genUtterances(r, 12, 40)
		dur := genDuration(r, utts)
		for vi, opts := range captionVariants {
			t.Run(fmt.Sprintf("seed%d/v%d", seed, vi), func(t *testing.T) { checkCall(t, utts, dur, opts) })
		}
	}
}

// FuzzCaptions builds a transcript from arbitrary text and timing bytes:
// text is split into turns at '|' and into words at '~' (so words may hold
// any other byte, spaces and newlines included); each word takes two
// little-endian int16 from timing, in centiseconds, as start and end
// deltas, with -32768 meaning "missing".
func FuzzCaptions(f *testing.F) {
	f.Add("Hello there.~How~are~you?|Fine,~thanks!", []byte{10, 0, 30, 0, 5, 0, 20, 0}, uint8(42), false)
	f.Add("a~<b>~&~-->|b~👍🏽~שלום|c", []byte{0, 0, 0, 0, 0, 0x80, 0, 0x80, 255, 255}, uint8(16), true)
	f.Add("|||", []byte{}, uint8(0), false)
	f.Add("x~"+strings.Repeat("y", 100)+"~z", []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, uint8(10), false)
	f.Fuzz(func(t *testing.T, text string, timing []byte, maxLine uint8, noLabels bool) {
		opts := CaptionOptions{SRT: true, VTT: true, NoSpeakerLabels: noLabels, MaxLineChars: min(100, max(10, int(maxLine)))}
		checkInMemory(t, fuzzUtterances(text, timing), opts)
	})
}

// checkInMemory is checkCall without files, for the fuzzer's speed.
func checkInMemory(t *testing.T, utts []export.Utterance, opts CaptionOptions) {
	srt, vtt := renderCaptions(utts, opts)
	for _, f := range []struct {
		ext, data string
		parse     func([]byte, bool) ([]parsedCue, error)
	}{{"srt", srt, parseSRT}, {"vtt", vtt, parseVTT}} {
		var readErr error
		if f.data == "" {
			readErr = os.ErrNotExist
		}
		if err := checkFile([]byte(f.data), readErr, f.ext, utts, capMaxMs, f.parse, opts); err != nil {
			t.Errorf("%s: %v\ninput: %s\noutput:\n%s", f.ext, err, describeUtts(utts), f.data)
		}
	}
}

func fuzzUtterances(text string, timing []byte) []export.Utterance {
	next := func() *float64 {
		if len(timing) < 2 {
			return nil
		}
		v := int16(binary.LittleEndian.Uint16(timing))
		timing = timing[2:]
		if v == math.MinInt16 {
			return nil
		}
		f := float64(v) / 100
		return &f
	}
	var utts []export.Utterance
	t := 0.0
	for i, turn := range strings.Split(text, "|") {
		u := export.Utterance{Role: genRoles[i%len(genRoles)], Content: strings.ReplaceAll(turn, "~", " ")}
		for _, w := range strings.Split(turn, "~") {
			word := export.Word{Word: w}
			if d := next(); d != nil {
				s := t + *d
				word.Start = &s
				t = s
			}
			if d := next(); d != nil {
				e := t + *d
				word.End = &e
			}
			u.Words = append(u.Words, word)
		}
		utts = append(utts, u)
	}
	return utts
}

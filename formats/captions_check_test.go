package formats

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/retell-export/retell-export/export"
	"github.com/rivo/uniseg"
)

// This file checks caption files against the transcript they came from,
// using only the strict parsers and the documented rules, not the writer's
// internals: the properties every output must have whatever the input.

// expectedWords returns the words a call's captions must show, per visible
// speaker, in transcript order, and whether any word is timed (a call with
// no timing gets no file). A turn shows its words when any has text, else
// its content; words are whitespace-separated and cleaned of what no
// caption format carries (invalid UTF-8, control characters).
func expectedWords(utts []export.Utterance, labels bool) (bySpeaker map[string][]string, n int, timed bool) {
	bySpeaker = map[string][]string{}
	for _, u := range utts {
		who := ""
		if labels {
			who = capLabel(u.Role)
		}
		var words []string
		for _, w := range u.Words {
			fs := strings.Fields(checkClean(w.Word))
			words = append(words, fs...)
			timed = timed || len(fs) > 0 && (checkTimeOK(w.Start) || checkTimeOK(w.End))
		}
		if len(words) == 0 {
			words = strings.Fields(checkClean(u.Content))
		}
		for _, w := range words {
			bySpeaker[who] = append(bySpeaker[who], w)
		}
		n += len(words)
	}
	return bySpeaker, n, timed
}

func checkClean(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && !unicode.IsSpace(r) {
			return '\uFFFD'
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}

// checkTimeOK: a time the captions can use (100 h is SRT's limit).
func checkTimeOK(p *float64) bool {
	return p != nil && !math.IsNaN(*p) && !math.IsInf(*p, 0) && *p*1000 <= 100*3600*1000-1
}

// checkEnd is the time no cue of c may pass, in ms: the call's duration
// when known, else SRT's limit of 100 h.
func checkEnd(c *export.Call) int64 {
	const maxMs = 100*3600*1000 - 1
	if d, ok := c.Duration(); ok && d >= time.Millisecond {
		return min(d.Milliseconds(), maxMs)
	}
	return maxMs
}

// checkCall writes one call (duration durMs, nil for unknown) with opts
// into a fresh directory and checks every file the writer produced (or did
// not produce).
func checkCall(t *testing.T, utts []export.Utterance, durMs *int64, opts CaptionOptions) {
	t.Helper()
	dir := t.TempDir()
	w, err := NewCaptions(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	c := &export.Call{CallID: "call_check", TranscriptObject: utts, DurationMs: durMs}
	if err := w.Write(c); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		on    bool
		ext   string
		parse func([]byte, bool) ([]parsedCue, error)
	}{{opts.SRT, "srt", parseSRT}, {opts.VTT, "vtt", parseVTT}} {
		if !f.on {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, f.ext, "call_check."+f.ext))
		if err := checkFile(data, err, f.ext, utts, checkEnd(c), f.parse, opts); err != nil {
			t.Errorf("%s: %v\ninput: %s\noutput:\n%s", f.ext, err, describeUtts(utts), data)
		}
	}
}

// checkFile checks one caption file (or its absence, readErr) against utts
// of a call that ends at end ms.
func checkFile(data []byte, readErr error, ext string, utts []export.Utterance, end int64,
	parse func([]byte, bool) ([]parsedCue, error), opts CaptionOptions) error {
	labels := !opts.NoSpeakerLabels
	want, n, timed := expectedWords(utts, labels)
	if n == 0 || !timed {
		if !errors.Is(readErr, os.ErrNotExist) {
			return fmt.Errorf("want no file for a call without timed words, got %v", readErr)
		}
		return nil
	}
	if readErr != nil {
		return readErr
	}
	cues, err := parse(data, labels)
	if err != nil {
		return fmt.Errorf("parse: %w", err)
	}
	if err := checkCueTimes(cues, end); err != nil {
		return err
	}
	if ext == "srt" { // see srtRestore
		for _, ws := range want {
			for i, w := range ws {
				ws[i] = srtRestore(w)
			}
		}
	}
	got := map[string][]string{}
	for _, c := range cues {
		for _, l := range c.lines {
			got[c.voice] = append(got[c.voice], strings.Fields(l)...)
		}
	}
	if !labels {
		// Without labels the speakers cannot be told apart, and overlapping
		// turns interleave by time: only the multiset of words is defined.
		slices.Sort(got[""])
		slices.Sort(want[""])
	}
	for who, ws := range want {
		if !slices.Equal(got[who], ws) {
			return fmt.Errorf("speaker %q: words\n got %q\nwant %q", who, got[who], ws)
		}
	}
	if len(got) != len(want) {
		return fmt.Errorf("speakers %v, want %v", mapKeys(got), mapKeys(want))
	}
	maxLine := opts.MaxLineChars
	if maxLine == 0 {
		maxLine = 42
	}
	return checkReadability(cues, labels, maxLine, end)
}

// checkCueTimes: indices count from 1, every cue ends after it starts and
// no later than the call, and no cue starts before the one above it.
func checkCueTimes(cues []parsedCue, end int64) error {
	for i, c := range cues {
		switch {
		case c.index != i+1:
			return fmt.Errorf("cue %d has index %d", i+1, c.index)
		case c.start >= c.end:
			return fmt.Errorf("cue %d: start %d >= end %d", i+1, c.start, c.end)
		case c.end > end:
			return fmt.Errorf("cue %d ends at %d ms, after the call (%d ms)", i+1, c.end, end)
		case i > 0 && c.start < cues[i-1].start:
			return fmt.Errorf("cue %d starts at %d, before cue %d at %d", i+1, c.start, i, cues[i-1].start)
		}
	}
	return nil
}

// checkReadability checks the broadcast limits where the input allows
// them: a line over maxLine holds a single word; a cue has 1-2 lines and
// lasts at most 7 s; a cue shorter than 5/6 s or read faster than 17
// characters a second lasts until the next cue starts or the call ends
// (there was no more silence to give it) or 7 s. With labels, line 1 shows
// the speaker label ("Agent: ") in both formats.
func checkReadability(cues []parsedCue, labels bool, maxLine int, end int64) error {
	for i, c := range cues {
		chars, lines := 0, len(c.lines)
		if c.labelAlone {
			chars, lines = len(c.voice)+1, lines+1
		}
		if lines < 1 || lines > 2 {
			return fmt.Errorf("cue %d has %d lines", i+1, lines)
		}
		for j, l := range c.lines {
			shown := l
			if j == 0 && labels && !c.labelAlone {
				shown = strings.TrimSuffix(c.voice+": "+l, " ")
			}
			w := uniseg.GraphemeClusterCount(shown)
			chars += w
			if w > maxLine && len(strings.Fields(shown)) != 1 {
				return fmt.Errorf("cue %d line %q is %d characters and not a single word", i+1, shown, w)
			}
		}
		dur := c.end - c.start
		reachesNext := i+1 < len(cues) && c.end >= cues[i+1].start || c.end >= end
		switch {
		case dur > 7000:
			return fmt.Errorf("cue %d lasts %d ms", i+1, dur)
		case dur < 833 && !reachesNext:
			return fmt.Errorf("cue %d lasts %d ms though the next cue leaves room", i+1, dur)
		case int64(chars)*1000 > 17*dur && dur < 7000 && !reachesNext:
			return fmt.Errorf("cue %d: %d characters in %d ms though the next cue leaves room", i+1, chars, dur)
		}
	}
	return nil
}

func mapKeys(m map[string][]string) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func describeUtts(utts []export.Utterance) string {
	var sb strings.Builder
	for _, u := range utts {
		fmt.Fprintf(&sb, "\n  %s %q:", u.Role, u.Content)
		for _, w := range u.Words {
			fmt.Fprintf(&sb, " %q[%s,%s]", w.Word, fmtTime(w.Start), fmtTime(w.End))
		}
	}
	return sb.String()
}

func fmtTime(p *float64) string {
	if p == nil {
		return "-"
	}
	return fmt.Sprint(*p)
}

package formats

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A parsedCue is one cue read back by the strict parsers below, which
// accept only what the SubRip and WebVTT specifications allow and what the
// writers promise (LF line ends, one blank line between cues, 1-2 lines).
type parsedCue struct {
	index      int
	start, end int64 // ms
	voice      string
	labelAlone bool     // SRT: the label stands alone on line 1
	lines      []string // text lines: labels, escapes and markup removed
}

var (
	srtTiming = regexp.MustCompile(`^(\d\d):([0-5]\d):([0-5]\d),(\d{3}) --> (\d\d):([0-5]\d):([0-5]\d),(\d{3})$`)
	vttTiming = regexp.MustCompile(`^(\d{2,}):([0-5]\d):([0-5]\d)\.(\d{3}) --> (\d{2,}):([0-5]\d):([0-5]\d)\.(\d{3})$`)
)

// parseSRT parses a SubRip file strictly. With labels, line 1 must begin
// with "Role: " (or be "Role:" alone) and the role is returned as voice.
func parseSRT(data []byte, labels bool) ([]parsedCue, error) {
	blocks, err := splitBlocks(data)
	if err != nil {
		return nil, err
	}
	var cues []parsedCue
	for n, b := range blocks {
		if len(b) < 3 {
			return nil, fmt.Errorf("cue %d: %d lines, want index, timing and text", n+1, len(b))
		}
		idx, err := strconv.Atoi(b[0])
		if err != nil || b[0] != strconv.Itoa(idx) {
			return nil, fmt.Errorf("cue %d: bad index line %q", n+1, b[0])
		}
		c := parsedCue{index: idx}
		if c.start, c.end, err = parseTiming(srtTiming, b[1]); err != nil {
			return nil, fmt.Errorf("cue %d: %w", n+1, err)
		}
		text := b[2:]
		if labels {
			if c.voice, c.labelAlone, text, err = cutLabel(text); err != nil {
				return nil, fmt.Errorf("cue %d: %w", n+1, err)
			}
		}
		for _, l := range text {
			if strings.Contains(l, "-->") || srtRawMarkup.MatchString(l) {
				return nil, fmt.Errorf("cue %d: text line %q has --> or markup", n+1, l)
			}
			c.lines = append(c.lines, srtRestore(l))
		}
		cues = append(cues, c)
	}
	return cues, nil
}

// cutLabel removes the speaker label from a cue's text lines: line 1
// begins with "Role: ", or is "Role:" alone above the text.
func cutLabel(text []string) (voice string, alone bool, rest []string, err error) {
	voice, after, ok := strings.Cut(text[0], ": ")
	if !ok && strings.HasSuffix(text[0], ":") && len(text) > 1 {
		voice, ok, alone = strings.TrimSuffix(text[0], ":"), true, true
		rest = text[1:]
	} else {
		rest = append([]string{after}, text[1:]...)
	}
	if !ok || !knownLabel(voice) {
		return "", false, nil, fmt.Errorf("line 1 %q has no speaker label", text[0])
	}
	return voice, alone, rest, nil
}

// srtRawMarkup matches a '<' or '{' that a player would read as the start
// of a tag or an override: the writer puts a zero-width space after each.
var srtRawMarkup = regexp.MustCompile("[<{]([^\u200b]|$)")

// srtRestore removes the writer's neutralising zero-width spaces (and so
// any spoken ones: tests compare both sides restored).
func srtRestore(s string) string { return strings.ReplaceAll(s, "\u200b", "") }

// parseVTT parses a WebVTT file strictly: header, identifiers, timings, and
// cue text whose only markup is a leading <v Role> span and the &amp;,
// &lt; and &gt; escapes. With labels, the span must be followed by the
// same speaker's printed label, as in SRT.
func parseVTT(data []byte, labels bool) ([]parsedCue, error) {
	rest, ok := bytes.CutPrefix(data, []byte("WEBVTT\n\n"))
	if !ok {
		return nil, fmt.Errorf("missing WEBVTT header")
	}
	blocks, err := splitBlocks(rest)
	if err != nil {
		return nil, err
	}
	var cues []parsedCue
	for n, b := range blocks {
		if len(b) < 3 {
			return nil, fmt.Errorf("cue %d: %d lines, want identifier, timing and text", n+1, len(b))
		}
		idx, err := strconv.Atoi(b[0])
		if err != nil || strings.Contains(b[0], "-->") {
			return nil, fmt.Errorf("cue %d: bad identifier %q", n+1, b[0])
		}
		c := parsedCue{index: idx}
		if c.start, c.end, err = parseTiming(vttTiming, b[1]); err != nil {
			return nil, fmt.Errorf("cue %d: %w", n+1, err)
		}
		text := b[2:]
		if labels {
			span, after, ok := strings.Cut(strings.TrimPrefix(text[0], "<v "), ">")
			if !strings.HasPrefix(text[0], "<v ") || !ok || !knownLabel(span) {
				return nil, fmt.Errorf("cue %d: line 1 %q has no voice span", n+1, text[0])
			}
			text = append([]string{after}, text[1:]...)
			if c.voice, c.labelAlone, text, err = cutLabel(text); err != nil {
				return nil, fmt.Errorf("cue %d: %w", n+1, err)
			}
			if c.voice != span {
				return nil, fmt.Errorf("cue %d: voice span %q, printed label %q", n+1, span, c.voice)
			}
		}
		for _, l := range text {
			plain, err := unescapeVTT(l)
			if err != nil {
				return nil, fmt.Errorf("cue %d: %w", n+1, err)
			}
			c.lines = append(c.lines, plain)
		}
		cues = append(cues, c)
	}
	return cues, nil
}

func unescapeVTT(l string) (string, error) {
	if strings.Contains(l, "-->") || strings.ContainsAny(l, "<>") {
		return "", fmt.Errorf("text line %q has markup or -->", l)
	}
	var sb strings.Builder
	for {
		i := strings.IndexByte(l, '&')
		if i < 0 {
			sb.WriteString(l)
			return sb.String(), nil
		}
		sb.WriteString(l[:i])
		l = l[i:]
		switch {
		case strings.HasPrefix(l, "&amp;"):
			sb.WriteByte('&')
			l = l[5:]
		case strings.HasPrefix(l, "&lt;"):
			sb.WriteByte('<')
			l = l[4:]
		case strings.HasPrefix(l, "&gt;"):
			sb.WriteByte('>')
			l = l[4:]
		default:
			return "", fmt.Errorf("unescaped & in %q", l)
		}
	}
}

func knownLabel(s string) bool {
	return s == "Agent" || s == "User" || s == "Transfer" || s == "Speaker"
}

// splitBlocks splits a body into blank-line separated blocks of non-empty
// lines. The body must be valid UTF-8 without CR or NUL and end with one
// blank line after the last block.
func splitBlocks(data []byte) ([][]string, error) {
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("invalid UTF-8")
	}
	if bytes.ContainsAny(data, "\r\x00") {
		return nil, fmt.Errorf("CR or NUL in file")
	}
	if len(data) == 0 {
		return nil, fmt.Errorf("no cues")
	}
	s, ok := strings.CutSuffix(string(data), "\n\n")
	if !ok || strings.HasSuffix(s, "\n") {
		return nil, fmt.Errorf("file does not end with exactly one blank line")
	}
	var blocks [][]string
	for _, b := range strings.Split(s, "\n\n") {
		lines := strings.Split(b, "\n")
		for _, l := range lines {
			if strings.TrimSpace(l) == "" {
				return nil, fmt.Errorf("blank or whitespace-only line inside block %q", b)
			}
		}
		blocks = append(blocks, lines)
	}
	return blocks, nil
}

func parseTiming(re *regexp.Regexp, line string) (start, end int64, err error) {
	m := re.FindStringSubmatch(line)
	if m == nil {
		return 0, 0, fmt.Errorf("bad timing line %q", line)
	}
	ms := func(p []string) int64 {
		var v [4]int64
		for i, s := range p {
			v[i], _ = strconv.ParseInt(s, 10, 64)
		}
		return ((v[0]*60+v[1])*60+v[2])*1000 + v[3]
	}
	return ms(m[1:5]), ms(m[5:9]), nil
}

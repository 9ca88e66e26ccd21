package formats

import (
	"bufio"
	"strconv"
	"strings"
)

// writeVTT writes cues as WebVTT: the header, then per cue a numeric
// identifier, a "HH:MM:SS.mmm --> HH:MM:SS.mmm" line, one or two text lines
// and a blank line. The speaker is a voice span, <v Agent>, which players
// may style or announce but do not print, so it takes no room on the line.
func writeVTT(w *bufio.Writer, toks []capToken, cues []capCue, labels bool) error {
	w.WriteString("WEBVTT\n\n")
	for n, c := range cues {
		w.WriteString(strconv.Itoa(n + 1))
		w.WriteByte('\n')
		capWriteTime(w, c.start, '.')
		w.WriteString(" --> ")
		capWriteTime(w, c.end, '.')
		w.WriteByte('\n')
		if labels {
			w.WriteString("<v ")
			w.WriteString(capLabel(c.role))
			w.WriteByte('>')
		}
		vttWriteTokens(w, toks[c.first:c.split])
		if c.split > c.first && c.split < c.last {
			w.WriteByte('\n')
		}
		vttWriteTokens(w, toks[c.split:c.last])
		w.WriteString("\n\n")
	}
	return w.Flush()
}

func vttWriteTokens(w *bufio.Writer, toks []capToken) {
	for i, t := range toks {
		if i > 0 {
			w.WriteByte(' ')
		}
		vttWriteText(w, t.text)
	}
}

// vttWriteText escapes the three characters WebVTT cue text reserves.
// Escaping '>' also keeps a literal "-->" in speech out of the cue, which
// the WebVTT syntax forbids.
func vttWriteText(w *bufio.Writer, s string) {
	for {
		i := strings.IndexAny(s, "&<>")
		if i < 0 {
			w.WriteString(s)
			return
		}
		w.WriteString(s[:i])
		switch s[i] {
		case '&':
			w.WriteString("&amp;")
		case '<':
			w.WriteString("&lt;")
		default:
			w.WriteString("&gt;")
		}
		s = s[i+1:]
	}
}

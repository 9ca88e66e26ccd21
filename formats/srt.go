package formats

import (
	"bufio"
	"strconv"
	"strings"
)

// srtLabelW is the width of an SRT speaker label ("Agent: ") on line 1.
func srtLabelW(role string) int { return len(capLabel(role)) + 2 }

// writeSRT writes cues as SubRip: a 1-based index, a "HH:MM:SS,mmm -->
// HH:MM:SS,mmm" line, one or two text lines and a blank line per cue. The
// speaker label opens line 1 ("Agent: "). Speech that looks like markup
// is neutralised by srtWriteText.
func writeSRT(w *bufio.Writer, toks []capToken, cues []capCue, labels bool) error {
	for n, c := range cues {
		w.WriteString(strconv.Itoa(n + 1))
		w.WriteByte('\n')
		capWriteTime(w, c.start, ',')
		w.WriteString(" --> ")
		capWriteTime(w, c.end, ',')
		w.WriteByte('\n')
		if labels {
			w.WriteString(capLabel(cues[n].role))
			if c.split == c.first {
				w.WriteString(":\n")
			} else {
				w.WriteString(": ")
			}
		}
		srtWriteTokens(w, toks[c.first:c.split])
		if c.split > c.first && c.split < c.last {
			w.WriteByte('\n')
		}
		srtWriteTokens(w, toks[c.split:c.last])
		w.WriteString("\n\n")
	}
	return w.Flush()
}

func srtWriteTokens(w *bufio.Writer, toks []capToken) {
	for i, t := range toks {
		if i > 0 {
			w.WriteByte(' ')
		}
		srtWriteText(w, t.text)
	}
}

// srtZWSP is the zero-width space srtWriteText inserts.
const srtZWSP = "\u200b"

// srtWriteText writes speech that SubRip readers must not take for syntax.
// SubRip has no escapes, so a zero-width space (invisible on screen) goes
// after '<' and '{', which players read as HTML tags (<i>, <font>) and ASS
// overrides ({\an8}), and inside "-->", which could make a line look like a
// timing line.
func srtWriteText(w *bufio.Writer, s string) {
	for {
		i := strings.IndexAny(s, "<{>")
		if i < 0 {
			w.WriteString(s)
			return
		}
		switch {
		case s[i] != '>':
			w.WriteString(s[:i+1])
			w.WriteString(srtZWSP)
		case i >= 2 && s[i-2:i] == "--":
			w.WriteString(s[:i])
			w.WriteString(srtZWSP)
			w.WriteByte('>')
		default:
			w.WriteString(s[:i+1])
		}
		s = s[i+1:]
	}
}

// capWriteTime writes ms as HH:MM:SS<sep>mmm (SRT uses ',', WebVTT '.').
// Times are at most capMaxMs, so hours always have two digits.
func capWriteTime(w *bufio.Writer, ms int64, sep byte) {
	var b [12]byte
	h, m, s, f := ms/3600000, ms/60000%60, ms/1000%60, ms%1000
	b[0], b[1], b[2] = byte('0'+h/10), byte('0'+h%10), ':'
	b[3], b[4], b[5] = byte('0'+m/10), byte('0'+m%10), ':'
	b[6], b[7], b[8] = byte('0'+s/10), byte('0'+s%10), sep
	b[9], b[10], b[11] = byte('0'+f/100), byte('0'+f/10%10), byte('0'+f%10)
	w.Write(b[:])
}

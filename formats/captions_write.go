package formats

import (
	"bufio"
	"strconv"
)

// capSyntax is what differs between the caption formats. The cue layout is
// shared: an index, a "start --> end" line, then one or two text lines
// whose first opens with the speaker label ("Agent: ", or "Agent:" alone
// on line 1 before a word too wide to share it), and a blank line.
type capSyntax struct {
	header string // before the first cue
	sep    byte   // between seconds and milliseconds in a timing
	// voice opens each labelled cue with a WebVTT voice span, <v Agent>,
	// which players may style or announce; the printed label is what
	// viewers (and ffmpeg, which drops the span) see.
	voice bool
	text  func(w *bufio.Writer, s string) // writes speech escaped for the format
}

// capLabelW is the width of the speaker label ("Agent: ") on line 1.
func capLabelW(role string) int { return len(capLabel(role)) + 2 }

// write writes cues in the format, labelled unless labels is false.
func (s capSyntax) write(w *bufio.Writer, toks []capToken, cues []capCue, labels bool) error {
	w.WriteString(s.header)
	for n, c := range cues {
		w.WriteString(strconv.Itoa(n + 1))
		w.WriteByte('\n')
		capWriteTime(w, c.start, s.sep)
		w.WriteString(" --> ")
		capWriteTime(w, c.end, s.sep)
		w.WriteByte('\n')
		if labels {
			label := capLabel(c.role)
			if s.voice {
				w.WriteString("<v ")
				w.WriteString(label)
				w.WriteByte('>')
			}
			w.WriteString(label)
			if c.split == c.first {
				w.WriteString(":\n")
			} else {
				w.WriteString(": ")
			}
		}
		s.tokens(w, toks[c.first:c.split])
		if c.split > c.first && c.split < c.last {
			w.WriteByte('\n')
		}
		s.tokens(w, toks[c.split:c.last])
		w.WriteString("\n\n")
	}
	return w.Flush()
}

func (s capSyntax) tokens(w *bufio.Writer, toks []capToken) {
	for i, t := range toks {
		if i > 0 {
			w.WriteByte(' ')
		}
		s.text(w, t.text)
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

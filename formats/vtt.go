package formats

import (
	"bufio"
	"strings"
)

// vttSyntax is WebVTT: the WEBVTT header, numeric cue identifiers,
// "HH:MM:SS.mmm" times, a <v Agent> voice span before the printed label,
// and escaped speech.
var vttSyntax = capSyntax{header: "WEBVTT\n\n", sep: '.', voice: true, text: vttWriteText}

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

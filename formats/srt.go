package formats

import (
	"bufio"
	"strings"
)

// srtSyntax is SubRip: cues without a header, "HH:MM:SS,mmm" times, and
// speech that looks like markup neutralised by srtWriteText.
var srtSyntax = capSyntax{sep: ',', text: srtWriteText}

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

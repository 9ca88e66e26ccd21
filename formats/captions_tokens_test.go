package formats

import (
	"testing"

	"github.com/rivo/uniseg"
)

// capWidth's ASCII shortcut counts as the grapheme segmenter does.
func FuzzCapWidth(f *testing.F) {
	for _, s := range []string{"", "hello", "don't", "~!@#", "café", "e\u0301", "👍🏽", "🇫🇷", "a\r\nb", "\x7f", "tab\there", "日本語"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := capWidth(s), uniseg.GraphemeClusterCount(s); got != want {
			t.Errorf("capWidth(%q) = %d, want %d", s, got, want)
		}
	})
}

package formats

import (
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestLinkCellSchemes: only absolute http and https URLs become HYPERLINK
// formulas; anything else from the API stays text to copy.
func TestLinkCellSchemes(t *testing.T) {
	for url, link := range map[string]bool{
		"https://example.com/a.wav":     true,
		"http://example.com/log":        true,
		"HTTPS://EXAMPLE.COM/a.wav":     true,
		"javascript:alert(1)":           false,
		"file:///etc/passwd":            false,
		`\\server\share\x.exe`:          false,
		"//example.com/a.wav":           false,
		"/relative/a.wav":               false,
		"ftp://example.com/a.wav":       false,
		"https:///no-host":              false,
		"mailto:someone@example.com":    false,
		"data:text/html,<script>":       false,
		" https://example.com/leading":  false,
		"https://example.com/a b c.wav": true,
	} {
		v, ok := linkCell(url, "Play", 3)
		_, isFormula := v.(excelize.Cell)
		if ok != link || isFormula != link {
			t.Errorf("linkCell(%q) = %#v, %v; want a link: %v", url, v, ok, link)
		}
		if !link && v != url {
			t.Errorf("linkCell(%q) = %#v, want the text itself", url, v)
		}
	}
}

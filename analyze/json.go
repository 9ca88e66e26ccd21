package analyze

import (
	"encoding/json"
	"io"
)

// WriteJSON writes s as indented JSON (summary.json). Field names are the
// snake_case tags of the Summary types; nulls mean "not computable" (no
// data, or a zero denominator), never zero.
func WriteJSON(w io.Writer, s *Summary) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(s)
}

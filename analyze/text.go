package analyze

import (
	"io"
)

// WriteText writes s as readable tables.
func WriteText(w io.Writer, s *Summary) error {
	_, err := io.WriteString(w, "TODO\n")
	return err
}

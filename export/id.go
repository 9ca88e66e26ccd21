package export

import (
	"errors"
	"fmt"
	"strings"
)

// maxIDLen bounds an id; real ids are 32 characters.
const maxIDLen = 128

// ValidateID rejects ids that could change the request path or query: the
// id is put into /v2/get-call/{id}, so nothing a user types may reach
// another endpoint. Only letters, digits, '_', '-' and '.' are allowed.
func ValidateID(id string) error {
	switch {
	case id == "":
		return errors.New("empty call id")
	case len(id) > maxIDLen:
		return fmt.Errorf("call id longer than %d characters", maxIDLen)
	case strings.Contains(id, ".."):
		return errors.New(`call id contains ".."`)
	case id[0] == '.':
		// "." would be cleaned out of the request path (GET /v2/get-call)
		// and name a hidden file; real ids never start with a dot.
		return errors.New(`call id starts with "."`)
	}
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '-', r == '.':
			continue
		case r == ' ' || r == '\t' || r == '\u00a0':
			return errors.New("call id contains whitespace")
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			return fmt.Errorf("call id contains control character %U", r)
		}
		return fmt.Errorf("call id contains %q", r)
	}
	return nil
}

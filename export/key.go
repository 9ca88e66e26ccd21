package export

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// LoadKey returns the API key and where it came from: the file, when one
// is named, else RETELL_API_KEY. The key is never taken from a flag value,
// which every user of the machine can read in ps.
func LoadKey(file string, getenv func(string) string) (key, source string, err error) {
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return "", "", fmt.Errorf("--api-key-file: %w", err)
		}
		key = strings.TrimSpace(string(b))
		if key == "" || strings.ContainsAny(key, "\r\n\t ") {
			return "", "", fmt.Errorf("--api-key-file %s: want one key on one line", file)
		}
		return key, "--api-key-file " + file, nil
	}
	if key = strings.TrimSpace(getenv("RETELL_API_KEY")); key == "" {
		return "", "", errors.New("no API key: set RETELL_API_KEY or use --api-key-file (or try --demo)")
	}
	return key, "RETELL_API_KEY", nil
}

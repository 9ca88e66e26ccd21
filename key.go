package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
	"unicode/utf8"
)

// keyVar is the environment variable, and the name a key file may assign.
const keyVar = "RETELL_API_KEY"

// loadKey returns the API key and where it came from: the file, when one
// is named, else RETELL_API_KEY. The key is never taken from a flag value,
// which every user of the machine can read in ps.
func loadKey(file string, getenv func(string) string) (key, source string, err error) {
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return "", "", fmt.Errorf("--api-key-file: %w", err)
		}
		if key, err = ParseKeyFile(b); err != nil {
			return "", "", fmt.Errorf("--api-key-file %s: %w", file, err)
		}
		return key, "--api-key-file " + file, nil
	}
	if key = strings.TrimSpace(getenv(keyVar)); key == "" {
		return "", "", errors.New("no API key: set RETELL_API_KEY or use --api-key-file (or try --demo)")
	}
	if err := checkKey(key); err != nil {
		return "", "", fmt.Errorf("%s: %w", keyVar, err)
	}
	return key, keyVar, nil
}

// ParseKeyFile returns the key in a key file: the key alone on a line, or
// a shell or .env assignment (RETELL_API_KEY=key_..., with export and
// quotes if wanted) among other assignments and # comments. A UTF-8 BOM,
// CRLF and surrounding blanks are ignored. An error says what is wrong
// with the file and never contains the key or any other value in it.
func ParseKeyFile(b []byte) (string, error) {
	switch {
	case bytes.HasPrefix(b, []byte{0xff, 0xfe}), bytes.HasPrefix(b, []byte{0xfe, 0xff}):
		return "", errors.New("the file is UTF-16 text; save it as UTF-8 (or plain ASCII)")
	case len(bytes.TrimSpace(b)) == 0:
		return "", errors.New("the file is empty")
	}
	b = bytes.TrimPrefix(b, []byte("\ufeff"))
	var plain, assigned []string // keys alone on a line; values of RETELL_API_KEY=
	others := 0                  // other NAME=value lines
	for n, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		name = strings.TrimSpace(strings.TrimPrefix(name, "export "))
		if !ok || !isVarName(name) {
			// A key alone (which may itself end in '='), quoted or not.
			v, err := unquote(line)
			if err != nil {
				return "", fmt.Errorf("line %d: %w", n+1, err)
			}
			plain = append(plain, v)
			continue
		}
		if name != keyVar {
			others++
			continue
		}
		v, err := unquote(strings.TrimSpace(value))
		if err != nil {
			return "", fmt.Errorf("line %d (%s=): %w", n+1, keyVar, err)
		}
		if v == "" {
			return "", fmt.Errorf("line %d: %s= has no value", n+1, keyVar)
		}
		assigned = append(assigned, v)
	}
	var key string
	switch {
	case len(assigned) > 1:
		return "", fmt.Errorf("%s is set %d times; keep one", keyVar, len(assigned))
	case len(assigned) == 1:
		key = assigned[0]
	case len(plain) == 1 && others == 0:
		key = plain[0]
	case len(plain) > 1:
		return "", fmt.Errorf("want one key on one line, found %d lines", len(plain))
	case others > 0:
		return "", fmt.Errorf("no %s= line among its %d NAME=value lines", keyVar, others)
	default:
		return "", fmt.Errorf("want one key on one line, or %s=key_...", keyVar)
	}
	if err := checkKey(key); err != nil {
		return "", err
	}
	return key, nil
}

// unquote removes one pair of matching quotes, and an unquoted value's
// trailing " # comment", as shells and .env loaders do.
func unquote(v string) (string, error) {
	if v == "" {
		return "", nil
	}
	if q := v[0]; q == '"' || q == '\'' {
		end := strings.IndexByte(v[1:], q)
		if end < 0 {
			return "", fmt.Errorf("the opening %c has no closing one", q)
		}
		if rest := strings.TrimSpace(v[end+2:]); rest != "" && !strings.HasPrefix(rest, "#") {
			return "", errors.New("text follows the closing quote")
		}
		return v[1 : end+1], nil
	}
	if i := strings.Index(v, " #"); i >= 0 {
		v = strings.TrimSpace(v[:i])
	}
	return v, nil
}

// checkKey rejects what cannot be a key: HTTP would send it mangled or
// refuse it, and the server would answer only "unauthorized". The message
// gives the position, never the text.
func checkKey(key string) error {
	for i, r := range key {
		switch {
		case r == utf8.RuneError:
			return fmt.Errorf("the key has a byte that is not UTF-8 at position %d", i+1)
		case r == ' ' || r == '\t':
			return fmt.Errorf("the key has a space at position %d", i+1)
		case r < 0x20 || r == 0x7f:
			return fmt.Errorf("the key has a control character at position %d", i+1)
		case r == '"' || r == '\'':
			return fmt.Errorf("the key has a quote at position %d", i+1)
		case r > 0x7e:
			return fmt.Errorf("the key has a non-ASCII character %U at position %d (a typographic quote or dash?)", r, i+1)
		}
	}
	return nil
}

// isVarName reports whether s is an environment variable name as written
// by convention (upper case), so that a key that contains '=' is not
// taken for an assignment.
func isVarName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if !(r == '_' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

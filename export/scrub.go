package export

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	gojson "github.com/goccy/go-json"
)

// secretKey is the top-level key that never leaves the decoder: a web
// call's access_token lets anyone join the call's room.
const secretKey = "access_token"

// scrubObject returns a compacted copy of the JSON object in body without
// its top-level access_token member, every other byte kept in order.
//
// It is one scan that does not validate: whitespace outside strings is
// dropped, strings are skipped with IndexByte, kept bytes are copied in runs
// between dropped ones (a compact body in a few long copies), and only the
// top-level keys are looked at. Validity is left to the decoder,
// which reads the copy anyway. So that the copy is valid only when body is,
// the scan refuses whitespace between two scalars (removing it would merge
// "1 2" into "12"), and a dropped member must be valid on its own. It does
// report the errors only it can see: a body that is not an object, a body
// cut short, and data after the object.
func scrubObject(body []byte) ([]byte, error) {
	i := skipSpace(body, 0)
	if i == len(body) {
		return nil, fmt.Errorf("decode call: %w", io.ErrUnexpectedEOF)
	}
	if body[i] != '{' {
		return nil, notObject(body[i:])
	}
	out := make([]byte, 0, len(body)-i)
	run := i // body[run:i] is kept but not yet copied: a compact body is copied in a few long runs
	depth := 0
	wantKey := false   // the next string at depth 1 is a key
	member := 0        // where the current top-level member starts in out (its comma included)
	dropFrom := -1     // >= 0 while the current member is a secret: where to cut out back to
	held := false      // a comma left out after a leading secret: a key must follow it
	var dropped []byte // the secret members, checked for validity at the end
	for i < len(body) {
		switch b := body[i]; b {
		case '"':
			end := stringEnd(body, i)
			if end < 0 {
				return nil, fmt.Errorf("decode call: %w", io.ErrUnexpectedEOF)
			}
			if depth == 1 && wantKey {
				wantKey, held = false, false
				if isSecretKey(body[i:end]) {
					dropFrom = member
				}
			}
			i = end
		case ' ', '\t', '\n', '\r':
			j := skipSpace(body, i)
			if isScalarByte(body[i-1]) && j < len(body) && isScalarByte(body[j]) {
				return nil, syntaxError(body)
			}
			out = append(out, body[run:i]...)
			i, run = j, j
		case '{', '[':
			depth++
			i++
			if depth == 1 {
				out = append(out, body[run:i]...)
				run = i
				wantKey, member = true, len(out)
			}
		case '}', ']':
			depth--
			if depth > 0 {
				i++
				break
			}
			if b != '}' || held {
				return nil, syntaxError(body)
			}
			out = append(out, body[run:i]...)
			var ok bool
			if out, dropped, ok = endMember(out, dropFrom, dropped); !ok {
				return nil, syntaxError(body)
			}
			out = append(out, '}')
			if j := skipSpace(body, i+1); j != len(body) {
				return nil, errors.New("decode call: trailing data after the JSON object")
			}
			if dropped != nil && !gojson.Valid(append(append([]byte{'{'}, dropped...), '}')) {
				return nil, syntaxError(body)
			}
			return out, nil
		case ',':
			if depth != 1 {
				i++
				break
			}
			out = append(out, body[run:i]...)
			wasSecret := dropFrom >= 0
			var ok bool
			if out, dropped, ok = endMember(out, dropFrom, dropped); !ok {
				return nil, syntaxError(body)
			}
			dropFrom = -1
			member, wantKey = len(out), true
			if wasSecret && out[len(out)-1] == '{' { // no comma after '{' when every member before was a secret
				held = true
			} else {
				out = append(out, b)
			}
			i++
			run = i
		default: // numbers, literals, ':' and anything invalid, for the decoder to reject
			i++
			for i < len(body) && isScalarByte(body[i]) {
				i++
			}
		}
	}
	return nil, fmt.Errorf("decode call: %w", io.ErrUnexpectedEOF)
}

// endMember cuts a secret member out of out, keeping it (without its
// leading comma) in dropped.
// A comma before the member that follows '{' or another comma is invalid,
// and would vanish with the member: then ok is false.
func endMember(out []byte, dropFrom int, dropped []byte) (_, _ []byte, ok bool) {
	if dropFrom < 0 {
		return out, dropped, true
	}
	m := out[dropFrom:]
	if m[0] == ',' {
		if c := out[dropFrom-1]; c == '{' || c == ',' {
			return out, dropped, false
		}
		m = m[1:]
	}
	if dropped != nil {
		dropped = append(dropped, ',')
	}
	return out[:dropFrom], append(dropped, m...), true
}

// stringEnd returns the index just after the string that starts at
// body[i] (a '"'), or -1 if the string is not closed.
func stringEnd(body []byte, i int) int {
	j := i + 1
	for {
		k := bytes.IndexByte(body[j:], '"')
		if k < 0 {
			return -1
		}
		q := j + k
		n := 0 // backslashes just before the quote: an odd count escapes it
		for p := q - 1; p > i && body[p] == '\\'; p-- {
			n++
		}
		if n%2 == 0 {
			return q + 1
		}
		j = q + 1
	}
}

// isSecretKey reports whether the quoted key names the secret, however it
// is spelled (a \u escape can spell any letter).
func isSecretKey(quoted []byte) bool {
	if bytes.IndexByte(quoted, '\\') < 0 {
		return string(quoted[1:len(quoted)-1]) == secretKey
	}
	var s string
	return gojson.Unmarshal(quoted, &s) == nil && s == secretKey
}

// isScalarByte reports whether c can be part of a number or literal: any
// byte that is not structural, a quote or whitespace.
func isScalarByte(c byte) bool {
	switch c {
	case '{', '}', '[', ']', ',', ':', '"', ' ', '\t', '\n', '\r':
		return false
	}
	return true
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// syntaxError asks the decoder for its precise message about an invalid
// body (a rare path: the scan found the body invalid first).
func syntaxError(body []byte) error {
	var v any
	if err := gojson.Unmarshal(body, &v); err != nil {
		return fmt.Errorf("decode call: %w", err)
	}
	return errors.New("decode call: invalid JSON")
}

// notObject describes a body whose first value is not an object.
func notObject(rest []byte) error {
	what := ""
	switch c := rest[0]; {
	case c == '[':
		what = "an array"
	case c == 'n':
		what = "null"
	case c == '"':
		what = "a string"
	case c == '-' || (c >= '0' && c <= '9'):
		what = "a number"
	case c == 't' || c == 'f':
		what = "a boolean"
	default:
		return syntaxError(rest)
	}
	return fmt.Errorf("decode call: body is %s, not a JSON object", what)
}

package export

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// secretKeys are top-level keys that never leave the decoder: a web call's
// access_token lets anyone join the call's room.
var secretKeys = map[string]bool{"access_token": true}

// DecodeCall decodes one get-call response body. It removes secrets from the
// body, keeps the rest byte for byte (compacted) in Call.Raw, and tolerates
// unknown keys, unknown enum values and optional fields of an unexpected
// JSON type (recorded in Call.Warnings). It returns an error for anything
// that is not a single JSON object with a call_id.
func DecodeCall(body []byte) (*Call, error) {
	raw, err := scrubObject(body)
	if err != nil {
		return nil, err
	}
	c := new(Call)
	if err := json.Unmarshal(raw, c); err != nil {
		var te *json.UnmarshalTypeError
		if !errors.As(err, &te) {
			return nil, fmt.Errorf("decode call: %w", err)
		}
		c.Warnings = append(c.Warnings, typeWarning(te))
	}
	if c.CallID == "" {
		return nil, errors.New("decode call: missing call_id")
	}
	for _, items := range [][]TranscriptItem{c.TranscriptWithToolCalls, c.ScrubbedTranscriptWithToolCalls} {
		for i := range items {
			if w := items[i].warning; w != "" {
				c.Warnings = append(c.Warnings, fmt.Sprintf("transcript item %d: %s", i, w))
			}
		}
	}
	c.Raw = raw
	return c, nil
}

func typeWarning(te *json.UnmarshalTypeError) string {
	field := te.Field
	if field == "" {
		field = "(value)"
	}
	return fmt.Sprintf("%s: JSON %s where %s was expected", field, te.Value, te.Type)
}

// scrubObject checks that body is exactly one JSON object, drops the
// top-level secret keys and returns the object compacted, with every other
// key in its original order and every value byte for byte.
//
// Most bodies hold no secret at all (every record of the archive, every
// phone call), and for them one json.Compact pass does the whole job; it
// was half the cost of a replay. The fast path is taken only when the
// text "access_token" cannot appear as a key, spelled out or escaped (a
// \u escape can spell any letter), and anything it rejects goes through
// the full path, which gives the precise error.
func scrubObject(body []byte) (json.RawMessage, error) {
	if !bytes.Contains(body, []byte("access_token")) && !bytes.Contains(body, []byte(`\u`)) {
		var buf bytes.Buffer
		buf.Grow(len(body))
		if json.Compact(&buf, body) == nil && buf.Len() > 0 && buf.Bytes()[0] == '{' {
			return buf.Bytes(), nil
		}
	}
	return scrubFields(body)
}

// scrubFields is scrubObject's full path: it walks the top-level keys.
func scrubFields(body []byte) (json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("decode call: %w", jsonErr(err))
	} else if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("decode call: body is %s, not a JSON object", describeToken(tok))
	}
	var out bytes.Buffer
	out.Grow(len(body))
	out.WriteByte('{')
	first := true
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("decode call: %w", jsonErr(err))
		}
		key, _ := tok.(string) // object keys are always strings
		var val json.RawMessage
		if err := dec.Decode(&val); err != nil {
			return nil, fmt.Errorf("decode call: key %q: %w", key, jsonErr(err))
		}
		if secretKeys[key] {
			continue
		}
		if !first {
			out.WriteByte(',')
		}
		first = false
		writeJSONString(&out, key)
		out.WriteByte(':')
		if err := json.Compact(&out, val); err != nil {
			return nil, fmt.Errorf("decode call: key %q: %w", key, err)
		}
	}
	if _, err := dec.Token(); err != nil { // the closing '}'
		return nil, fmt.Errorf("decode call: %w", jsonErr(err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("decode call: trailing data after the JSON object")
	}
	out.WriteByte('}')
	return out.Bytes(), nil
}

// writeJSONString encodes s without HTML escaping, so keys keep their bytes.
func writeJSONString(buf *bytes.Buffer, s string) {
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)           // a string always encodes
	buf.Truncate(buf.Len() - 1) // Encode appends a newline
}

func jsonErr(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF // an empty or cut body is a truncation
	}
	return err
}

func describeToken(tok json.Token) string {
	switch tok.(type) {
	case json.Delim:
		return "an array"
	case nil:
		return "null"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	}
	return "not an object"
}

package export

import (
	"errors"
	"fmt"

	gojson "github.com/goccy/go-json"
)

// DecodeCall decodes one get-call response body. It removes secrets from the
// body, keeps the rest byte for byte (compacted) in Call.Raw, and tolerates
// unknown keys, unknown enum values and optional fields of an unexpected
// JSON type (recorded in Call.Warnings). It returns an error for anything
// that is not a single JSON object with a call_id.
//
// Each body is read twice and no more: scrubObject copies it compacted and
// without secrets (a byte scan that does not validate), and the decoder
// (github.com/goccy/go-json, chosen by measurement: see docs/performance.md) proves
// that copy valid while it fills the Call. encoding/json needed three
// passes (compact, validate, decode) and decoded at a third of the speed.
func DecodeCall(body []byte) (*Call, error) {
	raw, err := scrubObject(body)
	if err != nil {
		return nil, err
	}
	c := new(Call)
	if err := gojson.Unmarshal(raw, c); err != nil {
		var te *gojson.UnmarshalTypeError
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

func typeWarning(te *gojson.UnmarshalTypeError) string {
	field := te.Field
	if field == "" {
		field = "(value)"
	}
	return fmt.Sprintf("%s: JSON %s where %s was expected", field, te.Value, te.Type)
}

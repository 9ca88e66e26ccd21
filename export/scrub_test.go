package export

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// referenceScrub is the encoding/json token walk that scrubObject replaced:
// slow, but obviously right. The tests hold the scan to it.
func referenceScrub(body []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil {
		return nil, err
	} else if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errors.New("not an object")
	}
	var out bytes.Buffer
	out.WriteByte('{')
	first := true
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, _ := tok.(string)
		var val json.RawMessage
		if err := dec.Decode(&val); err != nil {
			return nil, err
		}
		if key == secretKey {
			continue
		}
		if !first {
			out.WriteByte(',')
		}
		first = false
		enc := json.NewEncoder(&out)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(key)
		out.Truncate(out.Len() - 1)
		out.WriteByte(':')
		if err := json.Compact(&out, val); err != nil {
			return nil, err
		}
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("trailing data")
	}
	out.WriteByte('}')
	return out.Bytes(), nil
}

// checkScrub holds scrubObject to the reference on one body: both accept
// it (and agree byte for byte) or both refuse it, once the decoder has
// had its say on the scan's copy.
func checkScrub(t *testing.T, body []byte) {
	t.Helper()
	want, werr := referenceScrub(body)
	got, gerr := scrubObject(body)
	if gerr == nil && !json.Valid(got) {
		gerr = errors.New("copy is not valid JSON") // the decoder refuses it
	}
	switch {
	case werr == nil && gerr != nil:
		t.Fatalf("scrubObject(%q) = %v; the reference accepts it as %s", body, gerr, want)
	case werr != nil && gerr == nil:
		t.Fatalf("scrubObject(%q) = %s; the reference refuses it: %v", body, got, werr)
	case werr != nil:
	case !bytes.Equal(tokens(t, got), tokens(t, want)):
		t.Fatalf("scrubObject(%q)\n got %s\nwant %s", body, got, want)
	case utf8.Valid(body) && !bytes.Contains(body, []byte{'\\'}) && !bytes.Equal(got, want):
		// The reference re-encodes keys; the scan keeps their bytes. They
		// agree when no key has an escape or invalid UTF-8 to re-encode.
		t.Fatalf("scrubObject(%q)\n got %s\nwant %s", body, got, want)
	}
}

// tokens lists the JSON tokens of b, numbers as written, one per line.
func tokens(t *testing.T, b []byte) []byte {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var out bytes.Buffer
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return out.Bytes()
		}
		if err != nil {
			t.Fatalf("tokens(%q): %v", b, err)
		}
		fmt.Fprintf(&out, "%T %v\n", tok, tok)
	}
}

func TestScrubObject(t *testing.T) {
	for _, body := range []string{
		`{}`, ` { } `, `{"a":1}`, "{\n \"a\" : [ 1 , 2.50 , {\"b\" : null} ] ,\r\n\t\"c\":\"x y\"}",
		`{"access_token":"s"}`, `{"access_token":"s","a":1}`, `{"a":1,"access_token":"s"}`,
		`{"a":1,"access_token":"s","b":2}`, `{"access_token":"s","access_token":"t","a":1}`,
		`{"a":{"access_token":"nested stays"},"access_token":{"x":[1,{"y":2}]}}`,
		`{"acc\u0065ss_token":"s","a":"\"access_token\""}`, `{"a":"\\\\","access_token":"\\\"","b":"\\"}`,
		`{"a":"\u00e9t\u00e9 <b>","b":1e400,"c":-0.0E+1}`,
		// refused
		``, ` `, `[]`, `null`, `"s"`, `1`, `{`, `{"a":`, `{"a":"x`, `{"a":1} {}`, `{"a":1}x`,
		`{"a":1 2}`, `{"a":[1 2]}`, `{"a":tr ue}`, `{"a":- 1}`, `{"a":1]`, `{"a":[1}`, `{"a":[1}]}`,
		`{"access_token":tru}`, `{"access_token" 1,"a":2}`, `{"access_token":"s" "x"}`, `{"a":"\q"}`,
		`{,}`, `{"a":1,}`, `{"a"}`, "{\"a\":\"\x01\"}", `{"a":01}`, `<html>502</html>`,
	} {
		checkScrub(t, []byte(body))
	}
}

func TestScrubObjectSamples(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "samples", "calls", "*.json"))
	if len(files) == 0 {
		t.Fatal("no samples")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		checkScrub(t, b)
		if strings.Contains(string(b), `"access_token"`) {
			if got, _ := scrubObject(b); bytes.Contains(got, []byte(`"access_token"`)) {
				t.Errorf("%s: access_token kept", f)
			}
		}
	}
}

func FuzzScrubObject(f *testing.F) {
	f.Add([]byte(webCall))
	f.Add([]byte(`{"access_token":"s","a":[1, 2],"b":{"access_token":1}}`))
	f.Add([]byte(`{"a\u0063cess_token":"s" , "x" : "\\\"" }`))
	f.Fuzz(func(t *testing.T, b []byte) { checkScrub(t, b) })
}

// Package jsonbench measures the JSON libraries considered for decoding
// get-call bodies into export.Call. It is its own module so that the
// candidates that were not chosen never enter retell-export's go.mod:
//
//	cd .ci/jsonbench && go test -run '^$' -bench . -benchtime 2s
//
// Every candidate decodes the same bodies into the same type; export.Call's
// transcript items decode with the chosen library in every row.
package jsonbench

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/bytedance/sonic"
	goccy "github.com/goccy/go-json"
	segjson "github.com/segmentio/encoding/json"

	"github.com/retell-export/retell-export/export"
	"github.com/retell-export/retell-export/export/fakeapi"
)

func inputs(b *testing.B) map[string][][]byte {
	files, err := filepath.Glob(filepath.Join("..", "..", "samples", "calls", "*.json"))
	if err != nil || len(files) == 0 {
		b.Fatalf("samples: %v", err)
	}
	in := map[string][][]byte{}
	for _, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		name := "samples"
		if len(body) > 1<<20 {
			name = "long"
		}
		in[name] = append(in[name], body)
	}
	for i := range 100 {
		in["synthetic"] = append(in["synthetic"], fakeapi.SyntheticCall(i, 20))
	}
	return in
}

func run(b *testing.B, decode func([]byte) error) {
	in := inputs(b)
	for _, name := range []string{"samples", "long", "synthetic"} {
		bodies := in[name]
		b.Run(name, func(b *testing.B) {
			var n int64
			for _, body := range bodies {
				n += int64(len(body))
			}
			b.SetBytes(n)
			b.ReportAllocs()
			for b.Loop() {
				for _, body := range bodies {
					if err := decode(body); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// The old DecodeCall: compact (encoding/json validates), then Unmarshal
// (which validates again before decoding).
func BenchmarkStdCompactUnmarshal(b *testing.B) {
	run(b, func(body []byte) error {
		var buf bytes.Buffer
		buf.Grow(len(body))
		if err := json.Compact(&buf, body); err != nil {
			return err
		}
		var c export.Call
		return json.Unmarshal(buf.Bytes(), &c)
	})
}

func BenchmarkStdUnmarshal(b *testing.B) {
	run(b, func(body []byte) error { var c export.Call; return json.Unmarshal(body, &c) })
}

func BenchmarkGoccyUnmarshal(b *testing.B) {
	run(b, func(body []byte) error { var c export.Call; return goccy.Unmarshal(body, &c) })
}

// ConfigStd validates strings as encoding/json does; the default config
// accepts invalid escapes such as "\x01", which the archive must not keep.
func BenchmarkSonicStdUnmarshal(b *testing.B) {
	run(b, func(body []byte) error { var c export.Call; return sonic.ConfigStd.Unmarshal(body, &c) })
}

func BenchmarkSonicDefaultUnmarshal(b *testing.B) {
	run(b, func(body []byte) error { var c export.Call; return sonic.Unmarshal(body, &c) })
}

func BenchmarkSegmentioUnmarshal(b *testing.B) {
	run(b, func(body []byte) error { var c export.Call; return segjson.Unmarshal(body, &c) })
}

// The chosen path: one scan that compacts and drops access_token, then
// go-json decodes (and so validates) the copy.
func BenchmarkDecodeCall(b *testing.B) {
	run(b, func(body []byte) error { _, err := export.DecodeCall(body); return err })
}

// indexHeader is what replay.BuildIndex decodes from every record (export.RecordMeta):
// with encoding/json that is a validating pass over the whole body, then a
// decode that skips all but three keys.
type indexHeader struct {
	CallID       string          `json:"call_id"`
	CallStatus   string          `json:"call_status"`
	CallAnalysis json.RawMessage `json:"call_analysis"`
}

func BenchmarkIndexHeaderStd(b *testing.B) {
	run(b, func(body []byte) error { var h indexHeader; return json.Unmarshal(body, &h) })
}

func BenchmarkIndexHeaderGoccy(b *testing.B) {
	run(b, func(body []byte) error { var h indexHeader; return goccy.Unmarshal(body, &h) })
}

package export_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/retell-export/retell-export/export"
	"github.com/retell-export/retell-export/export/fakeapi"
)

// decodeInputs are the bodies BenchmarkDecodeCall decodes: the 65 sample
// calls up to 42 kB, the 2.2 MB 70-minute call, and synthetic calls of 20
// turns as the fake API serves them (the shape of the 20,000-call runs).
func decodeInputs(b *testing.B) map[string][][]byte {
	files, err := filepath.Glob(filepath.Join("..", "samples", "calls", "*.json"))
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

// BenchmarkDecodeCall reports MB/s of get-call JSON decoded into Calls:
//
//	go test ./export -run '^$' -bench DecodeCall -benchtime 2s
func BenchmarkDecodeCall(b *testing.B) {
	in := decodeInputs(b)
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
					if _, err := export.DecodeCall(body); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

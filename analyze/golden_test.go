package analyze

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/retell-export/retell-export/export"
)

var update = flag.Bool("update", false, "rewrite golden files")

// samplesSummary analyses every samples/calls/*.json in sorted name order.
func samplesSummary(t *testing.T) *Summary {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "samples", "calls", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Skip("no samples/calls/*.json (run go run ./samples/gen)")
	}
	st := New(Options{By: AllBy()})
	for _, name := range files { // Glob sorts
		body, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		c, err := export.DecodeCall(body)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := st.Write(c); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	return st.Summary()
}

func TestGoldenSamples(t *testing.T) {
	s := samplesSummary(t)
	for _, g := range []struct {
		file  string
		write func(*bytes.Buffer, *Summary) error
	}{
		{"summary.txt", func(b *bytes.Buffer, s *Summary) error { return WriteText(b, s) }},
		{"summary.json", func(b *bytes.Buffer, s *Summary) error { return WriteJSON(b, s) }},
	} {
		t.Run(g.file, func(t *testing.T) {
			var got bytes.Buffer
			if err := g.write(&got, s); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", g.file)
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./analyze -run Golden -update)", err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Errorf("%s differs from the golden file (go test ./analyze -run Golden -update to accept):\n%s",
					g.file, firstDiff(got.String(), string(want)))
			}
		})
	}
}

// firstDiff shows the first differing line of two texts.
func firstDiff(got, want string) string {
	gl, wl := bytes.Split([]byte(got), []byte("\n")), bytes.Split([]byte(want), []byte("\n"))
	for i := range max(len(gl), len(wl)) {
		var g, w []byte
		if i < len(gl) {
			g = gl[i]
		}
		if i < len(wl) {
			w = wl[i]
		}
		if !bytes.Equal(g, w) {
			return "line " + itoa(i+1) + ":\n got: " + string(g) + "\nwant: " + string(w)
		}
	}
	return "(same lines)"
}

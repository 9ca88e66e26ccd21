package formats

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/retell-export/retell-export/export"
)

// The -update flag may be declared by another test file of this package
// too; whichever init runs first declares it, and captionsUpdate reads it.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files")
	}
}

func captionsUpdate() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

const captionGoldenDir = "testdata/golden"

// sampleCalls decodes every samples/calls/*.json, skipping the test (loudly)
// when the samples have not been generated.
func sampleCalls(tb testing.TB) []*export.Call {
	tb.Helper()
	paths, err := filepath.Glob("../samples/calls/*.json")
	if err != nil || len(paths) == 0 {
		tb.Skip("no samples/calls/*.json: run `go run ./samples/gen` first")
	}
	var calls []*export.Call
	for _, p := range paths {
		body, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		c, err := export.DecodeCall(body)
		if err != nil {
			tb.Fatalf("%s: %v", p, err)
		}
		calls = append(calls, c)
	}
	return calls
}

// TestCaptionGolden writes the captions of every sample call and compares
// them with testdata/golden/{srt,vtt}: same files, same bytes. Each sample
// file is also checked against its transcript like generated ones are.
func TestCaptionGolden(t *testing.T) {
	calls := sampleCalls(t)
	out := t.TempDir()
	opts := CaptionOptions{SRT: true, VTT: true}
	w, err := NewCaptions(out, opts)
	if err != nil {
		t.Fatal(err)
	}
	writeAll(t, w, calls)
	for _, c := range calls {
		for ext, parse := range map[string]func([]byte, bool) ([]parsedCue, error){"srt": parseSRT, "vtt": parseVTT} {
			data, err := os.ReadFile(filepath.Join(out, ext, c.CallID+"."+ext))
			if err := checkFile(data, err, ext, c.Utterances(), checkEnd(c), parse, opts); err != nil {
				t.Errorf("%s.%s: %v", c.CallID, ext, err)
			}
		}
	}
	for _, ext := range []string{"srt", "vtt"} {
		compareGoldenDir(t, filepath.Join(out, ext), filepath.Join(captionGoldenDir, ext))
	}
}

// compareGoldenDir compares the files of dir with those of golden, or with
// -update makes golden a copy of dir.
func compareGoldenDir(t *testing.T, dir, golden string) {
	t.Helper()
	got, want := dirFiles(t, dir), dirFiles(t, golden)
	if captionsUpdate() {
		if err := os.RemoveAll(golden); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(golden, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, data := range got {
			if err := os.WriteFile(filepath.Join(golden, name), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	for name, data := range got {
		if w, ok := want[name]; !ok {
			t.Errorf("%s: unexpected file %s (run with -update if intended)", golden, name)
		} else if !bytes.Equal(data, w) {
			t.Errorf("%s/%s differs from golden (run with -update if intended):\n%s", golden, name, firstDiff(data, w))
		}
	}
	for name := range want {
		if _, ok := got[name]; !ok {
			t.Errorf("%s: missing file %s", golden, name)
		}
	}
}

func dirFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return files
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = data
	}
	return files
}

// firstDiff shows the first differing line of two texts.
func firstDiff(got, want []byte) string {
	g, w := bytes.Split(got, []byte("\n")), bytes.Split(want, []byte("\n"))
	for i := range min(len(g), len(w)) {
		if !bytes.Equal(g[i], w[i]) {
			return fmt.Sprintf("line %d:\n got %s\nwant %s", i+1, g[i], w[i])
		}
	}
	return fmt.Sprintf("lengths differ: %d vs %d lines", len(g), len(w))
}

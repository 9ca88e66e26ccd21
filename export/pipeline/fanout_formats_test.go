package pipeline_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/retell-export/retell-export/analyze"
	"github.com/retell-export/retell-export/export"
	"github.com/retell-export/retell-export/export/pipeline"
	"github.com/retell-export/retell-export/formats"
)

// The real writers behind a FanOut share each *Call across goroutines
// (run with -race), and write exactly what they write when driven one
// after the other, as the pipeline does today.
func TestFanOutRealWritersMatchSequential(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "samples", "calls", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("samples: %v", err)
	}
	var calls []*export.Call
	for _, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		c, err := export.DecodeCall(body)
		if err != nil {
			t.Fatal(err)
		}
		calls = append(calls, c)
	}
	open := func(dir string) []export.Writer {
		csvw, err := formats.NewCSV(dir, formats.CSVOptions{})
		if err != nil {
			t.Fatal(err)
		}
		capw, err := formats.NewCaptions(dir, formats.CaptionOptions{SRT: true, VTT: true})
		if err != nil {
			t.Fatal(err)
		}
		pqw, err := formats.NewParquet(dir, formats.ParquetOptions{ToolVersion: "test"})
		if err != nil {
			t.Fatal(err)
		}
		return []export.Writer{csvw, capw, pqw, analyze.New(analyze.Options{By: []string{"agent", "day"}})}
	}

	seq, fan := t.TempDir(), t.TempDir()
	ws := open(seq)
	for _, c := range calls {
		for _, w := range ws {
			if err := w.Write(c); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, w := range ws {
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	f := pipeline.NewFanOut(open(fan), 4)
	for _, c := range calls {
		if err := f.Write(c); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}

	n := 0
	err = filepath.WalkDir(seq, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(seq, p)
		want, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		got, err := os.ReadFile(filepath.Join(fan, rel))
		if err != nil {
			t.Errorf("%s: missing behind the fan-out: %v", rel, err)
			return nil
		}
		if filepath.Ext(p) != ".parquet" && !bytes.Equal(got, want) { // parquet files carry a creation time
			t.Errorf("%s differs behind the fan-out", rel)
		}
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < len(calls) {
		t.Fatalf("only %d files compared", n)
	}
}

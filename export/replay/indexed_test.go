package replay

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/retell-export/retell-export/export"
	"github.com/retell-export/retell-export/export/archive"
	"github.com/retell-export/retell-export/export/fakeapi"
	"github.com/retell-export/retell-export/export/store"
)

// writeDataset archives calls 0-9, then calls 0-2 again (a later segment
// holds their latest version), and returns the raw directory.
func writeDataset(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	for _, ids := range [][]int{{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {0, 1, 2}} {
		a := openArchive(t, root)
		w := a.NewWriter(context.Background(), archive.WriterOptions{})
		for _, i := range ids {
			body := fakeapi.SyntheticCall(i, 2)
			m, err := export.RecordMeta(body)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.Append(body, m, time.Now()); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(root, "raw")
}

func openArchive(t *testing.T, root string) *archive.Archive {
	t.Helper()
	st, err := store.OpenDir(root)
	if err != nil {
		t.Fatal(err)
	}
	a, err := archive.Open(context.Background(), archive.Options{Store: st, Dir: "raw", Extract: export.RecordMeta})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// editManifest rewrites raw/index/manifest.json through edit.
func editManifest(t *testing.T, raw string, edit func(m map[string]any)) {
	t.Helper()
	p := filepath.Join(raw, "index", "manifest.json")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	b, _ = json.Marshal(m)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func segments(t *testing.T, raw string) []string {
	segs, _ := filepath.Glob(filepath.Join(raw, "calls-*.jsonl.gz"))
	if len(segs) != 2 {
		t.Fatalf("segments %v, want 2", segs)
	}
	return segs
}

// A replay takes the calls from the index only when the index covers
// every record file as it is; otherwise it reads the files.
func TestIndexedReplayOnlyWhenTheIndexCoversEverything(t *testing.T) {
	cases := []struct {
		name  string
		spoil func(t *testing.T, raw string) // nil: as written
		file  bool                           // --from names a segment, not the directory
		chdir bool                           // --from . in the raw directory
		want  bool
	}{
		{name: "a dataset's raw directory", want: true},
		{name: "one segment named", file: true},
		{name: "other saved calls beside the segments", spoil: func(t *testing.T, raw string) {
			os.WriteFile(filepath.Join(raw, "more.json"), fakeapi.SyntheticCall(42, 2), 0o644)
		}},
		{name: "a segment the index does not list", spoil: func(t *testing.T, raw string) {
			b, _ := os.ReadFile(segments(t, raw)[0])
			os.WriteFile(filepath.Join(raw, "calls-20991231T000000.000Z-00000000.jsonl.gz"), b, 0o644)
		}},
		{name: "a segment that grew since it was indexed", spoil: func(t *testing.T, raw string) {
			f, _ := os.OpenFile(segments(t, raw)[1], os.O_APPEND|os.O_WRONLY, 0)
			zw := gzip.NewWriter(f)
			zw.Write(append(fakeapi.SyntheticCall(43, 2), '\n'))
			zw.Close()
			f.Close()
		}},
		{name: "a lost id shard", spoil: func(t *testing.T, raw string) {
			shards, _ := filepath.Glob(filepath.Join(raw, "index", "ids", "*.tsv"))
			os.Remove(shards[0])
		}},
		{name: "a record the index could not read", spoil: func(t *testing.T, raw string) {
			f, _ := os.Create(filepath.Join(raw, "calls-20991231T000000.000Z-00000000.jsonl.gz"))
			zw := gzip.NewWriter(f)
			zw.Write([]byte("<html>502 Bad Gateway</html>\n"))
			zw.Close()
			f.Close()
			openArchive(t, filepath.Dir(raw)) // indexes it, and counts the bad record
		}},
		{name: "an index of an older version (no call count)", spoil: func(t *testing.T, raw string) {
			editManifest(t, raw, func(m map[string]any) { delete(m, "calls") })
		}},
		// An older version counted neither calls nor unreadable records:
		// once a run has counted the calls, the segments it indexed are
		// still read, so that a record it could not index is reported.
		{name: "an older index once a run has opened it", spoil: func(t *testing.T, raw string) {
			editManifest(t, raw, func(m map[string]any) { delete(m, "calls") })
			a := openArchive(t, filepath.Dir(raw))                         // counts the calls
			if err := a.MarkDirty(context.Background(), nil); err != nil { // writes the manifest
				t.Fatal(err)
			}
		}},
		{name: "from inside the raw directory", chdir: true, want: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			raw := writeDataset(t)
			if tc.spoil != nil {
				tc.spoil(t, raw)
			}
			from := raw
			if tc.file {
				from = segments(t, raw)[0]
			}
			if tc.chdir {
				t.Chdir(raw)
				from = "."
			}
			recs, done, err := ListRecords(context.Background(), from, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer done()
			_, es, ok := Indexed(context.Background(), from, recs)
			if ok != tc.want {
				t.Fatalf("indexed replay = %v, want %v", ok, tc.want)
			}
			if !ok {
				return
			}
			if len(es) != 10 {
				t.Errorf("%d calls from the index, want 10", len(es))
			}
			second := filepath.Base(segments(t, raw)[1])
			for _, e := range es {
				if inSecond := e.Seg == second; inSecond != (e.ID <= fakeapi.SyntheticID(2)) {
					t.Errorf("%s: latest version in %s", e.ID, e.Seg)
				}
			}
		})
	}
}

package pipeline

import (
	"context"
	"encoding/json"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/retell-export/retell-export/export"
	"github.com/retell-export/retell-export/export/dataset"
	"github.com/retell-export/retell-export/export/fakeapi"
	"github.com/retell-export/retell-export/export/pacing"
	"github.com/retell-export/retell-export/export/retell"
	"github.com/retell-export/retell-export/export/store"
)

// fileView is a view whose writer makes one empty file per call,
// v/calls/<partition>/<run>-<id>: the published view then reads back as
// the calls of each partition, without a Parquet reader.
func fileView(partitioned bool, layout string) *dataset.View {
	return &dataset.View{Name: "v", Layout: layout, Partitioned: partitioned,
		New: func(dir string) (export.Writer, error) {
			return &fileViewWriter{dir: dir, partitioned: partitioned}, nil
		}}
}

type fileViewWriter struct {
	dir         string
	partitioned bool
}

func (w *fileViewWriter) Write(c *export.Call) error {
	dir := filepath.Join(w.dir, "v", "calls")
	if w.partitioned {
		dir = filepath.Join(dir, export.PartitionOf(c))
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, filepath.Base(w.dir)+"-"+c.CallID), []byte(c.CallID), 0o644) // published under a name of its content
}

func (w *fileViewWriter) Close() error { return nil }

// viewCalls reads a published fileView: partition -> call ids, and fails
// on a call that is there twice.
func viewCalls(t *testing.T, root string) map[string][]string {
	t.Helper()
	got := map[string][]string{}
	seen := map[string]bool{}
	var files []string
	filepath.WalkDir(filepath.Join(root, "v", "calls"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == "_manifest.json" {
			return err
		}
		rel, _ := filepath.Rel(filepath.Join(root, "v", "calls"), p)
		files = append(files, filepath.ToSlash(rel))
		b, _ := os.ReadFile(p)
		id := string(b)
		if seen[id] {
			t.Errorf("%s is in the view twice (again in %s)", id, p)
		}
		seen[id] = true
		part := filepath.Base(filepath.Dir(p))
		got[part] = append(got[part], id)
		return nil
	})
	for _, ids := range got {
		slices.Sort(ids)
	}
	// The manifest, written last, lists exactly the table's files.
	var m dataset.Manifest
	b, err := os.ReadFile(filepath.Join(root, "v", "calls", "_manifest.json"))
	if err == nil {
		err = json.Unmarshal(b, &m)
	}
	var listed []string
	for _, f := range m.Files {
		listed = append(listed, f.Path)
	}
	if slices.Sort(files); err != nil || m.Table != "calls" || !slices.Equal(listed, files) {
		t.Errorf("manifest %s (%v) lists %v, the table has %v", b, err, listed, files)
	}
	return got
}

// viewCall is a call of the fake API for the live view tests: day is its
// start date in November 2026 (0: no start, an ongoing call).
type viewCall struct {
	n   int
	day int
}

func (c viewCall) body() []byte {
	var m map[string]any
	json.Unmarshal(fakeapi.SyntheticCall(c.n, 1), &m)
	if c.day == 0 {
		delete(m, "start_timestamp")
		delete(m, "end_timestamp")
		delete(m, "call_analysis")
		m["call_status"] = "ongoing"
	} else {
		start := time.Date(2026, 11, c.day, 10, 0, c.n, 0, time.UTC).UnixMilli()
		m["start_timestamp"], m["end_timestamp"] = start, start+4000
		if _, ok := m["transfer_end_timestamp"]; ok {
			m["transfer_end_timestamp"] = start + 34000
		}
	}
	b, _ := json.Marshal(m)
	return b
}

func (c viewCall) partition() string {
	if c.day == 0 {
		return export.PartitionDir("")
	}
	return export.PartitionDir(time.Date(2026, 11, c.day, 0, 0, 0, 0, time.UTC).Format(time.DateOnly))
}

// viewAPI starts a fake API without calls and a client of it.
func viewAPI(t *testing.T) (*fakeapi.Server, *retell.Client) {
	t.Helper()
	srv := fakeapi.NewServer(fakeapi.Options{})
	t.Cleanup(srv.Close)
	client, err := retell.NewClient(retell.ClientConfig{BaseURL: srv.URL, Key: srv.Key(), KeySource: "test", Pacer: pacing.NewPacer(0, 1, 4), Concurrency: 4})
	if err != nil {
		t.Fatal(err)
	}
	return srv, client
}

// A run rebuilds from the archive the partitions whose calls changed, and
// the view has every archived call once, in its latest version's
// partition, whatever runs built it.
func TestViewRebuild(t *testing.T) {
	type step struct {
		calls       []viewCall // served (latest versions) and fetched
		layout      string     // "" is "a"
		partitioned bool
		wantDates   int // partitions rebuilt
	}
	days := func(n0 int, days ...int) []viewCall {
		var cs []viewCall
		for i, d := range days {
			cs = append(cs, viewCall{n0 + i, d})
		}
		return cs
	}
	for _, tc := range []struct {
		name  string
		steps []step
	}{
		{"fresh dataset: every date", []step{
			{calls: days(0, 1, 1, 2, 3, 3), partitioned: true, wantDates: 3},
		}},
		{"next window: the new date and the date with calls", []step{
			{calls: days(0, 1, 1, 2), partitioned: true, wantDates: 2},
			{calls: days(10, 2, 3, 3), partitioned: true, wantDates: 2},
		}},
		{"a re-run of the same window: nothing fetched, nothing rebuilt", []step{
			{calls: days(0, 1, 2), partitioned: true, wantDates: 2},
			{calls: days(0, 1, 2), partitioned: true},
		}},
		{"many new dates", []step{
			{calls: days(0, 1, 2, 3, 4, 5, 1, 5), partitioned: true, wantDates: 5},
		}},
		{"an ongoing call that gets a start on a new date moves there", []step{
			{calls: days(0, 0, 1), partitioned: true, wantDates: 2},
			{calls: days(0, 4), partitioned: true, wantDates: 2},
		}},
		{"unpartitioned: one file set, rebuilt whole", []step{
			{calls: days(0, 1, 2), wantDates: 2},
			{calls: days(10, 3), wantDates: 3},
		}},
		{"a layout change reads everything back", []step{
			{calls: days(0, 1), partitioned: true, wantDates: 1},
			{calls: days(10, 2), partitioned: true, layout: "b", wantDates: 2},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			root := t.TempDir()
			srv, client := viewAPI(t)
			latest := map[string]viewCall{}
			for i, s := range tc.steps {
				var ids []string
				for _, c := range s.calls {
					id, err := srv.AddCall(c.body())
					if err != nil {
						t.Fatal(err)
					}
					ids = append(ids, id)
					latest[id] = c
				}
				st, _ := store.OpenDir(root)
				ds, err := dataset.OpenDataset(ctx, st, dataset.DatasetOptions{})
				if err != nil {
					t.Fatal(err)
				}
				layout := s.layout
				if layout == "" {
					layout = "a"
				}
				job := &Job{IDs: ids, Client: client, Concurrency: 4, Dataset: ds, OutDir: t.TempDir(),
					View: fileView(s.partitioned, layout)}
				rep, err := job.Run(ctx)
				ds.Close()
				if err != nil {
					t.Fatalf("step %d: %v", i, err)
				}
				var dates int
				if rep.View != nil {
					dates = rep.View.Dates
				}
				if dates != s.wantDates {
					t.Errorf("step %d: %d partitions rebuilt; want %d", i, dates, s.wantDates)
				}
				want := map[string][]string{}
				for _, id := range slices.Sorted(maps.Keys(latest)) {
					part := latest[id].partition()
					if !s.partitioned {
						part = "calls"
					}
					want[part] = append(want[part], id)
				}
				if got := viewCalls(t, root); !maps.EqualFunc(got, want, slices.Equal) {
					t.Errorf("step %d: view %v, want %v", i, got, want)
				}
			}
			if l, _ := filepath.Glob(filepath.Join(root, ".staging-*")); len(l) > 0 {
				t.Errorf("staging left: %v", l)
			}
		})
	}
}

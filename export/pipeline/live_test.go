package pipeline

import (
	"context"
	"encoding/json"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
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
func fileView(partitioned bool, layout string, live int) *dataset.View {
	return &dataset.View{Name: "v", Layout: layout, Partitioned: partitioned, Live: live,
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
	return os.WriteFile(filepath.Join(dir, filepath.Base(w.dir)+"-"+c.CallID), nil, 0o644)
}

func (w *fileViewWriter) Close() error { return nil }

// viewCalls reads a published fileView: partition -> call ids, and fails
// on a call that is there twice.
func viewCalls(t *testing.T, root string) map[string][]string {
	t.Helper()
	got := map[string][]string{}
	seen := map[string]bool{}
	filepath.WalkDir(filepath.Join(root, "v", "calls"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		id := d.Name()[strings.LastIndex(d.Name(), "-")+1:]
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
	return got
}

// liveCall is a call of the fake API for the live view tests: day is its
// start date in November 2026 (0: no start, an ongoing call).
type liveCall struct {
	n   int
	day int
}

func (c liveCall) body() []byte {
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

func (c liveCall) partition() string {
	if c.day == 0 {
		return export.PartitionDir("")
	}
	return export.PartitionDir(time.Date(2026, 11, c.day, 0, 0, 0, 0, time.UTC).Format(time.DateOnly))
}

// liveAPI starts a fake API without calls and a client of it.
func liveAPI(t *testing.T) (*fakeapi.Server, *retell.Client) {
	t.Helper()
	srv := fakeapi.NewServer(fakeapi.Options{})
	t.Cleanup(srv.Close)
	client, err := retell.NewClient(retell.ClientConfig{BaseURL: srv.URL, Key: srv.Key(), KeySource: "test", Pacer: pacing.NewPacer(0, 1, 4), Concurrency: 4})
	if err != nil {
		t.Fatal(err)
	}
	return srv, client
}

// A run writes as the calls arrive the partitions that had no call before
// it, and reads the others back from the archive; either way the view has
// every archived call once, in its latest version's partition.
func TestLiveView(t *testing.T) {
	type step struct {
		calls       []liveCall // served (latest versions) and fetched
		layout      string     // "" is "a"
		partitioned bool
		live        int // View.Live; 0 is 8
		wantDates   int // partitions rebuilt
		wantLive    int // of them written live
	}
	days := func(n0 int, days ...int) []liveCall {
		var cs []liveCall
		for i, d := range days {
			cs = append(cs, liveCall{n0 + i, d})
		}
		return cs
	}
	for _, tc := range []struct {
		name  string
		steps []step
	}{
		{"fresh dataset: every date live", []step{
			{calls: days(0, 1, 1, 2, 3, 3), partitioned: true, wantDates: 3, wantLive: 3},
		}},
		{"next window: new date live, a date with calls read back", []step{
			{calls: days(0, 1, 1, 2), partitioned: true, wantDates: 2, wantLive: 2},
			{calls: days(10, 2, 3, 3), partitioned: true, wantDates: 2, wantLive: 1},
		}},
		{"a re-run of the same window: nothing fetched, nothing rebuilt", []step{
			{calls: days(0, 1, 2), partitioned: true, wantDates: 2, wantLive: 2},
			{calls: days(0, 1, 2), partitioned: true},
		}},
		{"more new dates than Live: the rest read back", []step{
			{calls: days(0, 1, 2, 3, 4, 5, 1, 5), partitioned: true, live: 2, wantDates: 5, wantLive: 2},
		}},
		{"an ongoing call that gets a start on a new date moves there", []step{
			{calls: days(0, 0, 1), partitioned: true, wantDates: 2, wantLive: 2},
			{calls: days(0, 4), partitioned: true, wantDates: 2, wantLive: 1},
		}},
		{"unpartitioned: live on an empty archive only", []step{
			{calls: days(0, 1, 2), wantDates: 2, wantLive: 2},
			{calls: days(10, 3), wantDates: 3, wantLive: 0},
		}},
		{"a layout change reads everything back", []step{
			{calls: days(0, 1), partitioned: true, wantDates: 1, wantLive: 1},
			{calls: days(10, 2), partitioned: true, layout: "b", wantDates: 2, wantLive: 0},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			root := t.TempDir()
			srv, client := liveAPI(t)
			latest := map[string]liveCall{}
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
				live := s.live
				if live == 0 {
					live = 8
				}
				job := &Job{IDs: ids, Client: client, Concurrency: 4, Dataset: ds, OutDir: t.TempDir(),
					View: fileView(s.partitioned, layout, live)}
				rep, err := job.Run(ctx)
				ds.Close()
				if err != nil {
					t.Fatalf("step %d: %v", i, err)
				}
				var dates, lived int
				if rep.View != nil {
					dates, lived = rep.View.Dates, rep.View.Live
				}
				if dates != s.wantDates || lived != s.wantLive {
					t.Errorf("step %d: %d partitions rebuilt, %d of them live; want %d, %d", i, dates, lived, s.wantDates, s.wantLive)
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

// Live partitions whose counts the index does not confirm are not
// published: the rebuild reads those dates back, and says so.
func TestLiveViewMismatchIsReadBack(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	srv, client := liveAPI(t)
	var ids []string
	for i := range 4 {
		id, _ := srv.AddCall(liveCall{i, 1}.body())
		ids = append(ids, id)
	}
	st, _ := store.OpenDir(root)
	var warned []string
	ds, err := dataset.OpenDataset(ctx, st, dataset.DatasetOptions{Warn: func(m string) { warned = append(warned, m) }})
	if err != nil {
		t.Fatal(err)
	}
	defer ds.Close()
	v := fileView(true, "a", 8)
	// Start a live view on the empty dataset, archive the calls without a
	// view, then let the live writer see only 3 of the 4.
	live, err := ds.StartLive(ctx, v)
	if err != nil || live == nil {
		t.Fatalf("StartLive = %v, %v", live, err)
	}
	if _, err := (&Job{IDs: ids, Client: client, Concurrency: 4, Dataset: ds, OutDir: t.TempDir()}).Run(ctx); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		c, err := export.DecodeCall(liveCall{i, 1}.body())
		if err != nil {
			t.Fatal(err)
		}
		live.Write(c)
	}
	res, err := ds.RebuildView(ctx, v, live)
	if err != nil {
		t.Fatal(err)
	}
	if res.Live != 0 || res.Calls != 4 {
		t.Errorf("rebuild: %d live partitions, %d calls; want 0 and 4", res.Live, res.Calls)
	}
	if got := viewCalls(t, root)[liveCall{0, 1}.partition()]; len(got) != 4 {
		t.Errorf("view holds %v, want the 4 calls", got)
	}
	if !slices.ContainsFunc(warned, func(m string) bool { return strings.Contains(m, "do not match the archive") }) {
		t.Errorf("no warning: %q", warned)
	}
}

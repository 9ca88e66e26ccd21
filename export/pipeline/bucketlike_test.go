package pipeline_test

import (
	"context"
	"testing"

	"github.com/retell-export/retell-export/export"
	"github.com/retell-export/retell-export/export/archive"
	"github.com/retell-export/retell-export/export/dataset"
	"github.com/retell-export/retell-export/export/fakeapi"
	"github.com/retell-export/retell-export/export/pacing"
	"github.com/retell-export/retell-export/export/pipeline"
	"github.com/retell-export/retell-export/export/retell"
	"github.com/retell-export/retell-export/export/store"
	"github.com/retell-export/retell-export/formats"
)

// remote is a local directory that says it is not one, so the dataset
// takes the paths it takes for a bucket: archive segments spooled and
// uploaded whole, rotated by count; view files staged in a temporary
// directory and uploaded.
type remote struct{ store.Store }

func (remote) Dir() (string, bool) { return "", false }

func TestDatasetOnAStoreWithoutLocalFiles(t *testing.T) {
	ctx := context.Background()
	dir, _ := store.OpenDir(t.TempDir())
	st := remote{dir}
	srv := fakeapi.NewServer(fakeapi.Options{Synthetic: 25, SyntheticTurns: 2})
	defer srv.Close()
	var ids []string
	for i := range 25 {
		ids = append(ids, fakeapi.SyntheticID(i))
	}
	client, err := retell.NewClient(retell.ClientConfig{BaseURL: srv.URL, Key: srv.Key(), KeySource: "test", Pacer: pacing.NewPacer(0, 1, 4), Concurrency: 4})
	if err != nil {
		t.Fatal(err)
	}
	run := func() *pipeline.Report {
		ds, err := dataset.OpenDataset(ctx, st, dataset.DatasetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		defer ds.Close()
		opts := formats.ParquetOptions{PartitionByDate: true, Run: ds.Run}
		job := &pipeline.Job{IDs: ids, Client: client, Concurrency: 4, Dataset: ds, OutDir: t.TempDir(),
			Rotation: archive.WriterOptions{RotateRecords: 10},
			View: &dataset.View{Name: "parquet", Layout: "test", Partitioned: true,
				New: func(dir string) (export.Writer, error) { return formats.NewParquet(dir, opts) }}}
		rep, err := job.Run(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	rep := run()
	if len(rep.Archive) != 3 || rep.Counts.Fetched != 25 || rep.View == nil || rep.View.Calls != 25 {
		t.Fatalf("first run: %d segments %v, %d fetched, view %+v; want 3 segments of at most 10 calls and 25 calls in the view", len(rep.Archive), rep.Archive, rep.Counts.Fetched, rep.View)
	}
	rep = run() // everything archived and settled: nothing fetched, nothing rebuilt
	if rep.Counts.Fetched != 0 || rep.Counts.FromArchive != 25 || (rep.View != nil && rep.View.Dates != 0) {
		t.Errorf("second run: %+v, view %+v", rep.Counts, rep.View)
	}
	es, err := dir.List(ctx, "parquet/calls/")
	if err != nil || len(es) == 0 {
		t.Fatalf("no calls table in the store: %v", err)
	}
}

package dataset

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/retell-export/retell-export/export"
	"github.com/retell-export/retell-export/export/archive"
)

// A View is an output that mirrors the whole dataset, not one run: the
// Parquet tables. It is rebuilt from the archive, date partition by date
// partition, for the dates whose calls changed (or every date when its
// layout changed), so that every archived call is in it exactly once, in
// its latest version, whatever runs built the dataset. A partition's calls
// are written in call order (start, then id: archive.ReadSorted), so the
// same calls make the same files whatever order they were fetched in.
type View struct {
	Name        string // its directory in the store, e.g. "parquet"
	Layout      string // partitioning, schema and tables: a change rebuilds every partition
	Partitioned bool   // by start date (Hive date=YYYY-MM-DD directories)
	// New returns a writer of the view's files for the calls it is given,
	// under dir (a local staging directory), as
	// <Name>/<table>/[<partition>/]<file>.
	// Published files are named after their content,
	// part-<first 16 hex digits of its SHA-256><ext>, whatever their staged
	// names: a partition rebuilt with the same calls keeps its file names
	// and bytes, and is neither uploaded nor replaced again.
	New func(dir string) (export.Writer, error)
}

// stagingPrefix starts the name of the local staging directory in a local
// store; a killed run's is removed by the next run.
const stagingPrefix = ".staging-"

// ViewResult is what a view rebuild did, for run.json.
type ViewResult struct {
	Full       bool `json:"full_rebuild,omitempty"`
	Dates      int  `json:"partitions_rebuilt"`
	Calls      int  `json:"calls"`
	Files      int  `json:"files_written"`   // new or changed files published
	Unchanged  int  `json:"files_unchanged"` // rebuilt files identical to the published ones
	Removed    int  `json:"files_replaced"`
	BadRecords int  `json:"bad_records,omitempty"`
	Writer     any  `json:"writer,omitempty"`
}

// RebuildView brings a view up to date with the archive.
func (ds *Dataset) RebuildView(ctx context.Context, v *View) (*ViewResult, error) {
	res := &ViewResult{Full: ds.Archive.ViewLayout(v.Name) != v.Layout}
	dates := ds.Archive.Dirty()
	if len(dates) == 0 && !res.Full {
		return res, nil
	}
	if res.Full || !v.Partitioned {
		// An unpartitioned table is one file set: any change rewrites it.
		all, err := ds.Archive.Dates(ctx)
		if err != nil {
			return nil, err
		}
		dates, res.Full = all, true
	}
	dates = callOrder(dates)
	staging, cleanup, err := ds.StagingDir()
	if err != nil {
		return nil, err
	}
	defer cleanup()
	if err := ds.writeView(ctx, v, staging, dates, res); err != nil {
		return nil, err
	}
	res.Dates = len(dates)
	if err := ds.publish(ctx, v, staging, dates, res); err != nil {
		return nil, err
	}
	if err := ds.Archive.ViewBuilt(ctx, v.Name, v.Layout, dates); err != nil {
		return nil, err
	}
	return res, nil
}

// callOrder puts dates in the order calls are written: by date, calls
// without a start (archive.NoDate) last, as the CSV tables have them.
func callOrder(dates []string) []string {
	dates = slices.Clone(dates)
	slices.Sort(dates)
	if len(dates) > 0 && dates[0] == export.NoDate {
		dates = append(dates[1:], export.NoDate)
	}
	return dates
}

// writeView writes the calls of dates into staging with a new writer.
func (ds *Dataset) writeView(ctx context.Context, v *View, staging string, dates []string, res *ViewResult) error {
	w, err := v.New(staging)
	if err != nil {
		return fmt.Errorf("%s: %w", v.Name, err)
	}
	for _, d := range dates {
		if err := ds.writeDate(ctx, w, d, res); err != nil {
			// The staging directory goes with its clean-up, whatever Abort says.
			return errors.Join(fmt.Errorf("rebuild %s (%s): %w", v.Name, export.PartitionDir(d), err), export.Abort(w))
		}
	}
	if err := w.Close(); err != nil {
		return err
	}
	if rp, ok := w.(export.Reporter); ok {
		_, res.Writer = rp.Output()
	}
	return nil
}

// PublishStaged publishes a view written outside the archive (the
// Parquet tables of calls replayed with --from): it replaces every file of
// the view. The view then no longer mirrors the archive, so the next run
// that rebuilds it from the archive rebuilds it whole.
func (ds *Dataset) PublishStaged(ctx context.Context, v *View, staging string) (*ViewResult, error) {
	res := &ViewResult{Full: true}
	// Before the first file moves: a run killed during the publish, or
	// after it, must not leave a view the index says mirrors the archive.
	if err := ds.Archive.ViewBuilt(ctx, v.Name, "", nil); err != nil {
		return nil, err
	}
	if err := ds.publish(ctx, v, staging, nil, res); err != nil {
		return nil, err
	}
	return res, nil
}

// writeDate feeds the latest version of every call of a date to w, in
// call order, decoded on every core.
func (ds *Dataset) writeDate(ctx context.Context, w export.Writer, date string, res *ViewResult) error {
	es, err := ds.Archive.DateEntries(ctx, date)
	if err != nil {
		return err
	}
	produce := func(send func([]byte, string, time.Time) error) error {
		return ds.Archive.ReadSorted(ctx, es, func(r archive.Record) error {
			return send(r.Body, fmt.Sprintf("%s@%d", r.Seg, r.Off), r.Fetched)
		})
	}
	return export.DecodeAll(ctx, produce, func(c *export.Call) error {
		res.Calls++
		return w.Write(c)
	}, func(where string, err error) {
		// Indexed, so its id was readable; the rest is not: keep going,
		// the run's warnings and run.json say so.
		ds.warn(fmt.Sprintf("skipping saved record %s: %v", where, err))
		res.BadRecords++
	})
}

// StagingDir returns a local directory for files to publish: inside a
// local store (so publishing is a rename), else a temporary directory.
// The func removes it.
func (ds *Dataset) StagingDir() (string, func(), error) {
	var dir string
	var err error
	if root, ok := ds.Store.Dir(); ok {
		dir = filepath.Join(root, stagingPrefix+ds.Run)
		err = os.MkdirAll(dir, 0o755)
	} else {
		dir, err = os.MkdirTemp("", "retell-export-staging-*")
	}
	if err != nil {
		return "", nil, fmt.Errorf("staging directory: %w", err)
	}
	return dir, func() { os.RemoveAll(dir) }, nil
}

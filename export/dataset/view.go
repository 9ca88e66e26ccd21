package dataset

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/retell-export/retell-export/export"
	"github.com/retell-export/retell-export/export/archive"
	"github.com/retell-export/retell-export/export/store"
)

// A View is an output that mirrors the whole dataset, not one run: the
// Parquet tables. It is rebuilt from the archive, date partition by date
// partition, for the dates whose calls changed (or every date when its
// layout changed), so that every archived call is in it exactly once, in
// its latest version, whatever runs built the dataset.
type View struct {
	Name        string // its directory in the store, e.g. "parquet"
	Layout      string // partitioning, schema and tables: a change rebuilds every partition
	Partitioned bool   // by start date (Hive date=YYYY-MM-DD directories)
	// New returns a writer of the view's files for the calls it is given,
	// under dir (a local staging directory), as
	// <Name>/<table>/[<partition>/]<file>.
	// File names must carry the run id, so they never collide with the
	// files of an earlier run.
	New func(dir string) (export.Writer, error)
	// Live is how many new partitions a fetch may write as its calls
	// arrive (see Live); 0 rebuilds every one from the archive.
	Live int
}

// stagingPrefix starts the name of the local staging directory in a local
// store; a killed run's is removed by the next run.
const stagingPrefix = ".staging-"

// publishName is the journal of a publish in progress, at the root of the
// dataset (apart from the index, which a rebuild of the index removes).
const publishName = ".publish.json"

// publishPlan is the journal of a publish: written before the first new
// file appears, removed after the last old file went. A run that finds one
// finishes it (every new file is there: remove the old ones) or undoes it
// (remove the new files; the old ones are all still there).
type publishPlan struct {
	Run string   `json:"run"`
	New []string `json:"new"`
	Old []string `json:"old"`
}

// ViewResult is what a view rebuild did, for run.json.
type ViewResult struct {
	Full       bool     `json:"full_rebuild,omitempty"`
	Dates      int      `json:"partitions_rebuilt"`
	Live       int      `json:"partitions_written_live,omitempty"` // of Dates: written as the calls arrived, not read back
	Calls      int      `json:"calls"`
	Files      int      `json:"files_written"`
	Removed    int      `json:"files_replaced"`
	BadRecords int      `json:"bad_records,omitempty"`
	Writer     any      `json:"writer,omitempty"`
	Partitions []string `json:"-"`
}

// RebuildView brings a view up to date with the archive; the dates live
// (nil for none) wrote as the calls arrived are not read back (see Live).
func (ds *Dataset) RebuildView(ctx context.Context, v *View, live *Live) (*ViewResult, error) {
	res := &ViewResult{Full: ds.Archive.ViewLayout(v.Name) != v.Layout}
	dates := ds.Archive.Dirty()
	if res.Full || !v.Partitioned {
		if len(dates) == 0 && !res.Full {
			if live != nil {
				live.Discard()
			}
			return res, nil
		}
		// An unpartitioned table is one file set: any change rewrites it.
		all, err := ds.Archive.Dates(ctx)
		if err != nil {
			return nil, err
		}
		dates, res.Full = all, true
	}
	if len(dates) == 0 && !res.Full {
		if live != nil {
			live.Discard()
		}
		return res, nil
	}
	w, staging, cleanup, written, err := ds.viewWriter(ctx, v, live, dates)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	for _, d := range dates {
		if n, ok := written[d]; ok {
			res.Calls += n
			res.Live++
			continue
		}
		if err := ds.writeDate(ctx, w, d, res); err != nil {
			// The staging directory goes with cleanup, whatever Abort says.
			return nil, errors.Join(fmt.Errorf("rebuild %s (%s): %w", v.Name, export.PartitionDir(d), err), export.Abort(w))
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	if rp, ok := w.(export.Reporter); ok {
		_, res.Writer = rp.Output()
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

// viewWriter returns the writer of a rebuild, its staging directory and
// the dates already written: live's, when the index confirms them, else a
// new writer that has written nothing.
func (ds *Dataset) viewWriter(ctx context.Context, v *View, live *Live, dates []string) (export.Writer, string, func(), map[string]int, error) {
	if live != nil {
		w, staging, cleanup, written := live.take()
		ok, err := ds.checkLive(ctx, written, dates)
		if ok {
			return w, staging, cleanup, written, nil
		}
		if aerr := export.Abort(w); aerr != nil {
			ds.warn(fmt.Sprintf("%s: discarding the partitions written during the run: %v", v.Name, aerr))
		}
		cleanup()
		if err != nil {
			return nil, "", nil, nil, err
		}
		ds.warn(fmt.Sprintf("%s: the partitions written during the run do not match the archive; rebuilding them from it", v.Name))
	}
	staging, cleanup, err := ds.StagingDir()
	if err != nil {
		return nil, "", nil, nil, err
	}
	w, err := v.New(staging)
	if err != nil {
		cleanup()
		return nil, "", nil, nil, err
	}
	return w, staging, cleanup, nil, nil
}

// PublishStaged publishes a view written outside the archive (the
// Parquet tables of calls replayed with --from): it replaces every file of
// the view. The view then no longer mirrors the archive, so the next run
// that rebuilds it from the archive rebuilds it whole.
func (ds *Dataset) PublishStaged(ctx context.Context, v *View, staging string) (*ViewResult, error) {
	res := &ViewResult{Full: true}
	if err := ds.publish(ctx, v, staging, nil, res); err != nil {
		return nil, err
	}
	if err := ds.Archive.ViewBuilt(ctx, v.Name, "", nil); err != nil {
		return nil, err
	}
	return res, nil
}

// writeDate feeds the latest version of every call of a date to w,
// decoded on every core.
func (ds *Dataset) writeDate(ctx context.Context, w export.Writer, date string, res *ViewResult) error {
	es, err := ds.Archive.DateEntries(ctx, date)
	if err != nil {
		return err
	}
	produce := func(send func([]byte, string) error) error {
		return ds.Archive.Read(ctx, es, func(e archive.Entry, body []byte) error {
			return send(body, fmt.Sprintf("%s@%d", e.Seg, e.Off))
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

// publish moves the staged files of a view into the store and removes the
// files they replace: every file of the rebuilt partitions (every file of
// the view on a full rebuild, which also removes an old layout's files).
func (ds *Dataset) publish(ctx context.Context, v *View, staging string, dates []string, res *ViewResult) error {
	plan := publishPlan{Run: ds.Run}
	local := map[string]string{}
	err := filepath.WalkDir(staging, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(staging, p)
		name := filepath.ToSlash(rel)
		local[name] = p
		plan.New = append(plan.New, name)
		return err
	})
	if err != nil {
		return fmt.Errorf("publish %s: %w", v.Name, err)
	}
	existing, err := ds.Store.List(ctx, v.Name+"/")
	if err != nil {
		return fmt.Errorf("publish %s: %w", v.Name, err)
	}
	replaced := map[string]bool{}
	for _, d := range dates {
		replaced[export.PartitionDir(d)] = true
	}
	for _, e := range existing {
		if _, isNew := local[e.Name]; isNew || store.IsTemp(e.Name) {
			continue
		}
		// <view>/<table>/<partition>/<file>
		parts := strings.Split(e.Name, "/")
		if res.Full || (len(parts) == 4 && replaced[parts[2]]) {
			plan.Old = append(plan.Old, e.Name)
		}
	}
	slices.Sort(plan.New)
	b, err := json.Marshal(plan)
	if err != nil {
		return fmt.Errorf("publish %s: %w", v.Name, err)
	}
	if err := store.WriteAll(ctx, ds.Store, publishName, b); err != nil {
		return fmt.Errorf("publish %s: %w", v.Name, err)
	}
	for _, name := range plan.New {
		if err := store.PutFile(ctx, ds.Store, name, local[name]); err != nil {
			return fmt.Errorf("publish %s: %w", name, err)
		}
	}
	if err := ds.finishPublish(ctx, plan); err != nil {
		return err
	}
	res.Files, res.Removed = len(plan.New), len(plan.Old)
	return nil
}

func (ds *Dataset) finishPublish(ctx context.Context, plan publishPlan) error {
	for _, name := range plan.Old {
		if err := ds.Store.Remove(ctx, name); err != nil {
			return fmt.Errorf("publish: remove %s: %w", name, err)
		}
	}
	if err := ds.Store.Remove(ctx, publishName); err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	return nil
}

// recoverPublish finishes or undoes a publish a killed run left. Its
// dates stay dirty either way (the manifest was not updated), so the next
// view rebuild redoes them.
func (ds *Dataset) recoverPublish(ctx context.Context) error {
	b, err := store.ReadAll(ctx, ds.Store, publishName)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	var plan publishPlan
	if err == nil {
		err = json.Unmarshal(b, &plan)
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", publishName, err)
	}
	have := map[string]bool{}
	for _, name := range plan.New {
		if r, err := ds.Store.OpenRange(ctx, name, 0, 0); err == nil {
			r.Close()
			have[name] = true
		}
	}
	if len(have) == len(plan.New) {
		ds.warn(fmt.Sprintf("finishing the Parquet publish of run %s, which did not finish", plan.Run))
		return ds.finishPublish(ctx, plan)
	}
	ds.warn(fmt.Sprintf("undoing the Parquet publish of run %s, which did not finish", plan.Run))
	for name := range have {
		if err := ds.Store.Remove(ctx, name); err != nil {
			return fmt.Errorf("undo publish: %w", err)
		}
	}
	return ds.Store.Remove(ctx, publishName)
}

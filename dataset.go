package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/retell-export/retell-export/export"
	"github.com/retell-export/retell-export/export/store/bucket"
	"github.com/retell-export/retell-export/formats"
)

// openOutput opens --out as a dataset for a run that writes files: it
// takes the lock (exit 5 if another run holds it), cleans up after a
// killed run and brings the archive index up to date.
func openOutput(ctx context.Context, c *config, warn func(string)) (*export.Dataset, error) {
	st, err := bucket.Open(ctx, c.out)
	if err != nil {
		return nil, fmt.Errorf("--out: %w", err)
	}
	if _, local := st.Dir(); !local {
		// A missing bucket, denied access or expired credentials stop the
		// run here, before any call is fetched.
		if err := bucket.Probe(ctx, st); err != nil {
			st.Close()
			return nil, fmt.Errorf("--out: %w", err)
		}
	}
	ds, err := export.OpenDataset(ctx, st, export.DatasetOptions{
		Warn: warn,
		Bad:  func(where string, err error) { warn(fmt.Sprintf("skipping saved record %s: %v", where, err)) },
	})
	if err != nil {
		st.Close()
		return nil, err
	}
	return ds, nil
}

// incrementalWindow sets the listing window of an --incremental run: from
// the state's high-water mark minus --lookback (or --since on a first
// run) to --until or now.
func incrementalWindow(c *config, st *export.State, now time.Time) error {
	switch {
	case c.since != "":
		// An explicit --since wins: a first run, or a deliberate re-scan.
	case st.HighWater == 0:
		return usageError{errors.New("a first --incremental run needs --since (later runs continue from where the last one stopped)")}
	default:
		c.filter.Since = time.UnixMilli(st.HighWater).Add(-c.lookback)
	}
	if c.until == "" {
		c.filter.Until = now
	}
	return nil
}

func parquetOptions(c *config, run string) formats.ParquetOptions {
	return formats.ParquetOptions{PartitionByDate: c.partition == "date", Words: c.words, ToolVersion: c.version, Run: run}
}

// parquetView is the Parquet tables as a view of the dataset's archive.
func parquetView(c *config, run string) *export.View {
	opts := parquetOptions(c, run)
	layout := fmt.Sprintf("partition=%s words=%t schema=%s", c.partition, c.words, formats.SchemaVersion)
	return &export.View{
		Name: "parquet", Layout: layout, Partitioned: opts.PartitionByDate,
		New: func(dir string) (export.Writer, error) { return formats.NewParquet(dir, opts) },
		// As many new dates as the writer keeps open: a live partition
		// is never evicted, so it stays one file per table.
		Live: formats.DefaultOpenPartitions,
	}
}

// reportPlaceholders are what --report-dir may contain.
var reportPlaceholders = []string{"{since}", "{until}", "{started}"}

// reportDir expands --report-dir into a directory relative to --out
// (slash-separated; "." for --out itself). Times are
// written in --tz: a date for midnight, else date and time
// (2026-11-10T0600), so that names sort and carry the window they cover.
func reportDir(c *config, started time.Time) (string, error) {
	dir := c.reportDir
	stamp := func(t time.Time) string {
		t = t.In(c.loc)
		if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
			return t.Format("2006-01-02")
		}
		return t.Format("2006-01-02T1504")
	}
	for _, p := range []struct {
		key string
		t   time.Time
	}{{"{since}", c.filter.Since}, {"{until}", c.filter.Until}, {"{started}", started}} {
		if !strings.Contains(dir, p.key) {
			continue
		}
		if p.t.IsZero() {
			return "", usageError{fmt.Errorf("--report-dir %q: %s needs a listing window (--since, --until or --incremental)", c.reportDir, p.key)}
		}
		dir = strings.ReplaceAll(dir, p.key, stamp(p.t))
	}
	clean := path.Clean(filepath.ToSlash(dir))
	if path.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../") {
		return "", usageError{fmt.Errorf("--report-dir %q: want a directory inside --out", c.reportDir)}
	}
	for _, reserved := range []string{"raw", "parquet"} {
		if clean == reserved || strings.HasPrefix(clean, reserved+"/") {
			return "", usageError{fmt.Errorf("--report-dir %q: %s/ belongs to the dataset", c.reportDir, reserved)}
		}
	}
	return clean, nil
}

// reportsLocally returns where this run writes its reports: the report
// directory in a local --out, else a local temporary directory whose
// files upload (after the run) copies into the bucket.
func reportsLocally(ds *export.Dataset, rel string) (dir string, upload func(context.Context) error, err error) {
	if root, ok := ds.Store.Dir(); ok {
		return filepath.Join(root, filepath.FromSlash(rel)), func(context.Context) error { return nil }, nil
	}
	tmp, err := os.MkdirTemp("", "retell-export-reports-*")
	if err != nil {
		return "", nil, fmt.Errorf("reports: %w", err)
	}
	return tmp, func(ctx context.Context) error {
		defer os.RemoveAll(tmp)
		if rel == "." {
			rel = ""
		}
		return ds.Upload(ctx, tmp, rel)
	}, nil
}

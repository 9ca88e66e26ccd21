package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/retell-export/retell-export/export/dataset"
	"github.com/retell-export/retell-export/export/pipeline"
	"github.com/retell-export/retell-export/export/store"
	"github.com/retell-export/retell-export/export/store/bucket"
)

// openLocation opens a location a user named: main is the one package that
// links the cloud SDKs (docs/architecture.md).
func openLocation(ctx context.Context, location string) (store.Store, error) {
	return bucket.Open(ctx, location)
}

// openOutput opens --out as a dataset for a run that writes files: it
// takes the lock (exit 5 if another run holds it), cleans up after a
// killed run and brings the archive index up to date.
func openOutput(ctx context.Context, c *config, warn func(string)) (*dataset.Dataset, error) {
	st, err := openLocation(ctx, c.out)
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
	ds, err := dataset.OpenDataset(ctx, st, dataset.DatasetOptions{
		Warn: warn,
		Bad:  func(where string, err error) { warn(fmt.Sprintf("skipping saved record %s: %v", where, err)) },
	})
	if err != nil {
		st.Close()
		return nil, err
	}
	return ds, nil
}

// incrementalWindow sets the listing window of an --incremental run (see
// dataset.State.Window).
func incrementalWindow(c *config, st *dataset.State, now time.Time) error {
	var err error
	c.filter.Since, c.filter.Until, err = st.Window(c.filter.Since, c.filter.Until, c.lookback, now)
	if errors.Is(err, dataset.ErrNoHighWater) {
		return usageError{errors.New("a first --incremental run needs --since (later runs continue from where the last one stopped)")}
	}
	return err
}

// reportDir expands --report-dir (see dataset.ReportDir).
func reportDir(c *config, started time.Time) (string, error) {
	rel, err := dataset.ReportDir(c.reportDir, dataset.ReportTimes{Since: c.filter.Since, Until: c.filter.Until, Started: started, Loc: c.loc})
	switch {
	case errors.Is(err, dataset.ErrNeedsWindow):
		return "", usageError{fmt.Errorf("--report-dir %q: %w (--since, --until or --incremental)", c.reportDir, err)}
	case err != nil:
		return "", usageError{fmt.Errorf("--report-dir %q: %w", c.reportDir, err)}
	}
	return rel, nil
}

// setUpOutput points the job at the dataset and the reports' directory,
// and stages the Parquet tables of a replay. It returns the reports'
// directory as the user names it, the staging directory ("" for none),
// the upload of the reports into a bucket and the clean-up of the staging.
func setUpOutput(c *config, job *pipeline.Job, ds *dataset.Dataset, started time.Time) (reportsAt, staged string, upload func(context.Context) error, cleanup func(), err error) {
	cleanup = func() {}
	rel, err := reportDir(c, started)
	if err != nil {
		return "", "", nil, cleanup, err
	}
	if c.reports, upload, err = ds.LocalReports(rel); err != nil {
		return "", "", nil, cleanup, err
	}
	job.OutDir, job.Dataset = c.reports, ds
	if slices.Contains(c.formatList(), "parquet") {
		if c.from == "" {
			job.View = parquetView(c, ds.Run)
		} else if staged, cleanup, err = ds.StagingDir(); err != nil {
			return "", "", upload, func() {}, err
		}
	}
	return inOut(c.out, rel), staged, upload, cleanup, nil
}

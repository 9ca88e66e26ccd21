package dataset

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// The dataset's own directories: a run's reports may not go there.
const (
	ArchiveDir  = "raw"     // the archive and its index
	ParquetView = "parquet" // the Parquet tables, a view of the archive
	KitDir      = "kit"     // the loader kit of the Parquet tables
)

// ErrNeedsWindow is a report directory that names the listing window
// ({since}, {until}) of a run that has none.
var ErrNeedsWindow = errors.New("needs a listing window")

// ReportTimes are the times a report directory's placeholders stand for.
type ReportTimes struct {
	Since, Until, Started time.Time
	Loc                   *time.Location // the zone the names are written in
}

// ReportDir expands a report directory pattern into a directory relative
// to the dataset's root (slash-separated; "." for the root itself).
// {since}, {until} and {started} become times in t.Loc: a date for
// midnight, else date and time (2026-11-10T0600), so that names sort and
// carry the window they cover. The directory must stay inside the
// dataset and out of its own directories.
func ReportDir(pattern string, t ReportTimes) (string, error) {
	dir := pattern
	stamp := func(at time.Time) string {
		at = at.In(t.Loc)
		if at.Hour() == 0 && at.Minute() == 0 && at.Second() == 0 {
			return at.Format(time.DateOnly)
		}
		return at.Format("2006-01-02T1504")
	}
	for _, p := range []struct {
		key string
		at  time.Time
	}{{"{since}", t.Since}, {"{until}", t.Until}, {"{started}", t.Started}} {
		if !strings.Contains(dir, p.key) {
			continue
		}
		if p.at.IsZero() {
			return "", fmt.Errorf("%s %w", p.key, ErrNeedsWindow)
		}
		dir = strings.ReplaceAll(dir, p.key, stamp(p.at))
	}
	clean := path.Clean(filepath.ToSlash(dir))
	if path.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../") {
		return "", errors.New("want a directory inside the output")
	}
	for _, reserved := range []string{ArchiveDir, ParquetView, KitDir} {
		if clean == reserved || strings.HasPrefix(clean, reserved+"/") {
			return "", fmt.Errorf("%s/ belongs to the dataset", reserved)
		}
	}
	return clean, nil
}

// LocalReports returns where a run writes its reports, rel being their
// directory in the dataset: that directory itself in a local store, else
// a local temporary directory whose files upload copies into the bucket
// (each appears whole when its upload completes) and then removes.
func (ds *Dataset) LocalReports(rel string) (dir string, upload func(context.Context) error, err error) {
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

package dataset

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/retell-export/retell-export/export"
	"github.com/retell-export/retell-export/export/archive"
	"github.com/retell-export/retell-export/export/store"
)

// Dataset is an output directory (or bucket prefix) opened by a run: the
// archive (raw/, the log), its index, the Parquet view of it, the state
// of incremental runs, and the lock that makes the run its only writer.
type Dataset struct {
	Store   store.Store
	Archive *archive.Archive
	State   *State
	// Run names this run: UTC start time and a random suffix (its staging
	// directory and its publish journal carry it).
	Run  string
	lock store.Lock
	warn func(string)
	now  func() time.Time
}

// lockName is the lock file at the root of the dataset.
const lockName = ".lock"

// DatasetOptions configure OpenDataset.
type DatasetOptions struct {
	Warn func(msg string)
	Now  func() time.Time
	// Bad receives saved records the index cannot use.
	Bad func(where string, err error)
}

// OpenDataset takes the dataset's lock (a *store.LockedError if another
// run holds it), cleans up after a run that was killed, finishes or undoes
// a Parquet publish it left half done, and opens the archive index,
// indexing segments it does not cover yet.
func OpenDataset(ctx context.Context, st store.Store, opts DatasetOptions) (_ *Dataset, err error) {
	if opts.Warn == nil {
		opts.Warn = func(string) {}
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	host, _ := os.Hostname()
	now := opts.Now()
	lock, err := st.Lock(ctx, lockName, store.Holder{PID: os.Getpid(), Host: host, Started: now.UTC()})
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			lock.Release()
		}
	}()
	ds := &Dataset{Store: st, lock: lock, warn: opts.Warn, now: opts.Now, Run: runID(now)}
	if h, took := lock.TookOver(); took {
		opts.Warn(fmt.Sprintf("the last run into %s (%s) did not finish; cleaning up after it", st, h))
		if err := ds.removeTemp(ctx); err != nil {
			return nil, err
		}
	}
	if err := ds.recoverPublish(ctx); err != nil {
		return nil, err
	}
	ds.Archive, err = archive.Open(ctx, archive.Options{Store: st, Dir: ArchiveDir, Extract: export.RecordMeta, Bad: opts.Bad, Now: opts.Now})
	if err != nil {
		return nil, err
	}
	if ds.State, err = loadState(ctx, st); err != nil {
		return nil, err
	}
	return ds, nil
}

func runID(now time.Time) string {
	var rnd [3]byte
	_, _ = rand.Read(rnd[:])
	return now.UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(rnd[:])
}

// Lost is closed if the lock can no longer be vouched for.
func (ds *Dataset) Lost() <-chan struct{} { return ds.lock.Lost() }

// Close releases the lock.
func (ds *Dataset) Close() error { return ds.lock.Release() }

// removeTemp removes what a killed run left: unfinished objects (hidden
// temporary files of a local store) and its staging directories.
func (ds *Dataset) removeTemp(ctx context.Context) error {
	es, err := ds.Store.List(ctx, "")
	if err != nil {
		return fmt.Errorf("clean up %s: %w", ds.Store, err)
	}
	n := 0
	for _, e := range es {
		if store.IsTemp(e.Name) || strings.HasPrefix(e.Name, stagingPrefix) {
			if err := ds.Store.Remove(ctx, e.Name); err != nil {
				return fmt.Errorf("clean up %s: %w", ds.Store, err)
			}
			n++
		}
	}
	// A listing names files only: a staging directory the run was killed
	// in before it wrote a file there (or after it removed them) is left
	// empty, and removed here.
	if d, ok := ds.Store.Dir(); ok {
		dirs, _ := filepath.Glob(filepath.Join(d, stagingPrefix+"*"))
		for _, dir := range dirs {
			if err := os.RemoveAll(dir); err != nil {
				return fmt.Errorf("clean up %s: %w", ds.Store, err)
			}
		}
	}
	if n > 0 {
		ds.warn(fmt.Sprintf("removed %d temporary files of the run that did not finish", n))
	}
	return nil
}

// ErrLockLost stops a run whose lock lease could not be renewed.
var ErrLockLost = errors.New("lost the lock on the output: another run may be writing it; stopping")

// Upload copies the files under a local directory into the store below
// prefix: the reports of a run whose dataset is in a bucket, written
// locally first (each appears whole when its upload completes).
func (ds *Dataset) Upload(ctx context.Context, dir, prefix string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		name := path.Join(prefix, filepath.ToSlash(rel))
		if err := store.PutFile(ctx, ds.Store, name, p); err != nil {
			return fmt.Errorf("upload %s: %w", name, err)
		}
		return nil
	})
}

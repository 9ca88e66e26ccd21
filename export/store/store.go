// Package store is where a dataset lives: a local directory, or a prefix
// in an object-storage bucket. Everything a run keeps under --out (the
// archive, its index, the Parquet tables, the state, the lock, the
// reports) goes through a Store, so the same guarantees hold in both
// places: an object appears whole or not at all, listing is by name
// prefix, and one run at a time holds the lock.
//
// Names are slash-separated paths relative to the store's root, such as
// "raw/index/manifest.json"; they never start with a slash or hold "..".
//
// This package is the standard library only: the interfaces, the local
// directory (Dir) and atomic local files. The buckets are in store/bucket,
// which only main imports, so that nothing else links a cloud SDK.
package store

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// A Store holds the objects of one dataset.
type Store interface {
	// Create starts writing an object. It appears whole at Commit, and
	// not at all after Abort or a crash; an earlier object of that name
	// stays readable until Commit replaces it.
	Create(ctx context.Context, name string) (Object, error)
	// Open reads an object; a missing one is an error matching
	// fs.ErrNotExist.
	Open(ctx context.Context, name string) (io.ReadCloser, error)
	// OpenRange reads length bytes of an object from offset; length < 0
	// reads to the end.
	OpenRange(ctx context.Context, name string, offset, length int64) (io.ReadCloser, error)
	// List returns the objects whose names start with prefix, sorted by
	// name. Unfinished objects (Create without Commit) are not listed,
	// except by a local store, whose hidden temporary files are, so that
	// a run can remove those a killed run left.
	List(ctx context.Context, prefix string) ([]Entry, error)
	// Remove deletes an object; a missing object is not an error.
	Remove(ctx context.Context, name string) error
	// Lock makes the caller the only run writing this store. If a live
	// run holds it, the error is a *LockedError naming that run. A lock
	// left by a run that no longer exists is taken over (Lock.TookOver).
	Lock(ctx context.Context, name string, me Holder) (Lock, error)
	// Dir returns the directory of a local store; ok is false for a
	// bucket.
	Dir() (dir string, ok bool)
	// String names the store in messages: a path, or a URL without
	// credentials.
	String() string
	// Close releases the store's connections.
	Close() error
}

// An Object is being written; see Store.Create.
type Object interface {
	io.Writer
	// Commit makes the object visible, whole. Commit after Commit or
	// Abort is a no-op.
	Commit() error
	// Abort discards what was written. Abort after Commit is a no-op.
	Abort() error
}

// Entry describes a listed object.
type Entry struct {
	Name    string
	Size    int64
	ModTime time.Time
}

// Holder describes the run that holds a lock.
type Holder struct {
	PID     int       `json:"pid"`
	Host    string    `json:"host"`
	Started time.Time `json:"started"`
	// Renewed is when a lease-based lock (object storage) was last
	// renewed; a lock not renewed for longer than its lease is stale.
	Renewed time.Time `json:"renewed,omitzero"`
}

func (h Holder) String() string {
	return fmt.Sprintf("pid %d on %s, started %s", h.PID, h.Host, h.Started.UTC().Format(time.RFC3339))
}

// A Lock is held until Release.
type Lock interface {
	// Lost is closed when the lock can no longer be vouched for (a lease
	// that could not be renewed): the run must stop writing.
	Lost() <-chan struct{}
	// TookOver returns the holder of a stale lock this lock replaced.
	TookOver() (Holder, bool)
	// Release gives the lock up.
	Release() error
}

// LockedError says that another live run holds the lock.
type LockedError struct {
	Where  string
	Holder Holder
}

func (e *LockedError) Error() string {
	return fmt.Sprintf("%s is in use by another run (%s)", e.Where, e.Holder)
}

// An Opener opens the store at a location a user named: a local path or
// an object-storage URL. Only main links the cloud SDKs, so packages that
// open locations are given one.
type Opener func(ctx context.Context, location string) (Store, error)

// IsURL reports whether location names object storage rather than a
// local path.
func IsURL(location string) bool {
	scheme, _, ok := strings.Cut(location, "://")
	return ok && scheme != "file"
}

// ReadAll reads a whole (small) object.
func ReadAll(ctx context.Context, s Store, name string) ([]byte, error) {
	r, err := s.Open(ctx, name)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

// WriteAll writes a whole (small) object.
func WriteAll(ctx context.Context, s Store, name string, data []byte) error {
	o, err := s.Create(ctx, name)
	if err != nil {
		return err
	}
	if _, err := o.Write(data); err != nil {
		o.Abort()
		return err
	}
	return o.Commit()
}

// PutFile moves a local file into the store under name: a rename into a
// local store (on the same file system), an upload into a bucket.
func PutFile(ctx context.Context, s Store, name, local string) error {
	if d, ok := s.(*Dir); ok {
		dst := d.Path(name)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.Rename(local, dst); err == nil {
			return nil
		}
	}
	f, err := os.Open(local)
	if err != nil {
		return err
	}
	defer f.Close()
	o, err := s.Create(ctx, name)
	if err != nil {
		return err
	}
	if _, err := io.Copy(o, f); err != nil {
		o.Abort()
		return err
	}
	return o.Commit()
}

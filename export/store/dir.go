package store

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// Dir is a Store in a local directory. Objects are files; an object being
// written is a hidden temporary file beside its final name
// (".<name>.tmp-*"), renamed into place at Commit.
type Dir struct {
	root string
}

var _ Store = (*Dir)(nil)

// OpenDir returns the store in dir, creating dir if needed.
func OpenDir(dir string) (*Dir, error) {
	if dir == "" {
		return nil, errors.New("no directory")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return &Dir{root: dir}, nil
}

// Path returns the file of an object.
func (d *Dir) Path(name string) string { return filepath.Join(d.root, filepath.FromSlash(name)) }

// Dir returns the store's directory.
func (d *Dir) Dir() (string, bool) { return d.root, true }

func (d *Dir) String() string { return d.root }

// Close does nothing: a directory holds no connection.
func (d *Dir) Close() error { return nil }

// IsTemp reports whether a listed name is an unfinished object of a local
// store (a temporary file of Create or CreateAtomic).
func IsTemp(name string) bool {
	base := path.Base(name)
	return strings.HasPrefix(base, ".") && strings.Contains(base, ".tmp-")
}

// Create writes to a temporary file beside name (an AtomicFile).
func (d *Dir) Create(_ context.Context, name string) (Object, error) {
	return CreateAtomic(d.Path(name))
}

func (d *Dir) Open(_ context.Context, name string) (io.ReadCloser, error) {
	return os.Open(d.Path(name))
}

func (d *Dir) OpenRange(_ context.Context, name string, offset, length int64) (io.ReadCloser, error) {
	f, err := os.Open(d.Path(name))
	if err != nil {
		return nil, err
	}
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		f.Close()
		return nil, err
	}
	if length < 0 {
		return f, nil
	}
	return struct {
		io.Reader
		io.Closer
	}{io.LimitReader(f, length), f}, nil
}

// List walks the directory that holds prefix.
func (d *Dir) List(_ context.Context, prefix string) ([]Entry, error) {
	dir := prefix
	if !strings.HasSuffix(prefix, "/") {
		dir = path.Dir(prefix)
	}
	var out []Entry
	err := filepath.WalkDir(d.Path(dir), func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		rel, err := filepath.Rel(d.root, p)
		if err != nil {
			return err
		}
		name := filepath.ToSlash(rel)
		if e.IsDir() {
			// Skip directories that cannot hold a name with the prefix
			// (raw/index/ when listing raw/calls-).
			if sub := name + "/"; rel != "." && !strings.HasPrefix(sub, prefix) && !strings.HasPrefix(prefix, sub) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasPrefix(name, prefix) {
			return nil
		}
		info, err := e.Info()
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) { // removed while listing
				return nil
			}
			return err
		}
		out = append(out, Entry{Name: name, Size: info.Size(), ModTime: info.ModTime()})
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, err
}

// Remove deletes the file, then the directories it leaves empty (a
// partition directory whose last file went), up to the root.
func (d *Dir) Remove(_ context.Context, name string) error {
	if err := os.Remove(d.Path(name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	for dir := path.Dir(name); dir != "." && dir != "/"; dir = path.Dir(dir) {
		if os.Remove(d.Path(dir)) != nil { // not empty (or gone): stop
			break
		}
	}
	return nil
}

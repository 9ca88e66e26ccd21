package store

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
)

// AtomicFile is an output file that appears whole or not at all: data goes
// to a hidden temporary file in the same directory, and Commit syncs it and
// renames it over the final name. Abort removes the temporary file.
type AtomicFile struct {
	*bufio.Writer
	f      *os.File
	path   string
	sealed bool // data synced and the file closed, not yet renamed
	done   bool
}

// CreateAtomic creates the directories of path and a temporary file beside it.
func CreateAtomic(path string) (*AtomicFile, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	f, err := createTemp(path)
	if err != nil {
		return nil, err
	}
	return &AtomicFile{Writer: bufio.NewWriterSize(f, 256<<10), f: f, path: path}, nil
}

// Name returns the final path of the file.
func (a *AtomicFile) Name() string { return a.path }

// File returns the underlying temporary file, for libraries that need an
// io.WriterAt or the size; flush the bufio.Writer before using it.
func (a *AtomicFile) File() *os.File { return a.f }

// Seal flushes, syncs and closes the temporary file without renaming it:
// a writer that produces many files can finish each one (and free what it
// holds) as it goes, and still publish them all together with Commit.
func (a *AtomicFile) Seal() error {
	if a.sealed || a.done {
		return nil
	}
	a.sealed = true
	err := errors.Join(a.Flush(), a.f.Sync())
	if cerr := a.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		a.done = true
		os.Remove(a.f.Name())
		return fmt.Errorf("write %s: %w", a.path, err)
	}
	return nil
}

// Commit seals the file if needed and renames it into place. Commit after
// Commit or Abort is a no-op.
func (a *AtomicFile) Commit() error {
	if a.done {
		return nil
	}
	if err := a.Seal(); err != nil {
		return err
	}
	a.done = true
	if err := os.Rename(a.f.Name(), a.path); err != nil {
		os.Remove(a.f.Name())
		return fmt.Errorf("write %s: %w", a.path, err)
	}
	return nil
}

// Abort discards the temporary file. Abort after Commit is a no-op.
func (a *AtomicFile) Abort() error {
	if a.done {
		return nil
	}
	a.done = true
	if !a.sealed {
		a.f.Close()
	}
	return os.Remove(a.f.Name())
}

// WriteAtomic writes data to path whole or not at all, like an AtomicFile
// but without an fsync: for writers of many small files (a caption file
// per call), where an fsync each would cost more than the rest of the run.
// The file still appears whole or not at all to readers and after a
// killed process; only a power cut can lose it. The caller renders each
// file into a buffer it reuses, so a file costs four system calls: create,
// write, close and rename. path's directory must exist.
func WriteAtomic(path string, data []byte) error {
	f, err := createTemp(path)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// createTemp creates a new hidden file beside path, .<name>.tmp-<random>.
// Unlike os.CreateTemp (mode 0600, which a chmod per file then had to
// widen), it is created 0644 less the umask, as any output file.
func createTemp(path string) (*os.File, error) {
	prefix := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp-")
	for try := 0; ; try++ {
		f, err := os.OpenFile(prefix+strconv.FormatUint(uint64(rand.Uint32()), 10), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) && try < 10000 {
			continue
		}
		return f, err
	}
}

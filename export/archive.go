package export

import (
	"compress/gzip"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// ArchiveSuffix ends every archive segment's name.
const ArchiveSuffix = ".jsonl.gz"

// Archive appends fetched calls, losslessly, to a new gzip segment in the
// raw archive directory: one compacted get-call body (access_token removed)
// per line. Each call is flushed as soon as it is appended, so a crash loses
// at most the calls still in flight; a segment cut short by a crash is read
// up to its last whole line. Every run writes its own segment, named so
// that names sort in time order; `zcat raw/*.jsonl.gz | jq` reads them all.
type Archive struct {
	f    *os.File
	zw   *gzip.Writer
	path string
	n    int
}

// CreateArchive opens a new segment in dir, creating dir if needed.
func CreateArchive(dir string) (*Archive, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	var rnd [4]byte
	_, _ = rand.Read(rnd[:])
	name := fmt.Sprintf("calls-%s-%s%s", time.Now().UTC().Format("20060102T150405.000Z"), hex.EncodeToString(rnd[:]), ArchiveSuffix)
	path := filepath.Join(dir, name)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	return &Archive{f: f, zw: gzip.NewWriter(f), path: path}, nil
}

// Path returns the segment's file name.
func (a *Archive) Path() string { return a.path }

// Len returns the number of calls appended.
func (a *Archive) Len() int { return a.n }

// Append writes the call's raw body and flushes it to the file.
func (a *Archive) Append(c *Call) error {
	if len(c.Raw) == 0 {
		return fmt.Errorf("archive %s: call %s has no raw body", a.path, c.CallID)
	}
	if _, err := a.zw.Write(c.Raw); err != nil {
		return fmt.Errorf("archive %s: %w", a.path, err)
	}
	if _, err := a.zw.Write([]byte{'\n'}); err != nil {
		return fmt.Errorf("archive %s: %w", a.path, err)
	}
	if err := a.zw.Flush(); err != nil {
		return fmt.Errorf("archive %s: %w", a.path, err)
	}
	a.n++
	return nil
}

// Close ends the gzip stream and syncs the file. A segment that received no
// call is removed.
func (a *Archive) Close() error {
	err := errors.Join(a.zw.Close(), a.f.Sync())
	if cerr := a.f.Close(); err == nil {
		err = cerr
	}
	if a.n == 0 {
		os.Remove(a.path)
		return nil
	}
	if err != nil {
		return fmt.Errorf("archive %s: %w", a.path, err)
	}
	return nil
}

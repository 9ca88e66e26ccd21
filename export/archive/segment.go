package archive

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/retell-export/retell-export/export/store"
)

// Segment names: raw/calls-<UTC time>-<random>.jsonl.gz, so that names
// sort in the order segments were written.
const (
	segPrefix = "calls-"
	segSuffix = ".jsonl.gz"
	segTime   = "20060102T150405.000Z"
)

// IsSegment reports whether a file name (base name) is an archive segment.
func IsSegment(base string) bool {
	return strings.HasPrefix(base, segPrefix) && strings.HasSuffix(base, segSuffix)
}

// segmentName names a new segment so that it sorts after last, even if the
// clock went back.
func segmentName(now time.Time, last string) string {
	var rnd [4]byte
	_, _ = rand.Read(rnd[:])
	t := now.UTC()
	for {
		name := segPrefix + t.Format(segTime) + "-" + hex.EncodeToString(rnd[:]) + segSuffix
		if name > last {
			return name
		}
		t = t.Add(time.Millisecond)
		if lt, err := time.Parse(segTime, strings.TrimPrefix(last, segPrefix)[:len(segTime)]); err == nil && t.Before(lt) {
			t = lt.Add(time.Millisecond)
		}
	}
}

// A segmentFile is where a segment's bytes go while it is written: the
// final file of a local store (each record is flushed as it is appended,
// so a crash loses only calls in flight), or a local spool file that is
// uploaded whole when the segment closes (object storage).
type segmentFile struct {
	f      *os.File
	name   string      // object name, raw/calls-...
	remote store.Store // where a spooled segment is uploaded; nil for a local store
	off    int64       // bytes written: where the next member starts
	n      int
}

func createSegment(st store.Store, dir, name string) (*segmentFile, error) {
	obj := path.Join(dir, name)
	s := &segmentFile{name: obj}
	if d, ok := st.Dir(); ok {
		p := filepath.Join(d, filepath.FromSlash(obj))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return nil, fmt.Errorf("archive: %w", err)
		}
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return nil, fmt.Errorf("archive: %w", err)
		}
		s.f = f
	} else {
		f, err := os.CreateTemp("", "retell-export-segment-*")
		if err != nil {
			return nil, fmt.Errorf("archive: spool: %w", err)
		}
		s.f, s.remote = f, st
	}
	return s, nil
}

// append writes a record's gzip member in one write (so a crash loses at
// most the calls in flight) and returns where it is. A failed write ends
// the segment: the Writer appends nothing after an error.
func (s *segmentFile) append(m Member) (Loc, error) {
	if _, err := s.f.Write(m.b); err != nil {
		return Loc{}, fmt.Errorf("archive %s: %w", s.name, err)
	}
	start := s.off
	s.off += int64(len(m.b))
	s.n++
	return Loc{Seg: path.Base(s.name), Off: start, Len: s.off - start}, nil
}

// close syncs the segment (and uploads it); an empty one is removed.
func (s *segmentFile) close(ctx context.Context) error {
	err := s.f.Sync()
	if err == nil && s.remote != nil && s.n > 0 {
		err = store.PutFile(ctx, s.remote, s.name, s.f.Name())
	}
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	if s.n == 0 || s.remote != nil {
		os.Remove(s.f.Name())
	}
	if err != nil {
		return fmt.Errorf("archive %s: %w", s.name, err)
	}
	return nil
}

// abandon drops a segment that will not be uploaded (an earlier upload
// failed): its calls are not indexed, and the next run fetches them again.
func (s *segmentFile) abandon() {
	s.f.Close()
	if s.remote != nil {
		os.Remove(s.f.Name())
	}
}

// countingReader counts the bytes the gzip reader consumed: it is an
// io.ByteReader, so flate reads exactly up to the end of each member.
type countingReader struct {
	r *bufio.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func (c *countingReader) ReadByte() (byte, error) {
	b, err := c.r.ReadByte()
	if err == nil {
		c.n++
	}
	return b, err
}

// RecordFunc receives a record, where it is and when it was fetched (Unix
// seconds, 0 when its member does not say); body is only valid during the
// call.
type RecordFunc func(body []byte, loc Loc, fetched int64) error

// scanSegment reads every record of a segment in order. A segment cut
// short by a crash is read up to its last whole record, and bad is told.
func scanSegment(ctx context.Context, st store.Store, dir, name string, fn RecordFunc, bad func(where string, err error)) error {
	r, err := st.Open(ctx, path.Join(dir, name))
	if err != nil {
		return err
	}
	defer r.Close()
	cr := &countingReader{r: bufio.NewReaderSize(r, 1<<20)}
	zr := new(gzip.Reader)
	lines := bufio.NewReaderSize(nil, 1<<20)
	for {
		off := cr.n
		if err := zr.Reset(cr); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			bad(fmt.Sprintf("%s@%d", name, off), fmt.Errorf("cut short (%w); earlier records are kept", err))
			return nil
		}
		zr.Multistream(false)
		fetched := int64(0)
		if t := memberTime(zr.Header.ModTime); !t.IsZero() {
			fetched = t.Unix()
		}
		lines.Reset(zr)
		var held [][]byte // this member's lines; its length is known at its end
		var lineNos []int
		count := 0
		for ln := 0; ; ln++ {
			b, err := lines.ReadBytes('\n')
			if err != nil && !errors.Is(err, io.EOF) {
				bad(fmt.Sprintf("%s@%d", name, off), fmt.Errorf("cut short (%w); earlier records are kept", err))
				return emitHeld(fn, held, lineNos, name, off, -1, fetched)
			}
			if t := bytes.TrimSpace(b); len(t) > 0 {
				held = append(held, t)
				lineNos = append(lineNos, ln)
				count++
			}
			if err != nil {
				break
			}
			if len(held) >= 256 { // a legacy segment: one member of many lines
				if err := emitHeld(fn, held, lineNos, name, off, -1, fetched); err != nil {
					return err
				}
				held, lineNos = held[:0], lineNos[:0]
			}
		}
		length := cr.n - off
		if count > 1 {
			length = -1
		}
		if err := emitHeld(fn, held, lineNos, name, off, length, fetched); err != nil {
			return err
		}
	}
}

// emitHeld passes on the lines of a member. Length -1 marks a member of
// many lines (an older version's segment, or one cut short): readers then
// decompress it from its start.
func emitHeld(fn RecordFunc, held [][]byte, lineNos []int, name string, off, length, fetched int64) error {
	for i, b := range held {
		if err := fn(b, Loc{Seg: name, Off: off, Len: length, Line: lineNos[i]}, fetched); err != nil {
			return err
		}
	}
	return nil
}

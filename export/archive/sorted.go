package archive

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/klauspost/compress/gzip"
)

// ReadSorted passes the records of entries to fn in call order: by start
// (calls without one, Start 0, last), then id. It sorts entries in place.
// The Parquet view is written in this order, so the same calls make the
// same bytes whatever order they were fetched in.
//
// Records of a local archive that are members of their own (every segment
// this version writes) are read where they are, one positioned read each.
// Otherwise (a bucket, an older version's many-line members) the records
// are first read in segment order into a local spill file, the one way
// through a bucket that costs a request per segment and not per record,
// and then read back from it in call order.
func (a *Archive) ReadSorted(ctx context.Context, entries []Entry, fn func(Record) error) error {
	last := func(e Entry) int { // calls without a start go last, as the CSV tables have them
		if e.Start == 0 {
			return 1
		}
		return 0
	}
	slices.SortFunc(entries, func(x, y Entry) int {
		return cmp.Or(cmp.Compare(last(x), last(y)), cmp.Compare(x.Start, y.Start), cmp.Compare(x.ID, y.ID))
	})
	if root, ok := a.st.store.Dir(); ok && !slices.ContainsFunc(entries, func(e Entry) bool { return e.Len <= 0 || e.Line != 0 }) {
		return readInPlace(ctx, filepath.Join(root, filepath.FromSlash(a.st.dir)), entries, fn)
	}
	return a.readSpilled(ctx, entries, fn)
}

// readInPlace reads each member at its offset in its segment file.
func readInPlace(ctx context.Context, dir string, es []Entry, fn func(Record) error) error {
	files := map[string]*os.File{}
	defer func() {
		for _, f := range files {
			f.Close()
		}
	}()
	var m member
	for i, e := range es {
		if i%256 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		f := files[e.Seg]
		if f == nil {
			var err error
			if f, err = os.Open(filepath.Join(dir, e.Seg)); err != nil {
				return fmt.Errorf("archive %s: %w", e.Seg, err)
			}
			files[e.Seg] = f
		}
		body, fetched, err := m.read(f, e)
		if err != nil {
			return err
		}
		if err := fn(Record{Entry: e, Body: body, Fetched: fetched}); err != nil {
			return err
		}
	}
	return nil
}

// member reads single-record gzip members, reusing its buffers.
type member struct {
	raw  []byte
	body bytes.Buffer
	zr   gzip.Reader
}

func (m *member) read(r io.ReaderAt, e Entry) ([]byte, time.Time, error) {
	m.raw = slices.Grow(m.raw[:0], int(e.Len))[:e.Len]
	if _, err := r.ReadAt(m.raw, e.Off); err != nil {
		return nil, time.Time{}, fmt.Errorf("archive %s@%d: %w", e.Seg, e.Off, err)
	}
	if err := m.zr.Reset(bytes.NewReader(m.raw)); err != nil {
		return nil, time.Time{}, fmt.Errorf("archive %s@%d: %w", e.Seg, e.Off, err)
	}
	m.zr.Multistream(false)
	m.body.Reset()
	if _, err := m.body.ReadFrom(&m.zr); err != nil {
		return nil, time.Time{}, fmt.Errorf("archive %s@%d: %w", e.Seg, e.Off, err)
	}
	return bytes.TrimSpace(m.body.Bytes()), memberTime(m.zr.Header.ModTime), nil
}

// spilled is where one record is in the spill file.
type spilled struct {
	off, n  int64
	fetched time.Time
}

// readSpilled reads the records in segment order into a spill file, then
// passes them on from it in the order of es.
func (a *Archive) readSpilled(ctx context.Context, es []Entry, fn func(Record) error) error {
	f, err := os.CreateTemp("", "retell-export-sort-*")
	if err != nil {
		return fmt.Errorf("archive: spill: %w", err)
	}
	// Open until the end, gone from the directory now: a killed run leaves
	// nothing (where an open file cannot be removed, Windows, at the end).
	if os.Remove(f.Name()) != nil {
		defer os.Remove(f.Name())
	}
	defer f.Close()
	at := make(map[Loc]spilled, len(es))
	var off int64
	err = read(ctx, a.st, slices.Clone(es), func(r Record) error { // read sorts its entries: a copy
		if _, err := f.Write(r.Body); err != nil {
			return fmt.Errorf("archive: spill: %w", err)
		}
		at[r.Loc] = spilled{off: off, n: int64(len(r.Body)), fetched: r.Fetched}
		off += int64(len(r.Body))
		return nil
	})
	if err != nil {
		return err
	}
	var buf []byte
	for i, e := range es {
		if i%256 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		s, ok := at[e.Loc]
		if !ok {
			return fmt.Errorf("archive %s@%d: record not read", e.Seg, e.Off)
		}
		buf = slices.Grow(buf[:0], int(s.n))[:s.n]
		if _, err := f.ReadAt(buf, s.off); err != nil {
			return fmt.Errorf("archive: spill: %w", err)
		}
		if err := fn(Record{Entry: e, Body: buf, Fetched: s.fetched}); err != nil {
			return err
		}
	}
	return nil
}

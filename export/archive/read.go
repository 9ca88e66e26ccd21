package archive

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"time"

	"github.com/klauspost/compress/gzip"
)

// A Record is an archived record as read back: its index entry, its body
// (valid only during the callback that receives it) and when it was
// fetched, from its gzip member's header (zero when the member does not
// say: an older version's segment).
type Record struct {
	Entry
	Body    []byte
	Fetched time.Time
}

// read passes the record at each entry's location to fn, reading each
// segment once, front to back, and skipping what it does not need (a
// store read per segment, not per record). Entries are taken in segment
// and offset order, sorted in place (a copy would be the largest thing a
// replay of many calls holds); fn sees them in that order.
func read(ctx context.Context, st dirStore, es []Entry, fn func(Record) error) error {
	slices.SortFunc(es, func(a, b Entry) int {
		return cmp.Or(cmp.Compare(a.Seg, b.Seg), cmp.Compare(a.Off, b.Off), cmp.Compare(a.Line, b.Line))
	})
	for len(es) > 0 {
		n := 1
		for n < len(es) && es[n].Seg == es[0].Seg {
			n++
		}
		if err := readSegment(ctx, st, es[:n], fn); err != nil {
			return err
		}
		es = es[n:]
	}
	return nil
}

func readSegment(ctx context.Context, st dirStore, es []Entry, fn func(Record) error) error {
	first, last := es[0], es[len(es)-1]
	length := int64(-1)
	if last.Len >= 0 {
		length = last.Off + last.Len - first.Off
	}
	r, err := st.store.OpenRange(ctx, path.Join(st.dir, first.Seg), first.Off, length)
	if err != nil {
		return fmt.Errorf("archive %s: %w", first.Seg, err)
	}
	defer r.Close()
	br := bufio.NewReaderSize(r, 256<<10)
	pos := first.Off
	zr := new(gzip.Reader)
	lines := bufio.NewReaderSize(nil, 256<<10)
	for len(es) > 0 {
		off := es[0].Off
		n := 1 // entries in this member
		for n < len(es) && es[n].Off == off {
			n++
		}
		if _, err := br.Discard(int(off - pos)); err != nil {
			return fmt.Errorf("archive %s@%d: %w", first.Seg, off, err)
		}
		cr := &countingReader{r: br}
		if err := zr.Reset(cr); err != nil {
			return fmt.Errorf("archive %s@%d: %w", first.Seg, off, err)
		}
		zr.Multistream(false)
		lines.Reset(zr)
		want := es[:n]
		for ln := 0; len(want) > 0; ln++ {
			b, err := lines.ReadBytes('\n')
			if err != nil && !errors.Is(err, io.EOF) {
				return fmt.Errorf("archive %s@%d: %w", first.Seg, off, err)
			}
			if ln == want[0].Line {
				if t := bytes.TrimSpace(b); len(t) > 0 {
					if ferr := fn(Record{Entry: want[0], Body: t, Fetched: memberTime(zr.Header.ModTime)}); ferr != nil {
						return ferr
					}
					want = want[1:]
				}
			}
			if err != nil && len(want) > 0 {
				return fmt.Errorf("archive %s@%d: record %d: %w", first.Seg, off, want[0].Line, io.ErrUnexpectedEOF)
			}
		}
		// Move to the end of the member (the rest of a many-line member is
		// read only if a later entry of the segment lies beyond it).
		if len(es) > n && es[n].Off > off {
			if _, err := io.Copy(io.Discard, lines); err != nil {
				return fmt.Errorf("archive %s@%d: %w", first.Seg, off, err)
			}
		}
		pos = off + cr.n
		es = es[n:]
	}
	return nil
}

// memberTime is a gzip header's MTIME as a fetch time: zero stays zero
// (the gzip reader gives the Unix epoch for "not set").
func memberTime(t time.Time) time.Time {
	if t.Unix() <= 0 {
		return time.Time{}
	}
	return t.UTC()
}

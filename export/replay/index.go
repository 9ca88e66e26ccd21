package replay

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/klauspost/compress/s2"

	"github.com/retell-export/retell-export/export"
)

// Index knows, for every call id in a set of saved records, its last
// version and whether that version is final. The archive is append-only,
// so a call refetched after it ended (say, once its analysis arrived) has an
// older version earlier in the archive: the last one wins.
//
// Building it reads every record once and spills each, s2-compressed, to
// a temporary file (unlinked at once: nothing is left behind, even by a
// killed run); Replay then reads the last versions from the spill in
// call order, not in the order they were saved. Saved calls come in any
// order, and a date-partitioned lake written in that order got a part
// file at every change of date (74,725 files for 20,000 calls over 32
// days); in call order each partition is written once. Reading the spill
// costs less than reading and decompressing the files a second time.
type Index struct {
	spill   *os.File
	size    int64
	entries map[string]indexEntry
	buf     []byte
	linked  bool // the spill still has its name (see BuildIndex)
}

// indexEntry is kept for every call: small, since a replay can hold
// millions. Where the record came from is spilled with it.
type indexEntry struct {
	off     int64 // the record in the spill: where (its length, then the text), then its s2 body
	n       int32
	final   bool
	start   int64 // 0: no start (replayed last)
	fetched int64 // Unix seconds; 0 when not known
}

// BuildIndex reads every record once. Close removes what it holds.
func BuildIndex(ctx context.Context, recs Records, bad BadRecordFunc) (*Index, error) {
	spill, err := os.CreateTemp("", "retell-export-replay-*")
	if err != nil {
		return nil, fmt.Errorf("replay spill: %w", err)
	}
	// Open until Close, gone from the directory now (where an open file
	// cannot be removed, Windows, Close removes it).
	ix := &Index{spill: spill, entries: map[string]indexEntry{}, linked: os.Remove(spill.Name()) != nil}
	err = recs.Scan(ctx, func(body []byte, where string, fetched time.Time) error {
		// The same reading as the archive's index: saved ids name output
		// files (captions), so they are held to the rules of typed ids.
		m, err := export.RecordMeta(body)
		if err != nil {
			bad(where, err)
			return nil
		}
		where = where[:min(len(where), 0xffff)]
		ix.buf = append(append(ix.buf[:0], byte(len(where)>>8), byte(len(where))), where...)
		ix.buf = append(ix.buf, s2.Encode(ix.buf[len(ix.buf):cap(ix.buf)], body)...)
		if _, err := spill.Write(ix.buf); err != nil {
			return fmt.Errorf("replay spill: %w", err)
		}
		e := indexEntry{off: ix.size, n: int32(len(ix.buf)), start: m.Start, final: m.Settled}
		if !fetched.IsZero() {
			e.fetched = fetched.Unix()
		}
		ix.entries[m.ID] = e
		ix.size += int64(len(ix.buf))
		return nil
	}, bad)
	if err != nil {
		ix.Close()
		return nil, fmt.Errorf("index %d files: %w", len(recs.Files), err)
	}
	return ix, nil
}

// Close removes the spill.
func (ix *Index) Close() error {
	err := ix.spill.Close()
	if ix.linked {
		err = errors.Join(err, os.Remove(ix.spill.Name()))
	}
	return err
}

// Len returns the number of distinct calls.
func (ix *Index) Len() int { return len(ix.entries) }

// Has reports whether id has a saved version.
func (ix *Index) Has(id string) bool { _, ok := ix.entries[id]; return ok }

// Final reports whether the last saved version of id is final.
func (ix *Index) Final(id string) bool { return ix.entries[id].final }

// Replay passes on the body of the last version of every call that want
// accepts (all calls when want is nil), in call order: by start, calls
// without one last, then id. Other versions are not read.
func (ix *Index) Replay(ctx context.Context, want func(id string) bool, emit RecordFunc) error {
	type pick struct {
		id string
		e  indexEntry
	}
	var picks []pick
	for id, e := range ix.entries {
		if want == nil || want(id) {
			picks = append(picks, pick{id, e})
		}
	}
	last := func(p pick) int { // calls without a start go last, as in the lake
		if p.e.start == 0 {
			return 1
		}
		return 0
	}
	slices.SortFunc(picks, func(a, b pick) int {
		return cmp.Or(cmp.Compare(last(a), last(b)), cmp.Compare(a.e.start, b.e.start), cmp.Compare(a.id, b.id))
	})
	var raw []byte
	for i, p := range picks {
		if i%256 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		raw = slices.Grow(raw[:0], int(p.e.n))[:p.e.n]
		if _, err := ix.spill.ReadAt(raw, p.e.off); err != nil {
			return fmt.Errorf("replay spill: %w", err)
		}
		w := int(raw[0])<<8 | int(raw[1])
		body, err := s2.Decode(ix.buf[:cap(ix.buf)], raw[2+w:])
		if err != nil {
			return fmt.Errorf("replay spill: %w", err)
		}
		ix.buf = body
		var fetched time.Time
		if p.e.fetched > 0 {
			fetched = time.Unix(p.e.fetched, 0).UTC()
		}
		if err := emit(body, string(raw[2:2+w]), fetched); err != nil {
			return err
		}
	}
	return nil
}

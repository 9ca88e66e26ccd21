package dataset

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

// A SortedView writes a view of calls that come in any order (a replay of
// saved files with --from) as a rebuild from the archive writes it: date
// partition after date partition, each partition's calls in call order.
// Write spills each call's body, s2-compressed, to a temporary file and
// keeps only a sort key; Close writes the view from the spill. Memory is
// the keys (about 100 bytes a call); each partition is written once, so
// it has a file per table unless it outgrows one, whatever the input
// order (writing calls as they came started a new part file at every
// change of date: 74,725 files for 20,000 calls over 32 days).
type SortedView struct {
	v       *View
	staging string
	spill   *os.File
	off     int64
	keys    []sortKey
	buf     []byte
	res     ViewResult
	done    bool
}

type sortKey struct {
	start   int64 // 0: no start (written last)
	id      string
	off, n  int64
	fetched time.Time
}

var (
	_ export.Writer   = (*SortedView)(nil)
	_ export.Aborter  = (*SortedView)(nil)
	_ export.Reporter = (*SortedView)(nil)
)

// NewSortedView returns a writer of v's files into staging (see View.New).
func NewSortedView(v *View, staging string) (*SortedView, error) {
	f, err := os.CreateTemp(staging, ".tmp-sort-*")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", v.Name, err)
	}
	// The spill is not part of the view: gone from the directory at once,
	// it lives until Close or Abort closes it.
	if err := os.Remove(f.Name()); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", v.Name, err)
	}
	return &SortedView{v: v, staging: staging, spill: f}, nil
}

// Write spills c.
func (s *SortedView) Write(c *export.Call) error {
	s.buf = s2.Encode(s.buf[:cap(s.buf)], c.Raw)
	if _, err := s.spill.Write(s.buf); err != nil {
		return fmt.Errorf("%s: spill: %w", s.v.Name, err)
	}
	s.keys = append(s.keys, sortKey{start: c.StartMs(), id: c.CallID, off: s.off, n: int64(len(s.buf)), fetched: c.FetchedAt})
	s.off += int64(len(s.buf))
	return nil
}

// Close writes the view's files from the spill, in call order.
func (s *SortedView) Close() error {
	if s.done {
		return nil
	}
	s.done = true
	defer s.spill.Close()
	last := func(k sortKey) int { // calls without a start go last, as NoDate does
		if k.start == 0 {
			return 1
		}
		return 0
	}
	slices.SortFunc(s.keys, func(a, b sortKey) int {
		return cmp.Or(cmp.Compare(last(a), last(b)), cmp.Compare(a.start, b.start), cmp.Compare(a.id, b.id))
	})
	w, err := s.v.New(s.staging)
	if err != nil {
		return fmt.Errorf("%s: %w", s.v.Name, err)
	}
	var raw []byte
	produce := func(send func([]byte, string, time.Time) error) error {
		for _, k := range s.keys {
			raw = slices.Grow(raw[:0], int(k.n))[:k.n]
			if _, err := s.spill.ReadAt(raw, k.off); err != nil {
				return fmt.Errorf("%s: spill: %w", s.v.Name, err)
			}
			body, err := s2.Decode(s.buf[:cap(s.buf)], raw)
			if err != nil {
				return fmt.Errorf("%s: spill: %w", s.v.Name, err)
			}
			s.buf = body
			if err := send(body, k.id, k.fetched); err != nil {
				return err
			}
		}
		return nil
	}
	err = export.DecodeAll(context.Background(), produce, func(c *export.Call) error {
		s.res.Calls++
		return w.Write(c)
	}, func(where string, err error) { s.res.BadRecords++ }) // decoded once already: cannot happen
	if err != nil {
		return errors.Join(err, export.Abort(w))
	}
	if err := w.Close(); err != nil {
		return err
	}
	if rp, ok := w.(export.Reporter); ok {
		_, s.res.Writer = rp.Output()
	}
	return nil
}

// Abort discards the spill; nothing was written to staging.
func (s *SortedView) Abort() error {
	if s.done {
		return nil
	}
	s.done = true
	return s.spill.Close()
}

// Output is what Close wrote, for run.json.
func (s *SortedView) Output() (string, any) { return s.v.Name, s.res }

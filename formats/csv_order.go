package formats

import (
	"bufio"
	"cmp"
	"errors"
	"io"
	"os"
)

// The CSV tables are written in a fixed order whatever order the calls
// arrive in (a run fetches them concurrently, a re-run finds some in the
// archive, --from replays the archive in its own order): calls by start
// time, then call id, calls without a start last; each call's child rows
// in their own order. So a run, its re-run and --from of its archive write
// byte-identical files.
//
// Memory stays bounded by spilling: each table encodes a call's rows at
// once and appends them to a temporary spill file beside the output; the
// writer keeps only each call's sort key and the length of its rows
// (csvCall) and at Close copies the rows into the output file in order.

// csvMaxTables is the most tables a CSV writer has (words included).
const csvMaxTables = 7

// csvCall is one call's sort key and the length of its rows in each
// table's spill file. Where they start follows from the lengths of the
// calls written before it (seq), so a call costs about 60 bytes here.
type csvCall struct {
	start    int64 // ms since the epoch, when hasStart
	id       string
	seq      uint32 // arrival order
	hasStart bool
	n        [csvMaxTables]uint32 // bytes (checked to fit)
}

// csvOrder sorts calls by start, then id; calls without a start come last.
func csvOrder(a, b csvCall) int {
	if a.hasStart != b.hasStart {
		if a.hasStart {
			return -1
		}
		return 1
	}
	return cmp.Or(cmp.Compare(a.start, b.start), cmp.Compare(a.id, b.id))
}

// csvSpill is the temporary file a table's rows go to until Close.
type csvSpill struct {
	f   *os.File
	buf *bufio.Writer
	n   int64 // bytes written so far: the offset of the next call's rows
}

// newCSVSpill creates the spill file of table in dir. It is named like
// store.CreateAtomic's temporary files (".<name>.tmp-*"), so whatever
// clears the temporary files a killed run left clears it too.
func newCSVSpill(dir, table string) (*csvSpill, error) {
	f, err := os.CreateTemp(dir, "."+table+".csv.tmp-spill-*")
	if err != nil {
		return nil, err
	}
	return &csvSpill{f: f, buf: bufio.NewWriterSize(f, 64<<10)}, nil
}

func (s *csvSpill) Write(p []byte) (int, error) {
	n, err := s.buf.Write(p)
	s.n += int64(n)
	return n, err
}

// copyTo appends the rows of table of calls (sorted) to w. Rows that lie
// one after the other in the spill file (calls that arrived in order) are
// read together, in chunks of buf.
func (s *csvSpill) copyTo(w io.Writer, calls []csvCall, table int, buf []byte) error {
	if err := s.buf.Flush(); err != nil {
		return err
	}
	// offs[seq] is where the rows of the call that arrived seq-th begin.
	offs := make([]int64, len(calls))
	for _, c := range calls {
		if int(c.seq)+1 < len(offs) {
			offs[c.seq+1] = int64(c.n[table])
		}
	}
	for i := 1; i < len(offs); i++ {
		offs[i] += offs[i-1]
	}
	var off, n int64 // the run of bytes to copy next
	for i := range calls {
		c := &calls[i]
		if o := offs[c.seq]; o == off+n {
			n += int64(c.n[table])
		} else {
			if err := s.copyRange(w, off, n, buf); err != nil {
				return err
			}
			off, n = o, int64(c.n[table])
		}
	}
	return s.copyRange(w, off, n, buf)
}

func (s *csvSpill) copyRange(w io.Writer, off, n int64, buf []byte) error {
	for n > 0 {
		chunk := buf[:min(n, int64(len(buf)))]
		if _, err := s.f.ReadAt(chunk, off); err != nil {
			return err
		}
		if _, err := w.Write(chunk); err != nil {
			return err
		}
		off, n = off+int64(len(chunk)), n-int64(len(chunk))
	}
	return nil
}

// remove deletes the spill file.
func (s *csvSpill) remove() error {
	if s == nil || s.f == nil {
		return nil
	}
	name := s.f.Name()
	err := s.f.Close()
	s.f = nil
	if rmErr := os.Remove(name); rmErr != nil && !errors.Is(rmErr, os.ErrNotExist) {
		err = errors.Join(err, rmErr)
	}
	return err
}

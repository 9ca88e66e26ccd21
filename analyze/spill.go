package analyze

import (
	"bufio"
	"cmp"
	"container/heap"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
)

// spill bounds the memory of every quantile of one Stats together: they
// hold at most limit entries (distinct values with their counts, and
// values not yet sorted in), and past it the largest write their counts to
// one temporary file as a sorted run, until half the limit is left. Runs
// are read back only at Close, merged. The file is created on the first
// spill: a small run never touches the disk.
type spill struct {
	linked bool   // the file still has its name (it could not be removed while open)
	dir    string // "" for the system's temporary directory
	limit  int
	held   int
	qs     []*quantile // every quantile that accounts here

	f     *os.File
	w     *bufio.Writer
	size  int64 // bytes written to f
	runs  int
	spilt int64 // entries written
	err   error // the first I/O error; the summary cannot be trusted after it
}

// run is one sorted run of a quantile's counts in the spill file.
type run struct{ off, size int64 }

func newSpill(dir string, limit int) *spill { return &spill{dir: dir, limit: limit} }

// track makes the quantiles account their memory here.
func (p *spill) track(qs ...*quantile) {
	for _, q := range qs {
		q.pool = p
		p.qs = append(p.qs, q)
	}
}

// relieve spills the quantiles holding the most entries until at most half
// the limit is held, so that the next spill is far off.
func (p *spill) relieve() {
	if p.err != nil {
		return // the run has failed already (Write returns the error): nothing more to spill
	}
	big := slices.Clone(p.qs)
	slices.SortFunc(big, func(a, b *quantile) int { return cmp.Compare(b.held, a.held) })
	for _, q := range big {
		if p.held <= p.limit/2 || q.held == 0 {
			return
		}
		if err := p.write(q); err != nil {
			p.err = fmt.Errorf("spilling percentiles: %w", err)
			return
		}
	}
}

// write moves q's counts to a new run.
func (p *spill) write(q *quantile) error {
	q.compact()
	if p.f == nil {
		f, err := os.CreateTemp(p.dir, "retell-summary-*.spill")
		if err != nil {
			return err
		}
		// Open until close, gone from the directory now: a killed run
		// leaves no spill behind (where an open file cannot be removed,
		// Windows, close removes it).
		p.linked = os.Remove(f.Name()) != nil
		p.f, p.w = f, bufio.NewWriterSize(f, 64<<10)
	}
	r := run{off: p.size}
	var buf [8 + binary.MaxVarintLen64]byte
	for _, vc := range q.counts {
		binary.LittleEndian.PutUint64(buf[:8], math.Float64bits(vc.v))
		n := 8 + binary.PutUvarint(buf[8:], uint64(vc.n))
		if _, err := p.w.Write(buf[:n]); err != nil {
			return err
		}
		p.size += int64(n)
	}
	r.size = p.size - r.off
	q.runs = append(q.runs, r)
	p.runs++
	p.spilt += int64(len(q.counts))
	p.held -= q.held
	q.counts, q.held = nil, 0
	return nil
}

// merge streams the runs and the counts still in memory as one ascending
// sequence. Equal values from different runs come as separate entries,
// which the rank walk does not mind. done releases the buffers.
func (p *spill) merge(runs []run, counts []valueCount) (next func() (valueCount, bool), done func()) {
	if p.err == nil && p.w != nil {
		if err := p.w.Flush(); err != nil {
			p.err = fmt.Errorf("spilling percentiles: %w", err)
		}
	}
	h := &sources{}
	for _, r := range runs {
		s := &runReader{r: bufio.NewReaderSize(io.NewSectionReader(p.f, r.off, r.size), 8<<10)}
		h.push(s, p)
	}
	i := 0
	h.push(sliceSource(func() (valueCount, bool) {
		if i == len(counts) {
			return valueCount{}, false
		}
		i++
		return counts[i-1], true
	}), p)
	heap.Init(h)
	next = func() (valueCount, bool) {
		if h.Len() == 0 {
			return valueCount{}, false
		}
		top := &h.items[0]
		vc := top.cur
		var ok bool
		if top.cur, ok = p.read(top.src); ok {
			heap.Fix(h, 0)
		} else {
			heap.Pop(h)
		}
		return vc, true
	}
	return next, func() { h.items = nil }
}

// read takes the next entry of a source, keeping the first error.
func (p *spill) read(s source) (valueCount, bool) {
	vc, ok, err := s.next()
	if err != nil && p.err == nil {
		p.err = fmt.Errorf("reading spilled percentiles: %w", err)
	}
	return vc, ok && err == nil
}

// close closes the spill file (its name went when it was made).
func (p *spill) close() error {
	if p.f == nil {
		return nil
	}
	err := p.f.Close()
	if p.linked {
		err = errors.Join(err, os.Remove(p.f.Name()))
	}
	p.f, p.w = nil, nil
	if err != nil {
		return fmt.Errorf("removing the percentile spill: %w", err)
	}
	return nil
}

// source is one sorted stream of counts.
type source interface {
	next() (valueCount, bool, error)
}

type sliceSource func() (valueCount, bool)

func (s sliceSource) next() (valueCount, bool, error) {
	vc, ok := s()
	return vc, ok, nil
}

// runReader decodes a run: the value's IEEE bits, little-endian, then its
// count as a uvarint.
type runReader struct{ r *bufio.Reader }

func (rr *runReader) next() (valueCount, bool, error) {
	var b [8]byte
	if _, err := io.ReadFull(rr.r, b[:]); err != nil {
		if errors.Is(err, io.EOF) {
			return valueCount{}, false, nil
		}
		return valueCount{}, false, err
	}
	n, err := binary.ReadUvarint(rr.r)
	if err != nil {
		return valueCount{}, false, fmt.Errorf("count: %w", err)
	}
	return valueCount{math.Float64frombits(binary.LittleEndian.Uint64(b[:])), int64(n)}, true, nil
}

// sources is a min-heap of sources by their current value.
type sources struct{ items []sourceItem }

type sourceItem struct {
	src source
	cur valueCount
}

// push adds s with its first entry, if it has one.
func (h *sources) push(s source, p *spill) {
	if vc, ok := p.read(s); ok {
		h.items = append(h.items, sourceItem{s, vc})
	}
}

func (h *sources) Len() int           { return len(h.items) }
func (h *sources) Less(i, j int) bool { return h.items[i].cur.v < h.items[j].cur.v }
func (h *sources) Swap(i, j int)      { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *sources) Push(x any)         { h.items = append(h.items, x.(sourceItem)) }
func (h *sources) Pop() any {
	it := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return it
}

package analyze

import (
	"math"
	"slices"

	"github.com/retell-export/retell-export/export"
	"github.com/retell-export/retell-export/export/timing"
)

// Percentiles are exact: equal to DuckDB's quantile_cont (linear
// interpolation between closest ranks, timing.QuantileRank) over the same
// values, so that a figure of summary.json and the same query over the lake
// agree. A quantile keeps every distinct value with its count, sorted:
// latencies in whole milliseconds and durations repeat a lot, and the
// conversation figures are rounded to the millisecond, so most groups hold
// a few thousand entries whatever the number of calls.
//
// Distinct values without end (float latencies, per-call costs) are
// bounded by the Stats' spill (spill.go): once all quantiles together hold
// QuantileMemory entries, the largest ones are written to a temporary file
// as sorted runs, and their percentiles are read back at Close by merging
// the runs, a buffer per run, never all at once. Memory stays near
// QuantileMemory entries (16 bytes each, plus slice slack: about 12 MB)
// however many calls come; only disk grows, by 9 bytes per spilled value.
// Measured (docs/performance.md): synthetic calls with whole-millisecond
// latencies spill 0.5M entries at 20,000 calls and 9.4M (85 MB) at
// 200,000, all-distinct latencies 45M (400 MB); the live heap stays under
// 15 MB (22 MB) either way.
const QuantileMemory = 1 << 19

// minPending is how many new values a quantile gathers before sorting them
// into its counts; past it, half its counts, so merging stays linear.
const minPending = 64

// quantile accumulates numbers for count, mean, min, max and exact
// percentiles.
type quantile struct {
	n        int64
	sum      exactSum // order-independent, so the mean is too
	min, max float64
	counts   []valueCount // distinct values, ascending, with their counts
	pending  []float64    // values not yet merged into counts
	held     int          // len(counts) + len(pending), as last told to pool
	runs     []run        // counts spilled to pool's file, each sorted
	pool     *spill       // nil: everything stays in memory
}

// valueCount is one distinct value and how many times it came.
type valueCount struct {
	v float64
	n int64
}

// add folds v in; values that are not plausible measurements are ignored.
func (q *quantile) add(v float64) {
	if !plausible(v) {
		return
	}
	if q.n == 0 || v < q.min {
		q.min = v
	}
	if q.n == 0 || v > q.max {
		q.max = v
	}
	q.n++
	q.sum.add(v)
	q.pending = append(q.pending, v)
	if len(q.pending) >= max(minPending, len(q.counts)/2) {
		q.compact()
	}
	q.account()
}

// account tells the pool how many entries q holds now, and lets it spill
// when all quantiles together hold too many.
func (q *quantile) account() {
	h := len(q.counts) + len(q.pending)
	if q.pool == nil {
		q.held = h
		return
	}
	q.pool.held += h - q.held
	q.held = h
	if q.pool.held > q.pool.limit {
		q.pool.relieve()
	}
}

// compact sorts the pending values into counts, in place: counts grows
// by the pending values and the two are merged from the back, equal values
// folded into one entry, so that a compaction allocates nothing but the
// growth of counts.
func (q *quantile) compact() {
	if len(q.pending) == 0 {
		return
	}
	p := q.pending
	slices.Sort(p)
	old, need := len(q.counts), len(q.counts)+len(p)
	c := slices.Grow(q.counts, len(p))[:need]
	// c[w+1:need] is the merged tail, written downwards; c[:i+1] the old
	// entries still unmerged. w-i never falls below the pending values
	// left, so a write never lands on an unmerged entry.
	i, w := old-1, need-1
	for j := len(p) - 1; j >= 0; j-- {
		v := p[j]
		for i >= 0 && c[i].v > v {
			c[w] = c[i]
			w, i = w-1, i-1
		}
		switch {
		case w+1 < need && c[w+1].v == v:
			c[w+1].n++
		case i >= 0 && c[i].v == v:
			c[w] = valueCount{v, c[i].n + 1}
			w, i = w-1, i-1
		default:
			c[w] = valueCount{v, 1}
			w--
		}
	}
	n := copy(c[i+1:], c[w+1:need]) // close the gap the folded values left
	q.counts = c[:i+1+n]
	q.pending = p[:0]
}

// percentiles returns the values at fractions ps (ascending), walking the
// sorted values once: from counts, or from the merge of the spilled runs
// and counts.
func (q *quantile) percentiles(ps []float64) []float64 {
	q.compact()
	next, done := q.sorted()
	defer done()
	c := rankCursor{next: next}
	out := make([]float64, len(ps))
	for i, p := range ps {
		lo, frac := timing.QuantileRank(q.n, p)
		a := c.at(lo)
		if frac == 0 {
			out[i] = a
			continue
		}
		out[i] = timing.Between(a, c.at(lo+1), frac)
	}
	return out
}

// sorted returns q's values in ascending order, as a stream of counts, and
// a function to release what the stream holds.
func (q *quantile) sorted() (next func() (valueCount, bool), done func()) {
	if len(q.runs) == 0 {
		i := 0
		return func() (valueCount, bool) {
			if i == len(q.counts) {
				return valueCount{}, false
			}
			i++
			return q.counts[i-1], true
		}, func() {}
	}
	return q.pool.merge(q.runs, q.counts)
}

// rankCursor finds the values at 0-based ranks in a sorted stream of
// counts: cur holds ranks [start, start+cur.n), prev the entry before.
// Ranks may go back by one (rank lo+1 of a percentile, then lo of the
// next), which is in cur or prev: the stream is read once.
type rankCursor struct {
	next      func() (valueCount, bool)
	prev, cur valueCount
	start     int64
}

func (c *rankCursor) at(rank int64) float64 {
	if rank < c.start {
		return c.prev.v
	}
	for rank >= c.start+c.cur.n {
		vc, ok := c.next()
		if !ok { // fewer values than counted: only after a failed spill read
			return math.NaN()
		}
		c.start += c.cur.n
		c.prev, c.cur = c.cur, vc
	}
	return c.cur.v
}

// summary renders q with values rounded to digits decimals.
func (q *quantile) summary(digits int) Quantiles {
	s := Quantiles{Count: q.n, Exact: true}
	if q.n == 0 {
		return s
	}
	r := func(v float64) *float64 {
		if math.IsNaN(v) {
			return nil
		}
		return ptr(round(v, digits))
	}
	s.Min, s.Max = r(q.min), r(q.max)
	s.Mean = r(q.sum.value() / float64(q.n))
	p := q.percentiles([]float64{0.50, 0.90, 0.95, 0.99})
	s.P50, s.P90, s.P95, s.P99 = r(p[0]), r(p[1]), r(p[2]), r(p[3])
	return s
}

// plausible reports whether v is finite and within ±export.MaxMagnitude.
func plausible(v float64) bool { return export.Plausible(v) }

func ptr[T any](v T) *T { return &v }

// round rounds v to digits decimals, so that output does not show float
// noise such as 0.30000000000000004.
func round(v float64, digits int) float64 {
	p := math.Pow10(digits)
	r := math.Round(v*p) / p
	if r == 0 {
		return 0 // no "-0"
	}
	return r
}

// ratio returns num/den rounded, or nil when den is 0.
func ratio(num, den float64, digits int) *float64 {
	if den == 0 {
		return nil
	}
	return ptr(round(num/den, digits))
}

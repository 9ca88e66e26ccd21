// Package timing is the arithmetic behind the conversation figures and
// every percentile: time intervals in whole microseconds (so that sums and
// differences are exact and the invariants talk <= Span and silence >= 0
// hold without float rounding), and the placement of a quantile between
// closest ranks as DuckDB's quantile_cont does it. Standard library only.
package timing

import (
	"cmp"
	"math"
	"slices"
	"sort"
)

// A Span is a time interval in whole microseconds.
type Span struct{ Start, End int64 }

// Micros converts seconds to whole microseconds; |s| <= 1e12
// keeps the result (and any difference of two) within int64 (export.MaxMagnitude).
func Micros(s float64) int64 { return int64(math.Round(s * 1e6)) }

// Seconds converts microseconds to seconds rounded to the millisecond,
// halves away from zero (as math.Round), in integers so that equal
// durations give equal floats.
func Seconds(us int64) float64 {
	ms, r := us/1000, us%1000
	switch {
	case r >= 500:
		ms++
	case r <= -500:
		ms--
	}
	return float64(ms) / 1000
}

// Union sorts spans and merges those that overlap or touch, in place:
// the result is sorted and disjoint, with gaps of positive length.
func Union(ss []Span) []Span {
	if len(ss) == 0 {
		return ss
	}
	slices.SortFunc(ss, func(a, b Span) int { return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(a.End, b.End)) })
	out := ss[:1]
	for _, s := range ss[1:] {
		last := &out[len(out)-1]
		if s.Start <= last.End {
			last.End = max(last.End, s.End)
			continue
		}
		out = append(out, s)
	}
	return out
}

func Length(ss []Span) int64 {
	var n int64
	for _, s := range ss {
		n += s.End - s.Start
	}
	return n
}

// Overlap is the length of the intersection of two unions.
func Overlap(a, b []Span) int64 {
	var n int64
	for i, j := 0, 0; i < len(a) && j < len(b); {
		lo, hi := max(a[i].Start, b[j].Start), min(a[i].End, b[j].End)
		if hi > lo {
			n += hi - lo
		}
		if a[i].End < b[j].End {
			i++
		} else {
			j++
		}
	}
	return n
}

// LongestGap is the longest time between consecutive spans of a union.
func LongestGap(ss []Span) int64 {
	var g int64
	for i := 1; i < len(ss); i++ {
		g = max(g, ss[i].Start-ss[i-1].End)
	}
	return g
}

// Inside reports whether t lies strictly inside one of the union's spans:
// a word starting exactly when the other side's word ends (a handover) or
// starts (both at once) interrupts nobody.
func Inside(ss []Span, t int64) bool {
	k := sort.Search(len(ss), func(k int) bool { return ss[k].Start >= t })
	return k > 0 && t < ss[k-1].End
}

// QuantileRank says where the p-quantile (0 <= p <= 1) of n sorted values
// falls: at the value of 0-based rank lo plus frac of the way to the next
// one. It is linear interpolation between closest ranks (Hyndman & Fan
// type 7): DuckDB's quantile_cont, numpy's default method, and what
// Retell's own per-call latency p50/p90 are. Every quantile any output reports, per
// call or over a group, is placed by this one function.
func QuantileRank(n int64, p float64) (lo int64, frac float64) {
	if n <= 1 {
		return 0, 0
	}
	h := p * float64(n-1) // the expression DuckDB evaluates: (n - 1) * q
	lo = int64(math.Floor(h))
	if lo >= n-1 {
		return n - 1, 0
	}
	return lo, h - float64(lo)
}

// Between is the interpolated value frac of the way from a to b, computed
// as DuckDB's quantile_cont does for doubles, a*(1-frac) + b*frac, so that
// the float result is the same to the last bit (a + frac*(b-a), numpy's
// way, differs in the last place: 4.6455 and 4.645499999999999, which
// round apart). When frac is 0 it is a itself, as in DuckDB.
func Between(a, b, frac float64) float64 {
	if frac == 0 {
		return a
	}
	return a*(1-frac) + b*frac
}

// QuantileCont returns the p-quantile of sorted values (ascending) by
// QuantileRank; NaN for no values.
func QuantileCont(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	lo, frac := QuantileRank(int64(len(sorted)), p)
	if frac == 0 {
		return sorted[lo]
	}
	return Between(sorted[lo], sorted[lo+1], frac)
}

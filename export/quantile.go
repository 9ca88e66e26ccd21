package export

import "math"

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

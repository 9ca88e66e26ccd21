package analyze

import (
	"math"
	"slices"

	"github.com/DataDog/sketches-go/ddsketch"
	"github.com/retell-export/retell-export/export"
)

// Quantile accuracy. Up to ExactLimit values a quantile keeps every value and
// its percentiles are exact, so small groups (one agent-day, a test) show
// the same numbers as a spreadsheet would. Past it the values move into a
// DDSketch: its error is relative (1% of the value, whatever the scale, which
// suits latencies, durations and costs that span orders of magnitude), it is
// mergeable, and with a collapsing store its size is capped at MaxSketchBins
// however many values arrive. Bins are logarithmic with ratio
// (1+a)/(1-a) ≈ 1.0202 for a = 1%, so 2048 bins cover a max/min ratio of
// about e^41: the cap never collapses real data (1 ms .. 10^6 ms is ~700
// bins), it only bounds memory against garbage.
const (
	ExactLimit       = 1024
	RelativeAccuracy = 0.01
	MaxSketchBins    = 2048
)

// quantile accumulates numbers for count, mean, min, max and percentiles in
// bounded memory: at most ExactLimit float64s, or one sketch of at most
// MaxSketchBins bins per sign.
type quantile struct {
	n        int64
	sum      exactSum // order-independent, so the mean is too
	min, max float64
	exact    []float64 // every value, while n <= ExactLimit
	sketch   *ddsketch.DDSketch
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
	if q.sketch == nil && len(q.exact) < ExactLimit {
		q.exact = append(q.exact, v)
		return
	}
	if q.sketch == nil {
		q.sketch = newSketch()
		for _, x := range q.exact {
			_ = q.sketch.Add(x) // finite values never fail
		}
		q.exact = nil
	}
	_ = q.sketch.Add(v)
}

func newSketch() *ddsketch.DDSketch {
	s, err := ddsketch.LogCollapsingLowestDenseDDSketch(RelativeAccuracy, MaxSketchBins)
	if err != nil { // only for an accuracy outside (0,1): a programming error
		panic(err)
	}
	return s
}

// at returns the p-quantile (0 <= p <= 1). Exact values use linear
// interpolation between closest ranks (what Retell's own per-call p50/p90
// and numpy's default do); the sketch returns its estimate of the value at
// rank p*(n-1), within RelativeAccuracy, clamped to [min, max].
func (q *quantile) at(p float64) float64 {
	if q.sketch == nil {
		return interpolate(q.sortedExact(), p)
	}
	v, err := q.sketch.GetValueAtQuantile(p)
	if err != nil {
		return math.NaN()
	}
	return min(max(v, q.min), q.max)
}

func (q *quantile) sortedExact() []float64 {
	if !slices.IsSorted(q.exact) {
		slices.Sort(q.exact)
	}
	return q.exact
}

// interpolate returns the p-quantile of sorted values by linear
// interpolation between the closest ranks (Hyndman & Fan type 7).
func interpolate(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	h := p * float64(len(sorted)-1)
	lo := int(math.Floor(h))
	if lo >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	return sorted[lo] + (h-float64(lo))*(sorted[lo+1]-sorted[lo])
}

// summary renders q with values rounded to digits decimals.
func (q *quantile) summary(digits int) Quantiles {
	s := Quantiles{Count: q.n, Exact: q.sketch == nil}
	if q.n == 0 {
		return s
	}
	r := func(v float64) *float64 { return ptr(round(v, digits)) }
	s.Min, s.Max = r(q.min), r(q.max)
	s.Mean = r(q.sum.value() / float64(q.n))
	s.P50, s.P90, s.P95, s.P99 = r(q.at(0.50)), r(q.at(0.90)), r(q.at(0.95)), r(q.at(0.99))
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

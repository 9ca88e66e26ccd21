package analyze

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestInterpolate(t *testing.T) {
	tests := []struct {
		values []float64
		p      float64
		want   float64
	}{
		{[]float64{5}, 0.5, 5},
		{[]float64{5}, 0.99, 5},
		{[]float64{1, 2}, 0.5, 1.5},
		{[]float64{1, 2, 3, 4}, 0, 1},
		{[]float64{1, 2, 3, 4}, 1, 4},
		{[]float64{1, 2, 3, 4}, 0.5, 2.5},
		// Retell's own per-call figures: values [820 910 1040 1180 1350]
		// have p50 1040 and p90 1282 in the API's latency object.
		{[]float64{820, 910, 1040, 1180, 1350}, 0.5, 1040},
		{[]float64{820, 910, 1040, 1180, 1350}, 0.9, 1282},
	}
	for _, tt := range tests {
		if got := interpolate(tt.values, tt.p); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("interpolate(%v, %v) = %v, want %v", tt.values, tt.p, got, tt.want)
		}
	}
	if !math.IsNaN(interpolate(nil, 0.5)) {
		t.Error("interpolate of nothing is not NaN")
	}
}

// Up to ExactLimit values the quantile is exact; one more switches to the
// sketch and drops the exact values.
func TestQuantileExactThenSketch(t *testing.T) {
	var q quantile
	rng := rand.New(rand.NewPCG(1, 2))
	var all []float64
	for range ExactLimit {
		v := rng.Float64() * 1000
		all = append(all, v)
		q.add(v)
	}
	slices.Sort(all)
	for _, p := range []float64{0, 0.5, 0.9, 0.99, 1} {
		if got, want := q.at(p), interpolate(all, p); got != want {
			t.Errorf("exact p%v = %v, want %v", p*100, got, want)
		}
	}
	if s := q.summary(3); !s.Exact || s.Count != ExactLimit {
		t.Errorf("summary %+v, want exact with %d values", s, ExactLimit)
	}
	q.add(500)
	if vals, bins := q.retained(); vals != 0 || bins == 0 || q.summary(3).Exact {
		t.Errorf("after %d values: %d exact values, %d bins, want a sketch", ExactLimit+1, vals, bins)
	}
}

// The sketch is within RelativeAccuracy of the exact value at the same
// rank, on a large sample spanning five orders of magnitude.
func TestQuantileSketchAccuracy(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const n = 200_000
	var q quantile
	values := make([]float64, n)
	for i := range values {
		values[i] = math.Exp(rng.NormFloat64()*2 + 7) // log-normal around 1100 ms
		q.add(values[i])
	}
	slices.Sort(values)
	for _, p := range []float64{0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999} {
		want := values[int(p*float64(n-1))] // DDSketch's rank: p*(n-1), rounded down
		got := q.at(p)
		if rel := math.Abs(got-want) / want; rel > RelativeAccuracy {
			t.Errorf("p%v = %v, exact %v: relative error %.4f > %v", p*100, got, want, rel, RelativeAccuracy)
		}
	}
	s := q.summary(6)
	if *s.Min != round(values[0], 6) || *s.Max != round(values[n-1], 6) || s.Count != n {
		t.Errorf("min/max/count %v %v %d, want exact %v %v %d", *s.Min, *s.Max, s.Count, values[0], values[n-1], n)
	}
}

func TestQuantileIgnoresNonFinite(t *testing.T) {
	var q quantile
	for _, v := range []float64{math.NaN(), math.Inf(1), 3, math.Inf(-1), 1} {
		q.add(v)
	}
	s := q.summary(3)
	if s.Count != 2 || *s.Min != 1 || *s.Max != 3 || *s.P50 != 2 {
		t.Errorf("got %s, want 2 values 1 and 3", jsonOf(s))
	}
}

// Zero and negative values (a clock skew in a latency) stay in range.
func TestQuantileZeroAndNegative(t *testing.T) {
	var q quantile
	for i := range 3000 {
		q.add(float64(i%3 - 1)) // -1, 0, 1
	}
	for _, p := range []float64{0, 0.5, 1} {
		want := []float64{-1, 0, 1}[int(p*2)]
		if got := q.at(p); math.Abs(got-want) > RelativeAccuracy {
			t.Errorf("p%v = %v, want %v", p*100, got, want)
		}
	}
}

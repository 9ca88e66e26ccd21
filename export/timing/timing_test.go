package timing

import (
	"math"
	"testing"
)

func TestQuantileCont(t *testing.T) {
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
		// Retell's own per-call figures: values 820 910 1040 1180 1350
		// have p50 1040 and p90 1282 in the API's latency object.
		{[]float64{820, 910, 1040, 1180, 1350}, 0.5, 1040},
		{[]float64{820, 910, 1040, 1180, 1350}, 0.9, 1282},
	}
	for _, tt := range tests {
		if got := QuantileCont(tt.values, tt.p); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("QuantileCont(%v, %v) = %v, want %v", tt.values, tt.p, got, tt.want)
		}
	}
	if !math.IsNaN(QuantileCont(nil, 0.5)) {
		t.Error("QuantileCont of nothing is not NaN")
	}
}

// Spans: union merges what touches, overlap and the longest gap are
// exact in microseconds, and Inside is strict at both ends.
func TestSpans(t *testing.T) {
	u := Union([]Span{{30, 40}, {0, 10}, {10, 20}, {35, 50}})
	if len(u) != 2 || u[0] != (Span{0, 20}) || u[1] != (Span{30, 50}) {
		t.Fatalf("union %v", u)
	}
	if Length(u) != 40 || LongestGap(u) != 10 || Overlap(u, []Span{{15, 35}}) != 10 {
		t.Errorf("length %d, gap %d, overlap %d", Length(u), LongestGap(u), Overlap(u, []Span{{15, 35}}))
	}
	for _, tc := range []struct {
		at   int64
		want bool
	}{{0, false}, {5, true}, {20, false}, {25, false}, {49, true}, {50, false}} {
		if got := Inside(u, tc.at); got != tc.want {
			t.Errorf("Inside(%d) = %v", tc.at, got)
		}
	}
	if Seconds(Micros(1.2345)) != 1.235 || Seconds(Micros(-1.2345)) != -1.235 {
		t.Errorf("rounding: %v %v", Seconds(Micros(1.2345)), Seconds(Micros(-1.2345)))
	}
}

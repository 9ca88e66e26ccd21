package analyze

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"testing"

	"github.com/retell-export/retell-export/export/timing"
)

var quantilePs = []float64{0, 0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 1}

// Percentiles equal timing.QuantileCont (DuckDB's quantile_cont) over the
// sorted values, bit for bit: few distinct values and all distinct, zero
// and negative, small and large, kept in memory or spilled to runs.
func TestQuantileExact(t *testing.T) {
	gens := map[string]func(r *rand.Rand) float64{
		"whole ms":     func(r *rand.Rand) float64 { return math.Round(1100 * math.Exp(r.NormFloat64()*0.4)) },
		"all distinct": func(r *rand.Rand) float64 { return math.Exp(r.NormFloat64()*2 + 7) },
		"signed":       func(r *rand.Rand) float64 { return math.Round(r.NormFloat64()*1000) / 1000 },
		"three values": func(r *rand.Rand) float64 { return float64(r.IntN(3) - 1) },
	}
	for name, gen := range gens {
		for _, n := range []int{1, 2, 3, 10, 1000, 20_000} {
			for _, limit := range []int{0, 500} { // 0: no spill
				t.Run(fmt.Sprintf("%s/n=%d/limit=%d", name, n, limit), func(t *testing.T) {
					rng := rand.New(rand.NewPCG(uint64(n), 9))
					var q quantile
					pool := newSpill(t.TempDir(), limit)
					if limit > 0 {
						pool.track(&q)
					}
					values := make([]float64, n)
					for i := range values {
						values[i] = gen(rng)
						q.add(values[i])
						if limit > 0 && pool.held > limit {
							t.Fatalf("after %d values the pool holds %d entries, limit %d", i+1, pool.held, limit)
						}
					}
					slices.Sort(values)
					got := q.percentiles(quantilePs)
					if len(q.runs) == 0 && len(q.counts) != len(slices.Compact(slices.Clone(values))) {
						t.Errorf("%d entries for %d distinct values", len(q.counts), len(slices.Compact(slices.Clone(values))))
					}
					for i := 1; i < len(q.counts); i++ {
						if q.counts[i-1].v >= q.counts[i].v {
							t.Fatalf("counts not strictly ascending at %d: %v then %v", i, q.counts[i-1], q.counts[i])
						}
					}
					for i, p := range quantilePs {
						if want := timing.QuantileCont(values, p); got[i] != want {
							t.Errorf("p%v = %v, want %v", p*100, got[i], want)
						}
					}
					if distinct := len(slices.Compact(slices.Clone(values))); distinct > limit && limit > 0 && (len(q.runs) == 0 || pool.err != nil) {
						t.Errorf("%d runs, error %v: the spill was not exercised", len(q.runs), pool.err)
					}
					s := q.summary(6)
					if s.Count != int64(n) || *s.Min != round(values[0], 6) || *s.Max != round(values[n-1], 6) {
						t.Errorf("count %d min %v max %v, want %d %v %v", s.Count, *s.Min, *s.Max, n, values[0], values[n-1])
					}
					if err := pool.close(); err != nil {
						t.Fatal(err)
					}
				})
			}
		}
	}
}

// Spilling keeps every quantile of a pool together under the limit, writes
// the largest first, and the file is gone after close.
func TestSpillBoundsMemory(t *testing.T) {
	dir := t.TempDir()
	pool := newSpill(dir, 1000)
	qs := make([]quantile, 20)
	for i := range qs {
		pool.track(&qs[i])
	}
	rng := rand.New(rand.NewPCG(5, 6))
	all := make([][]float64, len(qs))
	for range 50_000 {
		i := min(rng.IntN(len(qs)*2), len(qs)-1) // the last one gets half the values
		v := rng.Float64()
		all[i] = append(all[i], v)
		qs[i].add(v)
		if pool.held > pool.limit {
			t.Fatalf("pool holds %d entries, limit %d", pool.held, pool.limit)
		}
	}
	if len(qs[len(qs)-1].runs) < len(qs[0].runs) || pool.runs == 0 {
		t.Errorf("runs: busiest quantile %d, quietest %d, total %d", len(qs[len(qs)-1].runs), len(qs[0].runs), pool.runs)
	}
	for i := range qs {
		slices.Sort(all[i])
		got := qs[i].percentiles([]float64{0.5, 0.9})
		if want := timing.QuantileCont(all[i], 0.9); got[1] != want || got[0] != timing.QuantileCont(all[i], 0.5) {
			t.Errorf("quantile %d: p50 p90 %v, want %v %v", i, got, timing.QuantileCont(all[i], 0.5), want)
		}
	}
	name := pool.f.Name()
	if err := pool.close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(name); !os.IsNotExist(err) {
		t.Errorf("spill file %s left behind: %v", name, err)
	}
}

// A spill that cannot be written fails the run instead of reporting
// percentiles without the values it lost.
func TestSpillError(t *testing.T) {
	st := New(Options{SpillDir: "/nonexistent/dir"})
	st.spill.limit = 100
	gen := newSynth(3, true)
	var err error
	for i := 0; i < 100 && err == nil; i++ {
		err = st.Write(gen.call())
	}
	if err == nil || st.Close() == nil || st.Summary() != nil {
		t.Fatalf("write error %v, want the spill's error from Write and Close, and no summary", err)
	}
}

func TestQuantileIgnoresNonFinite(t *testing.T) {
	var q quantile
	for _, v := range []float64{math.NaN(), math.Inf(1), 3, math.Inf(-1), 1, 2e12} {
		q.add(v)
	}
	s := q.summary(3)
	if s.Count != 2 || *s.Min != 1 || *s.Max != 3 || *s.P50 != 2 || !s.Exact {
		t.Errorf("got %s, want 2 values 1 and 3", jsonOf(s))
	}
}

package analyze

import (
	"testing"
)

// TestMemoryBounded feeds 200,000 calls, many with names that never repeat,
// and checks every group's retained structures against their caps: exact
// values and sketch bins per quantile, names per counter, keys per map.
// It counts structures rather than bytes or time, so it cannot flake.
func TestMemoryBounded(t *testing.T) {
	n := 200_000
	if testing.Short() {
		n = 20_000
	}
	st := feed(t, Options{By: AllBy()}, n, true)
	groups := []*group{st.overall}
	for _, m := range st.groups {
		for _, g := range m {
			groups = append(groups, g)
		}
	}
	// Groups are bounded by the data: 8 agents, 91 calendar days in a
	// 90-day span plus "(no start)", 2 types, 3 directions.
	if len(groups) > 1+8+92+2+3 {
		t.Errorf("%d groups, want at most %d", len(groups), 1+8+92+2+3)
	}
	sketches := 0
	for _, g := range groups {
		for name, q := range map[string]*quantile{"duration": &g.dur, "cost": &g.cost, "e2e": &g.e2e, "llm": &g.llm, "tts": &g.tts} {
			vals, bins := q.retained()
			if vals > ExactLimit || bins > 2*MaxSketchBins {
				t.Errorf("group %s %s: %d exact values, %d bins", g.key, name, vals, bins)
			}
			if q.sketch != nil {
				sketches++
			}
		}
		for name, c := range map[string]*counter{"status": &g.status, "reasons": &g.reasons,
			"categories": &g.categories, "sentiments": &g.sentiments, "nodes": &g.nodes} {
			if len(c.counts) > c.limit+1 { // +1: None is always tracked
				t.Errorf("group %s %s: %d names tracked, limit %d", g.key, name, len(c.counts), c.limit)
			}
		}
		if len(g.tools.m) > maxNames+1 || len(g.products.m) > maxNames+1 || len(g.custom.m) > maxCustomKeys {
			t.Errorf("group %s: %d tools, %d products, %d custom keys", g.key, len(g.tools.m), len(g.products.m), len(g.custom.m))
		}
		for key, a := range g.custom.m {
			if len(a.values.counts) > maxCustomValues {
				t.Errorf("group %s custom %s: %d values", g.key, key, len(a.values.counts))
			}
		}
	}
	if sketches == 0 {
		t.Error("no quantile moved to a sketch: the test did not exercise the bound")
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	o := st.Summary().Overall
	if o.Volume.Calls != n || o.Outcome.Reasons[len(o.Outcome.Reasons)-1].Name != Other {
		t.Errorf("calls %d, last reason %q; want %d and (other)", o.Volume.Calls, o.Outcome.Reasons[len(o.Outcome.Reasons)-1].Name, n)
	}
}

// retained reports the memory a quantile holds: exact values kept, and the
// span of sketch bins allocated (both stores).
func (q *quantile) retained() (values, bins int) {
	if q.sketch == nil {
		return len(q.exact), 0
	}
	for _, st := range []interface {
		IsEmpty() bool
		MinIndex() (int, error)
		MaxIndex() (int, error)
	}{q.sketch.GetPositiveValueStore(), q.sketch.GetNegativeValueStore()} {
		if st.IsEmpty() {
			continue
		}
		lo, _ := st.MinIndex()
		hi, _ := st.MaxIndex()
		bins += hi - lo + 1
	}
	return 0, bins
}

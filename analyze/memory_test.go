package analyze

import (
	"testing"
)

// TestMemoryBounded feeds 25,000 calls with names and latencies that
// never repeat and checks every group's retained structures against their
// caps: the entries all quantiles hold together (QuantileMemory, here
// lowered so that the spill works hard), names per counter, keys per map.
// It counts structures rather than bytes or time, so it cannot flake.
func TestMemoryBounded(t *testing.T) {
	// Enough to pass every cap many times over (names, keys, and with the
	// lowered limit the spill, which must have run): more calls would
	// only repeat the same structures.
	n := 25_000
	if testing.Short() {
		n = 10_000
	}
	const limit = 50_000
	st := New(Options{By: AllBy(), SpillDir: t.TempDir()})
	st.spill.limit = limit
	gen := newSynth(42, true)
	held := 0
	for range n {
		if err := st.Write(gen.call()); err != nil {
			t.Fatal(err)
		}
		held = max(held, st.spill.held)
	}
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
	if held > limit || st.spill.runs == 0 || len(st.spill.qs) != 8*len(groups) {
		t.Errorf("quantiles held up to %d entries (limit %d) in %d runs; %d quantiles tracked for %d groups",
			held, limit, st.spill.runs, len(st.spill.qs), len(groups))
	}
	sum := 0
	for _, q := range st.spill.qs {
		sum += len(q.counts) + len(q.pending)
	}
	if sum != st.spill.held {
		t.Errorf("quantiles hold %d entries, the pool counts %d", sum, st.spill.held)
	}
	for _, g := range groups {
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
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	o := st.Summary().Overall
	if o.Volume.Calls != n || o.Outcome.Reasons[len(o.Outcome.Reasons)-1].Name != Other {
		t.Errorf("calls %d, last reason %q; want %d and (other)", o.Volume.Calls, o.Outcome.Reasons[len(o.Outcome.Reasons)-1].Name, n)
	}
}

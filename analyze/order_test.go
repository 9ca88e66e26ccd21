package analyze

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/retell-export/retell-export/export"
)

// The same calls in any order give byte-identical summary.json: a re-run
// and a replay of the archive receive them in other orders than the first
// run. Enough calls that the quantiles spill (in one of the orders only),
// agents renamed along the way, float costs whose float64 sum depends on order; hostile
// data overflows every bounded list of names.
func TestSummaryOrderIndependent(t *testing.T) {
	for _, hostile := range []bool{false, true} {
		t.Run(fmt.Sprint("hostile=", hostile), func(t *testing.T) { testOrderIndependent(t, hostile) })
	}
}

func testOrderIndependent(t *testing.T, hostile bool) {
	s := newSynth(7, hostile)
	var calls []*export.Call
	for range 5000 {
		c := s.call()
		c.AgentName = fmt.Sprintf("Agent rev %d", s.rng.IntN(5))
		calls = append(calls, c)
	}
	render := func(calls []*export.Call, limit int) []byte {
		st := New(Options{By: AllBy(), SpillDir: t.TempDir()})
		st.spill.limit = limit
		for _, c := range calls {
			if err := st.Write(c); err != nil {
				t.Fatal(err)
			}
		}
		if limit < QuantileMemory && st.spill.runs == 0 {
			t.Error("no quantile spilled")
		}
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
		st.Summary().Quantiles.MemoryValues = 0 // the one figure that says which limit was used
		var b bytes.Buffer
		if err := WriteJSON(&b, st.Summary()); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	want := render(calls, QuantileMemory)
	reversed := slices.Clone(calls)
	slices.Reverse(reversed)
	shuffled := slices.Clone(calls)
	rand.New(rand.NewPCG(1, 1)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	for name, order := range map[string][]*export.Call{"reversed": reversed, "shuffled": shuffled} {
		limit := QuantileMemory
		if name == "shuffled" {
			limit = 2000 // and spilled: the figures are the same
		}
		if got := render(order, limit); !bytes.Equal(got, want) {
			t.Errorf("%s: summary.json differs: %s", name, firstDiff(string(got), string(want)))
		}
	}
}

// exactSum's total is exact and the same in any order, where float64
// addition is not (0.1 + 0.2 + 0.3 != 0.3 + 0.2 + 0.1).
func TestExactSum(t *testing.T) {
	vals := []float64{0.1, 0.2, 0.3, 16.1833333, -5.5, 1e12, -1e12, 7.25}
	var a, b exactSum
	for i := range vals {
		a.add(vals[i])
		b.add(vals[len(vals)-1-i])
	}
	if a != b || a.value() != 18.533333 { // 16.1833333 is kept to a millionth
		t.Errorf("sums %v and %v (%v, %v), want both 18.533333", a, b, a.value(), b.value())
	}
	var neg exactSum
	neg.add(-0.000001)
	if neg.value() != -0.000001 {
		t.Errorf("-1e-6 sums to %v", neg.value())
	}
	var big exactSum
	for range 20 {
		big.add(1e12) // 2e19 units: past int64
	}
	if big.value() != 2e13 {
		t.Errorf("20 x 1e12 = %v", big.value())
	}
}

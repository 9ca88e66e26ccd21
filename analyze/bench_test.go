package analyze

import (
	"io"
	"testing"

	"github.com/retell-export/retell-export/export"
)

// BenchmarkSummary20k measures the whole analysis of 20,000 synthetic calls
// (generated before the timer starts): every grouping, Close, and both
// renderings. For peak memory run it once under /usr/bin/time -v:
//
//	/usr/bin/time -v go test -run XXX -bench BenchmarkSummary20k -benchtime 1x ./analyze/
func BenchmarkSummary20k(b *testing.B) {
	const n = 20_000
	gen := newSynth(7, false)
	calls := make([]*export.Call, n)
	for i := range calls {
		calls[i] = gen.call()
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		st := New(Options{By: AllBy()})
		for _, c := range calls {
			if err := st.Write(c); err != nil {
				b.Fatal(err)
			}
		}
		if err := st.Close(); err != nil {
			b.Fatal(err)
		}
		if err := WriteText(io.Discard, st.Summary()); err != nil {
			b.Fatal(err)
		}
		if err := WriteJSON(io.Discard, st.Summary()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "calls/s")
}

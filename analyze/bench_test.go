package analyze

import (
	"fmt"
	"io"
	"runtime"
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

// BenchmarkSummaryStream generates each call just before writing it and
// drops it after, as the pipeline does, and reports the heap still live
// after Close with the Stats alive (live-MB): the analyser's own footprint,
// which should not grow from 20k to 200k calls, and the values percentiles
// spilled to disk to keep it so. The 200k case with
// "hostile" names (never repeating reasons, tools, custom keys) is the
// worst case for the bounded counters.
func BenchmarkSummaryStream(b *testing.B) {
	for _, bc := range []struct {
		n       int
		hostile bool
	}{{20_000, false}, {200_000, false}, {200_000, true}} {
		b.Run(fmt.Sprintf("calls=%d/hostile=%v", bc.n, bc.hostile), func(b *testing.B) {
			b.ReportAllocs()
			var live uint64
			var spilled int64
			for range b.N {
				st := feed(b, Options{By: AllBy()}, bc.n, bc.hostile)
				spilled = st.spill.spilt
				if err := st.Close(); err != nil {
					b.Fatal(err)
				}
				runtime.GC()
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				live = ms.HeapAlloc
				runtime.KeepAlive(st)
			}
			b.ReportMetric(float64(bc.n*b.N)/b.Elapsed().Seconds(), "calls/s")
			b.ReportMetric(float64(live)/(1<<20), "live-MB")
			b.ReportMetric(float64(spilled), "spilled-values")
		})
	}
}

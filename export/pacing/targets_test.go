package pacing

import (
	"testing"
	"time"

	"github.com/retell-export/retell-export/export/fakeapi"
)

// targets are issue 9's: the client is told 4× the limit, 3,000 calls,
// 50 ms latency, 16 workers.
func targetScenarios() []struct {
	sc       scenario
	minRatio float64
	maxShare float64
} {
	base := func(name string, l func() fakeapi.Limit) scenario {
		return scenario{name: name, limit: l, latency: 50 * time.Millisecond, calls: 3000, rps: 200, workers: 16, ra: raMillis}
	}
	tb := base("token bucket 50/s burst 5", func() fakeapi.Limit { return fakeapi.TokenBucket(50, 5) })
	fw := base("fixed window 50/s", func() fakeapi.Limit { return fakeapi.FixedWindow(50, time.Second) })
	sw := base("sliding window 50/s", func() fakeapi.Limit { return fakeapi.SlidingWindow(50, time.Second) })
	cc := base("8 in flight, 100 ms", func() fakeapi.Limit { return fakeapi.Concurrency(8, 100*time.Millisecond) })
	cc.latency, cc.rps = 100*time.Millisecond, 320
	sch := base("50 → 25 → 80/s", func() fakeapi.Limit {
		return fakeapi.Schedule(fakeapi.Step{PerSecond: 50}, fakeapi.Step{From: 30 * time.Second, PerSecond: 25}, fakeapi.Step{From: 60 * time.Second, PerSecond: 80})
	})
	known := base("known limit 50/s", func() fakeapi.Limit { return fakeapi.SlidingWindow(50, time.Second) })
	known.rps = 50
	return []struct {
		sc       scenario
		minRatio float64
		maxShare float64
	}{
		{tb, 0.93, 0.015}, {fw, 0.93, 0.015}, {sw, 0.93, 0.015}, {cc, 0.90, 0.015}, {sch, 0.88, 0.03}, {known, 0.97, 0},
	}
}

func TestTargets(t *testing.T) {
	for _, tc := range targetScenarios() {
		for _, ra := range []raMode{raMillis, raSeconds, raNone} {
			sc := tc.sc
			sc.ra = ra
			o := simulate(sc)
			t.Logf("%-28s ra=%d ratio %.3f  %v", sc.name, ra, o.ratio(sc.calls), o)
		}
	}
}

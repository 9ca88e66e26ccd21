package pacing

import (
	"testing"
	"time"

	"github.com/retell-export/retell-export/export/fakeapi"
)

// target is one line of issue 9's targets: the client is told 4× the
// limit, 3,000 calls, 50 ms latency, 16 workers, no call lost.
type target struct {
	sc       scenario
	minRatio float64 // achieved ÷ what the limit allowed
	maxShare float64 // requests answered 429
}

func targets() []target {
	base := func(name string, l func() fakeapi.Limit) scenario {
		return scenario{name: name, limit: l, latency: 50 * time.Millisecond, calls: 3000, rps: 200, workers: 16}
	}
	cc := base("8 in flight, 100 ms", func() fakeapi.Limit { return fakeapi.Concurrency(8, 100*time.Millisecond) })
	cc.latency, cc.rps = 100*time.Millisecond, 320
	known := base("known limit 50/s", func() fakeapi.Limit { return fakeapi.SlidingWindow(50, time.Second) })
	known.rps = 50
	return []target{
		{base("token bucket 50/s burst 5", func() fakeapi.Limit { return fakeapi.TokenBucket(50, 5) }), 0.93, 0.015},
		{base("fixed window 50/s", func() fakeapi.Limit { return fakeapi.FixedWindow(50, time.Second) }), 0.93, 0.015},
		{base("sliding window 50/s", func() fakeapi.Limit { return fakeapi.SlidingWindow(50, time.Second) }), 0.93, 0.015},
		{cc, 0.90, 0.015},
		{base("50 → 25 → 80/s", func() fakeapi.Limit {
			return fakeapi.Schedule(fakeapi.Step{PerSecond: 50}, fakeapi.Step{From: 30 * time.Second, PerSecond: 25}, fakeapi.Step{From: 60 * time.Second, PerSecond: 80})
		}), 0.88, 0.03},
		{known, 0.97, 0},
	}
}

// TestTargets runs the controller against every limit shape on a fake
// clock and checks issue 9's targets, with Retry-After in milliseconds (as
// Retell's SDKs read it first) and without the header. Run with -v for
// the figures.
func TestTargets(t *testing.T) {
	for _, tc := range targets() {
		for _, ra := range []raMode{raMillis, raNone} {
			sc := tc.sc
			sc.ra = ra
			o := simulate(sc)
			t.Logf("%-26s %-7s achieved %.3f of allowed, %v", sc.name, ra, o.ratio(sc.calls), o)
			if o.failed > 0 || o.ratio(sc.calls) < tc.minRatio || o.share() > tc.maxShare {
				t.Errorf("%s, %s: achieved %.3f (want ≥ %.2f), 429s %.2f%% (want ≤ %.1f%%), %d failed",
					sc.name, ra, o.ratio(sc.calls), tc.minRatio, 100*o.share(), 100*tc.maxShare, o.failed)
			}
		}
	}
}

// TestTargetsRetryAfterSeconds reports the figures when Retry-After comes
// in whole seconds (rounded up, so a 20 ms wait reads "1"); the issue sets
// no target for it. Only loss of calls fails.
func TestTargetsRetryAfterSeconds(t *testing.T) {
	for _, tc := range targets() {
		sc := tc.sc
		sc.ra = raSeconds
		o := simulate(sc)
		t.Logf("%-26s achieved %.3f of allowed, %v", sc.name, o.ratio(sc.calls), o)
		if o.failed > 0 {
			t.Errorf("%s: %d calls failed", sc.name, o.failed)
		}
	}
}

// TestRateLimitHeaders: with RateLimit headers the limit is known from
// the first reply, so nothing is refused after startup.
func TestRateLimitHeaders(t *testing.T) {
	for _, tc := range targets()[:3] {
		sc := tc.sc
		sc.ra, sc.headers = raMillis, true
		o := simulate(sc)
		t.Logf("%-26s achieved %.3f of allowed, %v", sc.name, o.ratio(sc.calls), o)
		if !o.est.FromHeaders || o.est.Limit != 50 || o.ratio(sc.calls) < 0.95 || o.share() > 0.002 {
			t.Errorf("%s with headers: achieved %.3f, %.2f%% 429s, estimate %+v", sc.name, o.ratio(sc.calls), 100*o.share(), o.est)
		}
	}
}

// TestFaultList is issue 9's list of 31 ids with per-call trouble and no
// rate limit: three ids answer 429 once (Retry-After: 1 s), two 500 once,
// two reset once, one takes 8 s; --rps 20. The per-call 429s must not
// slow the run: it ends within 1.1× its slowest call.
func TestFaultList(t *testing.T) {
	sc := scenario{name: "fault list", limit: func() fakeapi.Limit { return fakeapi.SlidingWindow(1<<30, time.Second) },
		latency: 50 * time.Millisecond, calls: 31, rps: 20 * 0.98, workers: 16, ra: raSeconds,
		faults: map[int][]simFault{2: {fault429}, 9: {fault429}, 20: {fault429}, 5: {fault500}, 25: {fault500}, 12: {faultReset}, 28: {faultReset}},
		slow:   map[int]time.Duration{10: 8 * time.Second}}
	o := simulate(sc)
	slowest := 8*time.Second + sc.latency
	t.Logf("fault list: %v (%.2f× the slowest call)", o, o.elapsed.Seconds()/slowest.Seconds())
	if o.failed > 0 || o.elapsed > slowest*11/10 {
		t.Errorf("fault list took %v with %d failed, want within %v", o.elapsed, o.failed, slowest*11/10)
	}
	if o.est.Cuts > 0 {
		t.Errorf("per-call 429s cut the rate %d times", o.est.Cuts)
	}
}

func (m raMode) String() string {
	return [...]string{"no-RA", "RA-ms", "RA-s"}[m]
}

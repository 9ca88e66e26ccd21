package pacing

import (
	"net/http"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)

func at(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }

// send admits a request at now or fails the test.
func send(t *testing.T, c *Controller, now time.Time) Ticket {
	t.Helper()
	tk, retry, ok := c.Admit(now)
	if !ok {
		t.Fatalf("Admit at %v refused (retry %v)", now.Sub(t0), retry.Sub(t0))
	}
	return tk
}

func TestAdmitSpacingAndCaps(t *testing.T) {
	c := New(Config{MaxRate: 4, MaxInFlight: 2}, t0)
	a := send(t, c, at(0))
	if _, retry, ok := c.Admit(at(10)); ok || !retry.Equal(at(250)) {
		t.Errorf("second request at 10 ms: ok=%v retry %v, want the next slot at 250 ms", ok, retry.Sub(t0))
	}
	send(t, c, at(250))
	if _, retry, ok := c.Admit(at(500)); ok || !retry.IsZero() {
		t.Errorf("third request with 2 in flight: ok=%v retry %v, want to wait for a reply", ok, retry)
	}
	c.Observe(Reply{Ticket: a}, at(510))
	send(t, c, at(510))
	if d := c.Decision(); d.Rate > 4 || d.InFlight != 2 {
		t.Errorf("decision %+v exceeds --rps 4 or --concurrency 2", d)
	}
}

func TestStartupGrowsWithReplies(t *testing.T) {
	c := New(Config{MaxRate: 1000}, t0)
	now := t0
	for i := 0; i < 100; i++ { // 10 s at whatever rate is allowed, 50 ms replies
		tk, retry, ok := c.Admit(now)
		if !ok {
			now = retry
			continue
		}
		c.Observe(Reply{Ticket: tk}, now.Add(50*time.Millisecond))
	}
	if r := c.Decision().Rate; r <= 10 {
		t.Errorf("rate after %d accepted requests = %v, want growth above the start rate 10", 100, r)
	}
	if c.Estimates().Cuts != 0 {
		t.Error("cut without a 429")
	}
}

// run sends n requests at the controller's pace; reply decides each
// answer. It returns the time after the last reply.
func run(c *Controller, start time.Time, n int, latency time.Duration, reply func(i int) Outcome) time.Time {
	now := start
	for i := 0; i < n; {
		tk, retry, ok := c.Admit(now)
		if !ok {
			if retry.IsZero() {
				retry = now.Add(time.Millisecond)
			}
			now = retry
			continue
		}
		c.Observe(Reply{Ticket: tk, Outcome: reply(i)}, now.Add(latency))
		i++
	}
	return now.Add(latency)
}

func TestIsolated429DoesNotCut(t *testing.T) {
	c := New(Config{MaxRate: 20}, t0)
	end := run(c, t0, 100, 0, func(i int) Outcome {
		if i == 30 || i == 60 { // per-call hiccups between accepted neighbours
			return Throttled
		}
		return Accepted
	})
	if e := c.Estimates(); e.Cuts != 0 || e.Rate < 19 {
		t.Errorf("after two isolated 429s by %v: %+v, want no cut", end.Sub(t0), e)
	}
}

func TestSharedThrottlesCutOncePerRoundTrip(t *testing.T) {
	c := New(Config{MaxRate: 50}, t0)
	now := run(c, t0, 150, 0, func(int) Outcome { return Accepted }) // 3+ s at 50/s: a sound measurement
	if r := c.Decision().Rate; r != 50 {
		t.Fatalf("rate %v, want the ceiling 50", r)
	}
	// Five requests in flight together, all refused: one cut.
	var tks []Ticket
	for range 5 {
		tk, retry, ok := c.Admit(now)
		for !ok {
			now = retry
			tk, retry, ok = c.Admit(now)
		}
		tks = append(tks, tk)
	}
	for _, tk := range tks {
		c.Observe(Reply{Ticket: tk, Outcome: Throttled}, now.Add(50*time.Millisecond))
	}
	e := c.Estimates()
	if e.Cuts != 1 {
		t.Fatalf("%d cuts for one round trip of 429s, want 1", e.Cuts)
	}
	// The cut goes to 97% of what the server delivered over the last second.
	if e.Limit < 40 || e.Limit > 51 || e.Rate < 0.97*e.Limit-0.01 || e.Rate > 0.97*e.Limit+0.01 {
		t.Errorf("after the cut: %+v, want the limit near 50 (the last second ends with a round trip of 429s) and the rate 97%% of it", e)
	}
}

func TestRetryAfterPausesEveryone(t *testing.T) {
	c := New(Config{MaxRate: 10}, t0)
	tk := send(t, c, at(0))
	c.Observe(Reply{Ticket: tk, Outcome: Throttled, RetryAfter: 3 * time.Second}, at(50))
	if _, retry, ok := c.Admit(at(100)); ok || !retry.Equal(at(3050)) {
		t.Errorf("during Retry-After 3 s: ok=%v retry %v, want 3.05 s", ok, retry.Sub(t0))
	}
	send(t, c, at(3050))
}

func TestQuotaHeaders(t *testing.T) {
	c := New(Config{MaxRate: 200}, t0)
	tk := send(t, c, at(0))
	c.Observe(Reply{Ticket: tk, Quota: &Quota{Limit: 30, Window: time.Second, Remaining: 0, Reset: 400 * time.Millisecond}}, at(50))
	e := c.Estimates()
	if !e.FromHeaders || e.Limit != 30 || e.Rate != 30*0.98 {
		t.Errorf("after RateLimit-Policy q=30 w=1: %+v, want the limit 30 and the rate 29.4", e)
	}
	if _, retry, ok := c.Admit(at(60)); ok || !retry.Equal(at(450)) {
		t.Errorf("with the quota spent: ok=%v retry %v, want a pause until its reset at 450 ms", ok, retry.Sub(t0))
	}
}

func TestParseQuota(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	for _, tc := range []struct {
		h    map[string]string
		want *Quota
	}{
		{map[string]string{}, nil},
		{map[string]string{"RateLimit-Policy": `"default";q=100;w=10`, "RateLimit": `"default";r=42;t=3`},
			&Quota{Limit: 100, Window: 10 * time.Second, Remaining: 42, Reset: 3 * time.Second}},
		{map[string]string{"RateLimit-Limit": "50", "RateLimit-Remaining": "0", "RateLimit-Reset": "1", "RateLimit-Policy": "50;w=1"},
			&Quota{Limit: 50, Window: time.Second, Remaining: 0, Reset: time.Second}},
		{map[string]string{"RateLimit": "limit=20, remaining=5, reset=2"},
			&Quota{Limit: 20, Remaining: 5, Reset: 2 * time.Second}},
		{map[string]string{"X-RateLimit-Limit": "5000", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1800000030"},
			&Quota{Limit: 5000, Remaining: 0, Reset: 30 * time.Second}},
		{map[string]string{"X-RateLimit-Limit": "60", "X-RateLimit-Reset": "86400"},
			&Quota{Limit: 60, Remaining: -1, Reset: time.Minute}},
	} {
		h := http.Header{}
		for k, v := range tc.h {
			h.Set(k, v)
		}
		got := ParseQuota(h, now)
		if (got == nil) != (tc.want == nil) || got != nil && *got != *tc.want {
			t.Errorf("ParseQuota(%v) = %+v, want %+v", tc.h, got, tc.want)
		}
	}
}

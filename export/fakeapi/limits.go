package fakeapi

import (
	"sort"
	"time"
)

// A Limit is a server-side request limit: the shape of the quota a real API
// may enforce. Time is passed in, so the same shapes run behind the HTTP
// server and inside the pacing simulation (export/pacing) on a fake clock.
// A Limit is not safe for concurrent use; the server calls it under its
// lock.
type Limit interface {
	// Admit decides on a request arriving at now. When it refuses, retry
	// says when capacity returns (0 if the shape cannot tell).
	Admit(now time.Time) (retry time.Duration, ok bool)
	// Done is called when an admitted request has been answered.
	Done(now time.Time)
	// Quota describes the limit for RateLimit headers; ok is false when the
	// shape has no request quota to advertise (a concurrency cap).
	Quota(now time.Time) (q Quota, ok bool)
	// Rate is the sustained rate the shape allows at now, in requests per
	// second, for "achieved ÷ allowed" figures.
	Rate(now time.Time) float64
}

// Quota is what RateLimit headers advertise: Limit requests per Window,
// Remaining of them in the current window, which resets after Reset.
type Quota struct {
	Limit, Remaining int
	Window, Reset    time.Duration
}

// SlidingWindow admits at most N requests in any window of length Per;
// refused requests do not count.
func SlidingWindow(n int, per time.Duration) Limit {
	return &sliding{n: func(time.Duration) int { return n }, per: per}
}

// Step is one stage of a Schedule: from From after the first request, at
// most PerSecond requests in any sliding second.
type Step struct {
	From      time.Duration
	PerSecond int
}

// Schedule is a sliding one-second window whose size changes over time,
// counted from the first request: a limit that is lowered and raised while
// a run goes on.
func Schedule(steps ...Step) Limit {
	s := &sliding{per: time.Second}
	s.n = func(since time.Duration) int {
		n := 0
		for _, st := range steps {
			if since >= st.From {
				n = st.PerSecond
			}
		}
		return n
	}
	return s
}

type sliding struct {
	n        func(since time.Duration) int
	per      time.Duration
	first    time.Time
	accepted []time.Time
}

func (s *sliding) size(now time.Time) int {
	if s.first.IsZero() {
		s.first = now
	}
	return s.n(now.Sub(s.first))
}

func (s *sliding) window(now time.Time) []time.Time {
	cut := now.Add(-s.per)
	i := sort.Search(len(s.accepted), func(i int) bool { return s.accepted[i].After(cut) })
	s.accepted = s.accepted[i:]
	return s.accepted
}

func (s *sliding) Admit(now time.Time) (time.Duration, bool) {
	n := s.size(now)
	in := s.window(now)
	if len(in) < n {
		s.accepted = append(s.accepted, now)
		return 0, true
	}
	if n <= 0 {
		return s.per, false
	}
	// Capacity returns when the oldest request that matters leaves.
	return in[len(in)-n].Add(s.per).Sub(now), false
}

func (s *sliding) Done(time.Time) {}

func (s *sliding) Quota(now time.Time) (Quota, bool) {
	n := s.size(now)
	in := s.window(now)
	q := Quota{Limit: n, Window: s.per, Remaining: max(n-len(in), 0)}
	if len(in) > 0 {
		q.Reset = in[0].Add(s.per).Sub(now)
	}
	return q, true
}

func (s *sliding) Rate(now time.Time) float64 {
	return float64(s.size(now)) / s.per.Seconds()
}

// TokenBucket admits requests while tokens last: it holds at most burst
// tokens and gains rate of them per second; it starts full.
func TokenBucket(rate float64, burst int) Limit {
	return &bucket{rate: rate, burst: float64(max(burst, 1)), tokens: float64(max(burst, 1))}
}

type bucket struct {
	rate, burst, tokens float64
	last                time.Time
}

func (b *bucket) refill(now time.Time) {
	if !b.last.IsZero() {
		b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	}
	b.last = now
}

func (b *bucket) Admit(now time.Time) (time.Duration, bool) {
	b.refill(now)
	if b.tokens >= 1 {
		b.tokens--
		return 0, true
	}
	return time.Duration((1 - b.tokens) / b.rate * float64(time.Second)), false
}

func (b *bucket) Done(time.Time) {}

func (b *bucket) Quota(now time.Time) (Quota, bool) {
	b.refill(now)
	q := Quota{Limit: int(b.rate), Window: time.Second, Remaining: int(b.tokens)}
	q.Reset = time.Duration((b.burst - b.tokens) / b.rate * float64(time.Second))
	return q, true
}

func (b *bucket) Rate(time.Time) float64 { return b.rate }

// FixedWindow admits at most n requests per calendar window of length per
// (aligned to the Unix epoch, as "per second" counters usually are).
func FixedWindow(n int, per time.Duration) Limit {
	return &fixed{n: n, per: per}
}

type fixed struct {
	n     int
	per   time.Duration
	start time.Time
	count int
}

func (f *fixed) roll(now time.Time) {
	if s := now.Truncate(f.per); !s.Equal(f.start) {
		f.start, f.count = s, 0
	}
}

func (f *fixed) Admit(now time.Time) (time.Duration, bool) {
	f.roll(now)
	if f.count < f.n {
		f.count++
		return 0, true
	}
	return f.start.Add(f.per).Sub(now), false
}

func (f *fixed) Done(time.Time) {}

func (f *fixed) Quota(now time.Time) (Quota, bool) {
	f.roll(now)
	return Quota{Limit: f.n, Window: f.per, Remaining: f.n - f.count, Reset: f.start.Add(f.per).Sub(now)}, true
}

func (f *fixed) Rate(time.Time) float64 { return float64(f.n) / f.per.Seconds() }

// Concurrency admits at most n requests at once. hold is how long the
// server takes per request (its latency), which makes n/hold the rate it
// allows.
func Concurrency(n int, hold time.Duration) Limit {
	return &concurrency{n: n, hold: hold}
}

type concurrency struct {
	n, in int
	hold  time.Duration
}

func (c *concurrency) Admit(time.Time) (time.Duration, bool) {
	if c.in < c.n {
		c.in++
		return 0, true
	}
	return 0, false
}

func (c *concurrency) Done(time.Time) { c.in-- }

func (c *concurrency) Quota(time.Time) (Quota, bool) { return Quota{}, false }

func (c *concurrency) Rate(time.Time) float64 { return float64(c.n) / c.hold.Seconds() }

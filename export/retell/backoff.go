package retell

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Backoff follows Retell's SDKs: min(base × 2^attempt, cap) times a jitter
// factor in (0.75, 1], so that workers that failed together do not retry
// together.
type Backoff struct {
	Base time.Duration // first delay; default 500 ms
	Cap  time.Duration // longest delay; default 8 s
}

// Delay returns the wait before retry number attempt (0-based).
func (b Backoff) Delay(attempt int) time.Duration {
	base, limit := b.Base, b.Cap
	if base <= 0 {
		base = 500 * time.Millisecond
	}
	if limit <= 0 {
		limit = 8 * time.Second
	}
	d := limit
	if attempt < 30 && base<<attempt < limit {
		d = base << attempt
	}
	return time.Duration(float64(d) * (1 - 0.25*rand.Float64()))
}

// maxRetryAfter caps a server-requested wait: a run should not sleep for an
// hour because a proxy said so (the Python SDK ignores values over 60 s).
const maxRetryAfter = 60 * time.Second

// parseRetryAfter reads retry-after-ms (milliseconds) first, then
// Retry-After as seconds or an HTTP date. It returns 0 when neither is
// present or usable.
func parseRetryAfter(h http.Header, now time.Time) time.Duration {
	if v := strings.TrimSpace(h.Get("Retry-After-Ms")); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms > 0 {
			return clampSeconds(ms / 1000)
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		return clampSeconds(s)
	}
	if t, err := http.ParseTime(v); err == nil {
		return clampSeconds(t.Sub(now).Seconds())
	}
	return 0
}

// clampSeconds converts to a Duration after capping in floating point, so
// that an absurd value (1e300, Inf) means the cap, not an overflow to
// "no wait"; NaN and values <= 0 mean absent.
func clampSeconds(s float64) time.Duration {
	switch {
	case !(s > 0):
		return 0
	case s >= maxRetryAfter.Seconds():
		return maxRetryAfter
	}
	return time.Duration(s * float64(time.Second))
}

// parseShouldRetry reads the non-standard x-should-retry header.
func parseShouldRetry(h http.Header) *bool {
	switch strings.ToLower(strings.TrimSpace(h.Get("X-Should-Retry"))) {
	case "true":
		t := true
		return &t
	case "false":
		f := false
		return &f
	}
	return nil
}

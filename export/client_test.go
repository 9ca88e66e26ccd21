package export

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/retell-export/retell-export/export/fakeapi"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		h    map[string]string
		want time.Duration
	}{
		{map[string]string{}, 0},
		{map[string]string{"Retry-After": "3"}, 3 * time.Second},
		{map[string]string{"Retry-After": "0.5"}, 500 * time.Millisecond},
		{map[string]string{"Retry-After-Ms": "250", "Retry-After": "9"}, 250 * time.Millisecond},
		{map[string]string{"Retry-After": now.Add(4 * time.Second).Format(http.TimeFormat)}, 4 * time.Second},
		{map[string]string{"Retry-After": now.Add(-time.Hour).Format(http.TimeFormat)}, 0},
		{map[string]string{"Retry-After": "3600"}, maxRetryAfter},
		{map[string]string{"Retry-After": "soon"}, 0},
		{map[string]string{"Retry-After-Ms": "-5"}, 0},
		{map[string]string{"Retry-After": "99999999999"}, maxRetryAfter},
		{map[string]string{"Retry-After": "1e300"}, maxRetryAfter},
		{map[string]string{"Retry-After": "Inf"}, maxRetryAfter},
		{map[string]string{"Retry-After": "NaN"}, 0},
		{map[string]string{"Retry-After-Ms": "1e20"}, maxRetryAfter},
	} {
		h := http.Header{}
		for k, v := range tc.h {
			h.Set(k, v)
		}
		if got := parseRetryAfter(h, now); got != tc.want {
			t.Errorf("parseRetryAfter(%v) = %v, want %v", tc.h, got, tc.want)
		}
	}
}

func TestBackoffDelay(t *testing.T) {
	var b Backoff
	for attempt, want := range []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 8 * time.Second} {
		for range 50 {
			d := b.Delay(attempt)
			if d > want || d < want*3/4 {
				t.Fatalf("Delay(%d) = %v, want in [%v, %v]", attempt, d, want*3/4, want)
			}
		}
	}
	if d := b.Delay(200); d > 8*time.Second {
		t.Errorf("Delay(200) = %v overflowed the cap", d)
	}
}

func TestAPIErrorKinds(t *testing.T) {
	for _, tc := range []struct {
		status    int
		msg, kind string
		retry     bool
	}{
		{401, "API key is missing or invalid.", KindAuth, false},
		{403, "Forbidden", KindAuth, false},
		{404, "", KindNotFound, false},
		{422, "Cannot find requested asset under given api key.", KindNotFound, false},
		{422, "Invalid call id format", KindRejected, false},
		{400, "Invalid request format", KindRejected, false},
		{402, "Trial has ended", KindRejected, false},
		{408, "", KindServer, true},
		{409, "", KindServer, true},
		{429, "", KindRateLimited, true},
		{500, "", KindServer, true},
		{503, "", KindServer, true},
	} {
		e := &APIError{Status: tc.status, Message: tc.msg}
		if e.Kind() != tc.kind || e.Retryable() != tc.retry {
			t.Errorf("%d %q: kind %s retry %v, want %s %v", tc.status, tc.msg, e.Kind(), e.Retryable(), tc.kind, tc.retry)
		}
	}
	no := false
	if (&APIError{Status: 503, ShouldRetry: &no}).Retryable() {
		t.Error("x-should-retry: false was ignored")
	}
}

// A 2xx whose body stops arriving until the attempt times out is a network
// failure, not a bad body: the error chain keeps the timeout (issue 11).
func TestBodyReadTimeoutIsNetwork(t *testing.T) {
	srv := fakeapi.NewServer(fakeapi.Options{Synthetic: 1, SyntheticTurns: 2})
	defer srv.Close()
	id := fakeapi.SyntheticID(0)
	srv.Script(id, fakeapi.Fault{StallBody: 5 * time.Second})
	c, err := NewClient(ClientConfig{BaseURL: srv.URL, Key: srv.Key(), KeySource: "test", Pacer: NewPacer(100, 1),
		Timeout: 200 * time.Millisecond, Concurrency: 1})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	_, _, err = c.GetCall(ctx, ctx, id)
	var fe *FetchError
	if !errors.As(err, &fe) || fe.Kind != KindNetwork || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("GetCall with a stalled body = %v (%#v), want a network failure wrapping the deadline", err, fe)
	}
}

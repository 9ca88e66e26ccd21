package retell

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/retell-export/retell-export/export"
	"github.com/retell-export/retell-export/export/fakeapi"
	"github.com/retell-export/retell-export/export/pacing"
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
		{401, "API key is missing or invalid.", export.KindAuth, false},
		{403, "Forbidden", export.KindAuth, false},
		{404, "", export.KindNotFound, false},
		{422, "Cannot find requested asset under given api key.", export.KindNotFound, false},
		{422, "Invalid call id format", export.KindRejected, false},
		{400, "Invalid request format", export.KindRejected, false},
		{402, "Trial has ended", export.KindRejected, false},
		{408, "", export.KindServer, true},
		{409, "", export.KindServer, true},
		{429, "", export.KindRateLimited, true},
		{500, "", export.KindServer, true},
		{503, "", export.KindServer, true},
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
	c, err := NewClient(ClientConfig{BaseURL: srv.URL, Key: srv.Key(), KeySource: "test", Pacer: pacing.NewPacer(100, 1, 1),
		Timeout: 200 * time.Millisecond, Concurrency: 1})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	_, _, err = c.GetCall(ctx, ctx, id)
	var fe *FetchError
	if !errors.As(err, &fe) || fe.Kind != export.KindNetwork || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("GetCall with a stalled body = %v (%#v), want a network failure wrapping the deadline", err, fe)
	}
}

// Transport failures are told from answers by their type, never by their
// text.
func TestIsNetworkError(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"reset as an OpError", &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}, true},
		{"reset as a bare errno", fmt.Errorf("reading: %w", syscall.ECONNRESET), true},
		{"refused", &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}, true},
		{"closed before answering", io.EOF, true},
		{"body cut short", fmt.Errorf("%w: reading: %w", errBadBody, io.ErrUnexpectedEOF), true},
		{"timeout", context.DeadlineExceeded, true},
		{"a message that says reset", errors.New("connection reset by peer"), false},
		{"bad body", errBadBody, false},
		{"an answer", &APIError{Status: 500, Message: "connection reset"}, false},
	} {
		if got := isNetworkError(tc.err); got != tc.want {
			t.Errorf("%s: isNetworkError(%v) = %v, want %v", tc.name, tc.err, got, tc.want)
		}
	}
}

package retell

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/retell-export/retell-export/export"
)

// APIError is a non-2xx answer from the Retell API.
type APIError struct {
	Status      int
	Message     string        // the "message" of Retell's error body, or the body text
	RetryAfter  time.Duration // from retry-after-ms or Retry-After; 0 if absent
	ShouldRetry *bool         // the x-should-retry header, if the server sent one
}

func (e *APIError) Error() string {
	if e.Message == "" {
		return fmt.Sprintf("HTTP %d", e.Status)
	}
	return fmt.Sprintf("HTTP %d: %s", e.Status, e.Message)
}

// Kind classifies the error for failed.csv.
func (e *APIError) Kind() string {
	switch {
	case e.Status == 401 || e.Status == 403:
		return export.KindAuth
	case e.Status == 404, e.Status == 422 && isNotFoundMessage(e.Message):
		return export.KindNotFound
	case e.Status == 429:
		return export.KindRateLimited
	case e.Status == 408 || e.Status == 409 || e.Status >= 500:
		return export.KindServer
	}
	return export.KindRejected
}

// Retryable reports whether repeating the request may succeed. Retell's
// SDKs retry 408, 409, 429 and 5xx, and obey x-should-retry.
func (e *APIError) Retryable() bool {
	if e.ShouldRetry != nil {
		return *e.ShouldRetry
	}
	switch e.Kind() {
	case export.KindRateLimited, export.KindServer:
		return true
	}
	return false
}

func isNotFoundMessage(msg string) bool {
	m := strings.ToLower(msg)
	return strings.Contains(m, "cannot find") || strings.Contains(m, "not found")
}

// AuthError stops the whole run: the key is missing, invalid or lacks
// permission, and every further request would fail the same way.
type AuthError struct {
	Err       *APIError
	KeySource string // where the key came from, e.g. "RETELL_API_KEY"
}

func (e *AuthError) Error() string {
	return fmt.Sprintf("authentication failed (%v) using the API key from %s", e.Err, e.KeySource)
}

func (e *AuthError) Unwrap() error { return e.Err }

// errBadBody marks a 200 whose body is truncated or not a call; such
// answers are retried.
var errBadBody = errors.New("bad response body")

// FetchError is a per-call failure after retries: it is recorded in
// failed.csv and the run goes on.
type FetchError struct {
	CallID   string
	Op       string // what failed, e.g. "get call call_x" or "list calls (page 2)"
	Kind     string
	Status   int // HTTP status of the last attempt, 0 if none
	Attempts int
	Err      error
}

func (e *FetchError) Error() string {
	return fmt.Sprintf("%s: %v", e.Op, e.Err)
}

func (e *FetchError) Unwrap() error { return e.Err }

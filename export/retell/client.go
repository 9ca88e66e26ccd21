package retell

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/klauspost/compress/gzhttp"

	"github.com/retell-export/retell-export/export"
	"github.com/retell-export/retell-export/export/pacing"
)

// DefaultBaseURL is Retell's API.
const DefaultBaseURL = "https://api.retellai.com"

// maxBodyBytes bounds a get-call body. A two-hour call with words in three
// transcripts is a few MB; 64 MB means something is wrong.
const maxBodyBytes = 64 << 20

// maxErrorBody bounds what is read of an error answer: only its message is
// used, and a proxy's error page must not cost memory per worker.
const maxErrorBody = 64 << 10

// Client fetches calls from the Retell API. It is safe for concurrent use;
// the pacer it is given is shared by every request.
type Client struct {
	base      *url.URL
	key       string
	keySource string
	http      *http.Client
	pacer     *pacing.Pacer
	retries   int
	timeout   time.Duration
	backoff   Backoff
	userAgent string

	requests atomic.Int64
}

// ClientConfig configures a Client. Key is the API key; KeySource names
// where it came from ("RETELL_API_KEY", "--api-key-file /path") for error
// messages — the key itself never appears in one.
type ClientConfig struct {
	BaseURL     string
	Key         string
	KeySource   string
	Pacer       *pacing.Pacer
	Retries     int           // retries after the first attempt for retryable errors
	Timeout     time.Duration // per attempt, including reading the body
	Concurrency int           // sizes the connection pool (the pacer has its own in-flight bound)
	Backoff     Backoff
	UserAgent   string
	Transport   http.RoundTripper // optional, for tests
}

// NewClient checks the configuration and returns a client.
func NewClient(cfg ClientConfig) (*Client, error) {
	base := cfg.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	u, err := url.Parse(strings.TrimRight(base, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("base URL %q: want http(s)://host", base)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("base URL %q: must not carry a query, fragment or user info", base)
	}
	if cfg.Key == "" {
		return nil, errors.New("no API key")
	}
	if cfg.Pacer == nil {
		return nil, errors.New("no pacer")
	}
	rt := cfg.Transport
	if rt == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		// The default of 2 idle connections per host would make most
		// workers reconnect for every call.
		t.MaxIdleConnsPerHost = max(cfg.Concurrency, 2)
		// klauspost/compress's gzip reader decompresses bodies about
		// 1.5 times faster than net/http's own (compress/gzip); it asks
		// for gzip only, as net/http does.
		rt = gzhttp.Transport(t, gzhttp.TransportEnableZstd(false))
	}
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = 60 * time.Second
	}
	return &Client{
		base: u, key: cfg.Key, keySource: cfg.KeySource, pacer: cfg.Pacer,
		http:    &http.Client{Transport: rt, CheckRedirect: sameHostRedirect(u)},
		retries: max(cfg.Retries, 0), timeout: timeout, backoff: cfg.Backoff,
		userAgent: cfg.UserAgent,
	}, nil
}

// sameHostRedirect refuses redirects to another host, which would carry the
// Authorization header somewhere it was not meant to go.
func sameHostRedirect(base *url.URL) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if req.URL.Host != base.Host || len(via) >= 5 {
			return http.ErrUseLastResponse
		}
		return nil
	}
}

// Estimates returns what the client's pacer has found out of the
// server's limits so far.
func (c *Client) Estimates() pacing.Estimates { return c.pacer.Estimates() }

// Requests returns the number of HTTP requests sent so far.
func (c *Client) Requests() int64 { return c.requests.Load() }

// BaseURL returns the API base URL.
func (c *Client) BaseURL() string { return c.base.String() }

// maxRateLimitRetries bounds retries of 429 answers separately from
// --retries: a 429 says "later", not "broken", and the pacer slows down.
const maxRateLimitRetries = 20

// GetCall fetches one call, retrying what is worth retrying. stop ends
// scheduling (no new attempt starts once it is done); req bounds the
// attempt in flight, so an interrupted run can let it finish. The error is
// an *AuthError (stop the run), a *FetchError (record it and go on) or the
// context's error.
func (c *Client) GetCall(stop, req context.Context, id string) (*export.Call, int, error) {
	if err := export.ValidateID(id); err != nil {
		return nil, 0, &FetchError{CallID: id, Kind: export.KindInvalidID, Err: err}
	}
	var call *export.Call
	endpoint := c.base.JoinPath("v2", "get-call", id).String()
	attempts, err := c.do(stop, req, id, "get call "+id, http.MethodGet, endpoint, nil, c.timeout, func(body []byte) error {
		cl, err := export.DecodeCall(body)
		if err != nil {
			return fmt.Errorf("%w: %w", errBadBody, err)
		}
		if cl.CallID != id {
			return &APIError{Status: http.StatusOK, Message: fmt.Sprintf("server answered with call %q", cl.CallID)}
		}
		call = cl
		return nil
	})
	return call, attempts, err
}

// do sends one logical request with the retry policy: each attempt waits
// for the pacer, retryable failures (including a 2xx whose body decode
// rejects with errBadBody) are retried, 401/403 become an *AuthError and
// other failures a *FetchError for op.
func (c *Client) do(stop, req context.Context, id, op, method, endpoint string, reqBody []byte, timeout time.Duration, decode func([]byte) error) (int, error) {
	attempts, throttled, retried := 0, 0, 0
	for {
		ticket, err := c.pacer.Wait(stop)
		if err != nil {
			return attempts, err
		}
		attempts++
		body, hdr, err := c.attempt(req, method, endpoint, reqBody, timeout)
		c.pacer.Done(ticket, observe(err, hdr))
		if err == nil {
			if err = decode(body); err == nil {
				return attempts, nil
			}
		}
		if req.Err() != nil {
			return attempts, req.Err()
		}
		var ae *APIError
		status := 0
		if errors.As(err, &ae) {
			status = ae.Status
			if ae.Kind() == export.KindAuth {
				return attempts, &AuthError{Err: ae, KeySource: c.keySource}
			}
		}
		wait, retry := c.retryPlan(err, ae, &throttled, &retried)
		if !retry {
			return attempts, &FetchError{CallID: id, Op: op, Kind: failureKind(err, ae), Status: status, Attempts: attempts, Err: err}
		}
		if err := pacing.Sleep(stop, wait); err != nil {
			return attempts, err
		}
	}
}

// retryPlan decides whether to retry and how long to wait first.
func (c *Client) retryPlan(err error, ae *APIError, throttled, retried *int) (time.Duration, bool) {
	if ae != nil && ae.Status == http.StatusTooManyRequests && (ae.ShouldRetry == nil || *ae.ShouldRetry) {
		*throttled++
		if *throttled > maxRateLimitRetries {
			return 0, false
		}
		// This call waits as the server asked; whether everyone else
		// slows down or pauses is the pacer's decision.
		if ae.RetryAfter > 0 {
			return ae.RetryAfter, true
		}
		return c.backoff.Delay(*throttled - 1), true
	}
	if !retryable(err, ae) || *retried >= c.retries {
		return 0, false
	}
	*retried++
	wait := c.backoff.Delay(*retried - 1)
	if ae != nil && ae.RetryAfter > 0 {
		wait = ae.RetryAfter
	}
	return wait, true
}

func retryable(err error, ae *APIError) bool {
	if ae != nil {
		return ae.Retryable()
	}
	return errors.Is(err, errBadBody) || isNetworkError(err)
}

func failureKind(err error, ae *APIError) string {
	switch {
	case ae != nil:
		return ae.Kind()
	case isTimeout(err):
		return export.KindNetwork // even while reading a 2xx body
	case errors.Is(err, errBadBody):
		return export.KindBadBody
	}
	return export.KindNetwork
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout()
}

// isNetworkError reports whether an attempt failed in transport, not in
// what the server said: a net.Error (timeouts, refused and reset
// connections), a reset that reached us as a bare errno, a body cut
// short, or io.EOF, which is how net/http reports a server that closed a
// kept-alive connection without answering.
func isNetworkError(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, io.EOF) || errors.Is(err, context.DeadlineExceeded)
}

// observe turns an attempt's outcome into what the pacer needs to know.
func observe(err error, hdr http.Header) pacing.Reply {
	r := pacing.Reply{Outcome: pacing.Accepted}
	var ae *APIError
	switch {
	case errors.As(err, &ae):
		if ae.Status == http.StatusTooManyRequests {
			r.Outcome, r.RetryAfter = pacing.Throttled, ae.RetryAfter
		}
	case err != nil && isNetworkError(err):
		r.Outcome = pacing.Lost
	}
	if hdr != nil {
		r.Quota = pacing.ParseQuota(hdr, time.Now())
	}
	return r
}

// attempt sends one request and returns the body of a 2xx answer and the
// answer's header (nil when there was no answer).
func (c *Client) attempt(ctx context.Context, method, endpoint string, reqBody []byte, timeout time.Duration) ([]byte, http.Header, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var rd io.Reader
	if reqBody != nil {
		rd = bytes.NewReader(reqBody)
	}
	req, err := http.NewRequestWithContext(ctx, method, endpoint, rd)
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.key)
	req.Header.Set("Accept", "application/json")
	if reqBody != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.userAgent != "" {
		req.Header.Set("User-Agent", c.userAgent)
	}
	c.requests.Add(1)
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, nil, scrubURLError(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody)) // let a short rest go, so the connection is reused
		e := newAPIError(resp, body)
		// Never repeat the key, even if a proxy echoes the request back.
		e.Message = strings.ReplaceAll(e.Message, c.key, "[redacted]")
		return nil, resp.Header, e
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes+1))
	if err != nil {
		// %w on both: a timeout while reading is a network failure
		// (failureKind, isNetworkError), not a bad body.
		return nil, resp.Header, fmt.Errorf("%w: reading: %w", errBadBody, err)
	}
	if len(body) > maxBodyBytes {
		return nil, resp.Header, &APIError{Status: resp.StatusCode, Message: "response body larger than 64 MB"}
	}
	return body, resp.Header, nil
}

// scrubURLError drops the URL from transport errors: it is noise in a
// per-call message, where the id is already named.
func scrubURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func newAPIError(resp *http.Response, body []byte) *APIError {
	e := &APIError{
		Status:      resp.StatusCode,
		RetryAfter:  parseRetryAfter(resp.Header, time.Now()),
		ShouldRetry: parseShouldRetry(resp.Header),
	}
	var eb struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &eb) == nil && eb.Message != "" {
		e.Message = eb.Message
	} else {
		e.Message = strings.TrimSpace(string(body))
	}
	const maxMsg = 300
	if len(e.Message) > maxMsg {
		e.Message = e.Message[:maxMsg] + "…"
	}
	e.Message = strings.ToValidUTF8(strings.Join(strings.Fields(e.Message), " "), "?")
	return e
}

// Package fakeapi is a fake Retell API: an HTTP server on localhost that
// the tests and the --demo mode export from. It behaves as retell-api.md describes the
// real one: Bearer authentication (401 otherwise), get-call from a set of
// wire-format bodies, 422 "Cannot find requested asset" for unknown ids,
// gzip when asked, optional server-side request limits of the common
// shapes (limits.go: token bucket, fixed and sliding windows, a
// concurrency cap, a schedule) answering 429 with or without Retry-After
// and RateLimit headers, per-request latency, and per-id fault
// scripts (status sequences, delays, truncated bodies, connection resets,
// invalid JSON), and POST /v3/list-calls with cursor pagination. Counters
// let tests assert what the server saw.
package fakeapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/klauspost/compress/gzip"
)

// RetryAfterMode selects how a throttled answer says when to come back.
type RetryAfterMode int

const (
	RetryAfterNone    RetryAfterMode = iota // no header: the client must back off on its own
	RetryAfterSeconds                       // Retry-After: <whole seconds, rounded up>
	RetryAfterMillis                        // retry-after-ms: <ms> (as Retell's SDKs read first)
	RetryAfterDate                          // Retry-After: <HTTP date>
)

// HeaderMode selects the rate-limit headers the server sends with every
// get-call answer (including 429s).
type HeaderMode int

const (
	HeadersNone HeaderMode = iota // none, as Retell today
	HeadersIETF                   // RateLimit-Policy: "default";q=50;w=1 and RateLimit: "default";r=12;t=1
	HeadersX                      // X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset (seconds)
)

// Options configure a Server.
type Options struct {
	Key        string         // accepted API key; default "key_test"
	Latency    time.Duration  // added to every request
	Limit      int            // accepted requests per sliding second; 0 = unlimited
	RetryAfter RetryAfterMode // for 429s from Limit or Shape
	// Shape is the server's request limit when set (it replaces Limit):
	// TokenBucket, FixedWindow, SlidingWindow, Concurrency, Schedule. A
	// shape holds state: give each server its own.
	Shape   Limit
	Headers HeaderMode // rate-limit headers from Shape or Limit
	// Synthetic serves SyntheticCall(i, SyntheticTurns) for the ids
	// SyntheticID(0..Synthetic-1) without storing them.
	Synthetic      int
	SyntheticTurns int
	// ListPageSize caps list-calls pages below the limit the client asks
	// for, so that small populations span several pages.
	ListPageSize int
	// StartlessLast sorts calls without a start_timestamp after every
	// other in ascending order (as if their start were the largest);
	// otherwise before them. Retell does not document which it does (a
	// start filter leaves them out either way), so the client is tested
	// against both.
	StartlessLast bool
}

// Fault is one scripted answer for an id; each request for the id consumes
// the next fault, then the real call is served.
type Fault struct {
	Status      int           // answer with this status and an error body
	RetryAfter  string        // Retry-After header value for Status
	Delay       time.Duration // wait before answering (beyond Options.Latency)
	Truncate    bool          // send half of the body, then close the connection
	StallBody   time.Duration // send half of the body, then wait this long before the rest
	Reset       bool          // close the connection without an answer
	InvalidJSON bool          // answer 200 with a body that is not JSON
}

// Server is a fake Retell API listening on a loopback port.
type Server struct {
	URL  string // base URL, http://127.0.0.1:port
	srv  *http.Server
	ln   net.Listener
	opts Options

	mu        sync.Mutex
	calls     map[string][]byte
	faults    map[string][]Fault
	perID     map[string]int
	limit     Limit       // nil = none
	arrivals  []time.Time // every get-call request, for rate assertions
	admitted  []time.Time // requests inside the limit
	paths     []string
	throttled int
	inFlight  int
	maxFlight int
	authFails int
	listPages int
	listFault ListFault

	// gzips are pooled: the real API's compression does not run on the
	// machine under test, so the fake's should cost it as little as it can.
	gzips sync.Pool
}

// NewServer starts a fake API. Close it when done.
func NewServer(opts Options) *Server {
	if opts.Key == "" {
		opts.Key = "key_test"
	}
	s := &Server{opts: opts, calls: map[string][]byte{}, faults: map[string][]Fault{}, perID: map[string]int{}, limit: opts.Shape}
	if s.limit == nil && opts.Limit > 0 {
		s.limit = SlidingWindow(opts.Limit, time.Second)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		// As httptest does: without a loopback port nothing can run.
		panic(fmt.Sprintf("fakeapi: listen on a loopback port: %v", err))
	}
	s.ln, s.URL = ln, "http://"+ln.Addr().String()
	s.srv = &http.Server{Handler: http.HandlerFunc(s.serve), ReadHeaderTimeout: 10 * time.Second}
	go s.srv.Serve(ln)
	return s
}

// Close stops the server and ends the connections it holds.
func (s *Server) Close() {
	s.srv.Close()
}

// Key returns the API key the server accepts.
func (s *Server) Key() string { return s.opts.Key }

// AddCall adds a wire-format get-call body; its call_id is read from it.
func (s *Server) AddCall(body []byte) (string, error) {
	var head struct {
		CallID string `json:"call_id"`
	}
	if err := json.Unmarshal(body, &head); err != nil {
		return "", fmt.Errorf("add call: %w", err)
	}
	if head.CallID == "" {
		return "", errors.New("add call: no call_id in body")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls[head.CallID] = append([]byte(nil), body...)
	return head.CallID, nil
}

// LoadDir adds every *.json file of dir (one call per file) and returns the
// ids in file-name order.
func (s *Server) LoadDir(dir string) ([]string, error) {
	return s.LoadFS(os.DirFS(dir), ".")
}

// LoadFS is LoadDir for a directory of a file system (for example the
// samples embedded in the binary).
func (s *Server) LoadFS(fsys fs.FS, dir string) ([]string, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var ids []string
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		id, err := s.AddCall(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", n, err)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// Script queues faults for id, served in order before the real answer.
func (s *Server) Script(id string, faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[id] = append(s.faults[id], faults...)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.paths = append(s.paths, r.URL.RawPath+"|"+r.URL.Path)
	s.mu.Unlock()
	if r.Header.Get("Authorization") != "Bearer "+s.opts.Key {
		s.mu.Lock()
		s.authFails++
		s.mu.Unlock()
		writeError(w, http.StatusUnauthorized, "API key is missing or invalid.")
		return
	}
	if r.URL.Path == "/v3/list-calls" && r.Method == http.MethodPost {
		s.listCalls(w, r)
		return
	}
	id, ok := strings.CutPrefix(r.URL.Path, "/v2/get-call/")
	if !ok || r.Method != http.MethodGet || id == "" || strings.Contains(id, "/") {
		writeError(w, http.StatusNotFound, "The requested resource was not found.")
		return
	}
	s.getCall(w, r, id)
}

func (s *Server) getCall(w http.ResponseWriter, r *http.Request, id string) {
	now := time.Now()
	s.mu.Lock()
	s.arrivals = append(s.arrivals, now)
	s.perID[id]++
	s.inFlight++
	s.maxFlight = max(s.maxFlight, s.inFlight)
	wait, limited := s.admit(now)
	quota := s.quotaHeaders(now)
	var fault *Fault
	if q := s.faults[id]; !limited && len(q) > 0 {
		fault, s.faults[id] = &q[0], q[1:]
	}
	body, found := s.calls[id]
	s.mu.Unlock()
	if !found {
		body, found = s.synthetic(id)
	}
	defer func() {
		s.mu.Lock()
		s.inFlight--
		if s.limit != nil && !limited {
			s.limit.Done(time.Now())
		}
		s.mu.Unlock()
	}()
	for k, v := range quota {
		w.Header().Set(k, v)
	}

	delay := s.opts.Latency
	if fault != nil {
		delay += fault.Delay
	}
	select {
	case <-time.After(delay):
	case <-r.Context().Done():
		return
	}
	switch {
	case limited:
		s.writeThrottled(w, wait)
	case fault != nil && fault.Reset:
		hijackClose(w)
	case fault != nil && fault.Status != 0:
		if fault.RetryAfter != "" {
			w.Header().Set("Retry-After", fault.RetryAfter)
		}
		writeError(w, fault.Status, http.StatusText(fault.Status))
	case !found:
		writeError(w, http.StatusUnprocessableEntity, "Cannot find requested asset under given api key.")
	case fault != nil && fault.InvalidJSON:
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`<html><body>upstream error</body></html>`))
	case fault != nil && fault.Truncate:
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body[:len(body)/2])
		hijackClose(w)
	case fault != nil && fault.StallBody > 0:
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body[:len(body)/2])
		w.(http.Flusher).Flush()
		select {
		case <-time.After(fault.StallBody):
			w.Write(body[len(body)/2:])
		case <-r.Context().Done():
		}
	default:
		s.writeBody(w, r, body)
	}
}

// admit applies the limit; s.mu is held. Refused requests do not count
// against it.
func (s *Server) admit(now time.Time) (time.Duration, bool) {
	if s.limit == nil {
		s.admitted = append(s.admitted, now)
		return 0, false
	}
	wait, ok := s.limit.Admit(now)
	if ok {
		s.admitted = append(s.admitted, now)
		return 0, false
	}
	s.throttled++
	return wait, true
}

// quotaHeaders returns the rate-limit headers for an answer; s.mu is held.
func (s *Server) quotaHeaders(now time.Time) map[string]string {
	if s.limit == nil || s.opts.Headers == HeadersNone {
		return nil
	}
	q, ok := s.limit.Quota(now)
	if !ok {
		return nil
	}
	secs := func(d time.Duration) string { return strconv.Itoa(int((d + time.Second - 1) / time.Second)) }
	if s.opts.Headers == HeadersX {
		return map[string]string{"X-RateLimit-Limit": strconv.Itoa(q.Limit),
			"X-RateLimit-Remaining": strconv.Itoa(q.Remaining), "X-RateLimit-Reset": secs(q.Reset)}
	}
	return map[string]string{
		"RateLimit-Policy": fmt.Sprintf(`"default";q=%d;w=%s`, q.Limit, secs(q.Window)),
		"RateLimit":        fmt.Sprintf(`"default";r=%d;t=%s`, q.Remaining, secs(q.Reset)),
	}
}

func (s *Server) writeThrottled(w http.ResponseWriter, wait time.Duration) {
	switch s.opts.RetryAfter {
	case RetryAfterSeconds:
		w.Header().Set("Retry-After", strconv.Itoa(int((wait+time.Second-1)/time.Second)))
	case RetryAfterMillis:
		w.Header().Set("Retry-After-Ms", strconv.FormatInt(max(wait.Milliseconds(), 1), 10))
	case RetryAfterDate:
		w.Header().Set("Retry-After", time.Now().Add(wait+time.Second).UTC().Format(http.TimeFormat))
	}
	writeError(w, http.StatusTooManyRequests, "Account rate limited, please throttle your requests.")
}

func writeError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"status": "error", "message": msg})
}

func (s *Server) writeBody(w http.ResponseWriter, r *http.Request, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		w.Write(body)
		return
	}
	w.Header().Set("Content-Encoding", "gzip")
	zw, ok := s.gzips.Get().(*gzip.Writer)
	if !ok {
		zw, _ = gzip.NewWriterLevel(nil, gzip.BestSpeed)
	}
	defer s.gzips.Put(zw)
	zw.Reset(w)
	zw.Write(body)
	zw.Close()
}

func hijackClose(w http.ResponseWriter) {
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			conn.Close()
		}
	}
}

func (s *Server) synthetic(id string) ([]byte, bool) {
	hex, ok := strings.CutPrefix(id, "call_")
	if !ok || s.opts.Synthetic <= 0 {
		return nil, false
	}
	i, err := strconv.ParseInt(hex, 16, 64)
	if err != nil || i < 0 || i >= int64(s.opts.Synthetic) || SyntheticID(int(i)) != id {
		return nil, false
	}
	return SyntheticCall(int(i), max(s.opts.SyntheticTurns, 1)), true
}

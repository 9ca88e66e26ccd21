package fakeapi

import (
	"sort"
	"time"
)

// Requests returns the number of get-call requests for id.
func (s *Server) Requests(id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.perID[id]
}

// TotalRequests returns the number of get-call requests for any id.
func (s *Server) TotalRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.arrivals)
}

// AllRequests returns every request as "rawpath|path" (rawpath is empty
// when the path needed no escaping), including unauthenticated ones.
func (s *Server) AllRequests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.paths...)
}

// AuthFailures returns the number of requests refused with 401.
func (s *Server) AuthFailures() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.authFails
}

// Throttled returns the number of 429 answers the limit gave.
func (s *Server) Throttled() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.throttled
}

// MaxInFlight returns the most get-call requests handled at once.
func (s *Server) MaxInFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxFlight
}

// MaxPerWindow returns the most get-call requests that arrived within any
// window of length d.
func (s *Server) MaxPerWindow(d time.Duration) int {
	s.mu.Lock()
	ts := append([]time.Time(nil), s.arrivals...)
	s.mu.Unlock()
	sort.Slice(ts, func(i, j int) bool { return ts[i].Before(ts[j]) })
	best, lo := 0, 0
	for hi := range ts {
		for ts[hi].Sub(ts[lo]) >= d {
			lo++
		}
		best = max(best, hi-lo+1)
	}
	return best
}

// Arrivals returns the arrival time of every get-call request, in order.
func (s *Server) Arrivals() []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Time(nil), s.arrivals...)
}

// ListPages returns the number of list-calls pages served.
func (s *Server) ListPages() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.listPages
}

// Admitted returns the arrival time of every get-call request the limit
// let through, in order.
func (s *Server) Admitted() []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Time(nil), s.admitted...)
}

// Allowed returns how many requests the limit allowed from from to to at
// its sustained rate (Limit.Rate, sampled every 10 ms); 0 without a limit.
func (s *Server) Allowed(from, to time.Time) float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.limit == nil {
		return 0
	}
	const dt = 10 * time.Millisecond
	n := 0.0
	for t := from; t.Before(to); t = t.Add(dt) {
		n += s.limit.Rate(t) * dt.Seconds()
	}
	return n
}

package fakeapi

import (
	"encoding/base64"
	"encoding/json"
	"math"
	"net/http"
	"sort"
	"strings"
)

// listCalls answers POST /v3/list-calls like Retell's v3 endpoint: a
// {items, pagination_key, has_more} envelope, limit 50 by default and 1000
// at most, an opaque cursor, sorting by start_timestamp, and the
// start_timestamp (number or "bt" range, inclusive) and agent filters.
// Items carry no transcripts, as in the real API.
func (s *Server) listCalls(w http.ResponseWriter, r *http.Request) {
	var req struct {
		FilterCriteria struct {
			StartTimestamp *struct {
				Type  string          `json:"type"`
				Op    string          `json:"op"`
				Value json.RawMessage `json:"value"`
			} `json:"start_timestamp"`
			Agent []struct {
				AgentID string `json:"agent_id"`
			} `json:"agent"`
		} `json:"filter_criteria"`
		SortOrder     string `json:"sort_order"`
		Limit         int    `json:"limit"`
		PaginationKey string `json:"pagination_key"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "Invalid request format, please check API reference.")
		return
	}
	switch {
	case req.Limit == 0:
		req.Limit = 50
	case req.Limit < 0 || req.Limit > 1000:
		writeError(w, http.StatusBadRequest, "limit must be between 1 and 1000")
		return
	}
	match, ok := startFilter(req.FilterCriteria.StartTimestamp)
	if !ok {
		writeError(w, http.StatusBadRequest, "Invalid request format, please check API reference.")
		return
	}
	agents := map[string]bool{}
	for _, a := range req.FilterCriteria.Agent {
		agents[a.AgentID] = true
	}
	items := s.listItems(func(it listItem) bool {
		return (len(agents) == 0 || agents[it.AgentID]) && match(it.StartTimestamp)
	})
	sort.SliceStable(items, func(i, j int) bool {
		if req.SortOrder == "ascending" {
			return items[i].less(items[j], s.opts.StartlessLast)
		}
		return items[j].less(items[i], s.opts.StartlessLast)
	})
	from := 0
	if req.PaginationKey != "" {
		after, err := base64.RawURLEncoding.DecodeString(req.PaginationKey)
		if err != nil {
			writeError(w, http.StatusBadRequest, "Invalid pagination_key")
			return
		}
		for from < len(items) && items[from].CallID != string(after) {
			from++
		}
		from++
	}
	if s.opts.ListPageSize > 0 {
		req.Limit = min(req.Limit, s.opts.ListPageSize)
	}
	to := min(from+req.Limit, len(items))
	from = min(from, to)
	s.mu.Lock()
	s.listPages++
	fault := s.listFault
	s.mu.Unlock()
	later := req.PaginationKey != "" // not the first page of a listing
	page1 := items[:min(req.Limit, len(items))]
	resp := map[string]any{"items": items[from:to], "has_more": to < len(items)}
	if to > from {
		resp["pagination_key"] = base64.RawURLEncoding.EncodeToString([]byte(items[to-1].CallID))
	}
	switch {
	case fault == ListRepeatCursor && later && len(page1) > 0:
		resp["pagination_key"] = base64.RawURLEncoding.EncodeToString([]byte(page1[len(page1)-1].CallID))
	case fault == ListBackwards && later:
		resp["items"] = page1
	case fault == ListNoCursor && later:
		delete(resp, "pagination_key")
		resp["has_more"] = true
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(resp)
}

// ListFault breaks list-calls pagination the ways a faulty server could.
type ListFault int

const (
	ListOK           ListFault = iota
	ListRepeatCursor           // later pages give the first page's cursor again
	ListBackwards              // later pages repeat the first page's calls
	ListNoCursor               // later pages say has_more but give no cursor
)

// SetListFault makes list-calls misbehave from now on.
func (s *Server) SetListFault(f ListFault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.listFault = f
}

type listItem struct {
	CallID         string `json:"call_id"`
	CallType       string `json:"call_type"`
	AgentID        string `json:"agent_id"`
	CallStatus     string `json:"call_status"`
	StartTimestamp *int64 `json:"start_timestamp,omitempty"`
	EndTimestamp   *int64 `json:"end_timestamp,omitempty"`
}

// less orders items by start, then id; a call without a start counts as
// the smallest start, or the largest when startlessLast.
func (a listItem) less(b listItem, startlessLast bool) bool {
	none := int64(-1)
	if startlessLast {
		none = math.MaxInt64
	}
	as, bs := none, none
	if a.StartTimestamp != nil {
		as = *a.StartTimestamp
	}
	if b.StartTimestamp != nil {
		bs = *b.StartTimestamp
	}
	if as != bs {
		return as < bs
	}
	return a.CallID < b.CallID
}

func (s *Server) listItems(keep func(listItem) bool) []listItem {
	s.mu.Lock()
	bodies := make([][]byte, 0, len(s.calls))
	for _, b := range s.calls {
		bodies = append(bodies, b)
	}
	n := s.opts.Synthetic
	s.mu.Unlock()
	for i := range n {
		bodies = append(bodies, SyntheticCall(i, 1))
	}
	var items []listItem
	for _, b := range bodies {
		var it listItem
		if json.Unmarshal(b, &it) == nil && keep(it) {
			items = append(items, it)
		}
	}
	return items
}

// startFilter turns a start_timestamp filter into a predicate.
func startFilter(f *struct {
	Type  string          `json:"type"`
	Op    string          `json:"op"`
	Value json.RawMessage `json:"value"`
}) (func(*int64) bool, bool) {
	if f == nil {
		return func(*int64) bool { return true }, true
	}
	if f.Type == "range" && f.Op == "bt" {
		var v []float64
		if json.Unmarshal(f.Value, &v) != nil || len(v) != 2 {
			return nil, false
		}
		return func(t *int64) bool { return t != nil && float64(*t) >= v[0] && float64(*t) <= v[1] }, true
	}
	var v float64
	if f.Type != "number" || json.Unmarshal(f.Value, &v) != nil {
		return nil, false
	}
	cmp := map[string]func(a, b float64) bool{
		"eq": func(a, b float64) bool { return a == b }, "ne": func(a, b float64) bool { return a != b },
		"gt": func(a, b float64) bool { return a > b }, "ge": func(a, b float64) bool { return a >= b },
		"lt": func(a, b float64) bool { return a < b }, "le": func(a, b float64) bool { return a <= b },
	}[strings.ToLower(f.Op)]
	if cmp == nil {
		return nil, false
	}
	return func(t *int64) bool { return t != nil && cmp(float64(*t), v) }, true
}

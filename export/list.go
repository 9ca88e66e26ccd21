package export

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// ListFilter selects calls for POST /v3/list-calls.
type ListFilter struct {
	Since, Until time.Time // start_timestamp in [Since, Until); zero = open
	Agents       []string  // agent ids, OR'ed; empty = every agent
}

// listPageSize is the largest page the API allows.
const listPageSize = 1000

// listTimeout is the SDKs' timeout for list-calls, which can be slow on
// large workspaces.
const listTimeout = 300 * time.Second

// listRequest is the v3 request body.
type listRequest struct {
	FilterCriteria map[string]any `json:"filter_criteria,omitempty"`
	SortOrder      string         `json:"sort_order"`
	Limit          int            `json:"limit"`
	PaginationKey  string         `json:"pagination_key,omitempty"`
}

// listResponse is the v3 envelope. Items carry no transcripts; only the id
// is used, and every call is then fetched with get-call.
type listResponse struct {
	Items []struct {
		CallID         string `json:"call_id"`
		StartTimestamp *int64 `json:"start_timestamp"`
	} `json:"items"`
	PaginationKey string `json:"pagination_key"`
	HasMore       bool   `json:"has_more"`
}

func (f ListFilter) criteria() map[string]any {
	m := map[string]any{}
	switch {
	case !f.Since.IsZero() && !f.Until.IsZero():
		// "bt" bounds are not documented as inclusive or exclusive: ask
		// for [since, until-1ms] so that until is exclusive either way.
		m["start_timestamp"] = map[string]any{"type": "range", "op": "bt", "value": []int64{f.Since.UnixMilli(), f.Until.UnixMilli() - 1}}
	case !f.Since.IsZero():
		m["start_timestamp"] = map[string]any{"type": "number", "op": "ge", "value": f.Since.UnixMilli()}
	case !f.Until.IsZero():
		m["start_timestamp"] = map[string]any{"type": "number", "op": "lt", "value": f.Until.UnixMilli()}
	}
	if len(f.Agents) > 0 {
		agents := make([]map[string]string, len(f.Agents))
		for i, a := range f.Agents {
			agents[i] = map[string]string{"agent_id": a}
		}
		m["agent"] = agents
	}
	return m
}

// ListCallIDs pages through POST /v3/list-calls, oldest first, and calls fn
// with every call id and its start (ms; 0 if the item has none). It
// follows has_more and the opaque pagination_key (never the page length,
// which v2-era code got wrong), with the same pacing and retries as
// get-call. Listing fails closed: a cursor seen before, a page whose calls
// start before those of an earlier page, or has_more without a cursor
// stop it with an error, since going on could skip calls unnoticed.
func (c *Client) ListCallIDs(ctx context.Context, f ListFilter, fn func(id string, start int64) error) (pages int, err error) {
	endpoint := c.base.JoinPath("v3", "list-calls").String()
	req := listRequest{FilterCriteria: f.criteria(), SortOrder: "ascending", Limit: listPageSize}
	seen := map[string]bool{}
	var latest int64
	for {
		body, err := json.Marshal(req)
		if err != nil {
			return pages, err
		}
		var page listResponse
		op := fmt.Sprintf("list calls (page %d)", pages+1)
		_, err = c.do(ctx, ctx, "", op, http.MethodPost, endpoint, body, max(c.timeout, listTimeout), func(b []byte) error {
			page = listResponse{}
			if err := json.Unmarshal(b, &page); err != nil {
				return fmt.Errorf("%w: %w", errBadBody, err)
			}
			return nil
		})
		if err != nil {
			return pages, err // a *FetchError names the page; an *AuthError stops the run
		}
		pages++
		for _, it := range page.Items {
			var start int64
			if it.StartTimestamp != nil {
				start = *it.StartTimestamp
				if start < latest {
					return pages, fmt.Errorf("list calls: page %d goes backwards (call %s started %s, before calls already listed): the listing is not in start order; stopping rather than risk missing calls",
						pages, it.CallID, time.UnixMilli(start).UTC().Format(time.RFC3339))
				}
				latest = start
			}
			if err := fn(it.CallID, start); err != nil {
				return pages, err
			}
		}
		switch {
		case !page.HasMore:
			return pages, nil
		case page.PaginationKey == "":
			return pages, fmt.Errorf("list calls: page %d says has_more but gives no pagination_key; stopping rather than risk missing calls", pages)
		case seen[page.PaginationKey] || page.PaginationKey == req.PaginationKey:
			return pages, fmt.Errorf("list calls: page %d repeats a pagination_key already followed; stopping rather than loop or miss calls", pages)
		}
		seen[page.PaginationKey] = true
		req.PaginationKey = page.PaginationKey
	}
}

// ParseWhen reads a point in time: YYYY-MM-DD (midnight in loc), RFC 3339,
// "now", "today", "yesterday" (midnight in loc), or an age such as "36h"
// or "7d" before now. "" is the zero time.
func ParseWhen(s string, loc *time.Location, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	midnight := func(t time.Time) time.Time {
		y, m, d := t.In(loc).Date()
		return time.Date(y, m, d, 0, 0, 0, 0, loc)
	}
	switch s {
	case "":
		return time.Time{}, nil
	case "now":
		return now, nil
	case "today":
		return midnight(now), nil
	case "yesterday":
		return midnight(now).AddDate(0, 0, -1), nil
	}
	if t, err := time.ParseInLocation("2006-01-02", s, loc); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		var n int
		if _, err := fmt.Sscanf(days, "%d", &n); err == nil && n >= 0 && fmt.Sprint(n) == days {
			return now.AddDate(0, 0, -n), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("%q is not a date (YYYY-MM-DD), an RFC 3339 time, today, yesterday or an age like 36h or 7d", s)
}

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
		CallID string `json:"call_id"`
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
// with every call id. It follows has_more and the opaque pagination_key
// (never the page length, which v2-era code got wrong), with the same
// pacing and retries as get-call.
func (c *Client) ListCallIDs(ctx context.Context, f ListFilter, fn func(id string) error) (pages int, err error) {
	endpoint := c.base.JoinPath("v3", "list-calls").String()
	req := listRequest{FilterCriteria: f.criteria(), SortOrder: "ascending", Limit: listPageSize}
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
				return fmt.Errorf("%w: %v", errBadBody, err)
			}
			return nil
		})
		if err != nil {
			return pages, err // a *FetchError names the page; an *AuthError stops the run
		}
		pages++
		for _, it := range page.Items {
			if err := fn(it.CallID); err != nil {
				return pages, err
			}
		}
		if !page.HasMore || page.PaginationKey == "" || page.PaginationKey == req.PaginationKey {
			return pages, nil
		}
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

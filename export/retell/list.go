package retell

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"time"
)

// ListFilter selects calls for POST /v3/list-calls.
type ListFilter struct {
	Since, Until time.Time // start_timestamp in [Since, Until); zero = open
	Agents       []string  // agent ids, OR'ed; empty = every agent
	Descending   bool      // newest first (the API's default); else oldest first
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
		EndTimestamp   *int64 `json:"end_timestamp"`
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

// Listed is one call of a listing: its id, its start and end (ms; 0
// when the item has none) and the page it came on (from 1).
type Listed struct {
	ID         string
	Start, End int64
	Page       int
}

// ListCalls pages through POST /v3/list-calls, oldest first, and yields
// every call listed, go-github style: ranging over it sends the requests,
// and an error ends it as its last element. It follows has_more and the
// opaque pagination_key (never the page length, which v2-era code got
// wrong), with the same pacing and retries as get-call. Listing fails
// closed: a cursor seen before, a page whose calls start before those of
// an earlier page, or has_more without a cursor end it with an error,
// since going on could skip calls unnoticed. The error is an *AuthError,
// a *FetchError naming the page, or the context's error.
func (c *Client) ListCalls(ctx context.Context, f ListFilter) iter.Seq2[Listed, error] {
	return func(yield func(Listed, error) bool) {
		if err := c.listCalls(ctx, f, yield); err != nil {
			yield(Listed{}, err)
		}
	}
}

func (c *Client) listCalls(ctx context.Context, f ListFilter, yield func(Listed, error) bool) error {
	endpoint := c.base.JoinPath("v3", "list-calls").String()
	req := listRequest{FilterCriteria: f.criteria(), SortOrder: "ascending", Limit: listPageSize}
	if f.Descending {
		req.SortOrder = "descending"
	}
	seen := map[string]bool{}
	var latest int64 // the last start seen, to hold the order to the sort asked for
	first := true
	for pages := 1; ; pages++ {
		page, err := c.listPage(ctx, endpoint, req, pages)
		if err != nil {
			return err
		}
		for _, it := range page.Items {
			var start, end int64
			if it.StartTimestamp != nil {
				start = *it.StartTimestamp
				if !first && start != latest && (start < latest) != f.Descending {
					return fmt.Errorf("list calls: page %d goes backwards (call %s started %s, out of the order of calls already listed): the listing is not in start order; stopping rather than risk missing calls",
						pages, it.CallID, time.UnixMilli(start).UTC().Format(time.RFC3339))
				}
				latest, first = start, false
			}
			if it.EndTimestamp != nil {
				end = *it.EndTimestamp
			}
			if !yield(Listed{ID: it.CallID, Start: start, End: end, Page: pages}, nil) {
				return nil
			}
		}
		switch {
		case !page.HasMore:
			return nil
		case page.PaginationKey == "":
			return fmt.Errorf("list calls: page %d says has_more but gives no pagination_key; stopping rather than risk missing calls", pages)
		case seen[page.PaginationKey] || page.PaginationKey == req.PaginationKey:
			return fmt.Errorf("list calls: page %d repeats a pagination_key already followed; stopping rather than loop or miss calls", pages)
		}
		seen[page.PaginationKey] = true
		req.PaginationKey = page.PaginationKey
	}
}

// listPage requests one page.
func (c *Client) listPage(ctx context.Context, endpoint string, req listRequest, n int) (listResponse, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return listResponse{}, err
	}
	var page listResponse
	op := fmt.Sprintf("list calls (page %d)", n)
	_, err = c.do(ctx, ctx, "", op, http.MethodPost, endpoint, body, max(c.timeout, listTimeout), func(b []byte) error {
		page = listResponse{}
		if err := json.Unmarshal(b, &page); err != nil {
			return fmt.Errorf("%w: %w", errBadBody, err)
		}
		return nil
	})
	return page, err
}

// ListStartless yields the calls without a start_timestamp that the agent
// filter selects: calls registered and not started, outbound dials that
// never connected, errors before the call began. A start_timestamp filter
// leaves them out of every windowed listing, and where an unfiltered
// listing puts them in start order is not documented, so it lists twice,
// oldest first and newest first, taking calls until the first one with a
// start: they come first in one of the two orders if they come at all,
// and each listing costs a page more than there are such calls. Calls are
// yielded once.
func (c *Client) ListStartless(ctx context.Context, agents []string) iter.Seq2[Listed, error] {
	return func(yield func(Listed, error) bool) {
		seen := map[string]bool{}
		for _, desc := range []bool{false, true} {
			for call, err := range c.ListCalls(ctx, ListFilter{Agents: agents, Descending: desc}) {
				if err != nil {
					yield(Listed{}, err)
					return
				}
				if call.Start != 0 {
					break
				}
				if seen[call.ID] {
					continue
				}
				seen[call.ID] = true
				if !yield(call, nil) {
					return
				}
			}
		}
	}
}

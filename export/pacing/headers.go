package pacing

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ParseQuota reads a server's rate-limit headers, in the forms in use:
//
//   - draft-ietf-httpapi-ratelimit-headers, current: RateLimit-Policy:
//     "default";q=100;w=60 and RateLimit: "default";r=50;t=30;
//   - its earlier drafts: RateLimit-Limit, RateLimit-Remaining,
//     RateLimit-Reset (seconds), RateLimit-Policy: 100;w=60, or one
//     RateLimit: limit=100, remaining=50, reset=30;
//   - X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset (seconds,
//     or a Unix time), which say nothing about the window.
//
// It returns nil when none is present. A limit without a window gives no
// rate; Remaining and Reset still pause the controller when the quota is
// spent.
func ParseQuota(h http.Header, now time.Time) *Quota {
	q := Quota{Remaining: -1}
	found := false
	if p := h.Get("RateLimit-Policy"); p != "" {
		item := firstItem(p)
		if n, ok := intParam(item, "q"); ok {
			q.Limit, found = n, true
		} else if n, err := strconv.Atoi(strings.TrimSpace(strings.SplitN(item, ";", 2)[0])); err == nil {
			q.Limit, found = n, true
		}
		if w, ok := intParam(item, "w"); ok && w > 0 {
			q.Window = time.Duration(w) * time.Second
		}
	}
	if v := h.Get("RateLimit"); v != "" {
		item := firstItem(v)
		if r, ok := intParam(item, "r"); ok {
			q.Remaining, found = r, true
		}
		if t, ok := intParam(item, "t"); ok {
			q.Reset, found = time.Duration(t)*time.Second, true
		}
		for _, kv := range strings.Split(v, ",") { // the older one-header form
			k, val, _ := strings.Cut(strings.TrimSpace(kv), "=")
			n, err := strconv.Atoi(strings.TrimSpace(val))
			if err != nil {
				continue
			}
			switch strings.ToLower(k) {
			case "limit":
				q.Limit, found = n, true
			case "remaining":
				q.Remaining, found = n, true
			case "reset":
				q.Reset, found = time.Duration(n)*time.Second, true
			}
		}
	}
	for _, prefix := range []string{"RateLimit-", "X-RateLimit-"} {
		if n, err := strconv.Atoi(strings.TrimSpace(h.Get(prefix + "Limit"))); err == nil && q.Limit == 0 {
			q.Limit, found = n, true
		}
		if n, err := strconv.Atoi(strings.TrimSpace(h.Get(prefix + "Remaining"))); err == nil && q.Remaining < 0 {
			q.Remaining, found = n, true
		}
		if f, err := strconv.ParseFloat(strings.TrimSpace(h.Get(prefix+"Reset")), 64); err == nil && q.Reset == 0 && f > 0 {
			if f > 1e9 { // a Unix time
				f -= float64(now.UnixNano()) / 1e9
			}
			q.Reset, found = time.Duration(f*float64(time.Second)), true
		}
	}
	if !found {
		return nil
	}
	q.Reset = min(max(q.Reset, 0), time.Minute) // a pause is never longer than Retry-After's cap
	return &q
}

// firstItem returns the first member of a structured-field list.
func firstItem(v string) string {
	item, _, _ := strings.Cut(v, ",")
	return strings.TrimSpace(item)
}

// intParam returns the integer parameter name of a structured-field item
// such as "default";q=100;w=60.
func intParam(item, name string) (int, bool) {
	for _, p := range strings.Split(item, ";")[1:] {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if ok && strings.EqualFold(k, name) {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			return n, err == nil
		}
	}
	return 0, false
}

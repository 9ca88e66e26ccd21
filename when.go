package main

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// errNotWhen is parseWhen's error: what --since and --until take.
var errNotWhen = errors.New("want a date (YYYY-MM-DD), an RFC 3339 time, today, yesterday or an age like 36h or 7d")

// parseWhen reads a point in time: YYYY-MM-DD (midnight in loc), RFC 3339,
// "now", "today", "yesterday" (midnight in loc), or an age such as "36h"
// or "7d" before now. "" is the zero time.
func parseWhen(s string, loc *time.Location, now time.Time) (time.Time, error) {
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
	return time.Time{}, errNotWhen
}

package main

import (
	"testing"
	"time"
)

func TestParseWhen(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	now := time.Date(2026, 11, 23, 3, 30, 0, 0, time.UTC) // 22:30 on the 22nd in New York
	for _, tc := range []struct {
		in   string
		loc  *time.Location
		want time.Time
	}{
		{"", time.UTC, time.Time{}},
		{"2026-11-01", time.UTC, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)},
		{"2026-11-01", ny, time.Date(2026, 11, 1, 4, 0, 0, 0, time.UTC)},
		{"2026-11-20T10:00:00Z", ny, time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)},
		{"today", time.UTC, time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)},
		{"today", ny, time.Date(2026, 11, 22, 5, 0, 0, 0, time.UTC)},
		{"yesterday", time.UTC, time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)},
		{"36h", time.UTC, now.Add(-36 * time.Hour)},
		{"7d", time.UTC, now.AddDate(0, 0, -7)},
		{"now", time.UTC, now},
	} {
		got, err := parseWhen(tc.in, tc.loc, now)
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("parseWhen(%q, %v) = %v, %v; want %v", tc.in, tc.loc, got, err, tc.want)
		}
	}
	for _, bad := range []string{"last week", "-3h", "7days", "2026-13-01", "1.5d"} {
		if _, err := parseWhen(bad, time.UTC, now); err == nil {
			t.Errorf("parseWhen(%q) accepted", bad)
		}
	}
}

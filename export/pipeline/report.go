package pipeline

import (
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/retell-export/retell-export/export"
	"github.com/retell-export/retell-export/export/dataset"
)

// Stats are the live counters of a run. The consumer goroutine updates them;
// progress displays read them from other goroutines, hence atomics.
type Stats struct {
	Total       atomic.Int64 // calls this run is about
	Done        atomic.Int64 // handled: fetched, from archive or failed
	Fetched     atomic.Int64
	FromArchive atomic.Int64
	Failed      atomic.Int64
	BadRecords  atomic.Int64
	Throttled   func() int64 // 429 answers so far; nil in replay mode
	Started     time.Time
}

// Throttles returns the 429 count.
func (s *Stats) Throttles() int64 {
	if s.Throttled == nil {
		return 0
	}
	return s.Throttled()
}

// Report is the outcome of a run, written to run.json. It never holds the
// API key.
type Report struct {
	Version    string              `json:"version"`
	Outcome    string              `json:"outcome"` // ok, partial, interrupted, auth_failed, failed
	Error      string              `json:"error,omitempty"`
	Started    time.Time           `json:"started"`
	Finished   time.Time           `json:"finished"`
	ElapsedSec float64             `json:"elapsed_seconds"`
	Counts     ReportCounts        `json:"counts"`
	Fetch      ReportFetch         `json:"fetch"`
	Settings   Settings            `json:"settings"`
	Outputs    map[string]any      `json:"outputs,omitempty"` // by Reporter.Output name
	Archive    []string            `json:"archive_segments,omitempty"`
	View       *dataset.ViewResult `json:"parquet_view,omitempty"`
	State      *ReportState        `json:"state,omitempty"`
	Failures   []export.Failure    `json:"-"`
}

// ReportState is the dataset's state after the run.
type ReportState struct {
	HighWater string `json:"high_water,omitempty"`
	Pending   int    `json:"pending_calls"` // calls to fetch again next run
	GaveUp    int    `json:"gave_up,omitempty"`
	Written   bool   `json:"written"`
}

// ReportCounts counts calls.
type ReportCounts struct {
	Requested int64 `json:"requested"` // unique valid ids (or saved calls when replaying)
	Listed    int   `json:"listed,omitempty"`
	// Startless are the listed calls without a start (found apart: no
	// start filter lists them); StartlessOutside those a window left out.
	Startless        int   `json:"listed_without_start,omitempty"`
	StartlessOutside int   `json:"without_start_outside_window,omitempty"`
	Duplicates       int   `json:"duplicate_ids"`
	InvalidIDs       int   `json:"invalid_ids"`
	Fetched          int64 `json:"fetched"`                       // fetched: new plus re-fetched
	Refetched        int64 `json:"refetched,omitempty"`           // archived but not settled, fetched again
	Unchanged        int64 `json:"refetched_unchanged,omitempty"` // of Refetched: identical to the archived version, not archived again
	Skipped          int64 `json:"archived_settled"`              // archived and settled, not fetched
	FromArchive      int64 `json:"from_archive"`
	Failed           int64 `json:"failed"` // calls that could not be fetched (invalid ids excluded)
	Pending          int64 `json:"pending"`
	BadRecords       int64 `json:"bad_saved_records"`
}

// ReportFetch describes the HTTP side.
type ReportFetch struct {
	Requests    int64   `json:"http_requests"`
	Throttled   int64   `json:"http_429"`
	Seconds     float64 `json:"fetch_seconds"`
	CallsPerSec float64 `json:"calls_per_second"`
	FinalRate   float64 `json:"final_rate_limit,omitempty"`
	// What the pacer learned of the server's limit: requests per second
	// (from 429s, or from its RateLimit headers) and an in-flight cap; 0
	// when it found none. Set --rps to the limit next time.
	LimitEstimate    float64 `json:"limit_estimate_per_second,omitempty"`
	LimitFromHeaders bool    `json:"limit_from_headers,omitempty"`
	InFlightCap      int     `json:"in_flight_cap,omitempty"`
}

// SummaryLine is the one-line human summary printed at the end of a run.
func (rep *Report) SummaryLine() string {
	c := rep.Counts
	s := rep.Outcome + ": "
	if c.Listed > 0 {
		s += fmt.Sprintf("%d listed", c.Listed)
		if c.Startless > 0 {
			s += fmt.Sprintf(" (%d without a start)", c.Startless)
		}
		s += ", "
	}
	s += fmt.Sprintf("%d fetched", c.Fetched)
	if c.Refetched > 0 {
		s += fmt.Sprintf(" (%d again, not settled before", c.Refetched)
		if c.Unchanged > 0 {
			s += fmt.Sprintf("; %d unchanged", c.Unchanged)
		}
		s += ")"
	}
	s += fmt.Sprintf(", %d from archive, %d failed", c.FromArchive, c.Failed+int64(c.InvalidIDs))
	if c.Pending > 0 {
		s += fmt.Sprintf(", %d pending", c.Pending)
	}
	s += fmt.Sprintf(", %d×429, %s", rep.Fetch.Throttled, (time.Duration(rep.ElapsedSec*1000) * time.Millisecond).Round(10*time.Millisecond))
	if rep.Fetch.CallsPerSec > 0 {
		s += fmt.Sprintf(", %.1f calls/s", rep.Fetch.CallsPerSec)
	}
	if f := rep.Fetch; f.Throttled > 0 && (f.LimitEstimate > 0 || f.InFlightCap > 0) {
		var l []string
		if f.LimitEstimate > 0 {
			l = append(l, fmt.Sprintf("%.0f/s", f.LimitEstimate))
		}
		if f.InFlightCap > 0 {
			l = append(l, fmt.Sprintf("%d in flight", f.InFlightCap))
		}
		s += ", limit ≈ " + strings.Join(l, " or ")
	}
	if c.StartlessOutside > 0 {
		s += fmt.Sprintf("; %d calls without a start left out (they did not end in the window)", c.StartlessOutside)
	}
	return s
}

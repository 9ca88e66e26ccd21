package export

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/retell-export/retell-export/export/store"
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

// Failure is one line of failed.csv.
type Failure struct {
	CallID   string
	Kind     string
	Status   int
	Message  string
	Attempts int
}

// Report is the outcome of a run, written to run.json. It never holds the
// API key.
type Report struct {
	Version    string         `json:"version"`
	Outcome    string         `json:"outcome"` // ok, partial, interrupted, auth_failed, failed
	Error      string         `json:"error,omitempty"`
	Started    time.Time      `json:"started"`
	Finished   time.Time      `json:"finished"`
	ElapsedSec float64        `json:"elapsed_seconds"`
	Counts     ReportCounts   `json:"counts"`
	Fetch      ReportFetch    `json:"fetch"`
	Settings   map[string]any `json:"settings,omitempty"`
	Outputs    map[string]any `json:"outputs,omitempty"`
	Archive    []string       `json:"archive_segments,omitempty"`
	View       *ViewResult    `json:"parquet_view,omitempty"`
	State      *ReportState   `json:"state,omitempty"`
	Failures   []Failure      `json:"-"`
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
	Requested   int64 `json:"requested"` // unique valid ids (or saved calls when replaying)
	Listed      int   `json:"listed,omitempty"`
	Duplicates  int   `json:"duplicate_ids"`
	InvalidIDs  int   `json:"invalid_ids"`
	Fetched     int64 `json:"fetched"`             // fetched: new plus re-fetched
	Refetched   int64 `json:"refetched,omitempty"` // archived but not settled, fetched again
	Skipped     int64 `json:"archived_settled"`    // archived and settled, not fetched
	FromArchive int64 `json:"from_archive"`
	Failed      int64 `json:"failed"` // calls that could not be fetched (invalid ids excluded)
	Pending     int64 `json:"pending"`
	BadRecords  int64 `json:"bad_saved_records"`
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

// finish closes the archive (indexing what it got) and the writers,
// rebuilds the Parquet view, writes the state, and writes failed.csv and
// run.json. Only a run that ended well commits its outputs and moves the
// state on; the archive keeps whatever was fetched in any case.
func (r *run) finish(started time.Time, err error) (*Report, error) {
	if err == nil {
		err = r.fatal()
	}
	if r.archive != nil {
		if cerr := r.archive.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}
	interrupted := err == nil && r.stop.Err() != nil
	switch {
	case r.fan == nil:
		AbortAll(r.Writers) // the run stopped before it began
	case err == nil && !interrupted:
		err = r.fan.Close()
	default:
		r.fan.Abort()
	}
	if err == nil && !interrupted && r.View != nil && r.Dataset != nil {
		r.view, err = r.rebuildView()
	}
	var st *ReportState
	if r.Dataset != nil && !interrupted {
		var serr error
		if st, serr = r.updateState(err == nil); err == nil {
			err = serr
		}
	}
	rep := r.report(started, err, interrupted)
	rep.State = st
	if werr := r.writeReportFiles(rep); werr != nil && err == nil {
		err = werr
		rep.Outcome, rep.Error = "failed", werr.Error()
	}
	if err == nil && interrupted {
		err = ErrInterrupted
	}
	return rep, err
}

func (r *run) rebuildView() (res *ViewResult, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("bug: panic while rebuilding %s: %v\n%s", r.View.Name, p, debug.Stack())
		}
	}()
	// The calls are archived and indexed: an interrupt from here on is
	// better spent finishing than redoing the work next run.
	return r.Dataset.rebuildView(context.WithoutCancel(r.stop), r.View, r.live)
}

// updateState records what the run archived (and what it listed but could
// not fetch) and, for an incremental run that ended well, the listing's
// high-water mark. It is written after everything it covers.
func (r *run) updateState(ok bool) (*ReportState, error) {
	s := r.Dataset.State
	now := time.Now()
	s.Archived(r.archived, now)
	for _, f := range r.failures {
		if start, listed := r.Listed[f.CallID]; listed && f.Kind != KindNotFound && f.Kind != KindInvalidID {
			s.Retry(f.CallID, start, now)
		}
	}
	rs := &ReportState{}
	if ok && r.Incremental {
		var hw int64
		for _, start := range r.Listed {
			hw = max(hw, start)
		}
		s.Listed(hw)
	}
	rs.HighWater, rs.Pending = s.HighWaterTime, len(s.Pending)
	if ok {
		if err := s.save(context.WithoutCancel(r.stop), r.Dataset.Store, now); err != nil {
			return rs, err
		}
		rs.Written = true
	}
	return rs, nil
}

func (r *run) report(started time.Time, err error, interrupted bool) *Report {
	s := r.stats
	rep := &Report{
		Version: r.Version, Started: started.UTC(), Finished: time.Now().UTC(),
		Settings: r.Settings, Failures: r.failures,
		Counts: ReportCounts{
			Requested: s.Total.Load(), Duplicates: r.Duplicates, InvalidIDs: len(r.Invalid),
			Fetched: s.Fetched.Load(), FromArchive: s.FromArchive.Load(), Failed: s.Failed.Load(),
			Pending: s.Total.Load() - s.Done.Load(), BadRecords: s.BadRecords.Load(),
		},
	}
	rep.ElapsedSec = rep.Finished.Sub(rep.Started).Seconds()
	if r.Client != nil {
		rep.Fetch.Requests = r.Client.Requests()
		est := r.Client.pacer.Estimates()
		rep.Fetch.Throttled, rep.Fetch.FinalRate = est.Throttled, est.Rate
		if est.Throttled > 0 || est.FromHeaders {
			rep.Fetch.LimitEstimate, rep.Fetch.LimitFromHeaders, rep.Fetch.InFlightCap = est.Limit, est.FromHeaders, est.InFlight
		}
	}
	r.mu.Lock()
	if !r.fetchStart.IsZero() && r.fetchEnd.After(r.fetchStart) {
		rep.Fetch.Seconds = r.fetchEnd.Sub(r.fetchStart).Seconds()
		rep.Fetch.CallsPerSec = float64(rep.Counts.Fetched) / rep.Fetch.Seconds
	}
	r.mu.Unlock()
	if r.archive != nil {
		rep.Archive = r.archive.Paths()
	}
	rep.View = r.view
	rep.Counts.Listed = len(r.Listed)
	rep.Counts.Refetched, rep.Counts.Skipped = r.counts.refetched, r.counts.skipped
	rep.Outputs = map[string]any{}
	for _, w := range r.Writers {
		if rp, ok := w.(Reporter); ok && err == nil && !interrupted {
			rep.Outputs[writerName(w)] = rp.Report()
		}
	}
	var ae *AuthError
	switch {
	case errors.As(err, &ae):
		rep.Outcome = "auth_failed"
	case err != nil:
		rep.Outcome = "failed"
	case interrupted:
		rep.Outcome = "interrupted"
	case len(r.failures) > 0:
		rep.Outcome = "partial"
	default:
		rep.Outcome = "ok"
	}
	if err != nil {
		rep.Error = err.Error()
	}
	return rep
}

// writerName turns *formats.CSVWriter into "csv" for run.json.
func writerName(w Writer) string {
	n := fmt.Sprintf("%T", w)
	if i := strings.LastIndexByte(n, '.'); i >= 0 {
		n = n[i+1:]
	}
	return strings.ToLower(strings.TrimSuffix(n, "Writer"))
}

// writeReportFiles writes failed.csv (always, so a stale list from an
// earlier run never lingers) and run.json.
func (r *run) writeReportFiles(rep *Report) error {
	if r.OutDir == "" {
		return nil
	}
	return errors.Join(
		writeFailedCSV(filepath.Join(r.OutDir, "failed.csv"), rep.Failures),
		writeJSONFile(filepath.Join(r.OutDir, "run.json"), rep),
	)
}

func writeFailedCSV(path string, fs []Failure) error {
	f, err := store.CreateAtomic(path)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	w := csv.NewWriter(f)
	w.Write([]string{"call_id", "kind", "http_status", "message", "attempts"})
	for _, fl := range fs {
		status := ""
		if fl.Status != 0 {
			status = strconv.Itoa(fl.Status)
		}
		w.Write([]string{NeutralizeCell(fl.CallID), fl.Kind, status, NeutralizeCell(fl.Message), strconv.Itoa(fl.Attempts)})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Abort()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Commit()
}

func writeJSONFile(path string, v any) error {
	f, err := store.CreateAtomic(path)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	enc := json.NewEncoder(f)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		f.Abort()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Commit()
}

// SummaryLine is the one-line human summary printed at the end of a run.
func (rep *Report) SummaryLine() string {
	c := rep.Counts
	s := rep.Outcome + ": "
	if c.Listed > 0 {
		s += fmt.Sprintf("%d listed, ", c.Listed)
	}
	s += fmt.Sprintf("%d fetched", c.Fetched)
	if c.Refetched > 0 {
		s += fmt.Sprintf(" (%d again, not settled before)", c.Refetched)
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
	return s
}

package pipeline

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/retell-export/retell-export/export"
	"github.com/retell-export/retell-export/export/dataset"
	"github.com/retell-export/retell-export/export/retell"
)

// finish closes the archive (indexing what it got) and the writers,
// rebuilds the Parquet view, writes the state, and writes failed.csv and
// run.json. Only a run that ended well commits its outputs and moves the
// state on; the archive keeps whatever was fetched in any case.
func (r *run) finish(stop context.Context, started time.Time, err error) (*Report, error) {
	if err == nil {
		err = r.fatal()
	}
	if r.archive != nil {
		if cerr := r.archive.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}
	interrupted := err == nil && stop.Err() != nil
	switch {
	case r.fan == nil:
		r.warnAbort(export.AbortAll(r.Writers)) // the run stopped before it began
	case err == nil && !interrupted:
		err = r.fan.Close()
	default:
		if aerr := r.fan.Abort(); err == nil || !errors.Is(aerr, err) { // a writer's own failure is err already
			r.warnAbort(aerr)
		}
	}
	// The calls are archived and indexed: an interrupt from here on is
	// better spent finishing than redoing the work next run.
	done := context.WithoutCancel(stop)
	if err == nil && !interrupted && r.View != nil && r.Dataset != nil {
		r.view, err = r.rebuildView(done)
	}
	var st *ReportState
	if r.Dataset != nil && !interrupted {
		var serr error
		if st, serr = r.updateState(done, err == nil); err == nil {
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

// warnAbort says that writers could not discard what they wrote: their
// temporary files stay until the next run into the same output removes
// them. The run's own outcome stands.
func (r *run) warnAbort(err error) {
	if err != nil && !errors.Is(err, errAborted) {
		r.Warn(fmt.Sprintf("discarding unfinished outputs: %v (the next run removes what is left)", err))
	}
}

func (r *run) rebuildView(ctx context.Context) (res *dataset.ViewResult, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("bug: panic while rebuilding %s: %v\n%s", r.View.Name, p, debug.Stack())
		}
	}()
	return r.Dataset.RebuildView(ctx, r.View)
}

// updateState records what the run archived (and what it listed but could
// not fetch) and, for an incremental run that ended well, the listing's
// high-water mark. It is written after everything it covers.
func (r *run) updateState(ctx context.Context, ok bool) (*ReportState, error) {
	s := r.Dataset.State
	now := time.Now()
	s.Archived(r.archived, now)
	for _, f := range r.failures {
		if start, listed := r.Listed[f.CallID]; listed && f.Kind != export.KindNotFound && f.Kind != export.KindInvalidID {
			s.Retry(f.CallID, start, now)
		}
	}
	rs := &ReportState{GaveUp: r.GaveUp}
	if ok && r.Incremental {
		var hw int64
		for _, start := range r.Listed {
			hw = max(hw, start)
		}
		s.Listed(hw)
	}
	rs.HighWater, rs.Pending = s.HighWaterTime, len(s.Pending)
	if ok {
		if err := s.Save(ctx, r.Dataset.Store, now); err != nil {
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
		est := r.Client.Estimates()
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
	rep.Counts.Listed, rep.Counts.StartlessOutside = len(r.Listed), r.StartlessOutside
	for _, start := range r.Listed {
		if start == 0 {
			rep.Counts.Startless++
		}
	}
	rep.Counts.Refetched, rep.Counts.Skipped, rep.Counts.Unchanged = r.counts.refetched, r.counts.skipped, r.counts.unchanged
	if err == nil && !interrupted {
		rep.Outputs = map[string]any{}
		for _, w := range r.Writers {
			if rp, ok := w.(export.Reporter); ok {
				name, figures := rp.Output()
				rep.Outputs[name] = figures
			}
		}
	}
	rep.Outcome = outcome(err, interrupted, len(r.failures) > 0)
	if err != nil {
		rep.Error = err.Error()
	}
	return rep
}

// outcome names how a run ended, for run.json.
func outcome(err error, interrupted, failures bool) string {
	var ae *retell.AuthError
	switch {
	case errors.As(err, &ae):
		return "auth_failed"
	case err != nil:
		return "failed"
	case interrupted:
		return "interrupted"
	case failures:
		return "partial"
	}
	return "ok"
}

package dataset

import (
	"context"
	"fmt"
	"maps"

	"github.com/retell-export/retell-export/export"
)

// A Live writes the view's partitions that held no call before the run
// as the run's calls arrive, instead of reading them back from the archive
// once the fetch is over. A fresh lake, or a nightly window's new dates,
// then costs no second read and decode of the archive and no serial tail
// after the fetch: on a CPU-bound fetch that tail and re-read were a third
// of what every format added to fetching with none.
//
// A date is taken live when the archive had no call on it (nor marked it
// dirty) when the run began, so the run's own calls are all of it; calls of
// the other dates are left to the rebuild from the archive. An
// unpartitioned view, or one whose layout changed, is one file set
// rebuilt whole: it is taken live only when the archive was empty. At most
// Live dates are taken, so the writer keeps every live partition open and
// never splits one into several part files.
//
// It runs as a writer of the fan-out (its own goroutine, behind its own
// queue) and decides call by call in the order the calls were handed out.
// Its Close does not commit: RebuildView takes the writer over, checks
// each live date's count against the index, writes the other dirty dates
// into the same staging directory and publishes them all together.
type Live struct {
	w           export.Writer
	staging     string
	cleanup     func()
	max         int
	partitioned bool
	prior       map[string]bool // dates with calls (or dirty) before the run
	dates       map[string]int  // dates taken live: calls written
	refused     map[string]bool
	taken       bool // handed to the rebuild, or discarded
}

var _ export.Writer = (*Live)(nil)
var _ export.Aborter = (*Live)(nil)

// StartLive prepares the live part of v's rebuild, or returns nil when no
// date can be taken live.
func (ds *Dataset) StartLive(ctx context.Context, v *View) (*Live, error) {
	if v.Live <= 0 {
		return nil, nil
	}
	dates, err := ds.Archive.Dates(ctx)
	if err != nil {
		return nil, err
	}
	prior := map[string]bool{}
	for _, d := range append(dates, ds.Archive.Dirty()...) {
		prior[d] = true
	}
	if len(prior) > 0 && (!v.Partitioned || ds.Archive.ViewLayout(v.Name) != v.Layout) {
		return nil, nil // the rebuild reads every date back
	}
	staging, cleanup, err := ds.StagingDir()
	if err != nil {
		return nil, err
	}
	w, err := v.New(staging)
	if err != nil {
		cleanup()
		return nil, fmt.Errorf("%s: %w", v.Name, err)
	}
	return &Live{
		w: w, staging: staging, cleanup: cleanup, max: v.Live, partitioned: v.Partitioned,
		prior: prior, dates: map[string]int{}, refused: map[string]bool{},
	}, nil
}

// Write passes c on when its date is (or can be) taken live.
func (l *Live) Write(c *export.Call) error {
	d := c.Meta().Date()
	if _, live := l.dates[d]; !live {
		if l.refused[d] || l.prior[d] || (l.partitioned && len(l.dates) >= l.max) {
			l.refused[d] = true
			return nil
		}
	}
	l.dates[d]++
	return l.w.Write(c)
}

// Close leaves the writer open for the rebuild.
func (l *Live) Close() error { return nil }

// Abort discards what was written.
func (l *Live) Abort() error {
	if l.taken {
		return nil
	}
	l.taken = true
	defer l.cleanup()
	return export.Abort(l.w)
}

// Discard is Abort for a clean-up list, which has no use for its error:
// what a failed abort leaves is temporary files the next run removes.
func (l *Live) Discard() { _ = l.Abort() }

// take hands the writer, its staging directory and the live dates with
// their counts to the rebuild, which then owns them.
func (l *Live) take() (export.Writer, string, func(), map[string]int) {
	l.taken = true
	return l.w, l.staging, l.cleanup, maps.Clone(l.dates)
}

// checkLive reports whether every live date holds, in the index, exactly
// the calls that were written live: else the live files are not the view
// and the rebuild must read those dates back.
func (ds *Dataset) checkLive(ctx context.Context, live map[string]int, dirty []string) (bool, error) {
	want := map[string]bool{}
	for _, d := range dirty {
		want[d] = true
	}
	for d, n := range live {
		if !want[d] {
			return false, nil
		}
		es, err := ds.Archive.DateEntries(ctx, d)
		if err != nil {
			return false, err
		}
		if len(es) != n {
			return false, nil
		}
	}
	return true, nil
}

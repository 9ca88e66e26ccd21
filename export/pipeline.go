package export

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"runtime/debug"
	"sync"
	"time"

	"github.com/alitto/pond/v2"
)

// ErrInterrupted is returned by Job.Run when its context was cancelled
// (Ctrl-C, SIGTERM) before every call was handled.
var ErrInterrupted = errors.New("interrupted")

// errStopped ends a replay scan early.
var errStopped = errors.New("stopped")

// Job is one export run: it fetches the ids that are not archived yet (or
// replays saved calls), archives what it fetches and feeds every call, from
// one goroutine, to the writers.
type Job struct {
	IDs         []string // ids to export; in replay mode an optional filter
	Client      *Client  // nil in replay mode
	ReplayFrom  string   // replay saved calls from this path instead of the API
	ArchiveDir  string   // where fetched calls are archived; "" for none
	OutDir      string   // where failed.csv and run.json go; "" for none
	Refetch     bool     // fetch archived calls again
	Concurrency int
	Writers     []Writer
	Progress    Progress
	Grace       time.Duration // how long in-flight requests may finish after an interrupt
	Warn        func(msg string)
	Settings    map[string]any // recorded in run.json
	Version     string
	Invalid     []BadID // input lines that were not ids, reported as failures
	Duplicates  int
}

// item is what producers hand to the writer goroutine.
type item struct {
	call     *Call
	archived bool // from the archive or --from, not the API
	fail     *Failure
}

// run is the state of one Job.Run.
type run struct {
	*Job
	stop, req            context.Context
	cancelStop           context.CancelCauseFunc
	cancelReq            context.CancelCauseFunc
	fatalOnce            sync.Once
	fatalErr             error
	results              chan item
	stats                *Stats
	failures             []Failure
	archive              *Archive
	fetchStart, fetchEnd time.Time
	mu                   sync.Mutex // guards fetchStart/fetchEnd
}

// Run executes the job. It returns the report and: nil (the report may
// still list failed calls), ErrInterrupted, an *AuthError, or another
// fatal error (a full disk, an unreadable archive).
func (j *Job) Run(ctx context.Context) (*Report, error) {
	if j.Progress == nil {
		j.Progress = NopProgress{}
	}
	if j.Warn == nil {
		j.Warn = func(string) {}
	}
	r := &run{Job: j, stats: &Stats{Started: time.Now()}, results: make(chan item, 2*max(j.Concurrency, 1))}
	if j.Client != nil {
		r.stats.Throttled = j.Client.pacer.Throttles
	}
	r.stop, r.cancelStop = context.WithCancelCause(ctx)
	r.req, r.cancelReq = context.WithCancelCause(context.Background())
	defer r.cancelStop(nil)
	defer r.cancelReq(nil)
	go r.graceTimer()

	started := time.Now()
	for _, b := range j.Invalid {
		r.failures = append(r.failures, Failure{CallID: b.Text, Kind: KindInvalidID, Message: b.Error()})
	}
	err := r.execute()
	return r.finish(started, err)
}

// graceTimer lets in-flight requests finish for Grace after an interrupt,
// and ends them at once after a fatal error.
func (r *run) graceTimer() {
	<-r.stop.Done()
	if r.fatal() != nil {
		r.cancelReq(r.fatal())
		return
	}
	t := time.NewTimer(r.Grace)
	defer t.Stop()
	select {
	case <-t.C:
		r.cancelReq(ErrInterrupted)
	case <-r.req.Done():
	}
}

// fail records the first fatal error and stops the run.
func (r *run) fail(err error) {
	r.fatalOnce.Do(func() {
		r.mu.Lock()
		r.fatalErr = err
		r.mu.Unlock()
		r.cancelStop(err)
		r.cancelReq(err)
	})
}

func (r *run) fatal() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.fatalErr
}

func (r *run) execute() error {
	plan, err := r.plan()
	if err != nil {
		return err
	}
	r.stats.Total.Store(int64(plan.total))
	r.Progress.Start(r.stats)
	defer r.Progress.Finish(r.stats)

	if len(plan.fetch) > 0 && r.ArchiveDir != "" {
		if r.archive, err = CreateArchive(r.ArchiveDir); err != nil {
			return err
		}
	}
	var consumer sync.WaitGroup
	consumer.Add(1)
	go func() {
		defer consumer.Done()
		r.consume()
	}()
	var producers sync.WaitGroup
	if plan.replay != nil {
		producers.Add(1)
		go func() {
			defer producers.Done()
			r.replay(plan)
		}()
	}
	r.fetch(plan.fetch)
	producers.Wait()
	close(r.results)
	consumer.Wait()
	return nil
}

// plan is what a run will do: which ids to fetch, and which saved calls to
// replay from which index.
type plan struct {
	total   int
	fetch   []string
	replay  *Index
	want    map[string]bool // replay filter; nil = everything
	missing []string        // replay mode: requested ids not in the saved calls
}

func (r *run) plan() (*plan, error) {
	p := &plan{}
	src := r.ReplayFrom
	if src == "" {
		src = r.ArchiveDir
	}
	var ix *Index
	if src != "" {
		files, err := RecordFiles(src)
		if err == nil && len(files) == 0 && r.ReplayFrom != "" {
			return nil, fmt.Errorf("read %s: no saved calls (*.json, *.jsonl, *.jsonl.gz) there", r.ReplayFrom)
		}
		switch {
		case err == nil:
			if ix, err = BuildIndex(files, r.badRecord); err != nil {
				return nil, err
			}
		case r.ReplayFrom == "" && errors.Is(err, fs.ErrNotExist):
			// the first run into this directory: no archive yet
		default:
			return nil, fmt.Errorf("read %s: %w", src, err)
		}
	}
	if r.ReplayFrom != "" {
		return r.planReplay(p, ix)
	}
	p.want = map[string]bool{}
	for _, id := range r.IDs {
		if ix != nil && !r.Refetch && ix.Final(id) {
			p.want[id] = true
			continue
		}
		p.fetch = append(p.fetch, id)
	}
	if len(p.want) > 0 {
		if len(r.Writers) > 0 {
			p.replay = ix
		} else { // nothing to write: archived calls only count
			r.stats.FromArchive.Add(int64(len(p.want)))
			r.stats.Done.Add(int64(len(p.want)))
		}
	}
	p.total = len(r.IDs)
	return p, nil
}

func (r *run) planReplay(p *plan, ix *Index) (*plan, error) {
	p.replay = ix
	p.total = ix.Len()
	if len(r.IDs) > 0 {
		p.want = map[string]bool{}
		for _, id := range r.IDs {
			if ix.Has(id) {
				p.want[id] = true
			} else {
				p.missing = append(p.missing, id)
			}
		}
		p.total = len(r.IDs)
	}
	for _, id := range p.missing {
		r.failures = append(r.failures, Failure{CallID: id, Kind: KindNotFound, Message: "not in " + r.ReplayFrom})
		r.stats.Failed.Add(1)
		r.stats.Done.Add(1)
	}
	return p, nil
}

// badRecord handles a saved record that cannot be used, found while
// indexing (before any other goroutine runs). Replaying --from, it is a
// failure (exit 3: cron must not see success when input was lost); in the
// run's own archive it is only a warning, so that a segment cut by a crash
// does not fail every later run.
func (r *run) badRecord(where string, err error) {
	r.Warn(fmt.Sprintf("skipping saved record %s: %v", where, err))
	r.stats.BadRecords.Add(1)
	if r.ReplayFrom != "" {
		r.failures = append(r.failures, Failure{Kind: KindBadRecord, Message: fmt.Sprintf("%s: %v", where, err)})
		r.stats.Failed.Add(1)
	}
}

// replay feeds saved calls to the writer goroutine.
func (r *run) replay(p *plan) {
	var want func(string) bool
	if p.want != nil {
		want = func(id string) bool { return p.want[id] }
	}
	err := p.replay.Replay(want, func(c *Call) error {
		if r.stop.Err() != nil {
			return errStopped
		}
		r.results <- item{call: c, archived: true}
		return nil
	}, func(where string, err error) {
		// An indexed call that does not decode: it counts as handled, and
		// goes through the writer goroutine like every other outcome.
		r.Warn(fmt.Sprintf("skipping saved record %s: %v", where, err))
		r.stats.BadRecords.Add(1)
		r.results <- item{fail: &Failure{Kind: KindBadRecord, Message: fmt.Sprintf("%s: %v", where, err)}}
	})
	if err != nil && !errors.Is(err, errStopped) {
		r.fail(fmt.Errorf("replay: %w", err))
	}
}

// fetch runs the worker pool over ids. pond task groups are fail-fast and
// keep one result per task, so tasks are submitted to the pool directly:
// per-call failures travel to the writer goroutine as items, fatal ones
// stop the run through r.fail, and StopAndWait is the barrier.
func (r *run) fetch(ids []string) {
	if len(ids) == 0 || r.Client == nil {
		return
	}
	n := max(r.Concurrency, 1)
	pool := pond.NewPool(n, pond.WithContext(r.stop), pond.WithQueueSize(4*n))
	r.mu.Lock()
	r.fetchStart = time.Now()
	r.mu.Unlock()
	for _, id := range ids {
		if r.stop.Err() != nil {
			break
		}
		pool.SubmitErr(func() error {
			r.fetchOne(id)
			return nil
		})
	}
	pool.StopAndWait()
}

func (r *run) fetchOne(id string) {
	defer func() {
		if p := recover(); p != nil {
			r.fail(fmt.Errorf("bug: panic while fetching %s: %v\n%s", id, p, debug.Stack()))
		}
	}()
	if r.stop.Err() != nil {
		return
	}
	call, attempts, err := r.Client.GetCall(r.stop, r.req, id)
	var ae *AuthError
	var fe *FetchError
	switch {
	case err == nil:
		r.results <- item{call: call}
	case errors.As(err, &ae):
		r.fail(err)
	case errors.As(err, &fe):
		r.results <- item{fail: &Failure{CallID: id, Kind: fe.Kind, Status: fe.Status, Message: fe.Err.Error(), Attempts: attempts}}
	}
	// Anything else is the run stopping: the id stays pending for a re-run.
}

// consume is the only goroutine that touches the archive and the writers.
func (r *run) consume() {
	for it := range r.results {
		if r.fatal() != nil {
			continue // drain so producers never block
		}
		switch {
		case it.fail != nil:
			r.failures = append(r.failures, *it.fail)
			r.stats.Failed.Add(1)
		case it.call != nil:
			if err := r.write(it); err != nil {
				r.fail(err)
				continue
			}
		}
		r.stats.Done.Add(1)
		r.Progress.Update(r.stats)
	}
}

func (r *run) write(it item) error {
	c := it.call
	if !it.archived {
		r.mu.Lock()
		r.fetchEnd = time.Now()
		r.mu.Unlock()
		if r.archive != nil {
			if err := r.archive.Append(c); err != nil {
				return err
			}
		}
		r.stats.Fetched.Add(1)
	} else {
		r.stats.FromArchive.Add(1)
	}
	for _, w := range c.Warnings {
		r.Warn(fmt.Sprintf("call %s: %s (kept; see the raw archive)", c.CallID, w))
	}
	for _, w := range r.Writers {
		if err := w.Write(c); err != nil {
			return fmt.Errorf("write call %s: %w", c.CallID, err)
		}
	}
	return nil
}

package export

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"sync"
	"time"

	"github.com/alitto/pond/v2"

	"github.com/retell-export/retell-export/export/archive"
	"github.com/retell-export/retell-export/export/store"
)

// runCounts reconcile a dataset run (run.json and the final line).
type runCounts struct {
	skipped   int64 // archived and settled: not fetched
	refetched int64 // archived, not settled: fetched again
}

// ErrInterrupted is returned by Job.Run when its context was cancelled
// (Ctrl-C, SIGTERM) before every call was handled.
var ErrInterrupted = errors.New("interrupted")

// errStopped ends a replay scan early.
var errStopped = errors.New("stopped")

// Job is one export run: it fetches the ids that are not archived yet (or
// replays saved calls), archives what it fetches and feeds every call, from
// one goroutine, to the writers.
type Job struct {
	IDs        []string // ids to export; in replay mode an optional filter
	Client     *Client  // nil in replay mode
	ReplayFrom string   // replay saved calls from this path instead of the API
	// OpenStore opens ReplayFrom when it names object storage.
	OpenStore store.Opener
	// Dataset is the output the run archives into and reads archived
	// calls from; nil when the run writes no files.
	Dataset *Dataset
	// View is rebuilt from the dataset's archive after the calls are
	// archived (the Parquet tables); nil for none.
	View *View
	// Listed are the ids that came from list-calls, with their start (ms).
	Listed map[string]int64
	// Incremental moves the state's high-water mark when the run ends well.
	Incremental bool
	// Rotation bounds the archive segments on object storage; zero means
	// DefaultRotation.
	Rotation    archive.WriterOptions
	OutDir      string // where failed.csv and run.json go; "" for none
	Refetch     bool   // fetch archived calls again
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

// item is what producers hand to the consumer goroutine.
type item struct {
	call     *Call
	member   archive.Member // the fetched call compressed for the archive
	archived bool           // from the archive or --from, not the API
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
	archive              *archive.Writer
	archived             []archive.Entry // what this run archived, for the state
	refetch              map[string]bool // archived ids fetched again
	closers              []func()        // run at the end
	fan                  *FanOut         // the writers, each on its own goroutine
	counts               runCounts
	view                 *ViewResult
	live                 *liveView // the view's new partitions, written as calls arrive
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
	defer func() {
		for _, c := range r.closers {
			c()
		}
	}()
	if j.Dataset != nil {
		go func() { // a lease-based lock that could not be renewed
			select {
			case <-j.Dataset.Lost():
				r.fail(errLockLost)
			case <-r.stop.Done():
			}
		}()
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

	if len(plan.fetch) > 0 && r.Dataset != nil {
		rot := r.Rotation
		if rot == (archive.WriterOptions{}) {
			rot = DefaultRotation
		}
		r.archive = r.Dataset.Archive.NewWriter(r.stop, rot)
	}
	writers := r.Writers
	if len(plan.fetch) > 0 && r.View != nil && r.Dataset != nil {
		if r.live, err = r.Dataset.startLive(r.stop, r.View); err != nil {
			return err
		}
		if r.live != nil {
			r.closers = append(r.closers, r.live.discard)
			writers = append(slices.Clip(writers), r.live)
		}
	}
	if len(writers) > 0 {
		r.fan = NewFanOut(writers, 32)
	}
	var consumer sync.WaitGroup
	consumer.Add(1)
	go func() {
		defer consumer.Done()
		r.consume()
	}()
	var producers sync.WaitGroup
	if plan.replay != nil || len(plan.entries) > 0 {
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
// replay (from --from files through an in-memory index, or from the
// dataset's archive through its persistent index).
type plan struct {
	total   int
	fetch   []string
	replay  *Index           // --from
	archive *archive.Archive // where entries are read from
	entries []archive.Entry  // archived calls to replay
	want    map[string]bool  // replay filter; nil = everything
	missing []string         // replay mode: requested ids not in the saved calls
}

func (r *run) plan() (*plan, error) {
	p := &plan{}
	if r.ReplayFrom != "" {
		recs, done, err := ListRecords(r.stop, r.ReplayFrom, r.OpenStore)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", r.ReplayFrom, err)
		}
		r.closers = append(r.closers, done)
		if len(recs.Files) == 0 {
			return nil, fmt.Errorf("read %s: no saved calls (*.json, *.jsonl, *.jsonl.gz) there", r.ReplayFrom)
		}
		if a, es, ok := indexedArchive(r.stop, r.ReplayFrom, recs); ok {
			return r.planIndexed(p, a, es)
		}
		if r.stop.Err() != nil { // stopped while reading the index
			return nil, ErrInterrupted
		}
		ix, err := BuildIndex(recs, r.badRecord)
		if err != nil {
			return nil, err
		}
		return r.planReplay(p, ix)
	}
	p.total = len(r.IDs)
	var known map[string]archive.Entry
	if r.Dataset != nil {
		var err error
		if known, err = r.Dataset.Archive.Lookup(r.stop, r.IDs); err != nil {
			return nil, err
		}
	}
	r.refetch = map[string]bool{}
	for _, id := range r.IDs {
		e, ok := known[id]
		switch {
		case ok && !r.Refetch && e.Settled:
			p.entries = append(p.entries, e)
			r.counts.skipped++
		case ok:
			r.refetch[id] = true
			p.fetch = append(p.fetch, id)
		default:
			p.fetch = append(p.fetch, id)
		}
	}
	if r.Dataset != nil {
		p.archive = r.Dataset.Archive
	}
	if len(p.entries) > 0 && len(r.Writers) == 0 { // nothing to write: archived calls only count
		r.stats.FromArchive.Add(int64(len(p.entries)))
		r.stats.Done.Add(int64(len(p.entries)))
		p.entries = nil
	}
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
	r.reportMissing(p)
	return p, nil
}

// reportMissing records the requested ids that are not in the saved calls.
func (r *run) reportMissing(p *plan) {
	for _, id := range p.missing {
		r.failures = append(r.failures, Failure{CallID: id, Kind: KindNotFound, Message: "not in " + r.ReplayFrom})
		r.stats.Failed.Add(1)
		r.stats.Done.Add(1)
	}
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

// replay feeds saved calls to the consumer goroutine, decoded on every core
// and in the order they were saved.
func (r *run) replay(p *plan) {
	bad := func(where string, err error) {
		// A saved call that does not decode: it counts as handled, and
		// goes through the consumer goroutine like every other outcome.
		r.Warn(fmt.Sprintf("skipping saved record %s: %v", where, err))
		r.stats.BadRecords.Add(1)
		r.results <- item{fail: &Failure{Kind: KindBadRecord, Message: fmt.Sprintf("%s: %v", where, err)}}
	}
	emit := func(c *Call) error {
		if r.stop.Err() != nil {
			return errStopped
		}
		r.results <- item{call: c, archived: true}
		return nil
	}
	produce := func(send func([]byte, string) error) error {
		if p.replay != nil {
			var want func(string) bool
			if p.want != nil {
				want = func(id string) bool { return p.want[id] }
			}
			return p.replay.Replay(want, send)
		}
		return p.archive.Read(r.stop, p.entries, func(e archive.Entry, body []byte) error {
			return send(body, fmt.Sprintf("%s@%d", e.Seg, e.Off))
		})
	}
	err := decodeOrdered(r.stop, produce, emit, bad)
	if err != nil && !errors.Is(err, errStopped) && r.stop.Err() == nil {
		r.fail(fmt.Errorf("replay: %w", err))
	}
}

// fetch runs the worker pool over ids. pond task groups are fail-fast and
// keep one result per task, so tasks are submitted to the pool directly:
// per-call failures travel to the consumer goroutine as items, fatal ones
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
		it := item{call: call}
		if r.archive != nil { // compressed here, on every core
			it.member = r.archive.Compress(call.Raw)
		}
		r.results <- it
	case errors.As(err, &ae):
		r.fail(err)
	case errors.As(err, &fe):
		r.results <- item{fail: &Failure{CallID: id, Kind: fe.Kind, Status: fe.Status, Message: fe.Err.Error(), Attempts: attempts}}
	}
	// Anything else is the run stopping: the id stays pending for a re-run.
}

// DefaultRotation bounds what a crash can lose on object storage, where
// a segment is uploaded whole when it closes: at most 1,000 calls or one
// minute of fetching (the next run fetches them again).
var DefaultRotation = archive.WriterOptions{RotateRecords: 1000, RotateAfter: time.Minute}

// consume is the only goroutine that touches the archive and the writers.
// The archive comes first: a call is durable before any writer sees it,
// and after a writer fails calls still in flight are archived, so a re-run
// does not fetch them again.
func (r *run) consume() {
	archiveOK := true
	for it := range r.results {
		switch {
		case it.fail != nil:
			if r.fatal() == nil {
				r.failures = append(r.failures, *it.fail)
				r.stats.Failed.Add(1)
			}
		case it.call != nil && !it.archived:
			r.mu.Lock()
			r.fetchEnd = time.Now()
			r.mu.Unlock()
			if archiveOK && r.archive != nil {
				e, err := r.archive.AppendMember(it.member, callMeta(it.call))
				if err != nil {
					archiveOK = false
					r.fail(err)
					continue
				}
				r.archived = append(r.archived, e)
			}
			r.stats.Fetched.Add(1)
			if r.refetch[it.call.CallID] {
				r.counts.refetched++
			}
			fallthrough
		case it.call != nil:
			if r.fatal() != nil {
				continue // archived; the writers have stopped
			}
			if it.archived {
				r.stats.FromArchive.Add(1)
			}
			if err := r.write(it.call); err != nil {
				r.fail(err)
				continue
			}
		}
		if r.fatal() == nil {
			r.stats.Done.Add(1)
			r.Progress.Update(r.stats)
		}
	}
}

// write hands a call to the writers, each of which runs on its own
// goroutine behind its own queue (FanOut): a slow writer does not hold the
// archive or the others back. A writer that panics fails the run with a
// message instead of crashing it, so the archive, run.json and the
// clean-up of temporary files still happen.
func (r *run) write(c *Call) error {
	for _, w := range c.Warnings {
		r.Warn(fmt.Sprintf("call %s: %s (kept; see the raw archive)", c.CallID, w))
	}
	if r.fan == nil {
		return nil
	}
	return r.fan.Write(c)
}

package pipeline

import (
	"context"
	"sync"
	"time"

	"github.com/retell-export/retell-export/export"
	"github.com/retell-export/retell-export/export/archive"
	"github.com/retell-export/retell-export/export/dataset"
)

// runCounts reconcile a dataset run (run.json and the final line).
type runCounts struct {
	skipped   int64 // archived and settled: not fetched
	refetched int64 // archived, not settled: fetched again
	unchanged int64 // of refetched: identical to the archived version
}

// run is the state of one Job.Run. Its two contexts are passed to the
// methods that need them, never kept here: stop ends scheduling (Ctrl-C,
// a fatal error), req bounds the requests in flight, which an interrupt
// lets finish for the job's Grace.
type run struct {
	*Job
	cancelStop           context.CancelCauseFunc
	cancelReq            context.CancelCauseFunc
	fatalOnce            sync.Once
	fatalErr             error
	results              chan item
	stats                *Stats
	failures             []export.Failure
	archive              *archive.Writer
	archived             []archive.Entry          // what this run archived, for the state
	refetch              map[string]archive.Entry // archived ids fetched again, with their archived version
	closers              []func()                 // run at the end
	fan                  *FanOut                  // the writers, each on its own goroutine
	counts               runCounts
	view                 *dataset.ViewResult
	fetchStart, fetchEnd time.Time
	mu                   sync.Mutex // guards fatalErr, fetchStart and fetchEnd
}

// Run executes the job. It returns the report and: nil (the report may
// still list failed calls), ErrInterrupted, a *retell.AuthError, or
// another fatal error (a full disk, an unreadable archive). Every
// goroutine it starts has ended when it returns.
func (j *Job) Run(ctx context.Context) (*Report, error) {
	if j.Progress == nil {
		j.Progress = NopProgress{}
	}
	if j.Warn == nil {
		j.Warn = func(string) {}
	}
	r := &run{Job: j, stats: &Stats{Started: time.Now()}, results: make(chan item, 2*max(j.Concurrency, 1))}
	if j.Client != nil {
		r.stats.Throttled = func() int64 { return j.Client.Estimates().Throttled }
	}
	stop, cancelStop := context.WithCancelCause(ctx)
	req, cancelReq := context.WithCancelCause(context.Background())
	r.cancelStop, r.cancelReq = cancelStop, cancelReq
	var watchers sync.WaitGroup
	defer watchers.Wait()
	defer cancelReq(nil)
	defer cancelStop(nil)
	watchers.Go(func() { r.graceTimer(stop, req) })
	if j.Dataset != nil {
		watchers.Go(func() { r.watchLock(stop) })
	}
	started := time.Now()
	r.failures = append(r.failures, j.Invalid...)
	defer func() {
		for _, c := range r.closers {
			c()
		}
	}()
	err := r.execute(stop, req)
	return r.finish(stop, started, err)
}

// graceTimer lets in-flight requests finish for Grace after an interrupt,
// and ends them at once after a fatal error.
func (r *run) graceTimer(stop, req context.Context) {
	<-stop.Done()
	if r.fatal() != nil {
		r.cancelReq(r.fatal())
		return
	}
	t := time.NewTimer(r.Grace)
	defer t.Stop()
	select {
	case <-t.C:
		r.cancelReq(ErrInterrupted)
	case <-req.Done():
	}
}

// watchLock stops the run if its lease-based lock could not be renewed.
func (r *run) watchLock(stop context.Context) {
	select {
	case <-r.Dataset.Lost():
		r.fail(dataset.ErrLockLost)
	case <-stop.Done():
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

func (r *run) execute(stop, req context.Context) error {
	plan, err := r.plan(stop)
	if err != nil {
		return err
	}
	r.stats.Total.Store(int64(plan.total))
	r.Progress.Start(r.stats)
	defer r.Progress.Finish(r.stats)

	if len(plan.fetch) > 0 && r.Dataset != nil {
		rot := r.Rotation
		if rot == (archive.WriterOptions{}) {
			rot = DefaultRotation()
		}
		// What was fetched is kept through an interrupt: the segments
		// still to upload must not see the stop (a cancelled upload into
		// a bucket is discarded, and its calls fetched again next run).
		r.archive = r.Dataset.Archive.NewWriter(context.WithoutCancel(stop), rot)
	}
	if len(r.Writers) > 0 {
		r.fan = NewFanOut(r.Writers, 32)
	}
	var consumer, producers sync.WaitGroup
	consumer.Go(r.consume)
	if plan.replay != nil || len(plan.entries) > 0 {
		producers.Go(func() { r.replay(stop, plan) })
	}
	r.fetch(stop, req, plan.fetch)
	producers.Wait()
	close(r.results)
	consumer.Wait()
	return nil
}

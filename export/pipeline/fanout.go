package pipeline

import (
	"errors"
	"fmt"
	"runtime/debug"
	"sync/atomic"

	"github.com/retell-export/retell-export/export"
	"github.com/retell-export/retell-export/export/ordered"
)

// FanOut is a Writer that hands every call to several writers at once.
// Each writer is driven by its own goroutine, the only one that ever calls
// its Write, Close or Abort (so writers still need no locks), fed by its
// own queue of at most depth calls: a slow writer delays the others only
// once its queue is full, and never serialises the pipeline behind it.
// Writers share each *Call and must only read it.
//
// The first error any writer returns (or a panic in it, as a *PanicError)
// is sticky: later Writes return it at once, that writer sees no more
// calls, and Close aborts every writer instead of committing any, as a
// failed run always has. Errors arrive asynchronously: a Write that
// returns nil may have queued a call that later fails; Close reports it.
//
// Write, Close and Abort are for one goroutine (the pipeline's consumer),
// like any Writer. After Close or Abort returns, the writers belong to the
// caller again (for Reporter.Report).
type FanOut struct {
	lanes []*lane
	err   atomic.Pointer[error] // the first error of any writer
	done  bool
}

var (
	_ export.Writer  = (*FanOut)(nil)
	_ export.Aborter = (*FanOut)(nil)
)

// A lane is one writer, its queue and its goroutine.
type lane struct {
	w       export.Writer
	queue   chan *export.Call
	drop    atomic.Bool   // discard queued calls: the run failed or is aborted
	drained chan struct{} // closed when the queue is empty and closed
	commit  chan bool     // Close's verdict: true to Close, false to Abort
	end     error         // what Close or Abort returned
	ended   chan struct{} // closed after end is set
}

// NewFanOut starts one goroutine per writer, each behind a queue of depth
// calls (at least 1). The caller must end it with Close or Abort.
func NewFanOut(ws []export.Writer, depth int) *FanOut {
	f := &FanOut{}
	for _, w := range ws {
		l := &lane{w: w, queue: make(chan *export.Call, max(depth, 1)), drained: make(chan struct{}),
			commit: make(chan bool, 1), ended: make(chan struct{})}
		f.lanes = append(f.lanes, l)
		go l.run(f)
	}
	return f
}

// Write queues c for every writer, waiting while a queue is full. It
// returns the first error any writer has reported so far.
func (f *FanOut) Write(c *export.Call) error {
	if f.done {
		return errors.New("fan-out: write after close")
	}
	if err := f.Err(); err != nil {
		return err
	}
	for _, l := range f.lanes {
		l.queue <- c // a failed lane keeps emptying its queue, so this never blocks for good
	}
	return nil
}

// Err returns the first error any writer has reported, or nil.
func (f *FanOut) Err() error {
	if p := f.err.Load(); p != nil {
		return *p
	}
	return nil
}

func (f *FanOut) fail(err error) {
	if f.err.CompareAndSwap(nil, &err) {
		for _, l := range f.lanes {
			l.drop.Store(true)
		}
	}
}

// Close waits until every writer has written every queued call, then
// closes them in order, each from its own goroutine, and returns their
// errors joined. If any writer failed, it aborts them all instead and returns the
// first failure (with any errors of the aborts).
func (f *FanOut) Close() error { return f.end(true) }

// Abort discards the queued calls and aborts every writer (see Abort).
func (f *FanOut) Abort() error {
	f.fail(errAborted)
	return f.end(false)
}

var errAborted = errors.New("fan-out: aborted")

func (f *FanOut) end(commit bool) error {
	if f.done {
		return errors.New("fan-out: already closed")
	}
	f.done = true
	for _, l := range f.lanes {
		close(l.queue)
	}
	for _, l := range f.lanes {
		<-l.drained
	}
	first := f.Err()
	commit = commit && first == nil
	errs := []error{}
	if first != nil && first != errAborted {
		errs = append(errs, first)
	}
	// One writer after the other, in order: a writer may use at its Close
	// what an earlier one finished at its own (the workbook draws the
	// analytics' Summary).
	for _, l := range f.lanes {
		l.commit <- commit
		<-l.ended
		errs = append(errs, l.end)
	}
	return errors.Join(errs...)
}

func (l *lane) run(f *FanOut) {
	for c := range l.queue {
		if l.drop.Load() {
			continue
		}
		if err := guard(func() error { return l.w.Write(c) }); err != nil {
			f.fail(fmt.Errorf("write call %s: %w", c.CallID, err))
		}
	}
	close(l.drained)
	if <-l.commit {
		l.end = guard(l.w.Close)
	} else {
		l.end = guard(func() error { return export.Abort(l.w) })
	}
	close(l.ended)
}

// guard runs fn, turning a panic into a *PanicError.
func guard(fn func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &ordered.PanicError{Value: p, Stack: debug.Stack()}
		}
	}()
	return fn()
}

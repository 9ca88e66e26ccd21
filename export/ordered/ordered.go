// Package ordered is a generic parallel map that keeps its inputs' order
// with a bounded window: decoding and row building use every core while
// the writers still see calls in order. It is the standard library only.
package ordered

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
)

// Result is one output of OrderedMap: what f returned for one input.
type Result[Out any] struct {
	Value Out
	Err   error
}

// PanicError is a panic in a stage's function, recovered so that it fails
// one item (or one writer) instead of the whole process.
type PanicError struct {
	Value any    // what was passed to panic
	Stack []byte // the panicking goroutine's stack
}

func (e *PanicError) Error() string { return fmt.Sprintf("panic: %v", e.Value) }

// OrderedMap applies f to every value received from in on workers
// goroutines and sends the results on the returned channel in the order the
// inputs arrived: decoding and row building use every core, and the
// writers still see calls in order.
//
// At most window inputs are in flight, counted from the moment one is
// received from in until its result is received from the returned channel,
// so memory stays bounded however fast in is and however slow the reader
// is. window is raised to workers if it is smaller; workers <= 0 means
// GOMAXPROCS. An error or a panic in f (as a *PanicError) becomes that
// item's Result.Err, and the stage goes on.
//
// The returned channel is closed once in is closed and every result has
// been sent, or once ctx is done; in both cases only after every worker has
// returned, so no f is still running when it closes. After ctx is done no
// more results are sent and in is no longer read: a producer must select on
// ctx.Done too, and the reader must keep reading until the channel closes or
// ctx is cancelled.
func OrderedMap[In, Out any](ctx context.Context, in <-chan In, workers, window int, f func(In) (Out, error)) <-chan Result[Out] {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	window = max(window, workers)
	type job struct {
		v    In
		slot chan Result[Out] // buffered: a worker never waits on the reader
	}
	var (
		out     = make(chan Result[Out])
		jobs    = make(chan job)
		pending = make(chan chan Result[Out], window) // slots in input order
		tokens  = make(chan struct{}, window)         // one per item in flight
		wg      sync.WaitGroup
	)
	go func() { // dispatcher: the only reader of in
		defer close(pending)
		defer close(jobs)
		for {
			select {
			case tokens <- struct{}{}:
			case <-ctx.Done():
				return
			}
			var v In
			var ok bool
			select {
			case v, ok = <-in:
			case <-ctx.Done():
				return
			}
			if !ok {
				return
			}
			slot := make(chan Result[Out], 1)
			pending <- slot // never blocks: pending holds at most window slots, as tokens does
			select {
			case jobs <- job{v, slot}:
			case <-ctx.Done():
				return
			}
		}
	}()
	wg.Add(workers)
	for range workers {
		go func() {
			defer wg.Done()
			for j := range jobs {
				j.slot <- call(f, j.v)
			}
		}()
	}
	go func() { // emitter: the only writer of out
		defer close(out)
		defer wg.Wait()
		for slot := range pending {
			var r Result[Out]
			select {
			case r = <-slot:
			case <-ctx.Done():
				return
			}
			select {
			case out <- r:
				<-tokens
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

// call runs f, turning a panic into a *PanicError.
func call[In, Out any](f func(In) (Out, error), v In) (r Result[Out]) {
	defer func() {
		if p := recover(); p != nil {
			r = Result[Out]{Err: &PanicError{Value: p, Stack: debug.Stack()}}
		}
	}()
	r.Value, r.Err = f(v)
	return r
}

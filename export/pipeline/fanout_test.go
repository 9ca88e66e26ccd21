package pipeline

import (
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/retell-export/retell-export/export"
	"github.com/retell-export/retell-export/export/ordered"
)

// recWriter records what it was asked to do. busy catches two goroutines
// inside it at once (the race detector catches the rest).
type recWriter struct {
	name      string
	ids       []string
	closed    int
	aborted   int
	busy      atomic.Bool
	gate      chan struct{} // if set, each Write waits for a value
	failAt    int           // if > 0, the failAt-th Write fails
	panicAt   int           // if > 0, the panicAt-th Write panics
	closeErr  error
	abortable bool
}

func (w *recWriter) enter() {
	if !w.busy.CompareAndSwap(false, true) {
		panic(w.name + ": driven by two goroutines at once")
	}
}

func (w *recWriter) Write(c *export.Call) error {
	w.enter()
	defer w.busy.Store(false)
	if w.gate != nil {
		<-w.gate
	}
	w.ids = append(w.ids, c.CallID)
	switch len(w.ids) {
	case w.failAt:
		return errors.New(w.name + " disk full")
	case w.panicAt:
		panic(w.name + " bug")
	}
	return nil
}

func (w *recWriter) Close() error {
	w.enter()
	defer w.busy.Store(false)
	w.closed++
	return w.closeErr
}

// abortWriter is a recWriter that can discard its output.
type abortWriter struct{ *recWriter }

func (w abortWriter) Abort() error {
	w.enter()
	defer w.busy.Store(false)
	w.aborted++
	return nil
}

func calls(n int) []*export.Call {
	cs := make([]*export.Call, n)
	for i := range cs {
		cs[i] = &export.Call{CallID: fmt.Sprintf("call_%d", i)}
	}
	return cs
}

func TestFanOutDeliversInOrderAndCloses(t *testing.T) {
	a, b, c := &recWriter{name: "a"}, &recWriter{name: "b"}, &recWriter{name: "c"}
	f := NewFanOut([]export.Writer{a, abortWriter{b}, c}, 4)
	cs := calls(1000)
	for _, call := range cs {
		if err := f.Write(call); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	for _, w := range []*recWriter{a, b, c} {
		if len(w.ids) != len(cs) || w.closed != 1 || w.aborted != 0 {
			t.Fatalf("%s: %d calls, closed %d, aborted %d", w.name, len(w.ids), w.closed, w.aborted)
		}
		for i, id := range w.ids {
			if id != cs[i].CallID {
				t.Fatalf("%s: call %d is %s", w.name, i, id)
			}
		}
	}
	if err := f.Write(cs[0]); err == nil {
		t.Error("Write after Close succeeded")
	}
	if err := f.Close(); err == nil {
		t.Error("second Close succeeded")
	}
}

// A writer that is stuck holds the others back only once its own queue is
// full, and the fan-out holds at most depth calls for it.
func TestFanOutSlowWriterHasItsOwnQueue(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const depth = 3
		slow := &recWriter{name: "slow", gate: make(chan struct{})}
		fast := &recWriter{name: "fast"}
		f := NewFanOut([]export.Writer{slow, fast}, depth)
		cs := calls(10)
		var written atomic.Int64
		go func() {
			for _, c := range cs {
				if err := f.Write(c); err != nil {
					panic(err)
				}
				written.Add(1)
			}
		}()
		synctest.Wait()
		// slow holds one call in Write and depth in its queue; the next Write waits.
		if got := written.Load(); got != depth+1 {
			t.Fatalf("%d writes returned while a writer is stuck, want %d", got, depth+1)
		}
		if len(fast.ids) != depth+1 {
			t.Fatalf("fast writer got %d calls, want %d: it waited for the slow one", len(fast.ids), depth+1)
		}
		for range cs {
			slow.gate <- struct{}{}
		}
		synctest.Wait()
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		if len(slow.ids) != 10 || len(fast.ids) != 10 {
			t.Fatalf("slow %d, fast %d calls", len(slow.ids), len(fast.ids))
		}
	})
}

// One failing writer stops the run: its error comes back from later Writes
// and from Close, which aborts every writer rather than commit any.
func TestFanOutFirstErrorAbortsAll(t *testing.T) {
	for _, tc := range []struct {
		name string
		bad  *recWriter
		want string
	}{
		{"error", &recWriter{name: "b", failAt: 3}, "write call call_2: b disk full"},
		{"panic", &recWriter{name: "b", panicAt: 3}, "write call call_2: panic: b bug"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				a, c := &recWriter{name: "a"}, &recWriter{name: "c"}
				f := NewFanOut([]export.Writer{abortWriter{a}, abortWriter{tc.bad}, c}, 2)
				cs := calls(10)
				for _, call := range cs[:5] {
					_ = f.Write(call) // may or may not see the error yet
				}
				synctest.Wait()
				if err := f.Write(cs[5]); err == nil || err.Error() != tc.want {
					t.Fatalf("Write after the failure = %v, want %q", err, tc.want)
				}
				err := f.Close()
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("Close = %v, want %q", err, tc.want)
				}
				var pe *ordered.PanicError
				if tc.bad.panicAt > 0 && !errors.As(err, &pe) {
					t.Errorf("panic not reported as a *PanicError: %v", err)
				}
				for _, w := range []*recWriter{a, tc.bad} {
					if w.closed != 0 || w.aborted != 1 {
						t.Errorf("%s: closed %d, aborted %d; want aborted once", w.name, w.closed, w.aborted)
					}
				}
				if c.closed != 1 { // a writer that cannot abort is closed, as Abort does
					t.Errorf("c: closed %d", c.closed)
				}
				if len(tc.bad.ids) != 3 {
					t.Errorf("failed writer saw %d calls after failing", len(tc.bad.ids)-3)
				}
			})
		})
	}
}

func TestFanOutAbortDropsQueuedCalls(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		slow := &recWriter{name: "slow", gate: make(chan struct{})}
		fast := &recWriter{name: "fast"}
		f := NewFanOut([]export.Writer{abortWriter{slow}, abortWriter{fast}}, 8)
		for _, c := range calls(6) {
			if err := f.Write(c); err != nil {
				t.Fatal(err)
			}
		}
		synctest.Wait()
		go func() { slow.gate <- struct{}{} }() // let the call inside Write finish
		if err := f.Abort(); err != nil {
			t.Fatalf("Abort = %v", err)
		}
		if len(slow.ids) != 1 || slow.aborted != 1 || slow.closed != 0 {
			t.Fatalf("slow: %d calls written, aborted %d, closed %d", len(slow.ids), slow.aborted, slow.closed)
		}
		if fast.aborted != 1 || fast.closed != 0 {
			t.Fatalf("fast: aborted %d, closed %d", fast.aborted, fast.closed)
		}
	})
}

func TestFanOutJoinsCloseErrors(t *testing.T) {
	e1, e2 := errors.New("rename a"), errors.New("rename c")
	a, b, c := &recWriter{name: "a", closeErr: e1}, &recWriter{name: "b"}, &recWriter{name: "c", closeErr: e2}
	f := NewFanOut([]export.Writer{a, b, c}, 1)
	for _, call := range calls(3) {
		if err := f.Write(call); err != nil {
			t.Fatal(err)
		}
	}
	err := f.Close()
	if !errors.Is(err, e1) || !errors.Is(err, e2) {
		t.Fatalf("Close = %v, want both close errors", err)
	}
	if b.closed != 1 {
		t.Fatal("a failing Close kept another writer from closing")
	}
}

func TestFanOutNoWriters(t *testing.T) {
	f := NewFanOut(nil, 4)
	if err := f.Write(&export.Call{CallID: "x"}); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

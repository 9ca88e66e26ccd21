package ordered

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// feed sends 0..n-1 on a new channel, stopping early when ctx is done, and
// counts what it sent.
func feed(ctx context.Context, n int, sent *atomic.Int64) <-chan int {
	in := make(chan int)
	go func() {
		defer close(in)
		for i := range n {
			select {
			case in <- i:
				sent.Add(1)
			case <-ctx.Done():
				return
			}
		}
	}()
	return in
}

func TestOrderedMapKeepsOrder(t *testing.T) {
	for _, tc := range []struct{ n, workers, window int }{
		{0, 2, 4}, {1, 1, 1}, {100, 1, 1}, {500, 4, 8}, {500, 8, 3}, {200, 0, 0},
	} {
		t.Run(fmt.Sprintf("n=%d,workers=%d,window=%d", tc.n, tc.workers, tc.window), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var sent atomic.Int64
				rng := rand.New(rand.NewPCG(1, uint64(tc.n)))
				delays := make([]time.Duration, tc.n)
				for i := range delays {
					delays[i] = time.Duration(rng.IntN(1000)) * time.Microsecond
				}
				out := OrderedMap(t.Context(), feed(t.Context(), tc.n, &sent), tc.workers, tc.window, func(i int) (string, error) {
					time.Sleep(delays[i]) // fake time: finishes out of order, instantly
					return fmt.Sprint(i), nil
				})
				next := 0
				for r := range out {
					if r.Err != nil || r.Value != fmt.Sprint(next) {
						t.Fatalf("result %d = %q, %v", next, r.Value, r.Err)
					}
					next++
				}
				if next != tc.n {
					t.Fatalf("got %d results, want %d", next, tc.n)
				}
			})
		})
	}
}

// The stage reads window inputs ahead of its reader and no more.
func TestOrderedMapBounded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const window = 5
		var sent atomic.Int64
		out := OrderedMap(t.Context(), feed(t.Context(), 100, &sent), 2, window, func(i int) (int, error) { return i, nil })
		synctest.Wait() // everyone blocked: the reader has not read yet
		if got := sent.Load(); got != window {
			t.Fatalf("%d inputs taken with no result read, want %d", got, window)
		}
		for want := range 10 {
			if r := <-out; r.Value != want {
				t.Fatalf("result %d = %d", want, r.Value)
			}
			synctest.Wait()
			if got, max := sent.Load(), int64(window+want+1); got != max {
				t.Fatalf("after %d results read, %d inputs taken, want %d", want+1, got, max)
			}
		}
		for range out {
		}
	})
}

func TestOrderedMapErrorsAndPanics(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var sent atomic.Int64
		bad := errors.New("bad record")
		out := OrderedMap(t.Context(), feed(t.Context(), 30, &sent), 3, 6, func(i int) (int, error) {
			switch i % 10 {
			case 3:
				return 0, bad
			case 7:
				panic(fmt.Sprintf("boom %d", i))
			}
			return i * 2, nil
		})
		i := 0
		for r := range out {
			var pe *PanicError
			switch i % 10 {
			case 3:
				if !errors.Is(r.Err, bad) {
					t.Errorf("result %d: err = %v, want %v", i, r.Err, bad)
				}
			case 7:
				if !errors.As(r.Err, &pe) || pe.Value != fmt.Sprintf("boom %d", i) || !strings.Contains(string(pe.Stack), "ordered_test.go") {
					t.Errorf("result %d: err = %v, want the panic with its stack", i, r.Err)
				}
			default:
				if r.Err != nil || r.Value != i*2 {
					t.Errorf("result %d = %d, %v", i, r.Value, r.Err)
				}
			}
			i++
		}
		if i != 30 {
			t.Fatalf("%d results, want 30: an error must not stop the stage", i)
		}
	})
}

// Cancelling stops the stage: the output closes without the reader
// draining it, only once every f has returned, and no goroutine is left
// (synctest.Test fails on a goroutine still blocked at the end).
func TestOrderedMapCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		var sent atomic.Int64
		release := make(chan struct{})
		var running atomic.Int64
		out := OrderedMap(ctx, feed(ctx, 1000, &sent), 2, 4, func(i int) (int, error) {
			if i >= 3 {
				running.Add(1)
				<-release // stuck in f when the run is cancelled
				running.Add(-1)
			}
			return i, nil
		})
		for want := range 3 {
			if r := <-out; r.Value != want {
				t.Fatalf("result %d = %d", want, r.Value)
			}
		}
		synctest.Wait()
		if running.Load() != 2 {
			t.Fatalf("%d workers in f, want 2", running.Load())
		}
		cancel()
		synctest.Wait()
		select {
		case r, ok := <-out:
			t.Fatalf("output open (%v, %v) while f still runs", r, ok)
		default:
		}
		close(release)
		for r := range out {
			t.Fatalf("result %v sent after cancel", r)
		}
		if running.Load() != 0 {
			t.Fatal("output closed while f was running")
		}
	})
}

// A reader that stops reading and cancels does not strand the stage.
func TestOrderedMapReaderGoesAway(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		var sent atomic.Int64
		out := OrderedMap(ctx, feed(ctx, 1000, &sent), 4, 16, func(i int) (int, error) { return i, nil })
		<-out
		synctest.Wait()
		cancel()
		synctest.Wait()
		for range out {
		}
	})
}

package pacing

import (
	"context"
	"testing"
	"time"
)

// The deciding is tested in export/pacing on a fake clock; these tests
// check that the runtime wrapper obeys the decisions.

func TestPacerPausesEveryWorker(t *testing.T) {
	p := NewPacer(1000, 1, 0)
	tk, err := p.Wait(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// The server says its quota is spent for 300 ms.
	p.Done(tk, Reply{Outcome: Throttled, Quota: &Quota{Remaining: 0, Reset: 300 * time.Millisecond}})
	start := time.Now()
	done := make(chan time.Duration, 4)
	for range 4 {
		go func() {
			tk, err := p.Wait(context.Background())
			if err != nil {
				t.Error(err)
			}
			done <- time.Since(start)
			p.Done(tk, Reply{})
		}()
	}
	for range 4 {
		if d := <-done; d < 290*time.Millisecond {
			t.Errorf("a worker went after %v, during the pause", d)
		}
	}
}

func TestPacerRate(t *testing.T) {
	p := NewPacer(100, 1, 0) // 98/s
	start := time.Now()
	for range 20 {
		tk, err := p.Wait(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		p.Done(tk, Reply{})
	}
	// Sleeping can only make it slower, so this lower bound holds on a
	// loaded machine.
	if d, min := time.Since(start), 19*time.Second/98; d < min {
		t.Errorf("20 requests at 98/s took %v, want at least %v", d, min)
	}
}

func TestPacerContext(t *testing.T) {
	p := NewPacer(10, 1, 0)
	tk, err := p.Wait(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	p.Done(tk, Reply{Outcome: Throttled, RetryAfter: time.Hour})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := p.Wait(ctx); err != context.DeadlineExceeded {
		t.Errorf("Wait during a pause with a short context = %v", err)
	}
}

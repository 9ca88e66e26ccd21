package export

import (
	"context"
	"testing"
	"time"
)

func TestPacerPausesEveryWorker(t *testing.T) {
	p := NewPacer(1000, 1)
	p.Throttled(300*time.Millisecond, time.Second)
	start := time.Now()
	done := make(chan time.Duration, 4)
	for range 4 {
		go func() {
			if err := p.Wait(context.Background()); err != nil {
				t.Error(err)
			}
			done <- time.Since(start)
		}()
	}
	for range 4 {
		if d := <-done; d < 290*time.Millisecond {
			t.Errorf("a worker went after %v, during the Retry-After pause", d)
		}
	}
}

func TestPacerCutsAndRecovers(t *testing.T) {
	p := NewPacer(100, 1)
	// No successes seen: no estimate of the server's limit, so halve.
	p.Throttled(time.Millisecond, time.Millisecond)
	if r := p.Rate(); r != 49 {
		t.Errorf("rate after 429 without estimate = %v, want 49 (half of 98)", r)
	}
	p.Throttled(time.Millisecond, time.Millisecond) // same burst: no second cut
	if r := p.Rate(); r != 49 {
		t.Errorf("second 429 within a second cut again: %v", r)
	}
	// Recovery grows 5% per second up to 98% of the estimate (98 here).
	p.mu.Lock()
	p.lastGrow = time.Now().Add(-2 * time.Second)
	p.mu.Unlock()
	p.OK()
	if r := p.Rate(); r < 51 || r > 52 {
		t.Errorf("rate after a second of success = %v, want 49*1.05", r)
	}
}

func TestPacerFloor(t *testing.T) {
	p := NewPacer(2, 1)
	for range 10 {
		p.mu.Lock()
		p.lastCut = time.Time{}
		p.mu.Unlock()
		p.Throttled(time.Millisecond, time.Millisecond)
	}
	if r := p.Rate(); r < 0.5 {
		t.Errorf("rate fell to %v, below the floor", r)
	}
}

func TestPacerContext(t *testing.T) {
	p := NewPacer(1, 1)
	p.Throttled(time.Hour, time.Hour)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := p.Wait(ctx); err != context.DeadlineExceeded {
		t.Errorf("Wait during a pause with a short context = %v", err)
	}
}

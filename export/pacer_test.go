package export

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/retell-export/retell-export/export/fakeapi"
	"github.com/retell-export/retell-export/export/pacing"
)

// The deciding is tested in export/pacing on a fake clock; these tests
// check that the runtime wrapper obeys the decisions.

func TestPacerPausesEveryWorker(t *testing.T) {
	p := NewPacer(1000, 1)
	tk, err := p.Wait(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// The server says its quota is spent for 300 ms.
	p.Done(tk, pacing.Reply{Outcome: pacing.Throttled, Quota: &pacing.Quota{Remaining: 0, Reset: 300 * time.Millisecond}})
	start := time.Now()
	done := make(chan time.Duration, 4)
	for range 4 {
		go func() {
			tk, err := p.Wait(context.Background())
			if err != nil {
				t.Error(err)
			}
			done <- time.Since(start)
			p.Done(tk, pacing.Reply{})
		}()
	}
	for range 4 {
		if d := <-done; d < 290*time.Millisecond {
			t.Errorf("a worker went after %v, during the pause", d)
		}
	}
}

func TestPacerRate(t *testing.T) {
	p := NewPacer(100, 1) // 98/s
	start := time.Now()
	for range 20 {
		tk, err := p.Wait(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		p.Done(tk, pacing.Reply{})
	}
	// Sleeping can only make it slower, so this lower bound holds on a
	// loaded machine.
	if d, min := time.Since(start), 19*time.Second/98; d < min {
		t.Errorf("20 requests at 98/s took %v, want at least %v", d, min)
	}
}

func TestPacerContext(t *testing.T) {
	p := NewPacer(10, 1)
	tk, err := p.Wait(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	p.Done(tk, pacing.Reply{Outcome: pacing.Throttled, RetryAfter: time.Hour})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := p.Wait(ctx); err != context.DeadlineExceeded {
		t.Errorf("Wait during a pause with a short context = %v", err)
	}
}

// A run against a limit it was not told reports what it found, in
// run.json's fetch section and on the summary line.
func TestRunReportsLimit(t *testing.T) {
	const n = 80
	srv := fakeapi.NewServer(fakeapi.Options{Latency: 20 * time.Millisecond, Shape: fakeapi.SlidingWindow(20, time.Second),
		RetryAfter: fakeapi.RetryAfterMillis, Synthetic: n, SyntheticTurns: 1})
	defer srv.Close()
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fakeapi.SyntheticID(i)
	}
	c, err := NewClient(ClientConfig{BaseURL: srv.URL, Key: srv.Key(), KeySource: "test", Pacer: NewPacer(80, 1), Concurrency: 8})
	if err != nil {
		t.Fatal(err)
	}
	job := &Job{IDs: ids, Client: c, Concurrency: 8, OutDir: t.TempDir()}
	rep, err := job.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	f := rep.Fetch
	if rep.Counts.Fetched != n || f.Throttled == 0 || f.LimitEstimate < 15 || f.LimitEstimate > 25 {
		t.Errorf("fetch report %+v (fetched %d), want every call and a limit estimate near 20/s", f, rep.Counts.Fetched)
	}
	if line := rep.SummaryLine(); !strings.Contains(line, fmt.Sprintf("limit ≈ %.0f/s", f.LimitEstimate)) {
		t.Errorf("summary line %q does not give the limit", line)
	}
}

func TestSummaryLineLimit(t *testing.T) {
	rep := &Report{Outcome: "ok", ElapsedSec: 2}
	rep.Fetch.LimitEstimate = 48.3
	if s := rep.SummaryLine(); strings.Contains(s, "limit") {
		t.Errorf("limit shown without any 429: %q", s)
	}
	rep.Fetch.Throttled, rep.Fetch.InFlightCap = 3, 8
	if s := rep.SummaryLine(); !strings.HasSuffix(s, ", limit ≈ 48/s or 8 in flight") {
		t.Errorf("summary line %q", s)
	}
	rep.Fetch.LimitEstimate = 0
	if s := rep.SummaryLine(); !strings.HasSuffix(s, ", limit ≈ 8 in flight") {
		t.Errorf("summary line %q", s)
	}
}

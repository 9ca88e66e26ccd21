package pipeline

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/retell-export/retell-export/export/fakeapi"
	"github.com/retell-export/retell-export/export/pacing"
	"github.com/retell-export/retell-export/export/retell"
)

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
	c, err := retell.NewClient(retell.ClientConfig{BaseURL: srv.URL, Key: srv.Key(), KeySource: "test", Pacer: pacing.NewPacer(80, 1, 8), Concurrency: 8})
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

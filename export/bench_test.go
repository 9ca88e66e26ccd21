package export_test

import (
	"context"
	"testing"
	"time"

	"github.com/retell-export/retell-export/export"
	"github.com/retell-export/retell-export/export/fakeapi"
)

// pacingRun fetches n synthetic calls from a fake API that accepts limit
// requests per sliding second, with a client paced at rps.
func pacingRun(b *testing.B, n, limit int, rps float64, mode fakeapi.RetryAfterMode) {
	srv := fakeapi.NewServer(fakeapi.Options{Latency: 50 * time.Millisecond, Limit: limit, RetryAfter: mode, Synthetic: n, SyntheticTurns: 2})
	defer srv.Close()
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fakeapi.SyntheticID(i)
	}
	client, err := export.NewClient(export.ClientConfig{BaseURL: srv.URL, Key: srv.Key(), KeySource: "test",
		Pacer: export.NewPacer(rps, 1), Retries: 4, Concurrency: 16})
	if err != nil {
		b.Fatal(err)
	}
	job := &export.Job{IDs: ids, Client: client, Concurrency: 16, OutDir: b.TempDir()}
	rep, err := job.Run(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(rep.Fetch.CallsPerSec, "calls/s")
	b.ReportMetric(rep.Fetch.CallsPerSec/float64(limit), "rate/limit")
	b.ReportMetric(float64(srv.Throttled()), "429s")
	b.ReportMetric(100*float64(srv.Throttled())/float64(srv.TotalRequests()), "%429")
	b.ReportMetric(float64(rep.Counts.Failed), "failed")
	b.ReportMetric(float64(srv.MaxPerWindow(time.Second)), "max/s")
}

// BenchmarkKnownLimit: the server allows 100 requests/s, the client is told
// --rps 100. Run with -benchtime 1x (about 30 s).
func BenchmarkKnownLimit(b *testing.B) {
	for range b.N {
		pacingRun(b, 3000, 100, 100, fakeapi.RetryAfterSeconds)
	}
}

// BenchmarkUnknownLimit: the server allows 50 requests/s, the client
// starts at --rps 200 and must find the limit from 429 answers.
func BenchmarkUnknownLimit(b *testing.B) {
	for _, m := range []struct {
		name string
		mode fakeapi.RetryAfterMode
	}{{"retry-after", fakeapi.RetryAfterSeconds}, {"retry-after-ms", fakeapi.RetryAfterMillis}, {"no-header", fakeapi.RetryAfterNone}} {
		b.Run(m.name, func(b *testing.B) {
			for range b.N {
				pacingRun(b, 3000, 50, 200, m.mode)
			}
		})
	}
}

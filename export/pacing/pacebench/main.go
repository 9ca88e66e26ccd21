// Command pacebench measures the pacer against every limit shape of the
// fake Retell API (export/fakeapi), with real HTTP on localhost, and prints
// the matrix docs/performance.md quotes:
//
//	go run ./export/pacing/pacebench                  # every shape, Retry-After in ms
//	go run ./export/pacing/pacebench -retry-after seconds -only 'bucket|fixed'
//
// Each run exports -calls synthetic calls with 16 workers through the real
// client and pipeline (archive only). The client is told 4× the limit. The
// figures: achieved ÷ allowed (calls fetched over what the limit allowed
// from the first to the last request), the share of requests answered 429,
// failed calls, and the seconds until the server first accepted 90% of its
// limit over a second. Timings depend on the machine's load.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"regexp"
	"time"

	"github.com/retell-export/retell-export/export/fakeapi"
	"github.com/retell-export/retell-export/export/pacing"
	"github.com/retell-export/retell-export/export/pipeline"
	"github.com/retell-export/retell-export/export/retell"
)

type shape struct {
	name    string
	limit   func() fakeapi.Limit
	latency time.Duration
	rps     float64
}

func shapes() []shape {
	const l = 50 * time.Millisecond
	return []shape{
		{"token bucket 50/s, burst 5", func() fakeapi.Limit { return fakeapi.TokenBucket(50, 5) }, l, 200},
		{"fixed window 50/s", func() fakeapi.Limit { return fakeapi.FixedWindow(50, time.Second) }, l, 200},
		{"sliding window 50/s", func() fakeapi.Limit { return fakeapi.SlidingWindow(50, time.Second) }, l, 200},
		{"8 in flight, 100 ms each (80/s)", func() fakeapi.Limit { return fakeapi.Concurrency(8, 100*time.Millisecond) }, 100 * time.Millisecond, 320},
		{"50 → 25 → 80/s at 30 s, 60 s", func() fakeapi.Limit {
			return fakeapi.Schedule(fakeapi.Step{PerSecond: 50}, fakeapi.Step{From: 30 * time.Second, PerSecond: 25}, fakeapi.Step{From: 60 * time.Second, PerSecond: 80})
		}, l, 200},
		{"known limit: sliding 50/s, --rps 50", func() fakeapi.Limit { return fakeapi.SlidingWindow(50, time.Second) }, l, 50},
	}
}

func main() {
	calls := flag.Int("calls", 3000, "calls per run")
	only := flag.String("only", "", "run the shapes whose name matches this regexp")
	ra := flag.String("retry-after", "ms", "how 429s say when to retry: none, seconds, ms")
	headers := flag.String("headers", "none", "rate-limit headers: none, ietf, x")
	faults := flag.Bool("faults", true, "also run the fault list")
	flag.Parse()
	modes := map[string]fakeapi.RetryAfterMode{"none": fakeapi.RetryAfterNone, "seconds": fakeapi.RetryAfterSeconds, "ms": fakeapi.RetryAfterMillis}
	hmodes := map[string]fakeapi.HeaderMode{"none": fakeapi.HeadersNone, "ietf": fakeapi.HeadersIETF, "x": fakeapi.HeadersX}
	mode, ok1 := modes[*ra]
	hmode, ok2 := hmodes[*headers]
	re, err := regexp.Compile(*only)
	if !ok1 || !ok2 || err != nil {
		fmt.Fprintln(os.Stderr, "pacebench: bad -retry-after, -headers or -only")
		os.Exit(2)
	}
	fmt.Printf("%d calls, 16 workers, Retry-After %s, headers %s\n\n", *calls, *ra, *headers)
	fmt.Println("| server limit | --rps | achieved ÷ allowed | 429 share | failed | s to 90% | pacer's estimate |")
	fmt.Println("|---|---|---|---|---|---|---|")
	for _, sh := range shapes() {
		if !re.MatchString(sh.name) {
			continue
		}
		if err := run(sh, *calls, mode, hmode); err != nil {
			fmt.Fprintln(os.Stderr, "pacebench:", err)
			os.Exit(1)
		}
	}
	if *faults && re.MatchString("fault list") {
		if err := faultList(); err != nil {
			fmt.Fprintln(os.Stderr, "pacebench:", err)
			os.Exit(1)
		}
	}
}

func run(sh shape, n int, mode fakeapi.RetryAfterMode, hmode fakeapi.HeaderMode) error {
	srv := fakeapi.NewServer(fakeapi.Options{Latency: sh.latency, Shape: sh.limit(), RetryAfter: mode, Headers: hmode,
		Synthetic: n, SyntheticTurns: 2})
	defer srv.Close()
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fakeapi.SyntheticID(i)
	}
	rep, err := export1(srv, ids, sh.rps)
	if err != nil {
		return err
	}
	arr := srv.Arrivals()
	first, last := arr[0], arr[len(arr)-1]
	allowed := srv.Allowed(first, last.Add(sh.latency))
	adm := srv.Admitted()
	reach := "never"
	j, k := 0, 0
	for t := first; !t.After(last); t = t.Add(10 * time.Millisecond) {
		for j < len(adm) && !adm[j].After(t.Add(-time.Second)) {
			j++
		}
		for k < len(adm) && !adm[k].After(t) {
			k++
		}
		if float64(k-j) >= 0.9*srv.Allowed(t.Add(-time.Second), t) && t.Sub(first) >= time.Second/2 {
			reach = fmt.Sprintf("%.1f", t.Sub(first).Seconds())
			break
		}
	}
	est := fmt.Sprintf("%.0f/s", rep.Fetch.LimitEstimate)
	if rep.Fetch.InFlightCap > 0 {
		est += fmt.Sprintf(", %d in flight", rep.Fetch.InFlightCap)
	}
	fmt.Printf("| %s | %.0f | %.3f | %.2f%% (%d) | %d | %s | %s |\n", sh.name, sh.rps, float64(rep.Counts.Fetched)/allowed,
		100*float64(srv.Throttled())/float64(srv.TotalRequests()), srv.Throttled(), rep.Counts.Failed, reach, est)
	return nil
}

func export1(srv *fakeapi.Server, ids []string, rps float64) (*pipeline.Report, error) {
	client, err := retell.NewClient(retell.ClientConfig{BaseURL: srv.URL, Key: srv.Key(), KeySource: "pacebench",
		Pacer: pacing.NewPacer(rps, 1, 16), Retries: 4, Concurrency: 16})
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "pacebench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	job := &pipeline.Job{IDs: ids, Client: client, Concurrency: 16, OutDir: dir}
	return job.Run(context.Background())
}

// faultList is issue 9's list of 31 ids with per-call trouble and no rate
// limit: three ids answer 429 once (Retry-After: 1), two 500 once, two
// reset the connection once, and one takes 8 s. The default --rps 20.
func faultList() error {
	srv := fakeapi.NewServer(fakeapi.Options{Latency: 50 * time.Millisecond, Synthetic: 31, SyntheticTurns: 2})
	defer srv.Close()
	ids := make([]string, 31)
	for i := range ids {
		ids[i] = fakeapi.SyntheticID(i)
	}
	for _, i := range []int{2, 9, 20} {
		srv.Script(ids[i], fakeapi.Fault{Status: 429, RetryAfter: "1"})
	}
	for _, i := range []int{5, 25} {
		srv.Script(ids[i], fakeapi.Fault{Status: 500})
	}
	for _, i := range []int{12, 28} {
		srv.Script(ids[i], fakeapi.Fault{Reset: true})
	}
	const slow = 8 * time.Second
	srv.Script(ids[10], fakeapi.Fault{Delay: slow})
	start := time.Now()
	rep, err := export1(srv, ids, 20)
	if err != nil {
		return err
	}
	el := time.Since(start)
	fmt.Printf("\nfault list (31 ids, --rps 20): %.2f s, %.2f× its slowest call (%v), %d failed, %d requests\n",
		el.Seconds(), el.Seconds()/(slow+50*time.Millisecond).Seconds(), slow+50*time.Millisecond, rep.Counts.Failed, srv.TotalRequests())
	return nil
}

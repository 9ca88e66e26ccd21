// Command fakeretell serves the fakeapi fake Retell API as its own
// process, so that retell-export can be measured (time, peak memory)
// without the server's memory in the figures:
//
//	go run ./export/fakeapi/fakeretell -n 20000 -url-file /tmp/url &
//	RETELL_API_KEY=key_test RETELL_BASE_URL=$(cat /tmp/url) retell-export --ids ids.txt ...
//
// It serves the synthetic calls fakeapi.SyntheticID(0..n-1) and, with
// -dir, the get-call bodies in a directory. -ids-file writes the ids.
// -shape picks the server's request limit (a sliding window of -limit per
// second by default):
//
//	-shape bucket -limit 50 -burst 5      token bucket
//	-shape fixed -limit 50                fixed one-second windows
//	-shape concurrency -max-in-flight 8   at most 8 requests at once
//	-shape schedule -schedule 0s:50,30s:25,60s:80
//
// with -retry-after none|seconds|ms|date and -headers none|ietf|x.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/retell-export/retell-export/export/fakeapi"
)

func main() {
	n := flag.Int("n", 1000, "synthetic calls to serve")
	turns := flag.Int("turns", 20, "utterances per synthetic call")
	limit := flag.Int("limit", 0, "requests per second before 429 (0 = none); the rate of -shape sliding, bucket and fixed")
	shapeName := flag.String("shape", "sliding", "request limit: sliding, bucket, fixed, concurrency, schedule")
	burst := flag.Int("burst", 1, "with -shape bucket: the bucket's size")
	maxIn := flag.Int("max-in-flight", 8, "with -shape concurrency: requests at once")
	sched := flag.String("schedule", "0s:50,30s:25,60s:80", "with -shape schedule: from:per-second steps, counted from the first request")
	headers := flag.String("headers", "none", "rate-limit headers: none, ietf (RateLimit, RateLimit-Policy), x (X-RateLimit-*)")
	latency := flag.Duration("latency", 50*time.Millisecond, "added to every request")
	mode := flag.String("retry-after", "seconds", "how 429s say when to retry: none, seconds, ms, date")
	dir := flag.String("dir", "", "also serve the *.json get-call bodies in this directory")
	urlFile := flag.String("url-file", "", "write the server's URL to this file")
	idsFile := flag.String("ids-file", "", "write the ids of the synthetic calls to this file")
	flag.Parse()

	modes := map[string]fakeapi.RetryAfterMode{"none": fakeapi.RetryAfterNone, "seconds": fakeapi.RetryAfterSeconds,
		"ms": fakeapi.RetryAfterMillis, "date": fakeapi.RetryAfterDate}
	m, ok := modes[*mode]
	if !ok {
		fmt.Fprintf(os.Stderr, "fakeretell: unknown -retry-after %q\n", *mode)
		os.Exit(2)
	}
	shape, err := newShape(*shapeName, *limit, *burst, *maxIn, *sched, *latency)
	hmodes := map[string]fakeapi.HeaderMode{"none": fakeapi.HeadersNone, "ietf": fakeapi.HeadersIETF, "x": fakeapi.HeadersX}
	h, ok := hmodes[*headers]
	if err != nil || !ok {
		fmt.Fprintf(os.Stderr, "fakeretell: bad -shape or -headers: %v\n", err)
		os.Exit(2)
	}
	srv := fakeapi.NewServer(fakeapi.Options{Latency: *latency, Shape: shape, Headers: h, RetryAfter: m, Synthetic: *n, SyntheticTurns: *turns})
	defer srv.Close()
	if *dir != "" {
		if _, err := srv.LoadDir(*dir); err != nil {
			fmt.Fprintln(os.Stderr, "fakeretell:", err)
			os.Exit(1)
		}
	}
	if *idsFile != "" {
		var b strings.Builder
		for i := range *n {
			b.WriteString(fakeapi.SyntheticID(i) + "\n")
		}
		must(os.WriteFile(*idsFile, []byte(b.String()), 0o644))
	}
	if *urlFile != "" {
		must(os.WriteFile(*urlFile, []byte(srv.URL), 0o644))
	}
	fmt.Fprintf(os.Stderr, "fakeretell: serving %d synthetic calls at %s (key %s)\n", *n, srv.URL, srv.Key())
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	fmt.Fprintf(os.Stderr, "fakeretell: %d requests, %d answered 429\n", srv.TotalRequests(), srv.Throttled())
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "fakeretell:", err)
		os.Exit(1)
	}
}

// newShape builds the limit the flags describe; nil means none.
func newShape(name string, limit, burst, maxIn int, sched string, latency time.Duration) (fakeapi.Limit, error) {
	switch name {
	case "sliding", "bucket", "fixed":
		if limit <= 0 {
			return nil, nil
		}
	}
	switch name {
	case "sliding":
		return fakeapi.SlidingWindow(limit, time.Second), nil
	case "bucket":
		return fakeapi.TokenBucket(float64(limit), burst), nil
	case "fixed":
		return fakeapi.FixedWindow(limit, time.Second), nil
	case "concurrency":
		return fakeapi.Concurrency(maxIn, max(latency, time.Millisecond)), nil
	case "schedule":
		var steps []fakeapi.Step
		for _, part := range strings.Split(sched, ",") {
			from, per, ok := strings.Cut(strings.TrimSpace(part), ":")
			d, err1 := time.ParseDuration(from)
			n, err2 := strconv.Atoi(per)
			if !ok || err1 != nil || err2 != nil {
				return nil, fmt.Errorf("-schedule %q: want from:per-second steps such as 0s:50,30s:25", sched)
			}
			steps = append(steps, fakeapi.Step{From: d, PerSecond: n})
		}
		return fakeapi.Schedule(steps...), nil
	}
	return nil, fmt.Errorf("unknown -shape %q", name)
}

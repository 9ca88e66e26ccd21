// Command fakeretell serves the fakeapi fake Retell API as its own
// process, so that retell-export can be measured (time, peak memory)
// without the server's memory in the figures:
//
//	go run ./export/fakeapi/fakeretell -n 20000 -url-file /tmp/url &
//	RETELL_API_KEY=key_test RETELL_BASE_URL=$(cat /tmp/url) retell-export --ids ids.txt ...
//
// It serves the synthetic calls fakeapi.SyntheticID(0..n-1) and, with
// -dir, the get-call bodies in a directory. -ids-file writes the ids.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/retell-export/retell-export/export/fakeapi"
)

func main() {
	n := flag.Int("n", 1000, "synthetic calls to serve")
	turns := flag.Int("turns", 20, "utterances per synthetic call")
	limit := flag.Int("limit", 0, "requests per sliding second before 429 (0 = none)")
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
	srv := fakeapi.NewServer(fakeapi.Options{Latency: *latency, Limit: *limit, RetryAfter: m, Synthetic: *n, SyntheticTurns: *turns})
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

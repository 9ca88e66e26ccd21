// Command archivegen writes a synthetic dataset (an archive of n settled
// calls and its index) for benchmarks of start-up cost:
//
//	go run ./export/archive/archivegen -n 1000000 -out /tmp/lake
//	RETELL_API_KEY=x RETELL_BASE_URL=http://127.0.0.1:9 retell-export call_000000000000000000000000001 --out /tmp/lake --quiet
//
// The calls are fakeapi.SyntheticCall(i, turns), one per minute.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/retell-export/retell-export/export"
	"github.com/retell-export/retell-export/export/archive"
	"github.com/retell-export/retell-export/export/fakeapi"
	"github.com/retell-export/retell-export/export/store"
)

func main() {
	n := flag.Int("n", 20000, "calls")
	turns := flag.Int("turns", 1, "utterances per call")
	out := flag.String("out", "", "output directory (the dataset)")
	flag.Parse()
	if err := generate(*out, *n, *turns); err != nil {
		fmt.Fprintln(os.Stderr, "archivegen:", err)
		os.Exit(1)
	}
}

func generate(out string, n, turns int) error {
	ctx := context.Background()
	st, err := store.OpenDir(out)
	if err != nil {
		return err
	}
	a, err := archive.Open(ctx, archive.Options{Store: st, Dir: "raw", Extract: export.RecordMeta})
	if err != nil {
		return err
	}
	began := time.Now()
	w := a.NewWriter(ctx, archive.WriterOptions{})
	for i := range n {
		body := fakeapi.SyntheticCall(i, turns)
		m, err := export.RecordMeta(body)
		if err != nil {
			return err
		}
		if _, err := w.Append(body, m, time.Now()); err != nil {
			return err
		}
	}
	if err := w.Close(); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "archivegen: %d calls in %s (%s)\n", n, out, time.Since(began).Round(time.Millisecond))
	return nil
}

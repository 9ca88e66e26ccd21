// Command archivegen writes synthetic calls for benchmarks: a dataset (an
// archive of n settled calls and its index), for the cost of start-up,
//
//	go run ./export/archive/archivegen -n 1000000 -out /tmp/lake
//	RETELL_API_KEY=x RETELL_BASE_URL=http://127.0.0.1:9 retell-export call_000000000000000000000000001 --out /tmp/lake --quiet
//
// or, with -jsonl, a file of saved calls as another tool would have saved
// them: spread over -days days and in random date order, for imports into
// a partitioned lake (.ci/bench-partitions).
//
// The calls are fakeapi.SyntheticCall(i, turns), one per minute unless
// -days spreads them.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/retell-export/retell-export/export"
	"github.com/retell-export/retell-export/export/archive"
	"github.com/retell-export/retell-export/export/fakeapi"
	"github.com/retell-export/retell-export/export/store"
)

func main() {
	n := flag.Int("n", 20000, "calls")
	turns := flag.Int("turns", 1, "utterances per call")
	out := flag.String("out", "", "output directory (the dataset)")
	jsonl := flag.String("jsonl", "", "write the calls to this .jsonl.gz file instead, in random order")
	days := flag.Int("days", 0, "with -jsonl: spread the starts over this many days (0: one a minute)")
	flag.Parse()
	var err error
	if *jsonl != "" {
		err = saved(*jsonl, *n, *turns, *days)
	} else {
		err = generate(*out, *n, *turns)
	}
	if err != nil {
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

// saved writes n synthetic calls in random order, their starts spread
// over days days, as one gzipped JSON Lines file.
func saved(path string, n, turns, days int) error {
	rng := rand.New(rand.NewPCG(uint64(n), 23))
	order := rng.Perm(n)
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	zw := gzip.NewWriter(bw)
	t0 := int64(1780000000000)
	for _, i := range order {
		body := fakeapi.SyntheticCall(i, turns)
		if days > 0 {
			var m map[string]any
			if err := json.Unmarshal(body, &m); err != nil {
				return err
			}
			start := t0 + rng.Int64N(int64(days)*24*3600*1000)
			dur := int64(m["end_timestamp"].(float64) - m["start_timestamp"].(float64))
			m["start_timestamp"], m["end_timestamp"] = start, start+dur
			if _, ok := m["transfer_end_timestamp"]; ok {
				m["transfer_end_timestamp"] = start + dur + 30_000
			}
			if body, err = json.Marshal(m); err != nil {
				return err
			}
		}
		zw.Write(body)
		zw.Write([]byte{'\n'})
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return f.Close()
}

package main

import (
	"context"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// defaultMemoryLimit is the least soft limit on the Go runtime's memory
// when GOMEMLIMIT is not set. What a run holds live is small (at 100,000
// calls with every format, about 85 MB at most: sort keys, the index,
// Parquet pages); without a limit the garbage collector lets garbage and freed
// pages it has not returned yet push RSS past 200 MB. Near the limit it
// collects sooner and returns pages at once, for a few percent more CPU.
const defaultMemoryLimit = 144 << 20

// memoryLimit is the soft limit for a live heap of live bytes: the
// default, or 1.75 times the live heap once that is larger (a run over
// millions of ids), so that the collector is never left running
// back to back just under a limit the run has outgrown.
func memoryLimit(live uint64) int64 {
	return max(defaultMemoryLimit, int64(live/4*7))
}

// tuneMemoryLimit sets the soft memory limit from the live heap the last
// collection measured, every second, until ctx ends. The limit is the
// process's, which is why only main sets it.
func tuneMemoryLimit(ctx context.Context) {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	var set int64
	for {
		metrics.Read(sample)
		// Only a change is set: setting the limit makes the runtime
		// recompute its pacing and return memory at once.
		if sample[0].Value.Kind() == metrics.KindUint64 {
			if l := memoryLimit(sample[0].Value.Uint64()); l != set {
				debug.SetMemoryLimit(l)
				set = l
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

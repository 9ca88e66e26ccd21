package pipeline

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/retell-export/retell-export/export"
	"github.com/retell-export/retell-export/export/archive"
)

// errStopped ends a replay scan early.
var errStopped = errors.New("stopped")

// consume is the only goroutine that touches the archive and the writers.
// The archive comes first: a call is durable before any writer sees it,
// and after a writer fails calls still in flight are archived, so a re-run
// does not fetch them again.
func (r *run) consume() {
	archiveOK := true
	for it := range r.results {
		switch {
		case it.fail != nil:
			if r.fatal() == nil {
				r.failures = append(r.failures, *it.fail)
				r.stats.Failed.Add(1)
			}
		case it.call != nil && !it.archived:
			r.mu.Lock()
			r.fetchEnd = time.Now()
			r.mu.Unlock()
			if archiveOK && r.archive != nil && !it.unchanged {
				e, err := r.archive.AppendMember(it.member, it.meta)
				if err != nil {
					archiveOK = false
					r.fail(err)
					continue
				}
				r.archived = append(r.archived, e)
			}
			r.stats.Fetched.Add(1)
			if _, again := r.refetch[it.call.CallID]; again {
				r.counts.refetched++
				if it.unchanged {
					r.counts.unchanged++
				}
			}
			fallthrough
		case it.call != nil:
			if r.fatal() != nil {
				continue // archived; the writers have stopped
			}
			if it.archived {
				r.stats.FromArchive.Add(1)
			}
			if err := r.write(it.call); err != nil {
				r.fail(err)
				continue
			}
		}
		if r.fatal() == nil {
			r.stats.Done.Add(1)
			r.Progress.Update(r.stats)
		}
	}
}

// write hands a call to the writers, each of which runs on its own
// goroutine behind its own queue (FanOut): a slow writer does not hold the
// archive or the others back. A writer that panics fails the run with a
// message instead of crashing it, so the archive, run.json and the
// clean-up of temporary files still happen.
func (r *run) write(c *export.Call) error {
	for _, w := range c.Warnings {
		r.Warn(fmt.Sprintf("call %s: %s (kept; see the raw archive)", c.CallID, w))
	}
	if r.fan == nil {
		return nil
	}
	return r.fan.Write(c)
}

// replay feeds saved calls to the consumer goroutine, decoded on every core,
// in call order (replay.Index and archive.ReadSorted give them so).
func (r *run) replay(ctx context.Context, p *plan) {
	bad := func(where string, err error) {
		// A saved call that does not decode: it counts as handled, and
		// goes through the consumer goroutine like every other outcome.
		r.Warn(fmt.Sprintf("skipping saved record %s: %v", where, err))
		r.stats.BadRecords.Add(1)
		r.results <- item{fail: &export.Failure{Kind: export.KindBadRecord, Message: fmt.Sprintf("%s: %v", where, err)}}
	}
	emit := func(c *export.Call) error {
		if ctx.Err() != nil {
			return errStopped
		}
		r.results <- item{call: c, archived: true}
		return nil
	}
	produce := func(send func([]byte, string, time.Time) error) error {
		if p.replay != nil {
			var want func(string) bool
			if p.want != nil {
				want = func(id string) bool { return p.want[id] }
			}
			return p.replay.Replay(ctx, want, send)
		}
		// In call order, as the lake is written: see archive.ReadSorted.
		return p.archive.ReadSorted(ctx, p.entries, func(r archive.Record) error {
			return send(r.Body, fmt.Sprintf("%s@%d", r.Seg, r.Off), r.Fetched)
		})
	}
	err := export.DecodeAll(ctx, produce, emit, bad)
	if err != nil && !errors.Is(err, errStopped) && ctx.Err() == nil {
		r.fail(fmt.Errorf("replay: %w", err))
	}
}

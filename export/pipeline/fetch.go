package pipeline

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/alitto/pond/v2"

	"github.com/retell-export/retell-export/export"
	"github.com/retell-export/retell-export/export/retell"
)

// fetch runs the worker pool over ids. pond task groups are fail-fast and
// keep one result per task, so tasks are submitted to the pool directly:
// per-call failures travel to the consumer goroutine as items, fatal ones
// stop the run through r.fail, and StopAndWait is the barrier.
func (r *run) fetch(stop, req context.Context, ids []string) {
	if len(ids) == 0 || r.Client == nil {
		return
	}
	n := max(r.Concurrency, 1)
	pool := pond.NewPool(n, pond.WithContext(stop), pond.WithQueueSize(4*n))
	r.mu.Lock()
	r.fetchStart = time.Now()
	r.mu.Unlock()
	for _, id := range ids {
		if stop.Err() != nil {
			break
		}
		pool.SubmitErr(func() error {
			r.fetchOne(stop, req, id)
			return nil
		})
	}
	pool.StopAndWait()
}

func (r *run) fetchOne(stop, req context.Context, id string) {
	defer func() {
		if p := recover(); p != nil {
			r.fail(fmt.Errorf("bug: panic while fetching %s: %v\n%s", id, p, debug.Stack()))
		}
	}()
	if stop.Err() != nil {
		return
	}
	call, attempts, err := r.Client.GetCall(stop, req, id)
	var ae *retell.AuthError
	var fe *retell.FetchError
	switch {
	case err == nil:
		call.FetchedAt = time.Now().UTC().Truncate(time.Second) // as the archive keeps it
		it := item{call: call, meta: call.Meta()}
		if old, ok := r.refetch[id]; ok && old.Sum != "" && old.Sum == it.meta.Sum {
			// The archived version is this one: kept, not archived again,
			// and the outputs show it as it was fetched first.
			it.unchanged, call.FetchedAt = true, old.FetchedAt()
		} else if r.archive != nil { // compressed here, on every core
			it.member = r.archive.Compress(call.Raw, call.FetchedAt)
		}
		r.results <- it
	case errors.As(err, &ae):
		r.fail(err)
	case errors.As(err, &fe):
		r.results <- item{fail: &export.Failure{CallID: id, Kind: fe.Kind, Status: fe.Status, Message: fe.Err.Error(), Attempts: attempts}}
	}
	// Anything else is the run stopping: the id stays pending for a re-run.
}

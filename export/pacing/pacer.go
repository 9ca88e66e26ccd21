package pacing

import (
	"context"
	"sync"
	"time"
)

// pacerMargin keeps the pacer just under --rps: a server that allows
// exactly --rps in a sliding second never sees more than it allows because
// of a late timer or network jitter.
const pacerMargin = 0.98

// Pacer is the runtime side of the pacing controller (export/pacing),
// shared by every worker: it holds the controller under a lock, sleeps on
// its decisions (a send slot, a pause, a free in-flight place) and feeds
// it every reply. All the deciding is in the controller, which is pure and
// tested on a fake clock.
type Pacer struct {
	mu   sync.Mutex
	ctl  *Controller
	wake chan struct{} // closed and replaced on every reply
	// turn lets one worker at a time wait for the next send slot; the
	// others queue here instead of all waking for the same slot (on a
	// busy machine that herd made sends late).
	turn chan struct{}
}

// NewPacer returns a pacer for at most rps requests per second (it runs
// 2% under) with the given burst (at least 1), and at most inFlight
// requests in flight (the client's concurrency; <= 0 means no bound).
// rps <= 0 means no limit.
func NewPacer(rps float64, burst, inFlight int) *Pacer {
	cfg := Config{MaxRate: rps * pacerMargin, Burst: max(burst, 1), MaxInFlight: max(inFlight, 0)}
	return &Pacer{ctl: New(cfg, time.Now()), wake: make(chan struct{}), turn: make(chan struct{}, 1)}
}

// Wait blocks until a request may be sent and returns its ticket, which
// Done must receive with the reply.
func (p *Pacer) Wait(ctx context.Context) (Ticket, error) {
	select {
	case p.turn <- struct{}{}:
	case <-ctx.Done():
		return Ticket{}, ctx.Err()
	}
	defer func() { <-p.turn }()
	for {
		if err := ctx.Err(); err != nil {
			return Ticket{}, err
		}
		p.mu.Lock()
		t, at, ok := p.ctl.Admit(time.Now())
		wake := p.wake
		p.mu.Unlock()
		if ok {
			return t, nil
		}
		if at.IsZero() { // the in-flight cap: wait for a reply
			select {
			case <-ctx.Done():
				return Ticket{}, ctx.Err()
			case <-wake:
			}
			continue
		}
		if err := Sleep(ctx, time.Until(at)); err != nil {
			return Ticket{}, err
		}
	}
}

// Done reports the reply to the request of ticket t.
func (p *Pacer) Done(t Ticket, r Reply) {
	r.Ticket = t
	p.mu.Lock()
	p.ctl.Observe(r, time.Now())
	close(p.wake)
	p.wake = make(chan struct{})
	p.mu.Unlock()
}

// Estimates returns what the pacer has found out so far.
func (p *Pacer) Estimates() Estimates {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.ctl.Estimates()
}

// Rate returns the current request rate (requests per second).
func (p *Pacer) Rate() float64 { return p.Estimates().Rate }

// Throttles returns the number of 429 answers reported so far.
func (p *Pacer) Throttles() int64 { return p.Estimates().Throttled }

// Sleep waits for d or until ctx ends, whichever comes first; it returns
// ctx's error if ctx ended.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

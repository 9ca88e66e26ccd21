package export

import (
	"context"
	"sync"
	"time"

	"github.com/retell-export/retell-export/export/pacing"
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
	ctl  *pacing.Controller
	cfg  pacing.Config
	wake chan struct{} // closed and replaced on every reply
	// turn lets one worker at a time wait for the next send slot; the
	// others queue here instead of all waking for the same slot (on a
	// busy machine that herd made sends late).
	turn chan struct{}
}

// NewPacer returns a pacer for at most rps requests per second (it runs
// 2% under) with the given burst (at least 1). rps <= 0 means no limit.
func NewPacer(rps float64, burst int) *Pacer {
	cfg := pacing.Config{MaxRate: rps * pacerMargin, Burst: max(burst, 1)}
	return &Pacer{cfg: cfg, ctl: pacing.New(cfg, time.Now()), wake: make(chan struct{}), turn: make(chan struct{}, 1)}
}

// limitInFlight tells the controller how many requests can be in flight at
// most (the client's concurrency), which bounds its in-flight cap.
func (p *Pacer) limitInFlight(n int) {
	if n <= 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cfg.MaxInFlight == n {
		return
	}
	p.cfg.MaxInFlight = n
	p.ctl = pacing.New(p.cfg, time.Now())
}

// Wait blocks until a request may be sent and returns its ticket, which
// Done must receive with the reply.
func (p *Pacer) Wait(ctx context.Context) (pacing.Ticket, error) {
	select {
	case p.turn <- struct{}{}:
	case <-ctx.Done():
		return pacing.Ticket{}, ctx.Err()
	}
	defer func() { <-p.turn }()
	for {
		if err := ctx.Err(); err != nil {
			return pacing.Ticket{}, err
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
				return pacing.Ticket{}, ctx.Err()
			case <-wake:
			}
			continue
		}
		if err := sleepCtx(ctx, time.Until(at)); err != nil {
			return pacing.Ticket{}, err
		}
	}
}

// Done reports the reply to the request of ticket t.
func (p *Pacer) Done(t pacing.Ticket, r pacing.Reply) {
	r.Ticket = t
	p.mu.Lock()
	p.ctl.Observe(r, time.Now())
	close(p.wake)
	p.wake = make(chan struct{})
	p.mu.Unlock()
}

// Estimates returns what the pacer has found out so far.
func (p *Pacer) Estimates() pacing.Estimates {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.ctl.Estimates()
}

// Rate returns the current request rate (requests per second).
func (p *Pacer) Rate() float64 { return p.Estimates().Rate }

// Throttles returns the number of 429 answers reported so far.
func (p *Pacer) Throttles() int64 { return p.Estimates().Throttled }

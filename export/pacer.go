package export

import (
	"context"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// Pacer is the client-side rate limit shared by every worker: a token
// bucket (golang.org/x/time/rate) that paces requests before they are sent,
// plus an adaptive layer for 429 answers:
//
//   - Every worker pauses until the server's Retry-After has passed (a
//     plain SetLimit would not hold back workers already waiting).
//   - The rate is cut at most once per second, to 95% of the rate the
//     server actually accepted over the last second — the best estimate of
//     its limit — or to half the current rate when there is no estimate,
//     and never below the floor.
//   - After each second without a 429 the rate grows by 5% up to 98% of
//     that estimate and holds there; only after 30 s without a 429 does it
//     probe higher, by 0.2% a second, up to the ceiling (--rps). Every
//     probe past the server's limit costs a burst of 429s and a pause, so
//     probing is rare and slow.
//
// The bucket runs 2% under the ceiling, and a sliding-window check on the
// actual send times (at most rate+burst-1 sends in any second) catches the
// bunching that late timer wake-ups cause on a busy machine: a server that
// counts requests in a sliding one-second window then never sees more than
// it allows because of client-side jitter (measured: at 1% under and
// without the window check, 10-40 ms of jitter caused 429s).
type Pacer struct {
	lim     *rate.Limiter
	floor   rate.Limit
	ceiling rate.Limit

	pauseUntil atomic.Int64 // unix nanos

	mu        sync.Mutex
	lastCut   time.Time
	lastGrow  time.Time
	lastBad   rate.Limit // estimated server limit at the last 429; 0 = none
	badAt     time.Time
	okTimes   []time.Time // successes in the last second (trimmed on use)
	throttled atomic.Int64

	sendMu sync.Mutex
	sends  []time.Time // send times in the last second
}

// pacerMargin keeps the bucket just under the configured ceiling and under
// an estimated server limit.
const pacerMargin = 0.98

// probeAfter is how long the rate holds under an estimated server limit
// before it probes higher.
const probeAfter = 30 * time.Second

// NewPacer returns a pacer for at most rps requests per second with the
// given burst (at least 1). rps <= 0 means no limit.
func NewPacer(rps float64, burst int) *Pacer {
	burst = max(burst, 1)
	ceiling := rate.Inf
	if rps > 0 {
		ceiling = rate.Limit(rps * pacerMargin)
	}
	floor := rate.Limit(0.5)
	if ceiling < floor {
		floor = ceiling
	}
	now := time.Now()
	return &Pacer{lim: rate.NewLimiter(ceiling, burst), floor: floor, ceiling: ceiling, lastGrow: now}
}

// Wait blocks until a request may be sent: a token is available and no
// pause is in force. A pause that begins while a worker waits for its token
// is still honoured, and the token is taken again afterwards so the
// possibly lowered rate applies.
func (p *Pacer) Wait(ctx context.Context) error {
	for {
		if err := sleepUntil(ctx, p.pauseUntil.Load()); err != nil {
			return err
		}
		if err := p.lim.Wait(ctx); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return err
		}
		if time.Now().UnixNano() >= p.pauseUntil.Load() {
			return p.admitWindow(ctx)
		}
	}
}

// admitWindow waits until fewer than rate+burst-1 requests were sent in
// the last second, then records the send.
func (p *Pacer) admitWindow(ctx context.Context) error {
	for {
		lim := p.lim.Limit()
		if lim == rate.Inf {
			return nil
		}
		// Round up: the bucket already holds a fractional rate (1.5 rps)
		// to its value; truncating here would cut it to 1.
		k := max(int(math.Ceil(float64(lim)))+p.lim.Burst()-1, 1)
		p.sendMu.Lock()
		now := time.Now()
		i := 0
		for i < len(p.sends) && now.Sub(p.sends[i]) >= time.Second {
			i++
		}
		p.sends = append(p.sends[:0], p.sends[i:]...)
		if len(p.sends) < k {
			p.sends = append(p.sends, now)
			p.sendMu.Unlock()
			return nil
		}
		wait := p.sends[len(p.sends)-k].Add(time.Second).Sub(now)
		p.sendMu.Unlock()
		if err := sleepCtx(ctx, wait); err != nil {
			return err
		}
	}
}

func sleepUntil(ctx context.Context, unixNano int64) error {
	return sleepCtx(ctx, time.Until(time.Unix(0, unixNano)))
}

// Throttled records a 429: it pauses every worker for retryAfter (or for
// fallback when the server gave none) and lowers the rate.
func (p *Pacer) Throttled(retryAfter, fallback time.Duration) {
	p.throttled.Add(1)
	now := time.Now()
	wait := retryAfter
	if wait <= 0 {
		wait = fallback
	}
	until := now.Add(wait).UnixNano()
	for {
		cur := p.pauseUntil.Load()
		if until <= cur || p.pauseUntil.CompareAndSwap(cur, until) {
			break
		}
	}

	p.mu.Lock()
	defer p.mu.Unlock()
	p.lastGrow = now.Add(wait) // no growth until the pause is over and a second has passed
	if now.Sub(p.lastCut) < time.Second {
		return // the other workers' 429s from the same burst
	}
	p.lastCut = now
	cur := p.lim.Limit()
	next := cur / 2 // no estimate: halve
	p.lastBad, p.badAt = cur, now
	if n := rate.Limit(p.acceptedLastSecond(now)); n >= 2 {
		p.lastBad = min(cur, n)
		next = p.lastBad * 0.95
	}
	p.lim.SetLimitAt(now, max(next, p.floor))
}

// OK records a successful request and lets the rate recover.
func (p *Pacer) OK() {
	now := time.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.okTimes = append(p.okTimes, now)
	if len(p.okTimes) > 4096 {
		p.trim(now)
	}
	if now.Sub(p.lastGrow) < time.Second {
		return
	}
	p.lastGrow = now
	cur := p.lim.Limit()
	if cur >= p.ceiling {
		return
	}
	soft := p.ceiling
	if p.lastBad > 0 {
		soft = min(soft, p.lastBad*pacerMargin)
	}
	var next rate.Limit
	switch {
	case cur < soft:
		next = min(cur*1.05, soft)
	case now.Sub(p.badAt) >= probeAfter:
		next = cur * 1.002
	default:
		return
	}
	p.lim.SetLimitAt(now, min(next, p.ceiling))
}

// acceptedLastSecond counts successes in the last second; p.mu is held.
func (p *Pacer) acceptedLastSecond(now time.Time) int {
	p.trim(now)
	return len(p.okTimes)
}

func (p *Pacer) trim(now time.Time) {
	cut := now.Add(-time.Second)
	i := 0
	for i < len(p.okTimes) && p.okTimes[i].Before(cut) {
		i++
	}
	p.okTimes = append(p.okTimes[:0], p.okTimes[i:]...)
}

// Rate returns the current request rate (requests per second).
func (p *Pacer) Rate() float64 { return float64(p.lim.Limit()) }

// Throttles returns the number of 429 answers reported so far.
func (p *Pacer) Throttles() int64 { return p.throttled.Load() }

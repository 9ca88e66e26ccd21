// Package pacing decides how fast retell-export sends requests to an API
// whose limit it does not know. The Controller is a pure state machine:
// every input (a request about to go out, a reply, the time) is passed in,
// and it answers with a decision (a rate, an in-flight cap, a pause). It
// never sleeps, reads a clock or starts a goroutine, so tests drive it with
// a fake clock; export.Pacer is the thin runtime wrapper around it.
//
// The algorithm, chosen by simulating the limit shapes of export/fakeapi
// (see sim_test.go, targets_test.go and the README):
//
//   - Startup: from 10/s the rate doubles every 100 ms while replies keep
//     up with it, until the first sign of a limit or MaxRate.
//   - A 429 whose neighbours (the requests sent just before and after it)
//     were accepted is a per-call hiccup: it holds growth for a second.
//     A run of refused requests (or four 429s in a second) is a limit, and
//     cuts the rate at most once per round trip: 429s for requests sent
//     before the cut do not cut again.
//   - The cut goes to 97% of the rate the server delivered (replies that
//     were not 429) over the last full second of sending; a second spoiled
//     by a pause is not measured. Before the first full second, it halves
//     the rate the refused request was sent at and searches up from there.
//   - When 429s continue after a cut (a window that stays full) everyone
//     waits for the server's Retry-After, or a growing backoff without
//     one, and the rate is cut harder (×0.7).
//   - In-flight cap: when the 429s of the last second were all sent with at
//     least k requests in flight and a fifth or more of the requests sent
//     with k or more were refused, the server limits concurrency: the cap
//     becomes k-1 (never below 4).
//   - Probing: after a quiet spell (2 s, doubling to 4 s while probes find
//     the same limit) the rate goes 2% above the estimate for half a
//     second, 6% for a second (a window's length), then doubles its gain
//     every half second: a raised limit is found within seconds, and an
//     unchanged one costs a 429 or two. The rate never grows while it is
//     not used (app-limited).
//   - RateLimit / RateLimit-Policy and X-RateLimit-* headers, when sent,
//     replace the estimate: the policy is the limit, and an exhausted
//     quota pauses until its reset.
//
// Nothing ever exceeds Config.MaxRate or Config.MaxInFlight.
package pacing

import (
	"math"
	"time"
)

// Outcome classifies a reply for the controller.
type Outcome int

const (
	// Accepted is any answer that is not a 429: 2xx, and other 4xx/5xx,
	// which the server handled and counted against the quota too.
	Accepted Outcome = iota
	// Throttled is a 429.
	Throttled
	// Lost is a timeout or a reset connection: what the server saw is
	// unknown, so it neither counts as delivered nor as a limit signal.
	Lost
)

// Quota is what a server's rate-limit headers advertise.
type Quota struct {
	Limit     int           // requests per Window; 0 = not advertised
	Window    time.Duration // the policy's window; 0 = not advertised
	Remaining int           // requests left in the current window; -1 = not advertised
	Reset     time.Duration // until the current window resets
}

// Ticket describes a request the controller let go.
type Ticket struct {
	Sent     time.Time
	InFlight int     // requests in flight, this one included
	Rate     float64 // the rate in force when it was sent
}

// Reply is the controller's view of an answer.
type Reply struct {
	Ticket
	Outcome    Outcome
	RetryAfter time.Duration // Retry-After or retry-after-ms; 0 = none
	Quota      *Quota        // from RateLimit or X-RateLimit headers; nil = none
}

// Config bounds the controller.
type Config struct {
	MaxRate     float64 // requests per second, never exceeded; <= 0 means none
	Burst       int     // requests that may go at once above the rate; default 1
	MaxInFlight int     // requests in flight at most; 0 = no cap
	MinRate     float64 // the rate never goes below this; default 0.5/s
	StartRate   float64 // the startup rate; default 10/s (or MaxRate if lower)
}

// Decision is what the controller allows now.
type Decision struct {
	Rate       float64   // requests per second
	InFlight   int       // requests in flight at most; 0 = no cap
	PauseUntil time.Time // send nothing before this
}

// Estimates are the controller's findings, for the run report.
type Estimates struct {
	Rate        float64 // the pacing rate now
	Limit       float64 // the server's estimated limit, per second; 0 = none seen
	InFlight    int     // the learned in-flight cap; 0 = none learned
	FromHeaders bool    // Limit came from the server's rate-limit headers
	Throttled   int64   // 429s seen
	Cuts        int     // times the rate was cut
}

// Tuning, found by simulation (sim_test.go).
const (
	margin        = 0.97                   // pace this far under an estimated limit
	startupStep   = 100 * time.Millisecond // the startup rate doubles this often
	growStep      = 250 * time.Millisecond // recovery steps under the estimate
	moment        = time.Second            // growth holds this long after an isolated 429
	isolatedMax   = 4                      // this many 429s in a second cut even when isolated
	minCap        = 4                      // smaller in-flight caps are left to the rate: a false one would bind hard
	window        = time.Second            // delivered rate is measured over this
	minProbeWait  = 2 * time.Second
	maxProbeWait  = 4 * time.Second
	probeGuard    = 1500 * time.Millisecond
	headersMargin = 0.98
	probeGain     = 0.02 // probing adds 2% after half a second, 6% after one, 14%, 30%, 62%...
)

type sample struct {
	at, sent  time.Time
	inFlight  int
	throttled bool
}

// Controller is the pacing state. Its zero value is not usable: call New.
// It is not safe for concurrent use; the runtime wrapper locks it.
type Controller struct {
	cfg        Config
	rate       float64
	capIn      int // learned in-flight cap; 0 = none
	capAt      time.Time
	inFlight   int
	tat        time.Time   // next send slot (GCRA theoretical arrival time)
	sends      []time.Time // send times within the last second
	pauseUntil time.Time

	startup     bool
	lastStep    time.Time
	est         float64
	sure        bool // est was measured over a full second, not guessed
	fromHeaders bool
	lastCut     time.Time
	cutRun      int // consecutive cuts, each within two seconds of the last
	suspect     time.Time
	holdUntil   time.Time
	lastReply   time.Time
	measured    float64 // the last sound delivered rate
	measuredAt  time.Time
	lastDip     time.Time // the last time an isolated 429 took 2% off
	lastDrop    time.Time // the last cut that found the limit lower
	probeWait   time.Duration
	atEstimate  time.Time // when the rate reached the estimate; zero = below it
	probeStart  time.Time
	firstSend   time.Time
	pauseFrom   time.Time // start of the latest pause
	acc         []sample  // replies that were not 429, within the last window
	srtt        time.Duration
	throttled   int64
	cuts        int
}

// New returns a controller in startup.
func New(cfg Config, now time.Time) *Controller {
	if cfg.MaxRate <= 0 {
		cfg.MaxRate = math.Inf(1)
	}
	cfg.Burst = max(cfg.Burst, 1)
	if cfg.MinRate <= 0 {
		cfg.MinRate = 0.5
	}
	cfg.MinRate = min(cfg.MinRate, cfg.MaxRate)
	if cfg.StartRate <= 0 {
		cfg.StartRate = 10
	}
	cfg.StartRate = max(min(cfg.StartRate, cfg.MaxRate), cfg.MinRate)
	return &Controller{cfg: cfg, rate: cfg.StartRate, startup: cfg.StartRate < cfg.MaxRate,
		lastStep: now, probeWait: minProbeWait}
}

// Decision returns what is allowed at now.
func (c *Controller) Decision() Decision {
	return Decision{Rate: c.rate, InFlight: c.inFlightLimit(), PauseUntil: c.pauseUntil}
}

// Estimates returns the findings so far.
func (c *Controller) Estimates() Estimates {
	e := Estimates{Rate: c.rate, Limit: c.est, InFlight: c.capIn, FromHeaders: c.fromHeaders,
		Throttled: c.throttled, Cuts: c.cuts}
	if c.cfg.MaxInFlight > 0 && e.InFlight >= c.cfg.MaxInFlight {
		e.InFlight = 0 // probed back up to --concurrency: no cap found
	}
	return e
}

func (c *Controller) inFlightLimit() int {
	switch {
	case c.capIn > 0 && c.cfg.MaxInFlight > 0:
		return min(c.capIn, c.cfg.MaxInFlight)
	case c.capIn > 0:
		return c.capIn
	}
	return c.cfg.MaxInFlight
}

// Admit asks to send a request at now. When ok, the request is counted in
// flight and t describes it; Observe must follow with its reply (or with
// Outcome Lost if it was never answered). Otherwise the caller asks again
// at retry, or after the next reply when retry is zero (the in-flight cap
// is reached).
func (c *Controller) Admit(now time.Time) (t Ticket, retry time.Time, ok bool) {
	c.advance(now)
	if now.Before(c.pauseUntil) {
		return Ticket{}, c.pauseUntil, false
	}
	if n := c.inFlightLimit(); n > 0 && c.inFlight >= n {
		return Ticket{}, time.Time{}, false
	}
	interval := time.Duration(float64(time.Second) / c.rate)
	if slot := c.tat.Add(-time.Duration(c.cfg.Burst-1) * interval); now.Before(slot) {
		return Ticket{}, slot, false
	}
	// At most ceil(rate)+burst-1 sends in any second, whatever happened
	// before: a server counting a sliding second never sees more.
	cut := now.Add(-time.Second)
	i := 0
	for i < len(c.sends) && !c.sends[i].After(cut) {
		i++
	}
	c.sends = c.sends[i:]
	if k := int(math.Ceil(c.rate)) + c.cfg.Burst - 1; len(c.sends) >= k {
		return Ticket{}, c.sends[len(c.sends)-k].Add(time.Second), false
	}
	// A sender that woke up late (a busy machine, by less than a slot)
	// keeps its slot, so the next one is not pushed back; the window
	// above keeps the second honest. Later than that is idleness.
	if c.tat.Before(now.Add(-interval)) {
		c.tat = now
	}
	c.tat = c.tat.Add(interval)
	c.sends = append(c.sends, now)
	c.inFlight++
	if c.firstSend.IsZero() {
		c.firstSend = now
	}
	return Ticket{Sent: now, InFlight: c.inFlight, Rate: c.rate}, time.Time{}, true
}

// Observe feeds a reply to the controller and returns the new decision.
func (c *Controller) Observe(r Reply, now time.Time) Decision {
	c.lastReply = now
	c.inFlight = max(c.inFlight-1, 0)
	if r.Quota != nil {
		c.applyQuota(*r.Quota, now)
	}
	switch r.Outcome {
	case Accepted:
		c.acc = append(c.acc, sample{at: now, sent: r.Sent, inFlight: r.InFlight})
		if rtt := now.Sub(r.Sent); rtt > 0 {
			if c.srtt == 0 {
				c.srtt = rtt
			} else {
				c.srtt += (rtt - c.srtt) / 8
			}
		}
	case Throttled:
		c.throttled++
		c.throttle(r, now)
	}
	c.advance(now)
	return c.Decision()
}

// throttle handles a 429.
func (c *Controller) throttle(r Reply, now time.Time) {
	if r.RetryAfter > time.Second {
		// A long wait is the server's word for the whole client.
		c.pause(now, now.Add(r.RetryAfter))
	}
	shared := c.shared(r.Sent, now)
	c.acc = append(c.acc, sample{at: now, sent: r.Sent, inFlight: r.InFlight, throttled: true})
	if c.fromHeaders || r.Sent.Before(c.lastCut) {
		return // already reacted to the moment this request was sent in
	}
	if !shared && c.throttledLately() < isolatedMax {
		// A per-call hiccup, so far: hold growth for a moment, do not
		// cut. A probe above the estimate has found the limit, though:
		// back to the estimate, and probe later.
		c.suspect = now
		if m, ok := c.delivered(now); ok && c.sure {
			c.learnInFlight(now, m)
		}
		switch {
		case !c.probeStart.IsZero():
			c.rate = c.clamp(c.est * margin)
			c.probeStart, c.atEstimate = time.Time{}, now
			c.probeWait = c.nextProbeWait(now)
		case c.capIn > minCap && r.InFlight >= c.capIn && now.Sub(c.lastDip) > moment:
			// Refused at the learned cap: the cap is a little high.
			c.capIn--
			c.capAt, c.lastDip = now, now
		case c.sure && now.Sub(c.lastDip) > moment && c.rate >= c.est*margin*0.99:
			// At the estimate and still refused now and then: the
			// estimate is a little high (a bucket's burst counted in it,
			// or the limit moved down). 2% off; a probe wins it back.
			c.est *= 0.98
			c.lastDip = now
			c.rate = c.clamp(min(c.rate, c.est*margin))
		}
		return
	}
	c.cut(r, now)
}

// shared reports whether a 429 for a request sent at sent has a
// neighbour: another 429 for a request sent next to it, with no accepted
// request sent in between. A limit refuses runs of requests; a per-call
// hiccup stands between accepted neighbours.
func (c *Controller) shared(sent, now time.Time) bool {
	c.trim(now)
	for _, s := range c.acc {
		if !s.throttled {
			continue
		}
		lo, hi := s.sent, sent
		if hi.Before(lo) {
			lo, hi = hi, lo
		}
		between := false
		for _, a := range c.acc {
			if !a.throttled && a.sent.After(lo) && a.sent.Before(hi) {
				between = true
				break
			}
		}
		if !between {
			return true
		}
	}
	return false
}

// throttledLately counts the 429s of the last window.
func (c *Controller) throttledLately() int {
	n := 0
	for _, s := range c.acc {
		if s.throttled && s.at.After(c.lastReply.Add(-window)) {
			n++
		}
	}
	return n
}

// cut lowers the rate once for this round trip.
func (c *Controller) cut(r Reply, now time.Time) {
	again := !c.lastCut.IsZero() && now.Sub(c.lastCut) < 2*time.Second
	if again {
		c.cutRun++
	} else {
		c.cutRun = 1
	}
	c.lastCut, c.suspect = now, time.Time{}
	c.cuts++
	measured, ok := c.delivered(now)
	if !ok && !c.measuredAt.IsZero() && now.Sub(c.measuredAt) < 5*time.Second {
		// The last second was spoiled by a pause: the last sound
		// measurement, from before it, is still a fair one.
		measured, ok = c.measured, true
	}
	capped := false
	if ok && c.sure {
		capped = c.learnInFlight(now, measured)
	}
	old := c.est
	// Without a full second of sending, the replies of the last second
	// are what the server allowed so far: a window that filled up, or a
	// bucket's burst and refill. It is a floor on the limit, and half the
	// send rate a ceiling.
	var next float64
	switch {
	case ok:
		next = min(measured, c.rate) * margin
		c.est, c.sure = measured, true
		if again {
			next = min(next, c.rate*0.7)
		}
	case again:
		next = c.rate * 0.7
	default:
		next = min(r.Rate/2, max(float64(c.count(now, window)), r.Rate/4)) * margin
	}
	if again {
		// 429s keep coming at the lowered rate: the server's window is
		// full, so everyone waits.
		wait := r.RetryAfter
		if wait <= 0 {
			wait = min(250*time.Millisecond<<min(c.cutRun-2, 5), 8*time.Second)
		}
		c.pause(now, now.Add(wait))
	}
	if capped {
		// The server limits concurrency: the cap is the answer, and the
		// rate must not bind below it.
		next = max(next, c.rate)
	}
	c.rate = c.clamp(next)
	c.startup = false
	c.holdUntil = now.Add(max(2*c.srtt, 100*time.Millisecond))
	c.lastStep, c.atEstimate, c.probeStart = now, time.Time{}, time.Time{}
	if old > 0 && c.est < 0.9*old {
		c.lastDrop = now
	}
	switch {
	case old > 0 && math.Abs(c.est-old) <= 0.1*old:
		c.probeWait = c.nextProbeWait(now)
	default:
		c.probeWait = minProbeWait
	}
}

// nextProbeWait doubles the quiet spell before a probe, except for a
// minute after the limit was lowered: a limit that moves may move back.
func (c *Controller) nextProbeWait(now time.Time) time.Duration {
	if !c.lastDrop.IsZero() && now.Sub(c.lastDrop) < time.Minute {
		return minProbeWait
	}
	return min(2*c.probeWait, maxProbeWait)
}

// learnInFlight sets an in-flight cap of k-1 when the 429s of the last
// second were all sent with at least k requests in flight, most requests
// sent with k or more were refused, and k-1 requests in flight still carry
// the estimated rate (Little's law with the smoothed round trip): that is
// what a server that limits concurrency looks like. A rate limit refuses
// requests whatever the number in flight.
func (c *Controller) learnInFlight(now time.Time, measured float64) bool {
	c.trim(now)
	k := 0
	for _, s := range c.acc {
		if s.throttled && (k == 0 || s.inFlight < k) {
			k = s.inFlight
		}
	}
	if k-1 < minCap || float64(k-1) < measured*c.srtt.Seconds() {
		return false
	}
	hi, refused := 0, 0
	for _, s := range c.acc {
		if s.inFlight >= k {
			hi++
			if s.throttled {
				refused++
			}
		}
	}
	if refused*5 < hi {
		return false
	}
	if c.capIn == 0 || k-1 < c.capIn {
		c.capIn, c.capAt = k-1, now
	}
	return true
}

func (c *Controller) pause(now, until time.Time) {
	if !until.After(c.pauseUntil) {
		return
	}
	if !now.Before(c.pauseUntil) {
		c.pauseFrom = now
	}
	c.pauseUntil = until
	if c.tat.Before(until) {
		c.tat = until
	}
}

// trim drops replies older than two windows.
func (c *Controller) trim(now time.Time) {
	cut := now.Add(-2 * window)
	i := 0
	for i < len(c.acc) && !c.acc[i].at.After(cut) {
		i++
	}
	c.acc = c.acc[i:]
}

// count returns the replies that were not 429 within w before now.
func (c *Controller) count(now time.Time, w time.Duration) int {
	c.trim(now)
	n := 0
	for _, s := range c.acc {
		if !s.throttled && s.at.After(now.Add(-w)) {
			n++
		}
	}
	return n
}

// delivered returns the replies per second over the last two seconds (or
// the last one, early in a run), when that time was spent sending: not
// before the run is that old, and not across a long pause, which would
// look like a lower limit. Two seconds, because a fixed window counted
// over one second that straddles two of its windows looks up to twice as
// large, and a bucket's burst weighs half as much.
func (c *Controller) delivered(now time.Time) (float64, bool) {
	for _, w := range []time.Duration{window} {
		if c.firstSend.IsZero() || now.Sub(c.firstSend) < w || c.pausedWithin(now, w) > w/4 {
			continue
		}
		c.measured, c.measuredAt = float64(c.count(now, w))/w.Seconds(), now
		return c.measured, true
	}
	return 0, false
}

// pausedWithin returns how much of the last w was spent in a pause.
func (c *Controller) pausedWithin(now time.Time, w time.Duration) time.Duration {
	if c.pauseFrom.IsZero() {
		return 0
	}
	from, until := c.pauseFrom, c.pauseUntil
	if s := now.Add(-w); from.Before(s) {
		from = s
	}
	if now.Before(until) {
		until = now
	}
	return max(until.Sub(from), 0)
}

func (c *Controller) clamp(r float64) float64 {
	return min(max(r, c.cfg.MinRate), c.cfg.MaxRate)
}

// appLimited reports whether fewer requests went out in the last second
// than 80% of the rate allowed.
func (c *Controller) appLimited(now time.Time) bool {
	if c.firstSend.IsZero() || now.Sub(c.firstSend) < time.Second || now.Sub(c.pauseUntil) < time.Second {
		return false
	}
	n := 0
	for _, t := range c.sends {
		if t.After(now.Add(-time.Second)) {
			n++
		}
	}
	return float64(n) < 0.8*c.rate
}

// advance lets the rate grow with time.
func (c *Controller) advance(now time.Time) {
	if now.Before(c.pauseUntil) || now.Before(c.holdUntil) || c.fromHeaders {
		return
	}
	if !c.suspect.IsZero() {
		if now.Sub(c.suspect) <= moment {
			return
		}
		c.suspect = time.Time{}
	}
	if c.capIn > 0 && now.Sub(c.capAt) >= c.probeWait && (c.cfg.MaxInFlight == 0 || c.capIn < c.cfg.MaxInFlight) {
		c.capIn++
		c.capAt = now
	}
	since := now.Sub(c.lastStep)
	switch {
	case c.rate >= c.cfg.MaxRate:
		c.startup = false
		return
	case !c.startup && c.appLimited(now):
		// Sending less than the rate allows (the in-flight cap, slow
		// replies, the end of the list): growing it would prove nothing
		// and release a burst later.
		return
	case c.startup:
		if since >= startupStep {
			// Double only while replies keep up with the rate (at least
			// half of what it sent over two steps came back), as TCP's
			// slow start is clocked by its acks: the overshoot when the
			// limit shows up stays near twice the limit.
			c.lastStep = now
			w := 2 * startupStep
			if float64(c.count(now, w)) >= 0.4*c.rate*w.Seconds() {
				c.rate = c.clamp(2 * c.rate)
			}
		}
	case !c.sure:
		if since >= growStep {
			c.rate, c.lastStep = c.clamp(1.25*c.rate), now
		}
	case c.rate < c.est*margin && c.atEstimate.IsZero():
		if since >= growStep {
			c.rate, c.lastStep = c.clamp(min(1.1*c.rate, c.est*margin)), now
			if c.rate >= c.est*margin {
				c.atEstimate = now
			}
		}
	default:
		if c.atEstimate.IsZero() {
			c.atEstimate = now
		}
		if c.probeStart.IsZero() {
			if now.Sub(c.atEstimate) < c.probeWait {
				return
			}
			c.probeStart = now
		}
		m, ok := c.delivered(now)
		if ok && m > c.est {
			c.est = m // the limit is higher than thought
		}
		g := now.Sub(c.probeStart).Seconds()
		// Two steps first: 2% for half a second, then 6% above the
		// estimate for a whole second, as long as a window, so that a
		// window limit can refuse it before the probe goes further.
		// Past those the limit has moved up, and the probe doubles its
		// gain every half second.
		gain := 1 + probeGain*(math.Exp2(2*(g-1.5)+2)-1)
		switch {
		case g < 0.5:
			gain = 1 + probeGain
		case g < 1.5:
			gain = 1 + 3*probeGain
		}
		next := c.est * margin * gain
		c.rate = c.clamp(next)
	}
}

// applyQuota uses rate-limit headers: the policy is the limit, and an
// exhausted quota pauses until it resets.
func (c *Controller) applyQuota(q Quota, now time.Time) {
	if q.Limit > 0 && q.Window > 0 {
		c.est = float64(q.Limit) / q.Window.Seconds()
		c.fromHeaders, c.startup, c.sure = true, false, true
		c.rate = c.clamp(c.est * headersMargin)
	}
	if q.Remaining == 0 && q.Reset > 0 {
		c.pause(now, now.Add(q.Reset))
	}
}

package pacing

import (
	"container/heap"
	"fmt"
	"math"
	"time"

	"github.com/retell-export/retell-export/export/fakeapi"
)

// The simulation runs the controller against the limit shapes of
// export/fakeapi on a fake clock: workers take calls from a list, ask the
// controller, send, and feed it the reply after the server's latency,
// retrying as export.Client does (a 429 waits for its Retry-After or a
// backoff; 5xx and resets retry with backoff).

type raMode int

const (
	raNone raMode = iota
	raMillis
	raSeconds
)

type simFault int

const (
	fault429 simFault = iota + 1
	fault500
	faultReset
)

type scenario struct {
	name    string
	limit   func() fakeapi.Limit
	latency time.Duration
	calls   int
	rps     float64
	workers int
	ra      raMode
	headers bool
	faults  map[int][]simFault
	slow    map[int]time.Duration
	trace   func(string)
}

type outcome struct {
	elapsed   time.Duration
	requests  int
	throttled int
	failed    int
	allowed   float64       // requests the limit allowed over the run
	reach90   time.Duration // first time the server accepted 90% of its limit over a second; -1 = never
	est       Estimates
}

func (o outcome) ratio(calls int) float64 { return float64(calls) / o.allowed }
func (o outcome) share() float64          { return float64(o.throttled) / float64(o.requests) }

func (o outcome) String() string {
	return fmt.Sprintf("%.1fs, %d requests, %d×429 (%.2f%%), %d failed, 90%% after %.1fs, est %.1f/s cap %d",
		o.elapsed.Seconds(), o.requests, o.throttled, 100*o.share(), o.failed, o.reach90.Seconds(), o.est.Limit, o.est.InFlight)
}

type event struct {
	at     time.Time
	seq    int
	worker int
	reply  *pendingReply // nil: the worker is ready to send
}

type pendingReply struct {
	reply    Reply
	status   int // 200, 429, 500, 0 = reset
	admitted bool
}

type events []*event

func (e events) Len() int { return len(e) }
func (e events) Less(i, j int) bool {
	if !e[i].at.Equal(e[j].at) {
		return e[i].at.Before(e[j].at)
	}
	return e[i].seq < e[j].seq
}
func (e events) Swap(i, j int) { e[i], e[j] = e[j], e[i] }
func (e *events) Push(x any)   { *e = append(*e, x.(*event)) }
func (e *events) Pop() any {
	old := *e
	x := old[len(old)-1]
	*e = old[:len(old)-1]
	return x
}

type worker struct {
	call     int // -1 = idle
	throttle int // 429s for this call
	retried  int
}

func simulate(sc scenario) outcome {
	start := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
	lim := sc.limit()
	ctl := New(Config{MaxRate: sc.rps, MaxInFlight: sc.workers}, start)
	var q events
	seq := 0
	push := func(at time.Time, w int, r *pendingReply) {
		seq++
		heap.Push(&q, &event{at: at, seq: seq, worker: w, reply: r})
	}
	faults := map[int][]simFault{}
	for k, v := range sc.faults {
		faults[k] = append([]simFault(nil), v...)
	}
	ws := make([]worker, sc.workers)
	next := 0
	for i := range ws {
		ws[i].call = -1
		push(start, i, nil)
	}
	var waiting []int
	var out outcome
	var accepted []time.Time
	end := start
	done := 0
	for q.Len() > 0 && done < sc.calls {
		ev := heap.Pop(&q).(*event)
		now := ev.at
		w := &ws[ev.worker]
		if ev.reply != nil {
			pr := ev.reply
			if pr.admitted {
				lim.Done(now)
			}
			before := ctl.Estimates()
			ctl.Observe(pr.reply, now)
			if after := ctl.Estimates(); sc.trace != nil && (after.Cuts != before.Cuts || after.InFlight != before.InFlight || (pr.status == 429)) {
				sc.trace(fmt.Sprintf("%7.3fs %d sentIF=%d rate %.1f→%.1f est %.1f cap %d pause %v", now.Sub(start).Seconds(), pr.status, pr.reply.InFlight, before.Rate, after.Rate, after.Limit, after.InFlight, ctl.pauseUntil.Sub(now)))
			}
			for _, wi := range waiting {
				push(now, wi, nil)
			}
			waiting = waiting[:0]
			switch pr.status {
			case 200:
				done++
				end = now
				w.call = -1
				push(now, ev.worker, nil)
			case 429:
				w.throttle++
				wait := pr.reply.RetryAfter
				if wait <= 0 {
					wait = backoff(w.throttle - 1)
				}
				push(now.Add(wait), ev.worker, nil)
			default:
				w.retried++
				if w.retried > 4 {
					out.failed++
					done++
					w.call = -1
					push(now, ev.worker, nil)
					continue
				}
				push(now.Add(backoff(w.retried-1)), ev.worker, nil)
			}
			continue
		}
		if w.call < 0 {
			if next >= sc.calls {
				continue
			}
			w.call, w.throttle, w.retried = next, 0, 0
			next++
		}
		t, retry, ok := ctl.Admit(now)
		if !ok {
			if retry.IsZero() {
				waiting = append(waiting, ev.worker)
			} else {
				push(retry, ev.worker, nil)
			}
			continue
		}
		out.requests++
		pr := &pendingReply{reply: Reply{Ticket: t}}
		delay := sc.latency + sc.slow[w.call]
		var f simFault
		if fs := faults[w.call]; len(fs) > 0 {
			f, faults[w.call] = fs[0], fs[1:]
		}
		switch {
		case f == faultReset:
			pr.reply.Outcome, pr.status = Lost, 0
		case f == fault500:
			pr.reply.Outcome, pr.status = Accepted, 500
		case f == fault429:
			pr.reply.Outcome, pr.status = Throttled, 429
			if sc.ra != raNone {
				pr.reply.RetryAfter = time.Second
			}
			out.throttled++
		default:
			wait, admitted := lim.Admit(now)
			pr.admitted = admitted
			if admitted {
				pr.reply.Outcome, pr.status = Accepted, 200
				accepted = append(accepted, now)
			} else {
				pr.reply.Outcome, pr.status = Throttled, 429
				out.throttled++
				switch sc.ra {
				case raMillis:
					pr.reply.RetryAfter = max(wait, time.Millisecond)
				case raSeconds:
					pr.reply.RetryAfter = max(wait+time.Second-1, time.Second).Truncate(time.Second)
				}
			}
			if sc.headers {
				if fq, ok := lim.Quota(now); ok {
					pr.reply.Quota = &Quota{Limit: fq.Limit, Window: fq.Window, Remaining: fq.Remaining, Reset: fq.Reset}
				}
			}
		}
		push(now.Add(delay), ev.worker, pr)
	}
	out.elapsed = end.Sub(start)
	out.est = ctl.Estimates()
	out.reach90 = -1
	const dt = 10 * time.Millisecond
	j := 0
	for t := start; t.Before(end); t = t.Add(dt) {
		out.allowed += lim.Rate(t) * dt.Seconds()
		if out.reach90 >= 0 {
			continue
		}
		for j < len(accepted) && !accepted[j].After(t.Add(-time.Second)) {
			j++
		}
		k := j
		for k < len(accepted) && !accepted[k].After(t) {
			k++
		}
		if float64(k-j) >= 0.9*lim.Rate(t) {
			out.reach90 = t.Sub(start)
		}
	}
	return out
}

// backoff is export.Backoff without jitter.
func backoff(attempt int) time.Duration {
	return min(500*time.Millisecond<<min(attempt, 10), 8*time.Second)
}

var _ = math.Inf

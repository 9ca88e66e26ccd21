package export

import (
	"math"
	"time"
)

// Measures are what every output counts of a call, each defined once,
// here: the summary (package analyze) counts and sums them, the calls
// table stores them as columns, and the loader kit's views aggregate
// those columns with the expressions docs/metrics.md gives. A figure in
// the workbook and the same figure queried from the lake therefore come
// from the same code.
type Measures struct {
	// StartMs is start_timestamp when it is a plausible time (after 1970,
	// before the year 9999); 0 when there is none: the call counts as
	// without a start, as in the archive's date index (NoDate).
	StartMs int64
	// Connected: the call reached a conversation. It has a start and its
	// status is neither not_connected (the dial failed) nor registered
	// (never joined); ongoing, ended, error and unknown statuses with a
	// start count.
	Connected bool
	// DurationMs is duration_ms (or end - start for older records) when
	// it is plausible (0 to 1e12 ms); nil otherwise. Talk minutes are the
	// durations of connected calls.
	DurationMs *int64
	// Transferred: the call was handed on to someone else: its
	// disconnection_reason is call_transfer, transfer_bridged or
	// call_take_over (not transfer_cancelled, which did not happen).
	Transferred bool
	// Analysed: call_analysis has arrived. Sentiment, success and
	// voicemail rates are over analysed calls that carry the verdict.
	Analysed bool
	// CostCents is call_cost.combined_cost when plausible; nil when the
	// call has none (unknown, not free).
	CostCents *float64
	// Settled: the record will not change any more (see Settled).
	Settled bool
}

// MaxMagnitude bounds the numbers taken in as measures: nothing real (ms,
// seconds, cents) comes near it, and beyond it a value is garbage a sum
// must not absorb.
const MaxMagnitude = 1e12

// Plausible reports whether v is finite and within ±MaxMagnitude.
func Plausible(v float64) bool { return !math.IsNaN(v) && math.Abs(v) <= MaxMagnitude }

// PlausibleStart reports whether an epoch-ms start can be a real call:
// from 1970 to the end of 9999, short a day so that no time zone pushes it
// out of the years JSON timestamps can show.
func PlausibleStart(ms int64) bool {
	return ms >= 0 && ms < time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC).UnixMilli()
}

// transferReasons are the disconnection reasons of a call handed on.
func isTransferReason(reason string) bool {
	switch reason {
	case "call_transfer", "transfer_bridged", "call_take_over":
		return true
	}
	return false
}

// Measures returns the call's measures.
func (c *Call) Measures() Measures {
	m := Measures{
		Transferred: isTransferReason(c.DisconnectionReason),
		Analysed:    c.CallAnalysis != nil,
		Settled:     c.Settled(),
	}
	m.StartMs = c.StartMs()
	m.Connected = m.StartMs != 0 && c.CallStatus != StatusNotConnected && c.CallStatus != StatusRegistered
	if d, ok := c.Duration(); ok && d >= 0 && Plausible(float64(d.Milliseconds())) {
		ms := d.Milliseconds()
		m.DurationMs = &ms
	}
	if cents, ok := c.CostCents(); ok && Plausible(cents) {
		m.CostCents = &cents
	}
	return m
}

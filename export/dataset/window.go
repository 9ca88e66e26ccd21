package dataset

import (
	"errors"
	"time"
)

// ErrNoHighWater is the window of a first incremental run that was not
// told where to start: there is no earlier run to continue from.
var ErrNoHighWater = errors.New("a first incremental run needs a start (later runs continue from where the last one stopped)")

// Window returns the listing window of an incremental run: from the
// state's high-water mark minus lookback, or from since when it is given
// (a first run, or a deliberate re-scan), to until, or now when until is
// zero.
func (s *State) Window(since, until time.Time, lookback time.Duration, now time.Time) (from, to time.Time, err error) {
	switch {
	case !since.IsZero():
		from = since
	case s.HighWater == 0:
		return time.Time{}, time.Time{}, ErrNoHighWater
	default:
		from = time.UnixMilli(s.HighWater).Add(-lookback)
	}
	to = until
	if to.IsZero() {
		to = now
	}
	return from, to, nil
}

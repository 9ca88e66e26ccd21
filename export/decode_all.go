package export

import (
	"bytes"
	"context"
	"time"

	"github.com/retell-export/retell-export/export/ordered"
)

// DecodeAll decodes saved bodies on every core and hands the calls on
// in the order the bodies came. produce reads the bodies (from the archive
// or --from files) and passes each to send with where it is and when it
// was fetched (zero when unknown); send copies the body, which is only
// valid during the call. A body that does not decode goes to bad; an
// error from emit stops the reading and is returned.
func DecodeAll(ctx context.Context, produce func(send func(body []byte, where string, fetched time.Time) error) error,
	emit func(*Call) error, bad func(where string, err error)) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type raw struct {
		body    []byte
		where   string
		fetched time.Time
	}
	type decoded struct {
		c     *Call
		where string
	}
	in := make(chan raw, 64)
	produced := make(chan error, 1)
	go func() {
		defer close(in)
		produced <- produce(func(body []byte, where string, fetched time.Time) error {
			select {
			case in <- raw{bytes.Clone(body), where, fetched}:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	out := ordered.OrderedMap(ctx, in, 0, 128, func(r raw) (decoded, error) {
		c, err := DecodeCall(r.body)
		if c != nil {
			c.FetchedAt = r.fetched
		}
		return decoded{c: c, where: r.where}, err
	})
	var emitErr error
	for res := range out {
		if emitErr != nil {
			continue // drain: the stage ends once the producer sees the cancel
		}
		if res.Err != nil {
			bad(res.Value.where, res.Err)
			continue
		}
		if emitErr = emit(res.Value.c); emitErr != nil {
			cancel()
		}
	}
	if perr := <-produced; emitErr == nil {
		return perr
	}
	return emitErr
}

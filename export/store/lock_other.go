//go:build !unix

package store

import (
	"context"
	"errors"
)

// Lock is not implemented without flock(2).
func (d *Dir) Lock(context.Context, string, Holder) (Lock, error) {
	return nil, errors.New("locking an output directory needs a Unix system")
}

//go:build unix

package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
)

// Lock takes an exclusive flock(2) on the file name and writes the holder
// into it. The kernel drops a flock when its process dies, however it
// dies, so a lock file that can be locked but still names a holder was
// left by a run that no longer exists: it is taken over. The file is never
// removed: removing it would let a run that opened it just before lock a
// file no one else sees.
func (d *Dir) Lock(_ context.Context, name string, me Holder) (Lock, error) {
	p := d.Path(name)
	f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", p, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		defer f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			var h Holder
			b, _ := io.ReadAll(f)
			json.Unmarshal(b, &h) // an unreadable holder is still a holder
			return nil, &LockedError{Where: d.root, Holder: h}
		}
		return nil, fmt.Errorf("lock %s: %w", p, err)
	}
	l := &dirLock{f: f, lost: make(chan struct{})}
	if b, _ := io.ReadAll(f); len(b) > 0 {
		var h Holder
		if json.Unmarshal(b, &h) == nil && h.PID != 0 {
			l.stale, l.tookOver = h, true
		}
	}
	b, _ := json.Marshal(me)
	if err := rewrite(f, b); err != nil {
		l.Release()
		return nil, fmt.Errorf("lock %s: %w", p, err)
	}
	return l, nil
}

type dirLock struct {
	f        *os.File
	lost     chan struct{}
	stale    Holder
	tookOver bool
}

func (l *dirLock) Lost() <-chan struct{}    { return l.lost }
func (l *dirLock) TookOver() (Holder, bool) { return l.stale, l.tookOver }

// Release empties the file (a holder that is gone is not stale) and
// unlocks it.
func (l *dirLock) Release() error {
	err := rewrite(l.f, nil)
	return errors.Join(err, syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN), l.f.Close())
}

func rewrite(f *os.File, b []byte) error {
	if err := f.Truncate(0); err != nil {
		return err
	}
	if _, err := f.WriteAt(b, 0); err != nil {
		return err
	}
	return f.Sync()
}

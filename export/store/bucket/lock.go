package bucket

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/retell-export/retell-export/export/store"
	"gocloud.dev/blob"
)

// A bucket has no flock and no process table: its lock is an object
// holding a lease. It is created only if absent (If-None-Match: * on S3
// and Azure, ifGenerationMatch=0 on GCS), renewed every DefaultRenew with
// a precondition on the version this run last wrote (If-Match on the
// ETag, or ifGenerationMatch), and deleted at Release on the same
// precondition. A lock not renewed for its lease belongs to a run that
// is gone; it is taken over with a precondition on the stale version
// read, so of two runs that find it stale only one can replace it.
const (
	DefaultLease = 2 * time.Minute
	DefaultRenew = 30 * time.Second
)

// lockRecord is the lock object: the holder, when it last renewed, its
// lease, and a token naming this acquisition (two runs with one pid on
// two hosts, or one run reading back what it wrote, tell each other
// apart by it).
type lockRecord struct {
	store.Holder
	Lease time.Duration `json:"lease_ns"`
	Token string        `json:"token"`
}

// leaseExpired decides whether a lock record is stale at now: its holder
// did not renew it within its lease. A record without times (unreadable,
// or written by something else) is stale.
func leaseExpired(r lockRecord, now time.Time, defaultLease time.Duration) bool {
	lease := r.Lease
	if lease <= 0 {
		lease = defaultLease
	}
	last := r.Renewed
	if last.IsZero() {
		last = r.Started
	}
	return now.Sub(last) > lease
}

// mustGiveUp decides whether a holder that could not renew since
// lastRenewed should stop vouching for its lock: one renewal period
// before others may see it as stale, which leaves that period's worth of
// clock skew between machines.
func mustGiveUp(lastRenewed, now time.Time, lease, renew time.Duration) bool {
	return now.Sub(lastRenewed) >= lease-renew
}

// Lock takes the lock object name; see the comment above.
func (s *Bucket) Lock(ctx context.Context, name string, me store.Holder) (store.Lock, error) {
	if _, err := s.key(name); err != nil {
		return nil, err
	}
	token, err := newToken()
	if err != nil {
		return nil, err
	}
	for range 8 {
		rec := lockRecord{Holder: me, Lease: s.lease, Token: token}
		rec.Renewed = s.now()
		ver, err := s.putLock(ctx, name, rec, "")
		if err == nil {
			return s.hold(name, rec, ver, store.Holder{}, false), nil
		}
		if !isPrecondition(err) {
			return nil, err
		}
		cur, curVer, err := s.readLock(ctx, name)
		if errors.Is(err, errLockGone) {
			continue // released meanwhile: try to create it again
		}
		if err != nil {
			return nil, err
		}
		if !leaseExpired(cur, s.now(), s.lease) {
			return nil, &store.LockedError{Where: s.String(), Holder: cur.Holder}
		}
		rec.Renewed = s.now()
		ver, err = s.putLock(ctx, name, rec, curVer)
		if err == nil {
			return s.hold(name, rec, ver, cur.Holder, true), nil
		}
		if !isPrecondition(err) {
			return nil, err
		}
		// Another run replaced the stale lock first: look again.
	}
	return nil, fmt.Errorf("%s: lock: contended, try again", s.where(name))
}

var errLockGone = errors.New("lock object gone")

func newToken() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// putLock writes rec if the lock object's current version is ifVer, or
// if there is none when ifVer is "". It returns the version written,
// read back with the record so the two belong together: a version read
// separately could already be someone else's.
func (s *Bucket) putLock(ctx context.Context, name string, rec lockRecord, ifVer string) (string, error) {
	opts := &blob.WriterOptions{}
	if ifVer == "" {
		opts.IfNotExist = true
	} else {
		opts.BeforeWrite = s.vers.writeIf(ifVer)
	}
	o, err := s.create(ctx, name, opts)
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(rec)
	if err != nil {
		o.Abort()
		return "", err
	}
	if _, err := o.Write(b); err != nil {
		o.Abort()
		return "", lockError(s.where(name), err)
	}
	if err := o.Commit(); err != nil {
		return "", lockError(s.where(name), err)
	}
	got, ver, err := s.readLock(ctx, name)
	if errors.Is(err, errLockGone) || err == nil && got.Token != rec.Token {
		return "", &Error{Where: s.where(name), Op: "lock", Kind: KindPrecondition, Detail: "replaced after writing", err: errLockGone}
	}
	return ver, err
}

// lockError relabels a storage error as the lock's.
func lockError(where string, err error) error {
	var e *Error
	if errors.As(err, &e) {
		c := *e
		c.Op = "lock"
		return &c
	}
	return err
}

// readLock reads the lock record with its version.
func (s *Bucket) readLock(ctx context.Context, name string) (lockRecord, string, error) {
	key, _ := s.key(name)
	r, err := s.b.NewReader(ctx, key, nil)
	if err != nil {
		if k, _ := classify(err); k == KindNotFound {
			return lockRecord{}, "", errLockGone
		}
		return lockRecord{}, "", storageError("lock", s.where(name), err)
	}
	defer r.Close()
	b, err := io.ReadAll(io.LimitReader(r, 1<<16))
	if err != nil {
		return lockRecord{}, "", storageError("lock", s.where(name), err)
	}
	ver := s.vers.version(r)
	if ver == "" {
		return lockRecord{}, "", fmt.Errorf("%s: lock: the store did not say which version it read, so the lock cannot be held safely", s.where(name))
	}
	var rec lockRecord
	json.Unmarshal(b, &rec) // an unreadable record is a stale one
	return rec, ver, nil
}

// opTimeout bounds one renewal or the release: a renewal period, and
// never less than 10 s, which a loaded store can take to answer.
func (s *Bucket) opTimeout() time.Duration { return max(s.renew, 10*time.Second) }

// hold starts renewing a lock just taken.
func (s *Bucket) hold(name string, rec lockRecord, ver string, stale store.Holder, tookOver bool) *bucketLock {
	l := &bucketLock{
		s: s, name: name, rec: rec, ver: ver, stale: stale, tookOver: tookOver,
		lost: make(chan struct{}), stop: make(chan struct{}), done: make(chan struct{}),
	}
	go l.renewLoop()
	return l
}

type bucketLock struct {
	s        *Bucket
	name     string
	rec      lockRecord // as last written
	ver      string     // its version; owned by renewLoop until done closes
	stale    store.Holder
	tookOver bool

	lost     chan struct{}
	lostOnce sync.Once
	stop     chan struct{}
	done     chan struct{}
	released bool
}

func (l *bucketLock) Lost() <-chan struct{}          { return l.lost }
func (l *bucketLock) TookOver() (store.Holder, bool) { return l.stale, l.tookOver }

func (l *bucketLock) markLost() { l.lostOnce.Do(func() { close(l.lost) }) }

// renewLoop renews the lease until Release, or until the lock is lost:
// someone else's version is in place (a precondition failed, or the
// object is gone), or renewals failed for so long that others may
// already take the lock as stale.
func (l *bucketLock) renewLoop() {
	defer close(l.done)
	t := time.NewTicker(l.s.renew)
	defer t.Stop()
	lastOK := l.rec.Renewed
	for {
		select {
		case <-l.stop:
			return
		case <-t.C:
		}
		rec := l.rec
		rec.Renewed = l.s.now()
		ctx, cancel := context.WithTimeout(context.Background(), l.s.opTimeout())
		ver, err := l.s.putLock(ctx, l.name, rec, l.ver)
		cancel()
		switch {
		case err == nil:
			l.rec, l.ver, lastOK = rec, ver, rec.Renewed
		case isPrecondition(err) || errors.Is(err, errLockGone):
			l.markLost()
			return
		case mustGiveUp(lastOK, l.s.now(), l.s.lease, l.s.renew):
			l.markLost()
			return
		}
	}
}

// Release stops renewing and deletes the lock object if it is still the
// version this run wrote. The record is read first and the delete is
// conditional too: a store that ignores the delete's precondition then
// still only deletes a lock that named this run a moment before.
func (l *bucketLock) Release() error {
	if l.released {
		return nil
	}
	l.released = true
	close(l.stop)
	<-l.done
	defer l.markLost()
	ctx, cancel := context.WithTimeout(context.Background(), l.s.opTimeout())
	defer cancel()
	cur, ver, err := l.s.readLock(ctx, l.name)
	if errors.Is(err, errLockGone) {
		return nil
	}
	if err != nil {
		return err
	}
	if cur.Token != l.rec.Token || ver != l.ver {
		return nil // taken over after it was lost: not ours to delete
	}
	key, _ := l.s.key(l.name)
	err = l.s.b.DeleteWithOptions(ctx, key, &blob.DeleteOptions{BeforeDelete: l.s.vers.deleteIf(ver)})
	if err == nil || isPrecondition(storageError("lock", l.s.where(l.name), err)) {
		return nil
	}
	if k, _ := classify(err); k == KindNotFound {
		return nil
	}
	return storageError("lock", l.s.where(l.name), err)
}

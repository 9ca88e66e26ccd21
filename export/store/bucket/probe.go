package bucket

import (
	"context"
	"errors"
	"fmt"

	"github.com/retell-export/retell-export/export/store"
)

// Probe checks at start-up that the run can do what it will do to s:
// write an object, read it back, list it and remove it. It stops a run
// against a missing bucket, denied access, a wrong region or missing or
// expired credentials before any call is fetched, with one line saying
// which (see Error); no credential is part of that line.
func Probe(ctx context.Context, s store.Store) error {
	token, err := newToken()
	if err != nil {
		return err
	}
	name := ".probe-" + token
	data := []byte("retell-export probe: safe to delete\n")
	if err := store.WriteAll(ctx, s, name, data); err != nil {
		return probeError(s, "write", err)
	}
	defer s.Remove(context.WithoutCancel(ctx), name)
	got, err := store.ReadAll(ctx, s, name)
	if err != nil {
		return probeError(s, "read", err)
	}
	if string(got) != string(data) {
		return fmt.Errorf("%s: a test object read back differently than it was written", s)
	}
	es, err := s.List(ctx, name)
	if err != nil {
		return probeError(s, "list", err)
	}
	if len(es) != 1 || es[0].Name != name {
		return fmt.Errorf("%s: a test object just written is not listed", s)
	}
	if err := s.Remove(ctx, name); err != nil {
		return probeError(s, "delete", err)
	}
	return nil
}

// probeError says what the user has to fix, in one line.
func probeError(s store.Store, op string, err error) error {
	var e *Error
	if !errors.As(err, &e) {
		return fmt.Errorf("%s: cannot %s a test object: %w", s, op, err)
	}
	var fix string
	switch e.Kind {
	case KindNoBucket, KindNotFound:
		fix = "the bucket does not exist; create it or fix the URL"
	case KindDenied:
		fix = fmt.Sprintf("access denied: the credentials may not %s objects here; grant read, write, list and delete on this prefix", op)
	case KindCredentials:
		fix = "the credentials are missing, unknown or expired; see docs/object-storage.md for where they are read from"
	case KindRegion:
		fix = "the bucket is in another region; add ?region=<its region> to the URL or set AWS_REGION"
	case KindUnreachable:
		fix = "the storage endpoint cannot be reached; check the network and any endpoint setting (AWS_ENDPOINT_URL, ?endpoint=)"
	default:
		return &probeFailure{where: s.String(), msg: "cannot " + op + " a test object: " + e.reason(), err: e}
	}
	if e.Detail != "" {
		fix += " (" + e.Detail + ")"
	}
	return &probeFailure{where: s.String(), msg: fix, err: e}
}

// probeFailure is Probe's one line; the storage error stays reachable.
type probeFailure struct {
	where, msg string
	err        *Error
}

func (p *probeFailure) Error() string { return p.where + ": " + p.msg }
func (p *probeFailure) Unwrap() error { return p.err }

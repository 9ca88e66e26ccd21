// Package storetest holds the contract every store.Store keeps, as a test
// each backend's tests run against a fresh, empty store of its own.
package storetest

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"slices"
	"testing"
	"time"

	"github.com/retell-export/retell-export/export/store"
)

// Run checks the contract every Store keeps against s, a fresh, empty
// store.
func Run(t *testing.T, s store.Store) {
	ctx := context.Background()
	names := func(prefix string) []string {
		t.Helper()
		es, err := s.List(ctx, prefix)
		if err != nil {
			t.Fatalf("List(%q): %v", prefix, err)
		}
		var out []string
		for _, e := range es {
			if !store.IsTemp(e.Name) {
				out = append(out, e.Name)
			}
		}
		return out
	}

	if _, err := s.Open(ctx, "a/missing"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open(missing) = %v, want fs.ErrNotExist", err)
	}
	if err := store.WriteAll(ctx, s, "a/b/one.txt", []byte("0123456789")); err != nil {
		t.Fatal(err)
	}
	o, err := s.Create(ctx, "a/b/two.txt")
	if err != nil {
		t.Fatal(err)
	}
	o.Write([]byte("half"))
	if got := names("a/"); !slices.Equal(got, []string{"a/b/one.txt"}) {
		t.Errorf("before Commit, List = %v: an unfinished object is visible", got)
	}
	if err := o.Abort(); err != nil {
		t.Fatal(err)
	}
	if got := names("a/"); !slices.Equal(got, []string{"a/b/one.txt"}) {
		t.Errorf("after Abort, List = %v", got)
	}
	if err := store.WriteAll(ctx, s, "a/c.txt", []byte("c")); err != nil {
		t.Fatal(err)
	}
	if got := names("a/"); !slices.Equal(got, []string{"a/b/one.txt", "a/c.txt"}) {
		t.Errorf("List(a/) = %v", got)
	}
	if got := names("a/b/o"); !slices.Equal(got, []string{"a/b/one.txt"}) {
		t.Errorf("List(a/b/o) = %v", got)
	}
	r, err := s.OpenRange(ctx, "a/b/one.txt", 3, 4)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(r)
	r.Close()
	if string(b) != "3456" {
		t.Errorf("OpenRange(3, 4) = %q", b)
	}
	if err := store.WriteAll(ctx, s, "a/c.txt", []byte("new")); err != nil {
		t.Fatal(err)
	}
	if b, _ := store.ReadAll(ctx, s, "a/c.txt"); string(b) != "new" {
		t.Errorf("replaced object reads %q", b)
	}
	// A replacement in progress, then aborted, leaves the object as it was.
	o, err = s.Create(ctx, "a/c.txt")
	if err != nil {
		t.Fatal(err)
	}
	o.Write([]byte("unfinished"))
	if b, _ := store.ReadAll(ctx, s, "a/c.txt"); string(b) != "new" {
		t.Errorf("during a replacement, the object reads %q", b)
	}
	if err := o.Abort(); err != nil {
		t.Fatal(err)
	}
	if err := o.Commit(); err != nil {
		t.Errorf("Commit after Abort: %v", err)
	}
	if b, _ := store.ReadAll(ctx, s, "a/c.txt"); string(b) != "new" {
		t.Errorf("after an aborted replacement, the object reads %q", b)
	}
	for _, n := range []string{"a/b/one.txt", "a/c.txt", "a/never.txt"} {
		if err := s.Remove(ctx, n); err != nil {
			t.Errorf("Remove(%s): %v", n, err)
		}
	}
	if got := names(""); len(got) != 0 {
		t.Errorf("after Remove, List = %v", got)
	}

	me := store.Holder{PID: 1, Host: "here", Started: time.Now()}
	l, err := s.Lock(ctx, "lock", me)
	if err != nil {
		t.Fatal(err)
	}
	if _, took := l.TookOver(); took {
		t.Error("a fresh lock says it took over")
	}
	var le *store.LockedError
	if _, err := s.Lock(ctx, "lock", store.Holder{PID: 2, Host: "there"}); !errors.As(err, &le) || le.Holder.PID != 1 || le.Holder.Host != "here" {
		t.Fatalf("second Lock = %v, want a *LockedError naming pid 1", err)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	l2, err := s.Lock(ctx, "lock", store.Holder{PID: 3, Host: "here"})
	if err != nil {
		t.Fatalf("Lock after Release: %v", err)
	}
	if _, took := l2.TookOver(); took {
		t.Error("a released lock counts as stale")
	}
	l2.Release()
}

package store

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// testStore checks the contract every Store keeps; each backend's test
// runs it against a fresh, empty store.
func testStore(t *testing.T, s Store) {
	ctx := context.Background()
	names := func(prefix string) []string {
		t.Helper()
		es, err := s.List(ctx, prefix)
		if err != nil {
			t.Fatalf("List(%q): %v", prefix, err)
		}
		var out []string
		for _, e := range es {
			if !IsTemp(e.Name) {
				out = append(out, e.Name)
			}
		}
		return out
	}

	if _, err := s.Open(ctx, "a/missing"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open(missing) = %v, want fs.ErrNotExist", err)
	}
	if err := WriteAll(ctx, s, "a/b/one.txt", []byte("0123456789")); err != nil {
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
	if err := WriteAll(ctx, s, "a/c.txt", []byte("c")); err != nil {
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
	if err := WriteAll(ctx, s, "a/c.txt", []byte("new")); err != nil {
		t.Fatal(err)
	}
	if b, _ := ReadAll(ctx, s, "a/c.txt"); string(b) != "new" {
		t.Errorf("replaced object reads %q", b)
	}
	// A replacement in progress, then aborted, leaves the object as it was.
	o, err = s.Create(ctx, "a/c.txt")
	if err != nil {
		t.Fatal(err)
	}
	o.Write([]byte("unfinished"))
	if b, _ := ReadAll(ctx, s, "a/c.txt"); string(b) != "new" {
		t.Errorf("during a replacement, the object reads %q", b)
	}
	if err := o.Abort(); err != nil {
		t.Fatal(err)
	}
	if err := o.Commit(); err != nil {
		t.Errorf("Commit after Abort: %v", err)
	}
	if b, _ := ReadAll(ctx, s, "a/c.txt"); string(b) != "new" {
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

	me := Holder{PID: 1, Host: "here", Started: time.Now()}
	l, err := s.Lock(ctx, "lock", me)
	if err != nil {
		t.Fatal(err)
	}
	if _, took := l.TookOver(); took {
		t.Error("a fresh lock says it took over")
	}
	var le *LockedError
	if _, err := s.Lock(ctx, "lock", Holder{PID: 2, Host: "there"}); !errors.As(err, &le) || le.Holder.PID != 1 || le.Holder.Host != "here" {
		t.Fatalf("second Lock = %v, want a *LockedError naming pid 1", err)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	l2, err := s.Lock(ctx, "lock", Holder{PID: 3, Host: "here"})
	if err != nil {
		t.Fatalf("Lock after Release: %v", err)
	}
	if _, took := l2.TookOver(); took {
		t.Error("a released lock counts as stale")
	}
	l2.Release()
}

func TestDir(t *testing.T) {
	dir := t.TempDir()
	s, err := OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	testStore(t, s)
	// Remove took the emptied directories with it.
	if _, err := os.Stat(filepath.Join(dir, "a")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a/ is still there after its last file went: %v", err)
	}
}

func TestDirLockLeftByDeadRun(t *testing.T) {
	dir := t.TempDir()
	// A run killed with -9 leaves its holder in the file, but no flock.
	os.WriteFile(filepath.Join(dir, ".lock"), []byte(`{"pid":4242,"host":"h","started":"2026-11-27T01:00:00Z"}`), 0o644)
	s, _ := OpenDir(dir)
	l, err := s.Lock(context.Background(), ".lock", Holder{PID: os.Getpid(), Host: "h"})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	if h, took := l.TookOver(); !took || h.PID != 4242 {
		t.Errorf("TookOver = %v, %v; want the dead run's pid 4242", h, took)
	}
}

package store_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/retell-export/retell-export/export/store"
	"github.com/retell-export/retell-export/export/store/storetest"
)

func TestDir(t *testing.T) {
	dir := t.TempDir()
	s, err := store.OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	storetest.Run(t, s)
	// Remove took the emptied directories with it.
	if _, err := os.Stat(filepath.Join(dir, "a")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a/ is still there after its last file went: %v", err)
	}
}

func TestDirLockLeftByDeadRun(t *testing.T) {
	dir := t.TempDir()
	// A run killed with -9 leaves its holder in the file, but no flock.
	os.WriteFile(filepath.Join(dir, ".lock"), []byte(`{"pid":4242,"host":"h","started":"2026-11-27T01:00:00Z"}`), 0o644)
	s, _ := store.OpenDir(dir)
	l, err := s.Lock(context.Background(), ".lock", store.Holder{PID: os.Getpid(), Host: "h"})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	if h, took := l.TookOver(); !took || h.PID != 4242 {
		t.Errorf("TookOver = %v, %v; want the dead run's pid 4242", h, took)
	}
}

package store

import (
	"os"
	"testing"

	"github.com/retell-export/retell-export/export/store/storetest"
)

// pool holds the object-storage servers these tests share (see
// storetest): each test uses buckets of its own.
var pool = storetest.NewPool()

func TestMain(m *testing.M) {
	code := m.Run()
	pool.Stop()
	os.Exit(code)
}

package bucket

import (
	"os"
	"testing"

	"github.com/retell-export/retell-export/export/store/bucket/buckettest"
)

// pool holds the object-storage servers these tests share (see
// buckettest): each test uses buckets of its own.
var pool = buckettest.NewPool()

func TestMain(m *testing.M) {
	code := m.Run()
	pool.Stop()
	os.Exit(code)
}

package formats

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/parquet-go/parquet-go"
)

// Pages compressed with the small window read back with parquet-go's own
// ZSTD codec, whatever their size, and compressing one costs a fraction
// of the default window's 16 MiB history.
func TestPQZstd(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	page := func(n int) []byte {
		var b bytes.Buffer
		for b.Len() < n {
			fmt.Fprintf(&b, "utterance %d says %x; ", rng.IntN(5000), rng.Uint32())
		}
		return b.Bytes()[:n]
	}
	c := &pqZstd{}
	for _, n := range []int{0, 1, 4 << 10, 64 << 10, 300 << 10, 3 << 20} {
		src := page(n)
		enc, err := c.Encode(nil, src)
		if err != nil {
			t.Fatal(err)
		}
		dec, err := parquet.Zstd.Decode(nil, enc)
		if err != nil || !bytes.Equal(dec, src) {
			t.Errorf("%d bytes: read back %d bytes, %v", n, len(dec), err)
		}
	}
	src := page(300 << 10)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if _, err := (&pqZstd{}).Encode(nil, src); err != nil { // a new encoder
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if got := after.TotalAlloc - before.TotalAlloc; got > 6<<20 {
		t.Errorf("a new encoder and one 300 KiB page allocated %d MiB, want under 6", got>>20)
	}
}

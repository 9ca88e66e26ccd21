package archive

import (
	"bytes"
	"sync"
	"time"

	"github.com/klauspost/compress/gzip"
)

// A Member is one record compressed as a gzip member, ready to append,
// and when it was fetched (Unix seconds; 0 unknown).
type Member struct {
	b       []byte
	fetched int64
}

// compressor makes members. Compression is most of what archiving costs,
// so it runs on the goroutines that produce records (every core), and the
// one goroutine that appends to the segment only copies bytes.
//
// klauspost/compress's gzip writes the same format as compress/gzip at
// the same level about twice as fast, for members about 5% larger
// (measured on 3,000 generated calls: 18.9% of the JSON against 18.0%).
// Writers are pooled: each holds about a megabyte of compression state.
type compressor struct {
	pool sync.Pool
}

func newCompressor() *compressor {
	c := &compressor{}
	c.pool.New = func() any {
		zw, _ := gzip.NewWriterLevel(nil, gzip.DefaultCompression)
		return zw
	}
	return c
}

// compress returns body and a newline as one gzip member. The member's
// header keeps when the record was fetched (MTIME, whole seconds): every
// gzip reader skips it, and the archive reads it back as Record.Fetched.
func (c *compressor) compress(body []byte, fetched time.Time) Member {
	var buf bytes.Buffer
	buf.Grow(len(body)/4 + 64)
	zw := c.pool.Get().(*gzip.Writer)
	defer c.pool.Put(zw)
	zw.Reset(&buf)
	zw.Header.ModTime = fetched // Reset cleared it; zero writes 0, "unknown"
	// Writes to a bytes.Buffer do not fail.
	_, _ = zw.Write(body)
	_, _ = zw.Write([]byte{'\n'})
	_ = zw.Close()
	m := Member{b: buf.Bytes()}
	if !fetched.IsZero() {
		m.fetched = fetched.Unix()
	}
	return m
}

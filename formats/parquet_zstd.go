package formats

import (
	"sync"

	"github.com/klauspost/compress/zstd"
	"github.com/parquet-go/parquet-go/compress"
	pqzstd "github.com/parquet-go/parquet-go/compress/zstd"
)

// pqZstdWindow is the ZSTD window of the pages written. Each page is
// compressed on its own, and pages are about PageBufferSize (64 KiB), a
// few hundred KiB at most: a longer window finds nothing more.
const pqZstdWindow = 1 << 20

// pqZstd is parquet-go's ZSTD codec (the same frames, level and options)
// with a 1 MiB window instead of klauspost/compress's default 8 MiB. The
// encoder sizes its history from the window: each pooled encoder held 16
// MiB once a page passed 128 KiB, a sixth of the live heap of a fetch of
// 100,000 calls with every format; with this window it holds 1.1 MiB.
// Readers need nothing: the window is in each frame's header. Decoding is
// parquet-go's.
type pqZstd struct {
	pqzstd.Codec
	encoders sync.Pool // *zstd.Encoder
}

var _ compress.Codec = (*pqZstd)(nil)

func (c *pqZstd) Encode(dst, src []byte) ([]byte, error) {
	e, _ := c.encoders.Get().(*zstd.Encoder)
	if e == nil {
		var err error
		e, err = zstd.NewWriter(nil,
			zstd.WithEncoderConcurrency(1),
			zstd.WithEncoderLevel(pqzstd.DefaultLevel),
			zstd.WithWindowSize(pqZstdWindow),
			zstd.WithLowerEncoderMem(true),
			zstd.WithZeroFrames(true),
			zstd.WithEncoderCRC(false),
		)
		if err != nil {
			return dst, err
		}
	}
	defer c.encoders.Put(e)
	return e.EncodeAll(src, dst[:0]), nil
}

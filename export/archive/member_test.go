package archive

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/retell-export/retell-export/export/store"
)

// Members compressed on many goroutines and appended from one make a
// segment that the standard library's gzip reader (as zcat does) reads
// whole, record after record in append order, and that the archive's
// index reads record by record.
func TestMembersCompressedConcurrently(t *testing.T) {
	dir := t.TempDir()
	st, err := store.OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	a := open(t, st)
	w := a.NewWriter(context.Background(), WriterOptions{})
	const n = 200
	recs := make([]rec, n)
	members := make([]Member, n)
	var wg sync.WaitGroup
	for i := range recs {
		recs[i] = rec{ID: fmt.Sprintf("call_%03d", i), Start: int64(i) * day / 7, Done: i%3 != 0, V: i,
			Text: string(bytes.Repeat([]byte{byte('a' + i%26)}, i*37))}
		wg.Go(func() { members[i] = w.Compress(body(recs[i]), fetchedAt(recs[i])) })
	}
	wg.Wait()
	for i, m := range members {
		meta, _ := extract(body(recs[i]))
		if _, err := w.AppendMember(m, meta); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	segs, _ := filepath.Glob(filepath.Join(dir, "raw", "calls-*.jsonl.gz"))
	if len(segs) != 1 {
		t.Fatalf("segments %v", segs)
	}
	f, err := os.Open(segs[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(bufio.NewReader(f))
	if err != nil {
		t.Fatal(err)
	}
	all, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	for _, r := range recs {
		want.Write(body(r))
		want.WriteByte('\n')
	}
	if !bytes.Equal(all, want.Bytes()) {
		t.Errorf("compress/gzip read %d bytes, want the %d appended", len(all), want.Len())
	}

	got := latest(t, open(t, st))
	for _, r := range recs {
		if got[r.ID] != r {
			t.Errorf("%s: read %+v through the index", r.ID, got[r.ID])
		}
	}
}

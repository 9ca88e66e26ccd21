package archive

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/retell-export/retell-export/export"
	"github.com/retell-export/retell-export/export/store"
)

type rec struct {
	ID    string `json:"call_id"`
	Start int64  `json:"start_timestamp,omitempty"`
	Done  bool   `json:"done"`
	V     int    `json:"v"`
	Text  string `json:"text,omitempty"`
}

func extract(body []byte) (export.Meta, error) {
	var r rec
	if err := json.Unmarshal(body, &r); err != nil {
		return export.Meta{}, err
	}
	if r.ID == "" {
		return export.Meta{}, fmt.Errorf("no call_id")
	}
	return export.Meta{ID: r.ID, Start: r.Start, Settled: r.Done, Sum: export.SumOf(body)}, nil
}

func body(r rec) []byte { b, _ := json.Marshal(r); return b }

const day = int64(24 * time.Hour / time.Millisecond)

func open(t *testing.T, st store.Store) *Archive {
	t.Helper()
	a, err := Open(context.Background(), Options{Store: st, Dir: "raw", Extract: extract,
		Bad: func(where string, err error) { t.Logf("bad %s: %v", where, err) }})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func write(t *testing.T, a *Archive, rs ...rec) {
	t.Helper()
	w := a.NewWriter(context.Background(), WriterOptions{})
	for _, r := range rs {
		m, _ := extract(body(r))
		if _, err := w.Append(body(r), m, fetchedAt(r)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// fetchedAt is the fetch time a test record is archived with.
func fetchedAt(r rec) time.Time { return time.Unix(1_780_000_000+int64(r.V)*60, 0).UTC() }

// latest reads every call of every date through the index.
func latest(t *testing.T, a *Archive) map[string]rec {
	t.Helper()
	ctx := context.Background()
	dates, err := a.Dates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]rec{}
	for _, d := range dates {
		es, err := a.DateEntries(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		err = a.Read(ctx, es, func(rd Record) error {
			e, b := rd.Entry, rd.Body
			var r rec
			json.Unmarshal(b, &r)
			if r.ID != e.ID || e.Date() != d {
				t.Errorf("entry %+v read %s (date file %q)", e, b, d)
			}
			if !rd.Fetched.IsZero() && !rd.Fetched.Equal(fetchedAt(r)) { // zero: a legacy segment, written without
				t.Errorf("%s: fetched %v, want %v (the member header's time)", r.ID, rd.Fetched, fetchedAt(r))
			}
			if _, dup := out[r.ID]; dup {
				t.Errorf("%s is in two date files", r.ID)
			}
			out[r.ID] = r
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func TestLatestVersionWinsAcrossDates(t *testing.T) {
	st, _ := store.OpenDir(t.TempDir())
	a := open(t, st)
	d0 := int64(1780000000000)
	write(t, a, rec{ID: "call_a"}, rec{ID: "call_b", Start: d0, V: 1}, rec{ID: "call_c", Start: d0 + day, Done: true})
	// call_a started (moves out of the no-date file), call_b got its analysis.
	write(t, a, rec{ID: "call_a", Start: d0 + 2*day, V: 2}, rec{ID: "call_b", Start: d0, V: 2, Done: true})
	a = open(t, st) // from the files
	got := latest(t, a)
	if len(got) != 3 || got["call_a"].V != 2 || got["call_b"].V != 2 || !got["call_b"].Done {
		t.Errorf("latest = %+v", got)
	}
	es, err := a.Lookup(context.Background(), []string{"call_a", "call_b", "call_x"})
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 2 || !es["call_b"].Settled || es["call_a"].Settled {
		t.Errorf("Lookup = %+v", es)
	}
	if d := a.Dirty(); len(d) != 4 { // none, and three dates
		t.Errorf("dirty = %q", d)
	}
}

func TestIndexRebuiltAndRepaired(t *testing.T) {
	dir := t.TempDir()
	st, _ := store.OpenDir(dir)
	a := open(t, st)
	write(t, a, rec{ID: "call_a", Start: 1780000000000}, rec{ID: "call_b"})
	// An older version's segment: one gzip stream of many lines.
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	for i := range 300 {
		zw.Write(append(body(rec{ID: fmt.Sprintf("call_old%03d", i), Start: 1770000000000 + int64(i)*1000, V: 7}), '\n'))
	}
	zw.Close()
	os.WriteFile(filepath.Join(dir, "raw", "calls-20250101T000000.000Z-00000000.jsonl.gz"), buf.Bytes(), 0o644)
	// A segment a crashed run wrote but did not index, cut mid-record.
	var cut bytes.Buffer
	for _, r := range []rec{{ID: "call_c", V: 1}, {ID: "call_d", V: 1}} {
		zw := gzip.NewWriter(&cut)
		zw.Write(append(body(r), '\n'))
		zw.Close()
	}
	os.WriteFile(filepath.Join(dir, "raw", "calls-29990101T000000.000Z-00000000.jsonl.gz"), cut.Bytes()[:cut.Len()-20], 0o644)

	got := latest(t, open(t, st))
	if len(got) != 303 || got["call_old299"].V != 7 || got["call_c"].V != 1 {
		t.Errorf("after indexing new segments: %d calls, call_old299=%+v call_c=%+v", len(got), got["call_old299"], got["call_c"])
	}
	if _, ok := got["call_d"]; ok {
		t.Error("the cut record was indexed")
	}
	// Lose the index: it is rebuilt whole.
	os.RemoveAll(filepath.Join(dir, "raw", "index"))
	if got := latest(t, open(t, st)); len(got) != 303 {
		t.Errorf("rebuilt index has %d calls", len(got))
	}
}

// Records larger than the writer's buffer (a long call's transcript) are
// still found at their offsets.
func TestLargeRecords(t *testing.T) {
	st, _ := store.OpenDir(t.TempDir())
	a := open(t, st)
	var rs []rec
	for i := range 20 {
		big := bytes.Repeat([]byte(fmt.Sprintf("word%d ", i)), 1+i*9000) // up to ~1 MB
		rs = append(rs, rec{ID: fmt.Sprintf("call_%02d", i), Start: 1780000000000 + int64(i%3)*day, V: i, Text: string(big)})
	}
	write(t, a, rs...)
	got := latest(t, open(t, st))
	for _, r := range rs {
		if g := got[r.ID]; g.V != r.V || g.Text != r.Text {
			t.Errorf("%s read back wrong (%d bytes, want %d)", r.ID, len(g.Text), len(r.Text))
		}
	}
}

// recording is a store that remembers what was read.
type recording struct {
	store.Store
	read []string
}

func (r *recording) Open(ctx context.Context, name string) (io.ReadCloser, error) {
	r.read = append(r.read, name)
	return r.Store.Open(ctx, name)
}

func (r *recording) OpenRange(ctx context.Context, name string, off, n int64) (io.ReadCloser, error) {
	r.read = append(r.read, name)
	return r.Store.OpenRange(ctx, name, off, n)
}

// Start-up reads what the run needs, not the archive: the manifest and,
// to look a call up, the one id shard it falls in.
func TestLookupReadsOneShard(t *testing.T) {
	st, _ := store.OpenDir(t.TempDir())
	a := open(t, st)
	var rs []rec
	for i := range 2000 {
		rs = append(rs, rec{ID: fmt.Sprintf("call_%05d", i), Start: 1780000000000 + int64(i)*60_000, Done: true})
	}
	write(t, a, rs...)
	rec := &recording{Store: st}
	a = open(t, rec)
	es, err := a.Lookup(context.Background(), []string{"call_01234"})
	if err != nil || !es["call_01234"].Settled {
		t.Fatalf("Lookup = %v, %v", es, err)
	}
	want := []string{"raw/index/manifest.json", "raw/index/ids/" + shardOf("call_01234") + ".tsv"}
	if !slices.Equal(rec.read, want) {
		t.Errorf("opening the archive and looking one call up read %q, want %q", rec.read, want)
	}
}

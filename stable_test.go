package main

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/retell-export/retell-export/export/fakeapi"
	"github.com/retell-export/retell-export/formats"
)

// parquetFile is a published Parquet file: its bytes' hash and mtime.
type parquetFile struct {
	sum   string
	mtime time.Time
}

// parquetFiles lists the lake's Parquet files by path below parquet/.
func parquetFiles(t *testing.T, out string) map[string]parquetFile {
	t.Helper()
	files := map[string]parquetFile{}
	root := filepath.Join(out, "parquet")
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".parquet") {
			return err
		}
		b, _ := os.ReadFile(p)
		fi, _ := d.Info()
		h := sha256.Sum256(b)
		rel, _ := filepath.Rel(root, p)
		files[filepath.ToSlash(rel)] = parquetFile{sum: hex.EncodeToString(h[:]), mtime: fi.ModTime()}
		return nil
	})
	return files
}

// perPartition counts the files of each table and partition.
func perPartition(files map[string]parquetFile) map[string]int {
	n := map[string]int{}
	for p := range files {
		n[filepath.Dir(p)]++
	}
	return n
}

// A re-run of an unchanged window rewrites no Parquet file (same names,
// bytes and modification times, though its unsettled calls were fetched
// again), and a window whose calls did change rewrites only their dates.
func TestRerunRewritesOnlyWhatChanged(t *testing.T) {
	t.Parallel() // its own fake API and directories, no process environment
	srv := fakeapi.NewServer(fakeapi.Options{ListPageSize: 100})
	t.Cleanup(srv.Close)
	from := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	bodies := variedCalls(11, 300, from, 10*24*time.Hour)
	for _, b := range bodies {
		srv.AddCall(b)
	}
	out := t.TempDir()
	run := func() {
		t.Helper()
		r := runCLI(context.Background(), t, envFor(srv), "--since", "2026-11-01", "--until", "2026-11-11", "--out", out,
			"--format", "parquet", "--partition", "date", "--quiet", "--rps", "500")
		if r.code != exitOK {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
	}
	run()
	before := parquetFiles(t, out)
	if len(before) == 0 {
		t.Fatal("no Parquet files")
	}
	for dir, n := range perPartition(before) {
		if n != 1 {
			t.Errorf("%s: %d files, want 1", dir, n)
		}
	}
	time.Sleep(10 * time.Millisecond) // a rewritten file would get a later mtime
	run()
	rep := readReport(t, out)
	if rep.Counts.Refetched == 0 || rep.Counts.Unchanged != rep.Counts.Refetched {
		t.Errorf("re-run: %d refetched, %d unchanged; want unsettled calls fetched again, all unchanged", rep.Counts.Refetched, rep.Counts.Unchanged)
	}
	if after := parquetFiles(t, out); !maps.Equal(after, before) {
		t.Errorf("an unchanged re-run touched Parquet files:\nbefore %v\nafter  %v", before, after)
	}

	// Two pending calls of two dates get their analysis: only those dates change.
	changed := map[string]bool{}
	for _, b := range bodies {
		var m map[string]any
		json.Unmarshal(b, &m)
		if m["call_status"] != "ended" || m["call_analysis"] != nil || len(changed) == 2 {
			continue
		}
		date := "date=" + time.UnixMilli(int64(m["start_timestamp"].(float64))).UTC().Format(time.DateOnly)
		if changed[date] {
			continue
		}
		m["call_analysis"] = map[string]any{"call_summary": "analysed later", "user_sentiment": "Positive"}
		nb, _ := json.Marshal(m)
		srv.AddCall(nb)
		changed[date] = true
	}
	if len(changed) != 2 {
		t.Fatalf("found pending calls on %d dates, want 2", len(changed))
	}
	run()
	after := parquetFiles(t, out)
	for p, f := range after {
		table, part := strings.Split(p, "/")[0], strings.Split(p, "/")[1]
		was, ok := before[p]
		switch {
		case !changed[part] && (!ok || was != f):
			t.Errorf("%s: rewritten, though no call of its date changed", p)
		case changed[part] && table == formats.TableCalls && ok:
			t.Errorf("%s: the calls of its date changed, its file did not", p)
		}
		// Other tables of a changed date keep their file when their rows
		// are the same (an analysis that arrives changes only calls).
	}
	if len(after) != len(before) {
		t.Errorf("%d files after, %d before", len(after), len(before))
	}
}

// tableRows reads every row of a table as JSON objects keyed by
// call_id and position, without fetched_at (it differs between fetches).
func tableRows(t *testing.T, out, table string) map[string]string {
	t.Helper()
	rows := map[string]string{}
	filepath.WalkDir(filepath.Join(out, "parquet", table), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".parquet") {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		pf, err := parquet.OpenFile(f, mustSize(t, f))
		if err != nil {
			t.Fatal(err)
		}
		r := parquet.NewReader(pf)
		defer r.Close()
		for {
			row := map[string]any{}
			if err := r.Read(&row); err != nil {
				if errors.Is(err, io.EOF) {
					return nil
				}
				t.Fatal(err)
			}
			delete(row, "fetched_at")
			b, _ := json.Marshal(row)
			key, _ := json.Marshal([]any{row["call_id"], row["kind"], row["seq"], row["key"]})
			if _, dup := rows[string(key)]; dup {
				t.Errorf("%s: row %s twice", table, key)
			}
			rows[string(key)] = string(b)
		}
	})
	return rows
}

func mustSize(t *testing.T, f *os.File) int64 {
	fi, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

// Calls that come in random date order make the lake that sorted input
// makes, through every path that writes partitions: a fetch of an id list
// in any order, --from saved files, --from a dataset's archive, --refetch.
// Each partition has one file per table (no small files), and the lake
// built from the same archive is the same bytes.
func TestPartitionsFromUnsortedInput(t *testing.T) {
	t.Parallel() // its own fake API and directories, no process environment
	srv := fakeapi.NewServer(fakeapi.Options{})
	t.Cleanup(srv.Close)
	from := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	bodies := variedCalls(21, 500, from, 32*24*time.Hour)
	type call struct {
		id    string
		start float64
		body  []byte
	}
	var calls []call
	for _, b := range bodies {
		id, _ := srv.AddCall(b)
		var m map[string]any
		json.Unmarshal(b, &m)
		s, _ := m["start_timestamp"].(float64)
		calls = append(calls, call{id, s, b})
	}
	rand.New(rand.NewPCG(5, 5)).Shuffle(len(calls), func(i, j int) { calls[i], calls[j] = calls[j], calls[i] })
	sorted := slices.Clone(calls)
	slices.SortFunc(sorted, func(a, b call) int { return cmp.Or(cmp.Compare(a.start, b.start), cmp.Compare(a.id, b.id)) })
	idsOf := func(cs []call) string {
		var ids []string
		for _, c := range cs {
			ids = append(ids, c.id)
		}
		return writeIDs(t, ids)
	}
	pq := []string{"--format", "parquet", "--partition", "date", "--quiet", "--rps", "1000", "--concurrency", "8"}
	runTo := func(out string, args ...string) {
		t.Helper()
		if r := runCLI(context.Background(), t, envFor(srv), append(append([]string{"--out", out}, args...), pq...)...); r.code != exitOK && r.code != exitPartial {
			t.Fatalf("%v: exit %d: %s", args, r.code, r.stderr)
		}
	}
	shuffled, ordered, fromFile, fromRaw := t.TempDir(), t.TempDir(), t.TempDir(), t.TempDir()
	runTo(shuffled, "--ids", idsOf(calls))
	runTo(ordered, "--ids", idsOf(sorted))
	// Saved calls in the order they were saved, as one .jsonl.gz.
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	for _, c := range calls {
		zw.Write(append(bytes.Clone(c.body), '\n'))
	}
	zw.Close()
	saved := filepath.Join(t.TempDir(), "calls.jsonl.gz")
	os.WriteFile(saved, gz.Bytes(), 0o644)
	runTo(fromFile, "--from", saved)
	runTo(fromRaw, "--from", filepath.Join(shuffled, "raw"))

	want := parquetFiles(t, shuffled)
	dates := map[string]bool{}
	for dir := range perPartition(want) {
		dates[strings.Split(dir, "/")[1]] = true
	}
	for name, out := range map[string]string{"shuffled fetch": shuffled, "sorted fetch": ordered, "--from a file": fromFile, "--from raw": fromRaw} {
		files := parquetFiles(t, out)
		for dir, n := range perPartition(files) {
			if n != 1 {
				t.Errorf("%s: %s has %d files, want 1", name, dir, n)
			}
		}
		if got, want := len(perPartition(files)), len(dates)*len(formats.Tables(false)); got != want {
			t.Errorf("%s: %d partition directories, want %d dates × %d tables", name, got, len(dates), len(formats.Tables(false)))
		}
		for _, table := range formats.Tables(false) {
			if a, b := tableRows(t, shuffled, table.Name), tableRows(t, out, table.Name); !reflect.DeepEqual(a, b) {
				t.Errorf("%s: %s differs from the shuffled fetch's (%d rows against %d)", name, table.Name, len(b), len(a))
			}
		}
	}
	// A whole dataset replays: its Parquet manifests and the loader kit's
	// JSON Schemas are not saved calls.
	if r := runCLI(context.Background(), t, nil, "--from", shuffled, "--out", t.TempDir(), "--format", "csv", "--quiet"); r.code != exitOK {
		t.Errorf("--from a dataset with Parquet tables and a kit: exit %d: %s", r.code, r.stderr)
	}
	// Built from the same archive, the same bytes: --from the archive, and
	// a --refetch that finds every call unchanged.
	if got := parquetFiles(t, fromRaw); !sameContent(got, want) {
		t.Errorf("--from the archive wrote other bytes than the fetch that made it")
	}
	runTo(shuffled, "--ids", idsOf(sorted), "--refetch")
	if got := parquetFiles(t, shuffled); !maps.Equal(got, want) {
		t.Errorf("--refetch of unchanged calls touched Parquet files")
	}
}

// sameContent reports whether two lakes hold the same files, by name and
// bytes (modification times aside).
func sameContent(a, b map[string]parquetFile) bool {
	return maps.EqualFunc(a, b, func(x, y parquetFile) bool { return x.sum == y.sum })
}

// Turning --words off removes the words table whole: its files, its
// manifest and its schema in the kit; every remaining manifest lists
// exactly its table's files.
func TestWordsOffLeavesNothingOfTheTable(t *testing.T) {
	t.Parallel() // its own fake API and directories, no process environment
	srv, ids := fakeAPI(t, fakeapi.Options{}, 12)
	out := t.TempDir()
	for _, words := range []string{"--words", "--words=false"} {
		if r := runCLI(t.Context(), t, envFor(srv), append(ids, "--out", out, "--format", "parquet", "--partition", "date", words, "--quiet")...); r.code != 0 {
			t.Fatalf("%s: exit %d: %s", words, r.code, r.stderr)
		}
	}
	for _, gone := range []string{"parquet/words", "kit/schema/words.json"} {
		if _, err := os.Stat(filepath.Join(out, gone)); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s is still there after --words was turned off (%v)", gone, err)
		}
	}
	for _, table := range formats.Tables(false) {
		var m struct {
			Files []struct{ Path string } `json:"files"`
		}
		b, err := os.ReadFile(filepath.Join(out, "parquet", table.Name, "_manifest.json"))
		if err == nil {
			err = json.Unmarshal(b, &m)
		}
		var listed []string
		for _, f := range m.Files {
			listed = append(listed, table.Name+"/"+f.Path)
		}
		var onDisk []string
		for p := range parquetFiles(t, out) {
			if strings.HasPrefix(p, table.Name+"/") {
				onDisk = append(onDisk, p)
			}
		}
		slices.Sort(onDisk)
		if err != nil || !slices.Equal(listed, onDisk) {
			t.Errorf("%s: manifest %v (%v), files %v", table.Name, listed, err, onDisk)
		}
	}
}

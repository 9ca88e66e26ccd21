package replay

import (
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/retell-export/retell-export/export"
)

func mustCall(t *testing.T, body string) *export.Call {
	t.Helper()
	c, err := export.DecodeCall([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func scanAll(t *testing.T, dir string) (ids []string, bad []string) {
	t.Helper()
	files, err := RecordFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	err = ScanRecords(files, func(b []byte, where string, _ time.Time) error {
		ids = append(ids, mustCall(t, string(b)).CallID)
		return nil
	}, func(where string, err error) { bad = append(bad, where+": "+err.Error()) })
	if err != nil {
		t.Fatal(err)
	}
	return ids, bad
}

// Replay gives the last version of each call in call order (start, calls
// without one last, then id), whatever order the files hold them in.
func TestReplayInCallOrder(t *testing.T) {
	dir := t.TempDir()
	lines := []string{
		`{"call_id":"z","call_status":"ended","start_timestamp":1780000300000}`,
		`{"call_id":"n","call_status":"registered"}`,
		`{"call_id":"b","call_status":"ended","start_timestamp":1780000100000}`,
		`{"call_id":"a","call_status":"ended","start_timestamp":1780000100000}`,
		`{"call_id":"z","call_status":"ended","start_timestamp":1780000000000,"v":2}`,
	}
	os.WriteFile(filepath.Join(dir, "calls.jsonl"), []byte(strings.Join(lines, "\n")+"\n"), 0o644)
	ix, err := BuildIndex(context.Background(), LocalRecords(mustFiles(t, dir)), func(w string, err error) { t.Error(w, err) })
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	var order []string
	ix.Replay(context.Background(), nil, func(b []byte, where string, _ time.Time) error {
		order = append(order, mustCall(t, string(b)).CallID+"@"+strings.TrimPrefix(where, filepath.Join(dir, "calls.jsonl")))
		return nil
	})
	if got := strings.Join(order, ","); got != "z@:5,a@:4,b@:3,n@:2" {
		t.Errorf("replay order %s, want z (its last version starts first), a, b, then n without a start", got)
	}
}

func TestIndexLastVersionWins(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, lines ...string) {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write([]byte(strings.Join(lines, "\n") + "\n"))
		zw.Close()
		os.WriteFile(filepath.Join(dir, name), buf.Bytes(), 0o644)
	}
	write("calls-1.jsonl.gz", `{"call_id":"a","call_status":"ongoing"}`, `{"call_id":"b","call_status":"ended","call_analysis":{}}`, `not json`)
	write("calls-2.jsonl.gz", `{"call_id":"a","call_status":"ended","call_analysis":{"call_summary":"done"}}`, `{"call_id":"c","call_status":"ended"}`)
	var bad []string
	ix, err := BuildIndex(context.Background(), LocalRecords(mustFiles(t, dir)), func(w string, err error) { bad = append(bad, w) })
	if err != nil {
		t.Fatal(err)
	}
	if ix.Len() != 3 || !ix.Final("a") || !ix.Final("b") || ix.Final("c") || len(bad) != 1 {
		t.Fatalf("index: len %d final a=%v b=%v c=%v bad=%v", ix.Len(), ix.Final("a"), ix.Final("b"), ix.Final("c"), bad)
	}
	var order []string
	err = ix.Replay(context.Background(), nil, func(b []byte, where string, _ time.Time) error {
		c := mustCall(t, string(b))
		order = append(order, c.CallID+":"+c.CallStatus)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// None has a start: call order is by id.
	if got := strings.Join(order, ","); got != "a:ended,b:ended,c:ended" {
		t.Errorf("replay order = %s, want each call once, last version, in call order", got)
	}
}

func mustFiles(t *testing.T, dir string) []string {
	fs, err := RecordFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

func TestScanJSONShapes(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "one.json"), []byte("\ufeff{\"call_id\":\"x1\"}\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "many.json"), []byte(`[{"call_id":"x2"},{"call_id":"x3"}]`), 0o644)
	os.WriteFile(filepath.Join(dir, "concat.json"), []byte(`{"call_id":"x4"} {"call_id":"x5"}`), 0o644)
	os.WriteFile(filepath.Join(dir, ".partial.json.tmp-1"), []byte(`{`), 0o644)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte(`hello`), 0o644)
	ids, bad := scanAll(t, dir)
	if strings.Join(ids, ",") != "x4,x5,x2,x3,x1" || len(bad) != 0 {
		t.Errorf("ids %v bad %v", ids, bad)
	}
}

func TestIndexRejectsUnsafeSavedIDs(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.json"), []byte(`[{"call_id":"../../etc/x"},{"call_id":"ok_1","call_status":7},{"call_id":"a/b","call_status":7},{"call_id":"ok_2"}]`), 0o644)
	var bad []string
	ix, err := BuildIndex(context.Background(), LocalRecords(mustFiles(t, dir)), func(w string, err error) { bad = append(bad, w+": "+err.Error()) })
	if err != nil {
		t.Fatal(err)
	}
	if ix.Len() != 2 || !ix.Has("ok_1") || !ix.Has("ok_2") || len(bad) != 2 {
		t.Errorf("index has %d calls, bad %q; want ok_1 and ok_2 indexed and 2 rejected", ix.Len(), bad)
	}
}

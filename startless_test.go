package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/retell-export/retell-export/analyze"
	"github.com/retell-export/retell-export/export/fakeapi"
	"github.com/retell-export/retell-export/export/retell"
)

func TestTakesStartless(t *testing.T) {
	since, until := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	f := retell.ListFilter{Since: since, Until: until}
	for _, tc := range []struct {
		end  int64
		want bool
	}{
		{0, false}, // no end either: no window holds it
		{since.UnixMilli(), true},
		{until.UnixMilli() - 1, true},
		{until.UnixMilli(), false},
		{since.UnixMilli() - 1, false},
	} {
		if got := takesStartless(retell.Listed{End: tc.end}, f); got != tc.want {
			t.Errorf("end %d: %v, want %v", tc.end, got, tc.want)
		}
	}
}

// Calls without a start never match a start filter. A window takes those
// that ended in it and counts the others in run.json and the final line;
// an incremental lake does the same over its windows, so the calls
// without a start that have an end reach its NULL date partition once.
// It holds whether the API sorts such calls first or last.
func TestCallsWithoutAStart(t *testing.T) {
	t.Parallel() // its own fake API and directories, no process environment
	for _, last := range []bool{false, true} {
		t.Run(fmt.Sprintf("startless last %v", last), func(t *testing.T) {
			srv := fakeapi.NewServer(fakeapi.Options{ListPageSize: 100, StartlessLast: last})
			t.Cleanup(srv.Close)
			from := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
			var inWindow, outside, started, noEnd int
			for _, b := range variedCalls(8, 600, from, 31*24*time.Hour) {
				srv.AddCall(b)
				var m map[string]any
				json.Unmarshal(b, &m)
				_, hasStart := m["start_timestamp"]
				end, hasEnd := m["end_timestamp"].(float64)
				switch {
				case hasStart:
					started++
				case hasEnd && int64(end) < time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC).UnixMilli():
					inWindow++
				default:
					outside++
					if !hasEnd {
						noEnd++
					}
				}
			}
			if inWindow == 0 || outside == 0 {
				t.Fatalf("population: %d startless in the window, %d not", inWindow, outside)
			}
			out := t.TempDir()
			r := runCLI(context.Background(), t, envFor(srv), "--since", "2026-10-01", "--until", "2026-11-01", "--out", out, "--format", "parquet", "--partition", "date", "--rps", "1000")
			if r.code != exitOK {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			rep := readReport(t, out)
			if rep.Counts.Startless != inWindow || rep.Counts.StartlessOutside != outside || rep.Counts.Listed != started+inWindow {
				t.Errorf("window: %d listed, %d without a start, %d left out; want %d, %d, %d", rep.Counts.Listed, rep.Counts.Startless, rep.Counts.StartlessOutside, started+inWindow, inWindow, outside)
			}
			if want := fmt.Sprintf("%d calls without a start left out", outside); !strings.Contains(r.stderr, want) {
				t.Errorf("final line does not say %q:\n%s", want, r.stderr)
			}
			if got := summaryOf(t, out).Overall.Volume.WithoutStart; got != inWindow {
				t.Errorf("summary: %d without a start, want %d", got, inWindow)
			}
			if n := partitionCalls(t, out); n != inWindow {
				t.Errorf("the NULL date partition holds %d calls, want %d", n, inWindow)
			}
			// An incremental lake takes every call without a start.
			lakeDir := t.TempDir()
			r = runCLI(context.Background(), t, envFor(srv), "--incremental", "--since", "2026-10-01", "--out", lakeDir, "--format", "parquet", "--partition", "date", "--rps", "1000", "--quiet")
			if r.code != exitOK {
				t.Fatalf("incremental: exit %d: %s", r.code, r.stderr)
			}
			if n := partitionCalls(t, lakeDir); n != inWindow+outside-noEnd {
				t.Errorf("incremental: the NULL date partition holds %d calls, want the %d that have an end", n, inWindow+outside-noEnd)
			}
			again := runCLI(context.Background(), t, envFor(srv), "--incremental", "--out", lakeDir, "--format", "parquet", "--partition", "date", "--rps", "1000", "--quiet")
			if n := partitionCalls(t, lakeDir); again.code != exitOK || n != inWindow+outside-noEnd {
				t.Errorf("the next incremental run: exit %d, %d calls in the NULL date partition; want %d, each once", again.code, n, inWindow+outside-noEnd)
			}
		})
	}
}

func summaryOf(t *testing.T, out string) analyze.Summary {
	t.Helper()
	var s analyze.Summary
	b, err := os.ReadFile(filepath.Join(out, "summary.json"))
	if err == nil {
		err = json.Unmarshal(b, &s)
	}
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// partitionCalls counts the rows of the calls table in the lake's NULL
// date partition.
func partitionCalls(t *testing.T, out string) int {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(out, "parquet", "calls", "date=__HIVE_DEFAULT_PARTITION__", "*.parquet"))
	n := 0
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		pf, err := parquet.OpenFile(f, mustSize(t, f))
		if err != nil {
			t.Fatal(err)
		}
		n += int(pf.NumRows())
		f.Close()
	}
	return n
}

package formats

import (
	"cmp"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/retell-export/retell-export/export"
)

// rollCalls is the input of the rollover tests: the fixtures plus long
// calls over three dates in no order, so that calls and their child rows
// cross many file boundaries.
func rollCalls(t *testing.T) []*export.Call {
	day := int64(24 * 3600 * 1000)
	base := int64(1780000000000) // 2026-05-28
	calls := decodeAll(t, fixtureBodies(t))
	for i := range 12 {
		start := base + int64(i%3)*day + int64(i)*60_000
		if i%4 == 1 {
			start = base + 2*day - int64(i)*60_000
		}
		calls = append(calls, decode(t, mustJSON(t, longCall(fmt.Sprintf("call_roll%02d", i), 0.02, start))))
	}
	return calls
}

// partFiles lists the part files of every directory of a table, each
// directory in part-number order (part-10 after part-9), and checks that
// the numbers run from 0 without a gap.
func partFiles(t *testing.T, dir, table string) []string {
	t.Helper()
	byDir := map[string][]int{}
	filepath.WalkDir(filepath.Join(dir, "parquet", table), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		num, ok := strings.CutPrefix(d.Name(), "part-")
		num, ok2 := strings.CutSuffix(num, ".parquet")
		n, err := strconv.Atoi(num)
		if !ok || !ok2 || err != nil {
			t.Errorf("stray file %s", p)
			return nil
		}
		byDir[filepath.Dir(p)] = append(byDir[filepath.Dir(p)], n)
		return nil
	})
	var paths []string
	for _, d := range slices.Sorted(func(yield func(string) bool) {
		for d := range byDir {
			if !yield(d) {
				return
			}
		}
	}) {
		nums := slices.Sorted(slices.Values(byDir[d]))
		for i, n := range nums {
			if n != i {
				t.Errorf("%s: parts %v, want 0..%d", d, nums, len(nums)-1)
				break
			}
			paths = append(paths, filepath.Join(d, fmt.Sprintf("part-%d.parquet", n)))
		}
	}
	return paths
}

// readParts reads a table's files in part order, checking that each opens
// with parquet-go and holds at most limit rows; it returns the rows and
// the number of files.
func readParts[T any](t *testing.T, dir, table string, limit int) ([]T, int) {
	t.Helper()
	paths := partFiles(t, dir, table)
	var rows []T
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		st, _ := f.Stat()
		pf, err := parquet.OpenFile(f, st.Size())
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if pf.NumRows() > int64(limit) {
			t.Errorf("%s: %d rows, limit %d", p, pf.NumRows(), limit)
		}
		f.Close()
		rows = append(rows, readFile[T](t, p)...)
	}
	return rows, len(paths)
}

// byCall orders rows by call id, keeping each call's rows in order: across
// date partitions only the order within a call is defined.
func byCall[T any](rows []T, id func(*T) string) []T {
	rows = slices.Clone(rows)
	slices.SortStableFunc(rows, func(a, b T) int { return cmp.Compare(id(&a), id(&b)) })
	return rows
}

func checkRolledTable[T any](t *testing.T, dir, table string, limit int, want []T, id func(*T) string, partitioned bool) {
	t.Helper()
	got, files := readParts[T](t, dir, table, limit)
	if min := (len(want) + limit - 1) / limit; files < min {
		t.Errorf("%s: %d files for %d rows at %d per file", table, files, len(want), limit)
	}
	if partitioned {
		got, want = byCall(got, id), byCall(want, id)
	}
	compareRows(t, table, got, want)
}

func TestParquetRollover(t *testing.T) {
	const limit = 7
	calls := rollCalls(t)
	var wantCalls []CallRow
	for _, c := range calls {
		wantCalls = append(wantCalls, callRowOf(c))
	}
	want := sourceRows(calls)
	for _, partitioned := range []bool{false, true} {
		t.Run(fmt.Sprintf("partitioned=%v", partitioned), func(t *testing.T) {
			dir := t.TempDir()
			w := writeParquet(t, dir, calls, ParquetOptions{PartitionByDate: partitioned, Words: true, MaxRowsPerFile: limit})
			checkRolledTable(t, dir, TableCalls, limit, wantCalls, func(r *CallRow) string { return r.CallID }, partitioned)
			checkRolledTable(t, dir, TableUtterances, limit, want.Utterances, func(r *UtteranceRow) string { return r.CallID }, partitioned)
			checkRolledTable(t, dir, TableEvents, limit, want.Events, func(r *EventRow) string { return r.CallID }, partitioned)
			checkRolledTable(t, dir, TableCostItems, limit, want.CostItems, func(r *CostItemRow) string { return r.CallID }, partitioned)
			checkRolledTable(t, dir, TableCustomAnalysis, limit, want.CustomAnalysis, func(r *CustomAnalysisRow) string { return r.CallID }, partitioned)
			checkRolledTable(t, dir, TableLatency, limit, want.Latency, func(r *LatencyRow) string { return r.CallID }, partitioned)
			checkRolledTable(t, dir, TableWords, limit, want.Words, func(r *WordRow) string { return r.CallID }, partitioned)

			var onDisk []string
			for _, tb := range Tables(true) {
				onDisk = append(onDisk, partFiles(t, dir, tb.Name)...)
			}
			reported := slices.Sorted(slices.Values(w.Report().Files))
			if !slices.Equal(reported, slices.Sorted(slices.Values(onDisk))) {
				t.Errorf("report lists %d files, %d on disk", len(reported), len(onDisk))
			}
			checkDuckDBRolled(t, dir, calls, partitioned)
		})
	}
}

// checkDuckDBRolled reads the rolled-over calls dataset through the glob the
// README gives, with DuckDB.
func checkDuckDBRolled(t *testing.T, dir string, calls []*export.Call, partitioned bool) {
	t.Helper()
	if _, err := os.Stat(filepath.Join("testdata", "duckdb_query.cjs")); err != nil {
		t.Fatal(err)
	}
	glob := sqlString(filepath.Join(dir, "parquet", "calls", "**", "*.parquet"))
	utts := sqlString(filepath.Join(dir, "parquet", "utterances", "**", "*.parquet"))
	res := runDuckDB(t, []namedQuery{
		{"calls", "SELECT count(*) AS n, count(DISTINCT call_id) AS ids, sum(cost_cents) AS cents FROM " + glob},
		{"utts", "SELECT count(*) AS n FROM " + utts},
	})
	var cents float64
	for _, c := range calls {
		if v, ok := c.CostCents(); ok {
			cents += v
		}
	}
	got := res["calls"][0]
	if asInt(t, got["n"]) != len(calls) || asInt(t, got["ids"]) != len(calls) || math.Abs(asFloat(t, got["cents"])-cents) > 1e-6 {
		t.Errorf("DuckDB on %s: %v, want %d calls, %v cents", glob, got, len(calls), cents)
	}
	if n := asInt(t, res["utts"][0]["n"]); n != len(sourceRows(calls).Utterances) {
		t.Errorf("DuckDB utterances %d, want %d", n, len(sourceRows(calls).Utterances))
	}
}

// treeFiles lists every file under dir, sorted, and fails on temp files.
func treeFiles(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") {
				t.Errorf("temp file left: %s", p)
			}
			files = append(files, p)
		}
		return nil
	})
	slices.Sort(files)
	return files
}

// TestParquetAbortAfterRollover: a run aborted after rollovers leaves the
// previous run's dataset exactly as it was: its own rolled-over parts are
// discarded with the rest, so no directory mixes parts of two runs.
func TestParquetAbortAfterRollover(t *testing.T) {
	const limit = 7
	calls := rollCalls(t)
	dir := t.TempDir()
	writeParquet(t, dir, calls[:5], ParquetOptions{MaxRowsPerFile: limit})
	before := treeFiles(t, dir)
	firstIDs, _ := readParts[CallRow](t, dir, TableCalls, limit)

	w, err := NewParquet(dir, ParquetOptions{MaxRowsPerFile: limit})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range calls {
		if err := w.Write(c); err != nil {
			t.Fatal(err)
		}
	}
	if len(w.parts.sealed) == 0 {
		t.Fatal("no file was rolled over before Abort")
	}
	if err := w.Abort(); err != nil {
		t.Fatal(err)
	}
	if after := treeFiles(t, dir); !slices.Equal(after, before) {
		t.Errorf("after Abort the files are %v, want the first run's %v", after, before)
	}
	if got, _ := readParts[CallRow](t, dir, TableCalls, limit); len(got) != len(firstIDs) {
		t.Errorf("after Abort %d calls, want the first run's %d", len(got), len(firstIDs))
	}
}

// TestParquetRerunReplacesParts: a smaller run into the directory of a
// bigger one replaces its parts; no old part stays beside the new ones
// (readers glob part-*.parquet and would count calls twice). With date
// partitions, the partitions the new run did not write stay untouched.
func TestParquetRerunReplacesParts(t *testing.T) {
	const limit = 7
	calls := rollCalls(t)
	for _, partitioned := range []bool{false, true} {
		t.Run(fmt.Sprintf("partitioned=%v", partitioned), func(t *testing.T) {
			dir := t.TempDir()
			opts := ParquetOptions{MaxRowsPerFile: limit, PartitionByDate: partitioned}
			writeParquet(t, dir, calls, opts)
			var second []*export.Call // one date only (and no start-less call)
			for _, c := range calls {
				if st, ok := c.Start(); ok && st.Format("2006-01-02") == "2026-05-28" {
					second = append(second, c)
				}
			}
			if len(second) == 0 || len(second) == len(calls) {
				t.Fatalf("fixture: %d of %d calls on 2026-05-28", len(second), len(calls))
			}
			writeParquet(t, dir, second, opts)
			got, _ := readParts[CallRow](t, dir, TableCalls, limit)
			ids := map[string]int{}
			for _, r := range got {
				ids[r.CallID]++
			}
			for id, n := range ids {
				if n > 1 {
					t.Errorf("call %s appears %d times after the re-run", id, n)
				}
			}
			want := len(second)
			if partitioned {
				want = len(calls) // other dates keep the first run's files
			}
			if len(got) != want {
				t.Errorf("%d calls after the re-run, want %d", len(got), want)
			}
		})
	}
}

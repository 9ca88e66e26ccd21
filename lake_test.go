package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/retell-export/retell-export/export/fakeapi"
	"github.com/retell-export/retell-export/export/store"
	"github.com/retell-export/retell-export/export/store/bucket"
)

// The dataset tests: the output directory as a lake that many runs build,
// checked against the fake API's population.

// popCall is one call of a fake population.
type popCall struct {
	id    string
	start time.Time
	body  map[string]any
}

// population makes n settled calls whose starts are spread (seeded) over
// [from, from+span), with ids base, base+1, ...
func population(seed uint64, base, n int, from time.Time, span time.Duration) []*popCall {
	rng := rand.New(rand.NewPCG(seed, 7))
	calls := make([]*popCall, n)
	for i := range calls {
		var body map[string]any
		json.Unmarshal(fakeapi.SyntheticCall(base+i, 1), &body)
		start := from.Add(time.Duration(rng.Int64N(int64(span)))).Truncate(time.Millisecond)
		body["start_timestamp"] = start.UnixMilli()
		body["end_timestamp"] = start.UnixMilli() + 4000
		if _, ok := body["transfer_end_timestamp"]; ok {
			body["transfer_end_timestamp"] = start.UnixMilli() + 34000
		}
		calls[i] = &popCall{id: body["call_id"].(string), start: start, body: body}
	}
	return calls
}

func serve(t *testing.T, srv *fakeapi.Server, calls ...*popCall) {
	t.Helper()
	for _, c := range calls {
		b, _ := json.Marshal(c.body)
		if _, err := srv.AddCall(b); err != nil {
			t.Fatal(err)
		}
	}
}

// lakeRow is the part of a calls-table row these tests look at.
type lakeRow struct {
	CallID          string  `parquet:"call_id"`
	CallStatus      string  `parquet:"call_status"`
	AnalysisPresent bool    `parquet:"analysis_present"`
	CallSummary     *string `parquet:"call_summary"`
}

// lake reads every row of the calls table, and fails on a call that is
// there twice.
func lake(t *testing.T, out string) map[string]lakeRow {
	t.Helper()
	rows := map[string]lakeRow{}
	err := filepath.WalkDir(filepath.Join(out, "parquet", "calls"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".parquet") {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		r := parquet.NewGenericReader[lakeRow](f)
		defer r.Close()
		buf := make([]lakeRow, 64)
		for {
			n, err := r.Read(buf)
			for _, row := range buf[:n] {
				if _, dup := rows[row.CallID]; dup {
					t.Errorf("%s is in the lake twice (again in %s)", row.CallID, p)
				}
				rows[row.CallID] = row
			}
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// wantLake compares the lake's call ids with the calls of the population
// that started in [from, until).
func wantLake(t *testing.T, out string, pop []*popCall, from, until time.Time) {
	t.Helper()
	got := lake(t, out)
	var missing, extra []string
	want := map[string]bool{}
	for _, c := range pop {
		if !c.start.Before(from) && c.start.Before(until) {
			want[c.id] = true
			if _, ok := got[c.id]; !ok {
				missing = append(missing, c.id)
			}
		}
	}
	for id := range got {
		if !want[id] {
			extra = append(extra, id)
		}
	}
	if len(missing)+len(extra) > 0 {
		t.Errorf("lake has %d calls, want %d: %d missing %v, %d not asked for %v", len(got), len(want), len(missing), first(missing), len(extra), first(extra))
	}
}

func first(s []string) []string {
	slices.Sort(s)
	return s[:min(len(s), 3)]
}

// leftovers lists temporary files, spill files and staging directories
// under out: every hidden name but the lock.
func leftovers(t *testing.T, out string) []string {
	t.Helper()
	var found []string
	filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), ".") && d.Name() != ".lock" {
			found = append(found, p)
		}
		return nil
	})
	return found
}

func TestNightlyWindowsInAZoneBuildOneLake(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	day0 := time.Date(2026, 11, 10, 0, 0, 0, 0, paris)
	// Calls from a day before the first window to a day after the last,
	// at every hour, so every window edge has calls on both sides.
	pop := population(1, 0, 400, day0.Add(-24*time.Hour), 5*24*time.Hour)
	srv := fakeapi.NewServer(fakeapi.Options{ListPageSize: 40})
	t.Cleanup(srv.Close)
	serve(t, srv, pop...)
	out := t.TempDir()
	night := func(from, until string) {
		t.Helper()
		r := runCLI(t.Context(), t, envFor(srv), "--since", from, "--until", until, "--tz", "Europe/Paris",
			"--out", out, "--format", "parquet", "--partition", "date", "--quiet", "--report-dir", "reports/{since}")
		if r.code != 0 {
			t.Fatalf("%s..%s: exit %d: %s", from, until, r.code, r.stderr)
		}
	}
	// view returns what a night did to the Parquet view: partitions
	// rebuilt.
	view := func(since string) (dates int) {
		if v := readReport(t, filepath.Join(out, "reports", since)).View; v != nil {
			return v.Dates
		}
		return 0
	}
	night("2026-11-10", "2026-11-11")
	wantLake(t, out, pop, day0, day0.AddDate(0, 0, 1))
	// A Paris night spans two UTC dates.
	if d := view("2026-11-10"); d != 2 {
		t.Errorf("first night: %d partitions; want 2", d)
	}
	night("2026-11-11", "2026-11-12")
	// The UTC date the nights share is rebuilt, and the next one.
	if d := view("2026-11-11"); d != 2 {
		t.Errorf("second night: %d partitions; want 2", d)
	}
	night("2026-11-12", "2026-11-13")
	wantLake(t, out, pop, day0, day0.AddDate(0, 0, 3))
	night("2026-11-11", "2026-11-12")                               // a re-run
	night("2026-11-10T12:00:00+01:00", "2026-11-12T12:00:00+01:00") // an overlapping window
	wantLake(t, out, pop, day0, day0.AddDate(0, 0, 3))
	for _, d := range []string{"2026-11-10", "2026-11-11", "2026-11-12", "2026-11-10T1200"} {
		if _, err := os.Stat(filepath.Join(out, "reports", d, "summary.json")); err != nil {
			t.Errorf("the report of window %s is gone: %v", d, err)
		}
	}
	if l := leftovers(t, out); len(l) > 0 {
		t.Errorf("temporary files left: %v", l)
	}
	// Each call was fetched once, however many windows listed it.
	for _, c := range pop {
		if n := srv.Requests(c.id); n > 1 {
			t.Errorf("%s fetched %d times", c.id, n)
		}
	}
	duckLake(t, out, 0)
}

// duckLake has DuckDB read the lake as a data engineer would: every call
// once, date typed DATE (the NULL partition included), a date filter
// that works.
func duckLake(t *testing.T, out string, wantNoDate int) {
	t.Helper()
	node, err := exec.LookPath("node")
	modules := os.Getenv("RETELL_DUCKDB_NODE_MODULES")
	if modules == "" {
		home, _ := os.UserHomeDir()
		modules = filepath.Join(home, ".cache", "retell-duckdb", "node_modules")
	}
	if _, serr := os.Stat(filepath.Join(modules, "@duckdb", "node-api")); err != nil || serr != nil {
		t.Log("SKIPPING the DuckDB read of the lake: node or @duckdb/node-api is missing (.ci/run installs them)")
		return
	}
	glob := filepath.ToSlash(filepath.Join(out, "parquet", "calls", "**", "*.parquet"))
	src := fmt.Sprintf("read_parquet('%s', hive_partitioning = true)", glob)
	queries := []map[string]string{
		{"name": "counts", "sql": "SELECT count(*)::INT AS n, count(DISTINCT call_id)::INT AS ids, count(*) FILTER (WHERE date IS NULL)::INT AS nodate FROM " + src},
		{"name": "type", "sql": "SELECT typeof(date) AS t FROM " + src + " LIMIT 1"},
		{"name": "filter", "sql": "SELECT count(*)::INT AS n FROM " + src + " WHERE date >= DATE '2026-06-01'"},
	}
	qfile := filepath.Join(t.TempDir(), "q.json")
	b, _ := json.Marshal(queries)
	os.WriteFile(qfile, b, 0o644)
	cmd := exec.Command(node, filepath.Join("formats", "testdata", "duckdb_query.cjs"), modules, qfile)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	res, err := cmd.Output()
	if err != nil {
		t.Fatalf("duckdb: %v\n%s", err, stderr.String())
	}
	var got map[string][]map[string]any
	json.Unmarshal(res, &got)
	c := got["counts"][0]
	if c["n"] != c["ids"] || int(c["nodate"].(float64)) != wantNoDate {
		t.Errorf("DuckDB: %v rows, %v distinct ids, %v without a date (want %d)", c["n"], c["ids"], c["nodate"], wantNoDate)
	}
	if ty := got["type"][0]["t"]; ty != "DATE" {
		t.Errorf("DuckDB types the date partition as %v, want DATE", ty)
	}
}

func TestIncrementalRunsFetchOnlyNewAndUnsettledCalls(t *testing.T) {
	now := time.Now()
	pop := population(2, 1000, 60, now.Add(-72*time.Hour), 60*time.Hour)
	// Ten calls are waiting for their analysis, one is still going on.
	pending := pop[:10]
	for _, c := range pending {
		delete(c.body, "call_analysis")
	}
	pop[10].body["call_status"] = "ongoing"
	delete(pop[10].body, "end_timestamp")
	srv := fakeapi.NewServer(fakeapi.Options{ListPageSize: 25})
	t.Cleanup(srv.Close)
	serve(t, srv, pop...)
	out := t.TempDir()
	args := []string{"--incremental", "--out", out, "--format", "parquet", "--partition", "date", "--quiet"}

	if r := runCLI(t.Context(), t, envFor(srv), args...); r.code != exitUsage || !strings.Contains(r.stderr, "needs --since") {
		t.Fatalf("a first --incremental run without --since: exit %d, %s", r.code, r.stderr)
	}
	r := runCLI(t.Context(), t, envFor(srv), append(args, "--since", "4d")...)
	if r.code != 0 {
		t.Fatalf("first run: exit %d: %s", r.code, r.stderr)
	}
	rows := lake(t, out)
	if len(rows) != 60 || rows[pending[0].id].AnalysisPresent {
		t.Fatalf("after the first run: %d calls, analysis on a pending call %v", len(rows), rows[pending[0].id].AnalysisPresent)
	}

	// Overnight: the analysis arrives, the ongoing call ends, new calls come.
	for i, c := range pending {
		c.body["call_analysis"] = map[string]any{"call_summary": fmt.Sprintf("late analysis %d", i), "user_sentiment": "Positive", "call_successful": true}
	}
	pop[10].body["call_status"] = "ended"
	fresh := population(3, 2000, 15, now.Add(-time.Hour), 50*time.Minute)
	serve(t, srv, slices.Concat(pop[:11], fresh)...)
	before := map[string]int{}
	for _, c := range pop {
		before[c.id] = srv.Requests(c.id)
	}
	r = runCLI(t.Context(), t, envFor(srv), args...)
	if r.code != 0 {
		t.Fatalf("second run: exit %d: %s", r.code, r.stderr)
	}
	for i, c := range pop {
		want := 0
		if i <= 10 {
			want = 1 // not settled last time
		}
		if got := srv.Requests(c.id) - before[c.id]; got != want {
			t.Errorf("%s (call %d) fetched %d times by the second run, want %d", c.id, i, got, want)
		}
	}
	for _, c := range fresh {
		if n := srv.Requests(c.id); n != 1 {
			t.Errorf("new call %s fetched %d times, want 1", c.id, n)
		}
	}
	rows = lake(t, out)
	if len(rows) != 75 {
		t.Errorf("lake has %d calls, want 75", len(rows))
	}
	for i, c := range pending {
		if s := rows[c.id].CallSummary; s == nil || *s != fmt.Sprintf("late analysis %d", i) {
			t.Errorf("%s: the late analysis did not replace the row (summary %v)", c.id, s)
		}
	}
	rep := readReport(t, out)
	if rep.Counts.Refetched != 11 || rep.Counts.Fetched != 26 || rep.State == nil || rep.State.Pending != 0 {
		t.Errorf("second run.json: counts %+v state %+v; want 11 re-fetched of 26 fetched, nothing pending", rep.Counts, rep.State)
	}
}

func TestSecondRunOnABusyOutputExits5(t *testing.T) {
	srv, ids := fakeAPI(t, fakeapi.Options{}, 3)
	out := t.TempDir()
	if r := runCLI(t.Context(), t, envFor(srv), append(ids, "--out", out, "--quiet")...); r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	// Another process holds the lock: this test binary as a child, which
	// takes the lock and waits for its stdin to close.
	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), "RETELL_EXPORT_HOLD_LOCK="+out)
	stdin, _ := child.StdinPipe()
	stdout, _ := child.StdoutPipe()
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 6)
	io.ReadFull(stdout, buf) // "locked"
	r := runCLI(t.Context(), t, envFor(srv), append(ids, "--out", out, "--quiet")...)
	stdin.Close()
	child.Wait()
	if r.code != exitBusy || !strings.Contains(r.stderr, fmt.Sprintf("pid %d", child.Process.Pid)) {
		t.Errorf("second run: exit %d, %q; want 5 naming the holder's pid %d", r.code, r.stderr, child.Process.Pid)
	}
	if srv.TotalRequests() != 3 {
		t.Errorf("the busy run sent requests: %d in all", srv.TotalRequests())
	}
	// kill -9 leaves the holder in the lock file; the next run takes over.
	os.WriteFile(filepath.Join(out, ".lock"), []byte(`{"pid":999999,"host":"elsewhere","started":"2026-11-27T01:00:00Z"}`), 0o644)
	os.WriteFile(filepath.Join(out, "parquet", ".part-x.parquet.tmp-123"), []byte("half"), 0o644)
	os.MkdirAll(filepath.Join(out, ".staging-20261127T010000Z-abcdef", "calls"), 0o755) // killed before a file was in it
	r = runCLI(t.Context(), t, envFor(srv), append(ids, "--out", out)...)
	if r.code != 0 || !strings.Contains(r.stderr, "pid 999999") {
		t.Errorf("after a killed run: exit %d, %q; want 0 and a word about the dead run", r.code, r.stderr)
	}
	if l := leftovers(t, out); len(l) > 0 {
		t.Errorf("the killed run's temporary files are still there: %v", l)
	}
}

func TestListingFaultsStopTheRunAndKeepTheState(t *testing.T) {
	now := time.Now()
	for _, fault := range []fakeapi.ListFault{fakeapi.ListRepeatCursor, fakeapi.ListBackwards, fakeapi.ListNoCursor} {
		t.Run(fmt.Sprint(fault), func(t *testing.T) {
			srv := fakeapi.NewServer(fakeapi.Options{ListPageSize: 10})
			t.Cleanup(srv.Close)
			pop := population(4, 3000, 35, now.Add(-48*time.Hour), 40*time.Hour)
			serve(t, srv, pop...)
			out := t.TempDir()
			args := []string{"--incremental", "--out", out, "--quiet"}
			if r := runCLI(t.Context(), t, envFor(srv), append(args, "--since", "3d")...); r.code != 0 {
				t.Fatalf("first run: exit %d: %s", r.code, r.stderr)
			}
			state, _ := os.ReadFile(filepath.Join(out, "state.json"))
			serve(t, srv, population(5, 4000, 5, now.Add(-time.Hour), 30*time.Minute)...)
			srv.SetListFault(fault)
			r := runCLI(t.Context(), t, envFor(srv), args...)
			if r.code != exitFatal || !strings.Contains(r.stderr, "list calls") {
				t.Errorf("exit %d, %q; want 1 and what went wrong with the listing", r.code, r.stderr)
			}
			if after, _ := os.ReadFile(filepath.Join(out, "state.json")); string(after) != string(state) {
				t.Errorf("the state changed:\n%s\nafter:\n%s", state, after)
			}
		})
	}
}

func TestLayoutSwitchLeavesNoFileOfTheOldLayout(t *testing.T) {
	srv, ids := fakeAPI(t, fakeapi.Options{}, 30)
	out := t.TempDir()
	tables := func() (dated, flat int) {
		filepath.WalkDir(filepath.Join(out, "parquet"), func(p string, d fs.DirEntry, err error) error {
			if err == nil && strings.HasSuffix(p, ".parquet") {
				if strings.Contains(p, "date=") {
					dated++
				} else {
					flat++
				}
			}
			return nil
		})
		return
	}
	for i, layout := range []string{"date", "none", "date"} {
		if r := runCLI(t.Context(), t, envFor(srv), append(ids, "--out", out, "--format", "parquet", "--partition", layout, "--quiet")...); r.code != 0 {
			t.Fatalf("--partition %s: exit %d: %s", layout, r.code, r.stderr)
		}
		dated, flat := tables()
		if (layout == "date" && (dated == 0 || flat != 0)) || (layout == "none" && (flat == 0 || dated != 0)) {
			t.Errorf("run %d (--partition %s): %d partitioned files, %d unpartitioned", i, layout, dated, flat)
		}
		if n := len(lake(t, out)); n != 30 {
			t.Errorf("run %d (--partition %s): lake has %d calls, want 30", i, layout, n)
		}
	}
}

// TestMain lets the tests run this binary as a second process: one that
// holds an output's lock (RETELL_EXPORT_HOLD_LOCK), or one that runs the
// program to be killed (RETELL_EXPORT_ARGS), or the program as main runs
// it, signals and all (RETELL_EXPORT_MAIN_ARGS).
func TestMain(m *testing.M) {
	if dir := os.Getenv("RETELL_EXPORT_HOLD_LOCK"); dir != "" {
		st, err := bucket.Open(context.Background(), dir)
		if err == nil {
			var l store.Lock
			if l, err = st.Lock(context.Background(), ".lock", store.Holder{PID: os.Getpid(), Host: "test", Started: time.Now()}); err == nil {
				fmt.Print("locked")
				io.Copy(io.Discard, os.Stdin)
				l.Release()
				os.Exit(0)
			}
		}
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if args := os.Getenv("RETELL_EXPORT_MAIN_ARGS"); args != "" { // the program itself: signals, exit codes
		os.Args = append(os.Args[:1], strings.Split(args, "\x1f")...)
		main()
	}
	if args := os.Getenv("RETELL_EXPORT_ARGS"); args != "" {
		err := run(context.Background(), strings.Split(args, "\x1f"), os.Getenv, strings.NewReader(""), io.Discard, io.Discard)
		os.Exit(exitCode(err, os.Stderr))
	}
	code := m.Run()
	stores.Stop()
	os.Exit(code)
}

// A run killed with -9 at any moment (fetching, archiving, indexing,
// publishing the Parquet files, writing the state), then run again, leaves
// the same lake as a run never killed, and no temporary file.
func TestKilledRunsLeaveTheSameLake(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills processes")
	}
	paris, _ := time.LoadLocation("Europe/Paris")
	day0 := time.Date(2026, 11, 10, 0, 0, 0, 0, paris)
	pop := population(6, 5000, 300, day0, 3*24*time.Hour)
	for _, c := range pop[:30] { // some calls still waiting for their analysis
		delete(c.body, "call_analysis")
	}
	srv := fakeapi.NewServer(fakeapi.Options{Latency: 5 * time.Millisecond, ListPageSize: 50})
	t.Cleanup(srv.Close)
	serve(t, srv, pop...)
	args := func(out string) []string {
		return []string{"--since", "2026-11-10", "--until", "2026-11-13", "--tz", "Europe/Paris", "--out", out,
			"--format", "parquet,csv,xlsx", "--partition", "date", "--rps", "500", "--concurrency", "8", "--quiet"}
	}
	ref := t.TempDir()
	began := time.Now()
	if r := runCLI(t.Context(), t, envFor(srv), args(ref)...); r.code != 0 {
		t.Fatalf("uninterrupted run: exit %d: %s", r.code, r.stderr)
	}
	took := time.Since(began)
	want := lake(t, ref)

	for seed := range uint64(6) {
		out := t.TempDir()
		rng := rand.New(rand.NewPCG(seed, 11))
		kills := 1 + int(seed%2) // some outputs are killed twice in a row
		for k := range kills {
			child := exec.Command(os.Args[0], "-test.run=^$")
			child.Env = append(os.Environ(), "RETELL_EXPORT_ARGS="+strings.Join(args(out), "\x1f"),
				"RETELL_API_KEY="+srv.Key(), "RETELL_BASE_URL="+srv.URL)
			if err := child.Start(); err != nil {
				t.Fatal(err)
			}
			delay := time.Duration(rng.Int64N(int64(took * 5 / 4)))
			time.Sleep(delay)
			child.Process.Kill() // SIGKILL: no clean-up of any kind
			state, _ := child.Process.Wait()
			t.Logf("seed %d kill %d after %v: %v", seed, k, delay.Round(time.Millisecond), state)
		}
		r := runCLI(t.Context(), t, envFor(srv), args(out)...)
		if r.code != 0 {
			t.Fatalf("seed %d: the run after the kill: exit %d: %s", seed, r.code, r.stderr)
		}
		got := lake(t, out)
		if len(got) != len(want) {
			t.Errorf("seed %d: lake has %d calls, the uninterrupted run's %d", seed, len(got), len(want))
		}
		for id, w := range want {
			if g, ok := got[id]; !ok || g.AnalysisPresent != w.AnalysisPresent || g.CallStatus != w.CallStatus {
				t.Errorf("seed %d: %s is %+v, want %+v", seed, id, g, w)
			}
		}
		if l := leftovers(t, out); len(l) > 0 {
			t.Errorf("seed %d: temporary files left: %v", seed, l)
		}
	}
}

// A run, its re-run (from the archive) and --from of its archive write the
// same bytes: rows sorted, figures computed in an order-free way.
func TestSameInputSameBytes(t *testing.T) {
	out, out2 := t.TempDir(), t.TempDir()
	read := func(dir string) map[string]string {
		m := map[string]string{}
		for _, f := range []string{"csv/calls.csv", "csv/utterances.csv", "csv/events.csv", "csv/cost_items.csv", "summary.json"} {
			b, err := os.ReadFile(filepath.Join(dir, f))
			if err != nil {
				t.Fatal(err)
			}
			m[f] = string(b)
		}
		return m
	}
	if r := runCLI(t.Context(), t, nil, "--demo", "--out", out, "--format", "csv", "--quiet"); r.code != 0 {
		t.Fatalf("demo: exit %d: %s", r.code, r.stderr)
	}
	first := read(out)
	if r := runCLI(t.Context(), t, nil, "--demo", "--out", out, "--format", "csv", "--quiet"); r.code != 0 {
		t.Fatalf("re-run: exit %d: %s", r.code, r.stderr)
	}
	if rep := readReport(t, out); rep.Counts.FromArchive == 0 {
		t.Fatalf("the re-run took nothing from the archive: %+v", rep.Counts)
	}
	again := read(out)
	if r := runCLI(t.Context(), t, nil, "--from", filepath.Join(out, "raw"), "--out", out2, "--format", "csv", "--quiet"); r.code != 0 {
		t.Fatalf("--from: exit %d: %s", r.code, r.stderr)
	}
	replayed := read(out2)
	for f, b := range first {
		if again[f] != b {
			t.Errorf("%s differs between a run and its re-run", f)
		}
		if replayed[f] != b {
			t.Errorf("%s differs between a run and --from of its archive", f)
		}
	}
}

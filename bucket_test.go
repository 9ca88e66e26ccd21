package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/retell-export/retell-export/export/fakeapi"
	"github.com/retell-export/retell-export/export/store"
	"github.com/retell-export/retell-export/export/store/bucket"
	"github.com/retell-export/retell-export/export/store/bucket/buckettest"
)

// stores are the object-storage servers the bucket tests share.
var stores = buckettest.NewPool()

// openStore opens the store at url for the rest of the test.
func openStore(t *testing.T, url string) store.Store {
	t.Helper()
	st, err := bucket.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// download copies every object of a dataset in a bucket into a local
// directory, to read it with the same checks as a local dataset.
func download(t *testing.T, url string) string {
	t.Helper()
	ctx := context.Background()
	st := openStore(t, url)
	es, err := st.List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, e := range es {
		b, err := store.ReadAll(ctx, st, e.Name)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, filepath.FromSlash(e.Name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, b, 0o644)
	}
	return dir
}

// The nightly-lake scenario with the lake in a bucket of each cloud: the
// same dataset as in a local directory, row for row; a second process on
// the same bucket exits 5; a bucket that does not exist stops the run
// before any call is fetched; no credential appears in any output.
func TestLakeInABucket(t *testing.T) {
	for _, b := range []struct {
		name  string
		start func(*testing.T) *buckettest.Server
	}{{"s3", stores.S3}, {"gcs", stores.GCS}, {"azure", stores.Azure}} {
		t.Run(b.name, func(t *testing.T) {
			srv := b.start(t)
			bucket := buckettest.BucketName(t)
			srv.MakeBucket(t, bucket)
			srv.Use(t)
			testLakeInABucket(t, srv, srv.URL(bucket, "retell"))
		})
	}
}

func testLakeInABucket(t *testing.T, srv *buckettest.Server, url string) {
	paris, _ := time.LoadLocation("Europe/Paris")
	day0 := time.Date(2026, 11, 10, 0, 0, 0, 0, paris)
	pop := population(7, 7000, 150, day0.Add(-12*time.Hour), 3*24*time.Hour)
	for _, c := range pop[:10] {
		delete(c.body, "call_analysis")
	}
	api := fakeapi.NewServer(fakeapi.Options{ListPageSize: 40})
	t.Cleanup(api.Close)
	serve(t, api, pop...)
	env := envFor(api)
	for k, v := range srv.Env {
		env[k] = v
	}
	local := t.TempDir()
	night := func(out, from, until string) cli {
		t.Helper()
		r := runCLI(t.Context(), t, env, "--since", from, "--until", until, "--tz", "Europe/Paris", "--out", out,
			"--format", "parquet,csv", "--partition", "date", "--report-dir", "reports/{since}")
		if r.code != 0 {
			t.Fatalf("%s %s..%s: exit %d: %s", out, from, until, r.code, r.stderr)
		}
		return r
	}
	var outputs []string
	for _, w := range [][2]string{{"2026-11-10", "2026-11-11"}, {"2026-11-11", "2026-11-12"}, {"2026-11-11", "2026-11-12"}, {"2026-11-10T12:00:00+01:00", "2026-11-12T12:00:00+01:00"}} {
		night(local, w[0], w[1])
		r := night(url, w[0], w[1])
		outputs = append(outputs, r.stdout, r.stderr)
	}
	// Analysis arrives; both lakes take it in.
	for _, c := range pop[:10] {
		c.body["call_analysis"] = map[string]any{"call_summary": "late", "user_sentiment": "Neutral"}
	}
	serve(t, api, pop[:10]...)
	night(local, "2026-11-10", "2026-11-12")
	outputs = append(outputs, night(url, "2026-11-10", "2026-11-12").stderr)

	// New calls, and a run into the bucket killed half way: the lock it
	// leaves is stale once its lease runs out (aged here instead of
	// waiting two minutes), and the next run finishes the work.
	more := population(8, 8000, 60, day0.Add(26*time.Hour), 20*time.Hour)
	serve(t, api, more...)
	pop = append(pop, more...)
	night(local, "2026-11-11", "2026-11-12")
	args := []string{"--since", "2026-11-11", "--until", "2026-11-12", "--tz", "Europe/Paris", "--out", url,
		"--format", "parquet,csv", "--partition", "date", "--report-dir", "reports/{since}", "--quiet"}
	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), "RETELL_EXPORT_ARGS="+strings.Join(args, "\x1f"))
	for k, v := range env {
		child.Env = append(child.Env, k+"="+v)
	}
	before := api.TotalRequests()
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	// Killed once it is fetching: before, it might not have started.
	waitFor(t, time.Minute, "the run to fetch", func() bool { return api.TotalRequests() >= before+5 })
	child.Process.Kill()
	child.Wait()
	ageLock(t, url)
	r := runCLI(t.Context(), t, env, args...)
	if r.code != 0 {
		t.Fatalf("the run after a killed one: exit %d: %s", r.code, r.stderr)
	}
	outputs = append(outputs, r.stderr)

	remote := download(t, url)
	want, got := lake(t, local), lake(t, remote)
	if len(want) == 0 || len(got) != len(want) {
		t.Errorf("the bucket's lake has %d calls, the local one %d", len(got), len(want))
	}
	for id, w := range want {
		if g, ok := got[id]; !ok || g.CallStatus != w.CallStatus || g.AnalysisPresent != w.AnalysisPresent || (g.CallSummary == nil) != (w.CallSummary == nil) {
			t.Errorf("%s: bucket %+v, local %+v", id, g, w)
		}
	}
	wantLake(t, remote, pop, day0, time.Date(2026, 11, 12, 12, 0, 0, 0, paris))
	for _, f := range []string{"state.json", "reports/2026-11-10/summary.json", "reports/2026-11-10/run.json", "reports/2026-11-10/csv/calls.csv"} {
		if _, err := os.Stat(filepath.Join(remote, f)); err != nil {
			t.Errorf("not in the bucket: %s", f)
		}
	}
	// No credential in anything the runs printed or wrote.
	var written []string
	filepath.WalkDir(remote, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.HasSuffix(p, ".parquet") && !strings.HasSuffix(p, ".gz") {
			b, _ := os.ReadFile(p)
			written = append(written, string(b))
		}
		return nil
	})
	for _, secret := range srv.Secrets {
		for _, text := range append(outputs, written...) {
			if strings.Contains(text, secret) {
				t.Fatalf("a credential appears in an output: %.200q", text)
			}
		}
	}

	// Another process holds the bucket's lock: a run exits 5 naming it.
	child = exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), "RETELL_EXPORT_HOLD_LOCK="+url)
	for k, v := range srv.Env {
		child.Env = append(child.Env, k+"="+v)
	}
	stdin, _ := child.StdinPipe()
	stdout, _ := child.StdoutPipe()
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	if line, _ := bufio.NewReader(stdout).ReadString('d'); line != "locked" {
		t.Fatalf("the lock holder did not start: %q", line)
	}
	before = api.TotalRequests()
	r = runCLI(t.Context(), t, env, "--since", "2026-11-10", "--until", "2026-11-11", "--tz", "Europe/Paris", "--out", url, "--format", "parquet")
	stdin.Close()
	child.Wait()
	if r.code != exitBusy || !strings.Contains(r.stderr, fmt.Sprintf("pid %d", child.Process.Pid)) {
		t.Errorf("a second run on the bucket: exit %d, %q; want 5 naming pid %d", r.code, r.stderr, child.Process.Pid)
	}
	if api.TotalRequests() != before {
		t.Errorf("the busy run fetched calls")
	}

	// A bucket that does not exist: one line, exit 1, nothing fetched.
	missing := strings.Replace(url, buckettest.BucketName(t), buckettest.BucketName(t)+"-missing", 1)
	before = api.TotalRequests()
	r = runCLI(t.Context(), t, env, "--since", "2026-11-10", "--until", "2026-11-11", "--out", missing, "--format", "parquet")
	if r.code != exitFatal || api.TotalRequests() != before || strings.Count(strings.TrimSpace(r.stderr), "\n") > 1 {
		t.Errorf("a missing bucket: exit %d after %d requests: %q", r.code, api.TotalRequests()-before, r.stderr)
	}
	// Wrong credentials (where the server checks them; the store reads
	// them from the process environment, as the clouds' chains do): one
	// line, exit 1, nothing fetched, and the wrong secret not repeated.
	if len(srv.Secrets) > 0 {
		const wrong = "d3JvbmcgYnV0IHdlbGwtZm9ybWVkIGtleSAwMTIzNDU2Nzg5MDEyMzQ1Njc4OQ=="
		for k, v := range srv.Env {
			t.Setenv(k, strings.ReplaceAll(v, srv.Secrets[0], wrong))
		}
		before = api.TotalRequests()
		r = runCLI(t.Context(), t, env, "--since", "2026-11-10", "--until", "2026-11-11", "--out", url, "--format", "parquet")
		if r.code != exitFatal || api.TotalRequests() != before || strings.Contains(r.stderr, wrong) {
			t.Errorf("wrong credentials: exit %d after %d requests: %q", r.code, api.TotalRequests()-before, r.stderr)
		}
	}
}

// ageLock makes the lock a killed run left in a bucket look as it will once
// its lease has run out.
func ageLock(t *testing.T, url string) {
	t.Helper()
	ctx := context.Background()
	st := openStore(t, url)
	b, err := store.ReadAll(ctx, st, ".lock")
	if err != nil {
		t.Logf("no lock left by the killed run (%v): it was killed before taking it or after releasing it", err)
		return
	}
	var rec map[string]any
	if err := json.Unmarshal(b, &rec); err != nil {
		t.Fatal(err)
	}
	rec["renewed"] = time.Now().Add(-time.Hour).UTC().Format(time.RFC3339Nano)
	b, _ = json.Marshal(rec)
	if err := store.WriteAll(ctx, st, ".lock", b); err != nil {
		t.Fatal(err)
	}
}

// Ctrl-C (SIGINT) or SIGTERM during a run into a bucket: the run exits
// 130 with every call it fetched kept (the open archive segment is
// uploaded on a context the signal does not cancel), and the next run
// fetches only the calls the first had not: each call is requested once
// over both runs.
func TestInterruptIntoABucket(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and signals processes")
	}
	for _, sig := range []os.Signal{os.Interrupt, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			srv := stores.S3(t)
			name := buckettest.BucketName(t)
			srv.MakeBucket(t, name)
			srv.Use(t)
			url := srv.URL(name, "lake")
			api, ids := fakeAPI(t, fakeapi.Options{Latency: 20 * time.Millisecond}, 400)
			env := envFor(api)
			for k, v := range srv.Env {
				env[k] = v
			}
			args := []string{"--ids", writeIDs(t, ids), "--out", url, "--rps", "100", "--concurrency", "4", "--format", "csv,parquet", "--quiet", "--grace", "30s"}
			child := exec.Command(os.Args[0], "-test.run=^$")
			child.Env = append(os.Environ(), "RETELL_EXPORT_MAIN_ARGS="+strings.Join(args, "\x1f"))
			for k, v := range env {
				child.Env = append(child.Env, k+"="+v)
			}
			var stderr bytes.Buffer
			child.Stderr = &stderr
			if err := child.Start(); err != nil {
				t.Fatal(err)
			}
			waitFor(t, time.Minute, "the run to fetch", func() bool { return api.TotalRequests() >= 60 })
			if err := child.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			child.Wait()
			if code := child.ProcessState.ExitCode(); code != exitInterrupted {
				t.Fatalf("interrupted run into a bucket: exit %d, want %d; stderr (%d bytes):\n%s", code, exitInterrupted, stderr.Len(), stderr.String())
			}
			fetched := api.TotalRequests()
			r := runCLI(t.Context(), t, env, args...)
			if r.code != exitOK {
				t.Fatalf("the run after the interrupted one: exit %d: %s", r.code, r.stderr)
			}
			var again []string
			for _, id := range ids {
				if n := api.Requests(id); n != 1 {
					again = append(again, fmt.Sprintf("%s×%d", id, n))
				}
			}
			if len(again) > 0 {
				t.Errorf("%d of %d calls requested more than once over both runs (the first sent %d requests): %v",
					len(again), len(ids), fetched, again[:min(len(again), 5)])
			}
			if got := len(lake(t, download(t, url))); got != len(ids) {
				t.Errorf("the lake holds %d calls, want %d", got, len(ids))
			}
		})
	}
}

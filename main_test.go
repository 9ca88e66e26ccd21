package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/retell-export/retell-export/export"
	"github.com/retell-export/retell-export/export/fakeapi"
	"github.com/retell-export/retell-export/export/pipeline"
	"github.com/retell-export/retell-export/export/replay"
	"github.com/retell-export/retell-export/formats"
)

// cli runs the program as main would, minus os.Exit.
type cli struct {
	code           int
	stdout, stderr string
}

func runCLI(ctx context.Context, t *testing.T, env map[string]string, args ...string) cli {
	t.Helper()
	return runCLIStdin(ctx, t, env, strings.NewReader(""), args...)
}

// runCLIStdin is runCLI with stdin.
func runCLIStdin(ctx context.Context, t *testing.T, env map[string]string, stdin io.Reader, args ...string) cli {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(ctx, args, func(k string) string { return env[k] }, stdin, &out, &errb)
	code := exitCode(err, &errb)
	return cli{code: code, stdout: out.String(), stderr: errb.String()}
}

// waitFor polls cond until it holds, and fails the test if it does not
// within limit: a condition with a deadline, never a fixed sleep.
func waitFor(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s", limit, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// fakeAPI starts a fake Retell API with n synthetic final calls.
func fakeAPI(t *testing.T, opts fakeapi.Options, n int) (*fakeapi.Server, []string) {
	t.Helper()
	srv := fakeapi.NewServer(opts)
	t.Cleanup(srv.Close)
	ids := make([]string, n)
	for i := range ids {
		id, err := srv.AddCall(fakeapi.SyntheticCall(i, 4))
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = id
	}
	return srv, ids
}

func envFor(srv *fakeapi.Server) map[string]string {
	return map[string]string{"RETELL_API_KEY": srv.Key(), "RETELL_BASE_URL": srv.URL}
}

func writeIDs(t *testing.T, ids []string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "ids.txt")
	if err := os.WriteFile(p, []byte(strings.Join(ids, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// archived returns every record in out/raw by call id (last wins) and the
// number of records.
func archived(t *testing.T, out string) (map[string][]byte, int) {
	t.Helper()
	files, err := replay.RecordFiles(filepath.Join(out, "raw"))
	if err != nil {
		t.Fatal(err)
	}
	m, n := map[string][]byte{}, 0
	err = replay.ScanRecords(files, func(b []byte, where string, _ time.Time) error {
		c, err := export.DecodeCall(b)
		if err != nil {
			t.Errorf("%s: %v", where, err)
			return nil
		}
		m[c.CallID] = append([]byte(nil), b...)
		n++
		return nil
	}, func(where string, err error) { t.Errorf("bad record %s: %v", where, err) })
	if err != nil {
		t.Fatal(err)
	}
	return m, n
}

func readFailed(t *testing.T, out string) [][]string {
	t.Helper()
	f, err := os.Open(filepath.Join(out, "failed.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 || !slices.Equal(rows[0], []string{"call_id", "kind", "http_status", "message", "attempts"}) {
		t.Fatalf("failed.csv header = %v", rows)
	}
	return rows[1:]
}

func readReport(t *testing.T, out string) pipeline.Report {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(out, "run.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rep pipeline.Report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestRetryableFaultsRecover(t *testing.T) {
	srv, ids := fakeAPI(t, fakeapi.Options{Latency: 5 * time.Millisecond}, 12)
	scripts := [][]fakeapi.Fault{
		{{Status: 500}},
		{{Status: 502}, {Status: 503}},
		{{Status: 504}, {Status: 500}, {Status: 500}},
		{{Status: 408}},
		{{Status: 409}},
		{{Status: 429, RetryAfter: "1"}},
		{{Status: 429}, {Status: 429}},
		{{Delay: 2 * time.Second}}, // longer than --timeout
		{{Truncate: true}},
		{{Reset: true}},
		{{InvalidJSON: true}},
		{{Status: 503, RetryAfter: time.Now().Add(time.Second).UTC().Format(time.RFC1123)}, {Reset: true}, {Truncate: true}},
	}
	for i, s := range scripts {
		srv.Script(ids[i], s...)
	}
	out := t.TempDir()
	r := runCLI(context.Background(), t, envFor(srv), "--ids", writeIDs(t, ids), "--out", out,
		"--timeout", "500ms", "--retries", "4", "--rps", "100", "--quiet")
	if r.code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	got, _ := archived(t, out)
	for i, id := range ids {
		if _, ok := got[id]; !ok {
			t.Errorf("%s (faults %+v) not archived", id, scripts[i])
		}
		if n := srv.Requests(id); n != len(scripts[i])+1 {
			t.Errorf("%s: %d requests, want %d (one per fault plus the good one)", id, n, len(scripts[i])+1)
		}
	}
	if rows := readFailed(t, out); len(rows) != 0 {
		t.Errorf("failed.csv has rows: %v", rows)
	}
}

func TestNotFoundIsPartial(t *testing.T) {
	srv, ids := fakeAPI(t, fakeapi.Options{}, 3)
	missing := []string{"call_00000000000000000000000dead", "call_00000000000000000000000beef"}
	srv.Script(ids[2], fakeapi.Fault{Status: 404})
	out := t.TempDir()
	r := runCLI(context.Background(), t, envFor(srv), append(append([]string{"--out", out, "--quiet"}, ids...), missing...)...)
	if r.code != exitPartial {
		t.Fatalf("exit %d, want %d; stderr:\n%s", r.code, exitPartial, r.stderr)
	}
	rows := readFailed(t, out)
	want := map[string]string{missing[0]: "422", missing[1]: "422", ids[2]: "404"}
	if len(rows) != len(want) {
		t.Fatalf("failed.csv rows = %v", rows)
	}
	for _, row := range rows {
		if want[row[0]] != row[2] || row[1] != export.KindNotFound || row[4] != "1" {
			t.Errorf("failed.csv row %v: want kind not_found, status %s, 1 attempt", row, want[row[0]])
		}
		if srv.Requests(row[0]) != 1 {
			t.Errorf("%s: not-found was retried (%d requests)", row[0], srv.Requests(row[0]))
		}
	}
	if !strings.Contains(r.stderr, "failed.csv") {
		t.Errorf("stderr does not point at failed.csv:\n%s", r.stderr)
	}
	if rep := readReport(t, out); rep.Outcome != "partial" || rep.Counts.Fetched != 2 || rep.Counts.Failed != 3 {
		t.Errorf("run.json = %+v", rep)
	}
}

func TestBadKeyStopsRun(t *testing.T) {
	srv, ids := fakeAPI(t, fakeapi.Options{Latency: 20 * time.Millisecond}, 200)
	env := envFor(srv)
	env["RETELL_API_KEY"] = "key_wrong_but_secret_42"
	out := t.TempDir()
	const conc = 4
	r := runCLI(context.Background(), t, env, "--ids", writeIDs(t, ids), "--out", out, "--concurrency", fmt.Sprint(conc), "--rps", "1000", "--quiet")
	if r.code != exitAuth {
		t.Fatalf("exit %d, want %d; stderr:\n%s", r.code, exitAuth, r.stderr)
	}
	if n := srv.AuthFailures(); n > conc {
		t.Errorf("server saw %d requests with the bad key, want at most --concurrency=%d", n, conc)
	}
	if !strings.Contains(r.stderr, "RETELL_API_KEY") || strings.Contains(r.stderr, "key_wrong_but_secret_42") {
		t.Errorf("stderr should name the key's source and never the key:\n%s", r.stderr)
	}
	if rep := readReport(t, out); rep.Outcome != "auth_failed" {
		t.Errorf("run.json outcome = %q", rep.Outcome)
	}
}

func TestRateLimitHolds(t *testing.T) {
	// A low rate keeps one request slot at 100 ms, so a loaded CI machine's
	// scheduling jitter cannot fake a violation.
	for _, tc := range []struct{ rps, burst int }{{10, 1}, {10, 5}} {
		t.Run(fmt.Sprintf("rps%d_burst%d", tc.rps, tc.burst), func(t *testing.T) {
			srv, ids := fakeAPI(t, fakeapi.Options{Latency: 5 * time.Millisecond}, 35)
			r := runCLI(context.Background(), t, envFor(srv), "--ids", writeIDs(t, ids), "--out", t.TempDir(),
				"--rps", fmt.Sprint(tc.rps), "--burst", fmt.Sprint(tc.burst), "--concurrency", "16", "--quiet")
			if r.code != exitOK {
				t.Fatalf("exit %d; stderr:\n%s", r.code, r.stderr)
			}
			if m := srv.MaxPerWindow(time.Second); m > tc.rps+tc.burst {
				t.Errorf("server saw %d requests in one second, want at most rps+burst = %d", m, tc.rps+tc.burst)
			}
		})
	}
}

func TestInterruptAndResume(t *testing.T) {
	srv, ids := fakeAPI(t, fakeapi.Options{Latency: 30 * time.Millisecond}, 120)
	out := t.TempDir()
	idFile := writeIDs(t, ids)
	// A long grace: on a loaded machine a request in flight must not be
	// cut off (and so requested twice) by the 5 s default.
	args := []string{"--ids", idFile, "--out", out, "--rps", "60", "--concurrency", "8", "--quiet", "--grace", "60s"}

	ctx, cancel := context.WithCancel(context.Background())
	var first cli
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		first = runCLI(ctx, t, envFor(srv), args...)
	}()
	waitFor(t, 30*time.Second, "30 requests", func() bool { return srv.TotalRequests() >= 30 })
	cancel() // Ctrl-C
	wg.Wait()
	if first.code != exitInterrupted {
		t.Fatalf("interrupted run: exit %d, want %d; stderr:\n%s", first.code, exitInterrupted, first.stderr)
	}
	rep := readReport(t, out)
	if rep.Outcome != "interrupted" || rep.Counts.Pending == 0 || rep.Counts.Fetched == 0 {
		t.Fatalf("run.json after interrupt = %+v", rep.Counts)
	}
	_, n := archived(t, out)
	if int64(n) != rep.Counts.Fetched {
		t.Errorf("archive has %d calls, report says %d fetched: in-flight calls were lost", n, rep.Counts.Fetched)
	}

	second := runCLI(context.Background(), t, envFor(srv), args...)
	if second.code != exitOK {
		t.Fatalf("re-run: exit %d; stderr:\n%s", second.code, second.stderr)
	}
	for _, id := range ids {
		if n := srv.Requests(id); n != 1 {
			t.Errorf("%s requested %d times over both runs, want exactly 1", id, n)
		}
	}
	got, _ := archived(t, out)
	if len(got) != len(ids) {
		t.Errorf("archive holds %d distinct calls, want %d", len(got), len(ids))
	}
	if rep := readReport(t, out); rep.Counts.FromArchive != int64(n) || rep.Counts.Fetched != int64(len(ids)-n) {
		t.Errorf("re-run counts = %+v, want %d from archive", rep.Counts, n)
	}
}

func TestMalformedIDsNeverReachServer(t *testing.T) {
	srv, ids := fakeAPI(t, fakeapi.Options{}, 2)
	bad := []string{".", ".hidden", "../v2/list-calls", "call_1?limit=1000", "call_1#frag", "a/b", "%2e%2e%2fv3", "call 1", "call\t1", "call\x00x", "call\u202ex", "..", "call_ü"}
	file := filepath.Join(t.TempDir(), "ids.txt")
	content := "# ids\n" + ids[0] + "\n" + strings.Join(bad, "\n") + "\n\n" + ids[1] + "\n" + ids[0] + "\n"
	if err := os.WriteFile(file, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	r := runCLI(context.Background(), t, envFor(srv), "--ids", file, "--out", out, "--quiet")
	if r.code != exitPartial {
		t.Fatalf("exit %d, want %d; stderr:\n%s", r.code, exitPartial, r.stderr)
	}
	for _, p := range srv.AllRequests() {
		if !strings.HasPrefix(p, "|/v2/get-call/call_") || strings.Count(p, "/") != 3 {
			t.Errorf("server saw request %q", p)
		}
	}
	if srv.TotalRequests() != 2 {
		t.Errorf("server saw %d get-call requests, want 2 (duplicates dropped)", srv.TotalRequests())
	}
	rows := readFailed(t, out)
	if len(rows) != len(bad) {
		t.Fatalf("failed.csv has %d rows, want %d: %v", len(rows), len(bad), rows)
	}
	for _, row := range rows {
		if row[1] != export.KindInvalidID || !strings.Contains(row[3], "ids.txt:") {
			t.Errorf("row %q: want kind invalid_id and the line number", row)
		}
	}
	if rep := readReport(t, out); rep.Counts.Duplicates != 1 {
		t.Errorf("duplicates = %d, want 1", rep.Counts.Duplicates)
	}
}

func TestUnknownFieldsSurviveByteForByte(t *testing.T) {
	srv := fakeapi.NewServer(fakeapi.Options{})
	defer srv.Close()
	body := `{
  "call_id": "call_0123456789abcdef0123456789a",
  "call_type": "web_call",
  "access_token": "eyJhbGciOiJIUzI1NiJ9.TOPSECRET.SIG",
  "agent_id": "agent_x",
  "agent_version": 0,
  "call_status": "queued_for_review",
  "disconnection_reason": "error_quantum_flux",
  "x_future_field": {"nested": [1, 2.50, "\u00e9t\u00e9 <b>", 1e400, null]},
  "tool_calls": [{"name": "lookup", "latency_ms": 12.0}],
  "call_analysis": {"user_sentiment": "Ecstatic", "custom_analysis_data": {"k": 1.10}}
}`
	id, _ := srv.AddCall([]byte(body))
	out := t.TempDir()
	r := runCLI(context.Background(), t, envFor(srv), id, "--out", out, "--quiet")
	if r.code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", r.code, r.stderr)
	}
	got, _ := archived(t, out)
	rec := string(got[id])
	for _, want := range []string{
		`"x_future_field":{"nested":[1,2.50,"\u00e9t\u00e9 <b>",1e400,null]}`,
		`"tool_calls":[{"name":"lookup","latency_ms":12.0}]`,
		`"call_status":"queued_for_review"`,
		`"disconnection_reason":"error_quantum_flux"`,
		`"user_sentiment":"Ecstatic"`,
		`"custom_analysis_data":{"k":1.10}`,
	} {
		if !strings.Contains(rec, want) {
			t.Errorf("archive lost %s\nrecord: %s", want, rec)
		}
	}
	if strings.Contains(rec, "access_token") || strings.Contains(rec, "TOPSECRET") {
		t.Errorf("access_token reached the archive: %s", rec)
	}
}

func TestSecretsNeverWritten(t *testing.T) {
	const key = "key_TOPSECRET_7f3a9c"
	srv := fakeapi.NewServer(fakeapi.Options{Key: key})
	defer srv.Close()
	sampleIDs, err := srv.LoadDir(filepath.Join("samples", "calls"))
	if err != nil || len(sampleIDs) == 0 {
		t.Fatalf("samples: %v", err)
	}
	out := t.TempDir()
	r := runCLI(context.Background(), t, map[string]string{"RETELL_API_KEY": key, "RETELL_BASE_URL": srv.URL},
		append([]string{"--out", out, "--rps", "200", "--format", strings.Join(formatNames(), ",")}, sampleIDs...)...)
	if r.code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", r.code, r.stderr)
	}
	tokens := accessTokens(t)
	if len(tokens) == 0 {
		t.Fatal("samples have no web call with an access_token")
	}
	check := func(name string, b []byte) {
		if bytes.Contains(b, []byte(key)) {
			t.Errorf("%s contains the API key", name)
		}
		for _, tok := range tokens {
			if bytes.Contains(b, []byte(tok)) {
				t.Errorf("%s contains a web call access_token", name)
			}
		}
	}
	check("stdout", []byte(r.stdout))
	check("stderr", []byte(r.stderr))
	filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := os.ReadFile(p)
		if strings.HasSuffix(p, ".gz") {
			b = gunzip(t, b)
		}
		check(p, b)
		return nil
	})
}

func accessTokens(t *testing.T) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join("samples", "calls", "*.json"))
	var toks []string
	for _, f := range files {
		b, _ := os.ReadFile(f)
		var v struct {
			AccessToken string `json:"access_token"`
		}
		if json.Unmarshal(b, &v) == nil && v.AccessToken != "" {
			toks = append(toks, v.AccessToken)
		}
	}
	return toks
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	cmd := exec.Command("gzip", "-dc")
	cmd.Stdin = bytes.NewReader(b)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("gunzip: %v", err)
	}
	return out
}

func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		want string // the one line on stderr mentions this
	}{
		{"no ids", nil, []string{}, "no calls to export"},
		{"no key", nil, []string{"call_1"}, "RETELL_API_KEY"},
		{"key flag refused", nil, []string{"--api-key=key_abc", "call_1"}, "visible"},
		{"not a number", nil, []string{"--concurrency", "x", "call_1"}, "--concurrency x: want a whole number such as 16"},
		{"duration without unit", nil, []string{"--timeout", "30", "call_1"}, "--timeout 30: want a duration such as 30s"},
		{"duration with =", nil, []string{"call_1", "--grace=5"}, "--grace 5: want a duration such as 30s"},
		{"missing value", nil, []string{"call_1", "--timeout"}, "--timeout needs a value: want a duration"},
		{"bad boolean", nil, []string{"--quiet=maybe", "call_1"}, "--quiet maybe: want true or false"},
		{"unknown flag", nil, []string{"--bogus", "call_1"}, "unknown flag --bogus"},
		{"zero rps", nil, []string{"--rps", "0", "call_1"}, "--rps 0: want"},
		{"NaN rps", nil, []string{"--rps", "NaN", "call_1"}, "--rps NaN: want"},
		{"Inf rps", nil, []string{"--rps", "Inf", "call_1"}, "--rps +Inf: want"},
		{"huge rps", nil, []string{"--rps", "1e999", "call_1"}, "--rps 1e999: want a number"},
		{"negative rps", nil, []string{"--rps", "-5", "call_1"}, "--rps -5: want"},
		{"zero timeout", nil, []string{"--timeout", "0", "call_1"}, "--timeout 0s: want a duration above 0"},
		{"negative timeout", nil, []string{"--timeout", "-1s", "call_1"}, "--timeout -1s: want a duration above 0"},
		{"negative grace", nil, []string{"--grace", "-1s", "call_1"}, "--grace -1s: want"},
		{"negative stats", nil, []string{"--stats", "-10s", "call_1"}, "--stats -10s: want"},
		{"zero concurrency", nil, []string{"--concurrency", "0", "call_1"}, "--concurrency 0: want 1 to 1000"},
		{"huge concurrency", nil, []string{"--concurrency", "100000", "call_1"}, "--concurrency 100000: want 1 to 1000"},
		{"zero burst", nil, []string{"--burst", "0", "call_1"}, "--burst 0: want at least 1"},
		{"negative retries", nil, []string{"--retries", "-1", "call_1"}, "--retries -1: want 0 or more"},
		{"caption width 0", nil, []string{"--captions-max-chars", "0", "call_1"}, "--captions-max-chars 0: want 10 to 100"},
		{"caption width 5", nil, []string{"--captions-max-chars", "5", "--format", "srt", "call_1"}, "--captions-max-chars 5: want 10 to 100"},
		{"caption width 101", nil, []string{"--captions-max-chars", "101", "call_1"}, "--captions-max-chars 101: want 10 to 100"},
		{"unknown format", nil, []string{"--format", "pdf", "call_1"}, `--format pdf: unknown format "pdf"`},
		{"none with others", nil, []string{"--format", "none,csv", "call_1"}, "--format none,csv: none goes alone"},
		{"empty format", nil, []string{"--format", "", "call_1"}, `--format "": want`},
		{"bad partition", nil, []string{"--partition", "day", "call_1"}, "--partition day: want none or date"},
		{"bad grouping", nil, []string{"--by", "agent,colour", "call_1"}, `--by agent,colour: unknown grouping "colour"`},
		{"bad zone", nil, []string{"--tz", "Mars/Base", "call_1"}, "--tz Mars/Base: want an IANA time zone"},
		{"bad since", nil, []string{"--since", "tomorrow"}, "--since tomorrow: want a date (YYYY-MM-DD)"},
		{"future since", nil, []string{"--since", "2099-01-01"}, "--since 2099-01-01: that is in the future"},
		{"until before since", nil, []string{"--since", "2026-01-02", "--until", "2026-01-01"}, "--until must be after --since"},
		{"demo dir alone", nil, []string{"--demo-dir", "x", "call_1"}, "--demo-dir goes with --demo"},
		{"missing ids file", nil, []string{"--ids", "/nonexistent/ids.txt"}, "no such file"},
		{"bad base url", map[string]string{"RETELL_API_KEY": "k", "RETELL_BASE_URL": "ftp://x"}, []string{"call_1"}, "base URL"},
		{"missing key file", nil, []string{"--api-key-file", "/nonexistent/key", "call_1"}, "api-key-file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runCLI(context.Background(), t, tc.env, append([]string{"--out", t.TempDir()}, tc.args...)...)
			if r.code != exitUsage || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want exit %d mentioning %q", r.code, r.stderr, exitUsage, tc.want)
			}
			if strings.Count(r.stderr, "\n") != 1 || !strings.HasSuffix(r.stderr, "(see retell-export --help)\n") || r.stdout != "" {
				t.Errorf("want one line on stderr pointing at --help, nothing on stdout; got stderr %q, stdout %q", r.stderr, r.stdout)
			}
		})
	}
}

func TestHelpAndVersion(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string // on stdout
	}{
		{[]string{"-h"}, "Usage: retell-export"},
		{[]string{"--help"}, "Usage: retell-export"},
		{[]string{"-help"}, "Usage: retell-export"},
		{[]string{"help"}, "Usage: retell-export"},
		{[]string{"help", "--out", "x"}, "Usage: retell-export"},
		{[]string{"call_1", "--help"}, "Usage: retell-export"},
		{[]string{"--version"}, "retell-export (devel)\n"}, // test binaries carry no module version
		{[]string{"--version", "call_1", "--rps", "0"}, "retell-export (devel)\n"},
	} {
		r := runCLI(context.Background(), t, nil, tc.args...)
		if r.code != exitOK || !strings.HasPrefix(r.stdout, tc.want) || r.stderr != "" {
			t.Errorf("%q: exit %d, stdout %.40q, stderr %q; want exit 0 and %q on stdout", tc.args, r.code, r.stdout, r.stderr, tc.want)
		}
	}
	r := runCLI(context.Background(), t, nil, "--help")
	for _, want := range []string{"  --timeout D\n", "  --format LIST\n", "(default csv,xlsx)", "Exit codes:", "--version"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("help lacks %q", want)
		}
	}
	// The flag package prints "panic calling String method" into the help
	// when a flag's zero value cannot say what it is.
	if strings.Contains(r.stdout, "panic") {
		t.Errorf("help shows a panic: %.300q", r.stdout[strings.Index(r.stdout, "panic"):])
	}
}

func TestBuildVersion(t *testing.T) {
	info := func(v string, settings ...string) *debug.BuildInfo {
		bi := &debug.BuildInfo{Main: debug.Module{Path: "github.com/retell-export/retell-export", Version: v}}
		for i := 0; i+1 < len(settings); i += 2 {
			bi.Settings = append(bi.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
		}
		return bi
	}
	const rev = "0123456789abcdef0123456789abcdef01234567"
	for _, tc := range []struct {
		name, ldflags string
		info          *debug.BuildInfo
		ok            bool
		want          string
	}{
		{"go install @v1.2.3", "", info("v1.2.3"), true, "v1.2.3"},
		{"go build in a checkout", "", info("v0.0.0-20261128080000-0123456789ab+dirty", "vcs.revision", rev), true, "v0.0.0-20261128080000-0123456789ab+dirty"},
		{"-buildvcs=false", "", info("(devel)"), true, "(devel)"},
		{"devel with revision", "", info("(devel)", "vcs.revision", rev, "vcs.modified", "false"), true, "(devel) 0123456789ab"},
		{"devel, modified", "", info("", "vcs.revision", rev, "vcs.modified", "true"), true, "(devel) 0123456789ab+dirty"},
		{"-ldflags wins", "v9.9.9", info("v1.2.3"), true, "v9.9.9"},
		{"no build info", "", nil, false, "(devel)"},
	} {
		if got := buildVersion(tc.ldflags, tc.info, tc.ok); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
	if got := userAgentVersion("(devel) 0123456789ab+dirty"); got != "devel-0123456789ab+dirty" {
		t.Errorf("user agent version %q", got)
	}
}

// The bounds --captions-max-chars checks are the caption writer's own.
func TestCaptionWidthBounds(t *testing.T) {
	for n, ok := range map[int]bool{minCaptionChars - 1: false, minCaptionChars: true, maxCaptionChars: true, maxCaptionChars + 1: false} {
		w, err := formats.NewCaptions(t.TempDir(), formats.CaptionOptions{SRT: true, MaxLineChars: n})
		if (err == nil) != ok {
			t.Errorf("formats.NewCaptions(MaxLineChars %d): %v; main accepts it: %v", n, err, ok)
		}
		if w != nil {
			w.Abort()
		}
	}
}

func TestKeyFile(t *testing.T) {
	srv, ids := fakeAPI(t, fakeapi.Options{}, 1)
	kf := filepath.Join(t.TempDir(), "key")
	os.WriteFile(kf, []byte(srv.Key()+"\n"), 0o600)
	r := runCLI(context.Background(), t, map[string]string{"RETELL_API_KEY": "key_env_is_wrong", "RETELL_BASE_URL": srv.URL},
		"--api-key-file", kf, "--out", t.TempDir(), "--quiet", ids[0])
	if r.code != exitOK {
		t.Fatalf("--api-key-file should beat RETELL_API_KEY: exit %d; %s", r.code, r.stderr)
	}
}

func TestIDsFromStdinAndCSV(t *testing.T) {
	srv, ids := fakeAPI(t, fakeapi.Options{}, 3)
	stdin := strings.NewReader(fmt.Sprintf("call_id,kind,http_status\n%s,not_found,422\n\"%s\",x,1\n%s,,\n", ids[0], ids[1], ids[2]))
	out := t.TempDir()
	r := runCLIStdin(context.Background(), t, envFor(srv), stdin, "--ids", "-", "--out", out, "--quiet")
	if r.code != exitOK {
		t.Fatalf("exit %d; %s", r.code, r.stderr)
	}
	if got, _ := archived(t, out); len(got) != 3 {
		t.Errorf("archived %d calls from a CSV on stdin, want 3", len(got))
	}
}

func TestReplayNeedsNoNetwork(t *testing.T) {
	srv, ids := fakeAPI(t, fakeapi.Options{}, 20)
	out := t.TempDir()
	if r := runCLI(context.Background(), t, envFor(srv), append([]string{"--out", out, "--quiet"}, ids...)...); r.code != exitOK {
		t.Fatalf("fetch: exit %d; %s", r.code, r.stderr)
	}
	before := srv.TotalRequests()
	out2 := t.TempDir()
	r := runCLI(context.Background(), t, nil, "--from", filepath.Join(out, "raw"), "--out", out2, "--quiet")
	if r.code != exitOK {
		t.Fatalf("replay: exit %d; %s", r.code, r.stderr)
	}
	if srv.TotalRequests() != before {
		t.Errorf("replay made requests")
	}
	if rep := readReport(t, out2); rep.Counts.FromArchive != 20 {
		t.Errorf("replayed %d calls, want 20", rep.Counts.FromArchive)
	}
	// The whole output directory replays too: our own run.json is no call.
	r = runCLI(context.Background(), t, nil, "--from", out, "--out", t.TempDir(), "--quiet")
	if r.code != exitOK || strings.Contains(r.stderr, "warning") {
		t.Errorf("replay of an output directory: exit %d; %s", r.code, r.stderr)
	}
	r = runCLI(context.Background(), t, nil, "--from", t.TempDir(), "--out", t.TempDir(), "--quiet")
	if r.code != exitFatal || !strings.Contains(r.stderr, "no saved calls") {
		t.Errorf("replay of an empty directory: exit %d; %s", r.code, r.stderr)
	}
}

func TestReplayBadRecordsArePartial(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "good.json"), fakeapi.SyntheticCall(1, 2), 0o644)
	os.WriteFile(filepath.Join(dir, "cut.json"), fakeapi.SyntheticCall(2, 2)[:300], 0o644)
	os.WriteFile(filepath.Join(dir, "html.json"), []byte("<html>502</html>"), 0o644)
	out := t.TempDir()
	r := runCLI(context.Background(), t, nil, "--from", dir, "--out", out, "--quiet")
	if r.code != exitPartial {
		t.Fatalf("exit %d, want %d: unreadable input must not look like success; %s", r.code, exitPartial, r.stderr)
	}
	rows := readFailed(t, out)
	if len(rows) != 2 || rows[0][1] != export.KindBadRecord || !strings.Contains(rows[0][3]+rows[1][3], "cut.json") {
		t.Errorf("failed.csv = %v, want the two bad files as bad_record", rows)
	}
	if rep := readReport(t, out); rep.Counts.FromArchive != 1 || rep.Counts.Pending != 0 {
		t.Errorf("counts = %+v", rep.Counts)
	}
}

func TestDiskFull(t *testing.T) {
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=96k", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("SKIPPED: cannot mount a small tmpfs to fill up (needs root): %v %s", err, out)
	}
	defer exec.Command("umount", dir).Run()
	srv := fakeapi.NewServer(fakeapi.Options{})
	defer srv.Close()
	var ids []string
	for i := range 60 {
		id, _ := srv.AddCall(fakeapi.SyntheticCall(i, 200)) // ~200 kB each, poorly compressible ids aside
		ids = append(ids, id)
	}
	r := runCLI(context.Background(), t, envFor(srv), append([]string{"--out", dir, "--quiet", "--rps", "500"}, ids...)...)
	if r.code != exitFatal || !strings.Contains(r.stderr, "no space left on device") {
		t.Fatalf("exit %d, want %d with a clear message; stderr:\n%s", r.code, exitFatal, r.stderr)
	}
	// What reached the archive before the disk filled up is readable.
	files, _ := replay.RecordFiles(filepath.Join(dir, "raw"))
	n := 0
	replay.ScanRecords(files, func([]byte, string, time.Time) error { n++; return nil }, func(string, error) {})
	t.Logf("disk full after %d archived calls; stderr: %s", n, r.stderr)
}

func TestRerunRefetchesOnlyUnfinishedCalls(t *testing.T) {
	srv, ids := fakeAPI(t, fakeapi.Options{}, 2) // final: ended with analysis
	unfinished := map[string]string{
		"call_00000000000000000000000000a": `{"call_id":"call_00000000000000000000000000a","call_type":"web_call","agent_id":"a","call_status":"ongoing","start_timestamp":1780000000000}`,
		"call_00000000000000000000000000b": `{"call_id":"call_00000000000000000000000000b","call_type":"web_call","agent_id":"a","call_status":"ended","start_timestamp":1780000000000}`,
		"call_00000000000000000000000000c": `{"call_id":"call_00000000000000000000000000c","call_type":"phone_call","agent_id":"a","call_status":"registered"}`,
	}
	all := append([]string(nil), ids...)
	for id, body := range unfinished {
		srv.AddCall([]byte(body))
		all = append(all, id)
	}
	out := t.TempDir()
	args := append([]string{"--out", out, "--quiet"}, all...)
	for run := 1; run <= 2; run++ {
		if r := runCLI(context.Background(), t, envFor(srv), args...); r.code != exitOK {
			t.Fatalf("run %d: exit %d; %s", run, r.code, r.stderr)
		}
	}
	for _, id := range all {
		want := 1
		if unfinished[id] != "" {
			want = 2
		}
		if n := srv.Requests(id); n != want {
			t.Errorf("%s: %d requests over two runs, want %d", id, n, want)
		}
	}
	if rep := readReport(t, out); rep.Counts.FromArchive != 2 || rep.Counts.Fetched != 3 {
		t.Errorf("second run counts = %+v, want 2 from archive and 3 fetched", rep.Counts)
	}
	if r := runCLI(context.Background(), t, envFor(srv), append(args, "--refetch")...); r.code != exitOK {
		t.Fatalf("--refetch: exit %d", r.code)
	}
	if n := srv.Requests(ids[0]); n != 2 {
		t.Errorf("--refetch did not fetch a final call again (%d requests)", n)
	}
}

func TestStatusLinesWhenNotATerminal(t *testing.T) {
	srv, ids := fakeAPI(t, fakeapi.Options{Latency: 20 * time.Millisecond}, 30)
	r := runCLI(context.Background(), t, envFor(srv), append([]string{"--out", t.TempDir(), "--rps", "50", "--stats", "100ms"}, ids...)...)
	if r.code != exitOK {
		t.Fatalf("exit %d; %s", r.code, r.stderr)
	}
	lines := strings.Count(r.stderr, "progress: ")
	if lines < 3 || strings.Contains(r.stderr, "\r") {
		t.Errorf("want several plain status lines and no carriage returns; stderr:\n%q", r.stderr)
	}
	if !strings.Contains(r.stderr, "retell-export: ok: 30 fetched, 0 from archive, 0 failed") {
		t.Errorf("no summary line:\n%s", r.stderr)
	}
}

// Warnings (from the consumer goroutine) and status lines (from their
// own ticker) go to one stderr: under -race, an injected buffer is never
// written from two goroutines at once, and no line is cut by another.
func TestWarningsWhileStatusLinesTick(t *testing.T) {
	srv := fakeapi.NewServer(fakeapi.Options{Latency: 2 * time.Millisecond})
	t.Cleanup(srv.Close)
	var ids []string
	for i := range 60 {
		var m map[string]any
		json.Unmarshal(fakeapi.SyntheticCall(i, 1), &m)
		m["agent_name"] = 42 // a mistyped field: the call is kept, with a warning
		b, _ := json.Marshal(m)
		id, err := srv.AddCall(b)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	r := runCLI(context.Background(), t, envFor(srv), append([]string{"--out", t.TempDir(), "--rps", "200", "--concurrency", "4", "--stats", "1ms", "--format", "none"}, ids...)...)
	if r.code != exitOK {
		t.Fatalf("exit %d; %s", r.code, r.stderr)
	}
	warned, ticked := 0, 0
	for _, line := range strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n") {
		switch {
		case strings.HasPrefix(line, "retell-export: warning: call "):
			warned++
		case strings.HasPrefix(line, "progress: "):
			ticked++
		case strings.HasPrefix(line, "retell-export: "):
		default:
			t.Errorf("a line cut or mixed with another: %q", line)
		}
	}
	if warned != len(ids) || ticked == 0 {
		t.Errorf("%d warnings (want %d) and %d status lines (want some); stderr:\n%s", warned, len(ids), ticked, r.stderr)
	}
}

func TestListCallsBySinceUntil(t *testing.T) {
	srv := fakeapi.NewServer(fakeapi.Options{Synthetic: 2500, SyntheticTurns: 1})
	defer srv.Close()
	// Synthetic call i starts at 1780000000000 + i*61 s.
	at := func(i int) string { return time.UnixMilli(1780000000000 + int64(i)*61_000).UTC().Format(time.RFC3339) }
	out := t.TempDir()
	r := runCLI(context.Background(), t, envFor(srv), "--since", at(100), "--until", at(2300), "--out", out, "--rps", "3000", "--concurrency", "32")
	if r.code != exitOK {
		t.Fatalf("exit %d; %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "list-calls: 2200 calls in 3 pages") {
		t.Errorf("stderr should report the listing:\n%s", r.stderr)
	}
	// 3 for the window (1000 per page, following has_more), and one each
	// way for the calls without a start (none here: each stops at once).
	if srv.ListPages() != 5 {
		t.Errorf("%d list pages, want 3 for the window and 2 for calls without a start", srv.ListPages())
	}
	for _, i := range []int{99, 100, 2299, 2300} {
		want := 0
		if i >= 100 && i < 2300 {
			want = 1
		}
		if n := srv.Requests(fakeapi.SyntheticID(i)); n != want {
			t.Errorf("call %d: %d get-call requests, want %d (since inclusive, until exclusive)", i, n, want)
		}
	}
	if rep := readReport(t, out); rep.Counts.Fetched != 2200 {
		t.Errorf("fetched %d, want 2200", rep.Counts.Fetched)
	}
}

func TestDemoWorksOutsideTheRepository(t *testing.T) {
	t.Chdir(t.TempDir()) // no samples/ here: the binary carries its own
	r := runCLI(t.Context(), t, nil, "--demo", "--out", "out", "--quiet")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if rep := readReport(t, "out"); rep.Counts.Fetched != 66 {
		t.Errorf("fetched %d calls, want the 66 samples", rep.Counts.Fetched)
	}
	r = runCLI(t.Context(), t, nil, "--demo", "--demo-dir", "nowhere", "--out", "out2")
	if r.code != 1 || !strings.Contains(r.stderr, "--demo-dir") || strings.Contains(r.stderr, "<nil>") {
		t.Errorf("--demo-dir nowhere: exit %d, %q", r.code, r.stderr)
	}
}

func TestIDsFromSpreadsheet(t *testing.T) {
	srv, ids := fakeAPI(t, fakeapi.Options{}, 2)
	dir := t.TempDir()
	sheet := filepath.Join(dir, "calls.csv")
	os.WriteFile(sheet, []byte("\ufeffAgent,Call ID,Duration\r\n\"Harbor Hotel, Front Desk\","+ids[0]+",00:03:12\r\nSupport,"+ids[1]+",41\r\n"), 0o644)
	out := t.TempDir()
	r := runCLI(context.Background(), t, envFor(srv), "--ids", sheet, "--out", out, "--quiet")
	if r.code != exitOK || srv.TotalRequests() != 2 {
		t.Fatalf("exit %d, %d requests; stderr:\n%s", r.code, srv.TotalRequests(), r.stderr)
	}
	noID := filepath.Join(dir, "agents.csv")
	os.WriteFile(noID, []byte("Agent;Phone\r\nSupport;+1555\r\n"), 0o644)
	r = runCLI(context.Background(), t, envFor(srv), "--ids", noID, "--out", t.TempDir())
	if r.code != exitUsage || !strings.Contains(r.stderr, `agents.csv:1: no call id column`) || !strings.Contains(r.stderr, `"Agent", "Phone"`) {
		t.Errorf("header without a call id column: exit %d, stderr %q", r.code, r.stderr)
	}
	if srv.TotalRequests() != 2 {
		t.Errorf("a refused ids file still sent requests")
	}
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

// A cron job that succeeds gets no mail; one that fails gets the reason.
func TestQuietAndSummaryOutput(t *testing.T) {
	srv, ids := fakeAPI(t, fakeapi.Options{}, 3)
	missing := "call_00000000000000000000000dead"
	for _, tc := range []struct {
		name       string
		args       []string
		code       int
		stdout     string // "" = nothing; else a substring
		stderr     []string
		stderrNone bool
	}{
		{name: "quiet success", args: []string{"--quiet"}, stderrNone: true},
		{name: "quiet with --summary", args: []string{"--quiet", "--summary"}, stdout: "calls", stderrNone: true},
		{name: "quiet with --json", args: []string{"--quiet", "--json"}, stdout: `"calls"`, stderrNone: true},
		{name: "quiet partial", args: []string{"--quiet", missing}, code: exitPartial,
			stderr: []string{"retell-export: partial: 3 fetched, 0 from archive, 1 failed", "; files in OUT\n", "1 calls failed; see OUT/failed.csv"}},
		{name: "plain run, not a terminal", args: nil,
			stderr: []string{"retell-export: ok: 3 fetched", "; files in OUT\n"}},
		{name: "plain run with --summary", args: []string{"--summary"}, stdout: "calls",
			stderr: []string{"retell-export: ok: 3 fetched", "; files in OUT\n"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := t.TempDir()
			r := runCLI(context.Background(), t, envFor(srv), append(append([]string{"--out", out, "--format", "none"}, ids...), tc.args...)...)
			if r.code != tc.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", r.code, tc.code, r.stderr)
			}
			if (tc.stdout == "") != (r.stdout == "") || !strings.Contains(r.stdout, tc.stdout) {
				t.Errorf("stdout %.80q, want %q", r.stdout, tc.stdout)
			}
			if tc.stderrNone && r.stderr != "" {
				t.Errorf("stderr %q, want nothing", r.stderr)
			}
			for _, want := range tc.stderr {
				if want = strings.ReplaceAll(want, "OUT", out); !strings.Contains(r.stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
				}
			}
		})
	}
}

func TestQuietHoldsWarningsUntilFailure(t *testing.T) {
	var b bytes.Buffer
	w := &warnings{w: &b, hold: true}
	for i := range maxHeldWarnings + 3 {
		w.add(fmt.Sprint("odd record ", i))
	}
	if b.Len() != 0 {
		t.Fatalf("--quiet printed a warning before the run ended: %q", b.String())
	}
	w.flush()
	w.add("late")
	got := b.String()
	if strings.Count(got, "warning: odd record") != maxHeldWarnings || !strings.Contains(got, "3 more warnings not shown") || !strings.HasSuffix(got, "warning: late\n") {
		t.Errorf("after flush: %q", got)
	}
}

func TestDefaultFormats(t *testing.T) {
	srv, ids := fakeAPI(t, fakeapi.Options{}, 2)
	for _, tc := range []struct {
		args          []string
		want, wantNot []string
	}{
		{nil, []string{"csv/calls.csv", "report.xlsx", "summary.json", "run.json", "failed.csv", "raw"}, []string{"parquet", "srt", "vtt"}},
		{[]string{"--format", "none"}, []string{"summary.json", "run.json", "failed.csv", "raw"}, []string{"csv", "report.xlsx", "parquet"}},
		{[]string{"--format", "parquet"}, []string{"parquet", "raw"}, []string{"csv", "report.xlsx"}},
	} {
		out := t.TempDir()
		r := runCLI(context.Background(), t, envFor(srv), append(append([]string{"--out", out, "--quiet"}, tc.args...), ids...)...)
		if r.code != exitOK {
			t.Fatalf("%q: exit %d; %s", tc.args, r.code, r.stderr)
		}
		for _, p := range tc.want {
			if !exists(filepath.Join(out, p)) {
				t.Errorf("%q: no %s", tc.args, p)
			}
		}
		for _, p := range tc.wantNot {
			if exists(filepath.Join(out, p)) {
				t.Errorf("%q: %s written", tc.args, p)
			}
		}
	}
}

// --from X --summary is a look at saved calls: no files, unless --out or
// --format asks for them (issue 11 item 15: --out was ignored).
func TestOfflineSummaryFiles(t *testing.T) {
	srv, ids := fakeAPI(t, fakeapi.Options{}, 3)
	saved := t.TempDir()
	if r := runCLI(context.Background(), t, envFor(srv), append([]string{"--out", saved, "--quiet", "--format", "none"}, ids...)...); r.code != exitOK {
		t.Fatalf("fetch: exit %d; %s", r.code, r.stderr)
	}
	raw := filepath.Join(saved, "raw")
	t.Chdir(t.TempDir())
	for _, tc := range []struct {
		args  []string
		dir   string // where files must appear; "" = none anywhere
		files []string
	}{
		{[]string{"--summary"}, "", nil},
		{[]string{"--json"}, "", nil},
		{[]string{"--summary", "--out", "y"}, "y", []string{"summary.json", "run.json", "csv/calls.csv", "report.xlsx"}},
		{[]string{"--summary", "--format", "csv"}, "out", []string{"summary.json", "csv/calls.csv"}},
	} {
		r := runCLI(context.Background(), t, nil, append([]string{"--from", raw}, tc.args...)...)
		if r.code != exitOK || !strings.Contains(r.stdout, "calls") {
			t.Fatalf("%q: exit %d, stdout %.60q; %s", tc.args, r.code, r.stdout, r.stderr)
		}
		entries, _ := os.ReadDir(".")
		if tc.dir == "" {
			if len(entries) != 0 || strings.Contains(r.stderr, "files in") {
				t.Errorf("%q wrote files: %v; stderr %q", tc.args, entries, r.stderr)
			}
			continue
		}
		for _, f := range tc.files {
			if !exists(filepath.Join(tc.dir, f)) {
				t.Errorf("%q: no %s/%s", tc.args, tc.dir, f)
			}
		}
		if !strings.Contains(r.stderr, "files in "+tc.dir+"\n") {
			t.Errorf("%q: final line does not name %s: %q", tc.args, tc.dir, r.stderr)
		}
		os.RemoveAll(tc.dir)
	}
}

// The built binary, as a user or cron meets it: -ldflags still sets the
// version, help is on stdout, a bad value is one line and exit 2.
func TestBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "retell-export")
	if out, err := exec.Command("go", "build", "-buildvcs=false", "-ldflags", "-X main.version=v1.2.3", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, tc := range []struct {
		args           []string
		code           int
		stdout, stderr string // stdout starts with stdout; stderr is exactly stderr
	}{
		{[]string{"--version"}, 0, "retell-export v1.2.3\n", ""},
		{[]string{"--help"}, 0, "Usage: retell-export", ""},
		{[]string{"help"}, 0, "Usage: retell-export", ""},
		{[]string{"--timeout", "30", "call_1"}, 2, "", "retell-export: --timeout 30: want a duration such as 30s, 2m or 1h30m (see retell-export --help)\n"},
	} {
		cmd := exec.Command(bin, tc.args...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
		cmd.Run()
		if code := cmd.ProcessState.ExitCode(); code != tc.code || stderr.String() != tc.stderr ||
			!strings.HasPrefix(stdout.String(), tc.stdout) || (tc.stdout == "") != (stdout.Len() == 0) {
			t.Errorf("%q: exit %d, stdout %.60q, stderr %q; want exit %d, %q, %q", tc.args, code, stdout.String(), stderr.String(), tc.code, tc.stdout, tc.stderr)
		}
	}
}

// Replaying a dataset's raw directory takes the latest versions from its
// index; replaying the same segments without it reads them all to find
// them. Both give the same files, a requested id that is not there fails
// the same way, and a call archived twice appears once, in its latest
// version.
func TestReplayOfRawEqualsReplayOfItsFiles(t *testing.T) {
	srv, ids := fakeAPI(t, fakeapi.Options{}, 6)
	late := "call_00000000000000000000000000a"
	srv.AddCall([]byte(`{"call_id":"` + late + `","call_type":"web_call","agent_id":"a","call_status":"ended","start_timestamp":1780000000000,"end_timestamp":1780000060000}`))
	out := t.TempDir()
	args := append([]string{"--out", out, "--quiet", "--format", "none", late}, ids...)
	if r := runCLI(context.Background(), t, envFor(srv), args...); r.code != exitOK {
		t.Fatalf("run 1: exit %d; %s", r.code, r.stderr)
	}
	srv.AddCall([]byte(`{"call_id":"` + late + `","call_type":"web_call","agent_id":"a","call_status":"ended","start_timestamp":1780000000000,"end_timestamp":1780000060000,"call_analysis":{"call_summary":"analysed later","user_sentiment":"Positive"}}`))
	if r := runCLI(context.Background(), t, envFor(srv), args...); r.code != exitOK {
		t.Fatalf("run 2: exit %d; %s", r.code, r.stderr)
	}
	raw := filepath.Join(out, "raw")
	plain := t.TempDir() // the same segments, no index
	segs, _ := filepath.Glob(filepath.Join(raw, "calls-*.jsonl.gz"))
	if len(segs) != 2 {
		t.Fatalf("segments %v, want 2", segs)
	}
	for _, s := range segs {
		b, _ := os.ReadFile(s)
		os.WriteFile(filepath.Join(plain, filepath.Base(s)), b, 0o644)
	}
	replay := func(from string, extra ...string) (string, []byte, pipeline.Report) {
		dir := t.TempDir()
		r := runCLI(context.Background(), t, nil, append([]string{"--from", from, "--out", dir, "--quiet", "--format", "csv"}, extra...)...)
		if r.code != exitOK && r.code != exitPartial {
			t.Fatalf("replay %s: exit %d; %s", from, r.code, r.stderr)
		}
		csv, err := os.ReadFile(filepath.Join(dir, "csv", "calls.csv"))
		if err != nil {
			t.Fatal(err)
		}
		return dir, csv, readReport(t, dir)
	}
	_, a, repA := replay(raw)
	_, b, _ := replay(plain)
	if !bytes.Equal(a, b) {
		t.Errorf("calls.csv from the index differs from the files':\n%s\n---\n%s", a, b)
	}
	if n := bytes.Count(a, []byte(late)); n != 1 || !bytes.Contains(a, []byte("analysed later")) {
		t.Errorf("%s appears %d times, want once in its latest version:\n%s", late, n, a)
	}
	if repA.Counts.FromArchive != 7 {
		t.Errorf("replayed %d calls, want 7", repA.Counts.FromArchive)
	}
	missing := "call_00000000000000000000000000f"
	dirA, a, _ := replay(raw, ids[1], late, missing)
	dirB, b, _ := replay(plain, ids[1], late, missing)
	rows, err := csv.NewReader(bytes.NewReader(a)).ReadAll()
	if !bytes.Equal(a, b) || err != nil || len(rows) != 3 {
		t.Errorf("two ids and a missing one: calls.csv from the index\n%s\nfrom the files\n%s", a, b)
	}
	for _, dir := range []string{dirA, dirB} {
		if f := readFailed(t, dir); len(f) != 1 || f[0][0] != missing || f[0][1] != export.KindNotFound {
			t.Errorf("failed.csv of %s: %v, want %s as not found", dir, f, missing)
		}
	}
}

func TestMemoryLimit(t *testing.T) {
	const mib = 1 << 20
	for _, tc := range []struct {
		live uint64
		want int64
	}{
		{0, 144 * mib},
		{80 * mib, 144 * mib}, // 100,000 calls, every format: the default holds
		{82 * mib, 144 * mib},
		{100 * mib, 175 * mib},
		{400 * mib, 700 * mib}, // millions of ids: room to work, not a collector running flat out
	} {
		if got := memoryLimit(tc.live); got != tc.want {
			t.Errorf("memoryLimit(%d MiB) = %.1f MiB, want %d MiB", tc.live/mib, float64(got)/mib, tc.want/mib)
		}
	}
}

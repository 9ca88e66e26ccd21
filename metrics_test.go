package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/retell-export/retell-export/analyze"
	"github.com/retell-export/retell-export/export/fakeapi"
	"github.com/retell-export/retell-export/formats"
	"github.com/retell-export/retell-export/samples"
)

// duckDB returns node and the node_modules holding @duckdb/node-api (as
// .ci/run installs them), or skips the test loudly.
func duckDB(t *testing.T) (node, modules string) {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("SKIPPING the DuckDB check: node is not installed (apt-get install nodejs)")
	}
	modules = os.Getenv("RETELL_DUCKDB_NODE_MODULES")
	if modules == "" {
		home, _ := os.UserHomeDir()
		modules = filepath.Join(home, ".cache", "retell-duckdb", "node_modules")
	}
	if _, err := os.Stat(filepath.Join(modules, "@duckdb", "node-api")); err != nil {
		t.Skipf("SKIPPING the DuckDB check: no @duckdb/node-api in %s (npm install --prefix ~/.cache/retell-duckdb @duckdb/node-api)", modules)
	}
	return node, modules
}

// kitQuery loads dir's loader kit in DuckDB, from dir as the docs say, and
// runs the queries.
func kitQuery(t *testing.T, dir string, queries map[string]string) map[string][]map[string]any {
	t.Helper()
	node, modules := duckDB(t)
	type q struct {
		Name string `json:"name"`
		SQL  string `json:"sql"`
	}
	var qs []q
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for k := range queries {
			if !yield(k) {
				return
			}
		}
	}) {
		qs = append(qs, q{name, queries[name]})
	}
	b, _ := json.Marshal(qs)
	file := filepath.Join(t.TempDir(), "queries.json")
	os.WriteFile(file, b, 0o644)
	script, _ := filepath.Abs(filepath.Join("testdata", "duckdb_kit.cjs"))
	cmd := exec.Command(node, script, modules, dir, file)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("duckdb: %v\n%s", err, stderr.String())
	}
	var res map[string][]map[string]any
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("duckdb output: %v", err)
	}
	return res
}

// figures is grouping key -> metric -> item -> value.
type figures map[string]map[string]map[string]float64

func (f figures) set(key, metric, item string, v float64) {
	if f[key] == nil {
		f[key] = map[string]map[string]float64{}
	}
	if f[key][metric] == nil {
		f[key][metric] = map[string]float64{}
	}
	f[key][metric][item] = v
}

// fromSummary reads every metric of every group of a grouping.
func fromSummary(groups []analyze.Group, ms []analyze.Metric) figures {
	f := figures{}
	for i := range groups {
		for _, m := range ms {
			for item, v := range m.Of(&groups[i]) {
				f.set(groups[i].Key, m.Name, item, v)
			}
		}
	}
	return f
}

// fromSQL reads the rows of a metrics view.
func fromSQL(t *testing.T, rows []map[string]any) figures {
	f := figures{}
	for _, r := range rows {
		v, ok := r["value"].(float64)
		if !ok {
			if r["value"] != nil {
				t.Fatalf("value %T %v in %v", r["value"], r["value"], r)
			}
			continue // NULL: no value
		}
		f.set(fmt.Sprint(r["grouping_key"]), fmt.Sprint(r["metric"]), fmt.Sprint(r["item"]), v)
	}
	return f
}

// compare holds the views' figures equal to the summary's: counts exactly
// (a count of zero and no row are the same), other figures within the
// rounding the summary applies.
func compare(t *testing.T, grouping string, ms []analyze.Metric, want, got figures) (checked int) {
	t.Helper()
	digits := map[string]int{}
	for _, m := range ms {
		digits[m.Name] = m.Digits
	}
	if len(want) == 0 {
		t.Errorf("%s: the summary has no groups", grouping)
	}
	for key, wm := range want {
		for _, m := range ms {
			w, g := wm[m.Name], got[key][m.Name]
			for _, item := range union(w, g) {
				wv, wok := w[item]
				gv, gok := g[item]
				if m.Digits < 0 && (wv == 0 || gv == 0) && (!wok || !gok) {
					continue // zero and absent
				}
				checked++
				tol := 1e-9
				if d := digits[m.Name]; d >= 0 {
					tol = 0.5*math.Pow10(-d) + 1e-9*math.Abs(wv)
				}
				if wok != gok || math.Abs(wv-gv) > tol {
					t.Errorf("%s %q: %s[%q]: summary %v (%v), views %v (%v)", grouping, key, m.Name, item, wv, wok, gv, gok)
				}
			}
		}
	}
	for key := range got {
		if _, ok := want[key]; !ok {
			t.Errorf("%s: the views have a group %q the summary has not", grouping, key)
		}
	}
	return checked
}

func union(a, b map[string]float64) []string {
	var keys []string
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// The lake answers every question the summary answers with the summary's
// number: every metric of analyze.Metrics, run as the loader kit's views
// in DuckDB over the Parquet tables, equals summary.json for the same
// calls, overall and in every grouping (days in UTC and in another zone).
func TestKitMetricsEqualSummary(t *testing.T) {
	t.Parallel() // its own fake API and directories, no process environment
	if testing.Short() {
		t.Skip("fetches 1,600 calls and runs DuckDB")
	}
	duckDB(t)
	srv := fakeapi.NewServer(fakeapi.Options{})
	t.Cleanup(srv.Close)
	ids, err := srv.LoadFS(samples.Calls, "calls")
	if err != nil {
		t.Fatal(err)
	}
	more, err := variedAPI(srv, 600)
	if err != nil {
		t.Fatal(err)
	}
	ids = append(ids, more...)
	out := t.TempDir()
	r := runCLI(context.Background(), t, envFor(srv), "--ids", writeIDs(t, ids), "--out", out, "--format", "parquet",
		"--partition", "date", "--by", "all", "--quiet", "--rps", "1000", "--concurrency", "8")
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var sum analyze.Summary
	b, err := os.ReadFile(filepath.Join(out, "summary.json"))
	if err == nil {
		err = json.Unmarshal(b, &sum)
	}
	if err != nil {
		t.Fatal(err)
	}
	// Days in another zone: the summary again with --tz, and the same
	// metrics keyed by days in that zone.
	ny := runCLI(context.Background(), t, nil, "--from", filepath.Join(out, "raw"), "--summary", "--json", "--by", "day", "--tz", "America/New_York")
	var nySum analyze.Summary
	if err := json.Unmarshal([]byte(ny.stdout), &nySum); err != nil || ny.code != exitOK {
		t.Fatalf("--tz summary: exit %d, %v: %s", ny.code, err, ny.stderr)
	}
	ms := analyze.Metrics()
	queries := map[string]string{}
	for _, g := range formats.Groupings("UTC") {
		queries[g.Name] = "SELECT * FROM metrics_" + g.Name
	}
	for _, g := range formats.Groupings("America/New_York") {
		if g.Name == "day" {
			queries["day_ny"] = formats.MetricsSQL(g.Key, ms)
		}
	}
	for _, q := range analystQuestions() {
		queries["q"+q.Name] = q.SQL
	}
	res := kitQuery(t, out, queries)
	for _, q := range analystQuestions() {
		rows := res["q"+q.Name]
		if len(rows) == 0 {
			t.Errorf("question %s: no rows", q.Name)
		}
		b, _ := json.Marshal(rows)
		t.Logf("question %s: %s", q.Name, b)
	}
	checkAnswers(t, sum, res)
	groups := map[string][]analyze.Group{"overall": {sum.Overall}}
	for _, g := range sum.Groupings {
		groups[g.By] = g.Groups
	}
	checked := 0
	for name, gs := range groups {
		checked += compare(t, name, ms, fromSummary(gs, ms), fromSQL(t, res[name]))
	}
	for _, g := range nySum.Groupings {
		checked += compare(t, "day (America/New_York)", ms, fromSummary(g.Groups, ms), fromSQL(t, res["day_ny"]))
	}
	t.Logf("%d figures of %d metrics compared over %d calls", checked, len(ms), len(ids))
	if len(groups) != 5 {
		t.Errorf("groupings %v, want overall, agent, day, type and direction", slices.Sorted(func(yield func(string) bool) {
			for k := range groups {
				yield(k)
			}
		}))
	}
}

// checkAnswers holds the analyst questions' answers that the summary also
// gives equal to it: latency by agent (3), cost per minute by agent (5),
// the transfer rate (6).
func checkAnswers(t *testing.T, sum analyze.Summary, res map[string][]map[string]any) {
	t.Helper()
	byAgent := map[string]analyze.Group{}
	for _, g := range sum.Groupings {
		if g.By == "agent" {
			for _, a := range g.Groups {
				byAgent[a.Key] = a
			}
		}
	}
	near := func(a float64, b *float64, tol float64) bool { return b != nil && math.Abs(a-*b) <= tol }
	for _, r := range res["q3 mean and p90 end-to-end latency by agent, over every turn"] {
		g := byAgent[fmt.Sprint(r["agent_id"])]
		if !near(r["p90_ms"].(float64), g.Latency.E2E.P90, 0.051) || !near(r["mean_ms"].(float64), g.Latency.E2E.Mean, 0.051) {
			t.Errorf("q3 %v: %v, summary e2e mean %v p90 %v", r["agent_id"], r, ptrValue(g.Latency.E2E.Mean), ptrValue(g.Latency.E2E.P90))
		}
	}
	for _, r := range res["q5 cost per connected minute by agent"] {
		g := byAgent[fmt.Sprint(r["agent_id"])]
		if v, ok := r["usd_per_minute"].(float64); ok && !near(v, g.Cost.PerConnectedMinuteUSD, 0.00006) {
			t.Errorf("q5 %v: %v, summary %v", r["agent_id"], v, ptrValue(g.Cost.PerConnectedMinuteUSD))
		}
	}
	if rows := res["q6 share of connected calls transferred, and their cost"]; len(rows) != 1 || !near(rows[0]["transfer_rate"].(float64), sum.Overall.Outcome.TransferRate, 0.0001) {
		t.Errorf("q6 %v, summary transfer rate %v", rows, ptrValue(sum.Overall.Outcome.TransferRate))
	}
}

func ptrValue(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

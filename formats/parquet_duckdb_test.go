package formats

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/retell-export/retell-export/export"
)

// duckDBInstall is how CI (and a developer) gets the independent reader.
const duckDBInstall = `npm install --prefix "$HOME/.cache/retell-duckdb" @duckdb/node-api ` +
	`(or set RETELL_DUCKDB_NODE_MODULES to a node_modules directory holding @duckdb/node-api)`

// findDuckDB returns node and the node_modules directory holding
// @duckdb/node-api, or skips the test loudly.
func findDuckDB(t *testing.T) (node, modules string) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("SKIPPING the DuckDB check: node is not installed (apt-get install nodejs), then " + duckDBInstall)
	}
	modules = os.Getenv("RETELL_DUCKDB_NODE_MODULES")
	if modules == "" {
		home, _ := os.UserHomeDir()
		modules = filepath.Join(home, ".cache", "retell-duckdb", "node_modules")
	}
	if _, err := os.Stat(filepath.Join(modules, "@duckdb", "node-api")); err != nil {
		t.Skipf("SKIPPING the DuckDB check: no @duckdb/node-api in %s; install it with %s", modules, duckDBInstall)
	}
	return node, modules
}

type namedQuery struct {
	Name string `json:"name"`
	SQL  string `json:"sql"`
}

func runDuckDB(t *testing.T, queries []namedQuery) map[string][]map[string]any {
	t.Helper()
	node, modules := findDuckDB(t)
	qfile := filepath.Join(t.TempDir(), "queries.json")
	if err := os.WriteFile(qfile, []byte(mustJSON(t, queries)), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, filepath.Join("testdata", "duckdb_query.cjs"), modules, qfile)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("duckdb: %v\n%s", err, stderr.String())
	}
	var res map[string][]map[string]any
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("duckdb output: %v\n%s", err, out)
	}
	return res
}

func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// TestDuckDBReadsOutputs loads the Parquet datasets (date-partitioned) and
// the raw-text CSV files in DuckDB, an independent reader, and checks the
// declared types, the aggregates computed from the JSON and tricky text.
func TestDuckDBReadsOutputs(t *testing.T) {
	findDuckDB(t)
	bodies := fixtureBodies(t)
	if names, _ := filepath.Glob(filepath.Join("..", "samples", "calls", "*.json")); len(names) > 0 {
		bodies = append(bodies, sampleBodies(t)...)
	}
	calls := decodeAll(t, bodies)
	dir := t.TempDir()
	writeParquet(t, dir, calls, ParquetOptions{PartitionByDate: true, Words: true, ToolVersion: "test"})
	cw, err := NewCSV(dir, CSVOptions{RawText: true, BOM: true})
	if err != nil {
		t.Fatal(err)
	}
	writeAll(t, cw, calls)

	pq := func(table string) string {
		return "read_parquet(" + sqlString(filepath.Join(dir, "parquet", table, "**", "*.parquet")) + ", hive_partitioning=true)"
	}
	csvOf := func(table string) string {
		return "read_csv(" + sqlString(filepath.Join(dir, "csv", table+".csv")) + ", header=true, all_varchar=true)"
	}
	var qs []namedQuery
	for _, tb := range Tables(true) {
		qs = append(qs, namedQuery{"describe_" + tb.Name, "DESCRIBE SELECT * FROM " + pq(tb.Name)},
			namedQuery{"count_" + tb.Name, "SELECT count(*) AS n FROM " + pq(tb.Name)})
	}
	tricky := "call_tricky_6"
	qs = append(qs,
		namedQuery{"totals", "SELECT count(*) AS calls, count(DISTINCT call_id) AS ids, sum(cost_cents) AS cents FROM " + pq(TableCalls)},
		// the README's example, verbatim in shape
		namedQuery{"reasons", "SELECT disconnection_reason, count(*) AS n, sum(cost_usd) AS usd FROM " +
			sqlString(filepath.Join(dir, "parquet", "calls", "**", "*.parquet")) + " WHERE disconnection_reason IS NOT NULL GROUP BY 1"},
		namedQuery{"starts", "SELECT call_id, epoch_ms(start_time) AS ms, date FROM " + pq(TableCalls) + " WHERE start_time IS NOT NULL"},
		namedQuery{"pq_text", "SELECT text FROM " + pq(TableUtterances) + " WHERE call_id = " + sqlString(tricky) + " ORDER BY seq"},
		namedQuery{"csv_text", "SELECT text FROM " + csvOf(TableUtterances) + " WHERE call_id = " + sqlString(tricky) + " ORDER BY seq::INT"},
		namedQuery{"csv_calls", "SELECT count(*) AS n, sum(cost_cents::DOUBLE) AS cents FROM " + csvOf(TableCalls)},
	)
	res := runDuckDB(t, qs)

	duckType := map[string]string{"string": "VARCHAR", "int64": "BIGINT", "double": "DOUBLE", "boolean": "BOOLEAN", "timestamp": "TIMESTAMP WITH TIME ZONE"}
	want := sourceRows(calls)
	wantCount := map[string]int{TableCalls: len(calls), TableUtterances: len(want.Utterances), TableEvents: len(want.Events),
		TableCostItems: len(want.CostItems), TableCustomAnalysis: len(want.CustomAnalysis), TableLatency: len(want.Latency),
		TableWords: len(want.Words)}
	for _, tb := range Tables(true) {
		got := map[string]string{}
		for _, row := range res["describe_"+tb.Name] {
			got[row["column_name"].(string)] = row["column_type"].(string)
		}
		for _, c := range tb.Columns {
			want := duckType[c.Type]
			if strings.HasPrefix(c.Type, "decimal(") {
				want = strings.ToUpper(c.Type)
			}
			if got[c.Name] != want {
				t.Errorf("%s.%s: DuckDB reads %q, declared %s", tb.Name, c.Name, got[c.Name], c.Type)
			}
		}
		if _, ok := got["date"]; !ok {
			t.Errorf("%s: no Hive partition column date", tb.Name)
		}
		if n := asInt(t, res["count_"+tb.Name][0]["n"]); n != wantCount[tb.Name] {
			t.Errorf("%s: DuckDB counts %d rows, want %d", tb.Name, n, wantCount[tb.Name])
		}
	}

	facts := factsFromJSON(t, bodies)
	tot := res["totals"][0]
	if asInt(t, tot["calls"]) != facts.calls || asInt(t, tot["ids"]) != facts.calls || math.Abs(asFloat(t, tot["cents"])-facts.costCents) > 1e-6 {
		t.Errorf("DuckDB totals %v, JSON: %d calls, %v cents", tot, facts.calls, facts.costCents)
	}
	csvTot := res["csv_calls"][0]
	if asInt(t, csvTot["n"]) != facts.calls || math.Abs(asFloat(t, csvTot["cents"])-facts.costCents) > 1e-6 {
		t.Errorf("DuckDB on calls.csv %v, JSON: %d calls, %v cents", csvTot, facts.calls, facts.costCents)
	}
	gotReasons := map[string]int{}
	for _, row := range res["reasons"] {
		gotReasons[row["disconnection_reason"].(string)] = asInt(t, row["n"])
	}
	if mustJSON(t, gotReasons) != mustJSON(t, facts.reasons) {
		t.Errorf("DuckDB reasons %v, JSON %v", gotReasons, facts.reasons)
	}
	starts := map[string]*export.Call{}
	for _, c := range calls {
		starts[c.CallID] = c
	}
	for _, row := range res["starts"] {
		c := starts[row["call_id"].(string)]
		if c == nil || int64(asInt(t, row["ms"])) != *c.StartTimestamp {
			t.Errorf("DuckDB start_time %v, JSON %v", row, c.StartTimestamp)
		}
		if d := row["date"]; !strings.Contains(d.(string), "-") {
			t.Errorf("partition date %v", d)
		}
	}
	var wantText []string
	for _, u := range want.Utterances {
		if u.CallID == tricky {
			wantText = append(wantText, u.Text)
		}
	}
	for _, q := range []string{"pq_text", "csv_text"} {
		if len(res[q]) != len(wantText) {
			t.Fatalf("%s: %d rows, want %d", q, len(res[q]), len(wantText))
		}
		for i, row := range res[q] {
			if row["text"] != wantText[i] {
				t.Errorf("%s row %d: DuckDB %q, want %q", q, i, row["text"], wantText[i])
			}
		}
	}
}

// asInt reads DuckDB's JSON numbers (BIGINT comes as a string).
func asInt(t *testing.T, v any) int {
	t.Helper()
	return int(asFloat(t, v))
}

func asFloat(t *testing.T, v any) float64 {
	t.Helper()
	switch x := v.(type) {
	case float64:
		return x
	case string:
		f, err := strconv.ParseFloat(x, 64)
		if err != nil {
			t.Fatalf("not a number: %q", x)
		}
		return f
	}
	t.Fatalf("not a number: %v", v)
	return 0
}

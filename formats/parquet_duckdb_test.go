package formats

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
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
		namedQuery{"typed", "SELECT call_id, cost_usd::VARCHAR AS usd, cost_cents::VARCHAR AS cents, billed_unit_price_cents_per_s::VARCHAR AS price, " +
			"epoch_ms(end_time) AS end_ms, duration_s, agent_version, analysis_present, call_successful FROM " + pq(TableCalls)},
		namedQuery{"cost_items", "SELECT call_id, seq, cost_cents::VARCHAR AS cents, cost_usd::VARCHAR AS usd, unit_price_cents_per_s::VARCHAR AS price, is_transfer_leg FROM " + pq(TableCostItems)},
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
	checkDuckDBTyped(t, res["typed"], calls)
	checkDuckDBCostItems(t, res["cost_items"], want.CostItems)
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

// checkDuckDBTyped compares typed columns of calls as DuckDB reads them
// (decimals as text, timestamps as epoch ms) with the rows written.
func checkDuckDBTyped(t *testing.T, rows []map[string]any, calls []*export.Call) {
	t.Helper()
	byID := map[string]CallRow{}
	for _, c := range calls {
		byID[c.CallID] = callRowOf(c)
	}
	if len(rows) != len(calls) {
		t.Fatalf("DuckDB typed: %d rows, want %d", len(rows), len(calls))
	}
	for _, row := range rows {
		w, ok := byID[row["call_id"].(string)]
		if !ok {
			t.Fatalf("DuckDB read an unknown call %v", row["call_id"])
		}
		want := map[string]any{
			"call_id": w.CallID, "usd": decimalOrNil(w.CostUSD, 8), "cents": decimalOrNil(w.CostCents, 6),
			"price": decimalOrNil(w.BilledUnitPriceCS, 6), "end_ms": nil, "duration_s": nil, "agent_version": nil,
			"analysis_present": w.AnalysisPresent, "call_successful": nil,
		}
		if w.EndTime != nil {
			want["end_ms"] = strconv.FormatInt(w.EndTime.UnixMilli(), 10)
		}
		if w.DurationS != nil {
			want["duration_s"] = *w.DurationS
		}
		if w.AgentVersion != nil {
			want["agent_version"] = strconv.FormatInt(*w.AgentVersion, 10)
		}
		if w.CallSuccessful != nil {
			want["call_successful"] = *w.CallSuccessful
		}
		if got := normalizeDecimals(row, "usd", "cents", "price"); !reflect.DeepEqual(got, want) {
			t.Errorf("DuckDB reads call %s as\n%v\nwant\n%v", w.CallID, got, want)
		}
	}
}

// checkDuckDBCostItems compares the money of every cost item, exactly.
func checkDuckDBCostItems(t *testing.T, rows []map[string]any, items []CostItemRow) {
	t.Helper()
	if len(rows) != len(items) {
		t.Fatalf("DuckDB cost_items: %d rows, want %d", len(rows), len(items))
	}
	type key struct {
		id  string
		seq string
	}
	want := map[key]map[string]any{}
	for _, it := range items {
		var leg any
		if it.IsTransferLeg != nil {
			leg = *it.IsTransferLeg
		}
		want[key{it.CallID, strconv.FormatInt(it.Seq, 10)}] = map[string]any{"call_id": it.CallID, "seq": strconv.FormatInt(it.Seq, 10),
			"cents": decimalOrNil(it.CostCents, 6), "usd": decimalOrNil(it.CostUSD, 8), "price": decimalOrNil(it.UnitPriceCentsPerS, 6), "is_transfer_leg": leg}
	}
	for _, row := range rows {
		got := normalizeDecimals(row, "cents", "usd", "price")
		if w := want[key{row["call_id"].(string), row["seq"].(string)}]; !reflect.DeepEqual(got, w) {
			t.Errorf("DuckDB reads cost item\n%v\nwant\n%v", got, w)
		}
	}
}

// decimalOrNil is the decimal text of m at scale, or nil.
func decimalOrNil(m *MicroCents, scale int) any {
	if m == nil {
		return nil
	}
	return formatDecimal(int64(*m), scale)
}

// normalizeDecimals drops the trailing zeros DuckDB prints to the column's
// scale ("0.19845000"), as formatDecimal writes them ("0.19845").
func normalizeDecimals(row map[string]any, keys ...string) map[string]any {
	out := maps.Clone(row)
	for _, k := range keys {
		if s, ok := out[k].(string); ok && strings.Contains(s, ".") {
			s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
			if s == "-0" {
				s = "0"
			}
			out[k] = s
		}
	}
	return out
}

// TestDuckDBParquetMetadata reads the footers with DuckDB's
// parquet_metadata(), parquet_schema() and parquet_kv_metadata(): every
// column chunk is ZSTD with only PLAIN, RLE (levels) and, in columns
// tagged dict, RLE_DICTIONARY; the logical types are the declared ones;
// retell_export.columns is there. DuckDB does not show page types (1.5
// has no column for them): TestParquetPagesV1 and TestHyparquetPages
// check those. It also counts the synthetic events, whose call_id chunk
// mixes dictionary and PLAIN pages.
func TestDuckDBParquetMetadata(t *testing.T) {
	findDuckDB(t)
	for _, ds := range pageDatasets(t) {
		var qs []namedQuery
		tables := Tables(ds.name != "synthetic")
		for _, tb := range tables {
			glob := sqlString(filepath.Join(ds.dir, "parquet", tb.Name, "*.parquet"))
			qs = append(qs,
				namedQuery{"chunks_" + tb.Name, "SELECT path_in_schema AS name, compression, encodings, count(*) AS n FROM parquet_metadata(" + glob + ") GROUP BY ALL"},
				namedQuery{"schema_" + tb.Name, "SELECT name, type, repetition_type, converted_type, scale, precision, logical_type FROM parquet_schema(" + glob + ") WHERE num_children IS NULL ORDER BY file_name, column_id"},
				namedQuery{"kv_" + tb.Name, "SELECT decode(value) AS v FROM parquet_kv_metadata(" + glob + ") WHERE decode(key) = " + sqlString(columnsKey)},
			)
		}
		events := "read_parquet(" + sqlString(filepath.Join(ds.dir, "parquet", TableEvents, "*.parquet")) + ")"
		qs = append(qs, namedQuery{"events", "SELECT count(*) AS n, count(DISTINCT call_id) AS ids FROM " + events})
		res := runDuckDB(t, qs)
		for _, tb := range tables {
			where := ds.name + " " + tb.Name
			checkDuckDBChunks(t, where, tb, res["chunks_"+tb.Name])
			checkDuckDBSchema(t, where, tb, res["schema_"+tb.Name])
			var names []string
			for _, c := range tb.Columns {
				names = append(names, c.Name)
			}
			kv := res["kv_"+tb.Name]
			if len(kv) == 0 {
				t.Errorf("%s: DuckDB finds no %s", where, columnsKey)
			}
			for _, row := range kv {
				checkColumnsMetadata(t, where+" (DuckDB)", row["v"].(string), true, tb, names)
			}
		}
		rows, ids := 0, map[string]bool{}
		for _, c := range ds.calls {
			var r Rows
			r.Build(c, false) // the words of 10,000 calls would take seconds
			rows += len(r.Events)
			for _, e := range r.Events {
				ids[e.CallID] = true
			}
		}
		if ev := res["events"][0]; asInt(t, ev["n"]) != rows || asInt(t, ev["ids"]) != len(ids) {
			t.Errorf("%s: DuckDB counts events %v, want %d rows of %d calls", ds.name, ev, rows, len(ids))
		}
	}
}

func checkDuckDBChunks(t *testing.T, where string, tb Table, rows []map[string]any) {
	t.Helper()
	cols := map[string]Column{}
	for _, c := range tb.Columns {
		cols[c.Name] = c
	}
	for _, row := range rows {
		c, ok := cols[row["name"].(string)]
		if !ok {
			t.Errorf("%s: DuckDB finds an undeclared column %v", where, row["name"])
			continue
		}
		if row["compression"] != "ZSTD" {
			t.Errorf("%s.%s: DuckDB finds compression %v", where, c.Name, row["compression"])
		}
		for _, e := range strings.Split(row["encodings"].(string), ", ") {
			if !slices.Contains(encodingNames(c), e) && e != "RLE" {
				t.Errorf("%s.%s: DuckDB finds encodings %v, want only %v and RLE", where, c.Name, row["encodings"], encodingNames(c))
			}
		}
	}
}

// duckParquetTypes are parquet_schema()'s converted_type, scale and
// precision, and a part of logical_type, for a column.
func duckParquetTypes(c Column) (converted, logical string, scale, precision int) {
	switch {
	case c.Type == "string":
		return "UTF8", "StringType()", 0, 0
	case c.Type == "int64":
		return "INT_64", "IntType(", 0, 0
	case c.Type == "timestamp":
		return "TIMESTAMP_MILLIS", "TimestampType(isAdjustedToUTC=1, unit=TimeUnit(MILLIS=", 0, 0
	case strings.HasPrefix(c.Type, "decimal("):
		fmt.Sscanf(c.Type, "decimal(%d,%d)", &precision, &scale)
		return "DECIMAL", fmt.Sprintf("DecimalType(scale=%d, precision=%d)", scale, precision), scale, precision
	}
	return "", "", 0, 0
}

func checkDuckDBSchema(t *testing.T, where string, tb Table, rows []map[string]any) {
	t.Helper()
	if len(rows) == 0 || len(rows)%len(tb.Columns) != 0 {
		t.Fatalf("%s: DuckDB lists %d leaf columns for %d per file", where, len(rows), len(tb.Columns))
	}
	str := func(v any) string { s, _ := v.(string); return s }
	for i, row := range rows {
		c := tb.Columns[i%len(tb.Columns)]
		phys, _ := parquetTypeOf(c)
		conv, logical, scale, prec := duckParquetTypes(c)
		rep := "REQUIRED"
		if c.Nullable {
			rep = "OPTIONAL"
		}
		ok := row["name"] == c.Name && row["type"] == phys && row["repetition_type"] == rep && str(row["converted_type"]) == conv &&
			strings.HasPrefix(str(row["logical_type"]), logical)
		if scale != 0 {
			ok = ok && asInt(t, row["scale"]) == scale && asInt(t, row["precision"]) == prec
		}
		if !ok {
			t.Errorf("%s: DuckDB's parquet_schema has %v, want %s %s %s %s %q (%d,%d)", where, row, c.Name, phys, rep, conv, logical, scale, prec)
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

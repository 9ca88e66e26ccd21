package formats

import (
	"encoding/json"
	"math"
	"math/big"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
)

func TestMicroCents(t *testing.T) {
	for _, tt := range []struct {
		cents float64
		want  int64
		ok    bool
	}{
		{0, 0, true},
		{25.849, 25_849_000, true},
		{0.0833, 83_300, true}, // 0.0833 * 1e6 is 83299.99999999999 in float64
		{0.1167, 116_700, true},
		{630, 630_000_000, true},
		{-5.5, -5_500_000, true},
		{0.0000004, 0, true},
		{0.0000005, 1, true}, // half away from zero
		{-0.0000005, -1, true},
		{1.23456789, 1_234_568, true},
		{999_999_999_999.999999, 0, false}, // not representable in a float64 to 6 decimals: rounds past the 18 digits
		{999_999_999_999, 999_999_999_999_000_000, true},
		{1e12, 0, false}, // a trillion cents: beyond DECIMAL(18,6)
		{1e300, 0, false},
		{math.NaN(), 0, false},
		{math.Inf(-1), 0, false},
	} {
		got := microCents(&tt.cents)
		if (got != nil) != tt.ok || got != nil && int64(*got) != tt.want {
			t.Errorf("microCents(%v) = %v, want %d (ok=%v)", tt.cents, got, tt.want, tt.ok)
		}
	}
	if microCents(nil) != nil {
		t.Error("microCents(nil) != nil")
	}
	m := MicroCents(19_845_000)
	if *m.Cents() != 19.845 || *m.USD() != 0.19845 {
		t.Errorf("Cents %v, USD %v", *m.Cents(), *m.USD())
	}
	var none *MicroCents
	if none.Cents() != nil || none.USD() != nil {
		t.Error("nil amount gives a number")
	}
}

func TestFormatDecimal(t *testing.T) {
	for _, tt := range []struct {
		v     int64
		scale int
		want  string
	}{
		{915_324_000, 6, "915.324"}, {915_324_000, 8, "9.15324"}, {630_000_000, 6, "630"}, {630_000_000, 8, "6.3"},
		{0, 6, "0"}, {0, 8, "0"}, {-5, 6, "-0.000005"}, {83_300, 6, "0.0833"}, {83_300, 8, "0.000833"},
		{maxMicroCents, 6, "999999999999.999999"}, {-maxMicroCents, 8, "-9999999999.99999999"},
	} {
		if got := formatDecimal(tt.v, tt.scale); got != tt.want {
			t.Errorf("formatDecimal(%d, %d) = %q, want %q", tt.v, tt.scale, got, tt.want)
		}
	}
}

// exactCostSums adds combined_cost and every product cost of the bodies
// as the decimal numbers the JSON holds (big.Rat), each rounded to a
// millionth of a cent as documented, in cents: the sums an exact reader
// must reproduce. (A fixture's long call costs hours*3600*0.07 cents, a
// float64 with binary noise far below that.)
func exactCostSums(t *testing.T, bodies []string) (calls, items *big.Rat) {
	calls, items = new(big.Rat), new(big.Rat)
	add := func(sum *big.Rat, v any) {
		if n, ok := v.(json.Number); ok {
			r, ok := new(big.Rat).SetString(string(n))
			if !ok {
				t.Fatalf("not a decimal: %s", n)
			}
			r.SetString(r.FloatString(6)) // FloatString rounds halves away from zero
			sum.Add(sum, r)
		}
	}
	for _, b := range bodies {
		dec := json.NewDecoder(strings.NewReader(b))
		dec.UseNumber()
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			t.Fatal(err)
		}
		cost, _ := m["call_cost"].(map[string]any)
		add(calls, cost["combined_cost"])
		ps, _ := cost["product_costs"].([]any)
		for _, p := range ps {
			add(items, p.(map[string]any)["cost"])
		}
	}
	return calls, items
}

// TestMoneyExact writes the sample calls as Parquet and CSV and sums the
// money columns with parquet-go and DuckDB: both must give the exact
// decimal sums of the JSON, in cents and in dollars.
func TestMoneyExact(t *testing.T) {
	bodies := append(fixtureBodies(t), sampleBodies(t)...)
	calls := decodeAll(t, bodies)
	wantCalls, wantItems := exactCostSums(t, bodies)
	dir := t.TempDir()
	writeParquet(t, dir, calls, ParquetOptions{ToolVersion: "test"})
	cw, err := NewCSV(dir, CSVOptions{RawText: true})
	if err != nil {
		t.Fatal(err)
	}
	writeAll(t, cw, calls)

	// parquet-go: the column is DECIMAL on INT64 and the values sum exactly.
	rows, err := parquet.ReadFile[CallRow](filepath.Join(dir, "parquet", TableCalls, "part-0.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	var sum int64
	for _, r := range rows {
		if r.CostCents != nil {
			sum += int64(*r.CostCents)
		}
	}
	if got := new(big.Rat).SetFrac64(sum, 1e6); got.Cmp(wantCalls) != 0 {
		t.Errorf("parquet-go: sum(cost_cents) = %s, want %s", got.FloatString(6), wantCalls.FloatString(6))
	}

	pq := func(table string) string {
		return "read_parquet(" + sqlString(filepath.Join(dir, "parquet", table, "*.parquet")) + ")"
	}
	csvOf := func(table string) string {
		return "read_csv(" + sqlString(filepath.Join(dir, "csv", table+".csv")) +
			", header=true, types={'cost_cents': 'DECIMAL(18,6)', 'cost_usd': 'DECIMAL(18,8)'})"
	}
	sums := "SELECT typeof(sum(cost_cents)) AS type, sum(cost_cents)::VARCHAR AS cents, sum(cost_usd)::VARCHAR AS usd FROM "
	res := runDuckDB(t, []namedQuery{
		{"pq_calls", sums + pq(TableCalls)},
		{"pq_items", sums + pq(TableCostItems)},
		{"csv_calls", sums + csvOf(TableCalls)},
		{"csv_items", sums + csvOf(TableCostItems)},
	})
	for _, q := range []struct {
		name string
		want *big.Rat
	}{{"pq_calls", wantCalls}, {"pq_items", wantItems}, {"csv_calls", wantCalls}, {"csv_items", wantItems}} {
		row := res[q.name][0]
		wantUSD := new(big.Rat).Quo(q.want, big.NewRat(100, 1))
		if row["type"] != "DECIMAL(38,6)" || row["cents"] != q.want.FloatString(6) || row["usd"] != wantUSD.FloatString(8) {
			t.Errorf("DuckDB %s: %v, want DECIMAL(38,6) %s cents, %s USD", q.name, row, q.want.FloatString(6), wantUSD.FloatString(8))
		}
	}
	t.Logf("sum(cost_cents) = %s over %d calls (as DOUBLE, DuckDB summed the samples to 915.3239999999998)", wantCalls.FloatString(6), len(calls))
}

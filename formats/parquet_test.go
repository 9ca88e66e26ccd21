package formats

import (
	"encoding/json"
	"errors"
	"io"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/retell-export/retell-export/export"
)

func writeParquet(t *testing.T, dir string, calls []*export.Call, opts ParquetOptions) *ParquetWriter {
	t.Helper()
	w, err := NewParquet(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	writeAll(t, w, calls)
	return w
}

// readTable reads every file of a table (all partitions, sorted by path)
// with parquet-go's GenericReader.
func readTable[T any](t *testing.T, dir, table string) []T {
	t.Helper()
	var paths []string
	filepath.WalkDir(filepath.Join(dir, "parquet", table), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if !strings.HasSuffix(p, ".parquet") {
				t.Errorf("stray file %s", p)
			}
			paths = append(paths, p)
		}
		return nil
	})
	if len(paths) == 0 {
		t.Fatalf("%s: no files", table)
	}
	slices.Sort(paths)
	var rows []T
	for _, p := range paths {
		rows = append(rows, readFile[T](t, p)...)
	}
	return rows
}

func readFile[T any](t *testing.T, path string) []T {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := parquet.NewGenericReader[T](f)
	defer r.Close()
	var rows []T
	buf := make([]T, 100)
	for {
		n, err := r.Read(buf)
		rows = append(rows, buf[:n]...)
		if errors.Is(err, io.EOF) {
			return rows
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}
}

// sourceRows builds the expected rows of every table from the calls.
func sourceRows(calls []*export.Call) (want Rows) {
	for _, c := range calls {
		var r Rows
		r.Build(c, true)
		want.Utterances = append(want.Utterances, r.Utterances...)
		want.Events = append(want.Events, r.Events...)
		want.CostItems = append(want.CostItems, r.CostItems...)
		want.CustomAnalysis = append(want.CustomAnalysis, r.CustomAnalysis...)
		want.Latency = append(want.Latency, r.Latency...)
		want.Words = append(want.Words, r.Words...)
	}
	return want
}

// toRecords renders rows as CSV-like text records (header first, raw text),
// to reuse the aggregate checks written for CSV.
func toRecords[T any](tb Table, rows []T) [][]string {
	enc := newCellEncoder(tb, true)
	recs := [][]string{tb.Header()}
	for i := range rows {
		recs = append(recs, slices.Clone(enc.encode(&rows[i])))
	}
	return recs
}

func TestParquetRoundTrip(t *testing.T) {
	t.Run("fixtures", func(t *testing.T) { checkParquetRoundTrip(t, fixtureBodies(t)) })
	t.Run("samples", func(t *testing.T) { checkParquetRoundTrip(t, sampleBodies(t)) })
}

func checkParquetRoundTrip(t *testing.T, bodies []string) {
	calls := decodeAll(t, bodies)
	dir := t.TempDir()
	writeParquet(t, dir, calls, ParquetOptions{Words: true, ToolVersion: "test"})
	want := sourceRows(calls)

	gotCalls := readTable[CallRow](t, dir, TableCalls)
	if len(gotCalls) != len(calls) {
		t.Fatalf("%d call rows, want %d", len(gotCalls), len(calls))
	}
	for i, c := range calls {
		if w := callRowOf(c); !reflect.DeepEqual(gotCalls[i], w) {
			t.Errorf("calls row %d (%s) differs:\n got %+v\nwant %+v", i, c.CallID, gotCalls[i], w)
		}
	}
	compareRows(t, TableUtterances, readTable[UtteranceRow](t, dir, TableUtterances), want.Utterances)
	compareRows(t, TableEvents, readTable[EventRow](t, dir, TableEvents), want.Events)
	compareRows(t, TableCostItems, readTable[CostItemRow](t, dir, TableCostItems), want.CostItems)
	compareRows(t, TableCustomAnalysis, readTable[CustomAnalysisRow](t, dir, TableCustomAnalysis), want.CustomAnalysis)
	compareRows(t, TableLatency, readTable[LatencyRow](t, dir, TableLatency), want.Latency)
	compareRows(t, TableWords, readTable[WordRow](t, dir, TableWords), want.Words)

	ts := Tables(true)
	tables := map[string][][]string{
		TableCalls:          toRecords(ts[0], gotCalls),
		TableUtterances:     toRecords(ts[1], readTable[UtteranceRow](t, dir, TableUtterances)),
		TableEvents:         toRecords(ts[2], readTable[EventRow](t, dir, TableEvents)),
		TableCostItems:      toRecords(ts[3], readTable[CostItemRow](t, dir, TableCostItems)),
		TableCustomAnalysis: toRecords(ts[4], readTable[CustomAnalysisRow](t, dir, TableCustomAnalysis)),
		TableLatency:        toRecords(ts[5], readTable[LatencyRow](t, dir, TableLatency)),
	}
	compareFacts(t, "parquet", factsFromTables(t, tables), factsFromJSON(t, bodies))
}

func compareRows[T any](t *testing.T, table string, got, want []T) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d rows, want %d", table, len(got), len(want))
		return
	}
	for i := range got {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("%s row %d:\n got %+v\nwant %+v", table, i, got[i], want[i])
			return
		}
	}
}

// TestParquetSchema checks the declared physical and logical types against
// the table definitions, and that every row type builds a writer (parquet-go
// panics on bad tags).
func TestParquetSchema(t *testing.T) {
	dir := t.TempDir()
	writeParquet(t, dir, nil, ParquetOptions{Words: true, ToolVersion: "v9.9.9"})
	for _, tb := range Tables(true) {
		path := filepath.Join(dir, "parquet", tb.Name, "part-0.parquet")
		f, err := os.Open(path)
		if err != nil {
			t.Fatalf("empty table %s has no file: %v", tb.Name, err)
		}
		st, _ := f.Stat()
		pf, err := parquet.OpenFile(f, st.Size())
		if err != nil {
			t.Fatalf("%s: %v", tb.Name, err)
		}
		if pf.NumRows() != 0 {
			t.Errorf("%s: %d rows in an empty run", tb.Name, pf.NumRows())
		}
		for key, want := range map[string]string{"retell_export.tool_version": "v9.9.9", "retell_export.schema_version": SchemaVersion, "retell_export.table": tb.Name} {
			if got, _ := pf.Lookup(key); got != want {
				t.Errorf("%s metadata %s = %q, want %q", tb.Name, key, got, want)
			}
		}
		declared := schemaOf(tb.Name).Fields() // encodings live in the writer's schema
		fields := pf.Schema().Fields()
		var names []string
		for _, fd := range fields {
			names = append(names, fd.Name())
		}
		text, ok := pf.Lookup("retell_export.columns")
		checkColumnsMetadata(t, tb.Name, text, ok, tb, names)
		if len(fields) != len(tb.Columns) {
			t.Fatalf("%s: %d Parquet columns, %d defined", tb.Name, len(fields), len(tb.Columns))
		}
		for i, c := range tb.Columns {
			fd := fields[i]
			if fd.Name() != c.Name || fd.Optional() != c.Nullable {
				t.Errorf("%s.%s: Parquet has %s optional=%v", tb.Name, c.Name, fd.Name(), fd.Optional())
			}
			if got := physical(fd); got != c.Type {
				t.Errorf("%s.%s: Parquet type %s (%v), want %s", tb.Name, c.Name, got, fd.Type(), c.Type)
			}
			if enc := declared[i].Encoding(); c.Dict != (enc != nil && strings.Contains(enc.String(), "DICT")) {
				t.Errorf("%s.%s: dict=%v but encoding %v", tb.Name, c.Name, c.Dict, enc)
			}
		}
		f.Close()
	}
}

// checkColumnsMetadata checks retell_export.columns as a reader found it
// in a file whose columns are named names: one entry per column, in the
// file's column order, with the type, unit and description of the table
// definition.
func checkColumnsMetadata(t *testing.T, where, text string, ok bool, tb Table, names []string) {
	t.Helper()
	if !ok {
		t.Errorf("%s: no retell_export.columns metadata", where)
		return
	}
	var cols []map[string]string
	if err := json.Unmarshal([]byte(text), &cols); err != nil {
		t.Errorf("%s: retell_export.columns is not a JSON array of objects: %v\n%s", where, err, text)
		return
	}
	if len(cols) != len(names) || len(names) != len(tb.Columns) {
		t.Errorf("%s: retell_export.columns has %d entries, the file %d columns, the table %d", where, len(cols), len(names), len(tb.Columns))
		return
	}
	for i, c := range tb.Columns {
		want := map[string]string{"name": names[i], "type": c.Type, "description": c.Doc}
		if c.Unit != "" {
			want["unit"] = c.Unit
		}
		if !maps.Equal(cols[i], want) || c.Doc == "" {
			t.Errorf("%s: column %d in retell_export.columns is %v, want %v", where, i, cols[i], want)
		}
	}
}

func schemaOf(table string) *parquet.Schema {
	switch table {
	case TableCalls:
		return parquet.SchemaOf(new(CallRow))
	case TableUtterances:
		return parquet.SchemaOf(new(UtteranceRow))
	case TableEvents:
		return parquet.SchemaOf(new(EventRow))
	case TableCostItems:
		return parquet.SchemaOf(new(CostItemRow))
	case TableCustomAnalysis:
		return parquet.SchemaOf(new(CustomAnalysisRow))
	case TableLatency:
		return parquet.SchemaOf(new(LatencyRow))
	}
	return parquet.SchemaOf(new(WordRow))
}

func physical(f parquet.Field) string {
	lt := ""
	if l := f.Type().LogicalType(); l != nil {
		lt = l.String()
	}
	switch {
	case lt == "TIMESTAMP(isAdjustedToUTC=true,unit=MILLIS)":
		return "timestamp"
	case lt == "STRING":
		return "string"
	case lt == "INT(64,true)":
		return "int64"
	case strings.HasPrefix(lt, "DECIMAL(") && f.Type().Kind() == parquet.Int64:
		return strings.ToLower(lt)
	case lt != "":
		return lt
	}
	switch f.Type().Kind() {
	case parquet.Int64:
		return "int64"
	case parquet.Double:
		return "double"
	case parquet.Boolean:
		return "boolean"
	}
	return f.Type().String()
}

func TestParquetPartitions(t *testing.T) {
	day := int64(24 * 3600 * 1000)
	base := int64(1780000000000) // 2026-05-28
	var calls []*export.Call
	for i, offset := range []int64{0, day, 0, 2 * day, day} { // not sorted
		m := longCall("call_p"+string(rune('a'+i)), 0.01, base+offset)
		calls = append(calls, decode(t, mustJSON(t, m)))
	}
	calls = append(calls, decode(t, `{"call_id":"call_nostart","call_type":"web_call","agent_id":"a","call_status":"registered"}`))
	dir := t.TempDir()
	w := writeParquet(t, dir, calls, ParquetOptions{PartitionByDate: true})
	wantParts := map[string]int{"date=2026-05-28": 2, "date=2026-05-29": 2, "date=2026-05-30": 1, "date=__HIVE_DEFAULT_PARTITION__": 1}
	for part, n := range wantParts {
		rows := readFile[CallRow](t, filepath.Join(dir, "parquet", TableCalls, part, "part-0.parquet"))
		if len(rows) != n {
			t.Errorf("%s: %d calls, want %d", part, len(rows), n)
		}
		for _, r := range rows {
			if got := "date=__HIVE_DEFAULT_PARTITION__"; r.StartTime != nil {
				got = "date=" + r.StartTime.Format("2006-01-02")
				if got != part {
					t.Errorf("call %s in %s", r.CallID, part)
				}
			}
		}
		// every table has a file in every partition, empty or not
		readFile[EventRow](t, filepath.Join(dir, "parquet", TableEvents, part, "part-0.parquet"))
	}
	rep := w.Report()
	if rep.Partitions != len(wantParts) || len(rep.Files) != len(wantParts)*6 {
		t.Errorf("report %v", rep)
	}
	if got := len(readTable[UtteranceRow](t, dir, TableUtterances)); int64(got) != rep.Rows[TableUtterances] {
		t.Errorf("utterance rows read %d, reported %v", got, rep.Rows)
	}

	// One open partition at a time: the unsorted dates force evictions, and
	// a date seen again continues in part-1.parquet.
	lru := t.TempDir()
	w = writeParquet(t, lru, calls, ParquetOptions{PartitionByDate: true, MaxOpenPartitions: 1})
	if _, err := os.Stat(filepath.Join(lru, "parquet", TableCalls, "date=2026-05-29", "part-1.parquet")); err != nil {
		t.Errorf("no second file for a date seen again: %v (files %v)", err, w.Report().Files)
	}
	var ids []string
	for _, r := range readTable[CallRow](t, lru, TableCalls) {
		ids = append(ids, r.CallID)
	}
	slices.Sort(ids)
	var want []string
	for _, c := range calls {
		want = append(want, c.CallID)
	}
	slices.Sort(want)
	if !slices.Equal(ids, want) {
		t.Errorf("with evictions the calls are %v, want %v", ids, want)
	}
	compareRows(t, TableUtterances, sortedUtterances(readTable[UtteranceRow](t, lru, TableUtterances)), sortedUtterances(sourceRows(calls).Utterances))

	empty := t.TempDir()
	writeParquet(t, empty, nil, ParquetOptions{PartitionByDate: true})
	if rows := readFile[CallRow](t, filepath.Join(empty, "parquet", TableCalls, "date=__HIVE_DEFAULT_PARTITION__", "part-0.parquet")); len(rows) != 0 {
		t.Errorf("empty partitioned run: %d rows", len(rows))
	}
}

// TestParquetMemoryBudget forces row groups to end early and checks that
// nothing is lost or reordered.
func TestParquetMemoryBudget(t *testing.T) {
	var calls []*export.Call
	for i := range 30 {
		calls = append(calls, decode(t, mustJSON(t, longCall("call_m"+string(rune('A'+i)), 0.05, 1780000000000+int64(i)))))
	}
	dir := t.TempDir()
	w := writeParquet(t, dir, calls, ParquetOptions{Words: true, MemoryBudget: 32 << 10})
	if w.Report().RowGroupsEndedEarly == 0 {
		t.Fatal("a 32 KiB budget ended no row group early")
	}
	path := filepath.Join(dir, "parquet", TableWords, "part-0.parquet")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	if len(pf.RowGroups()) < 2 {
		t.Errorf("words: %d row groups", len(pf.RowGroups()))
	}
	compareRows(t, TableWords, readTable[WordRow](t, dir, TableWords), sourceRows(calls).Words)
}

func TestParquetAbortLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	w, err := NewParquet(dir, ParquetOptions{PartitionByDate: true, Words: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range decodeAll(t, fixtureBodies(t)) {
		if err := w.Write(c); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Abort(); err != nil {
		t.Fatal(err)
	}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			t.Errorf("left after Abort: %s", p)
		}
		return nil
	})
	if err := w.Write(decode(t, mustJSON(t, phoneCall(t)))); err == nil {
		t.Error("Write after Abort succeeded")
	}
}

func sortedUtterances(rows []UtteranceRow) []UtteranceRow {
	slices.SortStableFunc(rows, func(a, b UtteranceRow) int { return strings.Compare(a.CallID, b.CallID) })
	return rows
}

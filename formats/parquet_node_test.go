package formats

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/retell-export/retell-export/export"
)

// parquetJSInstall is how CI (.ci/run) and a developer get the two
// JavaScript Parquet readers: hyparquet (pure JavaScript) and parquet-wasm
// (arrow-rs in WebAssembly, with apache-arrow to decode its Arrow output).
const parquetJSInstall = `npm install --prefix "$HOME/.cache/retell-parquet" hyparquet@1.33.0 parquet-wasm@0.8.0 apache-arrow@21.2.0 ` +
	`(or set RETELL_PARQUET_NODE_MODULES to a node_modules directory holding them)`

// findParquetJS returns node and the node_modules directory holding the
// packages, or skips the test loudly.
func findParquetJS(t *testing.T, what string, packages ...string) (node, modules string) {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skipf("SKIPPING the %s check: node is not installed (apt-get install nodejs), then %s", what, parquetJSInstall)
	}
	modules = os.Getenv("RETELL_PARQUET_NODE_MODULES")
	if modules == "" {
		home, _ := os.UserHomeDir()
		modules = filepath.Join(home, ".cache", "retell-parquet", "node_modules")
	}
	for _, p := range packages {
		if _, err := os.Stat(filepath.Join(modules, p, "package.json")); err != nil {
			t.Skipf("SKIPPING the %s check: no %s in %s; install it with %s", what, p, modules, parquetJSInstall)
		}
	}
	return node, modules
}

// runNodeJSON runs a script of testdata on the files and decodes its JSON
// output into out.
func runNodeJSON(t *testing.T, node, modules, script string, paths []string, out any) {
	t.Helper()
	list := filepath.Join(t.TempDir(), "paths.json")
	if err := os.WriteFile(list, []byte(mustJSON(t, paths)), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, filepath.Join("testdata", script), modules, list)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s", script, err, stderr.String())
	}
	if err := json.Unmarshal(stdout, out); err != nil {
		t.Fatalf("%s output: %v\n%.2000s", script, err, stdout)
	}
}

// hyFile is what hyparquet_pages.mjs reports of one file.
type hyFile struct {
	CreatedBy string            `json:"created_by"`
	NumRows   int64             `json:"num_rows"`
	KV        map[string]string `json:"key_value_metadata"`
	Schema    []hyColumn        `json:"schema"`
	RowGroups []struct {
		NumRows int64     `json:"num_rows"`
		Columns []hyChunk `json:"columns"`
	} `json:"row_groups"`
}

// hyColumn is a column of the schema as hyparquet reads it.
type hyColumn struct {
	Name           string `json:"name"`
	Type           string `json:"type"`
	RepetitionType string `json:"repetition_type"`
	LogicalType    *struct {
		Type            string `json:"type"`
		IsAdjustedToUTC bool   `json:"isAdjustedToUTC"`
		Unit            string `json:"unit"`
		Precision       int    `json:"precision"`
		Scale           int    `json:"scale"`
		BitWidth        int    `json:"bitWidth"`
		IsSigned        bool   `json:"isSigned"`
	} `json:"logical_type"`
}

// hyChunk is one column chunk: its footer metadata and the page headers
// hyparquet decoded from the chunk's bytes.
type hyChunk struct {
	Path          string   `json:"path"`
	Codec         string   `json:"codec"`
	Encodings     []string `json:"encodings"`
	EncodingStats []struct {
		PageType string `json:"page_type"`
		Encoding string `json:"encoding"`
		Count    int    `json:"count"`
	} `json:"encoding_stats"`
	NumValues int64 `json:"num_values"`
	Pages     []struct {
		Type                    string `json:"type"`
		Encoding                string `json:"encoding"`
		DefinitionLevelEncoding string `json:"definition_level_encoding"`
		RepetitionLevelEncoding string `json:"repetition_level_encoding"`
		NumValues               int64  `json:"num_values"`
	} `json:"pages"`
	EndsExactly bool `json:"ends_exactly"`
}

// TestHyparquetPages reads the footer and every page header of every file
// of every table with hyparquet, a second implementation of the format,
// and checks that each column chunk has DATA_PAGE (V1) pages only, PLAIN
// values or the dictionary where the column is tagged dict, RLE levels,
// ZSTD, the declared logical types, and the key-value metadata.
func TestHyparquetPages(t *testing.T) {
	node, modules := findParquetJS(t, "hyparquet", "hyparquet")
	var fellBack int
	for _, ds := range pageDatasets(t) {
		var paths []string
		tableOf := map[string]Table{}
		for _, tb := range Tables(ds.name != "synthetic") {
			for _, p := range tableFiles(t, ds.dir, tb.Name) {
				paths = append(paths, p)
				tableOf[p] = tb
			}
		}
		var files map[string]hyFile
		runNodeJSON(t, node, modules, "hyparquet_pages.mjs", paths, &files)
		if len(files) != len(paths) {
			t.Fatalf("hyparquet read %d files of %d", len(files), len(paths))
		}
		for _, p := range paths {
			fellBack += checkHyFile(t, ds.name+" "+filepath.Base(filepath.Dir(p)), files[p], tableOf[p])
		}
	}
	if fellBack == 0 {
		t.Error("hyparquet saw no column chunk that went on in PLAIN after its dictionary")
	}
}

func checkHyFile(t *testing.T, where string, f hyFile, tb Table) (fellBack int) {
	t.Helper()
	if !strings.HasPrefix(f.CreatedBy, "retell-export version test") {
		t.Errorf("%s: created_by %q", where, f.CreatedBy)
	}
	for k, v := range map[string]string{"retell_export.table": tb.Name, "retell_export.schema_version": SchemaVersion, "retell_export.tool_version": "test"} {
		if f.KV[k] != v {
			t.Errorf("%s: metadata %s = %q, want %q", where, k, f.KV[k], v)
		}
	}
	var names []string
	for _, e := range f.Schema {
		names = append(names, e.Name)
	}
	text, ok := f.KV[columnsKey]
	checkColumnsMetadata(t, where, text, ok, tb, names)
	if len(f.Schema) != len(tb.Columns) {
		t.Fatalf("%s: hyparquet reads %d columns, %d defined", where, len(f.Schema), len(tb.Columns))
	}
	for i, c := range tb.Columns {
		checkHySchema(t, where, c, f.Schema[i])
	}
	var rows int64
	for g, rg := range f.RowGroups {
		rows += rg.NumRows
		if len(rg.Columns) != len(tb.Columns) {
			t.Fatalf("%s row group %d: %d column chunks", where, g, len(rg.Columns))
		}
		for i, c := range tb.Columns {
			fellBack += checkHyChunk(t, fmt.Sprintf("%s row group %d %s", where, g, c.Name), c, rg.Columns[i])
		}
	}
	if rows != f.NumRows {
		t.Errorf("%s: row groups hold %d rows, the file %d", where, rows, f.NumRows)
	}
	return fellBack
}

func checkHySchema(t *testing.T, where string, c Column, e hyColumn) {
	t.Helper()
	wantPhys, wantLogical := parquetTypeOf(c)
	logical := ""
	if lt := e.LogicalType; lt != nil {
		switch lt.Type {
		case "TIMESTAMP":
			logical = "TIMESTAMP(" + lt.Unit + ", local)"
			if lt.IsAdjustedToUTC {
				logical = "TIMESTAMP(" + lt.Unit + ", UTC)"
			}
		case "DECIMAL":
			logical = fmt.Sprintf("DECIMAL(%d,%d)", lt.Precision, lt.Scale)
		case "INTEGER":
			logical = fmt.Sprintf("INTEGER(%d, signed=%v)", lt.BitWidth, lt.IsSigned)
		default:
			logical = lt.Type
		}
	}
	wantRep := "REQUIRED"
	if c.Nullable {
		wantRep = "OPTIONAL"
	}
	if e.Name != c.Name || e.Type != wantPhys || logical != wantLogical || e.RepetitionType != wantRep {
		t.Errorf("%s: hyparquet reads column %s %s %s %q, want %s %s %s %q", where, e.Name, e.Type, e.RepetitionType, logical, c.Name, wantPhys, wantRep, wantLogical)
	}
}

// checkHyChunk checks one column chunk as hyparquet read it, and returns 1
// if its data pages mix the dictionary and PLAIN (the fallback).
func checkHyChunk(t *testing.T, where string, c Column, ch hyChunk) int {
	t.Helper()
	data := encodingNames(c)
	if ch.Path != c.Name || ch.Codec != "ZSTD" || !ch.EndsExactly {
		t.Errorf("%s: chunk of %s, codec %s, pages end at the chunk's end: %v", where, ch.Path, ch.Codec, ch.EndsExactly)
	}
	for _, e := range ch.Encodings {
		if !slices.Contains(data, e) && e != "RLE" {
			t.Errorf("%s: footer lists encoding %s, want only %v and RLE", where, e, data)
		}
	}
	for _, s := range ch.EncodingStats {
		if s.PageType != "DATA_PAGE" && s.PageType != "DICTIONARY_PAGE" {
			t.Errorf("%s: footer counts %d %s pages", where, s.Count, s.PageType)
		}
	}
	var values int64
	seen := map[string]bool{}
	for i, p := range ch.Pages {
		switch {
		case p.Type == "DICTIONARY_PAGE" && c.Dict && i == 0 && p.Encoding == "PLAIN":
		case p.Type == "DATA_PAGE" && slices.Contains(data, p.Encoding) &&
			p.DefinitionLevelEncoding == "RLE" && p.RepetitionLevelEncoding == "RLE":
			values += p.NumValues
			seen[p.Encoding] = true
		default:
			t.Errorf("%s: page %d is %s in %s (levels %s/%s), want DATA_PAGE in %v with RLE levels, or a PLAIN dictionary first",
				where, i, p.Type, p.Encoding, p.DefinitionLevelEncoding, p.RepetitionLevelEncoding, data)
		}
	}
	if values != ch.NumValues {
		t.Errorf("%s: data pages hold %d values, the footer says %d", where, values, ch.NumValues)
	}
	if seen["PLAIN"] && seen["RLE_DICTIONARY"] {
		return 1
	}
	return 0
}

// wasmFile is what parquet_wasm_rows.cjs reports of one file.
type wasmFile struct {
	Metadata map[string]string `json:"metadata"`
	Fields   []struct {
		Name     string `json:"name"`
		Type     string `json:"type"`
		Nullable bool   `json:"nullable"`
	} `json:"fields"`
	Rows [][]any `json:"rows"`
}

// arrowTypeOf is the Arrow type arrow-rs gives a column, as
// parquet_wasm_rows.cjs spells it.
func arrowTypeOf(c Column) string {
	switch {
	case c.Type == "string":
		return "utf8"
	case c.Type == "int64":
		return "int64"
	case c.Type == "double":
		return "double"
	case c.Type == "boolean":
		return "bool"
	case c.Type == "timestamp":
		return "timestamp[MILLISECOND, UTC]"
	case strings.HasPrefix(c.Type, "decimal("):
		return "decimal128" + strings.TrimPrefix(c.Type, "decimal")
	}
	panic("no Arrow type for " + c.Type)
}

// TestParquetWasmRows reads the files back with parquet-wasm (arrow-rs) and
// compares every value with the rows written: every table of the fixtures
// and samples, and the synthetic tables whose call_id chunks mix
// dictionary and PLAIN pages.
func TestParquetWasmRows(t *testing.T) {
	node, modules := findParquetJS(t, "parquet-wasm", "parquet-wasm", "apache-arrow")
	for _, ds := range pageDatasets(t) {
		tables := Tables(true)
		if ds.name == "synthetic" {
			tables = []Table{tables[2], tables[3]} // events, cost_items
		}
		var paths []string
		for _, tb := range tables {
			paths = append(paths, tableFiles(t, ds.dir, tb.Name)...)
		}
		var files map[string]wasmFile
		runNodeJSON(t, node, modules, "parquet_wasm_rows.cjs", paths, &files)
		for _, tb := range tables {
			checkWasmTable(t, ds, tb, files)
		}
	}
}

func checkWasmTable(t *testing.T, ds pageDataset, tb Table, files map[string]wasmFile) {
	t.Helper()
	where := ds.name + " " + tb.Name
	var got [][]any
	for _, p := range tableFiles(t, ds.dir, tb.Name) {
		f, ok := files[p]
		if !ok {
			t.Fatalf("%s: parquet-wasm did not read %s", where, p)
		}
		if len(f.Fields) != len(tb.Columns) {
			t.Fatalf("%s: arrow-rs reads %d columns, %d defined", where, len(f.Fields), len(tb.Columns))
		}
		var names []string
		for i, c := range tb.Columns {
			fd := f.Fields[i]
			names = append(names, fd.Name)
			if fd.Name != c.Name || fd.Type != arrowTypeOf(c) || fd.Nullable != c.Nullable {
				t.Errorf("%s: arrow-rs reads %s %s nullable=%v, want %s %s nullable=%v", where, fd.Name, fd.Type, fd.Nullable, c.Name, arrowTypeOf(c), c.Nullable)
			}
		}
		text, ok := f.Metadata[columnsKey]
		checkColumnsMetadata(t, where, text, ok, tb, names)
		got = append(got, f.Rows...)
	}
	want := wantCells(ds.calls, tb)
	if len(got) != len(want) {
		t.Fatalf("%s: arrow-rs reads %d rows, %d written", where, len(got), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Fatalf("%s row %d: arrow-rs reads\n%v\nwant\n%v", where, i, got[i], want[i])
		}
	}
}

// wantCells are the rows of a table built from the calls, each value as
// parquet_wasm_rows.cjs prints it.
func wantCells(calls []*export.Call, tb Table) [][]any {
	var out [][]any
	for _, c := range calls {
		var r Rows
		r.Build(c, tb.Name == TableWords)
		var rows reflect.Value
		switch tb.Name {
		case TableCalls:
			rows = reflect.ValueOf([]CallRow{r.Call})
		case TableUtterances:
			rows = reflect.ValueOf(r.Utterances)
		case TableEvents:
			rows = reflect.ValueOf(r.Events)
		case TableCostItems:
			rows = reflect.ValueOf(r.CostItems)
		case TableCustomAnalysis:
			rows = reflect.ValueOf(r.CustomAnalysis)
		case TableWords:
			rows = reflect.ValueOf(r.Words)
		case TableLatency:
			rows = reflect.ValueOf(r.Latency)
		default:
			panic("wantCells: no rows for table " + tb.Name)
		}
		for i := range rows.Len() {
			out = append(out, cellsOf(tb, rows.Index(i)))
		}
	}
	return out
}

// cellsOf renders a row the way parquet_wasm_rows.cjs prints values.
func cellsOf(tb Table, row reflect.Value) []any {
	cells := make([]any, len(tb.Columns))
	for i, c := range tb.Columns {
		f := row.Field(c.field)
		if f.Kind() == reflect.Pointer {
			if f.IsNil() {
				continue
			}
			f = f.Elem()
		}
		switch c.kind {
		case cellString:
			cells[i] = f.String()
		case cellInt, cellDecimal: // a decimal is its unscaled integer
			cells[i] = strconv.FormatInt(f.Int(), 10)
		case cellFloat:
			cells[i] = f.Float()
		case cellBool:
			cells[i] = f.Bool()
		case cellTime:
			cells[i] = strconv.FormatInt(f.Interface().(time.Time).UnixMilli(), 10)
		}
	}
	return cells
}

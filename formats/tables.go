package formats

import (
	"fmt"
	"io"
	"reflect"
	"strings"
	"time"
)

// Table names: the CSV file stem and the Parquet dataset directory.
const (
	TableCalls          = "calls"
	TableUtterances     = "utterances"
	TableEvents         = "events"
	TableCostItems      = "cost_items"
	TableCustomAnalysis = "custom_analysis"
	TableLatency        = "latency"
	TableWords          = "words"
)

// SchemaVersion identifies the table layout below. It is stored in Parquet
// key-value metadata and in the loader kit's schemas; it changes when a
// column is renamed, retyped, moved or removed (a new column at the end of
// a table keeps it). A change rebuilds every Parquet partition.
//
// Version 2: money columns (cost_cents, cost_usd and the unit prices) are
// DECIMAL instead of DOUBLE.
// Version 3: calls gained connected (after call_status) and transferred
// (after reason_category), and settled and fetched_at at the end; start,
// duration and cost are NULL when impossible; is_transfer_leg is false
// where the answer is known to be no.
const SchemaVersion = "3"

// Column describes one column of a table, derived from a row type's tags.
type Column struct {
	Name     string // snake_case, the CSV header and Parquet column name
	Type     string // string, int64, double, decimal(P,S), boolean or timestamp
	Unit     string // "" when unitless
	Nullable bool   // NULL in Parquet and an empty CSV cell when Retell sent nothing
	Dict     bool   // dictionary-encoded in Parquet
	Doc      string

	field int // index of the struct field
	kind  cellKind
	scale int // decimal places of a decimal column
}

// Table describes one output table.
type Table struct {
	Name    string
	Doc     string
	OptIn   bool // written only when asked for (words)
	Columns []Column

	rowType reflect.Type
}

type cellKind int

const (
	cellString cellKind = iota
	cellInt
	cellFloat
	cellBool
	cellTime
	cellDecimal // MicroCents, an unscaled value with the column's scale
)

// Tables returns every table in documentation order. words adds the opt-in
// words table.
func Tables(words bool) []Table {
	ts := []Table{
		tableOf[CallRow](TableCalls, "one row per call", false),
		tableOf[UtteranceRow](TableUtterances, "one row per spoken turn", false),
		tableOf[EventRow](TableEvents, "one row per non-speech item of transcript_with_tool_calls (tool calls and results, node transitions, dtmf, sms, injected, unknown kinds)", false),
		tableOf[CostItemRow](TableCostItems, "one row per call_cost.product_costs item", false),
		tableOf[CustomAnalysisRow](TableCustomAnalysis, "one row per call and key of call_analysis.custom_analysis_data", false),
		tableOf[LatencyRow](TableLatency, "one row per per-turn latency sample (latency.<kind>.values), for exact percentiles over any set of calls", false),
	}
	if words {
		ts = append(ts, tableOf[WordRow](TableWords, "one row per timed word (opt-in: --words)", true))
	}
	return ts
}

// tableOf reads the column definitions from T's struct tags. It panics on a
// field type the writers do not support: that is a programming error caught
// by any test that builds a table.
func tableOf[T any](name, doc string, optIn bool) Table {
	rt := reflect.TypeFor[T]()
	t := Table{Name: name, Doc: doc, OptIn: optIn, rowType: rt}
	for i := range rt.NumField() {
		f := rt.Field(i)
		tag := strings.Split(f.Tag.Get("parquet"), ",")
		col := Column{Name: tag[0], Unit: f.Tag.Get("unit"), Doc: f.Tag.Get("doc"), field: i}
		decimal := ""
		for _, opt := range tag[1:] {
			col.Dict = col.Dict || opt == "dict"
			if strings.HasPrefix(opt, "decimal(") {
				decimal = opt
			}
		}
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			col.Nullable, ft = true, ft.Elem()
		}
		switch {
		case ft == reflect.TypeFor[MicroCents]():
			var prec int
			if _, err := fmt.Sscanf(decimal, "decimal(%d:%d)", &col.scale, &prec); err != nil || !col.Nullable {
				panic(fmt.Sprintf("formats: %s.%s: money must be *MicroCents tagged decimal(scale:precision)", name, col.Name))
			}
			col.Type, col.kind = fmt.Sprintf("decimal(%d,%d)", prec, col.scale), cellDecimal
		case decimal != "":
			panic(fmt.Sprintf("formats: %s.%s: decimal columns must be *MicroCents", name, col.Name))
		case ft == reflect.TypeFor[time.Time]():
			col.Type, col.kind = "timestamp", cellTime
			if !col.Nullable {
				panic(fmt.Sprintf("formats: %s.%s: timestamps must be *time.Time", name, col.Name))
			}
		case ft.Kind() == reflect.String:
			col.Type, col.kind = "string", cellString
		case ft.Kind() == reflect.Int64:
			col.Type, col.kind = "int64", cellInt
		case ft.Kind() == reflect.Float64:
			col.Type, col.kind = "double", cellFloat
		case ft.Kind() == reflect.Bool:
			col.Type, col.kind = "boolean", cellBool
		default:
			panic(fmt.Sprintf("formats: %s.%s: unsupported type %s", name, col.Name, f.Type))
		}
		t.Columns = append(t.Columns, col)
	}
	return t
}

// Header returns the column names.
func (t Table) Header() []string {
	h := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		h[i] = c.Name
	}
	return h
}

// Values appends the cells of row, a pointer to the table's row type (such
// as *CallRow for calls), to dst in column order: nil for NULL, otherwise a
// string, int64, float64, bool or time.Time (UTC). Decimal columns come as
// the nearest float64, in the column's unit. It is for writers that want
// typed cells, such as a spreadsheet.
func (t Table) Values(dst []any, row any) []any {
	v := reflect.ValueOf(row)
	if v.Kind() != reflect.Pointer || v.Type().Elem() != t.rowType {
		panic(fmt.Sprintf("formats: %s.Values got %T, want *%s", t.Name, row, t.rowType))
	}
	v = v.Elem()
	for _, c := range t.Columns {
		f := v.Field(c.field)
		if f.Kind() == reflect.Pointer {
			if f.IsNil() {
				dst = append(dst, nil)
				continue
			}
			f = f.Elem()
		}
		switch c.kind {
		case cellString:
			dst = append(dst, f.String())
		case cellInt:
			dst = append(dst, f.Int())
		case cellFloat:
			dst = append(dst, f.Float())
		case cellBool:
			dst = append(dst, f.Bool())
		case cellTime:
			dst = append(dst, f.Interface().(time.Time).UTC())
		case cellDecimal:
			dst = append(dst, decimalFloat(f.Int(), c.scale))
		}
	}
	return dst
}

// WriteTableDocs writes the column reference of every table as Markdown
// (docs/columns.md).
func WriteTableDocs(w io.Writer) error {
	var b strings.Builder
	b.WriteString(columnsHead)
	for _, t := range Tables(true) {
		fmt.Fprintf(&b, "## %s\n\n%s.\n\n| column | type | unit | null | description |\n|---|---|---|---|---|\n",
			t.Name, upperFirst(t.Doc))
		for _, c := range t.Columns {
			typ := c.Type
			if c.Type == "timestamp" {
				typ = "timestamp (ms, UTC)"
			}
			null := ""
			if c.Nullable {
				null = "yes"
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", c.Name, typ, c.Unit, null, strings.ReplaceAll(c.Doc, "|", "\\|"))
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// columnsHead starts docs/columns.md.
const columnsHead = `# Column reference

Generated from the table definitions (` + "`formats/tables_rows.go`" + `) by
` + "`go test ./formats -run TestColumnReference -update`" + `; a test fails when this
page and the schema disagree. What the tables are for is in [tables.md](tables.md).

`

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

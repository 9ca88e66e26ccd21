package formats

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/retell-export/retell-export/analyze"
)

// KitOptions describe the lake a kit loads.
type KitOptions struct {
	// Base is where the dataset is: "." for a local dataset (the kit's SQL
	// then runs from the dataset's root), or its s3://, gs:// or azblob://
	// URL as --out named it (see EngineURL).
	Base        string
	Words       bool // the opt-in words table is in the lake
	Partitioned bool // Hive date=YYYY-MM-DD partitions
}

// KitFile is one file of the kit, named below KitDir.
type KitFile struct {
	Name string
	Data []byte
}

// Groupings are the summary's groupings with the SQL that keys each call
// the way the summary does; tz is the IANA zone days are counted in.
func Groupings(tz string) []struct{ Name, Key string } {
	return []struct{ Name, Key string }{
		{"overall", "'all'"},
		{"agent", "agent_id"},
		{"day", fmt.Sprintf("coalesce(strftime(timezone(%s, start_time), '%%Y-%%m-%%d'), '(no start)')", sqlQuote(tz))},
		{"type", "coalesce(call_type, '(none)')"},
		{"direction", "coalesce(direction, '(none)')"},
	}
}

// Kit returns the loader kit of a lake, every file derived from the one
// table definition (Tables) and the one metric registry
// (analyze.Metrics): DuckDB views with column comments and the metrics,
// external-table DDL for Spark, Athena/Trino/Hive and BigQuery, a JSON
// Schema per table, and a pandas recipe.
func Kit(opts KitOptions) []KitFile {
	tables := kitTables(opts.Words)
	return []KitFile{
		{"README.md", []byte(kitReadme)},
		{"duckdb.sql", duckDBKit(tables, opts)},
		{"spark.sql", hiveDDL(tables, opts, "spark")},
		{"athena.sql", hiveDDL(tables, opts, "athena")},
		{"bigquery.sql", bigQueryDDL(tables, opts)},
		{"pandas.py", pandasRecipe(tables)},
	}
}

// KitSchemas returns a JSON Schema per table, named schema/<table>.json.
func KitSchemas(words bool) []KitFile {
	var out []KitFile
	for _, t := range kitTables(words) {
		out = append(out, KitFile{Name: "schema/" + t.Name + ".json", Data: jsonSchema(t)})
	}
	return out
}

func kitTables(words bool) []Table {
	return slices.DeleteFunc(Tables(true), func(t Table) bool { return t.OptIn && !words })
}

// tablePath is the location of a table's files.
func tablePath(base, table string) string {
	if base == "." || base == "" {
		return "parquet/" + table
	}
	return EngineURL(base) + "/parquet/" + table
}

// EngineURL is a dataset's URL as the engines name it: without the
// parameters the tool reads (?region=, ?endpoint=), and with az:// for
// Azure, the scheme DuckDB's azure extension reads (Spark wants abfss://,
// which needs the storage account: the DDL says so).
func EngineURL(u string) string {
	u, _, _ = strings.Cut(u, "?")
	u = strings.TrimSuffix(u, "/")
	if rest, ok := strings.CutPrefix(u, "azblob://"); ok {
		return "az://" + rest
	}
	if rest, ok := strings.CutPrefix(u, "az://"); ok {
		return "az://" + rest
	}
	return u
}

func sqlQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// hiveQuote is a string literal for Spark and Hive, which escape with a
// backslash (a doubled quote there is two literals run together).
func hiveQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, "'", `\'`).Replace(s) + "'"
}

func duckType(c Column) string {
	switch {
	case strings.HasPrefix(c.Type, "decimal"):
		return strings.ToUpper(c.Type)
	case c.Type == "timestamp":
		return "TIMESTAMP WITH TIME ZONE"
	}
	return map[string]string{"string": "VARCHAR", "int64": "BIGINT", "double": "DOUBLE", "boolean": "BOOLEAN"}[c.Type]
}

// comment is a column's description with its unit.
func comment(c Column) string {
	if c.Unit != "" {
		return c.Doc + " [" + c.Unit + "]"
	}
	return c.Doc
}

func duckDBKit(tables []Table, opts KitOptions) []byte {
	var b bytes.Buffer
	b.WriteString("-- retell-export loader kit for DuckDB (generated; do not edit).\n")
	fmt.Fprintf(&b, "-- Schema version %s. Load it from the dataset's root:  duckdb -init kit/duckdb.sql\n", SchemaVersion)
	b.WriteString("-- (or .read kit/duckdb.sql in a session). Days in the metric views are UTC days;\n")
	b.WriteString("-- change timezone('UTC', ...) below for another zone.\n\n")
	for _, t := range tables {
		fmt.Fprintf(&b, "CREATE OR REPLACE VIEW %s AS SELECT * FROM read_parquet(%s, hive_partitioning = true, union_by_name = true);\n",
			t.Name, sqlQuote(tablePath(opts.Base, t.Name)+"/**/*.parquet"))
		fmt.Fprintf(&b, "COMMENT ON VIEW %s IS %s;\n", t.Name, sqlQuote(upperFirst(t.Doc)))
		for _, c := range t.Columns {
			fmt.Fprintf(&b, "COMMENT ON COLUMN %s.%s IS %s;\n", t.Name, c.Name, sqlQuote(comment(c)))
		}
		b.WriteString("\n")
	}
	b.WriteString("-- The grouping columns of every call, for the metrics over child tables.\n")
	b.WriteString("CREATE OR REPLACE VIEW call_keys AS SELECT call_id, agent_id, agent_name, call_type, direction, start_time FROM calls;\n\n")
	b.WriteString("-- Every figure of summary.json, computed by the definitions of docs/metrics.md:\n")
	b.WriteString("-- one row per group, metric and item (item '' for a single figure).\n")
	var single []string // the metrics that are one figure: the kpi views' columns
	for _, m := range analyze.Metrics() {
		if m.Key == "" {
			single = append(single, sqlQuote(m.Name))
		}
	}
	for _, g := range Groupings("UTC") {
		fmt.Fprintf(&b, "CREATE OR REPLACE VIEW metrics_%s AS\n%s;\n", g.Name, MetricsSQL(g.Key, analyze.Metrics()))
		fmt.Fprintf(&b, "CREATE OR REPLACE VIEW kpi_%s AS PIVOT (SELECT grouping_key, metric, value FROM metrics_%s WHERE item = '') ON metric IN (%s) USING first(value) GROUP BY grouping_key;\n\n",
			g.Name, g.Name, strings.Join(single, ", "))
	}
	return b.Bytes()
}

// MetricsSQL is one query over every metric for one grouping: columns
// grouping_key, metric, item and value (DOUBLE).
func MetricsSQL(key string, ms []analyze.Metric) string {
	var parts []string
	for _, m := range ms {
		item := "''"
		if m.Key != "" {
			item = "CAST(" + m.Key + " AS VARCHAR)"
		}
		from := m.Rows
		if m.Rows != TableCalls {
			from = m.Rows + " JOIN call_keys USING (call_id)"
		}
		parts = append(parts, fmt.Sprintf("  SELECT CAST(%s AS VARCHAR) AS grouping_key, %s AS metric, %s AS item, CAST(%s AS DOUBLE) AS value FROM %s GROUP BY ALL",
			key, sqlQuote(m.Name), item, m.SQL, from))
	}
	return strings.Join(parts, "\n  UNION ALL\n")
}

// hiveType is a column's type in Spark and Hive DDL.
func hiveType(c Column) string {
	switch {
	case strings.HasPrefix(c.Type, "decimal"):
		return strings.ToUpper(c.Type)
	case c.Type == "timestamp":
		return "TIMESTAMP"
	}
	return map[string]string{"string": "STRING", "int64": "BIGINT", "double": "DOUBLE", "boolean": "BOOLEAN"}[c.Type]
}

func hiveDDL(tables []Table, opts KitOptions, dialect string) []byte {
	var b bytes.Buffer
	base := opts.Base
	if base == "." || base == "" {
		base = "s3://YOUR-BUCKET/YOUR-PREFIX" // a local lake: put the URL it was copied to
	}
	fmt.Fprintf(&b, "-- retell-export tables for %s (generated; schema version %s).\n", map[string]string{"spark": "Spark SQL", "athena": "Athena, Trino and Hive"}[dialect], SchemaVersion)
	b.WriteString("-- Timestamps are UTC (Parquet TIMESTAMP(MILLIS, isAdjustedToUTC)); money is exact DECIMAL.\n")
	if opts.Partitioned {
		b.WriteString("-- Partitions are Hive-style date=YYYY-MM-DD directories (UTC start date; NULL for calls without\n")
		b.WriteString("-- a start). Load new ones after each run: MSCK REPAIR TABLE <table>; (or use partition projection in Athena).\n")
	}
	b.WriteString("\n")
	for _, t := range tables {
		var cols []string
		for _, c := range t.Columns {
			cols = append(cols, fmt.Sprintf("  `%s` %s COMMENT %s", c.Name, hiveType(c), hiveQuote(comment(c))))
		}
		loc := tablePath(base, t.Name) + "/"
		switch dialect {
		case "spark":
			fmt.Fprintf(&b, "CREATE TABLE IF NOT EXISTS %s (\n%s", t.Name, strings.Join(cols, ",\n"))
			if opts.Partitioned {
				b.WriteString(",\n  `date` DATE COMMENT 'UTC start date (the partition)'")
			}
			fmt.Fprintf(&b, "\n) USING PARQUET")
			if opts.Partitioned {
				b.WriteString(" PARTITIONED BY (`date`)")
			}
			fmt.Fprintf(&b, " COMMENT %s LOCATION %s;\n", hiveQuote(upperFirst(t.Doc)), hiveQuote(loc))
		default:
			fmt.Fprintf(&b, "CREATE EXTERNAL TABLE IF NOT EXISTS %s (\n%s\n)", t.Name, strings.Join(cols, ",\n"))
			fmt.Fprintf(&b, " COMMENT %s", hiveQuote(upperFirst(t.Doc)))
			if opts.Partitioned {
				b.WriteString(" PARTITIONED BY (`date` DATE)")
			}
			fmt.Fprintf(&b, " STORED AS PARQUET LOCATION %s;\n", hiveQuote(loc))
		}
		if opts.Partitioned {
			fmt.Fprintf(&b, "MSCK REPAIR TABLE %s;\n", t.Name)
		}
		b.WriteString("\n")
	}
	return b.Bytes()
}

func bqType(c Column) string {
	switch {
	case strings.HasPrefix(c.Type, "decimal"):
		return "NUMERIC"
	case c.Type == "timestamp":
		return "TIMESTAMP"
	}
	return map[string]string{"string": "STRING", "int64": "INT64", "double": "FLOAT64", "boolean": "BOOL"}[c.Type]
}

func bigQueryDDL(tables []Table, opts KitOptions) []byte {
	var b bytes.Buffer
	base := opts.Base
	if !strings.HasPrefix(base, "gs://") {
		base = "gs://YOUR-BUCKET/YOUR-PREFIX" // BigQuery external tables read Cloud Storage
	}
	fmt.Fprintf(&b, "-- retell-export external tables for BigQuery (generated; schema version %s).\n", SchemaVersion)
	b.WriteString("-- Replace YOUR_DATASET. DECIMAL(18,6) and (18,8) fit NUMERIC (scale up to 9).\n\n")
	for _, t := range tables {
		var cols []string
		for _, c := range t.Columns {
			cols = append(cols, fmt.Sprintf("  %s %s OPTIONS (description = %s)", c.Name, bqType(c), bqString(comment(c))))
		}
		loc := tablePath(base, t.Name)
		fmt.Fprintf(&b, "CREATE OR REPLACE EXTERNAL TABLE YOUR_DATASET.%s (\n%s\n)\n", t.Name, strings.Join(cols, ",\n"))
		if opts.Partitioned {
			b.WriteString("WITH PARTITION COLUMNS (date DATE)\n")
		}
		// *.parquet: the table's _manifest.json is not data (BigQuery does
		// not skip files that start with an underscore).
		fmt.Fprintf(&b, "OPTIONS (format = 'PARQUET', uris = [%s]", bqString(loc+"/*.parquet"))
		if opts.Partitioned {
			fmt.Fprintf(&b, ", hive_partition_uri_prefix = %s", bqString(loc))
		}
		fmt.Fprintf(&b, ", description = %s);\n\n", bqString(upperFirst(t.Doc)))
	}
	return b.Bytes()
}

func bqString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// jsonSchema is a table's JSON Schema (2020-12), for one row as the CSV
// and Parquet files hold it.
func jsonSchema(t Table) []byte {
	type prop struct {
		Type        any    `json:"type"`
		Format      string `json:"format,omitempty"`
		Description string `json:"description"`
		Unit        string `json:"x-unit,omitempty"`
		Parquet     string `json:"x-parquet-type"`
	}
	props := map[string]prop{}
	var order, required []string
	for _, c := range t.Columns {
		typ, format := map[string]string{"string": "string", "int64": "integer", "double": "number", "boolean": "boolean", "timestamp": "string"}[c.Type], ""
		switch {
		case strings.HasPrefix(c.Type, "decimal"):
			typ = "number"
		case c.Type == "timestamp":
			format = "date-time"
		}
		var tv any = typ
		if c.Nullable {
			tv = []string{typ, "null"}
		} else {
			required = append(required, c.Name)
		}
		props[c.Name] = prop{Type: tv, Format: format, Description: c.Doc, Unit: c.Unit, Parquet: c.Type}
		order = append(order, c.Name)
	}
	doc := map[string]any{
		"$schema":          "https://json-schema.org/draft/2020-12/schema",
		"$id":              "https://github.com/retell-export/retell-export/schema/" + t.Name + "/v" + SchemaVersion,
		"title":            t.Name,
		"description":      upperFirst(t.Doc) + ". " + schemaRule,
		"type":             "object",
		"x-schema-version": SchemaVersion,
		"x-column-order":   order,
		"properties":       props,
		"required":         required,
	}
	b, _ := json.MarshalIndent(doc, "", "  ") // maps of strings and slices: cannot fail
	return append(b, '\n')
}

// schemaRule says when the schema version changes.
const schemaRule = "schema_version changes when a column is renamed, retyped, moved or removed; a new column at the end of a table keeps it."

func pandasType(c Column) string {
	switch {
	case c.Name == "from_number" || c.Name == "to_number" || c.Type == "string":
		return "string"
	case strings.HasPrefix(c.Type, "decimal"):
		return "string" // then decimal.Decimal, or float once exactness does not matter
	case c.Type == "timestamp":
		return "string" // parse_dates turns it into datetime64[ns, UTC]
	}
	return map[string]string{"int64": "Int64", "double": "Float64", "boolean": "boolean"}[c.Type]
}

func pandasRecipe(tables []Table) []byte {
	var b bytes.Buffer
	b.WriteString(`"""pandas recipe for a retell-export dataset (generated).

Parquet: pandas needs an engine (pip install pyarrow, or Debian's python3-pyarrow where it exists):
    calls = pd.read_parquet("parquet/calls", engine="pyarrow", dtype_backend="pyarrow")
DECIMAL money columns then come as pyarrow decimals (exact); the date partition as a category.
Without pyarrow, DuckDB reads the lake and hands pandas a frame:
    import duckdb; calls = duckdb.sql("SELECT * FROM 'parquet/calls/**/*.parquet'").df()

CSV: read with the dtypes below, so phone numbers stay text, nullable integers and booleans keep
their NULLs, and money stays exact:
    calls = read_csv("csv/calls.csv", "calls")
"""
from decimal import Decimal

import pandas as pd

DTYPES = {
`)
	for _, t := range tables {
		fmt.Fprintf(&b, "    %q: {\n", t.Name)
		for _, c := range t.Columns {
			fmt.Fprintf(&b, "        %q: %q,\n", c.Name, pandasType(c))
		}
		b.WriteString("    },\n")
	}
	b.WriteString("}\n\nDATES = {\n")
	for _, t := range tables {
		var ds []string
		for _, c := range t.Columns {
			if c.Type == "timestamp" {
				ds = append(ds, fmt.Sprintf("%q", c.Name))
			}
		}
		fmt.Fprintf(&b, "    %q: [%s],\n", t.Name, strings.Join(ds, ", "))
	}
	b.WriteString("}\n\nMONEY = {\n")
	for _, t := range tables {
		var ms []string
		for _, c := range t.Columns {
			if strings.HasPrefix(c.Type, "decimal") {
				ms = append(ms, fmt.Sprintf("%q", c.Name))
			}
		}
		fmt.Fprintf(&b, "    %q: [%s],\n", t.Name, strings.Join(ms, ", "))
	}
	b.WriteString(`}


def read_csv(path, table):
    """Reads one CSV table of a run (written with --csv-raw for exact text)."""
    df = pd.read_csv(path, dtype=DTYPES[table], keep_default_na=False, na_values=[""])
    for col in DATES[table]:
        df[col] = pd.to_datetime(df[col], utc=True)
    for col in MONEY[table]:
        df[col] = df[col].map(lambda v: Decimal(v) if isinstance(v, str) else None)
    return df
`)
	return b.Bytes()
}

const kitReadme = `# Loader kit

Generated by retell-export with the dataset (do not edit: the next run rewrites it). Every file
derives from the one table definition and the one metric registry of the version that wrote it.

| file | what |
|---|---|
| duckdb.sql | views over the Parquet tables with column comments, and every summary figure as views: ` + "`metrics_<grouping>`" + ` (long: grouping_key, metric, item, value) and ` + "`kpi_<grouping>`" + ` (wide) for overall, agent, day (UTC), type and direction. From the dataset's root: ` + "`duckdb -init kit/duckdb.sql`" + ` |
| spark.sql, athena.sql | external tables for Spark SQL and for Athena, Trino and Hive, with Hive date partitions |
| bigquery.sql | BigQuery external tables over Cloud Storage with Hive partitions |
| schema/<table>.json | a JSON Schema per table, with descriptions, units, the Parquet types and the schema version |
| pandas.py | dtypes for reading the CSV tables, and how to read the Parquet ones |

` + schemaRule + `
The definitions of the figures are in docs/metrics.md of retell-export.
`

// Markers around the generated part of docs/metrics.md.
const (
	metricsBegin = "<!-- generated from analyze.Metrics by go test ./formats -run TestMetricReference -update: do not edit below -->"
	metricsEnd   = "<!-- end of the generated part -->"
)

// MetricReference is the generated part of docs/metrics.md: every metric
// with its definition and the SQL that computes it from the tables.
func MetricReference() []byte {
	var b bytes.Buffer
	b.WriteString(metricsBegin + "\n\n")
	b.WriteString("| metric | what | unit | over | SQL (per group) |\n|---|---|---|---|---|\n")
	for _, m := range analyze.Metrics() {
		sql := m.SQL
		if m.Key != "" {
			sql = m.SQL + " GROUP BY " + m.Key
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | `%s` |\n", m.Name, strings.ReplaceAll(m.Doc, "|", "\\|"), m.Unit, m.Rows,
			strings.ReplaceAll(sql, "|", "\\|"))
	}
	b.WriteString("\n" + metricsEnd + "\n")
	return b.Bytes()
}

// SpliceMetricReference replaces the generated part of a metrics page.
func SpliceMetricReference(page []byte) ([]byte, bool) {
	i, j := bytes.Index(page, []byte(metricsBegin)), bytes.Index(page, []byte(metricsEnd))
	if i < 0 || j < i {
		return nil, false
	}
	out := append([]byte{}, page[:i]...)
	out = append(out, MetricReference()...)
	return append(out, bytes.TrimPrefix(page[j+len(metricsEnd):], []byte("\n"))...), true
}

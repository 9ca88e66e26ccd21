package formats

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// docs/metrics.md lists every metric of the registry, generated: -update
// rewrites its generated part, and it must match the registry.
func TestMetricReference(t *testing.T) {
	const path = "../docs/metrics.md"
	page, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want, ok := SpliceMetricReference(page)
	if !ok {
		t.Fatalf("%s has no generated part (markers %q ... %q)", path, metricsBegin, metricsEnd)
	}
	if *update {
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
		page = want
	}
	if !bytes.Equal(page, want) {
		t.Errorf("%s differs from analyze.Metrics: run go test ./formats -run TestMetricReference -update", path)
	}
}

// The kit names every table and column once, in every dialect, and its
// schemas are JSON Schema documents that carry the schema version.
func TestKitCoversEveryColumn(t *testing.T) {
	files := map[string]string{}
	for _, f := range append(Kit(KitOptions{Base: "s3://lake/retell", Partitioned: true}), KitSchemas(false)...) {
		files[f.Name] = string(f.Data)
	}
	for _, tb := range Tables(false) {
		for _, name := range []string{"duckdb.sql", "spark.sql", "athena.sql", "bigquery.sql", "pandas.py"} {
			if !strings.Contains(files[name], tb.Name) {
				t.Errorf("%s lacks table %s", name, tb.Name)
			}
			for _, c := range tb.Columns {
				if !strings.Contains(files[name], c.Name) {
					t.Errorf("%s lacks %s.%s", name, tb.Name, c.Name)
				}
			}
		}
		var schema struct {
			Version    string                     `json:"x-schema-version"`
			Properties map[string]json.RawMessage `json:"properties"`
		}
		if err := json.Unmarshal([]byte(files["schema/"+tb.Name+".json"]), &schema); err != nil || schema.Version != SchemaVersion || len(schema.Properties) != len(tb.Columns) {
			t.Errorf("schema of %s: %v, version %q, %d properties for %d columns", tb.Name, err, schema.Version, len(schema.Properties), len(tb.Columns))
		}
	}
	if !strings.Contains(files["athena.sql"], "LOCATION 's3://lake/retell/parquet/calls/'") || !strings.Contains(files["athena.sql"], "PARTITIONED BY (`date` DATE)") {
		t.Errorf("athena.sql does not point at the lake's partitioned tables:\n%s", files["athena.sql"][:400])
	}
}

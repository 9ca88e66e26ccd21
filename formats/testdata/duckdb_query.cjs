// Runs named SQL queries in an in-memory DuckDB and prints {name: rows} as
// JSON. Usage: node duckdb_query.cjs <node_modules dir> <queries.json>
// where queries.json is [{"name": ..., "sql": ...}, ...]. Used by
// TestDuckDBReadsOutputs (formats/parquet_duckdb_test.go).
const path = require('path');
const fs = require('fs');
const { DuckDBInstance } = require(path.join(process.argv[2], '@duckdb/node-api'));

(async () => {
  const queries = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  const out = {};
  for (const q of queries) {
    const reader = await con.runAndReadAll(q.sql);
    out[q.name] = reader.getRowObjectsJson();
  }
  process.stdout.write(JSON.stringify(out));
})().catch((err) => {
  process.stderr.write(String(err && err.stack || err) + '\n');
  process.exit(1);
});

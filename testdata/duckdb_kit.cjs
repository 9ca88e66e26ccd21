// Loads a dataset's loader kit in an in-memory DuckDB, from the dataset's
// root as its docs say, then runs named queries and prints {name: rows} as
// JSON. Usage: node duckdb_kit.cjs <node_modules> <dataset dir> <queries.json>
// Used by TestKitMetricsEqualSummary (metrics_test.go).
const path = require('path');
const fs = require('fs');
const { DuckDBInstance } = require(path.join(process.argv[2], '@duckdb/node-api'));

(async () => {
  process.chdir(process.argv[3]);
  const kit = fs.readFileSync(path.join('kit', 'duckdb.sql'), 'utf8');
  const queries = JSON.parse(fs.readFileSync(process.argv[4], 'utf8'));
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  // The kit is statements ending at line ends; comments are whole lines.
  for (const stmt of kit.split(/;\n/)) {
    const sql = stmt.split('\n').filter((l) => !l.startsWith('--')).join('\n').trim();
    if (sql) await con.run(sql);
  }
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

// Reads Parquet files with parquet-wasm (arrow-rs compiled to WebAssembly,
// independent of parquet-go), decodes the Arrow result with apache-arrow,
// and prints {path: {metadata, fields, rows}} as JSON for
// TestParquetWasmRows (formats/parquet_node_test.go) to compare with what
// was written. Values are exact in JSON: INT64 as a decimal string, a
// timestamp as its epoch milliseconds in a string, a decimal as its
// unscaled integer in a string, DOUBLE as a number.
// Usage: node parquet_wasm_rows.cjs <node_modules dir> <paths.json>
const fs = require('node:fs')
const path = require('node:path')
const { createRequire } = require('node:module')

const [modules, list] = process.argv.slice(2)
// Resolve as a script inside that node_modules would, honouring "exports".
const req = createRequire(path.join(modules, 'noop.js'))
const pw = req('parquet-wasm')
const arrow = req('apache-arrow')

// typeName names an Arrow type the way the Go test expects it.
function typeName(t) {
  switch (t.typeId) {
    case arrow.Type.Int: return `${t.isSigned ? 'int' : 'uint'}${t.bitWidth}`
    case arrow.Type.Float: return ['half', 'float', 'double'][t.precision]
    case arrow.Type.Utf8: return 'utf8'
    case arrow.Type.Bool: return 'bool'
    case arrow.Type.Timestamp: return `timestamp[${arrow.TimeUnit[t.unit]}, ${t.timezone}]`
    case arrow.Type.Decimal: return `decimal${t.bitWidth}(${t.precision},${t.scale})`
  }
  return String(t)
}

// unscaled reads value j of a chunk of a decimal column from its buffer:
// bitWidth/32 little-endian 32-bit words, two's complement.
function unscaled(data, j) {
  const words = data.type.bitWidth / 32
  let v = 0n
  for (let w = words - 1; w >= 0; w--) v = (v << 32n) | BigInt(data.values[(data.offset + j) * words + w])
  return BigInt.asIntN(data.type.bitWidth, v).toString()
}

// utf8 keeps a leading U+FEFF, which apache-arrow's own decoding drops
// (TextDecoder's default), and fails on invalid UTF-8.
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true, fatal: true })

// text reads value j of a chunk of a string column from its buffers.
function text(data, j) {
  const at = data.offset + j
  return utf8.decode(data.values.subarray(data.valueOffsets[at], data.valueOffsets[at + 1]))
}

// cells returns the values of one column, chunk after chunk.
function cells(vector) {
  const out = []
  for (const data of vector.data) {
    const chunk = arrow.makeVector(data)
    for (let j = 0; j < data.length; j++) {
      if (!chunk.isValid(j)) {
        out.push(null)
        continue
      }
      const v = chunk.get(j)
      switch (data.type.typeId) {
        case arrow.Type.Decimal: out.push(unscaled(data, j)); break
        case arrow.Type.Utf8: out.push(text(data, j)); break
        case arrow.Type.Timestamp: out.push(BigInt(v).toString()); break
        case arrow.Type.Int: out.push(v.toString()); break
        default: out.push(v)
      }
    }
  }
  return out
}

function read(file) {
  const table = arrow.tableFromIPC(pw.readParquet(fs.readFileSync(file)).intoIPCStream())
  const fields = table.schema.fields.map((f) => ({ name: f.name, type: typeName(f.type), nullable: f.nullable }))
  const columns = table.schema.fields.map((f) => cells(table.getChild(f.name)))
  const rows = []
  for (let i = 0; i < table.numRows; i++) rows.push(columns.map((c) => c[i]))
  return { metadata: Object.fromEntries(table.schema.metadata), fields, rows }
}

try {
  const out = {}
  for (const p of JSON.parse(fs.readFileSync(list, 'utf8'))) out[p] = read(p)
  process.stdout.write(JSON.stringify(out))
} catch (err) {
  process.stderr.write(String((err && err.stack) || err) + '\n')
  process.exit(1)
}

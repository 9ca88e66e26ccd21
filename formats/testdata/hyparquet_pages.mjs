// Reads the footer and every page header of Parquet files with hyparquet
// (pure JavaScript, independent of parquet-go) and prints what it found as
// JSON, {path: {...}}; TestHyparquetPages (formats/parquet_node_test.go)
// judges it. Usage: node hyparquet_pages.mjs <node_modules dir> <paths.json>
import fs from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'

const [modules, list] = process.argv.slice(2)
const req = createRequire(path.join(modules, 'noop.js'))
const load = (name) => import(pathToFileURL(req.resolve(name)).href)

// Thrift i64 fields come as BigInt; JSON wants numbers.
const num = (v) => (v === undefined ? undefined : Number(v))

// pages walks a column chunk from its first page, header after header,
// until the chunk's total_compressed_size is used up.
function pages(parquetHeader, view, md) {
  const start = num(md.dictionary_page_offset ?? md.data_page_offset)
  const end = start + num(md.total_compressed_size)
  const reader = { view, offset: start }
  const out = []
  while (reader.offset < end) {
    const h = parquetHeader(reader)
    const d = h.data_page_header ?? h.data_page_header_v2 ?? h.dictionary_page_header
    out.push({
      type: h.type,
      encoding: d?.encoding,
      definition_level_encoding: h.data_page_header?.definition_level_encoding,
      repetition_level_encoding: h.data_page_header?.repetition_level_encoding,
      num_values: d?.num_values,
    })
    reader.offset += h.compressed_page_size
  }
  return { pages: out, ends_exactly: reader.offset === end }
}

function describe(meta, parquetHeader, view) {
  return {
    created_by: meta.created_by,
    num_rows: num(meta.num_rows),
    key_value_metadata: Object.fromEntries((meta.key_value_metadata ?? []).map((kv) => [kv.key, kv.value])),
    schema: meta.schema.slice(1).map((e) => ({
      name: e.name,
      type: e.type,
      repetition_type: e.repetition_type,
      converted_type: e.converted_type,
      logical_type: e.logical_type && {
        ...e.logical_type,
        bitWidth: num(e.logical_type.bitWidth),
      },
    })),
    row_groups: meta.row_groups.map((rg) => ({
      num_rows: num(rg.num_rows),
      columns: rg.columns.map((c) => ({
        path: c.meta_data.path_in_schema.join('.'),
        type: c.meta_data.type,
        codec: c.meta_data.codec,
        encodings: c.meta_data.encodings,
        encoding_stats: c.meta_data.encoding_stats,
        num_values: num(c.meta_data.num_values),
        ...pages(parquetHeader, view, c.meta_data),
      })),
    })),
  }
}

;(async () => {
  const { parquetMetadata } = await load('hyparquet')
  const { parquetHeader } = await load('hyparquet/src/column.js')
  const out = {}
  for (const p of JSON.parse(fs.readFileSync(list, 'utf8'))) {
    const buf = fs.readFileSync(p)
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
    out[p] = describe(parquetMetadata(buf), parquetHeader, view)
  }
  process.stdout.write(JSON.stringify(out))
})().catch((err) => {
  process.stderr.write(String((err && err.stack) || err) + '\n')
  process.exit(1)
})

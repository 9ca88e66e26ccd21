package formats

import (
	"encoding/json"
	"fmt"

	"github.com/parquet-go/parquet-go"
)

// writerOptions are the parquet-go options of every file of a table whose
// files hold up to fileRows rows.
func writerOptions(table string, fileRows int64, opts ParquetOptions) ([]parquet.WriterOption, error) {
	tb, ok := tableDef(table)
	if !ok {
		return nil, fmt.Errorf("no table %q", table)
	}
	columns, err := columnsMetadata(tb)
	if err != nil {
		return nil, fmt.Errorf("column metadata: %w", err)
	}
	options := append(skipBounds(tb), pageOptions()...)
	return append(options,
		parquet.Compression(opts.zstd), // one pool of encoders per writer
		parquet.MaxRowsPerRowGroup(min(rowGroupRows(table), fileRows)),
		// 64 KiB pages instead of 256: each open file keeps a page buffer per
		// column, and measured peak RSS for 20k calls fell from 102 to 86 MB.
		parquet.PageBufferSize(64<<10),
		// A dictionary past 96 KiB (call_id in tables with a row or two per
		// call: 50k distinct ids, 1.8 MB) goes on in PLAIN for the rest of the
		// row group. Such dictionaries save nothing, they are held until the
		// row group ends, and a page over 128 KiB makes zstd allocate a 16 MB
		// history per pooled encoder. Measured peak RSS at 80k-320k calls fell
		// from 126-160 MB to 96-136 MB, and the files got slightly smaller.
		parquet.DictionaryMaxBytes(96<<10),
		parquet.CreatedBy("retell-export", opts.ToolVersion, ""),
		parquet.KeyValueMetadata("retell_export.tool_version", opts.ToolVersion),
		parquet.KeyValueMetadata("retell_export.schema_version", SchemaVersion),
		parquet.KeyValueMetadata("retell_export.table", table),
		parquet.KeyValueMetadata(columnsKey, columns),
	), nil
}

// pageOptions make the pages the ones Spark and pyarrow write, which every
// engine reads: DATA_PAGE (V1) pages, PLAIN values, and RLE_DICTIONARY for
// the columns tagged ",dict" (the tag wins over a default encoding; PLAIN
// again past DictionaryMaxBytes), with RLE levels as V1 pages have.
// parquet-go's defaults are DATA_PAGE_V2 pages and DELTA_LENGTH_BYTE_ARRAY
// strings: Spark's vectorized reader failed on that encoding until 3.4
// (SPARK-40128), Iceberg's and Velox's vectorized readers read it only
// since 2026, and the Parquet project calls V2 pages "not widely adopted".
func pageOptions() []parquet.WriterOption {
	return []parquet.WriterOption{
		parquet.DataPageVersion(1),
		parquet.DefaultEncoding(&parquet.Plain),
	}
}

// tableDef is the definition of the named table.
func tableDef(name string) (Table, bool) {
	for _, t := range Tables(true) {
		if t.Name == name {
			return t, true
		}
	}
	return Table{}, false
}

// skipBounds lists the free-text columns of a table (plain strings): their
// per-page min/max in the column index cannot prune anything, yet they are
// kept in memory until the footer is written, for every page of the file.
func skipBounds(tb Table) []parquet.WriterOption {
	var opts []parquet.WriterOption
	for _, c := range tb.Columns {
		if c.Type == "string" && !c.Dict {
			opts = append(opts, parquet.SkipPageBounds(c.Name))
		}
	}
	return opts
}

// columnsKey is the key-value metadata key holding columnsMetadata.
const columnsKey = "retell_export.columns"

// columnDoc is one column in columnsKey: what docs/columns.md says of it,
// for readers that only have the file.
type columnDoc struct {
	Name        string `json:"name"`
	Type        string `json:"type"`
	Unit        string `json:"unit,omitempty"`
	Description string `json:"description"`
}

// columnsMetadata is the JSON array of the table's columns, in column
// order, taken from the same tags as the schema and docs/columns.md.
func columnsMetadata(tb Table) (string, error) {
	docs := make([]columnDoc, len(tb.Columns))
	for i, c := range tb.Columns {
		docs[i] = columnDoc{Name: c.Name, Type: c.Type, Unit: c.Unit, Description: c.Doc}
	}
	b, err := json.Marshal(docs)
	return string(b), err
}

package formats

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"

	"github.com/retell-export/retell-export/export"
)

// pageDataset is a Parquet output the page checks read, with the calls it
// was written from.
type pageDataset struct {
	name  string
	dir   string
	calls []*export.Call
}

// pageDatasets writes the outputs the page checks read: the fixtures and
// samples with words (every table and kind of value), and 10,000 synthetic
// calls, whose 20,000 events hold 10,000 distinct call_ids (360 KB): past
// the 96 KiB dictionary cap, so the fallback to PLAIN is written too. Their
// 500,000 utterances make five row groups.
func pageDatasets(t *testing.T) []pageDataset {
	t.Helper()
	bodies := fixtureBodies(t)
	if names, _ := filepath.Glob(filepath.Join("..", "samples", "calls", "*.json")); len(names) > 0 {
		bodies = append(bodies, sampleBodies(t)...)
	}
	small := pageDataset{name: "fixtures", dir: t.TempDir(), calls: decodeAll(t, bodies)}
	writeParquet(t, small.dir, small.calls, ParquetOptions{Words: true, ToolVersion: "test"})

	big := pageDataset{name: "synthetic", dir: t.TempDir()}
	w, err := NewParquet(big.dir, ParquetOptions{ToolVersion: "test"})
	if err != nil {
		t.Fatal(err)
	}
	synthCalls(t, 10_000, func(c *export.Call) error {
		big.calls = append(big.calls, c)
		return w.Write(c)
	})
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return []pageDataset{small, big}
}

// tableFiles lists the part files of a table in a dataset, sorted.
func tableFiles(t *testing.T, dir, table string) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "parquet", table, "part-*.parquet"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("%s: no part files in %s (%v)", table, dir, err)
	}
	slices.Sort(paths)
	return paths
}

// allowedData is the encodings a data page of the column may use: PLAIN,
// and RLE_DICTIONARY (PLAIN_DICTIONARY in old writers) if it is tagged dict.
func allowedData(c Column) []format.Encoding {
	if c.Dict {
		return []format.Encoding{format.Plain, format.RLEDictionary, format.PlainDictionary}
	}
	return []format.Encoding{format.Plain}
}

// parquetTypeOf is the physical type and the logical type (as
// hyparquet_pages.mjs spells them) a column must have.
func parquetTypeOf(c Column) (physical, logical string) {
	switch {
	case c.Type == "string":
		return "BYTE_ARRAY", "STRING"
	case c.Type == "int64":
		return "INT64", "INTEGER(64, signed=true)"
	case c.Type == "double":
		return "DOUBLE", ""
	case c.Type == "boolean":
		return "BOOLEAN", ""
	case c.Type == "timestamp":
		return "INT64", "TIMESTAMP(MILLIS, UTC)"
	case strings.HasPrefix(c.Type, "decimal("):
		return "INT64", strings.ToUpper(c.Type)
	}
	panic("no Parquet type for " + c.Type)
}

// encodingNames are the spec's names of allowedData(c), as hyparquet and
// DuckDB print them.
func encodingNames(c Column) []string {
	var names []string
	for _, e := range allowedData(c) {
		names = append(names, e.String())
	}
	return names
}

// TestParquetPagesV1 reads back with parquet-go every page header of every
// column chunk, and the column chunk metadata of the footer, and checks
// that the pages are the ones Spark and pyarrow write: DATA_PAGE (V1), a
// dictionary page only in columns tagged dict, PLAIN values otherwise,
// RLE levels, ZSTD, and that the footer's encodings and page encoding
// stats say what the pages are.
func TestParquetPagesV1(t *testing.T) {
	var fellBack, dictPages int
	for _, ds := range pageDatasets(t) {
		for _, tb := range Tables(true) {
			if ds.name == "synthetic" && tb.Name == TableWords {
				continue
			}
			for _, path := range tableFiles(t, ds.dir, tb.Name) {
				fb, dp := checkFilePages(t, path, tb)
				fellBack += fb
				dictPages += dp
			}
		}
	}
	if dictPages == 0 {
		t.Error("no dictionary page in any file: the dict tags were not honoured")
	}
	if fellBack == 0 {
		t.Error("no column chunk went on in PLAIN after its dictionary: the fallback went unchecked")
	}
}

// checkFilePages checks one file and returns the column chunks that mix
// dictionary and PLAIN data pages, and the dictionary pages seen.
func checkFilePages(t *testing.T, path string, tb Table) (fellBack, dictPages int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	md := pf.Metadata()
	if len(pf.RowGroups()) != len(md.RowGroups) {
		t.Fatalf("%s: %d row groups, %d in the footer", path, len(pf.RowGroups()), len(md.RowGroups))
	}
	for g, rg := range pf.RowGroups() {
		chunks := rg.ColumnChunks()
		if len(chunks) != len(tb.Columns) {
			t.Fatalf("%s: row group %d has %d column chunks, want %d", path, g, len(chunks), len(tb.Columns))
		}
		for i, cc := range chunks {
			fc, ok := cc.(*parquet.FileColumnChunk)
			if !ok {
				t.Fatalf("%s: column chunk %T", path, cc)
			}
			meta := md.RowGroups[g].Columns[fc.Column()].MetaData
			where := filepath.Base(filepath.Dir(path)) + "/" + filepath.Base(path) + " row group " + strconv.Itoa(g) + " " + tb.Columns[i].Name
			pages := readPageHeaders(t, f, meta, where)
			fb, dp := checkChunk(t, where, tb.Columns[i], meta, pages)
			fellBack += fb
			dictPages += dp
		}
	}
	return fellBack, dictPages
}

// readPageHeaders decodes the page headers of a column chunk, one after the
// other from its first page, and checks that they fill the chunk exactly.
func readPageHeaders(t *testing.T, r io.ReaderAt, meta format.ColumnMetaData, where string) []format.PageHeader {
	t.Helper()
	start := meta.DataPageOffset
	if meta.DictionaryPageOffset > 0 {
		start = min(start, meta.DictionaryPageOffset)
	}
	buf := make([]byte, meta.TotalCompressedSize)
	if _, err := r.ReadAt(buf, start); err != nil {
		t.Fatalf("%s: reading the chunk: %v", where, err)
	}
	br := bytes.NewReader(buf)
	dec := thrift.NewDecoder(new(thrift.CompactProtocol).NewReader(br))
	var pages []format.PageHeader
	for br.Len() > 0 {
		var h format.PageHeader
		if err := dec.Decode(&h); err != nil {
			t.Fatalf("%s: page header %d: %v", where, len(pages), err)
		}
		pos, err := br.Seek(int64(h.CompressedPageSize), io.SeekCurrent)
		if err != nil || h.CompressedPageSize < 0 || pos > int64(len(buf)) {
			t.Fatalf("%s: page %d of %d bytes overruns the chunk", where, len(pages), h.CompressedPageSize)
		}
		pages = append(pages, h)
	}
	return pages
}

// checkChunk checks the pages of one column chunk against its column's
// definition and its footer metadata.
func checkChunk(t *testing.T, where string, c Column, meta format.ColumnMetaData, pages []format.PageHeader) (fellBack, dictPages int) {
	t.Helper()
	if meta.Codec != format.Zstd {
		t.Errorf("%s: codec %v, want ZSTD", where, meta.Codec)
	}
	if c.Dict && (len(pages) == 0 || pages[0].Type != format.DictionaryPage) {
		t.Errorf("%s: tagged dict but the chunk starts with no dictionary page", where)
	}
	stats := map[format.PageEncodingStats]int32{}
	used := map[format.Encoding]bool{}
	var values int64
	dataEnc := map[format.Encoding]bool{}
	for i, h := range pages {
		switch h.Type {
		case format.DictionaryPage:
			if !c.Dict || i != 0 || !h.DictionaryPageHeader.Valid {
				t.Errorf("%s: dictionary page at %d (dict=%v)", where, i, c.Dict)
				continue
			}
			enc := h.DictionaryPageHeader.V.Encoding
			if enc != format.Plain && enc != format.PlainDictionary {
				t.Errorf("%s: dictionary page in %v, want PLAIN", where, enc)
			}
			used[enc] = true
			dictPages++
			stats[format.PageEncodingStats{PageType: h.Type, Encoding: enc}]++
		case format.DataPage:
			if !h.DataPageHeader.Valid {
				t.Errorf("%s: page %d is DATA_PAGE without its header", where, i)
				continue
			}
			v := h.DataPageHeader.V
			if !slices.Contains(allowedData(c), v.Encoding) {
				t.Errorf("%s: data page %d in %v, want one of %v", where, i, v.Encoding, allowedData(c))
			}
			if v.DefinitionLevelEncoding != format.RLE || v.RepetitionLevelEncoding != format.RLE {
				t.Errorf("%s: data page %d levels in %v/%v, want RLE", where, i, v.DefinitionLevelEncoding, v.RepetitionLevelEncoding)
			}
			used[v.Encoding] = true
			dataEnc[v.Encoding] = true
			values += int64(v.NumValues)
			stats[format.PageEncodingStats{PageType: h.Type, Encoding: v.Encoding}]++
		default:
			t.Errorf("%s: page %d is %v, want DATA_PAGE (V1) or DICTIONARY_PAGE", where, i, h.Type)
		}
	}
	if values != meta.NumValues {
		t.Errorf("%s: data pages hold %d values, the footer says %d", where, values, meta.NumValues)
	}
	if c.Nullable {
		used[format.RLE] = true // the definition levels
	}
	var listed []format.Encoding
	for e := range used {
		listed = append(listed, e)
	}
	got := slices.Clone(meta.Encoding)
	slices.Sort(got)
	slices.Sort(listed)
	if !slices.Equal(got, listed) {
		t.Errorf("%s: footer lists encodings %v, the pages use %v", where, got, listed)
	}
	footer := map[format.PageEncodingStats]int32{}
	for _, s := range meta.EncodingStats {
		footer[format.PageEncodingStats{PageType: s.PageType, Encoding: s.Encoding}] += s.Count
	}
	if len(footer) != len(stats) {
		t.Errorf("%s: footer page encoding stats %v, pages %v", where, meta.EncodingStats, stats)
	}
	for k, n := range stats {
		if footer[k] != n {
			t.Errorf("%s: footer counts %d %v pages in %v, the chunk has %d", where, footer[k], k.PageType, k.Encoding, n)
		}
	}
	if dataEnc[format.Plain] && (dataEnc[format.RLEDictionary] || dataEnc[format.PlainDictionary]) {
		fellBack++
	}
	return fellBack, dictPages
}

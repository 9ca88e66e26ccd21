package formats

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/parquet-go/parquet-go"

	"github.com/retell-export/retell-export/export/store"
)

// pqSink is the files of one table in one partition directory, whatever
// its row type: one open part file at a time, rolled over at a row limit.
type pqSink interface {
	// buffered estimates the bytes of the current row group held in memory.
	buffered() int64
	flush() error // ends the current row group
	seal() error  // finishes the open file if any; pqParts publishes it at Close
	abort() error // discards the open file
}

// pqParts is what the sinks of one writer share: the next part number of
// each directory, so that a file opened after a rollover or after an
// evicted partition comes back never reuses a name, and the finished
// files. A finished file is sealed (footer written, synced, closed: it
// holds no memory) under its temporary name; publish renames them all at
// Close, so a dataset directory never mixes parts of two runs.
type pqParts struct {
	next   map[string]int
	sealed []*store.AtomicFile
	files  []string // published, in path order
}

func (p *pqParts) add(f *store.AtomicFile) { p.sealed = append(p.sealed, f) }

// publish renames every sealed file into place, in path order, then removes
// the part files of an earlier run left in the directories this run wrote
// (a bigger earlier run had more parts): readers glob part-*.parquet, and
// an old part next to new ones would count calls twice. Directories this
// run did not write (other date partitions) are left alone.
func (p *pqParts) publish() error {
	slices.SortFunc(p.sealed, func(a, b *store.AtomicFile) int { return cmp.Compare(a.Name(), b.Name()) })
	mine := map[string]bool{}
	for i, f := range p.sealed {
		if err := f.Commit(); err != nil {
			p.discard(p.sealed[i+1:])
			return err
		}
		p.files = append(p.files, f.Name())
		mine[f.Name()] = true
	}
	var errs []error
	for dir := range p.next {
		old, err := filepath.Glob(filepath.Join(dir, "part-*.parquet"))
		errs = append(errs, err)
		for _, name := range old {
			if !mine[name] {
				errs = append(errs, os.Remove(name))
			}
		}
	}
	return errors.Join(errs...)
}

// discard removes sealed files that will not be published.
func (p *pqParts) discard(fs []*store.AtomicFile) error {
	var errs []error
	for _, f := range fs {
		errs = append(errs, f.Abort())
	}
	return errors.Join(errs...)
}

// partName names the n-th part file of a directory.
func partName(run string, n int) string {
	if run == "" {
		return fmt.Sprintf("part-%d.parquet", n)
	}
	return fmt.Sprintf("part-%s-%d.parquet", run, n)
}

// pqFile writes rows of type T to <dir>/part-N.parquet, each file atomic.
// Once a file holds limit rows it is committed and the next rows go to a
// new part, so that the metadata parquet-go keeps for a file's footer (row
// group and column chunk statistics, per-page column and offset indexes)
// stops growing with the run.
type pqFile[T any] struct {
	name     string
	dir      string
	opts     ParquetOptions
	parts    *pqParts
	limit    int64 // rows per file
	file     *store.AtomicFile
	out      countingWriter
	w        *parquet.GenericWriter[T] // nil between a rollover and the next row
	inFile   int64                     // rows in the open file
	bytes    int64                     // buffered() after the last write
	finished bool
}

// rowGroupRows bounds the rows of a row group per table: calls carry whole
// transcripts, words are tiny. A byte budget (ParquetOptions) bounds them too.
func rowGroupRows(table string) int64 {
	switch table {
	case TableCalls:
		return 10_000
	case TableUtterances, TableEvents:
		return 100_000
	case TableWords, TableLatency: // tiny rows, dozens per call
		return 1_000_000
	}
	// cost items and custom keys: a few rows per call, so a row group spans
	// many calls and its call_id dictionary grows with them
	return 50_000
}

// maxRowsPerFile is the default MaxRowsPerFile of a table. Measured with
// TestReplaySynthetic, a writer's memory grows with the rows of its open
// files by the footer metadata of each row group and page, and levels off
// once every table rolls over. The bounds keep that metadata to a few MB per
// file while the files stay large enough (tens of MB, several row groups)
// for DuckDB or Spark to read in parallel without a small-file overhead.
func maxRowsPerFile(table string) int64 {
	switch table {
	case TableCalls:
		return 100_000
	case TableWords, TableLatency:
		return 5_000_000
	}
	return 1_000_000
}

func newPQFile[T any](table, dir string, parts *pqParts, opts ParquetOptions) (*pqFile[T], error) {
	f := &pqFile[T]{name: table, dir: dir, opts: opts, parts: parts, limit: opts.MaxRowsPerFile}
	if f.limit <= 0 {
		f.limit = maxRowsPerFile(table)
	}
	return f, f.open()
}

// open starts the next part file of the directory.
func (f *pqFile[T]) open() error {
	options, err := writerOptions(f.name, f.limit, f.opts)
	if err != nil {
		return fmt.Errorf("%s: %w", f.name, err)
	}
	n := f.parts.next[f.dir]
	path := filepath.Join(f.dir, partName(f.opts.Run, n))
	af, err := store.CreateAtomic(path)
	if err != nil {
		return err
	}
	f.parts.next[f.dir] = n + 1
	f.file, f.inFile, f.finished = af, 0, false
	// Write to the file itself, not through AtomicFile's 256 KiB bufio
	// buffer, and drop that buffer: parquet-go buffers its output already,
	// and a partitioned run keeps many files open until Close.
	af.Writer = bufio.NewWriterSize(af.File(), 16)
	f.out = countingWriter{w: af.File()}
	f.w = parquet.NewGenericWriter[T](&f.out, options...)
	return nil
}

// maxRowGroupBytes ends a row group early once its estimated size (encoded
// pages, unencoded values and dictionaries) passes it, whatever the rows.
const maxRowGroupBytes = 16 << 20

// write appends rows, splitting them over part files so that none holds
// more than limit rows: a call's child rows may span two files. It returns
// how much buffered() grew (negative when a row group or file ended).
func (f *pqFile[T]) write(rows []T) (grew int64, err error) {
	before := f.bytes
	for len(rows) > 0 {
		if f.w == nil {
			if err := f.open(); err != nil {
				return f.bytes - before, fmt.Errorf("%s: %w", f.name, err)
			}
		}
		n := min(int64(len(rows)), f.limit-f.inFile)
		if err := f.writeFile(rows[:n]); err != nil {
			return f.bytes - before, err
		}
		rows = rows[n:]
		if f.inFile >= f.limit {
			if err := f.roll(); err != nil {
				return f.bytes - before, err
			}
		}
	}
	return f.bytes - before, nil
}

func (f *pqFile[T]) writeFile(rows []T) error {
	if _, err := f.w.Write(rows); err != nil {
		return fmt.Errorf("%s: %w", f.name, err)
	}
	f.inFile += int64(len(rows))
	f.bytes = max(f.w.Size()-f.out.n, 0)
	if f.bytes > maxRowGroupBytes {
		return f.flush()
	}
	return nil
}

// roll seals the full file; the next one opens with the next row, so a
// run ending on the limit leaves no empty trailing part.
func (f *pqFile[T]) roll() error {
	if err := f.seal(); err != nil {
		return err
	}
	f.w = nil
	return nil
}

func (f *pqFile[T]) buffered() int64 { return f.bytes }

func (f *pqFile[T]) flush() error {
	f.bytes = 0
	if f.w == nil {
		return nil
	}
	if err := f.w.Flush(); err != nil {
		return fmt.Errorf("%s: %w", f.name, err)
	}
	return nil
}

func (f *pqFile[T]) finish() error {
	if f.finished {
		return nil
	}
	f.finished, f.bytes = true, 0
	err := f.w.Close()
	f.w = nil // the row group buffers, dictionaries and page indexes go with it
	if err != nil {
		return fmt.Errorf("%s: %w", f.name, err)
	}
	return nil
}

func (f *pqFile[T]) seal() error {
	if f.finished { // nothing open since the last rollover
		return nil
	}
	if err := f.finish(); err != nil {
		f.file.Abort()
		return err
	}
	if err := f.file.Seal(); err != nil {
		return err
	}
	f.parts.add(f.file)
	return nil
}

func (f *pqFile[T]) abort() error {
	f.finished, f.w, f.bytes = true, nil, 0
	return f.file.Abort()
}

// countingWriter counts the bytes that reached the file, so that the bytes
// still buffered in a row group can be estimated.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

package formats

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"

	"github.com/retell-export/retell-export/export"
)

// ParquetOptions configures the Parquet writer.
type ParquetOptions struct {
	// PartitionByDate writes Hive-style partitions by the call's UTC start
	// date: <table>/date=YYYY-MM-DD/part-<run>-0.parquet (the dataset
	// renames published files after their content), and
	// date=__HIVE_DEFAULT_PARTITION__ (which readers take as NULL) for calls
	// without a start (see ParquetWriter for the bounds).
	PartitionByDate bool
	// Run names the files: part-<Run>-N.parquet, unique in the staging
	// directory of a run.
	Run string
	// Words adds the words table (one row per timed word).
	Words bool
	// ToolVersion is stored in each file's key-value metadata and created_by.
	ToolVersion string
	// MemoryBudget bounds the bytes buffered in unfinished row groups across
	// all open files; past it the largest row groups are ended early.
	// 0 means 256 MiB.
	MemoryBudget int64
	// MaxOpenPartitions bounds the partitions being written at once; 0
	// means 8. Past it, the least recently used partition is finished.
	MaxOpenPartitions int
	// MaxRowsPerFile bounds the rows of one file of any table; past it the
	// file is committed and the rows go on in the next part-N.parquet. 0
	// means per-table defaults: 100k calls, 5M words or latency samples,
	// 1M rows of the other tables (see ParquetWriter).
	MaxRowsPerFile int64

	zstd *pqZstd // set by NewParquet: the encoders its files share
}

const (
	defaultParquetBudget = 256 << 20
	// DefaultOpenPartitions is MaxOpenPartitions when it is 0.
	DefaultOpenPartitions = 8
)

// ParquetWriter writes one dataset per table under <outDir>/parquet/:
// <table>/part-<run>-N.parquet, or <table>/date=YYYY-MM-DD/part-<run>-N.parquet
// with PartitionByDate (N from 0; see below for when more parts appear).
// Columns are typed (TIMESTAMP(MILLIS, UTC), INT64, DOUBLE, DECIMAL money,
// BOOLEAN, dictionary-encoded low-cardinality strings) and NULL where
// Retell sent nothing; pages are ZSTD-compressed DATA_PAGE (V1) pages in
// PLAIN or RLE_DICTIONARY, which every engine reads (see pageOptions), and
// the key-value metadata describes every column (retell_export.columns).
// In a dataset, outDir is a staging directory: the dataset publishes the
// files (export.View).
//
// Memory is bounded: each table ends a row group after a fixed number of
// rows (10k calls, 100k utterances or events, 50k cost items or custom
// keys, 1M words or latency samples) or 16 MiB, and all unfinished row groups together stay
// under MemoryBudget. With PartitionByDate, one open writer per table is kept
// for each partition seen, up to MaxOpenPartitions: each costs a few MB of
// buffers whatever its size, so past the bound the least recently used
// partition is finished early (its files are sealed under their temporary
// names; this frees their memory and descriptors); if its date comes back
// its rows go to a new part file. The tool gives the writer calls in call
// order (a rebuild from the archive, a sorted replay) and one open
// partition, so no date comes back. Memory is about MaxOpenPartitions ×
// tables × page buffers plus the row groups.
//
// A file also ends at MaxRowsPerFile rows: parquet-go keeps the metadata of
// every row group and page of an open file (statistics, column and offset
// indexes) until it writes the footer, so one ever-growing file would make
// memory grow with the run. The full file is sealed and the table goes
// on in the next part-N.parquet of the same directory, so a dataset is a
// directory of part files: read it with a glob such as calls/**/*.parquet.
// The defaults (100k calls, 1M utterances, events, cost items or custom
// keys, 5M words or latency samples) keep each file's footer metadata to a few MB and the files
// tens of MB, large enough for DuckDB or Spark. A file may end inside a
// call: the child rows of one call can span two consecutive parts.
//
// Files appear whole or not at all, and a run's files appear together: at
// Close every sealed file is renamed into place and other part files left
// in the directories written are removed. Abort discards every file of
// the run, sealed or open. A table without rows still gets a valid empty
// file, so globs such as calls/**/*.parquet match;
// a partitioned run without any call writes them under
// date=__HIVE_DEFAULT_PARTITION__.
type ParquetWriter struct {
	dir     string
	opts    ParquetOptions
	open    map[string]*pqPartition // partitions being written, by key
	seen    map[string]bool         // every partition key written so far
	parts   *pqParts                // part numbers and committed files
	evicted int                     // partitions committed before Close
	clock   uint64                  // counts writes, for least-recently-used eviction
	total   int64                   // sum of buffered() over every open file
	rows    Rows
	counts  map[string]int64
	early   int // row groups ended early by the memory budget
	done    bool
}

// pqPartition is the set of files of one partition.
type pqPartition struct {
	key     string
	lastUse uint64
	calls   *pqFile[CallRow]
	utts    *pqFile[UtteranceRow]
	events  *pqFile[EventRow]
	costs   *pqFile[CostItemRow]
	custom  *pqFile[CustomAnalysisRow]
	latency *pqFile[LatencyRow]
	words   *pqFile[WordRow]
	sinks   []pqSink
}

// NewParquet prepares a Parquet writer under outDir/parquet. Files are
// created when the first call of a partition arrives.
func NewParquet(outDir string, opts ParquetOptions) (*ParquetWriter, error) {
	if opts.MemoryBudget <= 0 {
		opts.MemoryBudget = defaultParquetBudget
	}
	if opts.MaxOpenPartitions <= 0 {
		opts.MaxOpenPartitions = DefaultOpenPartitions
	}
	opts.zstd = &pqZstd{}
	return &ParquetWriter{
		dir: filepath.Join(outDir, "parquet"), opts: opts,
		open: map[string]*pqPartition{}, seen: map[string]bool{}, counts: map[string]int64{},
		parts: &pqParts{next: map[string]int{}},
	}, nil
}

// partitionKey is the Hive directory of c ("" without partitioning).
func (w *ParquetWriter) partitionKey(c *export.Call) string {
	if !w.opts.PartitionByDate {
		return ""
	}
	return export.PartitionOf(c)
}

func (w *ParquetWriter) partition(key string) (*pqPartition, error) {
	w.clock++
	if p, ok := w.open[key]; ok {
		p.lastUse = w.clock
		return p, nil
	}
	if len(w.open) >= w.opts.MaxOpenPartitions {
		if err := w.evict(); err != nil {
			return nil, err
		}
	}
	p, err := openPartition(w.dir, key, w.parts, w.opts)
	if err != nil {
		return nil, err
	}
	w.seen[key] = true
	p.lastUse = w.clock
	w.open[key] = p
	return p, nil
}

// evict commits the least recently used open partition: its files are
// complete, and committing releases their memory and descriptors.
func (w *ParquetWriter) evict() error {
	var lru *pqPartition
	for _, p := range w.open {
		if lru == nil || p.lastUse < lru.lastUse {
			lru = p
		}
	}
	delete(w.open, lru.key)
	w.evicted++
	var errs []error
	for _, s := range lru.sinks {
		w.total -= s.buffered()
		if err := s.seal(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func openPartition(dir, key string, parts *pqParts, opts ParquetOptions) (_ *pqPartition, err error) {
	p := &pqPartition{key: key}
	defer func() {
		if err != nil {
			for _, s := range p.sinks {
				s.abort()
			}
		}
	}()
	path := func(table string) string { return filepath.Join(dir, table, key) }
	if p.calls, err = addFile[CallRow](p, TableCalls, path, parts, opts); err != nil {
		return nil, err
	}
	if p.utts, err = addFile[UtteranceRow](p, TableUtterances, path, parts, opts); err != nil {
		return nil, err
	}
	if p.events, err = addFile[EventRow](p, TableEvents, path, parts, opts); err != nil {
		return nil, err
	}
	if p.costs, err = addFile[CostItemRow](p, TableCostItems, path, parts, opts); err != nil {
		return nil, err
	}
	if p.custom, err = addFile[CustomAnalysisRow](p, TableCustomAnalysis, path, parts, opts); err != nil {
		return nil, err
	}
	if p.latency, err = addFile[LatencyRow](p, TableLatency, path, parts, opts); err != nil {
		return nil, err
	}
	if opts.Words {
		if p.words, err = addFile[WordRow](p, TableWords, path, parts, opts); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func addFile[T any](p *pqPartition, table string, dir func(string) string, parts *pqParts, opts ParquetOptions) (*pqFile[T], error) {
	f, err := newPQFile[T](table, dir(table), parts, opts)
	if err != nil {
		return nil, err
	}
	p.sinks = append(p.sinks, f)
	return f, nil
}

// Write appends the rows of c to the files of its partition.
func (w *ParquetWriter) Write(c *export.Call) error {
	if w.done {
		return errors.New("parquet: write after close")
	}
	p, err := w.partition(w.partitionKey(c))
	if err != nil {
		return fmt.Errorf("parquet: %w", err)
	}
	w.rows.Build(c, w.opts.Words)
	var grew [7]int64
	var errs [7]error
	grew[0], errs[0] = p.calls.write([]CallRow{w.rows.Call})
	grew[1], errs[1] = p.utts.write(w.rows.Utterances)
	grew[2], errs[2] = p.events.write(w.rows.Events)
	grew[3], errs[3] = p.costs.write(w.rows.CostItems)
	grew[4], errs[4] = p.custom.write(w.rows.CustomAnalysis)
	grew[5], errs[5] = p.latency.write(w.rows.Latency)
	if p.words != nil {
		grew[6], errs[6] = p.words.write(w.rows.Words)
	}
	for _, g := range grew {
		w.total += g
	}
	if err := errors.Join(errs[:]...); err != nil {
		return fmt.Errorf("parquet: call %s: %w", c.CallID, err)
	}
	w.countRows()
	if err := w.enforceBudget(); err != nil {
		return fmt.Errorf("parquet: %w", err)
	}
	return nil
}

func (w *ParquetWriter) countRows() {
	w.counts[TableCalls]++
	w.counts[TableUtterances] += int64(len(w.rows.Utterances))
	w.counts[TableEvents] += int64(len(w.rows.Events))
	w.counts[TableCostItems] += int64(len(w.rows.CostItems))
	w.counts[TableCustomAnalysis] += int64(len(w.rows.CustomAnalysis))
	w.counts[TableLatency] += int64(len(w.rows.Latency))
	if w.opts.Words {
		w.counts[TableWords] += int64(len(w.rows.Words))
	}
}

// enforceBudget ends the largest unfinished row groups until the buffered
// total is back under half the budget, so that it is not hit again at once.
func (w *ParquetWriter) enforceBudget() error {
	if w.total <= w.opts.MemoryBudget {
		return nil
	}
	var sinks []pqSink
	for _, p := range w.open {
		sinks = append(sinks, p.sinks...)
	}
	slices.SortFunc(sinks, func(a, b pqSink) int { return cmp.Compare(b.buffered(), a.buffered()) })
	for _, s := range sinks {
		if w.total <= w.opts.MemoryBudget/2 {
			break
		}
		w.total -= s.buffered()
		w.early++
		if err := s.flush(); err != nil {
			return err
		}
	}
	return nil
}

// Close writes the footers and renames every file into place, in sorted
// path order. If one fails, the files not yet committed are discarded.
func (w *ParquetWriter) Close() error {
	if w.done {
		return nil
	}
	if len(w.seen) == 0 { // still write valid empty files so globs match
		key := ""
		if w.opts.PartitionByDate {
			key = export.PartitionDir("")
		}
		if _, err := w.partition(key); err != nil {
			w.done = true
			return fmt.Errorf("parquet: %w", err)
		}
	}
	w.done = true
	var errs []error
	for _, s := range w.allSinks() {
		if len(errs) > 0 {
			s.abort()
			continue
		}
		if err := s.seal(); err != nil {
			errs = append(errs, fmt.Errorf("parquet: %w", err))
		}
	}
	if len(errs) > 0 {
		errs = append(errs, w.parts.discard(w.parts.sealed))
		return errors.Join(errs...)
	}
	if err := w.parts.publish(); err != nil {
		return fmt.Errorf("parquet: %w", err)
	}
	return nil
}

func (w *ParquetWriter) allSinks() []pqSink {
	var sinks []pqSink
	for _, p := range w.open {
		sinks = append(sinks, p.sinks...)
	}
	return sinks
}

// Abort discards every file of the run, open or sealed by a rollover or
// an eviction: the files of an earlier run stay as they were, whole and
// consistent.
func (w *ParquetWriter) Abort() error {
	w.done = true
	var errs []error
	for _, s := range w.allSinks() {
		errs = append(errs, s.abort())
	}
	errs = append(errs, w.parts.discard(w.parts.sealed))
	return errors.Join(errs...)
}

// Report returns the files written, the rows per table, the number of
// partitions and the row groups ended early by the memory budget.
func (w *ParquetWriter) Report() ParquetReport {
	rows := maps.Clone(w.counts)
	for _, t := range Tables(w.opts.Words) {
		rows[t.Name] += 0 // list empty tables too
	}
	return ParquetReport{Dir: w.dir, Files: slices.Clone(w.parts.files), Rows: rows,
		Partitions: len(w.seen), PartitionsEvicted: w.evicted, RowGroupsEndedEarly: w.early}
}

// ParquetReport is what a ParquetWriter wrote, for run.json.
type ParquetReport struct {
	Dir                 string           `json:"dir"`
	Files               []string         `json:"files"`
	Rows                map[string]int64 `json:"rows"` // per table
	Partitions          int              `json:"partitions"`
	PartitionsEvicted   int              `json:"partitions_evicted"`
	RowGroupsEndedEarly int              `json:"row_groups_ended_early"`
}

// Output is the Parquet tables' part of run.json.
func (w *ParquetWriter) Output() (string, any) { return "parquet", w.Report() }

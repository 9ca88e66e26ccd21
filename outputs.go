package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/retell-export/retell-export/analyze"
	"github.com/retell-export/retell-export/export"
	"github.com/retell-export/retell-export/export/dataset"
	"github.com/retell-export/retell-export/export/store"
	"github.com/retell-export/retell-export/formats"
)

// buildWriters opens the writers --format asks for, and the analytics that
// every run has. The analytics come first: the pipeline closes writers in
// order, and the workbook draws its Summary sheet at Close from the
// analytics' Summary, so every output shows the same figures. On error it
// aborts those already open.
func buildWriters(c *config, staged, run string) (ws []export.Writer, stats *analyze.Stats, err error) {
	names := c.formatList()
	has := func(name string) bool { return slices.Contains(names, name) }
	add := func(w export.Writer, err error) error {
		if err == nil {
			ws = append(ws, w)
		}
		return err
	}
	if c.writesFiles() {
		err = errors.Join(err, c.ensureOut())
	}
	opts := analyze.Options{By: c.byList, Location: c.loc}
	if c.writesFiles() {
		opts.JSONPath = filepath.Join(c.reports, "summary.json")
	}
	stats = analyze.New(opts)
	ws = append(ws, stats)
	if err == nil && has("csv") {
		err = add(newCSV(c))
	}
	if err == nil && has("parquet") && staged != "" {
		// A replay comes in call order (replay.Index, archive.ReadSorted),
		// so each partition is written once.
		err = add(formats.NewParquet(staged, parquetOptions(c, run)))
	}
	if err == nil && has("xlsx") {
		err = add(newXLSX(c, stats))
	}
	if err == nil && (has("srt") || has("vtt")) {
		err = add(newCaptions(c, has("srt"), has("vtt")))
	}
	if err != nil {
		return nil, nil, errors.Join(err, export.AbortAll(ws))
	}
	return ws, stats, nil
}

func (c *config) ensureOut() error {
	if err := os.MkdirAll(c.reports, 0o755); err != nil {
		return fmt.Errorf("--report-dir: %w", err)
	}
	return nil
}

func newCSV(c *config) (export.Writer, error) {
	return formats.NewCSV(c.reports, formats.CSVOptions{BOM: c.csvBOM, RawText: c.csvRaw, Words: c.words})
}

func newXLSX(c *config, stats *analyze.Stats) (export.Writer, error) {
	return formats.NewXLSX(filepath.Join(c.reports, "report.xlsx"), formats.XLSXOptions{
		Summary: stats.Summary, Location: c.loc, ToolVersion: c.version})
}

func newCaptions(c *config, srt, vtt bool) (export.Writer, error) {
	return formats.NewCaptions(c.reports, formats.CaptionOptions{SRT: srt, VTT: vtt, MaxLineChars: c.captionChars, NoSpeakerLabels: c.noSpeakers})
}

// parquetOptions are the Parquet writer's options. Its calls always come
// in call order (a rebuild from the archive, a sorted replay), so a
// partition, once left, is not written again: keeping one open is enough,
// and holds the least memory.
func parquetOptions(c *config, run string) formats.ParquetOptions {
	return formats.ParquetOptions{PartitionByDate: c.partition == "date", Words: c.words, ToolVersion: c.version, Run: run, MaxOpenPartitions: 1}
}

// parquetView is the Parquet tables as a view of the dataset's archive.
func parquetView(c *config, run string) *dataset.View {
	opts := parquetOptions(c, run)
	layout := fmt.Sprintf("partition=%s words=%t schema=%s", c.partition, c.words, formats.SchemaVersion)
	return &dataset.View{
		Name: dataset.ParquetView, Layout: layout, Partitioned: opts.PartitionByDate,
		New: func(dir string) (export.Writer, error) { return formats.NewParquet(dir, opts) },
	}
}

// writeKit writes the loader kit of the Parquet tables into the dataset:
// the files change only when the tool's version or the layout does.
func writeKit(ctx context.Context, c *config, ds *dataset.Dataset) error {
	base := "."
	if store.IsURL(c.out) {
		base = strings.TrimSuffix(c.out, "/")
	}
	opts := formats.KitOptions{Base: base, Words: c.words, Partitioned: c.partition == "date"}
	files := map[string][]byte{}
	for _, f := range append(formats.Kit(opts), formats.KitSchemas(c.words)...) {
		files[path.Join(dataset.KitDir, f.Name)] = f.Data
	}
	return ds.WriteFiles(ctx, dataset.KitDir, files)
}

// printSummary writes the summary on stdout, as a table or as JSON.
func printSummary(c *config, stats *analyze.Stats, stdout io.Writer) error {
	s := stats.Summary()
	if s == nil {
		return nil
	}
	if c.jsonOut {
		return analyze.WriteJSON(stdout, s)
	}
	return analyze.WriteText(stdout, s)
}

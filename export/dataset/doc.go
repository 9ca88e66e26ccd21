// Package dataset is an output directory or bucket prefix opened by a
// run: its lock, the clean-up after a killed run, the archive and its
// index, the state of incremental runs (high-water mark, pending calls,
// the listing window), the staging and journalled publish of the Parquet
// view (rebuilt from the archive in call order, each file named after its
// content, each table listed by a manifest), and where a run's reports go.
package dataset

// Package formats holds one export.Writer per output format: CSV and Parquet
// tables for spreadsheets and data lakes (csv.go, parquet.go), Excel
// workbooks and SRT/WebVTT captions.
//
// The tabular formats share one definition of their tables: the row types in
// tables_rows.go (CallRow, UtteranceRow, EventRow, CostItemRow,
// CustomAnalysisRow, WordRow). Their struct tags name the columns (the
// parquet tag), their units and their documentation, so CSV headers, the
// Parquet schema and the column reference (docs/columns.md) cannot drift apart.
// Rows.Build (tables_build.go) fills the rows of every table for one call,
// for any writer that wants the same rows.
package formats

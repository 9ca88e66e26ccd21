// Package export is the hub of retell-export: it owns the domain types (a
// Retell call and its parts), the Writer interface that every output format
// implements, the Retell API client with its pacing and retry policy, the id
// sources, the raw archive and the pipeline that feeds fetched or replayed
// calls to writers from a single goroutine.
//
// Adapter packages (formats, analyze) import export and never each other.
package export

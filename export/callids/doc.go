// Package callids reads the ids a user asks for: arguments, files and
// stdin, one per line or as a column of a spreadsheet table (CSV,
// semicolon or tab separated, UTF-8 or UTF-16, a failed.csv fed back in),
// validated, deduplicated and kept in input order.
package callids

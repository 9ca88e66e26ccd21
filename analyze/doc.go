// Package analyze computes streaming statistics over exported calls: volume,
// outcomes, post-call analysis, cost, latency, conversation (from word timings),
// tool use and custom analysis values, overall and grouped by agent, day, call
// type and direction.
//
// Stats is an export.Writer: Write folds one call into fixed-size counters
// and Close turns them into a Summary, which WriteText renders as a table
// and WriteJSON as summary.json. Nothing of a call is kept after Write
// returns, so memory depends on the number of groups, not of calls:
//
//   - counts and sums are exact;
//   - percentiles are exact, equal to DuckDB's quantile_cont over the same
//     values: each keeps its distinct values with their counts, and past
//     QuantileMemory values in all the largest spill to a temporary file
//     as sorted runs, merged at Close (see quantile.go and spill.go);
//   - open-ended names (disconnection reasons, statuses, tools, flow nodes,
//     products, custom analysis keys and values) are tracked up to a fixed
//     number per group, the rest counted under "(other)".
//
// The number of groups is bounded by the data: one per agent, one per
// calendar day in the chosen time zone, one per call type and one per
// direction (plus the overall group).
package analyze

package analyze

import "github.com/retell-export/retell-export/export"

// A Metric is one figure of the summary, defined once. The summary
// computes it in this package's Go code; SQL says how to compute the same
// figure from the lake's tables, and the loader kit (formats/kit.go) turns
// every metric into views, docs/metrics.md lists them, and a test runs
// those views in DuckDB and holds their answers equal to summary.json's,
// overall and in every grouping.
//
// SQL is an aggregate expression over the rows of the table Rows names
// (calls, utterances, events, cost_items, custom_analysis, latency), with
// the call's grouping columns beside them (agent_id, call_type,
// direction, start_time: the view call_keys, joined on call_id for the
// child tables). A distribution has Key, the SQL expression that names each
// of its items; a single figure has none.
type Metric struct {
	Name string
	Doc  string
	Unit string
	Rows string
	SQL  string
	Key  string
	// Digits is how many decimals the summary rounds the figure to; -1
	// for a count.
	Digits int
	// Of reads the figure from a summary group: one value under "" for a
	// single figure, one per item for a distribution. A figure the group
	// has no value for (a rate over nothing) is absent.
	Of func(g *Group) map[string]float64
}

// one is the value of a single figure.
func one(v float64) map[string]float64 { return map[string]float64{"": v} }

// maybe is a single figure that may be missing.
func maybe(v *float64) map[string]float64 {
	if v == nil {
		return map[string]float64{}
	}
	return one(*v)
}

// counts is a distribution's counts.
func counts(cs []Count) map[string]float64 {
	m := map[string]float64{}
	for _, c := range cs {
		m[c.Name] = float64(c.Count)
	}
	return m
}

// connectedMs is the total duration of connected calls in whole
// milliseconds, an exact integer sum as the summary keeps it: summing
// duration_s as doubles and dividing by 60 lands on the other side of a
// rounding tie (3.12535 min) about once in six groups.
const connectedMs = "sum(round(duration_s * 1000)) FILTER (WHERE connected)"

// Metrics returns every metric, in the order docs/metrics.md lists them.
func Metrics() []Metric {
	ms := []Metric{
		{Name: "calls", Doc: "calls exported", Rows: "calls", SQL: "count(*)", Digits: -1,
			Of: func(g *Group) map[string]float64 { return one(float64(g.Volume.Calls)) }},
		{Name: "connected", Doc: "calls that reached a conversation (the calls table's connected column)", Rows: "calls",
			SQL: "count(*) FILTER (WHERE connected)", Digits: -1,
			Of: func(g *Group) map[string]float64 { return one(float64(g.Volume.Connected)) }},
		{Name: "without_start", Doc: "calls without a start (start_time NULL)", Rows: "calls",
			SQL: "count(*) FILTER (WHERE start_time IS NULL)", Digits: -1,
			Of: func(g *Group) map[string]float64 { return one(float64(g.Volume.WithoutStart)) }},
		{Name: "talk_minutes", Doc: "minutes of connected calls: their durations (duration_s), not what Retell billed (billed_duration_s)",
			Unit: "min", Rows: "calls", SQL: "coalesce(" + connectedMs + ", 0) / 60000", Digits: minuteDigits,
			Of: func(g *Group) map[string]float64 { return one(g.Volume.TotalMinutes) }},
		{Name: "mean_minutes", Doc: "mean duration of connected calls that have one", Unit: "min", Rows: "calls",
			SQL: connectedMs + " / 60000 / nullif(count(duration_s) FILTER (WHERE connected), 0)", Digits: minuteDigits,
			Of: func(g *Group) map[string]float64 { return maybe(g.Volume.MeanMinutes) }},
	}
	ms = append(ms, quantileMetrics("duration_s", "duration of connected calls", "s", "calls", "duration_s", "connected", secondDigits,
		func(g *Group) Quantiles { return g.Volume.DurationSeconds })...)
	ms = append(ms, []Metric{
		{Name: "calls_by_status", Doc: "calls by call_status", Rows: "calls", Key: "call_status", SQL: "count(*)", Digits: -1,
			Of: func(g *Group) map[string]float64 { return nonZero(counts(g.Volume.ByStatus)) }},
		{Name: "calls_by_reason", Doc: "calls by disconnection_reason ((none) without one)", Rows: "calls",
			Key: "coalesce(disconnection_reason, '(none)')", SQL: "count(*)", Digits: -1,
			Of: func(g *Group) map[string]float64 { return counts(g.Outcome.Reasons) }},
		{Name: "calls_by_category", Doc: "calls by reason category ((none) without a reason)", Rows: "calls",
			Key: "coalesce(reason_category, '(none)')", SQL: "count(*)", Digits: -1,
			Of: func(g *Group) map[string]float64 { return nonZero(counts(g.Outcome.Categories)) }},
		{Name: "transfers", Doc: "calls handed on (the calls table's transferred column)", Rows: "calls",
			SQL: "count(*) FILTER (WHERE transferred)", Digits: -1,
			Of: func(g *Group) map[string]float64 { return one(float64(g.Outcome.Transfers)) }},
		{Name: "transfer_rate", Doc: "transfers over connected calls", Rows: "calls",
			SQL: "count(*) FILTER (WHERE transferred) / nullif(count(*) FILTER (WHERE connected), 0)", Digits: shareDigits,
			Of: func(g *Group) map[string]float64 { return maybe(g.Outcome.TransferRate) }},
		{Name: "analysed", Doc: "calls whose post-call analysis has arrived (analysis_present)", Rows: "calls",
			SQL: "count(*) FILTER (WHERE analysis_present)", Digits: -1,
			Of: func(g *Group) map[string]float64 { return one(float64(g.Analysis.Analysed)) }},
		{Name: "analysed_by_sentiment", Doc: "analysed calls by user_sentiment ((none): analysed without one)", Rows: "calls",
			Key: "coalesce(user_sentiment, '(none)')", SQL: "count(*) FILTER (WHERE analysis_present)", Digits: -1,
			Of: func(g *Group) map[string]float64 { return nonZero(counts(g.Analysis.Sentiments)) }},
		{Name: "success_rated", Doc: "analysed calls that carry call_successful: the success rate's denominator", Rows: "calls",
			SQL: "count(call_successful)", Digits: -1,
			Of: func(g *Group) map[string]float64 { return one(float64(g.Analysis.SuccessRated)) }},
		{Name: "success_rate", Doc: "call_successful true over success_rated", Rows: "calls",
			SQL: "count(*) FILTER (WHERE call_successful) / nullif(count(call_successful), 0)", Digits: shareDigits,
			Of: func(g *Group) map[string]float64 { return maybe(g.Analysis.SuccessRate) }},
		{Name: "voicemail_rated", Doc: "analysed calls that carry in_voicemail: the voicemail rate's denominator", Rows: "calls",
			SQL: "count(in_voicemail)", Digits: -1,
			Of: func(g *Group) map[string]float64 { return one(float64(g.Analysis.VoicemailRated)) }},
		{Name: "voicemail_rate", Doc: "in_voicemail true over voicemail_rated", Rows: "calls",
			SQL: "count(*) FILTER (WHERE in_voicemail) / nullif(count(in_voicemail), 0)", Digits: shareDigits,
			Of: func(g *Group) map[string]float64 { return maybe(g.Analysis.VoicemailRate) }},
		{Name: "with_cost", Doc: "calls with a cost (the others are unknown, not free)", Rows: "calls",
			SQL: "count(cost_usd)", Digits: -1,
			Of: func(g *Group) map[string]float64 { return one(float64(g.Cost.WithCost)) }},
		{Name: "cost_usd", Doc: "total cost", Unit: "USD", Rows: "calls", SQL: "coalesce(sum(cost_usd), 0)", Digits: usdDigits,
			Of: func(g *Group) map[string]float64 { return one(g.Cost.TotalUSD) }},
		{Name: "mean_cost_usd", Doc: "mean cost of calls with a cost", Unit: "USD", Rows: "calls", SQL: "avg(cost_usd)", Digits: usdDigits,
			Of: func(g *Group) map[string]float64 { return maybe(g.Cost.MeanUSD) }},
		{Name: "cost_per_connected_minute_usd", Doc: "total cost over talk minutes", Unit: "USD/min", Rows: "calls",
			SQL: "sum(cost_usd) / nullif(" + connectedMs + " / 60000, 0)", Digits: usdDigits,
			Of: func(g *Group) map[string]float64 { return maybe(g.Cost.PerConnectedMinuteUSD) }},
	}...)
	ms = append(ms, quantileMetrics("cost_per_call_usd", "cost per call", "USD", "calls", "cost_usd", "cost_usd IS NOT NULL", usdDigits,
		func(g *Group) Quantiles { return g.Cost.PerCallUSD })...)
	ms = append(ms, []Metric{
		{Name: "product_cost_usd", Doc: "cost by product (cost_items)", Unit: "USD", Rows: "cost_items",
			Key: "product", SQL: "coalesce(sum(cost_usd), 0)", Digits: usdDigits,
			Of: func(g *Group) map[string]float64 {
				m := map[string]float64{}
				for _, p := range g.Cost.Products {
					m[p.Product] = p.TotalUSD
				}
				return m
			}},
		{Name: "product_calls", Doc: "calls billed for each product", Rows: "cost_items",
			Key: "product", SQL: "count(DISTINCT call_id)", Digits: -1,
			Of: func(g *Group) map[string]float64 {
				m := map[string]float64{}
				for _, p := range g.Cost.Products {
					m[p.Product] = float64(p.Calls)
				}
				return m
			}},
	}...)
	ms = append(ms, latencyMetrics()...)
	ms = append(ms, conversationMetrics()...)
	ms = append(ms, []Metric{
		{Name: "tool_invocations", Doc: "tool_call_invocation events by tool", Rows: "events",
			Key: "coalesce(tool_name, '(none)')", SQL: "count(*) FILTER (WHERE kind = 'tool_call_invocation')", Digits: -1,
			Of: toolFigure(func(t ToolStat) int { return t.Invocations })},
		{Name: "tool_failures", Doc: "tool results with successful = false, by tool", Rows: "events",
			Key: "coalesce(tool_name, '(unpaired)')", SQL: "count(*) FILTER (WHERE kind = 'tool_call_result' AND successful = false)", Digits: -1,
			Of: toolFigure(func(t ToolStat) int { return t.Failed })},
		{Name: "node_transitions", Doc: "transitions into each flow node", Rows: "events",
			Key: "coalesce(new_node_name, new_node_id, '(none)')", SQL: "count(*) FILTER (WHERE kind = 'node_transition')", Digits: -1,
			Of: func(g *Group) map[string]float64 {
				m := map[string]float64{}
				for _, n := range g.Tools.Nodes {
					m[n.Node] = float64(n.Transitions)
				}
				return m
			}},
		{Name: "custom_key_calls", Doc: "calls with a value for each custom analysis key", Rows: "custom_analysis",
			Key: "key", SQL: "count(DISTINCT call_id) FILTER (WHERE value_type <> 'null')", Digits: -1,
			Of: func(g *Group) map[string]float64 {
				m := map[string]float64{}
				for _, k := range g.Custom {
					if k.Key != Other {
						m[k.Key] = float64(k.Calls)
					}
				}
				return m
			}},
	}...)
	return ms
}

// latencyMetrics are the fleet latency percentiles of the kinds the
// summary shows, over the latency table's samples (plausible values only,
// as the summary counts them).
func latencyMetrics() []Metric {
	var ms []Metric
	for _, k := range []struct {
		kind string
		pick func(*Group) Quantiles
	}{
		{export.LatencyE2E, func(g *Group) Quantiles { return g.Latency.E2E }},
		{export.LatencyASR, func(g *Group) Quantiles { return g.Latency.ASR }},
		{export.LatencyLLM, func(g *Group) Quantiles { return g.Latency.LLM }},
		{export.LatencyTTS, func(g *Group) Quantiles { return g.Latency.TTS }},
	} {
		ms = append(ms, quantileMetrics(k.kind+"_ms", k.kind+" latency samples (latency."+k.kind+".values)", "ms", "latency",
			"value_ms", "kind = '"+k.kind+"'", latencyDigits, k.pick)...)
	}
	return ms
}

// conversationMetrics are the summary's conversation block: sums over the
// calls with word timing (agent_talk_s is NULL exactly for the others) and
// the distributions of each call's longest silence and of every response
// gap (docs/metrics.md, "Conversation").
func conversationMetrics() []Metric {
	conv := func(g *Group) *ConversationStats { return &g.Conversation }
	ms := []Metric{
		{Name: "timed_calls", Doc: "calls with word timing: the conversation figures are over them", Rows: "calls",
			SQL: "count(agent_talk_s)", Digits: -1,
			Of: func(g *Group) map[string]float64 { return one(float64(conv(g).TimedCalls)) }},
		{Name: "agent_talk_s", Doc: "agent talk time (the union of the agent's timed words) summed over timed calls", Unit: "s", Rows: "calls",
			SQL: "coalesce(sum(agent_talk_s), 0)", Digits: secondDigits,
			Of: func(g *Group) map[string]float64 { return one(conv(g).AgentTalkS) }},
		{Name: "user_talk_s", Doc: "user talk time summed over timed calls", Unit: "s", Rows: "calls",
			SQL: "coalesce(sum(user_talk_s), 0)", Digits: secondDigits,
			Of: func(g *Group) map[string]float64 { return one(conv(g).UserTalkS) }},
		{Name: "talk_ratio", Doc: "summed agent talk over summed agent and user talk (not a mean of per-call ratios)", Rows: "calls",
			SQL: "sum(agent_talk_s) / nullif(sum(agent_talk_s) + sum(user_talk_s), 0)", Digits: shareDigits,
			Of: func(g *Group) map[string]float64 { return maybe(conv(g).TalkRatio) }},
		{Name: "user_interruptions", Doc: "user turns started while the agent was speaking", Rows: "calls",
			SQL: "coalesce(sum(user_interruptions), 0)", Digits: -1,
			Of: func(g *Group) map[string]float64 { return one(float64(conv(g).UserInterruptions)) }},
		{Name: "agent_interruptions", Doc: "agent turns started while the user was speaking (barge-ins)", Rows: "calls",
			SQL: "coalesce(sum(agent_interruptions), 0)", Digits: -1,
			Of: func(g *Group) map[string]float64 { return one(float64(conv(g).AgentInterruptions)) }},
		{Name: "user_interruptions_per_call", Doc: "user interruptions over timed calls", Rows: "calls",
			SQL: "avg(user_interruptions)", Digits: perCallDigits,
			Of: func(g *Group) map[string]float64 { return maybe(conv(g).UserInterruptionsPerCall) }},
		{Name: "agent_interruptions_per_call", Doc: "agent interruptions over timed calls", Rows: "calls",
			SQL: "avg(agent_interruptions)", Digits: perCallDigits,
			Of: func(g *Group) map[string]float64 { return maybe(conv(g).AgentInterruptionsPerCall) }},
	}
	ms = append(ms, quantileMetrics("longest_silence_s", "longest silence of each timed call", "s", "calls",
		"longest_silence_s", "longest_silence_s IS NOT NULL", secondDigits, func(g *Group) Quantiles { return conv(g).LongestSilenceS })...)
	return append(ms, quantileMetrics("response_gap_s", "response gap of every agent turn that answers a user turn", "s", "utterances",
		"response_gap_s", "response_gap_s IS NOT NULL", secondDigits, func(g *Group) Quantiles { return conv(g).ResponseGapS })...)
}

// quantileMetrics are the count, min, mean, percentiles and max of a
// column over the rows where filter holds.
func quantileMetrics(name, doc, unit, rows, col, filter string, digits int, of func(*Group) Quantiles) []Metric {
	f := " FILTER (WHERE " + filter + ")"
	v := "CAST(" + col + " AS DOUBLE)"
	q := func(field string, pick func(Quantiles) *float64, sql string) Metric {
		return Metric{Name: name + "_" + field, Doc: field + " of the " + doc, Unit: unit, Rows: rows, SQL: sql + f, Digits: digits,
			Of: func(g *Group) map[string]float64 { return maybe(pick(of(g))) }}
	}
	return []Metric{
		{Name: name + "_count", Doc: "values of the " + doc, Rows: rows, SQL: "count(" + col + ")" + f, Digits: -1,
			Of: func(g *Group) map[string]float64 { return one(float64(of(g).Count)) }},
		q("min", func(q Quantiles) *float64 { return q.Min }, "min("+v+")"),
		q("mean", func(q Quantiles) *float64 { return q.Mean }, "avg("+v+")"),
		q("p50", func(q Quantiles) *float64 { return q.P50 }, "quantile_cont("+v+", 0.5)"),
		q("p90", func(q Quantiles) *float64 { return q.P90 }, "quantile_cont("+v+", 0.9)"),
		q("p95", func(q Quantiles) *float64 { return q.P95 }, "quantile_cont("+v+", 0.95)"),
		q("p99", func(q Quantiles) *float64 { return q.P99 }, "quantile_cont("+v+", 0.99)"),
		q("max", func(q Quantiles) *float64 { return q.Max }, "max("+v+")"),
	}
}

// toolFigure reads one figure of every tool.
func toolFigure(pick func(ToolStat) int) func(*Group) map[string]float64 {
	return func(g *Group) map[string]float64 {
		m := map[string]float64{}
		for _, t := range g.Tools.Tools {
			m[t.Name] = float64(pick(t))
		}
		return m
	}
}

// nonZero drops the items a distribution lists with a count of zero (the
// documented values, always listed): a query has no row for them.
func nonZero(m map[string]float64) map[string]float64 {
	for k, v := range m {
		if v == 0 {
			delete(m, k)
		}
	}
	return m
}

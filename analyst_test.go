package main

// analystQuestions are the twelve questions of the 2026-12 field test
// (an analyst, a data engineer and a manager on a month of calls), each
// one short query over the loader kit's views. docs/dataset.md shows them;
// TestKitMetricsEqualSummary runs them and checks the answers that the
// summary also gives.
func analystQuestions() []struct{ Name, SQL string } {
	return []struct{ Name, SQL string }{
		{"1 calls and talk minutes per agent per week (UTC)",
			`SELECT agent_id, date_trunc('week', timezone('UTC', start_time)) AS week, count(*) AS calls,
  round(sum(duration_s) FILTER (WHERE connected) / 60, 1) AS talk_minutes
FROM calls WHERE start_time IS NOT NULL GROUP BY ALL ORDER BY agent_id, week`},
		{"2 success and negative-sentiment rates by agent version",
			`SELECT agent_id, agent_version, round(avg(call_successful::INT), 3) AS success_rate,
  round(avg((user_sentiment = 'Negative')::INT) FILTER (WHERE analysis_present), 3) AS negative_rate
FROM calls GROUP BY ALL ORDER BY ALL`},
		{"3 mean and p90 end-to-end latency by agent, over every turn",
			`SELECT agent_id, round(avg(value_ms), 1) AS mean_ms, round(quantile_cont(value_ms, 0.9), 1) AS p90_ms
FROM latency JOIN call_keys USING (call_id) WHERE kind = 'e2e' GROUP BY ALL ORDER BY agent_id`},
		{"4 top 5 disconnection reasons of calls under 30 s",
			`SELECT disconnection_reason, count(*) AS calls FROM calls WHERE duration_s < 30
GROUP BY ALL ORDER BY calls DESC, disconnection_reason LIMIT 5`},
		{"5 cost per connected minute by agent",
			`SELECT grouping_key AS agent_id, round(cost_per_connected_minute_usd, 4) AS usd_per_minute FROM kpi_agent ORDER BY agent_id`},
		{"6 share of connected calls transferred, and their cost",
			`SELECT round(count(*) FILTER (WHERE transferred) / count(*) FILTER (WHERE connected), 4) AS transfer_rate,
  sum(cost_usd) FILTER (WHERE transferred) AS transferred_usd FROM calls`},
		{"7 tools that failed most",
			`SELECT tool_name, count(*) FILTER (WHERE successful = false) AS failed, count(successful) AS judged
FROM events WHERE kind = 'tool_call_result' GROUP BY ALL ORDER BY failed DESC, tool_name LIMIT 5`},
		{"8 a custom analysis outcome per agent",
			`SELECT agent_id, round(avg(value_bool::INT), 3) AS appointment_confirmed, count(*) AS calls_with_it
FROM custom_analysis JOIN call_keys USING (call_id) WHERE key = 'appointment_confirmed' GROUP BY ALL ORDER BY agent_id`},
		{"9 longest silences and slowest responses",
			`SELECT call_id, longest_silence_s, response_gap_p90_s FROM calls
WHERE longest_silence_s IS NOT NULL ORDER BY longest_silence_s DESC, call_id LIMIT 3`},
		{"10 inbound calls by hour of day in New York",
			`SELECT hour(timezone('America/New_York', start_time)) AS hour, count(*) AS calls FROM calls
WHERE direction = 'inbound' GROUP BY ALL ORDER BY hour`},
		{"11 calls still waiting for their analysis",
			`SELECT count(*) FILTER (WHERE NOT settled) AS unsettled, count(*) FILTER (WHERE NOT analysis_present AND call_status = 'ended') AS ended_without_analysis,
  max(fetched_at) AS last_fetched FROM calls`},
		{"12 calls and cost per month, per day of data, calls without a start apart",
			`SELECT strftime(timezone('UTC', start_time), '%Y-%m') AS month, count(*) AS calls,
  count(DISTINCT CAST(timezone('UTC', start_time) AS DATE)) AS days, round(sum(cost_usd), 2) AS usd,
  round(count(*) / count(DISTINCT CAST(timezone('UTC', start_time) AS DATE)), 1) AS calls_per_day
FROM calls GROUP BY ALL ORDER BY month NULLS LAST`},
	}
}

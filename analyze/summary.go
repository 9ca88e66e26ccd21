package analyze

import "time"

// SchemaVersion is the version of the summary.json layout. It changes only
// when a field is renamed or removed; new fields do not change it.
//
// Version 2: sentiment shares are of analysed calls (they were of all
// calls), "(none)" counts analysed calls without a sentiment and calls
// without analysis are no longer in the list; tool results count every
// result (Judged those with a success flag).
//
// Version 3: every percentile is exact; quantiles (QuantileMethod) says
// so with method and interpolation, and its exact_limit and
// relative_accuracy (of the DDSketch used past 1,024 values) are gone.
const SchemaVersion = 3

// Summary is the result of an analysis: the overall group and one Grouping
// per dimension asked for in Options.By. Every list is ordered (see the
// field comments) so that text, JSON and spreadsheet output are
// deterministic. Fractions (share, rate) are in [0,1]; money is US dollars.
type Summary struct {
	SchemaVersion int `json:"schema_version"`
	// TimeZone is the IANA name of the zone days and period are shown in.
	TimeZone string `json:"time_zone"`
	// By lists the groupings, in the order they were asked for.
	By []string `json:"by"`
	// Quantiles says how percentiles were computed.
	Quantiles QuantileMethod `json:"quantiles"`
	// Overall covers every call.
	Overall Group `json:"overall"`
	// Groupings holds one entry per name in By, in that order.
	Groupings []Grouping `json:"groupings"`
}

// QuantileMethod documents the percentile computation.
type QuantileMethod struct {
	// Method is "exact": every value is kept (as distinct values with
	// their counts, spilled to a temporary file past MemoryValues), so a
	// percentile is the one a database computes over the same values.
	Method string `json:"method"`
	// Interpolation is "linear": between the closest ranks, at rank
	// p*(n-1) (Hyndman & Fan type 7), as DuckDB's quantile_cont and
	// numpy's default; the value is rounded to the figure's digits after.
	Interpolation string `json:"interpolation"`
	// MemoryValues is how many distinct values all percentiles together
	// keep in memory before the largest are spilled to disk (QuantileMemory).
	MemoryValues int `json:"memory_values"`
}

// Grouping is the breakdown of the calls by one dimension.
type Grouping struct {
	// By is "agent", "day", "type" or "direction".
	By string `json:"by"`
	// Groups are ordered: days ascending (calls without a start last);
	// agents, types and directions by calls descending, then key.
	Groups []Group `json:"groups"`
}

// Group is every figure for one set of calls.
type Group struct {
	// Key identifies the group: "all" for overall, the agent_id, the day
	// (YYYY-MM-DD), the call_type or the direction. Calls lacking the value
	// fall in "(none)" ("(no start)" for days).
	Key string `json:"key"`
	// Label is a human name for the key when there is one (the agent_name
	// last seen for an agent).
	Label    string        `json:"label,omitempty"`
	Period   Period        `json:"period"`
	Volume   Volume        `json:"volume"`
	Outcome  Outcome       `json:"outcome"`
	Analysis AnalysisStats `json:"analysis"`
	Cost     Cost          `json:"cost"`
	Latency  Latency       `json:"latency"`
	// Conversation is from the word timings of the calls that have them.
	Conversation ConversationStats `json:"conversation"`
	Tools        Tools             `json:"tools"`
	// Custom lists custom_analysis_data keys by name.
	Custom []CustomKey `json:"custom_analysis"`
}

// Period is the span of call starts in the group, in the summary's time
// zone; both are nil when no call has a start.
type Period struct {
	FirstStart *time.Time `json:"first_start"`
	LastStart  *time.Time `json:"last_start"`
}

// Count is one named value of a distribution. Share is Count over the
// group's calls unless the enclosing field says otherwise.
type Count struct {
	Name  string  `json:"name"`
	Count int     `json:"count"`
	Share float64 `json:"share"`
}

// Quantiles summarises a set of numbers. Pointers are nil when Count is 0.
type Quantiles struct {
	Count int64 `json:"count"`
	// Exact is always true: every percentile is exact (see
	// QuantileMethod). Schema 2 summaries had false past 1,024 values.
	Exact bool     `json:"exact"`
	Min   *float64 `json:"min"`
	Mean  *float64 `json:"mean"`
	P50   *float64 `json:"p50"`
	P90   *float64 `json:"p90"`
	P95   *float64 `json:"p95"`
	P99   *float64 `json:"p99"`
	Max   *float64 `json:"max"`
}

// Volume counts calls and their duration.
type Volume struct {
	Calls int `json:"calls"`
	// ByStatus is call_status: the five documented statuses in lifecycle
	// order (registered, not_connected, ongoing, ended, error; always
	// listed), then undocumented values by name.
	ByStatus []Count `json:"by_status"`
	// Connected counts calls that started (start_timestamp present) and
	// whose status is neither not_connected nor registered.
	Connected int `json:"connected"`
	// WithoutStart counts calls with no start_timestamp (or an impossible
	// one: before 1970 or after 9999).
	WithoutStart int `json:"without_start"`
	// TotalMinutes and MeanMinutes cover connected calls with a duration
	// (duration_ms, else end - start).
	TotalMinutes float64  `json:"total_minutes"`
	MeanMinutes  *float64 `json:"mean_minutes"`
	// DurationSeconds is the distribution of those durations, in seconds.
	DurationSeconds Quantiles `json:"duration_seconds"`
}

// Outcome is why calls ended.
type Outcome struct {
	// Reasons is disconnection_reason by count descending, then name;
	// calls without one are "(none)".
	Reasons []Count `json:"reasons"`
	// Lines is Reasons as reports show them, in at most MaxReasonLines
	// lines: the most frequent reasons by name, and the long tail summed
	// per category, so that no single catch-all hides, say, the errors.
	Lines []ReasonLine `json:"lines"`
	// Categories groups the reasons (export.ReasonCategory) in the fixed
	// order of export.Categories(), all listed even when zero, then "(none)"
	// for calls without a reason when there are any.
	Categories []Count `json:"categories"`
	// Transfers counts the calls handed on (export.Measures.Transferred:
	// call_transfer, transfer_bridged, call_take_over); TransferRate is
	// Transfers over connected calls.
	Transfers    int      `json:"transfers"`
	TransferRate *float64 `json:"transfer_rate"`
}

// ReasonLine is one line of the reasons in a report: one reason, or the
// less frequent reasons of one category together.
type ReasonLine struct {
	// Name is the reason, or "(other CATEGORY)" for a category's tail.
	Name string `json:"name"`
	// Category is the reason's category (export.ReasonCategory); "" for
	// calls without a reason.
	Category string `json:"category"`
	// Reasons is how many distinct reasons the line sums (1 for a reason).
	Reasons int `json:"reasons"`
	// Count and Share (of the group's calls) as in Reasons.
	Count int     `json:"count"`
	Share float64 `json:"share"`
}

// AnalysisStats summarises call_analysis.
type AnalysisStats struct {
	// Analysed counts calls with a call_analysis object; WithoutAnalysis
	// the others.
	Analysed        int `json:"analysed"`
	WithoutAnalysis int `json:"without_analysis"`
	// Sentiments is user_sentiment over the analysed calls, Share of
	// Analysed: Positive, Neutral, Negative, Unknown (always listed), then
	// unseen values by name, then "(none)" for analysed calls without a
	// sentiment. Calls without analysis are not in it (WithoutAnalysis).
	Sentiments []Count `json:"sentiments"`
	// Successful counts call_successful == true among the SuccessRated
	// analysed calls that carry call_successful; SuccessRate is their ratio.
	Successful   int      `json:"successful"`
	SuccessRated int      `json:"success_rated"`
	SuccessRate  *float64 `json:"success_rate"`
	// Voicemail counts in_voicemail == true among the VoicemailRated
	// analysed calls that carry in_voicemail; VoicemailRate is their ratio.
	Voicemail      int      `json:"voicemail"`
	VoicemailRated int      `json:"voicemail_rated"`
	VoicemailRate  *float64 `json:"voicemail_rate"`
}

// Cost summarises call_cost, converted from cents to US dollars.
type Cost struct {
	// WithCost counts calls with call_cost.combined_cost; WithoutCost the
	// others (they count as unknown, not as free).
	WithCost    int     `json:"with_cost"`
	WithoutCost int     `json:"without_cost"`
	TotalUSD    float64 `json:"total_usd"`
	// MeanUSD is TotalUSD over WithCost.
	MeanUSD *float64 `json:"mean_usd"`
	// PerConnectedMinuteUSD is the total cost over the talk minutes, both
	// unrounded (TotalUSD and Volume.TotalMinutes are rounded for show).
	PerConnectedMinuteUSD *float64 `json:"per_connected_minute_usd"`
	// PerCallUSD is the distribution of combined_cost per call.
	PerCallUSD Quantiles `json:"per_call_usd"`
	// Products sums product_costs by product, by cost descending then
	// name; Share is of the products' total.
	Products []ProductCost `json:"products"`
}

// ProductCost is the spend on one product_costs product.
type ProductCost struct {
	Product  string  `json:"product"`
	Calls    int     `json:"calls"`
	TotalUSD float64 `json:"total_usd"`
	Share    float64 `json:"share"`
}

// Latency is fleet-wide latency in milliseconds, from every per-turn sample
// (latency.*.values) of every call, not from per-call percentiles.
// Each is over the plausible values, the rows of the latency table.
type Latency struct {
	E2E Quantiles `json:"e2e_ms"`
	LLM Quantiles `json:"llm_ms"`
	TTS Quantiles `json:"tts_ms"`
	ASR Quantiles `json:"asr_ms"`
}

// ConversationStats aggregates the calls' export.Conversation over the
// calls with word timing (docs/metrics.md, "Conversation").
type ConversationStats struct {
	// TimedCalls counts the calls with word timing: the figures below are
	// over them (the calls table's rows with agent_talk_s not NULL).
	TimedCalls int `json:"timed_calls"`
	// AgentTalkS and UserTalkS sum the calls' talk times, in seconds.
	AgentTalkS float64 `json:"agent_talk_s"`
	UserTalkS  float64 `json:"user_talk_s"`
	// TalkRatio is AgentTalkS over AgentTalkS + UserTalkS: the share of
	// talk that was the agent's, not a mean of per-call ratios.
	TalkRatio *float64 `json:"talk_ratio"`
	// UserInterruptions and AgentInterruptions (barge-ins) are totals;
	// the per-call figures divide them by TimedCalls.
	UserInterruptions         int      `json:"user_interruptions"`
	AgentInterruptions        int      `json:"agent_interruptions"`
	UserInterruptionsPerCall  *float64 `json:"user_interruptions_per_call"`
	AgentInterruptionsPerCall *float64 `json:"agent_interruptions_per_call"`
	// LongestSilenceS is the distribution of each call's longest silence.
	LongestSilenceS Quantiles `json:"longest_silence_s"`
	// ResponseGapS is the distribution of every response gap of every
	// call (the utterances table's response_gap_s), seconds; negative
	// gaps are agents starting before the user finished.
	ResponseGapS Quantiles `json:"response_gap_s"`
}

// Tools summarises tool calls and flow node transitions from
// transcript_with_tool_calls.
type Tools struct {
	// Tools is per tool name, by invocations descending then name.
	Tools []ToolStat `json:"tools"`
	// Nodes counts transitions into each flow node (new_node_name, else
	// new_node_id), by transitions descending then name.
	Nodes []NodeStat `json:"nodes"`
}

// ToolStat is one tool's use.
type ToolStat struct {
	Name string `json:"name"`
	// Invocations counts tool_call_invocation items.
	Invocations int `json:"invocations"`
	// Results counts tool_call_result items, paired to an invocation by
	// tool_call_id; Judged those that carry "successful", Failed those
	// where it is false.
	Results int `json:"results"`
	Judged  int `json:"judged"`
	Failed  int `json:"failed"`
	// FailureShare is Failed over Judged.
	FailureShare *float64 `json:"failure_share"`
}

// NodeStat is the number of transitions into one flow node.
type NodeStat struct {
	Node        string `json:"node"`
	Transitions int    `json:"transitions"`
}

// Kinds of custom analysis keys.
const (
	KindBoolean = "boolean" // every value true or false
	KindEnum    = "enum"    // strings or numbers with few, repeating values
	KindOther   = "other"   // free text, many distinct numbers, objects, or mixed
)

// CustomKey is the distribution of one custom_analysis_data key.
type CustomKey struct {
	Key  string `json:"key"`
	Kind string `json:"kind"`
	// Calls counts calls where the key has a non-null value.
	Calls int `json:"calls"`
	// Values is the distribution for boolean and enum keys (empty for
	// other), by count descending then value, "(other)" last; Share is of
	// Calls.
	Values []Count `json:"values"`
}

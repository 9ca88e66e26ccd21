package formats

import "time"

// The row types below ARE the table definitions. For each field:
//   - the parquet tag gives the column name (CSV header and Parquet column)
//     and, with ",dict", dictionary encoding for low-cardinality strings;
//   - a pointer means the column is nullable: NULL in Parquet, an empty cell
//     in CSV, and only ever when Retell sent nothing (never a made-up zero);
//   - the unit tag gives the unit, the doc tag the description in docs/columns.md.
// Timestamps are *time.Time tagged timestamp(millisecond): Parquet
// TIMESTAMP(MILLIS, isAdjustedToUTC=true), ISO 8601 UTC in CSV.
// Money is *MicroCents tagged decimal(scale:precision): Parquet DECIMAL,
// plain decimal text in CSV (see MicroCents).

// CallRow is one row of the calls table: one row per call.
type CallRow struct {
	CallID        string  `parquet:"call_id" doc:"Retell call id (unique per row)"`
	CallType      string  `parquet:"call_type,dict" doc:"web_call or phone_call"`
	CallStatus    string  `parquet:"call_status,dict" doc:"registered, not_connected, ongoing, ended or error (open set: new values are kept)"`
	Connected     bool    `parquet:"connected" doc:"the call reached a conversation: it has a start and its status is neither not_connected nor registered (the summary's connected calls; talk minutes are their durations)"`
	Direction     *string `parquet:"direction,dict" doc:"inbound or outbound; phone calls only"`
	AgentID       string  `parquet:"agent_id,dict" doc:"agent that handled the call"`
	AgentName     *string `parquet:"agent_name,dict" doc:"agent name at call time"`
	AgentVersion  *int64  `parquet:"agent_version" doc:"agent version (agent_version, or the legacy version key)"`
	AgentTag      *string `parquet:"agent_tag,dict" doc:"version tag frozen at call creation"`
	FromNumber    *string `parquet:"from_number" doc:"caller number (phone calls)"`
	ToNumber      *string `parquet:"to_number" doc:"callee number (phone calls)"`
	BatchCallID   *string `parquet:"batch_call_id,dict" doc:"batch call campaign id"`
	TwilioCallSID *string `parquet:"twilio_call_sid" doc:"telephony_identifier.twilio_call_sid"`

	StartTime       *time.Time `parquet:"start_time,timestamp(millisecond)" unit:"UTC" doc:"call start (start_timestamp); NULL when Retell sent none or an impossible one (before 1970, after 9999)"`
	EndTime         *time.Time `parquet:"end_time,timestamp(millisecond)" unit:"UTC" doc:"call end (end_timestamp)"`
	DurationS       *float64   `parquet:"duration_s" unit:"s" doc:"duration_ms / 1000, or end - start for old records; NULL when unknown or impossible (negative)"`
	TransferEndTime *time.Time `parquet:"transfer_end_time,timestamp(millisecond)" unit:"UTC" doc:"end of the transferred leg"`

	DisconnectionReason *string `parquet:"disconnection_reason,dict" doc:"Retell's disconnection_reason as sent (open set)"`
	ReasonStatusGroup   *string `parquet:"reason_status_group,dict" doc:"status Retell's docs map the reason to: ended, not_connected, error; unmapped (documented, no mapping) or unknown (undocumented reason)"`
	ReasonCategory      *string `parquet:"reason_category,dict" doc:"stable grouping: normal_end, transfer, voicemail, not_connected, telephony, platform_error, billing_limits, unknown"`
	Transferred         bool    `parquet:"transferred" doc:"the call was handed on: disconnection_reason call_transfer, transfer_bridged or call_take_over (not transfer_cancelled)"`
	TransferDestination *string `parquet:"transfer_destination" doc:"number or SIP URI a call_transfer went to"`

	AnalysisPresent bool    `parquet:"analysis_present" doc:"whether post-call analysis (call_analysis) had arrived; false means the four analysis columns are unknown, not negative"`
	UserSentiment   *string `parquet:"user_sentiment,dict" doc:"Positive, Negative, Neutral or Unknown as Retell sent it; NULL/empty when missing (never guessed)"`
	CallSuccessful  *bool   `parquet:"call_successful" doc:"analysis verdict: task completed"`
	InVoicemail     *bool   `parquet:"in_voicemail" doc:"analysis verdict: reached voicemail"`
	CallSummary     *string `parquet:"call_summary" doc:"analysis summary text"`

	CostUSD           *MicroCents `parquet:"cost_usd,decimal(8:18)" unit:"USD" doc:"combined cost in dollars: cost_cents / 100, exactly"`
	CostCents         *MicroCents `parquet:"cost_cents,decimal(6:18)" unit:"US cents" doc:"call_cost.combined_cost as sent; NULL when the call has none (unknown, not free) or an impossible one"`
	BilledDurationS   *float64    `parquet:"billed_duration_s" unit:"s" doc:"call_cost.total_duration_seconds"`
	BilledUnitPriceCS *MicroCents `parquet:"billed_unit_price_cents_per_s,decimal(6:18)" unit:"US cents/s" doc:"call_cost.total_duration_unit_price"`

	E2EP50ms *float64 `parquet:"e2e_p50_ms" unit:"ms" doc:"end-to-end latency p50"`
	E2EP90ms *float64 `parquet:"e2e_p90_ms" unit:"ms" doc:"end-to-end latency p90"`
	E2EP99ms *float64 `parquet:"e2e_p99_ms" unit:"ms" doc:"end-to-end latency p99"`
	LLMP50ms *float64 `parquet:"llm_p50_ms" unit:"ms" doc:"LLM latency p50"`
	LLMP90ms *float64 `parquet:"llm_p90_ms" unit:"ms" doc:"LLM latency p90"`
	LLMP99ms *float64 `parquet:"llm_p99_ms" unit:"ms" doc:"LLM latency p99"`
	TTSP50ms *float64 `parquet:"tts_p50_ms" unit:"ms" doc:"TTS latency p50"`
	TTSP90ms *float64 `parquet:"tts_p90_ms" unit:"ms" doc:"TTS latency p90"`
	TTSP99ms *float64 `parquet:"tts_p99_ms" unit:"ms" doc:"TTS latency p99"`
	ASRP50ms *float64 `parquet:"asr_p50_ms" unit:"ms" doc:"ASR latency p50"`
	ASRP90ms *float64 `parquet:"asr_p90_ms" unit:"ms" doc:"ASR latency p90"`
	ASRP99ms *float64 `parquet:"asr_p99_ms" unit:"ms" doc:"ASR latency p99"`

	LLMRequests    *int64   `parquet:"llm_requests" doc:"llm_token_usage.num_requests"`
	LLMTokensTotal *int64   `parquet:"llm_tokens_total" unit:"tokens" doc:"sum of llm_token_usage.values"`
	LLMTokensAvg   *float64 `parquet:"llm_tokens_avg" unit:"tokens" doc:"llm_token_usage.average"`

	Transcript     *string `parquet:"transcript" doc:"plain transcript text as sent (Agent: ... / User: ... lines)"`
	UtteranceCount int64   `parquet:"utterance_count" doc:"rows of this call in utterances"`
	WordCount      int64   `parquet:"word_count" doc:"whitespace-separated words over all utterances"`
	EventCount     int64   `parquet:"event_count" doc:"rows of this call in events"`

	// Conversation figures (export.Conversation, docs/metrics.md): NULL
	// when no word of the call has timing.
	AgentTalkS         *float64 `parquet:"agent_talk_s" unit:"s" doc:"agent talk time: the length of the union of the agent's timed words (overlapping words and turns count once, pauses between words do not count); NULL without word timing"`
	UserTalkS          *float64 `parquet:"user_talk_s" unit:"s" doc:"user talk time, as agent_talk_s; NULL without word timing"`
	OverlapS           *float64 `parquet:"overlap_s" unit:"s" doc:"time agent and user speak at once (the intersection of their talk); NULL without word timing"`
	TalkRatio          *float64 `parquet:"talk_ratio" doc:"agent_talk_s / (agent_talk_s + user_talk_s), 4 decimals; NULL without word timing or when neither spoke"`
	UserInterruptions  *int64   `parquet:"user_interruptions" doc:"user turns that start while the agent is speaking (strictly inside the agent's words); NULL without word timing"`
	AgentInterruptions *int64   `parquet:"agent_interruptions" doc:"agent turns that start while the user is speaking (barge-ins); NULL without word timing"`
	LongestSilenceS    *float64 `parquet:"longest_silence_s" unit:"s" doc:"longest time between the first and last timed word in which nobody (agent, user or transfer target) speaks; NULL without word timing"`
	ResponseGapP50S    *float64 `parquet:"response_gap_p50_s" unit:"s" doc:"median of the call's response gaps (utterances.response_gap_s; quantile_cont); NULL without gaps"`
	ResponseGapP90S    *float64 `parquet:"response_gap_p90_s" unit:"s" doc:"p90 of the call's response gaps; NULL without gaps"`

	RecordingURL             *string `parquet:"recording_url" doc:"mono recording (may be signed and expire after 24 h)"`
	RecordingMultiChannelURL *string `parquet:"recording_multi_channel_url" doc:"one channel per party"`
	ScrubbedRecordingURL     *string `parquet:"scrubbed_recording_url" doc:"PII-scrubbed mono recording"`
	PublicLogURL             *string `parquet:"public_log_url" doc:"public log"`
	KnowledgeBaseURL         *string `parquet:"knowledge_base_url" doc:"knowledge_base_retrieved_contents_url"`
	OptInSignedURL           *bool   `parquet:"opt_in_signed_url" doc:"whether the URLs are signed"`
	DataStorageSetting       *string `parquet:"data_storage_setting,dict" doc:"everything, everything_except_pii or basic_attributes_only (derived from the legacy boolean for old records)"`

	MetadataJSON           *string `parquet:"metadata_json" unit:"JSON" doc:"metadata object as JSON text"`
	DynamicVariablesJSON   *string `parquet:"dynamic_variables_json" unit:"JSON" doc:"retell_llm_dynamic_variables as JSON text"`
	CollectedVariablesJSON *string `parquet:"collected_variables_json" unit:"JSON" doc:"collected_dynamic_variables as JSON text"`
	CustomSIPHeadersJSON   *string `parquet:"custom_sip_headers_json" unit:"JSON" doc:"custom_sip_headers as JSON text"`
	CustomAnalysisJSON     *string `parquet:"custom_analysis_json" unit:"JSON" doc:"call_analysis.custom_analysis_data as JSON text (one row per key in custom_analysis)"`
	DecodeWarnings         *string `parquet:"decode_warnings" doc:"fields whose JSON type did not match the model, joined by '; ' (the archive keeps them)"`

	Settled   bool       `parquet:"settled" doc:"the record will not change any more: ended and analysed (and a transfer leg ended), or never connected or failed; false: still ongoing, or analysis still to come, and fetched again by incremental runs"`
	FetchedAt *time.Time `parquet:"fetched_at,timestamp(millisecond)" unit:"UTC" doc:"when this version of the record was fetched from the API (whole seconds, from the archive's record); NULL when not known (saved files that do not say)"`
}

// UtteranceRow is one spoken turn (agent, user or transfer_target).
type UtteranceRow struct {
	CallID    string   `parquet:"call_id,dict" doc:"call this turn belongs to"`
	Seq       int64    `parquet:"seq" doc:"0-based position of the turn in the call"`
	Role      string   `parquet:"role,dict" doc:"agent, user, transfer_target (unknown for unlabelled plain-transcript lines)"`
	Text      string   `parquet:"text" doc:"what was said"`
	StartS    *float64 `parquet:"start_s" unit:"s from call start" doc:"first word start; NULL without word timing"`
	EndS      *float64 `parquet:"end_s" unit:"s from call start" doc:"last word end; NULL without word timing"`
	WordCount int64    `parquet:"word_count" doc:"whitespace-separated words in text"`
	// ResponseGapS is export.ResponseGap: one value per answering turn, so
	// that exact percentiles by agent or day are one query.
	ResponseGapS *float64 `parquet:"response_gap_s" unit:"s" doc:"on an agent turn right after a user turn, both timed: agent first word start - user last word end (negative: the agent started before the user finished); NULL on other turns"`
}

// EventRow is one non-speech item of transcript_with_tool_calls.
type EventRow struct {
	CallID           string   `parquet:"call_id,dict" doc:"call this event belongs to"`
	Seq              int64    `parquet:"seq" doc:"0-based index in transcript_with_tool_calls (speech items included)"`
	Kind             string   `parquet:"kind,dict" doc:"tool_call_invocation, tool_call_result, node_transition, dtmf, sms, injected, or an unknown role as sent"`
	TimeS            *float64 `parquet:"time_s" unit:"s from call start" doc:"time_sec when Retell sent it"`
	UtterancesBefore int64    `parquet:"utterances_before" doc:"speech items before this one in transcript_with_tool_calls: the event follows utterance seq utterances_before - 1"`
	ToolCallID       *string  `parquet:"tool_call_id" doc:"pairs an invocation with its result"`
	ToolName         *string  `parquet:"tool_name,dict" doc:"tool invoked; on a tool_call_result, the name of the invocation with the same tool_call_id"`
	ToolType         *string  `parquet:"tool_type,dict" doc:"undocumented type of an invocation (seen: function)"`
	Arguments        *string  `parquet:"arguments" unit:"JSON" doc:"invocation arguments (a JSON document in a string)"`
	Successful       *bool    `parquet:"successful" doc:"tool result success flag"`
	Content          *string  `parquet:"content" doc:"tool result, sms or injected text"`
	FormerNodeID     *string  `parquet:"former_node_id,dict" doc:"node transition: from"`
	FormerNodeName   *string  `parquet:"former_node_name,dict" doc:"node transition: from (name)"`
	NewNodeID        *string  `parquet:"new_node_id,dict" doc:"node transition: to"`
	NewNodeName      *string  `parquet:"new_node_name,dict" doc:"node transition: to (name)"`
	TransitionType   *string  `parquet:"transition_type,dict" doc:"global, global_go_back, interrupt_go_back, normal (open set)"`
	Digit            *string  `parquet:"digit,dict" doc:"dtmf key pressed"`
	MultimediaJSON   *string  `parquet:"multimedia_json" unit:"JSON" doc:"sms attachments [{url, summary}]"`
	RawJSON          *string  `parquet:"raw_json" unit:"JSON" doc:"the item as sent, for unknown kinds and items with unexpected field types"`
}

// CostItemRow is one line of call_cost.product_costs.
type CostItemRow struct {
	CallID             string      `parquet:"call_id,dict" doc:"call billed"`
	Seq                int64       `parquet:"seq" doc:"0-based position in product_costs"`
	Product            string      `parquet:"product,dict" doc:"product billed (e.g. voice_engine, elevenlabs_tts, gpt-4o-mini)"`
	CostCents          *MicroCents `parquet:"cost_cents,decimal(6:18)" unit:"US cents" doc:"cost of this product for the whole call"`
	CostUSD            *MicroCents `parquet:"cost_usd,decimal(8:18)" unit:"USD" doc:"cost_cents / 100, exactly"`
	UnitPriceCentsPerS *MicroCents `parquet:"unit_price_cents_per_s,decimal(6:18)" unit:"US cents/s" doc:"unit_price (or the legacy unitPrice)"`
	IsTransferLeg      *bool       `parquet:"is_transfer_leg" doc:"item belongs to a transfer leg: as sent, else false when the call was not transferred or another of its items carries the flag; NULL only on a transferred call whose record predates the flag"`
}

// CustomAnalysisRow is one key of call_analysis.custom_analysis_data.
type CustomAnalysisRow struct {
	CallID      string   `parquet:"call_id,dict" doc:"call analysed"`
	Key         string   `parquet:"key,dict" doc:"analysis item name (per agent)"`
	ValueType   string   `parquet:"value_type,dict" doc:"JSON type of the value: string, number, boolean, null, object, array"`
	ValueText   *string  `parquet:"value_text" doc:"strings as is; numbers and booleans as their JSON text; objects and arrays as JSON; NULL for null"`
	ValueNumber *float64 `parquet:"value_number" doc:"the value when it is a JSON number"`
	ValueBool   *bool    `parquet:"value_bool" doc:"the value when it is a JSON boolean"`
}

// LatencyRow is one per-turn sample of latency.<kind>.values.
type LatencyRow struct {
	CallID  string  `parquet:"call_id,dict" doc:"call measured"`
	Kind    string  `parquet:"kind,dict" doc:"e2e, asr, llm, llm_websocket_network_rtt, tts, knowledge_base or s2s"`
	Seq     int64   `parquet:"seq" doc:"0-based index in latency.<kind>.values (a value left out as implausible leaves its index unused)"`
	ValueMs float64 `parquet:"value_ms" unit:"ms" doc:"the sample; only plausible values (finite, within ±1e12), the ones the summary counts"`
}

// WordRow is one timed word (opt-in: --words).
type WordRow struct {
	CallID       string   `parquet:"call_id,dict" doc:"call"`
	UtteranceSeq int64    `parquet:"utterance_seq" doc:"seq of the utterance in utterances"`
	Seq          int64    `parquet:"seq" doc:"0-based position of the word in its utterance"`
	Word         string   `parquet:"word,dict" doc:"the word as transcribed (punctuation attached)"`
	StartS       *float64 `parquet:"start_s" unit:"s from call start" doc:"word start"`
	EndS         *float64 `parquet:"end_s" unit:"s from call start" doc:"word end"`
}

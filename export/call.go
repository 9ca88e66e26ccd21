package export

import (
	"encoding/json"
	"iter"
	"time"
)

// Call is one Retell call as returned by GET /v2/get-call/{call_id}, for web
// and phone calls alike. Required keys are plain values; every optional key
// is a pointer, a slice or raw JSON so that "absent" never looks like data.
// Enums that Retell keeps growing (call_status, disconnection_reason,
// transcript roles) are open strings: an unseen value is kept, not rejected.
//
// Raw holds the original body, compacted, with access_token removed: it is
// what the archive stores, so fields this struct does not model survive.
type Call struct {
	CallID       string `json:"call_id"`
	CallType     string `json:"call_type"`
	AgentID      string `json:"agent_id"`
	AgentVersion *int64 `json:"agent_version,omitempty"`
	// LegacyVersion is "version", the pre-2025-06 name of agent_version.
	LegacyVersion *int64  `json:"version,omitempty"`
	AgentName     string  `json:"agent_name,omitempty"`
	AgentTag      *string `json:"agent_tag,omitempty"`
	CallStatus    string  `json:"call_status"`

	// Phone calls only.
	FromNumber          string               `json:"from_number,omitempty"`
	ToNumber            string               `json:"to_number,omitempty"`
	Direction           string               `json:"direction,omitempty"`
	TelephonyIdentifier *TelephonyIdentifier `json:"telephony_identifier,omitempty"`
	BatchCallID         string               `json:"batch_call_id,omitempty"`

	StartTimestamp       *int64  `json:"start_timestamp,omitempty"`
	EndTimestamp         *int64  `json:"end_timestamp,omitempty"`
	DurationMs           *int64  `json:"duration_ms,omitempty"`
	TransferEndTimestamp *int64  `json:"transfer_end_timestamp,omitempty"`
	TransferDestination  *string `json:"transfer_destination,omitempty"`
	DisconnectionReason  string  `json:"disconnection_reason,omitempty"`

	Transcript                      *string          `json:"transcript,omitempty"`
	TranscriptObject                []Utterance      `json:"transcript_object,omitempty"`
	TranscriptWithToolCalls         []TranscriptItem `json:"transcript_with_tool_calls,omitempty"`
	ScrubbedTranscriptWithToolCalls []TranscriptItem `json:"scrubbed_transcript_with_tool_calls,omitempty"`

	RecordingURL                      string `json:"recording_url,omitempty"`
	RecordingMultiChannelURL          string `json:"recording_multi_channel_url,omitempty"`
	ScrubbedRecordingURL              string `json:"scrubbed_recording_url,omitempty"`
	ScrubbedRecordingMultiChannelURL  string `json:"scrubbed_recording_multi_channel_url,omitempty"`
	PublicLogURL                      string `json:"public_log_url,omitempty"`
	KnowledgeBaseRetrievedContentsURL string `json:"knowledge_base_retrieved_contents_url,omitempty"`
	OptInSignedURL                    *bool  `json:"opt_in_signed_url,omitempty"`

	Latency       *Latency    `json:"latency,omitempty"`
	LLMTokenUsage *TokenUsage `json:"llm_token_usage,omitempty"`
	CallCost      *CallCost   `json:"call_cost,omitempty"`
	CallAnalysis  *Analysis   `json:"call_analysis,omitempty"`

	// Free-form objects stay raw JSON: their values are any JSON type, and
	// typing them (as the SDKs do, map[string]string) breaks on real data.
	Metadata                  json.RawMessage `json:"metadata,omitempty"`
	RetellLLMDynamicVariables json.RawMessage `json:"retell_llm_dynamic_variables,omitempty"`
	CollectedDynamicVariables json.RawMessage `json:"collected_dynamic_variables,omitempty"`
	CustomSIPHeaders          json.RawMessage `json:"custom_sip_headers,omitempty"`

	DataStorageSetting *string `json:"data_storage_setting,omitempty"`
	// OptOutSensitiveDataStorage is the boolean that data_storage_setting
	// replaced in 2025-09; old records may still carry it.
	OptOutSensitiveDataStorage *bool `json:"opt_out_sensitive_data_storage,omitempty"`

	// Raw is the original body (compacted, access_token removed). It is not
	// part of the JSON encoding of Call.
	Raw json.RawMessage `json:"-"`
	// FetchedAt is when this version of the record was fetched from the
	// API (whole seconds when read back from the archive, whose gzip
	// members keep it); zero when not known (saved files that do not say).
	// Not part of the JSON.
	FetchedAt time.Time `json:"-"`
	// Warnings lists fields whose JSON type did not match the model; the
	// call is kept (and archived losslessly) and those fields are left unset.
	Warnings []string `json:"-"`
}

// TelephonyIdentifier carries the telephony provider's ids for a phone call.
type TelephonyIdentifier struct {
	TwilioCallSID string `json:"twilio_call_sid,omitempty"`
}

// Word is one timed word of an utterance. Start and End are seconds from the
// start of the call audio (not wall time); each key may be missing.
type Word struct {
	Word  string   `json:"word"`
	Start *float64 `json:"start,omitempty"`
	End   *float64 `json:"end,omitempty"`
}

// Utterance is one turn of transcript_object.
type Utterance struct {
	Role    string `json:"role"`
	Content string `json:"content"`
	Words   []Word `json:"words"`
}

// Bounds returns the start of the first timed word and the end of the last
// timed word, and whether the utterance has any timing at all.
func (u Utterance) Bounds() (start, end float64, ok bool) {
	for _, w := range u.Words {
		if w.Start != nil && (!ok || *w.Start < start) {
			start = *w.Start
			if !ok {
				end = start
			}
			ok = true
		}
		if w.End != nil {
			if !ok {
				start, ok = *w.End, true
			}
			end = max(end, *w.End)
		}
	}
	return start, end, ok
}

// Latency holds the per-component latency statistics of a call, all in
// milliseconds. Each component is present only when the feature was used.
type Latency struct {
	E2E                    *LatencyStats `json:"e2e,omitempty"`
	ASR                    *LatencyStats `json:"asr,omitempty"`
	LLM                    *LatencyStats `json:"llm,omitempty"`
	LLMWebsocketNetworkRTT *LatencyStats `json:"llm_websocket_network_rtt,omitempty"`
	TTS                    *LatencyStats `json:"tts,omitempty"`
	KnowledgeBase          *LatencyStats `json:"knowledge_base,omitempty"`
	S2S                    *LatencyStats `json:"s2s,omitempty"`
}

// Latency kinds: the keys of the latency object.
const (
	LatencyE2E                    = "e2e"
	LatencyASR                    = "asr"
	LatencyLLM                    = "llm"
	LatencyLLMWebsocketNetworkRTT = "llm_websocket_network_rtt"
	LatencyTTS                    = "tts"
	LatencyKnowledgeBase          = "knowledge_base"
	LatencyS2S                    = "s2s"
)

// All yields the components present, by kind, in the order of the API's
// documentation; nothing for a nil Latency.
func (l *Latency) All() iter.Seq2[string, *LatencyStats] {
	return func(yield func(string, *LatencyStats) bool) {
		if l == nil {
			return
		}
		for _, k := range [...]struct {
			kind string
			s    *LatencyStats
		}{{LatencyE2E, l.E2E}, {LatencyASR, l.ASR}, {LatencyLLM, l.LLM}, {LatencyLLMWebsocketNetworkRTT, l.LLMWebsocketNetworkRTT},
			{LatencyTTS, l.TTS}, {LatencyKnowledgeBase, l.KnowledgeBase}, {LatencyS2S, l.S2S}} {
			if k.s != nil && !yield(k.kind, k.s) {
				return
			}
		}
	}
}

// LatencyStats is Retell's summary of one latency component (milliseconds).
// Values holds every per-turn sample; fleet-wide percentiles must be
// computed from Values, never by averaging per-call percentiles.
type LatencyStats struct {
	P50    *float64  `json:"p50,omitempty"`
	P90    *float64  `json:"p90,omitempty"`
	P95    *float64  `json:"p95,omitempty"`
	P99    *float64  `json:"p99,omitempty"`
	Min    *float64  `json:"min,omitempty"`
	Max    *float64  `json:"max,omitempty"`
	Num    *float64  `json:"num,omitempty"`
	Values []float64 `json:"values,omitempty"`
}

// TokenUsage is llm_token_usage: tokens per LLM request.
type TokenUsage struct {
	Values      []float64 `json:"values,omitempty"`
	Average     *float64  `json:"average,omitempty"`
	NumRequests *float64  `json:"num_requests,omitempty"`
}

// CallCost is call_cost. Amounts are US cents; unit prices cents per second.
type CallCost struct {
	ProductCosts           []ProductCost `json:"product_costs,omitempty"`
	CombinedCost           *float64      `json:"combined_cost,omitempty"`
	TotalDurationSeconds   *float64      `json:"total_duration_seconds,omitempty"`
	TotalDurationUnitPrice *float64      `json:"total_duration_unit_price,omitempty"`
	// TotalOneTimePrice existed 2024-12..2025-07 (cents per call).
	TotalOneTimePrice *float64 `json:"total_one_time_price,omitempty"`
}

// ProductCost is one line of call_cost.product_costs.
type ProductCost struct {
	Product   string   `json:"product"`
	Cost      *float64 `json:"cost,omitempty"`
	UnitPrice *float64 `json:"unit_price,omitempty"`
	// LegacyUnitPrice is "unitPrice", the 2024-12..2025-07 spelling.
	LegacyUnitPrice   *float64 `json:"unitPrice,omitempty"`
	IsTransferLegCost *bool    `json:"is_transfer_leg_cost,omitempty"`
}

// Price returns the unit price in cents per second from whichever key the
// record used.
func (p ProductCost) Price() *float64 {
	if p.UnitPrice != nil {
		return p.UnitPrice
	}
	return p.LegacyUnitPrice
}

// Analysis is call_analysis, present only once post-call analysis finished.
type Analysis struct {
	CallSummary        *string         `json:"call_summary,omitempty"`
	InVoicemail        *bool           `json:"in_voicemail,omitempty"`
	UserSentiment      *string         `json:"user_sentiment,omitempty"`
	CallSuccessful     *bool           `json:"call_successful,omitempty"`
	CustomAnalysisData json.RawMessage `json:"custom_analysis_data,omitempty"`
}

// Start returns the call start in UTC, if Retell sent one.
func (c *Call) Start() (time.Time, bool) { return msTime(c.StartTimestamp) }

// End returns the call end in UTC, if Retell sent one.
func (c *Call) End() (time.Time, bool) { return msTime(c.EndTimestamp) }

func msTime(ms *int64) (time.Time, bool) {
	if ms == nil {
		return time.Time{}, false
	}
	return time.UnixMilli(*ms).UTC(), true
}

// Duration returns duration_ms, or end - start for records that predate it.
func (c *Call) Duration() (time.Duration, bool) {
	switch {
	case c.DurationMs != nil:
		return time.Duration(*c.DurationMs) * time.Millisecond, true
	case c.StartTimestamp != nil && c.EndTimestamp != nil && *c.EndTimestamp >= *c.StartTimestamp:
		return time.Duration(*c.EndTimestamp-*c.StartTimestamp) * time.Millisecond, true
	}
	return 0, false
}

// Version returns agent_version, falling back to the legacy "version" key.
func (c *Call) Version() *int64 {
	if c.AgentVersion != nil {
		return c.AgentVersion
	}
	return c.LegacyVersion
}

// CostCents returns call_cost.combined_cost in US cents.
func (c *Call) CostCents() (float64, bool) {
	if c.CallCost == nil || c.CallCost.CombinedCost == nil {
		return 0, false
	}
	return *c.CallCost.CombinedCost, true
}

// CostUSD returns the combined cost converted from cents to US dollars.
func (c *Call) CostUSD() (float64, bool) {
	cents, ok := c.CostCents()
	return cents / 100, ok
}

// Sentiment returns call_analysis.user_sentiment, or "" with ok=false when
// the call has no analysis or no sentiment (an explicit missing value, never
// a made-up "Neutral").
func (c *Call) Sentiment() (string, bool) {
	if c.CallAnalysis == nil || c.CallAnalysis.UserSentiment == nil {
		return "", false
	}
	return *c.CallAnalysis.UserSentiment, true
}

// StorageSetting returns data_storage_setting, deriving it from the legacy
// opt_out_sensitive_data_storage boolean when only that is present.
func (c *Call) StorageSetting() (string, bool) {
	switch {
	case c.DataStorageSetting != nil:
		return *c.DataStorageSetting, true
	case c.OptOutSensitiveDataStorage != nil && *c.OptOutSensitiveDataStorage:
		return StorageBasicAttributesOnly, true
	case c.OptOutSensitiveDataStorage != nil:
		return StorageEverything, true
	}
	return "", false
}

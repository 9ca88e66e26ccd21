package export

// Call statuses. Retell added not_connected in 2025; more may come, so a
// status is an open string and these are only the known values.
const (
	StatusRegistered   = "registered"
	StatusNotConnected = "not_connected"
	StatusOngoing      = "ongoing"
	StatusEnded        = "ended"
	StatusError        = "error"
)

// KnownStatuses lists the documented call_status values.
func KnownStatuses() []string {
	return []string{StatusRegistered, StatusNotConnected, StatusOngoing, StatusEnded, StatusError}
}

// Call types.
const (
	CallTypeWeb   = "web_call"
	CallTypePhone = "phone_call"
)

// Sentiments as Retell spells them (capitalised).
const (
	SentimentPositive = "Positive"
	SentimentNegative = "Negative"
	SentimentNeutral  = "Neutral"
	SentimentUnknown  = "Unknown"
)

// KnownSentiments lists the documented user_sentiment values.
func KnownSentiments() []string {
	return []string{SentimentPositive, SentimentNegative, SentimentNeutral, SentimentUnknown}
}

// Data storage settings.
const (
	StorageEverything          = "everything"
	StorageEverythingExceptPII = "everything_except_pii"
	StorageBasicAttributesOnly = "basic_attributes_only"
)

// Reason categories: a stable grouping of disconnection_reason for reports.
// Unlike the reason list it does not grow, so dashboards can rely on it.
const (
	CategoryNormal       = "normal_end"
	CategoryTransfer     = "transfer"
	CategoryVoicemail    = "voicemail"
	CategoryNotConnected = "not_connected"
	CategoryTelephony    = "telephony"
	CategoryPlatform     = "platform_error"
	CategoryBilling      = "billing_limits"
	CategoryUnknown      = "unknown"
)

// Categories lists the reason categories in report order.
func Categories() []string {
	return []string{CategoryNormal, CategoryTransfer, CategoryVoicemail, CategoryNotConnected,
		CategoryTelephony, CategoryPlatform, CategoryBilling, CategoryUnknown}
}

type reasonInfo struct {
	status   string // the call_status Retell's docs map the reason to ("" when undocumented)
	category string
	retired  bool
}

// reasons is every disconnection_reason known to this version: the 34
// current values of retell-api.md §1.9 and 4 retired ones.
var reasons = map[string]reasonInfo{
	"user_hangup":                          {StatusEnded, CategoryNormal, false},
	"agent_hangup":                         {StatusEnded, CategoryNormal, false},
	"call_transfer":                        {StatusEnded, CategoryTransfer, false},
	"voicemail_reached":                    {StatusEnded, CategoryVoicemail, false},
	"ivr_reached":                          {StatusEnded, CategoryVoicemail, false},
	"inactivity":                           {StatusEnded, CategoryNormal, false},
	"max_duration_reached":                 {StatusEnded, CategoryNormal, false},
	"dial_busy":                            {StatusNotConnected, CategoryNotConnected, false},
	"dial_failed":                          {StatusNotConnected, CategoryNotConnected, false},
	"dial_no_answer":                       {StatusNotConnected, CategoryNotConnected, false},
	"user_declined":                        {StatusNotConnected, CategoryNotConnected, false},
	"invalid_destination":                  {StatusNotConnected, CategoryTelephony, false},
	"telephony_provider_permission_denied": {StatusNotConnected, CategoryTelephony, false},
	"telephony_provider_unavailable":       {StatusNotConnected, CategoryTelephony, false},
	"sip_routing_error":                    {StatusNotConnected, CategoryTelephony, false},
	"marked_as_spam":                       {StatusNotConnected, CategoryTelephony, false},
	"concurrency_limit_reached":            {StatusError, CategoryBilling, false},
	"no_valid_payment":                     {StatusError, CategoryBilling, false},
	"scam_detected":                        {StatusError, CategoryPlatform, false},
	"error_llm_websocket_open":             {StatusError, CategoryPlatform, false},
	"error_llm_websocket_lost_connection":  {StatusError, CategoryPlatform, false},
	"error_llm_websocket_runtime":          {StatusError, CategoryPlatform, false},
	"error_llm_websocket_corrupt_payload":  {StatusError, CategoryPlatform, false},
	"error_no_audio_received":              {StatusError, CategoryPlatform, false},
	"error_asr":                            {StatusError, CategoryPlatform, false},
	"error_retell":                         {StatusError, CategoryPlatform, false},
	"error_unknown":                        {StatusError, CategoryPlatform, false},
	"error_user_not_joined":                {StatusError, CategoryPlatform, false},
	"registered_call_timeout":              {StatusError, CategoryPlatform, false},
	"no_concurrency_fallback":              {"", CategoryBilling, false},
	"transfer_bridged":                     {"", CategoryTransfer, false},
	"transfer_cancelled":                   {"", CategoryTransfer, false},
	"manual_stopped":                       {"", CategoryNormal, false},
	"call_take_over":                       {"", CategoryTransfer, false},
	"machine_detected":                     {"", CategoryVoicemail, true},
	"error_inbound_webhook":                {"", CategoryPlatform, true},
	"error_frontend_corrupted_payload":     {"", CategoryPlatform, true},
	"error_twilio":                         {"", CategoryTelephony, true},
}

// ReasonCategory groups a disconnection_reason into one of Categories.
// Unseen values are CategoryUnknown; a missing reason is "".
func ReasonCategory(reason string) string {
	if reason == "" {
		return ""
	}
	if r, ok := reasons[reason]; ok {
		return r.category
	}
	return CategoryUnknown
}

// ReasonStatusGroup returns the call_status Retell's documentation maps the
// reason to (ended, not_connected or error), "unmapped" for documented
// reasons without a mapping, "unknown" for reasons nobody documented and ""
// when there is no reason.
func ReasonStatusGroup(reason string) string {
	if reason == "" {
		return ""
	}
	r, ok := reasons[reason]
	switch {
	case !ok:
		return "unknown"
	case r.status == "":
		return "unmapped"
	}
	return r.status
}

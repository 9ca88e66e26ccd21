package main

import "encoding/json"

// scenario describes one sample call. Zero values mean "the usual": storage
// "everything", unsigned URLs, no batch, no analysis.
type scenario struct {
	name   string // stable key: seeds the RNG, so never rename casually
	group  string // README grouping
	kind   callKind
	agent  *agent
	status string
	reason string // disconnection_reason; "" = key absent
	day    int    // UTC day offset from 2026-05-28, 0..6

	script   script
	analysis *analysis

	storage    string   // "" everything | literal setting | "null" | "absent" | "legacy_opt_out"
	signed     bool     // opt_in_signed_url: URLs carry Expires/Signature
	batch      bool     // outbound batch campaign: batch_call_id
	pii        []string // "token=category" pairs scrubbed for everything_except_pii
	maxSec     float64  // cut the call at this many seconds
	ring       float64  // seconds spent ringing before not_connected
	noStart    bool     // never started: no timestamps at all
	noTimeSec  bool     // older record: no time_sec on events
	legacyCost bool     // unitPrice + total_one_time_price
	peer       string   // the customer's number, if it matters
	transferTo string   // transfer_destination

	meta, dyn, collected *obj
	tweak                func(*built)
}

// scenarios is the whole sample set, in ids.txt order.
var scenarios = []*scenario{
	// ---- ended phone calls: the everyday bulk -------------------------
	{
		name: "clinic-confirm", group: "ended", kind: phoneOut, agent: agentClinic,
		status: "ended", reason: "agent_hangup", day: 0, batch: true, script: clinicConfirm,
		meta:      o("crm_contact_id", "c-10442", "campaign", "june-reminders"),
		dyn:       o("patient_first_name", "Dana", "appointment_time", "Tuesday 10:30"),
		collected: o("confirmed", "true"),
		analysis: &analysis{summary: "The agent reminded Dana of her Tuesday 10:30 appointment and she confirmed attendance.",
			sentiment: "Positive", successful: yes,
			custom: o("appointment_confirmed", true, "reschedule_requested", false)},
	},
	{
		name: "clinic-reschedule", group: "ended", kind: phoneOut, agent: agentClinic,
		status: "ended", reason: "user_hangup", day: 1, batch: true, script: clinicReschedule,
		meta:      o("crm_contact_id", "c-10587", "campaign", "june-reminders", "attempt", 2),
		dyn:       o("patient_first_name", "Marcus", "appointment_time", "Wednesday 9:00"),
		collected: o("confirmed", "false", "new_slot", "2026-06-04T14:00"),
		analysis: &analysis{summary: "Marcus could not make Wednesday; after one failed calendar lookup the agent rebooked him for Thursday 2 PM.",
			sentiment: "Neutral", successful: yes,
			custom: o("appointment_confirmed", false, "reschedule_requested", true, "new_slot", "Thursday 14:00", "attempts_needed", 2)},
	},
	{
		name: "clinic-web-demo", group: "ended", kind: web, agent: agentClinic,
		status: "ended", reason: "agent_hangup", day: 2, script: clinicWebDemo,
		meta: o("source", "dashboard_test", "tester", o("email", "qa@example.com", "roles", []string{"admin", "qa"})),
		analysis: &analysis{summary: "A tester asked for the clinic's opening hours from the dashboard.",
			sentiment: "Positive", successful: yes, custom: o("appointment_confirmed", false, "reschedule_requested", false)},
	},
	{
		name: "sales-interested", group: "ended", kind: phoneOut, agent: agentSales,
		status: "ended", reason: "agent_hangup", day: 1, batch: true, script: salesInterested,
		meta:      o("lead_id", "ld_20931", "utm_source", "facebook", "score_model", "v3"),
		dyn:       o("first_name", "Taylor", "quote_id", "Q-55102"),
		collected: o("roof_type", "asphalt_shingle", "monthly_bill", "142.75"),
		analysis: &analysis{summary: "Taylor owns the home, pays about $140/month, has a 10-year asphalt shingle roof and booked a site survey for Saturday 10 AM.",
			sentiment: "Positive", successful: yes,
			custom: o("lead_score", 8, "interested", true, "roof_type", "asphalt_shingle", "monthly_bill_usd", 142.75)},
	},
	{
		name: "sales-not-interested", group: "ended", kind: phoneOut, agent: agentSales,
		status: "ended", reason: "user_hangup", day: 2, batch: true, script: salesNotInterested, peer: "+13055550171",
		dyn: o("first_name", "Morgan"),
		analysis: &analysis{summary: "Morgan was not interested and asked to be removed from the list; the number was added to do-not-call.",
			sentiment: "Negative", successful: no,
			custom: o("lead_score", 1, "interested", false, "do_not_call", true, "roof_type", "unknown")},
	},
	{
		// Barge-in, an empty words array, a zero-length word and an empty
		// custom_analysis_data object.
		name: "sales-barge-in", group: "ended", kind: phoneOut, agent: agentSales,
		status: "ended", reason: "user_hangup", day: 3, script: salesBargeIn,
		analysis: &analysis{summary: "The prospect was driving and asked for a callback tomorrow after five.",
			sentiment: "Neutral", successful: yes, custom: o()},
	},
	{
		name: "support-short", group: "ended", kind: phoneIn, agent: agentSupport,
		status: "ended", reason: "agent_hangup", day: 5, script: supportShort,
		analysis: &analysis{summary: "Caller asked about ticket 99120 (waiting on parts) and requested a callback.", sentiment: "Neutral", successful: yes},
		tweak: func(b *built) {
			// A custom SIP trunk: no Twilio sid, carrier headers instead.
			b.call.del("telephony_identifier")
			b.call.set("custom_sip_headers", o("X-Carrier", "ExampleTel", "X-Customer-Tier", "gold", "X-Original-DID", "+13125550110"))
		},
	},
	{
		name: "concierge-multilingual", group: "ended", kind: web, agent: agentConcierge,
		status: "ended", reason: "user_hangup", day: 0, script: conciergeMultilingual, signed: true,
		meta:      o("locale", "es-MX", "widget", o("page", "/es/reservas", "ab_bucket", 2)),
		collected: o("language", "es", "confirmation", "HH-77120"),
		analysis: &analysis{summary: "Un huésped reservó una habitación doble con vista al mar para el fin de semana (HH-77120).",
			sentiment: "Positive", successful: yes, custom: o("booking_made", true, "language", "es", "nights", 2)},
	},
	{
		// Unknown transcript role "agent_thought" with extra keys, an
		// invocation with "type": "function" and a thought_signature.
		name: "concierge-agent-thought", group: "undocumented", kind: web, agent: agentConcierge,
		status: "ended", reason: "agent_hangup", day: 1, script: conciergeThought,
		analysis: &analysis{summary: "The guest booked a rooftop table for two at 19:30 after 20:00 was unavailable.",
			sentiment: "Positive", successful: yes, custom: o("booking_made", true, "venue", "rooftop")},
	},

	// ---- ended web calls (conversation-flow agent) ---------------------
	{
		name: "orders-status-web", group: "ended", kind: web, agent: agentOrders,
		status: "ended", reason: "user_hangup", day: 0, script: orderStatusWeb, signed: true,
		meta: o("session_id", "web-7781"), dyn: o("customer_name", "Sam"),
		collected: o("previous_node", "Lookup Order", "current_node", "Wrap Up", "order_id", "A-2291"),
		analysis: &analysis{summary: "Sam asked about order A-2291; the agent looked it up and said it ships Friday.",
			sentiment: "Neutral", successful: yes, custom: o("order_id", "A-2291", "issue_type", "order_status")},
	},
	{
		name: "orders-refund-web", group: "ended", kind: web, agent: agentOrders,
		status: "ended", reason: "agent_hangup", day: 2, script: orderRefundWeb,
		meta:      o("session_id", "web-8812", "cart_value", 42.5, "logged_in", true),
		dyn:       o("customer_name", "Jordan", "loyalty_points", 1250),
		collected: o("previous_node", "Escalate to Human", "current_node", "Wrap Up"),
		analysis: &analysis{summary: "Jordan wanted a refund for a cracked blender (B-7734) but the refund window had closed; escalated to a supervisor. Customer was upset.",
			sentiment: "Negative", successful: no,
			custom: o("issue_type", "refund", "refund_amount", 42.5, "escalated", true, "order_id", "B-7734")},
	},
	{
		name: "orders-phone-sms-dtmf", group: "ended", kind: phoneIn, agent: agentOrders,
		status: "ended", reason: "user_hangup", day: 3, script: orderPhoneSMS,
		collected: o("previous_node", "Damage Claim", "current_node", "Wrap Up", "order_id", "48150"),
		analysis: &analysis{summary: "Order 48150 arrived crushed; the caller sent two photos by MMS and a free replacement was shipped.",
			sentiment: "Positive", successful: yes, custom: o("issue_type", "damaged_item", "photos_received", 2, "replacement", true)},
	},
	{
		name: "orders-web-no-analysis", group: "ended-no-analysis", kind: web, agent: agentOrders,
		status: "ended", reason: "user_hangup", day: 5, script: orderQuickWeb,
		collected: o("previous_node", "Greeting", "current_node", "Change Address"),
	},

	// ---- transfers -------------------------------------------------------
	{
		name: "support-transfer-phone", group: "transfer", kind: phoneIn, agent: agentSupport,
		status: "ended", reason: "call_transfer", day: 0, script: supportTransferPhone, transferTo: "+14155550123",
		meta: o("account", "55-190"),
		analysis: &analysis{summary: "Caller was double charged on the March invoice; warm-transferred to billing (Chris).",
			sentiment: "Neutral", successful: yes, custom: o("escalation_reason", "billing_dispute", "transferred", true)},
	},
	{
		name: "support-transfer-sip", group: "transfer", kind: phoneIn, agent: agentSupport,
		status: "ended", reason: "call_transfer", day: 4, script: supportTransferSIP,
		transferTo: "sip:tier2@pbx.example.com;transport=tls",
		analysis: &analysis{summary: "Router reboots repeatedly; transferred to tier two over SIP.",
			sentiment: "Negative", successful: yes, custom: o("escalation_reason", "technical", "transferred", true)},
	},
	{
		name: "support-transfer-bridged", group: "transfer", kind: phoneIn, agent: agentSupport,
		status: "ended", reason: "transfer_bridged", day: 5, script: supportTransferBridged, transferTo: "+13125550199",
		analysis: &analysis{summary: "Caller wants to close the account; bridged to retention.", sentiment: "Neutral", successful: yes,
			custom: o("escalation_reason", "cancellation", "transferred", true)},
	},
	{
		// transfer_destination is JSON null: the transfer never happened.
		name: "support-transfer-cancelled", group: "transfer", kind: phoneIn, agent: agentSupport,
		status: "ended", reason: "transfer_cancelled", day: 6, script: supportTransferCancelled,
		tweak: func(b *built) { b.call.set("transfer_destination", nil) },
		analysis: &analysis{summary: "Caller asked for a manager; the transfer was not answered and the caller declined further help.",
			sentiment: "Negative", successful: no, custom: o("escalation_reason", "manager_request", "transferred", false)},
	},

	// ---- voicemail, IVR, inactivity, other endings --------------------
	{
		name: "clinic-voicemail", group: "voicemail-ivr", kind: phoneOut, agent: agentClinic,
		status: "ended", reason: "voicemail_reached", day: 1, batch: true, script: clinicVoicemail,
		dyn: o("patient_first_name", "Priya", "appointment_time", "Monday 11:15"),
		analysis: &analysis{summary: "Reached Priya's voicemail and left a reminder for Monday 11:15.",
			voicemail: true, sentiment: "Unknown", successful: no, custom: o("appointment_confirmed", false, "reschedule_requested", false)},
	},
	{
		name: "clinic-voicemail-no-analysis", group: "ended-no-analysis", kind: phoneOut, agent: agentClinic,
		status: "ended", reason: "voicemail_reached", day: 2, batch: true, script: clinicVoicemail,
	},
	{
		name: "clinic-ivr", group: "voicemail-ivr", kind: phoneOut, agent: agentClinic,
		status: "ended", reason: "ivr_reached", day: 3, script: clinicIVR,
		analysis: &analysis{summary: "The call reached an insurance company's phone menu instead of the patient.",
			sentiment: "Neutral", successful: no, custom: o("appointment_confirmed", false)},
	},
	{
		name: "support-inactivity", group: "voicemail-ivr", kind: phoneIn, agent: agentSupport,
		status: "ended", reason: "inactivity", day: 4, script: supportInactivity,
		analysis: &analysis{summary: "The caller never spoke; the agent ended the call after two prompts.",
			sentiment: "Unknown", successful: no, custom: o("escalation_reason", "none")},
	},
	{
		name: "support-manual-stopped", group: "ended-no-analysis", kind: phoneIn, agent: agentSupport,
		status: "ended", reason: "manual_stopped", day: 5, script: supportShort,
	},
	{
		name: "support-call-take-over", group: "ended-no-analysis", kind: phoneIn, agent: agentSupport,
		status: "ended", reason: "call_take_over", day: 6, script: supportTakeOver,
	},

	// ---- text that breaks exporters ------------------------------------
	{
		name: "support-csv-injection", group: "nasty-text", kind: phoneIn, agent: agentSupport,
		status: "ended", reason: "user_hangup", day: 1, script: csvInjection,
		meta: o("note", `=HYPERLINK("http://evil.example","x")`, "tags", []string{"+spam", "-phishing", "@sec"}),
		analysis: &analysis{
			summary:   "=SUM(A1:A9) Caller reported a \"phishing\" SMS (=HYPERLINK(...)), +1 555 0100;\nticket #48213 opened, technician visit, firmware <b>2.1</b> & R&amp;D note.",
			sentiment: "Negative", successful: no,
			custom: o("issue_type", "=phishing", "callback_number", "+1 555 0100", "ticket_opened", true, "temperature_c", -5)},
	},
	{
		name: "concierge-unicode", group: "nasty-text", kind: phoneIn, agent: agentConcierge,
		status: "ended", reason: "agent_hangup", day: 2, script: unicodeMix, peer: "+447700900123",
		meta: o("guest_name", "Zoë Ångström\u200b-Łukasiewicz", "languages", []string{"ar", "he", "zh", "ja"}),
		dyn:  o("greeting", "مرحبا 👋", "hotel", "Harbor Hotel 東京"),
		analysis: &analysis{summary: "Guest (Zoë 👨‍👩‍👧‍👦) booked a family room near 東京駅; spoke Arabic, Hebrew and Chinese. Confirmation ＡＢＣ１２３ ✅",
			sentiment: "Positive", successful: yes, custom: o("booking_made", true, "language", "multi", "nights", 2)},
	},

	// ---- the hour-plus call ---------------------------------------------
	{
		// 70 minutes exactly, cut off by max_duration_reached mid-sentence.
		name: "support-long-max-duration", group: "long", kind: phoneIn, agent: agentSupport,
		status: "ended", reason: "max_duration_reached", day: 3, script: longSupportCall, maxSec: 4200,
		peer: "+13125550148",
		meta: o("account_id", "acc_66120", "plan", "Fiber 500"),
		analysis: &analysis{summary: "Long troubleshooting session for intermittent drops on Fiber 500: modem restarts, speed tests, splitter check, three holds with the network team. Call hit the 70-minute limit before resolution.",
			sentiment: "Negative", successful: no,
			custom: o("escalation_reason", "technical", "truck_roll_needed", true, "holds", 3)},
	},

	// ---- data storage settings -------------------------------------------
	{
		name: "orders-web-scrubbed", group: "storage", kind: web, agent: agentOrders,
		status: "ended", reason: "user_hangup", day: 4, script: orderScrubbedWeb, storage: "everything_except_pii",
		pii: []string{"Elena=person_name", "Petrova=person_name", "elena.petrova@example.com=email",
			"4242=credit_card", "17 Willow Lane=address", "Willow=address", "Lane=address"},
		collected: o("previous_node", "Greeting", "current_node", "Lookup Order"),
		analysis: &analysis{summary: "Customer {{person_name}} verified identity and confirmed order D-5520 ships tomorrow.",
			sentiment: "Positive", successful: yes, custom: o("order_id", "D-5520", "issue_type", "order_status")},
	},
	{
		name: "support-scrubbed-signed", group: "storage", kind: phoneIn, agent: agentSupport,
		status: "ended", reason: "agent_hangup", day: 6, script: supportShort, storage: "everything_except_pii", signed: true,
		// No PII was spoken, so the scrubbed copy equals the original.
		analysis: &analysis{summary: "Caller asked about a ticket and requested a callback.", sentiment: "Neutral", successful: yes,
			custom: o("escalation_reason", "none")},
	},
	{
		name: "sales-scrubbed", group: "storage", kind: phoneOut, agent: agentSales,
		status: "ended", reason: "agent_hangup", day: 4, script: salesInterested, storage: "everything_except_pii", batch: true,
		pii: []string{"Taylor=person_name"},
		analysis: &analysis{summary: "Qualified lead booked a site survey.", sentiment: "Positive", successful: yes,
			custom: o("lead_score", 8, "interested", true)},
	},
	{
		name: "sales-basic-attributes", group: "storage", kind: phoneOut, agent: agentSales,
		status: "ended", reason: "agent_hangup", day: 5, script: salesBasic, storage: "basic_attributes_only",
		analysis: &analysis{summary: "Prospect asked about financing options and will call back.", sentiment: "Neutral", successful: no,
			custom: o("lead_score", 5, "interested", true)},
	},
	{
		name: "sales-storage-null", group: "storage", kind: phoneOut, agent: agentSales,
		status: "ended", reason: "agent_hangup", day: 4, script: salesNullStorage, storage: "null",
		analysis: &analysis{summary: "Casey wants a battery storage quote by email.", sentiment: "Positive", successful: yes,
			custom: o("lead_score", 7, "interested", true, "product", "battery")},
	},

	// ---- old-shaped records ----------------------------------------------
	{
		// Retired reason, 2025-era cost shape, no agent_name/agent_tag,
		// no time_sec on events.
		name: "legacy-machine-detected", group: "legacy", kind: phoneOut, agent: agentClinic,
		status: "ended", reason: "machine_detected", day: 4, script: clinicLegacy,
		storage: "absent", legacyCost: true, noTimeSec: true,
		tweak: func(b *built) {
			b.call.set("agent_version", 4)
			b.call.del("agent_name")
			b.call.del("agent_tag")
		},
		analysis: &analysis{summary: "An answering machine picked up.", voicemail: true, sentiment: "Unknown", successful: no},
	},
	{
		name: "legacy-unit-price", group: "legacy", kind: phoneIn, agent: agentSupport,
		status: "ended", reason: "user_hangup", day: 5, script: legacyUnitPrice,
		storage: "absent", legacyCost: true, noTimeSec: true,
		tweak: func(b *built) {
			b.call.del("agent_name")
			b.call.del("duration_ms") // duration_ms arrived in 2025-05
		},
		analysis: &analysis{summary: "Caller confirmed a replacement card was mailed.", sentiment: "Positive", successful: yes},
	},
	{
		name: "legacy-opt-out", group: "legacy", kind: web, agent: agentOrders,
		status: "ended", reason: "agent_hangup", day: 6, script: orderQuickWeb,
		storage: "legacy_opt_out", legacyCost: true,
		tweak:    func(b *built) { b.call.del("agent_name"); b.call.del("agent_tag") },
		analysis: &analysis{summary: "Customer changed a delivery address.", sentiment: "Neutral", successful: yes},
	},

	// ---- undocumented keys and values ------------------------------------
	{
		name: "concierge-undocumented-keys", group: "undocumented", kind: phoneIn, agent: agentConcierge,
		status: "ended", reason: "user_hangup", day: 2, script: conciergeUndocumented,
		tweak: addUndocumentedKeys,
		analysis: &analysis{summary: "Guest in room 512 got extra towels and a 1 PM late checkout.", sentiment: "Positive", successful: yes,
			custom: o("booking_made", false, "requests", 2)},
	},
	{
		name: "unknown-status", group: "undocumented", kind: phoneOut, agent: agentSales,
		status: "queued_for_review", reason: "user_hangup", day: 6, script: unknownStatus,
	},
	{
		name: "error-quantum-flux", group: "undocumented", kind: phoneIn, agent: agentConcierge,
		status: "error", reason: "error_quantum_flux", day: 6, script: conciergeQuantum,
	},

	// ---- registered: created, never connected yet -----------------------
	{name: "registered-web", group: "registered", kind: web, agent: agentOrders, status: "registered", day: 3,
		tweak: func(b *built) { b.call.set("call_cost", zeroCost()) },
		meta:  o("session_id", "web-9001")},
	{name: "registered-web-bare", group: "registered", kind: web, agent: agentConcierge, status: "registered", day: 5},
	{name: "registered-phone", group: "registered", kind: phoneOut, agent: agentSales, status: "registered", day: 6, batch: true,
		dyn: o("first_name", "Riley")},

	// ---- not_connected: the dial never became a conversation ------------
	{name: "nc-dial-busy", group: "not_connected", kind: phoneOut, agent: agentSales, status: "not_connected", reason: "dial_busy", day: 0, batch: true, ring: 3},
	{name: "nc-dial-failed", group: "not_connected", kind: phoneOut, agent: agentClinic, status: "not_connected", reason: "dial_failed", day: 1, ring: 1},
	{name: "nc-dial-no-answer", group: "not_connected", kind: phoneOut, agent: agentClinic, status: "not_connected", reason: "dial_no_answer", day: 2, batch: true, ring: 30},
	{name: "nc-dial-no-answer-no-start", group: "not_connected", kind: phoneOut, agent: agentSales, status: "not_connected", reason: "dial_no_answer", day: 3, noStart: true},
	{name: "nc-invalid-destination", group: "not_connected", kind: phoneOut, agent: agentSales, status: "not_connected", reason: "invalid_destination", day: 3, peer: "+1555012"},
	{name: "nc-provider-unavailable", group: "not_connected", kind: phoneOut, agent: agentClinic, status: "not_connected", reason: "telephony_provider_unavailable", day: 4},
	{name: "nc-permission-denied", group: "not_connected", kind: phoneOut, agent: agentSales, status: "not_connected", reason: "telephony_provider_permission_denied", day: 4, peer: "+61491570156"},
	{name: "nc-sip-routing-error", group: "not_connected", kind: phoneOut, agent: agentSupport, status: "not_connected", reason: "sip_routing_error", day: 5,
		tweak: func(b *built) { b.call.del("telephony_identifier") }},
	{name: "nc-marked-as-spam", group: "not_connected", kind: phoneOut, agent: agentSales, status: "not_connected", reason: "marked_as_spam", day: 5, batch: true, ring: 2},
	{name: "nc-user-declined", group: "not_connected", kind: phoneOut, agent: agentClinic, status: "not_connected", reason: "user_declined", day: 6, ring: 8},

	// ---- ongoing: fetched mid-call ----------------------------------------
	{name: "ongoing-phone-inbound", group: "ongoing", kind: phoneIn, agent: agentSupport, status: "ongoing", day: 6},
	{name: "ongoing-web", group: "ongoing", kind: web, agent: agentOrders, status: "ongoing", day: 6, meta: o("session_id", "web-9120")},
	{name: "ongoing-phone-outbound", group: "ongoing", kind: phoneOut, agent: agentSales, status: "ongoing", day: 6, batch: true},

	// ---- error ------------------------------------------------------------
	{name: "err-concurrency-limit", group: "error", kind: phoneOut, agent: agentSales, status: "error", reason: "concurrency_limit_reached", day: 0, batch: true},
	{name: "err-no-valid-payment", group: "error", kind: web, agent: agentClinic, status: "error", reason: "no_valid_payment", day: 1},
	{name: "err-llm-websocket-open", group: "error", kind: phoneIn, agent: agentSupport, status: "error", reason: "error_llm_websocket_open", day: 1},
	{name: "err-llm-websocket-lost", group: "error", kind: phoneIn, agent: agentSupport, status: "error", reason: "error_llm_websocket_lost_connection", day: 2,
		script: supportLostConnection},
	{name: "err-asr", group: "error", kind: web, agent: agentConcierge, status: "error", reason: "error_asr", day: 2},
	{name: "err-retell", group: "error", kind: web, agent: agentOrders, status: "error", reason: "error_retell", day: 3},
	{name: "err-unknown", group: "error", kind: phoneOut, agent: agentClinic, status: "error", reason: "error_unknown", day: 4},
	{name: "err-registered-call-timeout", group: "error", kind: web, agent: agentOrders, status: "error", reason: "registered_call_timeout", day: 4, noStart: true},
	{name: "err-user-not-joined", group: "error", kind: web, agent: agentConcierge, status: "error", reason: "error_user_not_joined", day: 5, noStart: true},
	{name: "err-no-audio", group: "error", kind: web, agent: agentOrders, status: "error", reason: "error_no_audio_received", day: 5},
	{name: "err-scam-detected", group: "error", kind: phoneIn, agent: agentSupport, status: "error", reason: "scam_detected", day: 0, peer: "+19005550100"},
	{name: "err-no-concurrency-fallback", group: "error", kind: phoneIn, agent: agentClinic, status: "error", reason: "no_concurrency_fallback", day: 3},
	{name: "err-llm-websocket-runtime", group: "error", kind: web, agent: agentSupport, status: "error", reason: "error_llm_websocket_runtime", day: 6,
		script: fixed(ag("Inbound Support Desk, this is Ava. How can I help?"), us("Hi, I"))},
}

// addUndocumentedKeys adds two top-level keys the docs don't list. tool_calls
// was seen live (§1.12); its shape here follows the v3 list filter's
// tool_calls criteria (name, type, latency_ms, success). x_future_field uses
// a json.Number so "2.50" keeps its trailing zero on the wire.
func addUndocumentedKeys(b *built) {
	var calls []*obj
	for _, t := range b.conv.tools {
		calls = append(calls, o("tool_call_id", t.id, "name", t.name, "type", "custom", "latency_ms", t.latencyMS, "success", t.ok != okFalse))
	}
	b.call.set("tool_calls", calls)
	b.call.set("x_future_field", o("nested", []any{1, json.Number("2.50"), "x"}, "enabled", nil))
}

package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
)

// committed is the samples directory relative to this package.
const committed = ".."

// TestCommittedSamplesMatchGenerator regenerates everything and requires the
// committed files to be byte-identical, so they can never drift from the code.
func TestCommittedSamplesMatchGenerator(t *testing.T) {
	dir := t.TempDir()
	n, err := generate(dir)
	if err != nil {
		t.Fatal(err)
	}
	if n < 60 {
		t.Errorf("only %d scenarios, want at least 60", n)
	}
	want := listDir(t, filepath.Join(dir, "calls"))
	got := listDir(t, filepath.Join(committed, "calls"))
	if !slices.Equal(want, got) {
		t.Fatalf("committed samples/calls differs from generator output; run `go run ./samples/gen`\n generated: %d files\n committed: %d files", len(want), len(got))
	}
	for _, name := range append(want, "ids.txt") {
		rel := filepath.Join("calls", name)
		if name == "ids.txt" {
			rel = name
		}
		g := readFile(t, filepath.Join(dir, rel))
		c := readFile(t, filepath.Join(committed, rel))
		if !bytes.Equal(g, c) {
			t.Errorf("%s: committed file differs from generator output; run `go run ./samples/gen`", rel)
		}
	}
	// A second run must produce identical bytes too (no hidden state).
	dir2 := t.TempDir()
	if _, err := generate(dir2); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(readFile(t, filepath.Join(dir, "ids.txt")), readFile(t, filepath.Join(dir2, "ids.txt"))) {
		t.Error("two runs produced different ids.txt")
	}
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sample is one committed call, decoded with json.Number so no precision is
// lost before the checks.
type sample struct {
	file string
	raw  []byte
	m    map[string]any
}

func loadSamples(t *testing.T) []sample {
	t.Helper()
	dir := filepath.Join(committed, "calls")
	var out []sample
	var total int64
	for _, name := range listDir(t, dir) {
		raw := readFile(t, filepath.Join(dir, name))
		total += int64(len(raw))
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			t.Fatalf("%s: invalid JSON: %v", name, err)
		}
		if dec.More() {
			t.Fatalf("%s: trailing data after the JSON object", name)
		}
		if !strings.HasSuffix(string(raw), "}\n") {
			t.Errorf("%s: want a trailing newline after the object", name)
		}
		out = append(out, sample{name, raw, m})
	}
	if total > 8<<20 {
		t.Errorf("samples total %d bytes, want under 8 MiB", total)
	}
	return out
}

var idRE = regexp.MustCompile(`^call_[0-9a-f]{27}$`)

func TestIDs(t *testing.T) {
	ss := loadSamples(t)
	seen := map[string]bool{}
	for _, s := range ss {
		id, _ := s.m["call_id"].(string)
		if !idRE.MatchString(id) {
			t.Errorf("%s: call_id %q does not match %s", s.file, id, idRE)
		}
		if s.file != id+".json" {
			t.Errorf("%s: file name does not match call_id %q", s.file, id)
		}
		if seen[id] {
			t.Errorf("duplicate call_id %s", id)
		}
		seen[id] = true
		if !bytes.HasPrefix(s.raw, []byte("{\n  \"call_id\": ")) {
			t.Errorf("%s: call_id is not the first key", s.file)
		}
	}
	lines := strings.Split(strings.TrimSuffix(string(readFile(t, filepath.Join(committed, "ids.txt"))), "\n"), "\n")
	if len(lines) == 0 || !strings.HasPrefix(lines[0], "#") {
		t.Fatal("ids.txt must start with a # comment line")
	}
	ids := lines[1:]
	if len(ids) != len(seen) {
		t.Errorf("ids.txt lists %d ids, there are %d files", len(ids), len(seen))
	}
	for _, id := range ids {
		if !seen[id] {
			t.Errorf("ids.txt lists %q with no file", id)
		}
	}
	// README.md names notable calls; those ids must exist.
	readme := readFile(t, filepath.Join(committed, "README.md"))
	for _, id := range regexp.MustCompile(`call_[0-9a-f]{27}`).FindAllString(string(readme), -1) {
		if !seen[id] {
			t.Errorf("README.md mentions %s, which is not a sample", id)
		}
	}
}

func num(t *testing.T, v any) float64 {
	t.Helper()
	n, ok := v.(json.Number)
	if !ok {
		t.Fatalf("not a number: %#v", v)
	}
	f, err := n.Float64()
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func arr(v any) []any             { a, _ := v.([]any); return a }
func object(v any) map[string]any { m, _ := v.(map[string]any); return m }

// TestConsistency checks the arithmetic every sample must satisfy.
func TestConsistency(t *testing.T) {
	for _, s := range loadSamples(t) {
		m := s.m
		start, hasStart := m["start_timestamp"]
		end, hasEnd := m["end_timestamp"]
		if d, ok := m["duration_ms"]; ok && hasStart && hasEnd {
			if num(t, d) != num(t, end)-num(t, start) {
				t.Errorf("%s: duration_ms %v != end-start %v", s.file, d, num(t, end)-num(t, start))
			}
		}
		if hasStart {
			if ts := num(t, start); ts < 1780000000000 || ts > 1780600000000 {
				t.Errorf("%s: start_timestamp %v out of range", s.file, ts)
			}
		}
		if cc := object(m["call_cost"]); cc != nil {
			sum := 0.0
			for _, p := range arr(cc["product_costs"]) {
				sum += num(t, object(p)["cost"])
			}
			if c := num(t, cc["combined_cost"]); math.Abs(c-sum) > 1e-9 {
				t.Errorf("%s: combined_cost %v != sum of product costs %v", s.file, c, sum)
			}
		}
		for name, l := range object(m["latency"]) {
			l := object(l)
			vals := arr(l["values"])
			if int(num(t, l["num"])) != len(vals) {
				t.Errorf("%s: latency.%s num %v != len(values) %d", s.file, name, l["num"], len(vals))
			}
			lo, hi := math.Inf(1), math.Inf(-1)
			for _, v := range vals {
				lo, hi = math.Min(lo, num(t, v)), math.Max(hi, num(t, v))
			}
			if num(t, l["min"]) != lo || num(t, l["max"]) != hi {
				t.Errorf("%s: latency.%s min/max disagree with values", s.file, name)
			}
			for _, p := range []string{"p50", "p90", "p95", "p99"} {
				if v := num(t, l[p]); v < lo || v > hi {
					t.Errorf("%s: latency.%s %s=%v outside [min,max]", s.file, name, p, v)
				}
			}
		}
		if u := object(m["llm_token_usage"]); u != nil {
			if int(num(t, u["num_requests"])) != len(arr(u["values"])) {
				t.Errorf("%s: llm_token_usage num_requests != len(values)", s.file)
			}
		}
		checkWords(t, s)
	}
}

// checkWords: word times are seconds from call start, ordered inside a turn,
// and never past the end of the call.
func checkWords(t *testing.T, s sample) {
	limit := math.Inf(1)
	if d, ok := s.m["duration_ms"]; ok {
		limit = num(t, d) / 1000
	}
	for _, key := range []string{"transcript_object", "transcript_with_tool_calls", "scrubbed_transcript_with_tool_calls"} {
		for i, it := range arr(s.m[key]) {
			prev := 0.0
			for _, w := range arr(object(it)["words"]) {
				w := object(w)
				st, en := num(t, w["start"]), num(t, w["end"])
				if st > en || st < prev || en > limit {
					t.Errorf("%s: %s[%d] word %v has bad timing (prev end %v, call %vs)", s.file, key, i, w["word"], prev, limit)
				}
				prev = en
			}
		}
	}
}

// TestCoverage holds the promises made in README.md: every status, reason
// and awkward shape an exporter must survive is present.
func TestCoverage(t *testing.T) {
	ss := loadSamples(t)
	has := map[string]bool{} // feature flags collected across all samples
	set := func(k string) { has[k] = true }
	statuses := map[string]int{}
	reasons := map[string]bool{}
	agents := map[string]bool{}
	days := map[string]bool{}
	endedNoAnalysis := 0
	scrubbed := 0

	for _, s := range ss {
		m := s.m
		status := m["call_status"].(string)
		statuses[status]++
		if r, ok := m["disconnection_reason"].(string); ok {
			reasons[r] = true
		}
		agents[m["agent_id"].(string)] = true
		switch m["call_type"] {
		case "web_call":
			set("web")
			if tok, _ := m["access_token"].(string); strings.Count(tok, ".") != 2 {
				t.Errorf("%s: web call without a JWT-looking access_token", s.file)
			}
		case "phone_call":
			set("phone_" + m["direction"].(string))
			if _, ok := m["from_number"].(string); !ok {
				t.Errorf("%s: phone call without from_number", s.file)
			}
		}
		if v, ok := m["agent_version"]; ok && num(t, v) == 0 {
			set("agent_version_0")
		}
		switch tag, ok := m["agent_tag"]; {
		case !ok:
			set("tag_absent")
		case tag == nil:
			set("tag_null")
		default:
			set("tag_string")
		}
		if st, ok := m["start_timestamp"]; ok {
			days[time.UnixMilli(int64(num(t, st))).UTC().Format(time.DateOnly)] = true
		}
		if d, ok := m["duration_ms"]; ok && num(t, d) > 3_600_000 {
			set("over_an_hour")
		}
		tr, _ := m["transcript"].(string)
		if len(tr) > 32767 {
			set("transcript_over_32767")
		}
		checkStatusShape(t, s, status, set)

		if a := object(m["call_analysis"]); a != nil {
			set("sentiment_" + a["user_sentiment"].(string))
			if v, ok := a["call_successful"].(bool); ok {
				set("successful_" + map[bool]string{true: "true", false: "false"}[v])
			}
			if a["in_voicemail"] == true {
				set("in_voicemail")
			}
			if c, ok := a["custom_analysis_data"].(map[string]any); ok {
				if len(c) == 0 {
					set("custom_empty")
				}
				for _, v := range c {
					switch v.(type) {
					case string:
						set("custom_string")
					case json.Number:
						set("custom_number")
					case bool:
						set("custom_bool")
					}
				}
			}
		} else if status == "ended" {
			endedNoAnalysis++
		}
		if _, ok := m["scrubbed_transcript_with_tool_calls"]; ok {
			scrubbed++
		}
		checkItems(t, s, set)
		checkText(m, set)
		checkMisc(t, s, set)
	}

	for _, st := range []string{"registered", "not_connected", "ongoing", "ended", "error"} {
		if statuses[st] == 0 {
			t.Errorf("no sample with call_status %q", st)
		}
	}
	if len(statuses) < 6 {
		t.Errorf("want an undocumented call_status too, have %v", statuses)
	}
	for _, r := range []string{
		"user_hangup", "agent_hangup", "call_transfer", "voicemail_reached", "ivr_reached", "inactivity",
		"max_duration_reached", "dial_busy", "dial_failed", "dial_no_answer", "invalid_destination",
		"telephony_provider_unavailable", "sip_routing_error", "marked_as_spam", "user_declined",
		"concurrency_limit_reached", "no_valid_payment", "error_llm_websocket_open", "error_asr",
		"error_retell", "error_unknown", "registered_call_timeout", "transfer_bridged", "manual_stopped",
		"machine_detected", "error_quantum_flux",
	} {
		if !reasons[r] {
			t.Errorf("no sample with disconnection_reason %q", r)
		}
	}
	if len(agents) < 4 {
		t.Errorf("%d agents, want at least 4", len(agents))
	}
	if len(days) < 5 {
		t.Errorf("calls span %d UTC days, want at least 5", len(days))
	}
	if endedNoAnalysis < 2 {
		t.Errorf("%d ended calls without call_analysis, want several", endedNoAnalysis)
	}
	if scrubbed < 2 {
		t.Errorf("%d calls with scrubbed_transcript_with_tool_calls, want a few", scrubbed)
	}
	for _, f := range []string{
		"web", "phone_inbound", "phone_outbound", "agent_version_0", "tag_absent", "tag_null", "tag_string",
		"over_an_hour", "transcript_over_32767",
		"sentiment_Positive", "sentiment_Negative", "sentiment_Neutral", "sentiment_Unknown",
		"successful_true", "successful_false", "in_voicemail",
		"custom_empty", "custom_string", "custom_number", "custom_bool",
		// transcript items
		"role_tool_call_invocation", "role_tool_call_result", "role_node_transition", "role_dtmf",
		"role_sms", "role_injected", "role_transfer_target", "role_unknown", "sms_multimedia",
		"transition_normal", "transition_global", "transition_auto",
		"result_ok_true", "result_ok_false", "result_ok_absent", "type_function", "thought_signature",
		"time_sec_tool", "time_sec_node", "time_sec_dtmf",
		"barge_in", "same_role_twice", "zero_length_word", "empty_words",
		// hostile text
		"lead_=", "lead_+", "lead_-", "lead_@", "quote", "comma", "newline_in_content", "crlf", "tab",
		"zwj", "flag", "rtl", "cjk", "zero_width", "markup", "entity",
		// costs, storage, legacy
		"unit_price", "unitPrice", "total_one_time_price", "opt_out_sensitive_data_storage",
		"transfer_leg_cost", "llm_token_usage_product",
		"storage_everything", "storage_everything_except_pii", "storage_basic_attributes_only", "storage_null",
		"latency_e2e", "latency_llm", "latency_tts", "latency_asr", "latency_knowledge_base", "latency_s2s",
		"latency_llm_websocket_network_rtt", "latency_empty", "llm_token_usage",
		// context and URLs
		"metadata", "retell_llm_dynamic_variables", "collected_dynamic_variables", "custom_sip_headers",
		"twilio_call_sid", "recording_url", "recording_multi_channel_url", "scrubbed_recording_url",
		"scrubbed_recording_multi_channel_url", "public_log_url", "knowledge_base_retrieved_contents_url",
		"opt_in_signed_url_true", "batch_call_id", "transfer_end_timestamp", "transfer_destination_null",
		"sip_transfer_destination",
		// undocumented top-level keys
		"tool_calls", "x_future_field_2.50",
	} {
		if !has[f] {
			t.Errorf("no sample covers %q", f)
		}
	}
}

// checkStatusShape: which fields each status may carry.
func checkStatusShape(t *testing.T, s sample, status string, set func(string)) {
	m := s.m
	_, hasStart := m["start_timestamp"]
	_, hasEnd := m["end_timestamp"]
	_, hasTranscript := m["transcript"]
	switch status {
	case "registered":
		if hasStart || hasEnd || hasTranscript {
			t.Errorf("%s: registered call with timestamps or transcript", s.file)
		}
		if cc := object(m["call_cost"]); cc != nil && (len(arr(cc["product_costs"])) != 0 || num(t, cc["combined_cost"]) != 0) {
			t.Errorf("%s: registered call with a non-zero call_cost", s.file)
		}
	case "not_connected":
		if hasTranscript {
			t.Errorf("%s: not_connected call with a transcript", s.file)
		}
		if r, _ := m["disconnection_reason"].(string); !strings.HasPrefix(r, "dial_") && !slices.Contains([]string{
			"invalid_destination", "telephony_provider_permission_denied", "telephony_provider_unavailable",
			"sip_routing_error", "marked_as_spam", "user_declined"}, r) {
			t.Errorf("%s: not_connected with reason %q", s.file, r)
		}
	case "ongoing":
		if !hasStart || hasEnd {
			t.Errorf("%s: ongoing call must have start_timestamp and no end_timestamp", s.file)
		}
	}
	if r := m["disconnection_reason"]; r == "voicemail_reached" {
		if a := object(m["call_analysis"]); a != nil && a["in_voicemail"] != true {
			t.Errorf("%s: voicemail_reached but in_voicemail is not true", s.file)
		}
	}
	if m["data_storage_setting"] == "basic_attributes_only" || m["opt_out_sensitive_data_storage"] == true {
		for _, k := range []string{"transcript", "transcript_object", "transcript_with_tool_calls", "recording_url", "public_log_url"} {
			if _, ok := m[k]; ok {
				t.Errorf("%s: %s present although storage forbids it", s.file, k)
			}
		}
	}
	if m["disconnection_reason"] == "call_transfer" {
		if _, ok := m["transfer_destination"].(string); !ok {
			t.Errorf("%s: call_transfer without transfer_destination", s.file)
		}
		if _, ok := m["transfer_end_timestamp"]; !ok {
			t.Errorf("%s: call_transfer without transfer_end_timestamp", s.file)
		}
	}
}

// checkItems looks at transcript items: roles, tool-call shapes, timings.
func checkItems(t *testing.T, s sample, set func(string)) {
	known := []string{"agent", "user", "transfer_target", "tool_call_invocation", "tool_call_result",
		"node_transition", "dtmf", "sms", "injected"}
	for _, it := range arr(s.m["transcript_with_tool_calls"]) {
		it := object(it)
		role, _ := it["role"].(string)
		if slices.Contains(known, role) {
			set("role_" + role)
		} else {
			set("role_unknown")
		}
		_, hasTime := it["time_sec"]
		switch role {
		case "tool_call_invocation":
			args, ok := it["arguments"].(string)
			if !ok || !json.Valid([]byte(args)) {
				t.Errorf("%s: tool_call_invocation arguments must be a string holding JSON, got %#v", s.file, it["arguments"])
			}
			if it["type"] == "function" {
				set("type_function")
			}
			if _, ok := it["thought_signature"]; ok {
				set("thought_signature")
			}
			if hasTime {
				set("time_sec_tool")
			}
		case "tool_call_result":
			switch it["successful"] {
			case true:
				set("result_ok_true")
			case false:
				set("result_ok_false")
			case nil:
				set("result_ok_absent")
			}
		case "node_transition":
			if tt, ok := it["transition_type"].(string); ok {
				set("transition_" + tt)
			}
			if hasTime {
				set("time_sec_node")
			}
		case "dtmf":
			if hasTime {
				set("time_sec_dtmf")
			}
		case "sms":
			if len(arr(it["multimedia"])) > 0 {
				set("sms_multimedia")
			}
		}
	}
	utts := arr(s.m["transcript_object"])
	for i, u := range utts {
		u := object(u)
		ws := arr(u["words"])
		if _, ok := u["words"]; ok && len(ws) == 0 {
			set("empty_words")
		}
		for _, w := range ws {
			if w := object(w); num(t, w["start"]) == num(t, w["end"]) {
				set("zero_length_word")
			}
		}
		if i == 0 {
			continue
		}
		prev := object(utts[i-1])
		if prev["role"] == u["role"] {
			set("same_role_twice")
		}
		if pw := arr(prev["words"]); len(pw) > 0 && len(ws) > 0 && u["role"] != prev["role"] &&
			num(t, object(ws[0])["start"]) < num(t, object(pw[len(pw)-1])["end"]) {
			set("barge_in")
		}
	}
}

// checkText looks for text that breaks CSV, spreadsheets and terminals in
// transcript contents and summaries.
func checkText(m map[string]any, set func(string)) {
	var texts []string
	for _, u := range arr(m["transcript_object"]) {
		texts = append(texts, object(u)["content"].(string))
	}
	if a := object(m["call_analysis"]); a != nil {
		if s, ok := a["call_summary"].(string); ok {
			texts = append(texts, s)
		}
	}
	for _, s := range texts {
		if s != "" && strings.ContainsAny(s[:1], "=+-@") {
			set("lead_" + s[:1])
		}
		checks := map[string]bool{
			"quote": strings.Contains(s, `"`), "comma": strings.Contains(s, ","),
			"newline_in_content": strings.Contains(s, "\n"), "crlf": strings.Contains(s, "\r\n"),
			"tab": strings.Contains(s, "\t"), "zwj": strings.Contains(s, "\u200d"),
			"flag": strings.Contains(s, "🇯🇵"), "zero_width": strings.ContainsAny(s, "\u200b\u200e\u200f\ufeff"),
			"markup": strings.Contains(s, "<b>"), "entity": strings.Contains(s, "&amp;"),
		}
		for k, v := range checks {
			if v {
				set(k)
			}
		}
		for _, r := range s {
			switch {
			case unicode.Is(unicode.Arabic, r), unicode.Is(unicode.Hebrew, r):
				set("rtl")
			case unicode.Is(unicode.Han, r):
				set("cjk")
			}
		}
	}
}

// checkMisc records which optional fields and legacy shapes appear.
func checkMisc(t *testing.T, s sample, set func(string)) {
	m := s.m
	for _, k := range []string{"metadata", "retell_llm_dynamic_variables", "collected_dynamic_variables",
		"custom_sip_headers", "recording_url", "recording_multi_channel_url", "scrubbed_recording_url",
		"scrubbed_recording_multi_channel_url", "public_log_url", "knowledge_base_retrieved_contents_url",
		"batch_call_id", "transfer_end_timestamp", "llm_token_usage", "tool_calls",
		"opt_out_sensitive_data_storage"} {
		if _, ok := m[k]; ok {
			set(k)
		}
	}
	if ti := object(m["telephony_identifier"]); ti != nil && ti["twilio_call_sid"] != nil {
		set("twilio_call_sid")
	}
	if m["opt_in_signed_url"] == true {
		set("opt_in_signed_url_true")
	}
	if v, ok := m["transfer_destination"]; ok && v == nil {
		set("transfer_destination_null")
	}
	if d, _ := m["transfer_destination"].(string); strings.HasPrefix(d, "sip:") {
		set("sip_transfer_destination")
	}
	switch v, ok := m["data_storage_setting"]; {
	case ok && v == nil:
		set("storage_null")
	case ok:
		set("storage_" + v.(string))
	}
	if l, ok := m["latency"].(map[string]any); ok {
		if len(l) == 0 {
			set("latency_empty")
		}
		for k := range l {
			set("latency_" + k)
		}
	}
	if cc := object(m["call_cost"]); cc != nil {
		if _, ok := cc["total_one_time_price"]; ok {
			set("total_one_time_price")
		}
		for _, p := range arr(cc["product_costs"]) {
			p := object(p)
			for _, k := range []string{"unit_price", "unitPrice"} {
				if _, ok := p[k]; ok {
					set(k)
				}
			}
			if p["is_transfer_leg_cost"] == true {
				set("transfer_leg_cost")
			}
			if p["product"] == "llm_token_usage" {
				set("llm_token_usage_product")
			}
		}
	}
	if _, ok := m["x_future_field"]; ok && bytes.Contains(s.raw, []byte("2.50")) {
		set("x_future_field_2.50")
	}
}

package formats

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/retell-export/retell-export/export"
)

func TestTablesDefinitions(t *testing.T) {
	snake := regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	for _, tb := range Tables(true) {
		seen := map[string]bool{}
		if tb.Columns[0].Name != "call_id" {
			t.Errorf("%s: first column %q, want call_id (the join key)", tb.Name, tb.Columns[0].Name)
		}
		for _, c := range tb.Columns {
			if !snake.MatchString(c.Name) || seen[c.Name] {
				t.Errorf("%s.%s: not snake_case or duplicated", tb.Name, c.Name)
			}
			seen[c.Name] = true
			if c.Doc == "" {
				t.Errorf("%s.%s: no doc tag", tb.Name, c.Name)
			}
			if c.Name == "date" {
				t.Errorf("%s: a column named date would clash with the Hive partition key", tb.Name)
			}
		}
	}
}

// The column reference in docs/columns.md is generated from the table
// definitions: -update rewrites it, and it must match them.
func TestColumnReference(t *testing.T) {
	var doc bytes.Buffer
	if err := WriteTableDocs(&doc); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"## calls", "## words", "| `cost_usd` | decimal(18,8) | USD | yes |", "| `start_time` | timestamp (ms, UTC) | UTC | yes |"} {
		if !strings.Contains(doc.String(), want) {
			t.Errorf("table docs lack %q", want)
		}
	}
	const path = "../docs/columns.md"
	if *update {
		if err := os.WriteFile(path, doc.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(got, doc.Bytes()) {
		t.Errorf("%s differs from the table definitions (%v): run go test ./formats -run TestColumnReference -update", path, err)
	}
}

func TestCallRowUnitsAndNulls(t *testing.T) {
	cs := decodeAll(t, fixtureBodies(t))
	phone, web, reg, nc, plain := callRowOf(cs[0]), callRowOf(cs[1]), callRowOf(cs[2]), callRowOf(cs[3]), callRowOf(cs[4])
	checks := []struct {
		name      string
		got, want any
	}{
		{"cost_usd from cents", *phone.CostUSD.USD(), 0.19845},
		{"cost_cents as sent", *phone.CostCents, MicroCents(19_845_000)},
		{"duration_s", *phone.DurationS, 94.5},
		{"start_time UTC", phone.StartTime.Format("2006-01-02T15:04:05.000Z07:00"), "2026-05-28T20:26:40.000Z"},
		{"reason status group", *phone.ReasonStatusGroup, "ended"},
		{"reason category", *phone.ReasonCategory, "normal_end"},
		{"tokens total", *phone.LLMTokensTotal, int64(3132)},
		{"llm requests", *phone.LLMRequests, int64(2)},
		{"e2e p99", *phone.E2EP99ms, 1343.5},
		{"tts absent", phone.TTSP50ms == nil, true},
		{"events", phone.EventCount, int64(3)},
		{"utterances", phone.UtteranceCount, int64(2)},
		{"words", phone.WordCount, int64(7)},
		{"metadata json", *phone.MetadataJSON, `{"crm_contact_id":"c-10442"}`},
		{"agent_version 0 is data", *web.AgentVersion, int64(0)},
		{"undocumented reason", *web.ReasonStatusGroup, "unknown"},
		{"unknown category", *web.ReasonCategory, "unknown"},
		{"zero cost is data", *web.CostUSD, MicroCents(0)},
		{"utterances from tool-call transcript", web.UtteranceCount, int64(2)},
		{"talk time: a role with untimed turns gets 0", *web.UserTalkS, 0.0},
		{"registered: no analysis", reg.AnalysisPresent, false},
		{"registered: sentiment missing, not guessed", reg.UserSentiment == nil, true},
		{"registered: no start", reg.StartTime == nil, true},
		{"registered: no duration", reg.DurationS == nil, true},
		{"registered: no cost", reg.CostUSD == nil, true},
		{"registered: no talk time", reg.AgentTalkS == nil, true},
		{"registered: no reason", reg.DisconnectionReason == nil && reg.ReasonCategory == nil, true},
		{"legacy version key", *nc.AgentVersion, int64(7)},
		{"legacy storage boolean", *nc.DataStorageSetting, "basic_attributes_only"},
		{"not connected group", *nc.ReasonStatusGroup, "not_connected"},
		{"plain transcript turns", plain.UtteranceCount, int64(2)},
		{"plain transcript: no timing", plain.AgentTalkS == nil, true},
		{"duration from timestamps", *plain.DurationS, 30.0},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}
}

// is_transfer_leg is false where the answer is known to be no: on a call
// that was not transferred, and beside an item of the same call that
// carries the flag; NULL only on a transferred call whose record has no
// flag at all (it predates the field).
func TestIsTransferLegKnownNo(t *testing.T) {
	for _, tc := range []struct {
		name, reason, items string
		want                []string // per item: true, false or null
	}{
		{"not transferred, no flags", "user_hangup", `[{"product":"a","cost":1},{"product":"b","cost":2}]`, []string{"false", "false"}},
		{"transferred, no flags", "call_transfer", `[{"product":"a","cost":1},{"product":"b","cost":2}]`, []string{"null", "null"}},
		{"transferred, one flag", "call_transfer", `[{"product":"a","cost":1},{"product":"b","cost":2,"is_transfer_leg_cost":true}]`, []string{"false", "true"}},
		{"cancelled transfer: not transferred", "transfer_cancelled", `[{"product":"a","cost":1}]`, []string{"false"}},
	} {
		body := fmt.Sprintf(`{"call_id":"call_x","call_type":"phone_call","agent_id":"a","call_status":"ended","disconnection_reason":%q,"call_cost":{"product_costs":%s,"combined_cost":3}}`, tc.reason, tc.items)
		c, err := export.DecodeCall([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range AppendCostItemRows(nil, c) {
			switch {
			case r.IsTransferLeg == nil:
				got = append(got, "null")
			default:
				got = append(got, strconv.FormatBool(*r.IsTransferLeg))
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: is_transfer_leg %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestChildRows(t *testing.T) {
	cs := decodeAll(t, fixtureBodies(t))
	var r Rows
	r.Build(cs[0], true)
	if len(r.CostItems) != 3 || *r.CostItems[1].UnitPriceCentsPerS != 116_700 || !*r.CostItems[2].IsTransferLeg ||
		r.CostItems[0].IsTransferLeg == nil || *r.CostItems[0].IsTransferLeg {
		t.Errorf("cost items: legacy unitPrice or transfer flag lost (an item beside a flagged one is false): %+v", r.CostItems)
	}
	if e := r.Events[0]; e.Kind != "tool_call_invocation" || *e.Arguments != `{"id":"apt_5521"}` || e.UtterancesBefore != 1 || e.Seq != 1 {
		t.Errorf("invocation row: %+v", e)
	}
	if e := r.Events[1]; e.Kind != "tool_call_result" || e.ToolName == nil || *e.ToolName != "confirm" {
		t.Errorf("result row: tool_name not taken from its invocation: %+v", e)
	}
	if e := r.Events[2]; e.Kind != "dtmf" || *e.Digit != "#" || *e.TimeS != 9.5 || e.UtterancesBefore != 2 {
		t.Errorf("dtmf row: %+v", e)
	}
	wantCustom := []struct{ key, typ, text string }{
		// encoding/json sorts map keys, so this is the order of the body
		{"appointment_confirmed", "boolean", "true"}, {"missing", "null", ""}, {"note", "string", "=1+1"}, {"score", "number", "-3.5"}, {"tags", "array", `["a"]`},
	}
	if len(r.CustomAnalysis) != len(wantCustom) {
		t.Fatalf("custom rows: %+v", r.CustomAnalysis)
	}
	for i, w := range wantCustom {
		g := r.CustomAnalysis[i]
		text := ""
		if g.ValueText != nil {
			text = *g.ValueText
		}
		if g.Key != w.key || g.ValueType != w.typ || text != w.text {
			t.Errorf("custom %d: got %s %s %q, want %+v", i, g.Key, g.ValueType, text, w)
		}
	}
	if ca := r.CustomAnalysis; *ca[0].ValueBool != true || *ca[3].ValueNumber != -3.5 || ca[2].ValueNumber != nil || ca[1].ValueText != nil {
		t.Errorf("typed custom values wrong: %+v", ca)
	}
	if len(r.Words) != 7 || r.Words[2].UtteranceSeq != 1 || r.Words[2].Word != "Oh" {
		t.Errorf("words: %+v", r.Words)
	}

	r.Build(cs[1], false)
	kinds := []string{}
	for _, e := range r.Events {
		kinds = append(kinds, e.Kind)
	}
	if strings.Join(kinds, ",") != "node_transition,sms,injected,hologram" {
		t.Errorf("web event kinds %v", kinds)
	}
	if e := r.Events[3]; e.RawJSON == nil || !strings.Contains(*e.RawJSON, `"payload":{"x":1}`) {
		t.Errorf("unknown kind lost its raw JSON: %+v", e)
	}
	if e := r.Events[1]; *e.MultimediaJSON != `[{"url":"https://example.invalid/p.jpg","summary":"a receipt"}]` {
		t.Errorf("sms multimedia: %v", *e.MultimediaJSON)
	}
	if len(r.Words) != 0 || len(r.CustomAnalysis) != 0 || len(r.CostItems) != 0 {
		t.Errorf("rows left over from the previous call: %d words %d custom %d cost", len(r.Words), len(r.CustomAnalysis), len(r.CostItems))
	}
	for _, c := range cs {
		if b, _ := json.Marshal(callRowOf(c)); strings.Contains(string(b), "SECRET-TOKEN") {
			t.Errorf("%s: access_token leaked into a row", c.CallID)
		}
	}
}

func TestLongAndEmptyCalls(t *testing.T) {
	long := decode(t, mustJSON(t, longCall("call_long", 2, 1780300000000)))
	var r Rows
	r.Build(long, true)
	if r.Call.UtteranceCount != 1200 || len(r.Utterances) != 1200 || *r.Call.DurationS != 7200 {
		t.Errorf("2-hour call: %d utterances, duration %v", r.Call.UtteranceCount, *r.Call.DurationS)
	}
	if last := r.Utterances[len(r.Utterances)-1]; *last.EndS < 7190 || *last.EndS > 7200 {
		t.Errorf("2-hour call: last utterance ends at %v s", *last.EndS)
	}
	if talk := *r.Call.AgentTalkS + *r.Call.UserTalkS; talk <= 0 || talk > 7200 {
		t.Errorf("talk time %v", talk)
	}
	empty := decode(t, `{"call_id":"call_empty","call_type":"web_call","agent_id":"a","call_status":"ended","transcript_object":[],"transcript":""}`)
	r.Build(empty, true)
	if r.Call.UtteranceCount != 0 || r.Call.WordCount != 0 || r.Call.AgentTalkS != nil || len(r.Utterances)+len(r.Events)+len(r.Words) != 0 {
		t.Errorf("empty call rows: %+v", r)
	}
}

func TestCountWords(t *testing.T) {
	for _, s := range []string{"", " ", "one", " two  words ", "a\tb\nc\r\nd", trickyText, "漢字 かな"} {
		if got, want := countWords(s), int64(len(strings.Fields(s))); got != want {
			t.Errorf("countWords(%q) = %d, want %d", s, got, want)
		}
	}
}

// rawFacts are aggregates computed straight from the JSON with maps,
// independently of the row builders, to check the tables against.
type rawFacts struct {
	calls     int
	costCents float64
	reasons   map[string]int
	perCall   map[string][5]int // utterances, events, cost items, custom keys, latency samples
}

func factsFromJSON(t *testing.T, bodies []string) rawFacts {
	f := rawFacts{reasons: map[string]int{}, perCall: map[string][5]int{}}
	for _, b := range bodies {
		var m map[string]any
		if err := json.Unmarshal([]byte(b), &m); err != nil {
			t.Fatal(err)
		}
		f.calls++
		id := m["call_id"].(string)
		if r, ok := m["disconnection_reason"].(string); ok {
			f.reasons[r]++
		}
		var n [5]int
		cost, _ := m["call_cost"].(map[string]any)
		if cents, ok := cost["combined_cost"].(float64); ok {
			f.costCents += cents
		}
		items, _ := cost["product_costs"].([]any)
		n[2] = len(items)
		an, _ := m["call_analysis"].(map[string]any)
		custom, _ := an["custom_analysis_data"].(map[string]any)
		n[3] = len(custom)
		twtc, _ := m["transcript_with_tool_calls"].([]any)
		speech := 0
		for _, it := range twtc {
			switch it.(map[string]any)["role"] {
			case "agent", "user", "transfer_target":
				speech++
			default:
				n[1]++
			}
		}
		to, _ := m["transcript_object"].([]any)
		n[0] = len(to)
		if n[0] == 0 {
			n[0] = speech
		}
		if text, ok := m["transcript"].(string); ok && n[0] == 0 {
			for i, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
				labelled := strings.HasPrefix(line, "Agent: ") || strings.HasPrefix(line, "User: ") || strings.HasPrefix(line, "Transfer Target: ")
				if labelled || i == 0 && line != "" {
					n[0]++
				}
			}
		}
		n[4] = plausibleSamples(m["latency"])
		f.perCall[id] = n
	}
	return f
}

// plausibleSamples counts the numbers within ±1e12 in the values of every
// component of a latency object.
func plausibleSamples(latency any) int {
	l, _ := latency.(map[string]any)
	n := 0
	for _, comp := range l {
		c, _ := comp.(map[string]any)
		vs, _ := c["values"].([]any)
		for _, v := range vs {
			if x, ok := v.(float64); ok && math.Abs(x) <= 1e12 {
				n++
			}
		}
	}
	return n
}

// factsFromTables computes the same aggregates from table records (header
// first), as read back from CSV or Parquet.
func factsFromTables(t *testing.T, tables map[string][][]string) rawFacts {
	f := rawFacts{reasons: map[string]int{}, perCall: map[string][5]int{}}
	calls := tables[TableCalls]
	col := colIndex(calls[0])
	for _, rec := range calls[1:] {
		id := rec[col["call_id"]]
		if _, dup := f.perCall[id]; dup {
			t.Errorf("call %s twice in calls", id)
		}
		f.perCall[id] = [5]int{}
		f.calls++
		if r := rec[col["disconnection_reason"]]; r != "" {
			f.reasons[r]++
		}
		if s := rec[col["cost_cents"]]; s != "" {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				t.Fatal(err)
			}
			f.costCents += v
		}
	}
	for i, name := range []string{TableUtterances, TableEvents, TableCostItems, TableCustomAnalysis, TableLatency} {
		idx := colIndex(tables[name][0])["call_id"]
		for _, rec := range tables[name][1:] {
			n, ok := f.perCall[rec[idx]]
			if !ok {
				t.Errorf("%s row for call %s not in calls", name, rec[idx])
			}
			n[i]++
			f.perCall[rec[idx]] = n
		}
	}
	return f
}

func colIndex(header []string) map[string]int {
	m := map[string]int{}
	for i, h := range header {
		m[h] = i
	}
	return m
}

func compareFacts(t *testing.T, what string, got, want rawFacts) {
	t.Helper()
	if got.calls != want.calls || math.Abs(got.costCents-want.costCents) > 1e-9*math.Max(1, want.costCents) {
		t.Errorf("%s: %d calls costing %v cents, JSON says %d calls costing %v", what, got.calls, got.costCents, want.calls, want.costCents)
	}
	for r, n := range want.reasons {
		if got.reasons[r] != n {
			t.Errorf("%s: reason %s counted %d, JSON says %d", what, r, got.reasons[r], n)
		}
	}
	if len(got.reasons) != len(want.reasons) {
		t.Errorf("%s: %d distinct reasons, JSON says %d", what, len(got.reasons), len(want.reasons))
	}
	for id, n := range want.perCall {
		if got.perCall[id] != n {
			t.Errorf("%s: call %s has (utterances, events, cost items, custom keys) %v, JSON says %v", what, id, got.perCall[id], n)
		}
	}
}

func TestTableValues(t *testing.T) {
	c := decode(t, mustJSON(t, phoneCall(t)))
	row := callRowOf(c)
	calls := Tables(false)[0]
	vals := calls.Values(nil, &row)
	if len(vals) != len(calls.Columns) {
		t.Fatalf("%d values for %d columns", len(vals), len(calls.Columns))
	}
	byName := map[string]any{}
	for i, col := range calls.Columns {
		byName[col.Name] = vals[i]
	}
	start, _ := c.Start()
	for name, want := range map[string]any{"call_id": "call_phone_1", "agent_version": int64(12), "cost_usd": 0.19845,
		"call_successful": true, "start_time": start, "tts_p50_ms": nil, "transfer_destination": nil} {
		if got := byName[name]; got != want {
			t.Errorf("%s = %#v, want %#v", name, got, want)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("Values accepted the wrong row type")
		}
	}()
	calls.Values(nil, &UtteranceRow{})
}

// Token usage without per-request values has an unknown total: NULL, not 0.
func TestTokensWithoutValues(t *testing.T) {
	c := decode(t, `{"call_id":"call_t","call_type":"web_call","agent_id":"a","call_status":"ended",
		"llm_token_usage":{"average":812,"num_requests":3}}`)
	r := callRowOf(c)
	if r.LLMTokensTotal != nil {
		t.Errorf("llm_tokens_total = %d, want NULL", *r.LLMTokensTotal)
	}
	if r.LLMTokensAvg == nil || *r.LLMTokensAvg != 812 || r.LLMRequests == nil || *r.LLMRequests != 3 {
		t.Errorf("average/requests lost: %v %v", r.LLMTokensAvg, r.LLMRequests)
	}
}

// callRowOf returns the calls row Rows.Build makes for c.
func callRowOf(c *export.Call) CallRow {
	var r Rows
	r.Build(c, false)
	return r.Call
}

func TestResultToolNames(t *testing.T) {
	s := func(v string) *string { return &v }
	rows := []EventRow{
		{Kind: export.RoleToolCallResult, ToolCallID: s("late")}, // before its invocation
		{Kind: export.RoleToolCallInvocation, ToolCallID: s("a"), ToolName: s("get_ticket")},
		{Kind: export.RoleToolCallResult, ToolCallID: s("a")},
		{Kind: export.RoleToolCallResult, ToolCallID: s("a"), ToolName: s("own")}, // its own name stays
		{Kind: export.RoleToolCallResult, ToolCallID: s("nobody")},                // no invocation: NULL
		{Kind: export.RoleToolCallResult},                                         // no id: NULL
		{Kind: export.RoleToolCallInvocation, ToolCallID: s("late"), ToolName: s("transfer")},
		{Kind: "dtmf", ToolCallID: s("a")}, // not a result
	}
	nameResults(rows)
	want := []string{"transfer", "get_ticket", "get_ticket", "own", "", "", "transfer", ""}
	for i, r := range rows {
		got := ""
		if r.ToolName != nil {
			got = *r.ToolName
		}
		if got != want[i] {
			t.Errorf("row %d (%s): tool_name %q, want %q", i, r.Kind, got, want[i])
		}
	}
}

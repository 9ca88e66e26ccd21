package fakeapi

import (
	"fmt"
	"strconv"
	"strings"
)

// SyntheticID returns the id of synthetic call i: "call_" and 27 hex digits.
func SyntheticID(i int) string { return fmt.Sprintf("call_%027x", i) }

// SyntheticCall returns a settled (ended, analysed) phone call in wire format
// with turns utterances of about ten timed words each, for volume tests and
// benchmarks. The body is deterministic in i.
func SyntheticCall(i, turns int) []byte {
	var b strings.Builder
	start := int64(1780000000000) + int64(i)*61_000
	dur := int64(turns) * 4_000
	agent := i % 5
	fmt.Fprintf(&b, `{"call_id":%q,"call_type":"phone_call","agent_id":"agent_%026d","agent_version":%d,`, SyntheticID(i), agent, i%3)
	fmt.Fprintf(&b, `"agent_name":"Agent %d","call_status":"ended","direction":"outbound","from_number":"+14155550100","to_number":"+1415555%04d",`, agent, i%10000)
	reason := []string{"user_hangup", "agent_hangup", "call_transfer", "voicemail_reached", "dial_no_answer"}[i%5]
	fmt.Fprintf(&b, `"start_timestamp":%d,"end_timestamp":%d,"duration_ms":%d,"disconnection_reason":%q,`, start, start+dur, dur, reason)
	if reason == "call_transfer" { // settled: the transfer leg has ended too
		fmt.Fprintf(&b, `"transfer_destination":"+14155550199","transfer_end_timestamp":%d,`, start+dur+30_000)
	}
	var plain strings.Builder
	b.WriteString(`"transcript_object":[`)
	t := 0.5
	for u := 0; u < turns; u++ {
		role := [2]string{"agent", "user"}[u%2]
		words := make([]string, 10)
		var ws strings.Builder
		for w := range words {
			words[w] = fmt.Sprintf("word%d", (i+u*7+w*3)%97)
			if w > 0 {
				ws.WriteByte(',')
			}
			fmt.Fprintf(&ws, `{"word":%q,"start":%s,"end":%s}`, words[w], ftoa(t), ftoa(t+0.3))
			t += 0.35
		}
		t += 0.5
		if u > 0 {
			b.WriteByte(',')
		}
		text := strings.Join(words, " ") + "."
		fmt.Fprintf(&b, `{"role":%q,"content":%q,"words":[%s]}`, role, text, ws.String())
		fmt.Fprintf(&plain, "%s: %s\n", strings.ToUpper(role[:1])+role[1:], text)
	}
	b.WriteString(`],`)
	fmt.Fprintf(&b, `"transcript":%q,`, plain.String())
	cost := float64(dur) / 1000 * 0.21
	fmt.Fprintf(&b, `"call_cost":{"product_costs":[{"product":"voice_engine","unit_price":0.21,"cost":%s}],"combined_cost":%s,"total_duration_seconds":%d,"total_duration_unit_price":0.21},`, ftoa(cost), ftoa(cost), dur/1000)
	fmt.Fprintf(&b, `"latency":{"e2e":{"p50":900,"num":3,"values":[%d,900,1100]}},`, 700+i%300)
	fmt.Fprintf(&b, `"call_analysis":{"call_summary":"Synthetic call %d.","in_voicemail":false,"user_sentiment":%q,"call_successful":%t,"custom_analysis_data":{"score":%d}}}`,
		i, []string{"Positive", "Neutral", "Negative", "Unknown"}[i%4], i%3 != 0, i%10)
	return []byte(b.String())
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

package main

import (
	"encoding/base64"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
)

// seed is the fixed first half of every PCG seed. The second half is a hash
// of the scenario name, so each call's content depends only on its own
// scenario: adding, removing or reordering scenarios leaves the other
// samples byte-for-byte unchanged.
const seed = 0x5245_5445_4c4c_3031 // "RETELL01"

func rngFor(name string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(name))
	return rand.New(rand.NewPCG(seed, h.Sum64()))
}

// baseTimestamp is 2026-05-28T20:26:40Z; scenarios are spread over the
// following seven UTC days.
const baseTimestamp int64 = 1780000000000

func hexString(r *rand.Rand, n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[r.IntN(16)]
	}
	return string(b)
}

// callKind is the kind of call and, for phone calls, its direction.
type callKind int

const (
	phoneIn callKind = iota
	phoneOut
	web
)

// topLevelOrder is the key order of Retell's get-call examples (§6). Keys not
// listed (undocumented ones) follow in the order they were set.
var topLevelOrder = []string{
	"call_id", "call_type", "access_token", "agent_id", "agent_version", "agent_name", "agent_tag",
	"call_status", "direction", "from_number", "to_number", "telephony_identifier", "batch_call_id",
	"custom_sip_headers", "metadata", "retell_llm_dynamic_variables", "collected_dynamic_variables",
	"data_storage_setting", "opt_out_sensitive_data_storage", "opt_in_signed_url",
	"start_timestamp", "end_timestamp", "duration_ms", "transfer_end_timestamp",
	"disconnection_reason", "transfer_destination",
	"transcript", "transcript_object", "transcript_with_tool_calls", "scrubbed_transcript_with_tool_calls",
	"recording_url", "recording_multi_channel_url", "scrubbed_recording_url",
	"scrubbed_recording_multi_channel_url", "public_log_url", "knowledge_base_retrieved_contents_url",
	"latency", "llm_token_usage", "call_cost", "call_analysis",
}

// built is a call under construction; scenario tweaks edit it directly.
type built struct {
	sc       *scenario
	r        *rand.Rand
	id       string
	call     *obj
	start    int64 // epoch ms, 0 = not started
	end      int64 // epoch ms, 0 = not ended
	conv     *conversation
	legSecs  float64 // seconds on a transferred leg
	costless bool    // bill nothing (all-zero call_cost)
}

// build turns a scenario into a get-call response body.
func build(sc *scenario) *built {
	b := &built{sc: sc, r: rngFor(sc.name), call: &obj{}}
	b.id = "call_" + hexString(b.r, 27)
	b.identity()
	b.context()
	b.timeline()
	b.artifacts()
	b.metrics()
	if sc.analysis != nil {
		b.call.set("call_analysis", sc.analysis.obj())
	}
	if sc.tweak != nil {
		sc.tweak(b)
	}
	b.call = ordered(b.call)
	return b
}

// identity sets who is calling whom with which agent.
func (b *built) identity() {
	sc, c, a := b.sc, b.call, b.sc.agent
	c.set("call_id", b.id)
	if sc.kind == web {
		c.set("call_type", "web_call")
		c.set("access_token", fakeJWT(b.r, b.id))
	} else {
		c.set("call_type", "phone_call")
	}
	c.set("agent_id", a.id)
	c.set("agent_version", a.version)
	c.set("agent_name", a.name)
	if a.tag != noTag {
		c.set("agent_tag", a.tag)
	}
	c.set("call_status", sc.status)
	switch sc.kind {
	case phoneIn:
		c.set("direction", "inbound")
		c.set("from_number", pick(sc.peer, customerNumber(b.r)))
		c.set("to_number", a.number)
	case phoneOut:
		c.set("direction", "outbound")
		c.set("from_number", a.number)
		c.set("to_number", pick(sc.peer, customerNumber(b.r)))
	}
	if sc.kind != web && sc.status != "registered" {
		// The carrier leg (and its sid) only exists once dialing starts.
		c.set("telephony_identifier", o("twilio_call_sid", "CA"+hexString(b.r, 32)))
	}
	if sc.kind == phoneOut {
		if sc.batch {
			c.set("batch_call_id", "batch_call_"+hexString(b.r, 24))
		}
		c.set("custom_sip_headers", o("X-RetellAI-CallId", b.id, "X-RetellAI-Direction", "Outbound"))
	}
}

func pick(fixed, fallback string) string {
	if fixed != "" {
		return fixed
	}
	return fallback
}

// customerNumber is a US number in the 555-01xx range reserved for fiction.
func customerNumber(r *rand.Rand) string {
	areas := []string{"415", "212", "312", "602", "702", "206", "305", "617"}
	return fmt.Sprintf("+1%s5550%03d", areas[r.IntN(len(areas))], 100+r.IntN(100))
}

// fakeJWT looks like the LiveKit-style token Retell returns for web calls.
// The signature is random bytes: it is not a credential for anything.
func fakeJWT(r *rand.Rand, callID string) string {
	enc := base64.RawURLEncoding
	header := `{"alg":"HS256","typ":"JWT"}`
	payload := fmt.Sprintf(`{"video":{"roomJoin":true,"room":"web_call_%s"},"iss":"retell-sample","sub":"%s","exp":%d}`,
		strings.TrimPrefix(callID, "call_"), callID, 1780000000+r.IntN(600000)+86400)
	sig := make([]byte, 32)
	for i := range sig {
		sig[i] = byte(r.IntN(256))
	}
	return enc.EncodeToString([]byte(header)) + "." + enc.EncodeToString([]byte(payload)) + "." + enc.EncodeToString(sig)
}

// context sets caller-supplied data and the storage setting.
func (b *built) context() {
	sc, c := b.sc, b.call
	if sc.meta != nil {
		c.set("metadata", sc.meta)
	}
	if sc.dyn != nil {
		c.set("retell_llm_dynamic_variables", sc.dyn)
	}
	if sc.collected != nil && (sc.status == "ended" || sc.status == "error") {
		c.set("collected_dynamic_variables", sc.collected)
	}
	switch sc.storage {
	case "":
		c.set("data_storage_setting", "everything")
	case "null":
		c.set("data_storage_setting", nil)
	case "absent":
	case "legacy_opt_out":
		// Before 2025-09 a boolean said "do not keep transcripts/recordings".
		c.set("opt_out_sensitive_data_storage", true)
	default:
		c.set("data_storage_setting", sc.storage)
	}
	if sc.status != "registered" {
		c.set("opt_in_signed_url", sc.signed)
	}
}

// timeline picks timestamps and renders the conversation. The call duration
// covers the last spoken word plus a short tail, so word timings always fit
// inside duration_ms.
func (b *built) timeline() {
	sc, r, c := b.sc, b.r, b.call
	if sc.reason != "" {
		c.set("disconnection_reason", sc.reason)
	}
	if sc.status == "registered" || sc.noStart {
		return
	}
	// Spread over the day but stay below 1780600000000 at day 6.
	b.start = baseTimestamp + int64(sc.day)*86_400_000 + r.Int64N(80_000_000)
	c.set("start_timestamp", b.start)
	if sc.script != nil {
		b.conv = render(r, sc.script(r), renderOpts{maxSec: sc.maxSec, noTimeSec: sc.noTimeSec, kb: sc.agent.kb})
	}
	if sc.status == "ongoing" {
		return
	}
	var secs float64
	switch {
	case sc.maxSec > 0:
		secs = sc.maxSec
	case b.conv != nil:
		secs = b.conv.last + 0.4 + r.Float64()*2.5
	case sc.ring > 0:
		secs = sc.ring + r.Float64()*2
	default:
		secs = 0.2 + r.Float64()*2.5
	}
	durMS := int64(math.Round(secs * 1000))
	b.end = b.start + durMS
	c.set("end_timestamp", b.end)
	c.set("duration_ms", durMS)
	if sc.transferTo != "" {
		b.legSecs = float64(60+r.IntN(540)) + float64(r.IntN(1000))/1000
		c.set("transfer_end_timestamp", b.end+int64(b.legSecs*1000))
		c.set("transfer_destination", sc.transferTo)
	}
}

// keepsArtifacts reports whether transcripts and recordings are stored.
func (b *built) keepsArtifacts() bool {
	s := b.sc.storage
	return s != "basic_attributes_only" && s != "legacy_opt_out"
}

// artifacts adds transcripts and URLs once a call has ended.
func (b *built) artifacts() {
	c, sc := b.call, b.sc
	if b.conv == nil || b.end == 0 || !b.keepsArtifacts() {
		return
	}
	c.set("transcript", b.conv.transcript)
	c.set("transcript_object", b.conv.utterances)
	c.set("transcript_with_tool_calls", b.conv.items)
	scrub := sc.storage == "everything_except_pii"
	if scrub {
		c.set("scrubbed_transcript_with_tool_calls", scrubItems(b.conv.items, sc.pii))
	}
	base := "https://retellai.s3.us-west-2.amazonaws.com/" + b.id + "/"
	url := func(name string) string {
		if sc.signed {
			// Signed URLs expire 24 h after generation (§1.10).
			return fmt.Sprintf("%s%s?Expires=%d&Signature=%s", base, name, b.end/1000+86400, hexString(b.r, 40))
		}
		return base + name
	}
	c.set("recording_url", url("recording.wav"))
	c.set("recording_multi_channel_url", url("recording_multichannel.wav"))
	if scrub {
		c.set("scrubbed_recording_url", url("scrubbed_recording.wav"))
		c.set("scrubbed_recording_multi_channel_url", url("scrubbed_recording_multichannel.wav"))
	}
	c.set("public_log_url", url("public.log"))
	if sc.agent.kb {
		c.set("knowledge_base_retrieved_contents_url", url("kb_retrieved_contents.txt"))
	}
}

// ordered returns the call with keys in Retell's order.
func ordered(c *obj) *obj {
	out := &obj{}
	for _, k := range topLevelOrder {
		if v, ok := c.get(k); ok {
			out.set(k, v)
		}
	}
	for _, p := range c.kvs {
		if !slices.Contains(topLevelOrder, p.k) {
			out.set(p.k, p.v)
		}
	}
	return out
}

// scrubItems copies transcript items with PII replaced by placeholders. The
// real placeholder format is undocumented (§7.9); this one is plausible.
func scrubItems(items []*obj, pii []string) []*obj {
	var pairs []string
	for _, p := range pii {
		tok, cat, _ := strings.Cut(p, "=")
		pairs = append(pairs, tok, "{{"+cat+"}}")
	}
	rep := strings.NewReplacer(pairs...)
	out := make([]*obj, len(items))
	for i, it := range items {
		cp := &obj{}
		for _, p := range it.kvs {
			switch v := p.v.(type) {
			case string:
				if p.k == "content" || p.k == "arguments" {
					cp.set(p.k, rep.Replace(v))
					continue
				}
			case []word:
				ws := make([]word, len(v))
				for j, w := range v {
					ws[j] = word{Word: rep.Replace(w.Word), Start: w.Start, End: w.End}
				}
				cp.set(p.k, ws)
				continue
			}
			cp.set(p.k, p.v)
		}
		out[i] = cp
	}
	return out
}

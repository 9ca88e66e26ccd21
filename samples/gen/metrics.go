package main

import (
	"math"
	"math/rand/v2"
	"slices"
)

// metrics adds latency, llm_token_usage and call_cost.
func (b *built) metrics() {
	sc, c := b.sc, b.call
	switch {
	case sc.status == "registered" || sc.status == "ongoing":
		// Nothing measured yet.
	case b.conv == nil:
		// Never connected (or failed before anyone spoke): Retell returns an
		// empty latency object.
		c.set("latency", o())
	default:
		c.set("latency", b.latency())
		if sc.agent.llm == llmRetell {
			c.set("llm_token_usage", b.tokenUsage())
		}
	}
	switch {
	case sc.status == "registered" || sc.status == "ongoing":
	case b.conv == nil || b.costless:
		c.set("call_cost", zeroCost())
	default:
		c.set("call_cost", b.cost(sc.legacyCost))
	}
}

// latency draws one sample per agent response (per user turn for ASR, per
// knowledge-base lookup for KB) so that num == len(values) by construction.
func (b *built) latency() *obj {
	r, a, cv := b.r, b.sc.agent, b.conv
	n := max(cv.responses, 1)
	l := &obj{}
	switch a.llm {
	case llmS2S:
		l.set("e2e", dist(samples(r, n, 550, 1300)))
		l.set("s2s", dist(samples(r, n, 280, 720)))
	default:
		l.set("e2e", dist(samples(r, n, 760, 1900)))
		l.set("llm", dist(samples(r, n, 330, 950)))
		if a.llm == llmCustom {
			l.set("llm_websocket_network_rtt", dist(samples(r, n, 18, 140)))
		}
		l.set("tts", dist(samples(r, n, 150, 360)))
	}
	if cv.userTurns > 0 {
		l.set("asr", dist(samples(r, cv.userTurns, 110, 320)))
	}
	if a.kb && cv.kbLookups > 0 {
		l.set("knowledge_base", dist(samples(r, cv.kbLookups, 25, 160)))
	}
	return l
}

func samples(r *rand.Rand, n, lo, hi int) []int {
	v := make([]int, n)
	for i := range v {
		v[i] = lo + r.IntN(hi-lo+1)
	}
	return v
}

// dist summarises samples the way Retell does: linear-interpolated
// percentiles (numpy's default), min, max, num and the raw values in call
// order. §6's e2e example (820..1350 → p90 1282) follows this rule.
func dist(values []int) *obj {
	s := slices.Clone(values)
	slices.Sort(s)
	return o(
		"p50", percentile(s, 0.50), "p90", percentile(s, 0.90),
		"p95", percentile(s, 0.95), "p99", percentile(s, 0.99),
		"min", s[0], "max", s[len(s)-1], "num", len(values), "values", values,
	)
}

func percentile(sorted []int, p float64) float64 {
	rank := p * float64(len(sorted)-1)
	lo := int(math.Floor(rank))
	hi := int(math.Ceil(rank))
	v := float64(sorted[lo]) + (rank-float64(lo))*float64(sorted[hi]-sorted[lo])
	return math.Round(v*10) / 10
}

// tokenUsage has one LLM request per agent response plus one per tool call;
// the prompt grows as the conversation does.
func (b *built) tokenUsage() *obj {
	r := b.r
	n := max(b.conv.responses+len(b.conv.tools), 1)
	vals := make([]int, n)
	tok := 900 + r.IntN(700)
	sum := 0
	for i := range vals {
		vals[i] = tok
		sum += tok
		tok += 40 + r.IntN(120)
	}
	return o("values", vals, "average", round3(float64(sum)/float64(n)), "num_requests", n)
}

// zeroCost is what registered, never-connected and failed calls show.
func zeroCost() *obj {
	return o("product_costs", []*obj{}, "total_duration_seconds", 0, "total_duration_unit_price", 0, "combined_cost", 0)
}

// cost bills each product for the call's seconds. Amounts are computed in
// thousandths of a cent (integers) and only then turned into floats, so
// combined_cost is exactly the sum of the rounded product costs.
func (b *built) cost(legacy bool) *obj {
	sc, dur := b.sc, float64(b.end-b.start)/1000
	priceKey := "unit_price"
	if legacy {
		priceKey = "unitPrice" // 2024-12..2025-07 spelling (§1.3)
	}
	var lines []*obj
	var totalMilli int64
	var unitTotal float64
	add := func(p product, secs float64, transferLeg bool) {
		milli := int64(math.Round(p.unitPrice * secs * 1000))
		totalMilli += milli
		line := o("product", p.name, priceKey, p.unitPrice, "cost", float64(milli)/1000)
		if transferLeg {
			line.set("is_transfer_leg_cost", true)
		} else {
			unitTotal += p.unitPrice
		}
		lines = append(lines, line)
	}
	for _, p := range sc.agent.products {
		add(p, dur, false)
	}
	if sc.agent.kb && b.conv.kbLookups > 0 {
		add(kbProduct, dur, false)
	}
	if b.legSecs > 0 {
		add(transferLeg, b.legSecs, true)
	}
	if u, ok := b.call.get("llm_token_usage"); ok && sc.agent.products[len(sc.agent.products)-1] == gpt41 {
		// Long prompts on big models carry a token surcharge with no
		// per-second price.
		vals := u.(*obj).kvs[0].v.([]int)
		tokens := 0
		for _, v := range vals {
			tokens += v
		}
		milli := int64(tokens) * 2 / 10 // 0.0002 cents per token
		totalMilli += milli
		lines = append(lines, o("product", "llm_token_usage", "cost", float64(milli)/1000))
	}
	cc := o("product_costs", lines, "total_duration_seconds", dur,
		"total_duration_unit_price", round4(unitTotal), "combined_cost", float64(totalMilli)/1000)
	if legacy {
		cc.set("total_one_time_price", 0)
	}
	return cc
}

func round4(f float64) float64 { return math.Round(f*10000) / 10000 }

// analysis is call_analysis; every field is optional in the API.
type analysis struct {
	summary    string
	voicemail  bool
	sentiment  string
	successful *bool
	custom     *obj // nil: key absent; o(): "{}"
}

var (
	yes = ptr(true)
	no  = ptr(false)
)

func ptr[T any](v T) *T { return &v }

func (a *analysis) obj() *obj {
	m := o("call_summary", a.summary, "in_voicemail", a.voicemail, "user_sentiment", a.sentiment)
	if a.successful != nil {
		m.set("call_successful", *a.successful)
	}
	if a.custom != nil {
		m.set("custom_analysis_data", a.custom)
	}
	return m
}

package main

// llmKind decides which latency sub-objects and cost lines a call gets:
// Retell-hosted LLMs report llm latency and llm_token_usage, custom LLMs
// (your own websocket server) report llm_websocket_network_rtt instead and
// no token usage, and speech-to-speech models report s2s and neither.
type llmKind int

const (
	llmRetell llmKind = iota
	llmCustom
	llmS2S
)

// product is one call_cost line billed per second of call.
type product struct {
	name      string
	unitPrice float64 // cents per second
}

type agent struct {
	id      string
	name    string
	version int
	// tag is the agent_tag: a string, nil for JSON null, or noTag to omit
	// the key (older calls and untagged versions).
	tag      any
	llm      llmKind
	products []product
	kb       bool // knowledge-base agent: knowledge_base latency and cost line
	flow     bool // conversation-flow agent: node transitions, current_node
	number   string
}

// noTag marks an agent whose calls carry no agent_tag key at all.
type absentTag struct{}

var noTag = absentTag{}

// The unit prices follow retell-api.md §6 (voice engine 0.0833 c/s, ElevenLabs
// 0.1167 c/s, gpt-4o-mini 0.01 c/s); the others are plausible inventions.
var (
	voiceEngine = product{"voice_engine", 0.0833}
	elevenLabs  = product{"elevenlabs_tts", 0.1167}
	openaiTTS   = product{"openai_tts", 0.0667}
	gpt4oMini   = product{"gpt-4o-mini", 0.01}
	gpt41       = product{"gpt-4.1", 0.075}
	realtime    = product{"gpt-4o-realtime", 0.6}
	kbProduct   = product{"knowledge_base", 0.0083}
	// transferLeg is billed on the transferred leg's seconds, not the
	// call's, and carries is_transfer_leg_cost.
	transferLeg = product{"telephony", 0.025}
)

var (
	agentClinic = &agent{
		id: "agent_7d1e2f3a4b5c6d7e8f9a0b1c2d", name: "Clinic Reminder Agent", version: 12, tag: "prod",
		llm: llmRetell, products: []product{voiceEngine, elevenLabs, gpt4oMini},
		number: "+14155550142",
	}
	agentOrders = &agent{
		id: "agent_0f1e2d3c4b5a69788796a5b4c3", name: "Order Status Flow", version: 3, tag: nil,
		llm: llmRetell, products: []product{voiceEngine, elevenLabs, gpt4oMini}, kb: true, flow: true,
		number: "+12125550187",
	}
	agentSupport = &agent{
		id: "agent_b4e1c9d07a3f5e2618c0d9ab7e", name: "Inbound Support Desk", version: 0, tag: noTag,
		llm: llmCustom, products: []product{voiceEngine, openaiTTS},
		number: "+13125550110",
	}
	agentSales = &agent{
		id: "agent_5c0ffee1d2e3f4a5b6c7d8e9f0", name: "Solar Outbound Sales", version: 7, tag: "canary",
		llm: llmRetell, products: []product{voiceEngine, elevenLabs, gpt41},
		number: "+16025550133",
	}
	agentConcierge = &agent{
		id: "agent_e2a9c4b6d8f0a1c3e5b7d9f1a3", name: "Harbor Hotel Concierge (Realtime)", version: 2, tag: "v2-beta",
		llm: llmS2S, products: []product{voiceEngine, realtime},
		number: "+17025550164",
	}
)

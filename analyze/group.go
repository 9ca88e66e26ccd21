package analyze

import (
	"cmp"
	"slices"
	"time"

	"github.com/retell-export/retell-export/export"
)

// Per-group bounds on open-ended names. Documented values (statuses,
// reasons, sentiments, categories) fit easily; the bounds only matter for
// data that invents names without end.
const (
	maxNames        = 100 // statuses, reasons, sentiments, products, tools, nodes
	maxCustomKeys   = 50  // custom_analysis_data keys per group
	maxCustomValues = 20  // distinct values tracked per custom key
)

// Rounding of reported figures (decimals).
const (
	shareDigits   = 4 // shares and rates: 0.1234 = 12.34%
	usdDigits     = 6 // dollars: costs are fractions of a cent
	minuteDigits  = 4
	secondDigits  = 3 // durations: milliseconds
	latencyDigits = 1 // latency ms
	perCallDigits = 4 // means per call of counts (interruptions)
)

// group accumulates one Group. Its size is bounded by the constants above,
// independent of the number of calls; its quantiles account their memory
// to the Stats' spill.
type group struct {
	key, label string
	labelAt    int64 // start of the call the label came from; -1 without one

	calls, connected, withoutStart int
	first, last                    int64
	status                         counter
	durMs                          int64    // total of connected calls' durations
	dur                            quantile // seconds

	reasons, categories counter
	transfers           int

	analysed, successful, successRated, voicemail, voicemailRated int
	sentiments                                                    counter

	withCost   int
	costCents  exactSum
	cost       quantile // USD per call
	products   *named[productAcc]
	e2e, llm   quantile
	tts, asr   quantile
	conv       convAcc
	tools      *named[toolAcc]
	nodes      counter
	custom     *named[customAcc]
	customLost int // observations of keys past maxCustomKeys
}

// convAcc sums the conversation figures of the group's calls with word
// timing (export.Conversation.Timed).
type convAcc struct {
	timed             int
	agent, user       exactSum // talk seconds
	userInt, agentInt int
	silence           quantile // each call's longest silence, seconds
	gap               quantile // every response gap of every call, seconds
}

type productAcc struct {
	calls int
	cents exactSum
}

type toolAcc struct{ invocations, results, judged, failed int }

type customAcc struct {
	calls             int
	bools, strs, nums int
	complexes         int
	values            counter
}

func newGroup(key string, pool *spill) *group {
	g := &group{
		key:        key,
		status:     newCounter(maxNames),
		reasons:    newCounter(maxNames),
		categories: newCounter(maxNames),
		sentiments: newCounter(maxNames),
		nodes:      newCounter(maxNames),
	}
	g.products = newNamed(maxNames, func(n *named[productAcc], a *productAcc) {
		o := n.other()
		o.calls += a.calls
		o.cents.addSum(a.cents)
	})
	g.tools = newNamed(maxNames, func(n *named[toolAcc], a *toolAcc) {
		o := n.other()
		o.invocations += a.invocations
		o.results += a.results
		o.judged += a.judged
		o.failed += a.failed
	})
	g.custom = newNamed(maxCustomKeys, func(_ *named[customAcc], a *customAcc) { g.customLost += a.calls })
	pool.track(&g.dur, &g.cost, &g.e2e, &g.llm, &g.tts, &g.asr, &g.conv.silence, &g.conv.gap)
	return g
}

// setLabel names the group after the call it was given: the name of the
// latest call (by start, then name) wins, as agents get renamed. Being
// chosen by the calls' own data, not by their order of arrival, the label
// is the same whatever order the calls come in.
func (g *group) setLabel(label string, f *facts) {
	if label == "" {
		return
	}
	at := int64(-1)
	if f.hasStart {
		at = f.startMs
	}
	if g.label == "" || at > g.labelAt || (at == g.labelAt && label > g.label) {
		g.label, g.labelAt = label, at
	}
}

func (g *group) add(f *facts) {
	g.calls++
	g.status.add(f.status)
	if f.hasStart {
		if g.calls-g.withoutStart == 1 || f.startMs < g.first {
			g.first = f.startMs
		}
		if g.calls-g.withoutStart == 1 || f.startMs > g.last {
			g.last = f.startMs
		}
	} else {
		g.withoutStart++
	}
	if f.connected {
		g.connected++
		if f.hasDur {
			g.durMs += f.durMs
			g.dur.add(float64(f.durMs) / 1000)
		}
	}
	g.addOutcome(f)
	g.addAnalysis(f)
	g.addCost(f)
	for _, v := range f.e2e {
		g.e2e.add(v)
	}
	for _, v := range f.llm {
		g.llm.add(v)
	}
	for _, v := range f.tts {
		g.tts.add(v)
	}
	for _, v := range f.asr {
		g.asr.add(v)
	}
	g.conv.add(&f.conv)
	g.addTools(f)
	g.addCustom(f)
}

func (a *convAcc) add(c *export.Conversation) {
	if !c.Timed {
		return
	}
	a.timed++
	a.agent.add(c.AgentTalkS)
	a.user.add(c.UserTalkS)
	a.userInt += c.UserInterruptions
	a.agentInt += c.AgentInterruptions
	a.silence.add(c.LongestSilenceS)
	for _, gap := range c.Gaps {
		a.gap.add(gap.S)
	}
}

func (g *group) addOutcome(f *facts) {
	g.reasons.add(cmp.Or(f.reason, None))
	g.categories.add(cmp.Or(f.category, None))
	if f.transferred {
		g.transfers++
	}
}

func (g *group) addAnalysis(f *facts) {
	if !f.analysed {
		return
	}
	g.analysed++
	g.sentiments.add(cmp.Or(f.sentiment, None))
	if f.successful != nil {
		g.successRated++
		if *f.successful {
			g.successful++
		}
	}
	if f.inVoicemail != nil {
		g.voicemailRated++
		if *f.inVoicemail {
			g.voicemail++
		}
	}
}

func (g *group) addCost(f *facts) {
	if !f.hasCost {
		return
	}
	g.withCost++
	g.costCents.add(f.costCents)
	g.cost.add(f.costCents / 100)
	for _, p := range f.products {
		if a := g.products.get(nameOr(p.Product)); a != nil {
			a.calls++
			if p.Cost != nil && plausible(*p.Cost) {
				a.cents.add(*p.Cost)
			}
		}
	}
}

func (g *group) addTools(f *facts) {
	for _, name := range f.invocations {
		g.tools.get(name).invocations++
	}
	for _, r := range f.results {
		t := g.tools.get(r.name)
		t.results++
		if r.judged {
			t.judged++
		}
		if r.failed {
			t.failed++
		}
	}
	for _, n := range f.nodes {
		g.nodes.add(n)
	}
}

func (g *group) addCustom(f *facts) {
	for _, v := range f.custom {
		a := g.custom.getNew(v.key)
		if a == nil {
			g.customLost++
			continue
		}
		if a.values.limit == 0 {
			a.values = newCounter(maxCustomValues)
		}
		a.calls++
		switch v.kind {
		case 'b':
			a.bools++
		case 's':
			a.strs++
		case 'n':
			a.nums++
		default:
			a.complexes++
			continue
		}
		a.values.add(v.text)
	}
}

// summary renders the group; loc is the zone of the period.
func (g *group) summary(loc *time.Location) Group {
	s := Group{Key: g.key, Label: g.label}
	if g.calls > g.withoutStart {
		s.Period.FirstStart = ptr(time.UnixMilli(g.first).In(loc))
		s.Period.LastStart = ptr(time.UnixMilli(g.last).In(loc))
	}
	s.Volume = g.volume()
	s.Outcome = g.outcome()
	s.Analysis = g.analysis()
	s.Cost = g.costs(float64(g.durMs) / 60000) // not the rounded TotalMinutes: the registry divides by the exact total
	s.Latency = Latency{E2E: g.e2e.summary(latencyDigits), LLM: g.llm.summary(latencyDigits), TTS: g.tts.summary(latencyDigits),
		ASR: g.asr.summary(latencyDigits)}
	s.Conversation = g.conv.summary()
	s.Tools = g.toolStats()
	s.Custom = g.customKeys()
	return s
}

func (a *convAcc) summary() ConversationStats {
	agent, user := a.agent.value(), a.user.value()
	return ConversationStats{
		TimedCalls:                a.timed,
		AgentTalkS:                round(agent, secondDigits),
		UserTalkS:                 round(user, secondDigits),
		TalkRatio:                 ratio(agent, agent+user, shareDigits),
		UserInterruptions:         a.userInt,
		AgentInterruptions:        a.agentInt,
		UserInterruptionsPerCall:  ratio(float64(a.userInt), float64(a.timed), perCallDigits),
		AgentInterruptionsPerCall: ratio(float64(a.agentInt), float64(a.timed), perCallDigits),
		LongestSilenceS:           a.silence.summary(secondDigits),
		ResponseGapS:              a.gap.summary(secondDigits),
	}
}

func (g *group) volume() Volume {
	minutes := float64(g.durMs) / 60000
	return Volume{
		Calls:           g.calls,
		ByStatus:        g.status.inOrder(g.calls, export.KnownStatuses(), nil),
		Connected:       g.connected,
		WithoutStart:    g.withoutStart,
		TotalMinutes:    round(minutes, minuteDigits),
		MeanMinutes:     ratio(minutes, float64(g.dur.n), minuteDigits),
		DurationSeconds: g.dur.summary(secondDigits),
	}
}

func (g *group) outcome() Outcome {
	reasons := g.reasons.byCount(g.calls)
	return Outcome{
		Reasons:      reasons,
		Lines:        reasonLines(reasons, g.calls),
		Categories:   g.categories.inOrder(g.calls, export.Categories(), []string{None}),
		Transfers:    g.transfers,
		TransferRate: ratio(float64(g.transfers), float64(g.connected), shareDigits),
	}
}

// sentimentOrder is the report order of the documented sentiments.
var sentimentOrder = []string{export.SentimentPositive, export.SentimentNeutral, export.SentimentNegative, export.SentimentUnknown}

func (g *group) analysis() AnalysisStats {
	return AnalysisStats{
		Analysed:        g.analysed,
		WithoutAnalysis: g.calls - g.analysed,
		Sentiments:      g.sentiments.inOrder(g.analysed, sentimentOrder, []string{None}),
		Successful:      g.successful,
		SuccessRated:    g.successRated,
		SuccessRate:     ratio(float64(g.successful), float64(g.successRated), shareDigits),
		Voicemail:       g.voicemail,
		VoicemailRated:  g.voicemailRated,
		VoicemailRate:   ratio(float64(g.voicemail), float64(g.voicemailRated), shareDigits),
	}
}

func (g *group) costs(minutes float64) Cost {
	usd := g.costCents.value() / 100
	c := Cost{
		WithCost:    g.withCost,
		WithoutCost: g.calls - g.withCost,
		TotalUSD:    round(usd, usdDigits),
		MeanUSD:     ratio(usd, float64(g.withCost), usdDigits),
		PerCallUSD:  g.cost.summary(usdDigits),
	}
	if g.withCost > 0 {
		c.PerConnectedMinuteUSD = ratio(usd, minutes, usdDigits)
	}
	var sum exactSum
	g.products.each(func(_ string, a *productAcc) { sum.addSum(a.cents) })
	total := sum.value()
	g.products.each(func(name string, a *productAcc) {
		cents := a.cents.value()
		p := ProductCost{Product: name, Calls: a.calls, TotalUSD: round(cents/100, usdDigits)}
		if total != 0 {
			p.Share = round(cents/total, shareDigits)
		}
		c.Products = append(c.Products, p)
	})
	slices.SortFunc(c.Products, func(a, b ProductCost) int {
		return cmp.Or(cmp.Compare(b.TotalUSD, a.TotalUSD), cmp.Compare(a.Product, b.Product))
	})
	return c
}

func (g *group) toolStats() Tools {
	t := Tools{Tools: []ToolStat{}, Nodes: []NodeStat{}}
	g.tools.each(func(name string, a *toolAcc) {
		t.Tools = append(t.Tools, ToolStat{Name: name, Invocations: a.invocations, Results: a.results,
			Judged: a.judged, Failed: a.failed, FailureShare: ratio(float64(a.failed), float64(a.judged), shareDigits)})
	})
	slices.SortFunc(t.Tools, func(a, b ToolStat) int {
		return cmp.Or(cmp.Compare(b.Invocations, a.Invocations), cmp.Compare(b.Results, a.Results), cmp.Compare(a.Name, b.Name))
	})
	for _, c := range g.nodes.byCount(0) {
		t.Nodes = append(t.Nodes, NodeStat{Node: c.Name, Transitions: c.Count})
	}
	return t
}

func (g *group) customKeys() []CustomKey {
	out := []CustomKey{}
	g.custom.each(func(key string, a *customAcc) {
		k := CustomKey{Key: key, Kind: a.kind(), Calls: a.calls, Values: []Count{}}
		if k.Kind != KindOther {
			k.Values = a.values.byCount(a.calls)
		}
		out = append(out, k)
	})
	slices.SortFunc(out, func(a, b CustomKey) int { return cmp.Compare(a.Key, b.Key) })
	if g.customLost > 0 {
		out = append(out, CustomKey{Key: Other, Kind: KindOther, Calls: g.customLost, Values: []Count{}})
	}
	return out
}

// kind classifies a custom key. Booleans are always shown. Strings and
// numbers are "enum-like", and shown, when their values repeat: at most
// half as many distinct values as observations (so a key seen once is not
// enum-like: there is no evidence yet), and the first
// maxCustomValues distinct values cover at least half the observations, so
// the "(other)" bucket never dominates. Free text (order ids, summaries)
// and measurements fail this and are listed as "other" without values.
func (a *customAcc) kind() string {
	kinds := 0
	for _, n := range []int{a.bools, a.strs, a.nums, a.complexes} {
		if n > 0 {
			kinds++
		}
	}
	switch {
	case kinds != 1 || a.complexes > 0:
		return KindOther
	case a.bools > 0:
		return KindBoolean
	}
	distinct := len(a.values.counts)
	if distinct*2 <= a.calls && a.values.other*2 <= a.calls {
		return KindEnum
	}
	return KindOther
}

// named is a bounded map from names to accumulators: at most limit names
// have their own; the others share the Other entry (get) or are refused
// (getNew). Like counter, it keeps the names with the smallest hash, so
// which names those are does not depend on arrival order: a name that
// enters a full map evicts the one with the largest hash, whose figures
// are handed to evicted (folded into Other, or counted as lost).
type named[T any] struct {
	limit   int
	m       map[string]*T
	evicted func(n *named[T], a *T)
	maxName string
	maxHash uint64
}

func newNamed[T any](limit int, evicted func(n *named[T], a *T)) *named[T] {
	return &named[T]{limit: limit, m: map[string]*T{}, evicted: evicted}
}

// get returns the accumulator of name, or of Other when name does not
// make the cut.
func (n *named[T]) get(name string) *T {
	if a := n.getNew(name); a != nil {
		return a
	}
	return n.other()
}

// other returns the Other accumulator, which is not counted in limit.
func (n *named[T]) other() *T {
	a := n.m[Other]
	if a == nil {
		a = new(T)
		n.m[Other] = a
	}
	return a
}

// getNew returns the accumulator of name, or nil when name does not make
// the cut.
func (n *named[T]) getNew(name string) *T {
	if a, ok := n.m[name]; ok {
		return a
	}
	if n.tracking() < n.limit {
		a := new(T)
		n.m[name] = a
		if n.tracking() == n.limit {
			n.findMax()
		}
		return a
	}
	if h := nameHash(name); h > n.maxHash || (h == n.maxHash && name > n.maxName) {
		return nil
	}
	out := n.m[n.maxName]
	delete(n.m, n.maxName)
	n.evicted(n, out)
	a := new(T)
	n.m[name] = a
	n.findMax()
	return a
}

func (n *named[T]) tracking() int {
	if _, ok := n.m[Other]; ok {
		return len(n.m) - 1
	}
	return len(n.m)
}

func (n *named[T]) findMax() {
	n.maxName, n.maxHash = "", 0
	first := true
	for name := range n.m {
		if name == Other {
			continue
		}
		if h := nameHash(name); first || h > n.maxHash || (h == n.maxHash && name > n.maxName) {
			n.maxName, n.maxHash, first = name, h, false
		}
	}
}

func (n *named[T]) each(fn func(name string, a *T)) {
	for name, a := range n.m {
		fn(name, a)
	}
}

package formats

import (
	"cmp"
	"slices"
	"time"

	"github.com/retell-export/retell-export/export"
)

// summaryData is what the Summary sheet shows: the figures of the whole
// run, already aggregated. It is filled from the analyze package's Summary,
// so the workbook and analyze's report can never disagree.
type summaryData struct {
	From, To time.Time // first and last call start, in the report's zone
	Zone     string

	Calls, Connected int64
	Minutes          float64 // total call duration
	AvgDuration      *time.Duration
	CostUSD          float64
	CostCalls        int64    // calls that had a cost
	SuccessRate      *float64 // among calls with a verdict
	Positive         *float64 // share of calls with a sentiment
	Negative         *float64
	LatencyP50       *float64 // end-to-end, ms, over every turn of every call
	LatencyP90       *float64

	Days       []dayFigures
	Reasons    []labelCount // most frequent first
	Sentiments []labelCount // in export.KnownSentiments order, then others
	Agents     []agentFigures
}

type labelCount struct {
	Label string
	Count int64
}

type dayFigures struct {
	Day       time.Time // midnight in the report's zone
	Calls     int64
	Connected int64
	Minutes   float64
	CostUSD   float64
}

type agentFigures struct {
	Name        string
	Calls       int64
	Connected   int64
	Minutes     float64
	CostUSD     float64
	SuccessRate *float64
	Positive    *float64
	LatencyP50  *float64
}

// summaryStats gathers summaryData from the calls. Interim: it will be
// replaced by an adapter over analyze.Summary.
type summaryStats struct {
	loc        *time.Location
	data       summaryData
	days       map[time.Time]*dayFigures
	reasons    map[string]int64
	sentiments map[string]int64
	agents     map[string]*agentAcc
	verdicts   int64
	successes  int64
	durN       int64
	durSum     time.Duration
	e2e        []float64
}

type agentAcc struct {
	agentFigures
	verdicts, successes, sentiments, positive int64
	p50s                                      []float64
}

func newSummaryStats(loc *time.Location) *summaryStats {
	return &summaryStats{
		loc: loc, days: map[time.Time]*dayFigures{}, reasons: map[string]int64{},
		sentiments: map[string]int64{}, agents: map[string]*agentAcc{},
	}
}

func (s *summaryStats) Write(c *export.Call) error {
	d := &s.data
	d.Calls++
	connected := c.CallStatus == export.StatusEnded
	if connected {
		d.Connected++
	}
	name := c.AgentName
	if name == "" {
		name = c.AgentID
	}
	a := s.agents[name]
	if a == nil {
		a = &agentAcc{agentFigures: agentFigures{Name: name}}
		s.agents[name] = a
	}
	a.Calls++
	if connected {
		a.Connected++
	}
	var minutes, cost float64
	if dur, ok := c.Duration(); ok {
		minutes = dur.Minutes()
		s.durN++
		s.durSum += dur
	}
	if usd, ok := c.CostUSD(); ok {
		cost = usd
		d.CostCalls++
	}
	d.Minutes += minutes
	d.CostUSD += cost
	a.Minutes += minutes
	a.CostUSD += cost
	if start, ok := c.Start(); ok {
		t := start.In(s.loc)
		if d.From.IsZero() || t.Before(d.From) {
			d.From = t
		}
		if t.After(d.To) {
			d.To = t
		}
		day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, s.loc)
		df := s.days[day]
		if df == nil {
			df = &dayFigures{Day: day}
			s.days[day] = df
		}
		df.Calls++
		if connected {
			df.Connected++
		}
		df.Minutes += minutes
		df.CostUSD += cost
	}
	if c.DisconnectionReason != "" {
		s.reasons[c.DisconnectionReason]++
	}
	if an := c.CallAnalysis; an != nil && an.CallSuccessful != nil {
		s.verdicts++
		a.verdicts++
		if *an.CallSuccessful {
			s.successes++
			a.successes++
		}
	}
	if sen, ok := c.Sentiment(); ok {
		s.sentiments[sen]++
		a.sentiments++
		if sen == export.SentimentPositive {
			a.positive++
		}
	}
	if c.Latency != nil && c.Latency.E2E != nil {
		s.e2e = append(s.e2e, c.Latency.E2E.Values...)
		if p := c.Latency.E2E.P50; p != nil {
			a.p50s = append(a.p50s, *p)
			if len(c.Latency.E2E.Values) == 0 {
				s.e2e = append(s.e2e, *p)
			}
		}
	}
	return nil
}

func (s *summaryStats) Close() error { return nil }

func ratio(n, d int64) *float64 {
	if d == 0 {
		return nil
	}
	r := float64(n) / float64(d)
	return &r
}

func quantile(v []float64, q float64) *float64 {
	if len(v) == 0 {
		return nil
	}
	slices.Sort(v)
	x := v[int(q*float64(len(v)-1)+0.5)]
	return &x
}

func (s *summaryStats) Summary() *summaryData {
	d := s.data
	d.Zone = s.loc.String()
	if s.durN > 0 {
		avg := s.durSum / time.Duration(s.durN)
		d.AvgDuration = &avg
	}
	d.SuccessRate = ratio(s.successes, s.verdicts)
	var withSentiment int64
	for _, n := range s.sentiments {
		withSentiment += n
	}
	d.Positive = ratio(s.sentiments[export.SentimentPositive], withSentiment)
	d.Negative = ratio(s.sentiments[export.SentimentNegative], withSentiment)
	d.LatencyP50, d.LatencyP90 = quantile(s.e2e, 0.5), quantile(s.e2e, 0.9)
	for _, df := range s.days {
		d.Days = append(d.Days, *df)
	}
	slices.SortFunc(d.Days, func(a, b dayFigures) int { return a.Day.Compare(b.Day) })
	for r, n := range s.reasons {
		d.Reasons = append(d.Reasons, labelCount{r, n})
	}
	slices.SortFunc(d.Reasons, func(a, b labelCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Label, b.Label))
	})
	for _, k := range export.KnownSentiments {
		if n := s.sentiments[k]; n > 0 {
			d.Sentiments = append(d.Sentiments, labelCount{k, n})
		}
	}
	for _, a := range s.agents {
		f := a.agentFigures
		f.SuccessRate = ratio(a.successes, a.verdicts)
		f.Positive = ratio(a.positive, a.sentiments)
		f.LatencyP50 = quantile(a.p50s, 0.5)
		d.Agents = append(d.Agents, f)
	}
	slices.SortFunc(d.Agents, func(a, b agentFigures) int {
		return cmp.Or(cmp.Compare(b.Calls, a.Calls), cmp.Compare(a.Name, b.Name))
	})
	return &d
}

package formats

import (
	"fmt"
	"strings"
	"time"

	"github.com/retell-export/retell-export/analyze"
	"github.com/retell-export/retell-export/export"
)

// summaryFromAnalyze picks what the Summary sheet shows from the run's
// Summary. The per-day and per-agent tables need the "day" and "agent"
// groupings (the default --by); without them the sheet says so.
func summaryFromAnalyze(s *analyze.Summary, loc *time.Location) *summaryData {
	o := &s.Overall
	d := &summaryData{
		Zone:          s.TimeZone,
		Calls:         int64(o.Volume.Calls),
		Connected:     int64(o.Volume.Connected),
		Minutes:       o.Volume.TotalMinutes,
		CostUSD:       o.Cost.TotalUSD,
		CostPerCall:   o.Cost.MeanUSD,
		CostPerMinute: o.Cost.PerConnectedMinuteUSD,
		Analysed:      int64(o.Analysis.Analysed),
		SuccessRate:   o.Analysis.SuccessRate,
		LatencyP50:    o.Latency.E2E.P50,
		LatencyP90:    o.Latency.E2E.P90,
	}
	if d.Zone == "" {
		d.Zone = loc.String()
	}
	if d.Calls > 0 {
		d.ConnectionRate = ptr(float64(d.Connected) / float64(d.Calls))
	}
	if p := o.Period; p.FirstStart != nil && p.LastStart != nil {
		d.From, d.To = p.FirstStart.In(loc), p.LastStart.In(loc)
	}
	if m := o.Volume.MeanMinutes; m != nil {
		avg := time.Duration(*m * float64(time.Minute))
		d.AvgDuration = &avg
	}
	for _, r := range o.Outcome.Reasons {
		if r.Name != analyze.None {
			d.TopReason = &shareLine{reasonLabel(r.Name, 1), int64(r.Count), r.Share}
			break
		}
	}
	for _, l := range o.Outcome.Lines {
		d.Reasons = append(d.Reasons, shareLine{reasonLabel(l.Name, l.Reasons), int64(l.Count), l.Share})
	}
	for _, c := range o.Analysis.Sentiments {
		if c.Count == 0 {
			continue
		}
		label := c.Name
		if c.Name == analyze.None {
			label = "None given"
		}
		d.Sentiments = append(d.Sentiments, shareLine{label, int64(c.Count), c.Share})
	}
	d.Positive, d.Negative = sentimentShare(&o.Analysis, export.SentimentPositive), sentimentShare(&o.Analysis, export.SentimentNegative)
	for _, g := range s.Groupings {
		switch g.By {
		case analyze.ByDay:
			d.HasDays = true
			d.Days, d.NoStart = daysFromAnalyze(g.Groups, loc)
		case analyze.ByAgent:
			d.HasAgents = true
			d.Agents = agentsFromAnalyze(g.Groups)
		}
	}
	return d
}

// sentimentShare is the share of analysed calls with sentiment name, nil
// when no call was analysed.
func sentimentShare(a *analyze.AnalysisStats, name string) *float64 {
	if a.Analysed == 0 {
		return nil
	}
	for _, c := range a.Sentiments {
		if c.Name == name {
			return ptr(c.Share)
		}
	}
	return ptr(0.0)
}

// reasonLabel turns a reason line's name into words: "dial_no_answer"
// becomes "Dial no answer", "(other platform_error)" summing 5 reasons
// "Other platform error (5 reasons)".
func reasonLabel(name string, reasons int) string {
	if cat, ok := strings.CutPrefix(name, "(other "); ok && strings.HasSuffix(cat, ")") {
		return fmt.Sprintf("Other %s (%d reasons)", strings.ReplaceAll(strings.TrimSuffix(cat, ")"), "_", " "), reasons)
	}
	return humanize(name)
}

func daysFromAnalyze(groups []analyze.Group, loc *time.Location) (days []dayFigures, noStart *dayFigures) {
	for _, g := range groups {
		f := dayFigures{Calls: int64(g.Volume.Calls), Connected: int64(g.Volume.Connected),
			Minutes: g.Volume.TotalMinutes, CostUSD: g.Cost.TotalUSD}
		if g.Key == analyze.NoStart {
			noStart = &f
			continue
		}
		day, err := time.ParseInLocation(time.DateOnly, g.Key, loc)
		if err != nil {
			continue // not a day key: cannot happen with analyze's ByDay
		}
		f.Day = day
		days = append(days, f)
	}
	return days, noStart
}

func agentsFromAnalyze(groups []analyze.Group) []agentFigures {
	agents := make([]agentFigures, 0, len(groups))
	for _, g := range groups {
		name := g.Label
		if name == "" {
			name = g.Key
		}
		agents = append(agents, agentFigures{
			Name: name, Calls: int64(g.Volume.Calls), Connected: int64(g.Volume.Connected),
			Minutes: g.Volume.TotalMinutes, CostUSD: g.Cost.TotalUSD,
			SuccessRate: g.Analysis.SuccessRate, Positive: sentimentShare(&g.Analysis, export.SentimentPositive),
			LatencyP50: g.Latency.E2E.P50,
		})
	}
	return agents
}

package formats

import (
	"time"

	"github.com/retell-export/retell-export/analyze"
	"github.com/retell-export/retell-export/export"
)

// summaryFromAnalyze picks what the Summary sheet shows from analyze's
// Summary, which must hold the "day" and "agent" groupings.
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
		SuccessRate:   o.Analysis.SuccessRate,
		LatencyP50:    o.Latency.E2E.P50,
		LatencyP90:    o.Latency.E2E.P90,
	}
	if d.Zone == "" {
		d.Zone = loc.String()
	}
	if p := o.Period; p.FirstStart != nil && p.LastStart != nil {
		d.From, d.To = p.FirstStart.In(loc), p.LastStart.In(loc)
	}
	if m := o.Volume.MeanMinutes; m != nil {
		avg := time.Duration(*m * float64(time.Minute))
		d.AvgDuration = &avg
	}
	for _, r := range o.Outcome.Reasons {
		d.Reasons = append(d.Reasons, labelCount{r.Name, int64(r.Count)})
	}
	var rated, positive, negative int64
	for _, c := range o.Analysis.Sentiments {
		if c.Name == analyze.NoAnalysis || c.Count == 0 {
			continue
		}
		d.Sentiments = append(d.Sentiments, labelCount{c.Name, int64(c.Count)})
		rated += int64(c.Count)
		switch c.Name {
		case export.SentimentPositive:
			positive = int64(c.Count)
		case export.SentimentNegative:
			negative = int64(c.Count)
		}
	}
	d.Positive, d.Negative = ratio(positive, rated), ratio(negative, rated)
	for _, g := range s.Groupings {
		switch g.By {
		case analyze.ByDay:
			d.Days = daysFromAnalyze(g.Groups, loc)
		case analyze.ByAgent:
			d.Agents = agentsFromAnalyze(g.Groups)
		}
	}
	return d
}

func daysFromAnalyze(groups []analyze.Group, loc *time.Location) []dayFigures {
	var days []dayFigures
	for _, g := range groups {
		if g.Key == analyze.NoStart {
			continue
		}
		day, err := time.ParseInLocation(time.DateOnly, g.Key, loc)
		if err != nil {
			continue
		}
		days = append(days, dayFigures{
			Day: day, Calls: int64(g.Volume.Calls), Connected: int64(g.Volume.Connected),
			Minutes: g.Volume.TotalMinutes, CostUSD: g.Cost.TotalUSD,
		})
	}
	return days
}

func agentsFromAnalyze(groups []analyze.Group) []agentFigures {
	agents := make([]agentFigures, 0, len(groups))
	for _, g := range groups {
		name := g.Label
		if name == "" {
			name = g.Key
		}
		var rated, positive int64
		for _, c := range g.Analysis.Sentiments {
			if c.Name != analyze.NoAnalysis {
				rated += int64(c.Count)
			}
			if c.Name == export.SentimentPositive {
				positive = int64(c.Count)
			}
		}
		agents = append(agents, agentFigures{
			Name: name, Calls: int64(g.Volume.Calls), Connected: int64(g.Volume.Connected),
			Minutes: g.Volume.TotalMinutes, CostUSD: g.Cost.TotalUSD,
			SuccessRate: g.Analysis.SuccessRate, Positive: ratio(positive, rated),
			LatencyP50: g.Latency.E2E.P50,
		})
	}
	return agents
}

// ratio is n/d, or nil when d is 0.
func ratio(n, d int64) *float64 {
	if d == 0 {
		return nil
	}
	r := float64(n) / float64(d)
	return &r
}

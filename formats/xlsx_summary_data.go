package formats

import "time"

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
	CostPerCall      *float64 // among calls with a cost
	CostPerMinute    *float64 // over connected minutes
	SuccessRate      *float64 // among calls with a verdict
	Positive         *float64 // share of calls with a sentiment
	Negative         *float64
	LatencyP50       *float64 // end-to-end, ms, over every turn of every call
	LatencyP90       *float64

	Days       []dayFigures
	Reasons    []labelCount // most frequent first
	Sentiments []labelCount // analyze's order; calls without one are left out
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

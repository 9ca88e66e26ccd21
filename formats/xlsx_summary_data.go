package formats

import "time"

// summaryData is what the Summary sheet shows, picked from the run's
// analyze.Summary without recomputing anything: every count, share and
// rate is the one summary.json and the printed table show, with the same
// denominator.
type summaryData struct {
	From, To time.Time // first and last call start, in the report's zone
	Zone     string

	Calls, Connected int64
	ConnectionRate   *float64 // connected of all calls
	Minutes          float64  // total call duration
	AvgDuration      *time.Duration
	CostUSD          float64
	CostPerCall      *float64 // among calls with a cost
	CostPerMinute    *float64 // over connected minutes
	Analysed         int64
	SuccessRate      *float64 // of analysed calls with a verdict
	Positive         *float64 // of analysed calls
	Negative         *float64
	LatencyP50       *float64 // end-to-end, ms, over every turn of every call
	LatencyP90       *float64

	TopReason *shareLine // the most frequent disconnection reason

	HasDays    bool // the Summary has the per-day grouping
	Days       []dayFigures
	NoStart    *dayFigures // calls without a start time, if any
	Reasons    []shareLine // analyze's reason lines, most frequent first
	Sentiments []shareLine // of analysed calls, in analyze's order
	HasAgents  bool        // the Summary has the per-agent grouping
	Agents     []agentFigures
}

// shareLine is one line of a distribution: a label, its count, its share
// as analyze computed it.
type shareLine struct {
	Label string
	Count int64
	Share float64
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

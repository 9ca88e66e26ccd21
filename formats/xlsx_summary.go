package formats

import (
	"fmt"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/retell-export/retell-export/analyze"
)

// The Summary sheet is written in normal mode (not streamed) at Close, when
// the figures are known: charts only survive on normal-mode sheets
// (excelize #1766). Layout, on one portrait page:
//
//	title, period and time zone
//	key figures (3 columns of label/value pairs)
//	calls and cost per day (combo chart)
//	why calls ended (table + bar chart), caller sentiment (table + doughnut)
//	agents (table)
//	calls per day (the table behind the first chart)
const (
	maxAgentRows = 15 // the rest are summed into "Other agents"
	maxPrintDays = 31 // a longer per-day table stays off the printed page
)

// summaryPainter writes one Summary sheet top to bottom.
type summaryPainter struct {
	f     *excelize.File
	st    *xlsxStyles
	row   int
	err   error
	sheet string
}

func (p *summaryPainter) set(col string, row int, v any, style int) {
	if p.err != nil {
		return
	}
	cell := fmt.Sprintf("%s%d", col, row)
	if p.err = p.f.SetCellValue(p.sheet, cell, v); p.err == nil && style != 0 {
		p.err = p.f.SetCellStyle(p.sheet, cell, cell, style)
	}
}

func (p *summaryPainter) merge(from, to string) {
	if p.err == nil {
		p.err = p.f.MergeCell(p.sheet, from, to)
	}
}

func (p *summaryPainter) styleRange(from, to string, style int) {
	if p.err == nil {
		p.err = p.f.SetCellStyle(p.sheet, from, to, style)
	}
}

func (p *summaryPainter) section(title string) {
	p.row++
	p.set("A", p.row, title, p.st.section)
	p.styleRange(fmt.Sprintf("B%d", p.row), fmt.Sprintf("H%d", p.row), p.st.section)
	p.row++
}

func (p *summaryPainter) chart(cell string, c *excelize.Chart, combo ...*excelize.Chart) {
	if p.err == nil {
		p.err = p.f.AddChart(p.sheet, cell, c, combo...)
	}
}

// writeSummary draws the Summary sheet of f from sum.
func writeSummary(f *excelize.File, st *xlsxStyles, sum *analyze.Summary, opts XLSXOptions) error {
	d := summaryFromAnalyze(sum, opts.Location)
	p := &summaryPainter{f: f, st: st, sheet: sheetSummary}
	for col, width := range map[string]float64{"A": 30, "B": 16, "C": 12, "D": 12, "E": 15, "F": 12, "G": 12, "H": 15} {
		if err := f.SetColWidth(sheetSummary, col, col, width); err != nil {
			return err
		}
	}
	if err := f.SetSheetView(sheetSummary, 0, &excelize.ViewOptions{ShowGridLines: ptr(false)}); err != nil {
		return err
	}
	p.header(d, opts)
	p.keyFigures(d)
	anchor := p.perDayChart(d)
	p.reasons(d)
	p.sentiment(d)
	p.agents(d)
	printEnd := p.row
	if first, last := p.perDayTable(d); first > 0 && anchor > 0 {
		p.drawPerDay(anchor, first, last, len(d.Days))
	}
	if len(d.Days) <= maxPrintDays {
		printEnd = p.row
	}
	if p.err != nil {
		return p.err
	}
	return summaryPage(f, printEnd)
}

// summaryPage prints the Summary on one portrait page.
func summaryPage(f *excelize.File, lastRow int) error {
	if err := f.SetPageLayout(sheetSummary, &excelize.PageLayoutOptions{
		Size: ptr(9), Orientation: ptr("portrait"), FitToWidth: ptr(1), FitToHeight: ptr(1),
	}); err != nil {
		return err
	}
	if err := f.SetSheetProps(sheetSummary, &excelize.SheetPropsOptions{FitToPage: ptr(true)}); err != nil {
		return err
	}
	margin := 0.4
	if err := f.SetPageMargins(sheetSummary, &excelize.PageLayoutMarginsOptions{
		Left: &margin, Right: &margin, Top: &margin, Bottom: &margin,
	}); err != nil {
		return err
	}
	return f.SetDefinedName(&excelize.DefinedName{
		Name: "_xlnm.Print_Area", Scope: sheetSummary,
		RefersTo: fmt.Sprintf("'%s'!$A$1:$H$%d", sheetSummary, lastRow),
	})
}

func (p *summaryPainter) header(d *summaryData, opts XLSXOptions) {
	p.row = 1
	title := opts.Title
	if !d.From.IsZero() {
		title += " · " + periodText(d.From, d.To)
	}
	p.set("A", 1, title, p.st.title)
	p.merge("A1", "H1")
	sub := fmt.Sprintf("Days in %s · data sheets in UTC · generated %s", d.Zone, time.Now().UTC().Format("2006-01-02 15:04 UTC"))
	if opts.ToolVersion != "" {
		sub += " by retell-export " + opts.ToolVersion
	}
	p.set("A", 2, sub, p.st.subtitle)
	p.merge("A2", "H2")
	if p.err == nil {
		p.err = p.f.SetRowHeight(sheetSummary, 1, 28)
	}
	p.row = 3
}

func periodText(from, to time.Time) string {
	if from.Year() == to.Year() && from.YearDay() == to.YearDay() {
		return from.Format("2 Jan 2006")
	}
	return from.Format("2 Jan 2006") + " – " + to.Format("2 Jan 2006")
}

// kpi is one label/value pair of the key figures.
type kpi struct {
	label string
	value any // nil shows "n/a"
	style int
}

func (p *summaryPainter) keyFigures(d *summaryData) {
	p.section("Key figures")
	var avgDur any
	if d.AvgDuration != nil {
		avgDur = d.AvgDuration.Seconds() / 86400
	}
	topReason := kpi{"Top reason", nil, p.st.kpiCount}
	if r := d.TopReason; r != nil {
		topReason.value = fmt.Sprintf("%s (%.0f%%)", r.Label, 100*r.Share)
	}
	st := p.st
	grid := [][3]kpi{
		{{"Calls", d.Calls, st.kpiCount}, {"Connected", d.Connected, st.kpiCount}, {"Connection rate", ptrAny(d.ConnectionRate), st.kpiPct}},
		{{"Minutes", d.Minutes, st.kpiMin}, {"Average duration", avgDur, st.kpiDur}, {"Success rate", ptrAny(d.SuccessRate), st.kpiPct}},
		{{"Total cost", d.CostUSD, st.kpiMoney}, {"Cost per call", ptrAny(d.CostPerCall), st.kpiMoney}, {"Cost per minute", ptrAny(d.CostPerMinute), st.kpiMoney}},
		{{"Positive sentiment", ptrAny(d.Positive), st.kpiPct}, {"Negative sentiment", ptrAny(d.Negative), st.kpiPct}, {"Latency p50 (end-to-end)", ptrAny(d.LatencyP50), st.kpiMs}},
		{topReason, {}, {"Latency p90 (end-to-end)", ptrAny(d.LatencyP90), st.kpiMs}},
	}
	defer p.note(fmt.Sprintf("Sentiment and success rate are of the %d analysed calls (with post-call analysis); "+
		"the success rate of those with a verdict.", d.Analysed))
	cols := [3][3]string{{"A", "A", "B"}, {"C", "D", "E"}, {"F", "G", "H"}} // label from, label to, value
	for _, line := range grid {
		for i, k := range line {
			if k.label == "" {
				continue
			}
			c := cols[i]
			p.set(c[0], p.row, k.label, st.label)
			if c[0] != c[1] {
				p.merge(c[0]+fmt.Sprint(p.row), c[1]+fmt.Sprint(p.row))
			}
			v := k.value
			if v == nil {
				v = "n/a"
			}
			if k.label == "Top reason" { // text: spans the value columns of the row
				p.set("B", p.row, v, st.kpiCount)
				p.merge(fmt.Sprintf("B%d", p.row), fmt.Sprintf("E%d", p.row))
				continue
			}
			p.set(c[2], p.row, v, k.style)
		}
		if p.err == nil {
			p.err = p.f.SetRowHeight(sheetSummary, p.row, 19)
		}
		p.row++
	}
}

// note writes a line of small print under what was just written.
func (p *summaryPainter) note(text string) {
	p.set("A", p.row, text, p.st.note)
	p.row++
}

func ptrAny(v *float64) any {
	if v == nil {
		return nil
	}
	return *v
}

// humanize turns an enum value into a label: "dial_no_answer" becomes
// "Dial no answer". Unknown values read just as well.
func humanize(s string) string {
	if s == analyze.None {
		return "No reason yet (call not over)"
	}
	s = strings.ReplaceAll(s, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// perDayChart reserves the place of the calls-and-cost chart; drawPerDay
// adds it once perDayTable has written the cells it plots.
func (p *summaryPainter) perDayChart(d *summaryData) (anchor int) {
	p.section("Calls and cost per day")
	switch {
	case !d.HasDays:
		p.note("Per-day figures are in the report when the summary is grouped by day (--by with day, the default).")
		return 0
	case len(d.Days) == 0:
		p.note("No call had a start time.")
		return 0
	}
	anchor = p.row
	p.row += 16
	return anchor
}

// drawPerDay draws calls per day as columns and cost per day as a line on
// a secondary axis, from the per-day table's rows first..last.
func (p *summaryPainter) drawPerDay(anchor, first, last, days int) {
	// Slanted day labels: LibreOffice ignores tickLblSkip and would pile
	// up horizontal labels of a long period; slanted ones it thins out.
	rotation := 0
	if days > 12 {
		rotation = -45
	}
	ref := func(col string) string { return fmt.Sprintf("'%s'!$%s$%d:$%s$%d", sheetSummary, col, first, col, last) }
	head := func(col string) string { return fmt.Sprintf("'%s'!$%s$%d", sheetSummary, col, first-1) }
	calls := &excelize.Chart{
		Type: excelize.Col,
		Series: []excelize.ChartSeries{{Name: head("B"), Categories: ref("A"), Values: ref("B"),
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"4472C4"}}}},
		Format:    excelize.GraphicOptions{OffsetX: 4, OffsetY: 4},
		Dimension: excelize.ChartDimension{Width: 900, Height: 300},
		Legend:    excelize.ChartLegend{Position: "top"},
		XAxis:     excelize.ChartAxis{NumFmt: excelize.ChartNumFmt{CustomNumFmt: "d mmm"}, TickLabelSkip: max(1, days/15), Font: axisFont(), Alignment: excelize.Alignment{TextRotation: rotation}},
		YAxis:     excelize.ChartAxis{MajorGridLines: true, NumFmt: excelize.ChartNumFmt{CustomNumFmt: fmtCount}, Title: axisTitle("Calls"), Font: axisFont()},
	}
	cost := &excelize.Chart{
		Type: excelize.Line,
		Series: []excelize.ChartSeries{{Name: head("E"), Categories: ref("A"), Values: ref("E"),
			Line: excelize.LineOptions{Width: 2.25}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"ED7D31"}}}},
		YAxis: excelize.ChartAxis{Secondary: true, NumFmt: excelize.ChartNumFmt{CustomNumFmt: `"$"#,##0`}, Title: axisTitle("Cost (USD)"), Font: axisFont()},
	}
	p.chart(fmt.Sprintf("A%d", anchor), calls, cost)
}

// axisFont is readable on screen and paper (the default is a pale grey).
func axisFont() excelize.Font { return excelize.Font{Family: fontFamily, Size: 9, Color: "404040"} }

func axisTitle(s string) excelize.ChartTitle {
	return excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: s, Font: &excelize.Font{Family: fontFamily, Size: 9, Color: colorGrey}}}}
}

// reasons writes the disconnection reasons table and its bar chart.
func (p *summaryPainter) reasons(d *summaryData) {
	p.section("Why calls ended")
	rows := d.Reasons // the less frequent reasons summed per category
	p.tableHeader("Disconnection reason", "Calls", "Share of calls")
	first := p.row
	for _, r := range rows {
		p.set("A", p.row, r.Label, p.st.tblText)
		p.set("B", p.row, r.Count, p.st.tblCount)
		p.set("C", p.row, r.Share, p.st.tblPct)
		p.row++
	}
	if len(rows) == 0 {
		p.set("A", p.row, "No call has a disconnection reason yet.", p.st.note)
		p.row++
	} else {
		last := p.row - 1
		p.chart(fmt.Sprintf("D%d", first-1), &excelize.Chart{
			Type: excelize.Bar,
			Series: []excelize.ChartSeries{{
				Name:       fmt.Sprintf("'%s'!$B$%d", sheetSummary, first-1),
				Categories: fmt.Sprintf("'%s'!$A$%d:$A$%d", sheetSummary, first, last),
				Values:     fmt.Sprintf("'%s'!$B$%d:$B$%d", sheetSummary, first, last),
				Fill:       excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"5B9BD5"}},
			}},
			Format:    excelize.GraphicOptions{OffsetX: 8},
			Dimension: excelize.ChartDimension{Width: 480, Height: uint(max(180, 20*(len(rows)+2)))},
			Legend:    excelize.ChartLegend{Position: "none"},
			PlotArea:  excelize.ChartPlotArea{ShowVal: true},
			XAxis:     excelize.ChartAxis{ReverseOrder: true, Font: axisFont()},
			YAxis:     excelize.ChartAxis{None: true},
		})
	}
	p.row = max(p.row, first+9, first-1+(max(180, 20*(len(rows)+2))+19)/20)
}

func (p *summaryPainter) sentiment(d *summaryData) {
	p.section("Caller sentiment")
	p.tableHeader("Sentiment", "Calls", "Share of analysed calls")
	first := p.row
	for _, s := range d.Sentiments {
		p.set("A", p.row, s.Label, p.st.tblText)
		p.set("B", p.row, s.Count, p.st.tblCount)
		p.set("C", p.row, s.Share, p.st.tblPct)
		p.row++
	}
	if missing := d.Calls - d.Analysed; missing > 0 {
		p.set("A", p.row, fmt.Sprintf("%d of %d calls have no post-call analysis (yet).", missing, d.Calls), p.st.note)
		p.merge(fmt.Sprintf("A%d", p.row), fmt.Sprintf("C%d", p.row))
	}
	if len(d.Sentiments) > 0 {
		colors := map[string]string{"Positive": "70AD47", "Neutral": "A5A5A5", "Negative": "E15759", "Unknown": "D9D9D9"}
		var points []excelize.ChartDataPoint
		for i, s := range d.Sentiments {
			if c, ok := colors[s.Label]; ok {
				points = append(points, excelize.ChartDataPoint{Index: i, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{c}}})
			}
		}
		last := first + len(d.Sentiments) - 1
		p.chart(fmt.Sprintf("D%d", first-1), &excelize.Chart{
			Type: excelize.Doughnut,
			Series: []excelize.ChartSeries{{
				Name:       fmt.Sprintf("'%s'!$B$%d", sheetSummary, first-1),
				Categories: fmt.Sprintf("'%s'!$A$%d:$A$%d", sheetSummary, first, last),
				Values:     fmt.Sprintf("'%s'!$B$%d:$B$%d", sheetSummary, first, last),
				DataPoint:  points,
			}},
			Format:    excelize.GraphicOptions{OffsetX: 8},
			Dimension: excelize.ChartDimension{Width: 480, Height: 200},
			Legend:    excelize.ChartLegend{Position: "right"},
			PlotArea:  excelize.ChartPlotArea{ShowPercent: true},
			HoleSize:  55,
		})
	}
	p.row = max(p.row+1, first+10)
}

func (p *summaryPainter) tableHeader(cells ...string) {
	for i, c := range cells {
		col, _ := excelize.ColumnNumberToName(i + 1)
		p.set(col, p.row, c, p.st.tblHead)
	}
	if p.err == nil {
		p.err = p.f.SetRowHeight(sheetSummary, p.row, 30)
	}
	p.row++
}

func (p *summaryPainter) agents(d *summaryData) {
	p.section("Agents")
	if !d.HasAgents {
		p.note("Per-agent figures are in the report when the summary is grouped by agent (--by with agent, the default).")
		return
	}
	p.tableHeader("Agent", "Calls", "Connected", "Minutes", "Cost (USD)", "Success rate", "Positive (of analysed)", "Latency p50")
	agents := d.Agents
	if len(agents) > maxAgentRows {
		rest := agentFigures{Name: fmt.Sprintf("Other agents (%d)", len(agents)-maxAgentRows+1)}
		for _, a := range agents[maxAgentRows-1:] {
			rest.Calls += a.Calls
			rest.Connected += a.Connected
			rest.Minutes += a.Minutes
			rest.CostUSD += a.CostUSD
		}
		agents = append(agents[:maxAgentRows-1:maxAgentRows-1], rest)
	}
	for _, a := range agents {
		p.set("A", p.row, a.Name, p.st.tblText)
		p.set("B", p.row, a.Calls, p.st.tblCount)
		p.set("C", p.row, a.Connected, p.st.tblCount)
		p.set("D", p.row, a.Minutes, p.st.tblMin)
		p.set("E", p.row, a.CostUSD, p.st.tblMoney)
		p.setOpt("F", a.SuccessRate, p.st.tblPct)
		p.setOpt("G", a.Positive, p.st.tblPct)
		p.setOpt("H", a.LatencyP50, p.st.tblMs)
		p.row++
	}
}

// setOpt writes an optional figure; a missing one shows as an empty,
// still bordered cell.
func (p *summaryPainter) setOpt(col string, v *float64, style int) {
	if v == nil {
		p.set(col, p.row, "", style)
		return
	}
	p.set(col, p.row, *v, style)
}

// perDayTable writes the figures per day and returns the rows they fill.
func (p *summaryPainter) perDayTable(d *summaryData) (first, last int) {
	if len(d.Days) == 0 && d.NoStart == nil {
		return 0, 0
	}
	p.section("Calls per day")
	p.tableHeader("Day", "Calls", "Connected", "Minutes", "Cost (USD)")
	first = p.row
	for _, day := range d.Days {
		p.dayRow(day.Day, p.st.tblDate, day)
	}
	last = p.row - 1
	// Calls without a start time have no day; their row keeps the table's
	// total equal to the run's calls. It is not plotted.
	if d.NoStart != nil {
		p.dayRow(analyze.NoStart, p.st.tblText, *d.NoStart)
	}
	return first, last
}

func (p *summaryPainter) dayRow(day any, style int, f dayFigures) {
	p.set("A", p.row, day, style)
	p.set("B", p.row, f.Calls, p.st.tblCount)
	p.set("C", p.row, f.Connected, p.st.tblCount)
	p.set("D", p.row, f.Minutes, p.st.tblMin)
	p.set("E", p.row, f.CostUSD, p.st.tblMoney)
	p.row++
}

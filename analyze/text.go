package analyze

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// WriteText writes s as plain-text tables for a terminal: the overall
// figures section by section, then one line per group for each grouping.
// "-" marks a figure that cannot be computed (no data).
func WriteText(w io.Writer, s *Summary) error {
	var buf bytes.Buffer
	tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
	p := &printer{w: tw}
	p.header(s)
	p.volume(&s.Overall.Volume)
	p.outcome(&s.Overall.Outcome, s.Overall.Volume.Connected)
	p.analysis(&s.Overall.Analysis)
	p.cost(&s.Overall.Cost)
	p.latency(&s.Overall.Latency)
	p.conversation(&s.Overall.Conversation)
	p.tools(&s.Overall.Tools)
	p.custom(s.Overall.Custom)
	for i := range s.Groupings {
		p.grouping(&s.Groupings[i])
	}
	if p.err != nil {
		return p.err
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return writeTrimmed(w, buf.Bytes())
}

// writeTrimmed copies text to w without the trailing blanks tabwriter pads
// empty last cells with (they upset diffs and golden files).
func writeTrimmed(w io.Writer, text []byte) error {
	var out bytes.Buffer
	for line := range bytes.Lines(text) {
		out.Write(bytes.TrimRight(line, " \n"))
		out.WriteByte('\n')
	}
	_, err := w.Write(out.Bytes())
	return err
}

// printer writes lines and keeps the first error, so the section code
// reads as a list of lines.
type printer struct {
	w   io.Writer
	err error
}

func (p *printer) line(cells ...string) {
	if p.err == nil {
		_, p.err = io.WriteString(p.w, strings.Join(cells, "\t")+"\n")
	}
}

func (p *printer) header(s *Summary) {
	o := &s.Overall
	period := "no call has a start time"
	if o.Period.FirstStart != nil {
		period = fmt.Sprintf("%s to %s", o.Period.FirstStart.Format(timeLayout), o.Period.LastStart.Format(timeLayout))
	}
	p.line(fmt.Sprintf("%d calls, %s (%s)", o.Volume.Calls, period, s.TimeZone))
	p.line(fmt.Sprintf("without start %d, without cost %d, without analysis %d",
		o.Volume.WithoutStart, o.Cost.WithoutCost, o.Analysis.WithoutAnalysis))
}

const timeLayout = time.DateTime

func (p *printer) volume(v *Volume) {
	p.line()
	p.line("VOLUME")
	p.line("calls", itoa(v.Calls))
	p.line("connected", itoa(v.Connected), pct(share(v.Connected, v.Calls)))
	p.line("minutes", f(v.TotalMinutes, 1), "mean "+fp(v.MeanMinutes, 2))
	d := &v.DurationSeconds
	p.line("duration s", "p50 "+fp(d.P50, 1), "p90 "+fp(d.P90, 1), "p99 "+fp(d.P99, 1), method(d))
	p.counts("STATUS", v.ByStatus)
}

func (p *printer) outcome(o *Outcome, connected int) {
	p.reasons(o.Lines)
	p.counts("CATEGORY", o.Categories)
	p.line()
	p.line("transfer rate", pct(o.TransferRate), fmt.Sprintf("%d of %d connected", o.Transfers, connected))
}

// reasons prints the reason lines: a tail summed per category says how
// many reasons it holds.
func (p *printer) reasons(lines []ReasonLine) {
	p.line()
	p.line("REASON", "COUNT", "SHARE")
	for _, l := range lines {
		if l.Reasons > 1 {
			p.line(l.Name, itoa(l.Count), pct(&l.Share), fmt.Sprintf("%d reasons", l.Reasons))
			continue
		}
		p.line(l.Name, itoa(l.Count), pct(&l.Share))
	}
}

func (p *printer) analysis(a *AnalysisStats) {
	p.line()
	p.line("analysed", itoa(a.Analysed), "without analysis "+itoa(a.WithoutAnalysis))
	p.counts(fmt.Sprintf("SENTIMENT (of %d analysed calls)", a.Analysed), a.Sentiments)
	p.line()
	p.line("success rate", pct(a.SuccessRate), fmt.Sprintf("%d of %d analysed calls with a verdict", a.Successful, a.SuccessRated))
	p.line("voicemail rate", pct(a.VoicemailRate), fmt.Sprintf("%d of %d analysed calls with a verdict", a.Voicemail, a.VoicemailRated))
}

func (p *printer) cost(c *Cost) {
	p.line()
	p.line("COST USD")
	p.line("total", f(c.TotalUSD, 2), fmt.Sprintf("%d calls with cost, %d without", c.WithCost, c.WithoutCost))
	p.line("mean per call", fp(c.MeanUSD, 4))
	p.line("per connected minute", fp(c.PerConnectedMinuteUSD, 4))
	p.line("per call", "p50 "+fp(c.PerCallUSD.P50, 4), "p95 "+fp(c.PerCallUSD.P95, 4), method(&c.PerCallUSD))
	if len(c.Products) == 0 {
		return
	}
	p.line()
	p.line("PRODUCT", "CALLS", "USD", "SHARE")
	for _, pr := range c.Products {
		p.line(pr.Product, itoa(pr.Calls), f(pr.TotalUSD, 4), pct(&pr.Share))
	}
}

func (p *printer) latency(l *Latency) {
	p.line()
	p.line("LATENCY ms", "SAMPLES", "P50", "P90", "P99")
	for _, c := range []struct {
		name string
		q    *Quantiles
	}{{"e2e", &l.E2E}, {"asr", &l.ASR}, {"llm", &l.LLM}, {"tts", &l.TTS}} {
		p.line(c.name, fmt.Sprint(c.q.Count), fp(c.q.P50, 0), fp(c.q.P90, 0), fp(c.q.P99, 0), method(c.q))
	}
}

// conversation prints the word-timing figures in four lines, or one when
// no call has timing.
func (p *printer) conversation(c *ConversationStats) {
	p.line()
	if c.TimedCalls == 0 {
		p.line("CONVERSATION", "no call has word timing")
		return
	}
	p.line(fmt.Sprintf("CONVERSATION (%d calls with word timing)", c.TimedCalls))
	p.line("talk min", "agent "+f(c.AgentTalkS/60, 1), "user "+f(c.UserTalkS/60, 1), "agent share "+pct(c.TalkRatio))
	p.line("interruptions per call", "by user "+fp(c.UserInterruptionsPerCall, 2), "by agent "+fp(c.AgentInterruptionsPerCall, 2))
	s, g := &c.LongestSilenceS, &c.ResponseGapS
	p.line("longest silence s", "p50 "+fp(s.P50, 1), "p90 "+fp(s.P90, 1), "max "+fp(s.Max, 1))
	p.line("response gap s", "p50 "+fp(g.P50, 2), "p90 "+fp(g.P90, 2), method(g))
}

func (p *printer) tools(t *Tools) {
	if len(t.Tools) > 0 {
		p.line()
		p.line("TOOL", "CALLS", "RESULTS", "JUDGED", "FAILED", "FAILURE")
		for _, x := range t.Tools {
			p.line(x.Name, itoa(x.Invocations), itoa(x.Results), itoa(x.Judged), itoa(x.Failed), pct(x.FailureShare))
		}
	}
	if len(t.Nodes) > 0 {
		p.line()
		p.line("FLOW NODE", "TRANSITIONS")
		for _, n := range t.Nodes {
			p.line(n.Node, itoa(n.Transitions))
		}
	}
}

func (p *printer) custom(keys []CustomKey) {
	if len(keys) == 0 {
		return
	}
	p.line()
	p.line("CUSTOM ANALYSIS", "VALUE", "COUNT", "SHARE")
	for _, k := range keys {
		if k.Kind == KindOther {
			p.line(k.Key, "(not enum-like)", itoa(k.Calls), "-")
			continue
		}
		for i, v := range k.Values {
			name := ""
			if i == 0 {
				name = k.Key
			}
			p.line(name, v.Name, itoa(v.Count), pct(&v.Share))
		}
	}
}

func (p *printer) grouping(g *Grouping) {
	p.line()
	p.line("BY "+strings.ToUpper(g.By), "CALLS", "CONN", "MIN", "P50 S", "USD", "USD/MIN",
		"SUCCESS", "TRANSFER", "E2E P50", "NAME")
	for i := range g.Groups {
		x := &g.Groups[i]
		p.line(x.Key, itoa(x.Volume.Calls), itoa(x.Volume.Connected), f(x.Volume.TotalMinutes, 1),
			fp(x.Volume.DurationSeconds.P50, 1), f(x.Cost.TotalUSD, 2), fp(x.Cost.PerConnectedMinuteUSD, 4),
			pct(x.Analysis.SuccessRate), pct(x.Outcome.TransferRate), fp(x.Latency.E2E.P50, 0), x.Label)
	}
}

// counts prints a distribution as a table under a blank line.
func (p *printer) counts(title string, cs []Count) {
	p.line()
	p.line(title, "COUNT", "SHARE")
	for _, c := range cs {
		p.line(c.Name, itoa(c.Count), pct(&c.Share))
	}
}

func method(q *Quantiles) string {
	if q.Count == 0 {
		return "(no data)"
	}
	return fmt.Sprintf("(%d values, exact)", q.Count)
}

func itoa(n int) string { return fmt.Sprint(n) }

func f(v float64, digits int) string { return fmt.Sprintf("%.*f", digits, v) }

func fp(v *float64, digits int) string {
	if v == nil {
		return "-"
	}
	return f(*v, digits)
}

func pct(v *float64) string {
	if v == nil {
		return "-"
	}
	return f(*v*100, 1) + "%"
}

func share(n, d int) *float64 {
	if d == 0 {
		return nil
	}
	return ptr(float64(n) / float64(d))
}

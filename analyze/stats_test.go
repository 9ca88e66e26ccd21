package analyze

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/retell-export/retell-export/export"
)

// keys returns the group keys (and calls) of the grouping by.
func keys(t *testing.T, s *Summary, by string) []string {
	t.Helper()
	for _, g := range s.Groupings {
		if g.By == by {
			var out []string
			for _, x := range g.Groups {
				out = append(out, x.Key+"="+itoa(x.Volume.Calls))
			}
			return out
		}
	}
	t.Fatalf("no grouping %q", by)
	return nil
}

func TestByAgent(t *testing.T) {
	s := summarize(t, Options{By: []string{ByAgent}},
		call(agent("a2", "Beta")), call(agent("a2", "Beta")),
		call(agent("a1", "Alpha")), call(agent("a1", "Alpha v2")), // renamed: the latest name wins
		call(agent("a3", "")),
		call(agent("", "")),
	)
	check(t, "keys", keys(t, s, ByAgent), []string{"a1=2", "a2=2", None + "=1", "a3=1"})
	check(t, "label", s.Groupings[0].Groups[0].Label, "Alpha v2")
	check(t, "no label", s.Groupings[0].Groups[3].Label, "")
}

// A call at 03:00 UTC belongs to the previous day in New York; a call
// without a start goes to "(no start)", listed last.
func TestByDayTimeZone(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skipf("no time zone database: %v", err)
	}
	calls := []*export.Call{
		call(at("2026-03-10T03:00:00Z", 60)),
		call(at("2026-03-10T05:00:00Z", 60)),
		call(at("2026-03-11T03:59:59Z", 60)), // 23:59:59 EDT on the 10th
		call(at("2026-03-11T04:00:00Z", 60)), // midnight EDT on the 11th
		call(),
	}
	tests := []struct {
		loc  *time.Location
		want []string
		tz   string
	}{
		{nil, []string{"2026-03-10=2", "2026-03-11=2", NoStart + "=1"}, "UTC"},
		{ny, []string{"2026-03-09=1", "2026-03-10=2", "2026-03-11=1", NoStart + "=1"}, "America/New_York"},
	}
	for _, tt := range tests {
		t.Run(tt.tz, func(t *testing.T) {
			s := summarize(t, Options{By: []string{ByDay}, Location: tt.loc}, calls...)
			check(t, "days", keys(t, s, ByDay), tt.want)
			check(t, "zone", s.TimeZone, tt.tz)
		})
	}
	s := summarize(t, Options{By: []string{ByDay}, Location: ny}, calls...)
	first := s.Overall.Period.FirstStart.Format(time.RFC3339)
	last := s.Overall.Period.LastStart.Format(time.RFC3339)
	check(t, "period", first+" "+last, "2026-03-09T23:00:00-04:00 2026-03-11T00:00:00-04:00")
	noStart := s.Groupings[0].Groups[3]
	check(t, "no-start period", noStart.Period, Period{})
}

func TestByTypeAndDirection(t *testing.T) {
	s := summarize(t, Options{By: []string{ByType, ByDirection}},
		call(phone("inbound")), call(phone("inbound")), call(phone("outbound")), call())
	check(t, "by", s.By, []string{ByType, ByDirection})
	check(t, "type", keys(t, s, ByType), []string{"phone_call=3", "web_call=1"})
	check(t, "direction", keys(t, s, ByDirection), []string{"inbound=2", None + "=1", "outbound=1"})
}

// Each group is computed from its own calls, like the overall group.
func TestGroupFigures(t *testing.T) {
	s := summarize(t, Options{By: []string{ByAgent}},
		call(agent("a1", ""), at(start, 60), cost(10), analysis("Positive", yes, nil, "")),
		call(agent("a2", ""), at(start, 120), cost(30), analysis("Negative", no, nil, "")),
		call(agent("a2", ""), at(start, 180), reason("call_transfer")),
	)
	a1, a2 := s.Groupings[0].Groups[1], s.Groupings[0].Groups[0]
	check(t, "a1 minutes", a1.Volume.TotalMinutes, 1.0)
	check(t, "a2 minutes", a2.Volume.TotalMinutes, 5.0)
	check(t, "a2 cost", a2.Cost.TotalUSD, 0.3)
	check(t, "a2 transfer rate", a2.Outcome.TransferRate, f64(0.5))
	check(t, "a1 success", a1.Analysis.SuccessRate, f64(1))
	check(t, "overall success", s.Overall.Analysis.SuccessRate, f64(0.5))
}

func TestParseBy(t *testing.T) {
	tests := []struct {
		in      string
		want    []string
		wantErr string
	}{
		{"agent,day", []string{"agent", "day"}, ""},
		{" Day , agent ,day", []string{"day", "agent"}, ""},
		{"all", AllBy(), ""},
		{"", []string{}, ""},
		{"none", []string{}, ""},
		{"agent,week", nil, `unknown grouping "week"`},
		{"agent,", nil, `unknown grouping ""`},
	}
	for _, tt := range tests {
		got, err := ParseBy(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), "agent, day, type, direction") {
				t.Errorf("ParseBy(%q) error %v, want %q listing the valid names", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseBy(%q): %v", tt.in, err)
		}
		check(t, "ParseBy("+tt.in+")", got, tt.want)
	}
}

func TestLifecycle(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out", "summary.json")
	s := New(Options{JSONPath: path})
	var _ export.Writer = s
	var _ export.Aborter = s
	var _ export.Reporter = s
	if s.Summary() != nil {
		t.Error("Summary before Close is not nil")
	}
	if err := s.Write(call()); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if err := s.Write(call()); err == nil {
		t.Error("Write after Close succeeded")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var back Summary
	if err := json.Unmarshal(b, &back); err != nil || back.Overall.Volume.Calls != 1 {
		t.Errorf("summary.json: %v, calls %d", err, back.Overall.Volume.Calls)
	}
	if r := s.Report(); r != (Report{Calls: 1, SummaryJSON: path}) {
		t.Errorf("report = %+v, want 1 call and %s", r, path)
	}

	aborted := New(Options{JSONPath: filepath.Join(dir, "aborted.json")})
	_ = aborted.Write(call())
	if err := aborted.Abort(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "aborted.json")); !os.IsNotExist(err) {
		t.Errorf("Abort left a file: %v", err)
	}
	if aborted.Summary() != nil {
		t.Error("Summary after Abort is not nil")
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "out"))
	if len(entries) != 1 {
		t.Errorf("out dir holds %d entries, want summary.json only", len(entries))
	}
}

func TestUnknownGroupingInOptions(t *testing.T) {
	s := New(Options{By: []string{"week"}})
	if err := s.Write(call()); err == nil || !strings.Contains(err.Error(), "week") {
		t.Errorf("Write error %v, want unknown grouping", err)
	}
}

// The JSON encoding of a Summary decodes back to the same JSON: every
// field has a tag and no value is lost (NaN would make Marshal fail).
func TestJSONRoundTrip(t *testing.T) {
	s := summarize(t, Options{By: AllBy()},
		call(agent("a1", "A"), phone("outbound"), at(start, 90), cost(12.5, "voice_engine", 12.5),
			analysis("Neutral", yes, no, `{"ok":true}`), latency([]float64{800, 900}, []float64{400}, []float64{200})),
		call(status(export.StatusRegistered)),
	)
	var b1, b2 strings.Builder
	if err := WriteJSON(&b1, s); err != nil {
		t.Fatal(err)
	}
	var back Summary
	if err := json.Unmarshal([]byte(b1.String()), &back); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(&b2, &back); err != nil {
		t.Fatal(err)
	}
	if b1.String() != b2.String() {
		t.Errorf("round trip changed the JSON:\n%s\n---\n%s", b1.String(), b2.String())
	}
}

// Write keeps nothing of the call: changing it afterwards changes nothing,
// and the reused scratch space holds no reference into it.
func TestWriteKeepsNoReference(t *testing.T) {
	c := call(at(start, 60), cost(10, "voice_engine", 10.0), latency([]float64{100, 200}, nil, nil),
		items(`[{"role":"tool_call_invocation","tool_call_id":"t1","name":"lookup"}]`))
	s := New(Options{})
	if err := s.Write(c); err != nil {
		t.Fatal(err)
	}
	if s.scratch.e2e != nil || s.scratch.products != nil || (len(s.scratch.invocations) > 0 && s.scratch.invocations[0] != "") {
		t.Errorf("scratch still refers to the call: %+v", s.scratch)
	}
	c.Latency.E2E.Values[0] = 1e9
	c.CallCost.ProductCosts[0].Product = "changed"
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	o := s.Summary().Overall
	check(t, "e2e max", o.Latency.E2E.Max, f64(200))
	check(t, "product", o.Cost.Products[0].Product, "voice_engine")
}

package progress

import (
	"testing"

	"github.com/retell-export/retell-export/export/pipeline"
)

func TestFinalLine(t *testing.T) {
	rep := &pipeline.Report{Outcome: "ok", Counts: pipeline.ReportCounts{Fetched: 3}}
	base := rep.SummaryLine()
	for _, tc := range []struct{ out, reports, want string }{
		{"", "", base},
		{"out/", "", base + "; files in out/"},
		{"out/", "out", base + "; files in out/"},
		{"lake", "lake/reports/2026-11-10", base + "; files in lake, reports in lake/reports/2026-11-10"},
	} {
		if got := FinalLine(rep, tc.out, tc.reports); got != tc.want {
			t.Errorf("FinalLine(%q, %q) = %q, want %q", tc.out, tc.reports, got, tc.want)
		}
	}
}

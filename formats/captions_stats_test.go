package formats

import (
	"fmt"
	"sort"
	"strings"
	"testing"
)

// TestCueStats measures, on samples/, the share of cues within each
// readability limit, per format, and logs it (go test -run TestCueStats -v).
// Its only assertions are the hard limits: line count and 7 s.
func TestCueStats(t *testing.T) {
	calls := sampleCalls(t)
	w, err := NewCaptions(t.TempDir(), CaptionOptions{SRT: true, VTT: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range calls {
		if err := w.Write(c); err != nil {
			t.Fatal(err)
		}
	}
	r := w.Report()
	t.Logf("%d sample calls: %d caption files per format, %d without transcript, %d without word timing",
		len(calls), r.SRT.Files, r.NoTranscript, r.NoTiming)
	for f, files := range map[string]*CaptionFiles{"srt": r.SRT, "vtt": r.VTT} {
		shares := files.WithinLimits
		t.Logf("%s: %d cues; %s", f, files.Cues, formatShares(shares))
		if shares["lines"] != 1 || shares["max_duration"] != 1 {
			t.Errorf("%s: hard limits broken: %v", f, shares)
		}
	}
}

func formatShares(m map[string]float64) string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %.1f%%", k, 100*m[k]))
	}
	return strings.Join(parts, ", ")
}

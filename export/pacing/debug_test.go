package pacing

import (
	"os"
	"testing"
)

func TestDebugScenario(t *testing.T) {
	name := os.Getenv("SIM")
	if name == "" {
		t.Skip()
	}
	for _, tc := range targetScenarios() {
		if tc.sc.name != name {
			continue
		}
		sc := tc.sc
		sc.trace = func(s string) { t.Log(s) }
		o := simulate(sc)
		t.Logf("ratio %.3f %v", o.ratio(sc.calls), o)
	}
}

package formats

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/retell-export/retell-export/export"
)

// syntheticCall returns a realistic ended call: 20–60 turns of 5–40 words
// with word timings, a few tool events, four cost items, latency and
// analysis. rng makes the set reproducible without committing it.
func syntheticCall(rng *rand.Rand, n int) *export.Call {
	c := testCall(n, 0)
	// Two weeks of traffic, so the Summary has realistic days.
	start := time.Date(2026, 11, 2, 7, 0, 0, 0, time.UTC).Add(time.Duration(rng.Int64N(14 * 24 * int64(time.Hour))))
	startMs, durMs := start.UnixMilli(), 60000+rng.Int64N(540000)
	endMs := startMs + durMs
	cents := float64(durMs) / 60000 * 12 // about $0.12 a minute
	c.StartTimestamp, c.EndTimestamp, c.DurationMs = &startMs, &endMs, &durMs
	c.CallCost.CombinedCost = &cents
	turns := 20 + rng.IntN(41)
	vocab := strings.Fields("yes no order delivery tomorrow account number please thank you could I " +
		"check the status of my refund payment card address update appointment Monday morning " +
		"afternoon sure let me look that up for you one moment it shows shipped arriving")
	t := 0.5
	for i := range turns {
		role := export.RoleAgent
		if i%2 == 1 {
			role = export.RoleUser
		}
		words := make([]export.Word, 5+rng.IntN(36))
		var text strings.Builder
		for j := range words {
			s, e := t, t+0.2+rng.Float64()*0.3
			words[j] = export.Word{Word: vocab[rng.IntN(len(vocab))], Start: &s, End: &e}
			t = e + 0.05
			if j > 0 {
				text.WriteByte(' ')
			}
			text.WriteString(words[j].Word)
		}
		t += 0.8
		content := text.String()
		c.TranscriptObject = append(c.TranscriptObject, export.Utterance{Role: role, Content: content, Words: words})
		c.TranscriptWithToolCalls = append(c.TranscriptWithToolCalls, export.TranscriptItem{Role: role, Content: &content})
	}
	// One end-to-end latency sample per agent turn, as Retell sends them.
	e2e := make([]float64, turns/2)
	for i := range e2e {
		e2e[i] = 600 + rng.ExpFloat64()*500
	}
	p50, p90 := 800+rng.Float64()*400, 1400+rng.Float64()*600
	c.Latency = &export.Latency{E2E: &export.LatencyStats{P50: &p50, P90: &p90, Values: e2e}}
	extra := 2.5
	c.CallCost.ProductCosts = append(c.CallCost.ProductCosts, export.ProductCost{Product: "deepgram_asr", Cost: &extra})
	return c
}

// BenchmarkXLSX20k writes a workbook of 20,000 synthetic calls with
// transcripts (about 800k transcript rows). Run it under /usr/bin/time -v
// for the peak RSS:
//
//	/usr/bin/time -v go test -run XXX -bench BenchmarkXLSX20k -benchtime 1x ./formats/
func BenchmarkXLSX20k(b *testing.B) {
	benchmarkXLSX(b, 20000)
}

// BenchmarkXLSX1k is the same workload at 1,000 calls, quick enough for a
// routine -bench run.
func BenchmarkXLSX1k(b *testing.B) {
	benchmarkXLSX(b, 1000)
}

func benchmarkXLSX(b *testing.B, calls int) {
	b.ReportAllocs()
	dir := b.TempDir()
	for i := range b.N {
		path := filepath.Join(dir, fmt.Sprintf("report%d.xlsx", i))
		w, ws := newTestXLSX(b, path, XLSXOptions{Location: time.UTC})
		rng := rand.New(rand.NewPCG(1, 2))
		for n := range calls {
			if err := ws.Write(syntheticCall(rng, n)); err != nil {
				b.Fatal(err)
			}
		}
		if err := ws.Close(); err != nil {
			b.Fatal(err)
		}
		if fi, err := os.Stat(path); err == nil {
			b.ReportMetric(float64(fi.Size())/(1<<20), "MB/xlsx")
		}
		b.ReportMetric(float64(w.sheetRows[sheetTranscripts]), "transcript_rows")
	}
}

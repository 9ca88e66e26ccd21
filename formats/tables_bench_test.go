package formats

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"testing"

	"github.com/retell-export/retell-export/export"
)

// synthCalls streams n synthetic calls built from one template: a 5-minute
// phone call (50 turns, ~500 timed words, 3 cost items, analysis) with a
// tool call. Each call is a shallow copy with its own id, start and reason,
// so nothing grows with n. Starts advance 2 minutes per call with up to 30
// minutes of jitter: roughly in order, as the pipeline delivers them (20,000
// calls span about 28 days).
func synthCalls(tb testing.TB, n int, yield func(*export.Call) error) {
	m := longCall("call_template", 5.0/60, 1780000000000)
	m["transcript_with_tool_calls"] = append(m["transcript_with_tool_calls"].([]any),
		map[string]any{"role": "tool_call_invocation", "tool_call_id": "tc1", "name": "lookup", "arguments": `{"id":"x"}`, "time_sec": 12.5},
		map[string]any{"role": "tool_call_result", "tool_call_id": "tc1", "content": `{"ok":true}`, "successful": true, "time_sec": 13.1})
	tmpl := decode(tb, mustJSON(tb, m))
	reasons := []string{"user_hangup", "agent_hangup", "call_transfer", "voicemail_reached", "dial_no_answer", "error_asr"}
	for i := range n {
		c := *tmpl
		c.CallID = fmt.Sprintf("call_%027x", i)
		start := 1780000000000 + int64(i)*120_000 + int64((i*7919)%1800)*1000
		end := start + *tmpl.DurationMs
		c.StartTimestamp, c.EndTimestamp = &start, &end
		c.DisconnectionReason = reasons[i%len(reasons)]
		if err := yield(&c); err != nil {
			tb.Fatal(err)
		}
	}
}

func BenchmarkCSVWrite(b *testing.B) {
	w, err := NewCSV(b.TempDir(), CSVOptions{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	synthCalls(b, b.N, w.Write)
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "calls/s")
}

func BenchmarkParquetWrite(b *testing.B) {
	for _, partition := range []bool{false, true} {
		b.Run(fmt.Sprintf("partitioned=%v", partition), func(b *testing.B) {
			w, err := NewParquet(b.TempDir(), ParquetOptions{PartitionByDate: partition, ToolVersion: "bench"})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			synthCalls(b, b.N, w.Write)
			if err := w.Close(); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "calls/s")
		})
	}
}

// TestReplaySynthetic replays RETELL_TABLES_REPLAY synthetic calls through
// the writers named in RETELL_TABLES_FORMATS (csv, parquet, parquet-date;
// default all), for measuring peak RSS with /usr/bin/time -v on the test
// binary. It is skipped unless asked for.
func TestReplaySynthetic(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("RETELL_TABLES_REPLAY"))
	if n <= 0 {
		t.Skip("set RETELL_TABLES_REPLAY=20000 to replay synthetic calls (a measurement, not a check)")
	}
	dir := t.TempDir()
	var ws []export.Writer
	budget, _ := strconv.ParseInt(os.Getenv("RETELL_TABLES_BUDGET_MIB"), 10, 64)
	formats := os.Getenv("RETELL_TABLES_FORMATS")
	if formats == "" {
		formats = "csv,parquet"
	}
	for _, f := range strings.Split(formats, ",") {
		var w export.Writer
		var err error
		switch f {
		case "csv":
			w, err = NewCSV(dir, CSVOptions{})
		case "parquet":
			w, err = NewParquet(dir, ParquetOptions{ToolVersion: "replay", MemoryBudget: budget << 20})
		case "parquet-date":
			w, err = NewParquet(dir+"/date", ParquetOptions{PartitionByDate: true, ToolVersion: "replay", MemoryBudget: budget << 20})
		default:
			t.Fatalf("unknown format %q", f)
		}
		if err != nil {
			t.Fatal(err)
		}
		ws = append(ws, w)
	}
	var peakHeap uint64
	var ms runtime.MemStats
	count := 0
	synthCalls(t, n, func(c *export.Call) error {
		for _, w := range ws {
			if err := w.Write(c); err != nil {
				return err
			}
		}
		if count++; count%1000 == 0 {
			runtime.ReadMemStats(&ms)
			peakHeap = max(peakHeap, ms.HeapInuse)
		}
		return nil
	})
	if path := os.Getenv("RETELL_TABLES_HEAPPROFILE"); path != "" { // before Close: what a run holds
		runtime.GC()
		if err := writeHeapProfile(path); err != nil {
			t.Fatal(err)
		}
	}
	for _, w := range ws {
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	for _, w := range ws {
		_, rep := w.(export.Reporter).Output()
		var files []string
		switch r := rep.(type) {
		case CSVReport:
			files = r.Files
		case ParquetReport:
			files = r.Files
		}
		var size int64
		for _, f := range files {
			if st, err := os.Stat(f); err == nil {
				size += st.Size()
			}
		}
		t.Logf("%T: %d files, %.1f MB, rows %v", w, len(files), float64(size)/1e6, rep)
	}
	t.Logf("%d calls, peak heap in use %.1f MiB", n, float64(peakHeap)/(1<<20))
}

func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	return errors.Join(pprof.WriteHeapProfile(f), f.Close())
}

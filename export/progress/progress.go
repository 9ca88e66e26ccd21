// Package progress shows a run's advance on stderr: a bar on a terminal,
// a status line every few seconds elsewhere (logs, cron mail), and the
// line that ends a run.
package progress

import (
	"fmt"
	"io"
	"path/filepath"
	"sync"
	"time"

	"github.com/retell-export/retell-export/export/pipeline"
	"github.com/schollz/progressbar/v3"
)

var (
	_ pipeline.Progress = (*Bar)(nil)
	_ pipeline.Progress = (*Lines)(nil)
)

// Bar draws a progress bar on a terminal.
type Bar struct {
	W   io.Writer
	bar *progressbar.ProgressBar
}

// Start creates the bar. progressbar's defaults suit neither batch tools
// nor logs (stdout, a render per Add), hence every option here.
func (b *Bar) Start(s *pipeline.Stats) {
	b.bar = progressbar.NewOptions64(max(s.Total.Load(), 1),
		progressbar.OptionSetWriter(b.W),
		progressbar.OptionSetDescription("calls"),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("calls"),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(150*time.Millisecond),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionFullWidth(),
	)
}

// Update moves the bar and shows failures and 429s in its description.
func (b *Bar) Update(s *pipeline.Stats) {
	if f, t := s.Failed.Load(), s.Throttles(); f > 0 || t > 0 {
		b.bar.Describe(fmt.Sprintf("calls (%d failed, %d×429)", f, t))
	}
	_ = b.bar.Set64(min(s.Done.Load(), s.Total.Load()))
}

// Finish erases the bar; the summary line follows.
func (b *Bar) Finish(*pipeline.Stats) { _ = b.bar.Finish() }

// Lines prints one status line every Interval, for logs and cron
// mail, where a bar would be a stream of carriage returns.
type Lines struct {
	W        io.Writer
	Interval time.Duration
	stop     chan struct{}
	wg       sync.WaitGroup
}

// Start begins the periodic status lines.
func (l *Lines) Start(s *pipeline.Stats) {
	if l.Interval <= 0 {
		return
	}
	l.stop = make(chan struct{})
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		t := time.NewTicker(l.Interval)
		defer t.Stop()
		for {
			select {
			case <-l.stop:
				return
			case <-t.C:
				fmt.Fprintln(l.W, StatusLine(s))
			}
		}
	}()
}

// Update does nothing: lines are printed on a timer, so a stalled run
// still says where it is.
func (l *Lines) Update(*pipeline.Stats) {}

// Finish stops the status lines.
func (l *Lines) Finish(*pipeline.Stats) {
	if l.stop != nil {
		close(l.stop)
		l.wg.Wait()
	}
}

// StatusLine describes a run in progress.
func StatusLine(s *pipeline.Stats) string {
	done, total := s.Done.Load(), s.Total.Load()
	el := time.Since(s.Started)
	rate := float64(done) / max(el.Seconds(), 1e-9)
	eta := "?"
	if rate > 0 && total > done {
		eta = (time.Duration(float64(total-done)/rate) * time.Second).Round(time.Second).String()
	} else if total <= done {
		eta = "0s"
	}
	return fmt.Sprintf("progress: %d/%d calls (%.0f%%), %.1f calls/s, %d failed, %d×429, eta %s",
		done, total, 100*float64(done)/float64(max(total, 1)), rate, s.Failed.Load(), s.Throttles(), eta)
}

// FinalLine is the line that ends a run on stderr: the outcome and counts,
// and where the files went: the output directory ("" when the run wrote
// none) and the reports' directory inside it when that is another one.
func FinalLine(rep *pipeline.Report, outDir, reportDir string) string {
	s := rep.SummaryLine()
	switch {
	case outDir == "":
	case reportDir == "" || filepath.Clean(reportDir) == filepath.Clean(outDir):
		s += "; files in " + outDir
	default:
		s += "; files in " + outDir + ", reports in " + reportDir
	}
	return s
}

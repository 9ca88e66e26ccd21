// Command retell-export fetches call records from the Retell AI API and
// turns them into files people use: a lossless raw archive, CSV, Parquet,
// Excel and SRT/WebVTT captions, and a summary of sentiment, success, cost,
// latency and disconnection reasons. See README.md and docs/.
//
// This package is wiring: flags (flags.go), the outputs (outputs.go), the
// dataset and its store (dataset.go), the source of calls (source.go),
// and here signals, run and the exit codes.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // --tz works on machines without a zoneinfo database

	"golang.org/x/term"

	"github.com/retell-export/retell-export/analyze"
	"github.com/retell-export/retell-export/export/dataset"
	"github.com/retell-export/retell-export/export/pipeline"
	"github.com/retell-export/retell-export/export/progress"
	"github.com/retell-export/retell-export/export/retell"
	"github.com/retell-export/retell-export/export/store"
)

// Exit codes, documented in the README.
const (
	exitOK          = 0
	exitFatal       = 1
	exitUsage       = 2
	exitPartial     = 3
	exitAuth        = 4
	exitBusy        = 5
	exitInterrupted = 130
)

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	if os.Getenv("GOMEMLIMIT") == "" {
		go tuneMemoryLimit(ctx)
	}
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sigs
		if term.IsTerminal(int(os.Stderr.Fd())) {
			fmt.Fprintln(os.Stderr) // end the progress bar's line
		}
		fmt.Fprintln(os.Stderr, "retell-export: interrupted: finishing calls in flight, writing the archive and report (Ctrl-C again to quit at once)")
		cancel()
		<-sigs
		os.Exit(exitInterrupted)
	}()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	cancel()
	os.Exit(exitCode(err, os.Stderr))
}

// usageError is a problem with the command line (exit 2).
type usageError struct{ error }

// partialError means some calls could not be exported (exit 3).
type partialError struct{ failed int64 }

func (e partialError) Error() string {
	return fmt.Sprintf("%d calls could not be exported", e.failed)
}

func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	var ue usageError
	var pe partialError
	var ae *retell.AuthError
	var le *store.LockedError
	switch {
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "retell-export: %v (see retell-export --help)\n", err)
		return exitUsage
	case errors.As(err, &pe):
		return exitPartial // the summary line and failed.csv already say which
	case errors.As(err, &ae):
		fmt.Fprintf(stderr, "retell-export: %v\n", err)
		return exitAuth
	case errors.As(err, &le):
		fmt.Fprintf(stderr, "retell-export: %v; try again when it has finished\n", err)
		return exitBusy
	case errors.Is(err, pipeline.ErrInterrupted):
		fmt.Fprintln(stderr, "retell-export: interrupted; run the same command again to continue")
		return exitInterrupted
	}
	fmt.Fprintf(stderr, "retell-export: %v\n", err)
	return exitFatal
}

// run is the whole program but for signals and the exit code.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) (rerr error) {
	c, err := parseFlags(args, getenv, stdout)
	if err != nil {
		return err
	}
	if c.showVersion {
		_, err := fmt.Fprintln(stdout, "retell-export", c.version)
		return err
	}
	stderrTTY := isTerminal(stderr)
	stderr = &syncWriter{w: stderr} // warnings and status lines come from several goroutines
	ids, err := readIDs(c, stdin)
	if err != nil {
		return err
	}
	for _, b := range ids.Bad {
		fmt.Fprintf(stderr, "retell-export: skipping %v\n", b)
	}
	started := time.Now()
	warn := &warnings{w: stderr, hold: c.quiet}
	job := newJob(c, ids, warn.add)
	var ds *dataset.Dataset
	if c.writesFiles() {
		if ds, err = openOutput(ctx, c, warn.add); err != nil {
			return err
		}
		defer func() {
			if cerr := ds.Close(); cerr != nil && rerr == nil {
				rerr = fmt.Errorf("release the lock on %s: %w (the next run takes it over once its lease runs out)", c.out, cerr)
			}
		}()
	}
	stopSource, err := setUpSource(ctx, c, job, ids, ds, getenv, stderr, started)
	defer stopSource()
	if err != nil {
		return err
	}
	var reportsAt string // the reports' directory as the user names it, for messages
	var staged string    // --from into --out: the Parquet tables of the replayed calls
	if c.writesFiles() {
		var upload func(context.Context) error
		var cleanup func()
		if reportsAt, staged, upload, cleanup, err = setUpOutput(c, job, ds, started); err != nil {
			return err
		}
		defer cleanup()
		defer func() {
			if uerr := upload(context.WithoutCancel(ctx)); uerr != nil && rerr == nil {
				rerr = uerr
			}
		}()
	}
	return exportCalls(ctx, c, job, ds, staged, reportsAt, stdout, stderr, stderrTTY, warn)
}

// exportCalls runs the job with the outputs the flags ask for and reports how
// it went: the summary on stdout, the final lines on stderr.
func exportCalls(ctx context.Context, c *config, job *pipeline.Job, ds *dataset.Dataset, staged, reportsAt string,
	stdout, stderr io.Writer, stderrTTY bool, warn *warnings) error {
	run := ""
	if ds != nil {
		run = ds.Run
	}
	var stats *analyze.Stats
	var err error
	if job.Writers, stats, err = buildWriters(c, staged, run); err != nil {
		return err
	}
	job.Progress = newProgress(c, stderr, stderrTTY)
	rep, err := job.Run(ctx)
	if err == nil {
		err = afterRun(ctx, c, ds, staged, rep, job.OutDir)
	}
	if err == nil && c.wantSummary(isTerminal(stdout)) {
		if perr := printSummary(c, stats, stdout); perr != nil {
			return fmt.Errorf("print summary: %w", perr)
		}
	}
	var failed int64
	if rep != nil {
		failed = rep.Counts.Failed + int64(rep.Counts.InvalidIDs)
	}
	if err == nil && failed > 0 {
		err = partialError{failed: failed}
	}
	// --quiet: a run that succeeds prints nothing, so cron mails nothing.
	if err != nil || !c.quiet {
		warn.flush()
		finalLines(c, rep, failed, reportsAt, stderr)
	}
	return err
}

// afterRun publishes a replay's staged Parquet tables and writes the
// loader kit, and writes run.json again with what they did.
func afterRun(ctx context.Context, c *config, ds *dataset.Dataset, staged string, rep *pipeline.Report, outDir string) error {
	var err error
	if staged != "" {
		rep.View, err = ds.PublishStaged(ctx, parquetView(c, ds.Run), staged)
	}
	if err == nil && ds != nil && slices.Contains(c.formatList(), "parquet") {
		err = writeKit(context.WithoutCancel(ctx), c, ds)
	}
	if err != nil {
		rep.Outcome, rep.Error = "failed", err.Error()
	}
	if outDir != "" && (staged != "" || err != nil) {
		return errors.Join(err, rep.WriteJSON(outDir))
	}
	return err
}

// finalLines end a run on stderr: the outcome and counts, and where the
// failures are listed.
func finalLines(c *config, rep *pipeline.Report, failed int64, reportsAt string, stderr io.Writer) {
	if rep != nil {
		out := ""
		if c.writesFiles() {
			out = c.out
		}
		fmt.Fprintln(stderr, "retell-export:", progress.FinalLine(rep, out, reportsAt))
	}
	switch {
	case failed > 0 && reportsAt != "":
		fmt.Fprintf(stderr, "retell-export: %d calls failed; see %s\n", failed, inOut(reportsAt, "failed.csv"))
	case failed > 0:
		fmt.Fprintf(stderr, "retell-export: %d calls failed\n", failed)
	}
}

// newProgress picks a bar on a terminal, status lines elsewhere.
func newProgress(c *config, stderr io.Writer, tty bool) pipeline.Progress {
	switch {
	case c.quiet:
		return pipeline.NopProgress{}
	case tty:
		return &progress.Bar{W: stderr}
	}
	return &progress.Lines{W: stderr, Interval: c.stats}
}

// inOut names rel inside the output directory out, which may be a store
// URL (so no filepath.Join, which would make s3:// into s3:/).
func inOut(out, rel string) string {
	if rel == "" || rel == "." {
		return out
	}
	return strings.TrimSuffix(out, "/") + "/" + rel
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// Command retell-export fetches call records from the Retell AI API and
// turns them into files people use: a lossless raw archive, CSV, Parquet,
// Excel and SRT/WebVTT captions, and a summary of sentiment, success, cost,
// latency and disconnection reasons.
//
// Usage:
//
//	export RETELL_API_KEY=key_...
//	retell-export --ids calls.txt --out out/            # fetch every id into out/
//	cat calls.txt | retell-export --ids - --out out/
//	retell-export call_abc call_def --out out/
//	retell-export --from out/raw --out out2/            # rebuild outputs, no network
//	retell-export --demo --out demo/                    # the samples, through a local fake API
//
// Exit codes: 0 every call exported; 1 fatal error; 2 usage error; 3 some
// calls failed (see out/failed.csv); 4 authentication failed; 130
// interrupted (run the same command again to continue); 5 another run is
// writing the same --out.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
	_ "time/tzdata" // --tz works on machines without a zoneinfo database

	"golang.org/x/term"

	"github.com/retell-export/retell-export/analyze"
	"github.com/retell-export/retell-export/export"
	"github.com/retell-export/retell-export/export/fakeapi"
	"github.com/retell-export/retell-export/export/store"
	"github.com/retell-export/retell-export/export/store/bucket"
	"github.com/retell-export/retell-export/formats"
	"github.com/retell-export/retell-export/samples"
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

// defaultMemoryLimit is the least soft limit on the Go runtime's memory
// when GOMEMLIMIT is not set. What a run holds live is small (at 100,000
// calls with every format, about 85 MB at most: sort keys, the index,
// Parquet pages); without a limit the garbage collector lets garbage and freed
// pages it has not returned yet push RSS past 200 MB. Near the limit it
// collects sooner and returns pages at once, for a few percent more CPU.
const defaultMemoryLimit = 144 << 20

// memoryLimit is the soft limit for a live heap of live bytes: the
// default, or 1.75 times the live heap once that is larger (a run over
// millions of ids), so that the collector is never left running
// back to back just under a limit the run has outgrown.
func memoryLimit(live uint64) int64 {
	return max(defaultMemoryLimit, int64(live/4*7))
}

// tuneMemoryLimit sets the soft memory limit from the live heap the last
// collection measured, every second, until ctx ends.
func tuneMemoryLimit(ctx context.Context) {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	var set int64
	for {
		metrics.Read(sample)
		// Only a change is set: setting the limit makes the runtime
		// recompute its pacing and return memory at once.
		if sample[0].Value.Kind() == metrics.KindUint64 {
			if l := memoryLimit(sample[0].Value.Uint64()); l != set {
				debug.SetMemoryLimit(l)
				set = l
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		go tuneMemoryLimit(context.Background())
	}
	ctx, cancel := context.WithCancel(context.Background())
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
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
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
	var ae *export.AuthError
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
	case errors.Is(err, export.ErrInterrupted):
		fmt.Fprintln(stderr, "retell-export: interrupted; run the same command again to continue")
		return exitInterrupted
	}
	fmt.Fprintf(stderr, "retell-export: %v\n", err)
	return exitFatal
}

// config is the parsed command line.
type config struct {
	idsFile, out, from, keyFile, baseURL, formats string
	concurrency, burst, retries                   int
	rps                                           float64
	timeout, stats, grace                         time.Duration
	refetch, quiet, demo                          bool
	demoDir                                       string
	ids                                           []string
	version                                       string
	showVersion                                   bool

	// outputs
	csvBOM, csvRaw, words, noSpeakers bool
	partition, by, tz                 string
	captionChars                      int
	summary, jsonOut                  bool
	outSet, formatSet                 bool // --out, --format given explicitly
	since, until, agents              string
	filter                            export.ListFilter
	// the dataset
	incremental bool
	lookback    time.Duration
	reportDir   string // --report-dir as given
	reports     string // where this run's reports go (expanded)
	loc         *time.Location
	byList      []string
}

// parseFlags parses the command line. Help (-h, --help, or help as the
// first argument) is written to stdout and returned as flag.ErrHelp.
func parseFlags(args []string, getenv func(string) string, stdout io.Writer) (*config, error) {
	info, ok := debug.ReadBuildInfo()
	c := &config{version: buildVersion(version, info, ok)}
	fs := flag.NewFlagSet("retell-export", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // flagError rewords parse errors as one line
	fs.StringVar(&c.idsFile, "ids", "", "read call ids from `FILE`: one per line, or a comma, semicolon or tab separated table with a call id column (call_id, Call ID, ...); - for stdin")
	fs.StringVar(&c.out, "out", "out", "output `DIR`")
	fs.StringVar(&c.from, "from", "", "replay saved calls from `PATH` (an archive dir, JSON files) instead of the API")
	fs.StringVar(&c.since, "since", "", "also export the calls that started at or after `WHEN` (list-calls): YYYY-MM-DD, RFC 3339, today, yesterday, or an age such as 36h or 7d")
	fs.StringVar(&c.until, "until", "", "with --since: calls that started before `WHEN` (same forms; default now)")
	fs.StringVar(&c.agents, "agent", "", "with --since/--until: only these agent `IDS` (comma-separated)")
	fs.StringVar(&c.formats, "format", "", "outputs to write, a comma-separated `LIST` of "+strings.Join(formatNames, ",")+", or none for the archive and reports only (default "+strings.Join(defaultFormats, ",")+")")
	fs.StringVar(&c.keyFile, "api-key-file", "", "read the API key from `FILE` (default: $RETELL_API_KEY)")
	fs.StringVar(&c.baseURL, "base-url", "", "API base `URL` (default: $RETELL_BASE_URL or "+export.DefaultBaseURL+")")
	fs.IntVar(&c.concurrency, "concurrency", 16, fmt.Sprintf("`N` requests in flight at most (1 to %d)", maxConcurrency))
	fs.Float64Var(&c.rps, "rps", 20, "`R` requests per second at most (the pacer adapts down on 429)")
	fs.IntVar(&c.burst, "burst", 1, "`N` requests that may go at once above the rate")
	fs.IntVar(&c.retries, "retries", 4, "`N` retries per call for 5xx, 408, 409, timeouts and bad bodies (429s have their own budget)")
	fs.DurationVar(&c.timeout, "timeout", 60*time.Second, "timeout per request (a duration `D` such as 30s)")
	fs.DurationVar(&c.stats, "stats", 10*time.Second, "status line interval `D` when stderr is not a terminal (0 = none)")
	fs.DurationVar(&c.grace, "grace", 5*time.Second, "time `D` calls in flight get to finish after Ctrl-C")
	fs.BoolVar(&c.refetch, "refetch", false, "fetch calls again even if the archive has them")
	fs.BoolVar(&c.quiet, "quiet", false, "print nothing unless something fails: no progress, no summary, no final line")
	fs.BoolVar(&c.demo, "demo", false, "serve the sample calls from a local fake Retell API and export them (no key, no network)")
	fs.StringVar(&c.demoDir, "demo-dir", "", "with --demo: serve the get-call bodies (*.json) in `DIR` instead of the built-in samples")
	fs.BoolVar(&c.csvBOM, "csv-bom", false, "start CSV files with a UTF-8 BOM (for Excel on Windows)")
	fs.BoolVar(&c.csvRaw, "csv-raw", false, "write CSV text exactly as sent, without formula neutralisation (for data loaders)")
	fs.BoolVar(&c.words, "words", false, "add the words table (one row per timed word) to CSV and Parquet")
	fs.StringVar(&c.partition, "partition", "none", "Parquet partitioning `MODE`: none or date (Hive-style date=YYYY-MM-DD by call start, UTC)")
	fs.IntVar(&c.captionChars, "captions-max-chars", 42, fmt.Sprintf("caption line width in characters, `N` from %d to %d (SRT/WebVTT)", minCaptionChars, maxCaptionChars))
	fs.BoolVar(&c.noSpeakers, "no-speaker-labels", false, "captions without Agent:/User: labels")
	fs.BoolVar(&c.summary, "summary", false, "print the summary on stdout (always printed when stdout is a terminal, unless --quiet); with --from and neither --out nor --format, write no files")
	fs.StringVar(&c.by, "by", "agent,day", "summary groupings, a `LIST` of agent, day, type, direction, or all or none")
	fs.StringVar(&c.tz, "tz", "UTC", "time `ZONE` of the summary's days (IANA name, e.g. America/New_York)")
	fs.BoolVar(&c.jsonOut, "json", false, "print the summary as JSON instead of a table (implies --summary)")
	fs.BoolVar(&c.incremental, "incremental", false, "list and fetch what is new since the last --incremental run (the first one needs --since), and fetch again calls that were not settled")
	fs.DurationVar(&c.lookback, "lookback", 48*time.Hour, "with --incremental: list again this far before the last run's latest call, for calls that appear late")
	fs.StringVar(&c.reportDir, "report-dir", ".", "where in --out this run's reports go (CSV, workbook, captions, summary.json, run.json, failed.csv); {since}, {until} and {started} name the window, e.g. reports/{started}")
	fs.BoolVar(&c.showVersion, "version", false, "print the version and exit")
	fs.Usage = func() {} // help is printed below, on stdout
	if len(args) > 0 && args[0] == "help" {
		printUsage(stdout, fs)
		return nil, flag.ErrHelp
	}
	for _, a := range args {
		if k, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "="); strings.HasPrefix(a, "-") && (k == "api-key" || k == "key") {
			return nil, usageError{errors.New("there is no --api-key flag: a key on the command line is visible to every user (ps); set RETELL_API_KEY or use --api-key-file")}
		}
	}
	// Flags may follow ids ("retell-export call_a call_b --out x"), which
	// the flag package alone does not allow: parse, take the ids up to the
	// next flag, parse again.
	for rest := args; ; {
		if err := fs.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				printUsage(stdout, fs)
				return nil, err
			}
			return nil, usageError{flagError(fs, err)}
		}
		rest = fs.Args()
		i := 0
		for i < len(rest) && (rest[i] == "-" || !strings.HasPrefix(rest[i], "-")) {
			i++
		}
		c.ids = append(c.ids, rest[:i]...)
		if rest = rest[i:]; len(rest) == 0 {
			break
		}
	}
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "out":
			c.outSet = true
		case "format":
			c.formatSet = true
		}
	})
	if c.showVersion {
		return c, nil
	}
	c.summary = c.summary || c.jsonOut
	if c.baseURL == "" {
		c.baseURL = getenv("RETELL_BASE_URL")
	}
	return c, c.check(time.Now())
}

// Bounds of flag values. The caption widths are formats.NewCaptions'
// (TestCaptionWidthBounds holds them together); above maxConcurrency a
// run would meet the usual limit of 1024 open files.
const (
	maxConcurrency  = 1000
	minCaptionChars = 10
	maxCaptionChars = 100
)

// check validates the flag values; every error names its flag (exit 2).
func (c *config) check(now time.Time) error {
	switch {
	case c.concurrency < 1 || c.concurrency > maxConcurrency:
		return badValue("concurrency", c.concurrency, fmt.Sprintf("want 1 to %d requests in flight", maxConcurrency))
	case !(c.rps > 0) || math.IsInf(c.rps, 0):
		return badValue("rps", c.rps, "want a number of requests per second above 0, such as 20")
	case c.burst < 1:
		return badValue("burst", c.burst, "want at least 1")
	case c.retries < 0:
		return badValue("retries", c.retries, "want 0 or more")
	case c.timeout <= 0:
		return badValue("timeout", c.timeout, "want a duration above 0, such as 30s")
	case c.stats < 0:
		return badValue("stats", c.stats, "want a duration such as 10s, or 0 for no status lines")
	case c.grace < 0:
		return badValue("grace", c.grace, "want a duration such as 5s, or 0 to stop at once")
	case c.captionChars < minCaptionChars || c.captionChars > maxCaptionChars:
		return badValue("captions-max-chars", c.captionChars, fmt.Sprintf("want %d to %d characters per line", minCaptionChars, maxCaptionChars))
	case c.out == "":
		return usageError{errors.New("--out must name a directory")}
	case c.from == "" && !c.demo && c.idsFile == "" && len(c.ids) == 0 && c.since == "" && c.until == "" && !c.incremental:
		return usageError{errors.New("no calls to export: give call ids, --ids FILE, --since/--until, --incremental, --from PATH or --demo")}
	case c.from != "" && (c.since != "" || c.until != ""):
		return usageError{errors.New("--since/--until list calls from the API; they do not go with --from")}
	case c.agents != "" && c.since == "" && c.until == "" && !c.incremental:
		return usageError{errors.New("--agent filters --since/--until listings; give --since or --until too")}
	case c.from != "" && c.demo:
		return usageError{errors.New("--from and --demo do not go together")}
	case c.demoDir != "" && !c.demo:
		return usageError{errors.New("--demo-dir goes with --demo")}
	case c.incremental && c.from != "":
		return usageError{errors.New("--incremental lists calls from the API; it does not go with --from")}
	case c.lookback < 0:
		return badValue("lookback", c.lookback, "want a duration such as 48h, or 0")
	}
	fl := splitList(c.formats)
	for _, f := range fl {
		if !slices.Contains(formatNames, f) && f != "none" {
			return badValue("format", c.formats, fmt.Sprintf("unknown format %q (want a comma-separated list of %s, or none)", f, strings.Join(formatNames, ", ")))
		}
	}
	if slices.Contains(fl, "none") && len(fl) > 1 {
		return badValue("format", c.formats, "none goes alone")
	}
	if c.formatSet && len(fl) == 0 {
		return badValue("format", c.formats, fmt.Sprintf("want a comma-separated list of %s, or none", strings.Join(formatNames, ", ")))
	}
	if c.partition != "none" && c.partition != "date" {
		return badValue("partition", c.partition, "want none or date")
	}
	var err error
	if c.byList, err = analyze.ParseBy(c.by); err != nil {
		return badValue("by", c.by, err.Error())
	}
	if c.loc, err = time.LoadLocation(c.tz); err != nil {
		return badValue("tz", c.tz, "want an IANA time zone such as UTC, Europe/Paris or America/New_York")
	}
	if c.filter.Since, err = export.ParseWhen(c.since, c.loc, now); err != nil {
		return badValue("since", c.since, "want "+strings.TrimPrefix(err.Error(), fmt.Sprintf("%q is not ", strings.TrimSpace(c.since))))
	}
	if c.filter.Until, err = export.ParseWhen(c.until, c.loc, now); err != nil {
		return badValue("until", c.until, "want "+strings.TrimPrefix(err.Error(), fmt.Sprintf("%q is not ", strings.TrimSpace(c.until))))
	}
	if c.filter.Since.After(now) {
		return badValue("since", c.since, fmt.Sprintf("that is in the future (%s; now is %s): no call has started yet",
			c.filter.Since.In(c.loc).Format(time.RFC3339), now.In(c.loc).Format(time.RFC3339)))
	}
	if !c.filter.Since.IsZero() && !c.filter.Until.IsZero() && !c.filter.Until.After(c.filter.Since) {
		return usageError{errors.New("--until must be after --since")}
	}
	c.filter.Agents = splitList(c.agents)
	return nil
}

// listing reports whether ids come from list-calls.
func (c *config) listing() bool { return c.since != "" || c.until != "" || c.incremental }

// writesFiles reports whether the run writes into --out: not for a
// summary of saved calls, unless --out or --format was given.
func (c *config) writesFiles() bool {
	return !(c.summary && c.from != "" && !c.outSet && !c.formatSet)
}

// formatList returns the outputs to write: --format's, else the default
// when the run writes files.
func (c *config) formatList() []string {
	switch {
	case c.formatSet:
		return slices.DeleteFunc(splitList(c.formats), func(f string) bool { return f == "none" })
	case !c.writesFiles():
		return nil
	}
	return defaultFormats
}

// wantSummary reports whether the summary goes to stdout: when asked for,
// or for a person at a terminal; never for --quiet unless asked for.
func (c *config) wantSummary(stdoutIsTerminal bool) bool {
	return c.summary || (stdoutIsTerminal && !c.quiet)
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(strings.ToLower(f)); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// formatNames are the outputs --format accepts.
var formatNames = []string{"csv", "parquet", "xlsx", "srt", "vtt"}

// defaultFormats are written when --format is not given: the tables and
// the workbook, which a person can open at once. Parquet is for loaders
// and captions are per call: both are asked for by name.
var defaultFormats = []string{"csv", "xlsx"}

// buildWriters opens the writers --format asks for, and the analytics that
// every run has. The analytics come first: the pipeline closes writers in
// order, and the workbook draws its Summary sheet at Close from the
// analytics' Summary, so every output shows the same figures. On error it
// aborts those already open.
func buildWriters(c *config, staged, run string) (ws []export.Writer, stats *analyze.Stats, err error) {
	names := c.formatList()
	has := func(name string) bool { return slices.Contains(names, name) }
	add := func(w export.Writer, err error) error {
		if err == nil {
			ws = append(ws, w)
		}
		return err
	}
	if c.writesFiles() {
		err = errors.Join(err, c.ensureOut())
	}
	opts := analyze.Options{By: c.byList, Location: c.loc}
	if c.writesFiles() {
		opts.JSONPath = filepath.Join(c.reports, "summary.json")
	}
	stats = analyze.New(opts)
	ws = append(ws, stats)
	if err == nil && has("csv") {
		err = add(newCSV(c))
	}
	if err == nil && has("parquet") && staged != "" {
		err = add(formats.NewParquet(staged, parquetOptions(c, run)))
	}
	if err == nil && has("xlsx") {
		err = add(newXLSX(c, stats))
	}
	if err == nil && (has("srt") || has("vtt")) {
		err = add(newCaptions(c, has("srt"), has("vtt")))
	}
	if err != nil {
		export.AbortAll(ws)
		return nil, nil, err
	}
	return ws, stats, nil
}

func (c *config) ensureOut() error {
	if err := os.MkdirAll(c.reports, 0o755); err != nil {
		return fmt.Errorf("--report-dir: %w", err)
	}
	return nil
}

func newCSV(c *config) (export.Writer, error) {
	return formats.NewCSV(c.reports, formats.CSVOptions{BOM: c.csvBOM, RawText: c.csvRaw, Words: c.words})
}

func newXLSX(c *config, stats *analyze.Stats) (export.Writer, error) {
	return formats.NewXLSX(filepath.Join(c.reports, "report.xlsx"), formats.XLSXOptions{
		Summary: stats.Summary, Location: c.loc, ToolVersion: c.version})
}

func newCaptions(c *config, srt, vtt bool) (export.Writer, error) {
	return formats.NewCaptions(c.reports, formats.CaptionOptions{SRT: srt, VTT: vtt, MaxLineChars: c.captionChars, NoSpeakerLabels: c.noSpeakers})
}

// printSummary writes the summary on stdout, as a table or as JSON.
func printSummary(c *config, stats *analyze.Stats, stdout io.Writer) error {
	s := stats.Summary()
	if s == nil {
		return nil
	}
	if c.jsonOut {
		return analyze.WriteJSON(stdout, s)
	}
	return analyze.WriteText(stdout, s)
}

// run is the whole program but for signals and the exit code.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) (rerr error) {
	c, err := parseFlags(args, getenv, stdout)
	if err != nil {
		return err
	}
	if c.showVersion {
		_, err := fmt.Fprintln(stdout, "retell-export", c.version)
		return err
	}
	ids := export.NewIDList()
	for i, id := range c.ids {
		ids.Add("arguments", i+1, id)
	}
	if err := readIDsFile(c.idsFile, ids); err != nil {
		return err
	}
	for _, b := range ids.Bad {
		fmt.Fprintf(stderr, "retell-export: skipping %v\n", b)
	}

	started := time.Now()
	warn := &warnings{w: stderr, hold: c.quiet}
	job := &export.Job{
		IDs: ids.IDs, Refetch: c.refetch, Concurrency: c.concurrency,
		Grace: c.grace, Version: c.version, Invalid: ids.Bad, Duplicates: ids.Duplicates,
		Warn: warn.add,
		Settings: map[string]any{
			"concurrency": c.concurrency, "rps": c.rps, "burst": c.burst, "retries": c.retries,
			"timeout": c.timeout.String(), "formats": c.formatList(), "refetch": c.refetch, "from": c.from,
			"incremental": c.incremental, "partition": c.partition,
		},
	}
	var ds *export.Dataset
	if c.writesFiles() {
		if ds, err = openOutput(ctx, c, warn.add); err != nil {
			return err
		}
		defer ds.Close()
	}
	if c.from != "" {
		job.ReplayFrom, job.OpenStore = c.from, bucket.Open
	} else {
		stopDemo, err := setUpClient(c, job, ids, getenv)
		if err != nil {
			return err
		}
		defer stopDemo()
		if c.incremental {
			if err := incrementalWindow(c, ds.State, started); err != nil {
				return err
			}
			due, gaveUp := ds.State.Due(started)
			for i, id := range due {
				ids.Add("state", i+1, id) // not settled last time, or not fetched
			}
			if gaveUp > 0 {
				job.Warn(fmt.Sprintf("gave up on %d calls still not settled %s after they started", gaveUp, export.GiveUpAfter))
			}
			job.IDs, job.Incremental = ids.IDs, true
		}
		if c.listing() {
			if err := listIDs(ctx, c, job, ids, stderr); err != nil {
				return err
			}
		}
	}
	var staged string    // --from into --out: the Parquet tables of the replayed calls
	var reportsAt string // the reports' directory as the user names it, for messages
	if c.writesFiles() {
		rel, err := reportDir(c, started)
		if err != nil {
			return err
		}
		reportsAt = inOut(c.out, rel)
		var upload func(context.Context) error
		if c.reports, upload, err = reportsLocally(ds, rel); err != nil {
			return err
		}
		defer func() {
			if uerr := upload(context.WithoutCancel(ctx)); uerr != nil && rerr == nil {
				rerr = uerr
			}
		}()
		job.OutDir, job.Dataset = c.reports, ds
		if slices.Contains(c.formatList(), "parquet") {
			if c.from == "" {
				job.View = parquetView(c, ds.Run)
			} else {
				var cleanup func()
				if staged, cleanup, err = ds.StagingDir(); err != nil {
					return err
				}
				defer cleanup()
			}
		}
	}
	var stats *analyze.Stats
	var run string
	if ds != nil {
		run = ds.Run
	}
	if job.Writers, stats, err = buildWriters(c, staged, run); err != nil {
		return err
	}
	job.Progress = newProgress(c, stderr)
	rep, err := job.Run(ctx)
	if err == nil && staged != "" {
		if rep.View, err = ds.PublishStaged(ctx, parquetView(c, ds.Run), staged); err != nil {
			rep.Outcome, rep.Error = "failed", err.Error()
		}
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
		if rep != nil {
			out := ""
			if c.writesFiles() {
				out = c.out
			}
			fmt.Fprintln(stderr, "retell-export:", export.FinalLine(rep, out, reportsAt))
		}
		switch {
		case failed > 0 && reportsAt != "":
			fmt.Fprintf(stderr, "retell-export: %d calls failed; see %s\n", failed, inOut(reportsAt, "failed.csv"))
		case failed > 0:
			fmt.Fprintf(stderr, "retell-export: %d calls failed\n", failed)
		}
	}
	return err
}

// warnings prints the run's warnings as they come, or with --quiet holds
// them (the first maxHeldWarnings) until the run is known to have failed.
type warnings struct {
	w       io.Writer
	hold    bool
	mu      sync.Mutex
	held    []string
	dropped int
}

const maxHeldWarnings = 100

func (h *warnings) add(msg string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case !h.hold:
		fmt.Fprintln(h.w, "retell-export: warning:", msg)
	case len(h.held) < maxHeldWarnings:
		h.held = append(h.held, msg)
	default:
		h.dropped++
	}
}

// flush prints the warnings held back, and from then on prints them.
func (h *warnings) flush() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, msg := range h.held {
		fmt.Fprintln(h.w, "retell-export: warning:", msg)
	}
	if h.dropped > 0 {
		fmt.Fprintf(h.w, "retell-export: warning: %d more warnings not shown\n", h.dropped)
	}
	h.held, h.dropped, h.hold = nil, 0, false
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

// setUpClient adds the API client (or, with --demo, a local fake API
// serving the samples) to the job. The returned func stops the fake.
func setUpClient(c *config, job *export.Job, ids *export.IDList, getenv func(string) string) (func(), error) {
	stop := func() {}
	base, key, source := c.baseURL, "", ""
	if c.demo {
		srv := fakeapi.NewServer(fakeapi.Options{Latency: 20 * time.Millisecond})
		sampleIDs, err := loadDemoCalls(srv, c.demoDir)
		if err != nil {
			srv.Close()
			return stop, err
		}
		if len(ids.IDs) == 0 && len(ids.Bad) == 0 && !c.listing() {
			for i, id := range sampleIDs {
				ids.Add("samples", i+1, id)
			}
			job.IDs = ids.IDs
		}
		base, key, source, stop = srv.URL, srv.Key(), "--demo", srv.Close
	} else {
		var err error
		if key, source, err = export.LoadKey(c.keyFile, getenv); err != nil {
			return stop, usageError{err}
		}
	}
	client, err := export.NewClient(export.ClientConfig{
		BaseURL: base, Key: key, KeySource: source, Pacer: export.NewPacer(c.rps, c.burst),
		Retries: c.retries, Timeout: c.timeout, Concurrency: c.concurrency,
		UserAgent: "retell-export/" + userAgentVersion(c.version),
	})
	if err != nil {
		stop()
		return func() {}, usageError{err}
	}
	job.Client = client
	job.Settings["base_url"] = client.BaseURL()
	job.Settings["key_source"] = source
	return stop, nil
}

// loadDemoCalls gives the demo server the samples built into the binary,
// or the calls in dir.
func loadDemoCalls(srv *fakeapi.Server, dir string) ([]string, error) {
	if dir == "" {
		return srv.LoadFS(samples.Calls, "calls")
	}
	ids, err := srv.LoadDir(dir)
	switch {
	case err != nil:
		return nil, fmt.Errorf("--demo-dir: %w", err)
	case len(ids) == 0:
		return nil, fmt.Errorf("--demo-dir: no get-call bodies (*.json) in %s", dir)
	}
	return ids, nil
}

// listIDs adds the ids of the calls --since/--until/--agent select.
func listIDs(ctx context.Context, c *config, job *export.Job, ids *export.IDList, stderr io.Writer) error {
	n := 0
	job.Listed = map[string]int64{}
	pages, err := job.Client.ListCallIDs(ctx, c.filter, func(id string, start int64) error {
		n++
		ids.Add("list-calls", n, id)
		job.Listed[id] = start
		return nil
	})
	if err != nil {
		if ctx.Err() != nil {
			return export.ErrInterrupted
		}
		return err
	}
	if !c.quiet {
		fmt.Fprintf(stderr, "retell-export: list-calls: %d calls in %d pages\n", n, pages)
	}
	job.IDs, job.Invalid, job.Duplicates = ids.IDs, ids.Bad, ids.Duplicates
	job.Settings["since"], job.Settings["until"], job.Settings["agents"] = c.filter.Since, c.filter.Until, c.filter.Agents
	return nil
}

func readIDsFile(name string, ids *export.IDList) error {
	var err error
	switch name {
	case "":
		return nil
	case "-":
		err = ids.ReadIDs(os.Stdin, "stdin")
	default:
		var f *os.File
		if f, err = os.Open(name); err != nil {
			return usageError{fmt.Errorf("--ids: %w", err)}
		}
		defer f.Close()
		err = ids.ReadIDs(f, name)
	}
	if he := (*export.HeaderError)(nil); errors.As(err, &he) {
		return usageError{fmt.Errorf("--ids %w", err)}
	}
	return err
}

// newProgress picks a bar on a terminal, status lines elsewhere.
func newProgress(c *config, stderr io.Writer) export.Progress {
	if c.quiet {
		return export.NopProgress{}
	}
	if isTerminal(stderr) {
		return &export.BarProgress{W: stderr}
	}
	return &export.LineProgress{W: stderr, Interval: c.stats}
}

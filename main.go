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
// interrupted (run the same command again to continue).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // --tz works on machines without a zoneinfo database

	"golang.org/x/term"

	"github.com/retell-export/retell-export/analyze"
	"github.com/retell-export/retell-export/export"
	"github.com/retell-export/retell-export/export/fakeapi"
	"github.com/retell-export/retell-export/formats"
	"github.com/retell-export/retell-export/samples"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// Exit codes, documented in the README.
const (
	exitOK          = 0
	exitFatal       = 1
	exitUsage       = 2
	exitPartial     = 3
	exitAuth        = 4
	exitInterrupted = 130
)

func main() {
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
	switch {
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "retell-export: %v\nRun 'retell-export -h' for usage.\n", err)
		return exitUsage
	case errors.As(err, &pe):
		return exitPartial // the summary line and failed.csv already say which
	case errors.As(err, &ae):
		fmt.Fprintf(stderr, "retell-export: %v\n", err)
		return exitAuth
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

	// outputs
	csvBOM, csvRaw, words, noSpeakers bool
	partition, by, tz                 string
	captionChars                      int
	summary, jsonOut                  bool
	outSet                            bool // --out given explicitly
	since, until, agents              string
	filter                            export.ListFilter
	loc                               *time.Location
	byList                            []string
}

func parseFlags(args []string, getenv func(string) string, stderr io.Writer) (*config, error) {
	c := &config{}
	fs := flag.NewFlagSet("retell-export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.idsFile, "ids", "", "read call ids from `FILE` (one per line, or a CSV with a call_id column); - for stdin")
	fs.StringVar(&c.out, "out", "out", "output `DIR`")
	fs.StringVar(&c.from, "from", "", "replay saved calls from `PATH` (an archive dir, JSON files) instead of the API")
	fs.StringVar(&c.since, "since", "", "also export the calls that started at or after `WHEN` (list-calls): YYYY-MM-DD, RFC 3339, today, yesterday, or an age such as 36h or 7d")
	fs.StringVar(&c.until, "until", "", "with --since: calls that started before `WHEN` (same forms; default now)")
	fs.StringVar(&c.agents, "agent", "", "with --since/--until: only these agent ids (comma-separated)")
	fs.StringVar(&c.formats, "format", "", "outputs to write, comma-separated: "+strings.Join(formatNames, ","))
	fs.StringVar(&c.keyFile, "api-key-file", "", "read the API key from `FILE` (default: $RETELL_API_KEY)")
	fs.StringVar(&c.baseURL, "base-url", "", "API base `URL` (default: $RETELL_BASE_URL or "+export.DefaultBaseURL+")")
	fs.IntVar(&c.concurrency, "concurrency", 16, "requests in flight at most")
	fs.Float64Var(&c.rps, "rps", 20, "requests per second at most (the pacer adapts down on 429)")
	fs.IntVar(&c.burst, "burst", 1, "requests that may go at once above the rate")
	fs.IntVar(&c.retries, "retries", 4, "retries per call for 5xx, 408, 409, timeouts and bad bodies (429s have their own budget)")
	fs.DurationVar(&c.timeout, "timeout", 60*time.Second, "timeout per request")
	fs.DurationVar(&c.stats, "stats", 10*time.Second, "status line interval when stderr is not a terminal (0 = none)")
	fs.DurationVar(&c.grace, "grace", 5*time.Second, "time calls in flight get to finish after Ctrl-C")
	fs.BoolVar(&c.refetch, "refetch", false, "fetch calls again even if the archive has them")
	fs.BoolVar(&c.quiet, "quiet", false, "no progress output")
	fs.BoolVar(&c.demo, "demo", false, "serve the sample calls from a local fake Retell API and export them (no key, no network)")
	fs.StringVar(&c.demoDir, "demo-dir", "", "with --demo: serve the get-call bodies (*.json) in `DIR` instead of the built-in samples")
	fs.BoolVar(&c.csvBOM, "csv-bom", false, "start CSV files with a UTF-8 BOM (for Excel on Windows)")
	fs.BoolVar(&c.csvRaw, "csv-raw", false, "write CSV text exactly as sent, without formula neutralisation (for data loaders)")
	fs.BoolVar(&c.words, "words", false, "add the words table (one row per timed word) to CSV and Parquet")
	fs.StringVar(&c.partition, "partition", "none", "Parquet partitioning: none or date (Hive-style date=YYYY-MM-DD by call start, UTC)")
	fs.IntVar(&c.captionChars, "captions-max-chars", 42, "caption line width in characters (SRT/WebVTT)")
	fs.BoolVar(&c.noSpeakers, "no-speaker-labels", false, "captions without Agent:/User: labels")
	fs.BoolVar(&c.summary, "summary", false, "print the summary; with --from and no --out, write no files")
	fs.StringVar(&c.by, "by", "agent,day", "summary groupings: agent, day, type, direction, all or none")
	fs.StringVar(&c.tz, "tz", "UTC", "time zone of the summary's days (IANA name, e.g. America/New_York)")
	fs.BoolVar(&c.jsonOut, "json", false, "print the summary as JSON instead of a table")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: retell-export [flags] [call_id ...]\n\nFetches Retell AI calls and exports them. The API key comes from RETELL_API_KEY or --api-key-file.\n\nFlags:\n")
		fs.PrintDefaults()
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
				return nil, err
			}
			return nil, usageError{err}
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
	if c.baseURL == "" {
		c.baseURL = getenv("RETELL_BASE_URL")
	}
	return c, c.check()
}

func (c *config) check() error {
	switch {
	case c.concurrency < 1:
		return usageError{errors.New("--concurrency must be at least 1")}
	case c.rps <= 0:
		return usageError{errors.New("--rps must be above 0")}
	case c.burst < 1:
		return usageError{errors.New("--burst must be at least 1")}
	case c.retries < 0:
		return usageError{errors.New("--retries must not be negative")}
	case c.out == "":
		return usageError{errors.New("--out must name a directory")}
	case c.from == "" && !c.demo && c.idsFile == "" && len(c.ids) == 0 && c.since == "" && c.until == "":
		return usageError{errors.New("no calls to export: give call ids, --ids FILE, --since/--until, --from PATH or --demo")}
	case c.from != "" && (c.since != "" || c.until != ""):
		return usageError{errors.New("--since/--until list calls from the API; they do not go with --from")}
	case c.agents != "" && c.since == "" && c.until == "":
		return usageError{errors.New("--agent filters --since/--until listings; give --since or --until too")}
	case c.from != "" && c.demo:
		return usageError{errors.New("--from and --demo do not go together")}
	}
	for _, f := range splitList(c.formats) {
		if !slices.Contains(formatNames, f) {
			return usageError{fmt.Errorf("unknown format %q in --format (known: %s)", f, strings.Join(formatNames, ", "))}
		}
	}
	if c.partition != "none" && c.partition != "date" {
		return usageError{fmt.Errorf("--partition %q: want none or date", c.partition)}
	}
	var err error
	if c.byList, err = analyze.ParseBy(c.by); err != nil {
		return usageError{fmt.Errorf("--by: %w", err)}
	}
	if c.loc, err = time.LoadLocation(c.tz); err != nil {
		return usageError{fmt.Errorf("--tz: %w", err)}
	}
	now := time.Now()
	if c.filter.Since, err = export.ParseWhen(c.since, c.loc, now); err != nil {
		return usageError{fmt.Errorf("--since: %w", err)}
	}
	if c.filter.Until, err = export.ParseWhen(c.until, c.loc, now); err != nil {
		return usageError{fmt.Errorf("--until: %w", err)}
	}
	if !c.filter.Since.IsZero() && !c.filter.Until.IsZero() && !c.filter.Until.After(c.filter.Since) {
		return usageError{errors.New("--until must be after --since")}
	}
	c.filter.Agents = splitList(c.agents)
	return nil
}

// listing reports whether ids come from list-calls.
func (c *config) listing() bool { return c.since != "" || c.until != "" }

// writesFiles reports whether the run writes into --out: not for a
// summary of saved calls, unless --out or --format was given.
func (c *config) writesFiles() bool {
	return !(c.summary && c.from != "" && !c.outSet && c.formats == "")
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

// buildWriters opens the writers --format asks for, and the analytics that
// every run has. The analytics come first: the pipeline closes writers in
// order, and the workbook draws its Summary sheet at Close from the
// analytics' Summary, so every output shows the same figures. On error it
// aborts those already open.
func buildWriters(c *config) (ws []export.Writer, stats *analyze.Stats, err error) {
	formats := splitList(c.formats)
	has := func(name string) bool { return slices.Contains(formats, name) }
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
		opts.JSONPath = filepath.Join(c.out, "summary.json")
	}
	stats = analyze.New(opts)
	ws = append(ws, stats)
	if err == nil && has("csv") {
		err = add(newCSV(c))
	}
	if err == nil && has("parquet") {
		err = add(newParquet(c))
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
	if err := os.MkdirAll(c.out, 0o755); err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	return nil
}

func newCSV(c *config) (export.Writer, error) {
	return formats.NewCSV(c.out, formats.CSVOptions{BOM: c.csvBOM, RawText: c.csvRaw, Words: c.words})
}

func newParquet(c *config) (export.Writer, error) {
	return formats.NewParquet(c.out, formats.ParquetOptions{PartitionByDate: c.partition == "date", Words: c.words, ToolVersion: version})
}

func newXLSX(c *config, stats *analyze.Stats) (export.Writer, error) {
	return formats.NewXLSX(filepath.Join(c.out, "report.xlsx"), formats.XLSXOptions{
		Summary: stats.Summary, Location: c.loc, ToolVersion: version})
}

func newCaptions(c *config, srt, vtt bool) (export.Writer, error) {
	return formats.NewCaptions(c.out, formats.CaptionOptions{SRT: srt, VTT: vtt, MaxLineChars: c.captionChars, NoSpeakerLabels: c.noSpeakers})
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
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c, err := parseFlags(args, getenv, stderr)
	if err != nil {
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

	outDir := c.out
	if !c.writesFiles() {
		outDir = ""
	}
	job := &export.Job{
		IDs: ids.IDs, OutDir: outDir, Refetch: c.refetch, Concurrency: c.concurrency,
		Grace: c.grace, Version: version, Invalid: ids.Bad, Duplicates: ids.Duplicates,
		Warn: func(msg string) { fmt.Fprintln(stderr, "retell-export: warning:", msg) },
		Settings: map[string]any{
			"concurrency": c.concurrency, "rps": c.rps, "burst": c.burst, "retries": c.retries,
			"timeout": c.timeout.String(), "formats": splitList(c.formats), "refetch": c.refetch, "from": c.from,
		},
	}
	if c.from != "" {
		job.ReplayFrom = c.from
	} else {
		stopDemo, err := setUpClient(c, job, ids, getenv)
		if err != nil {
			return err
		}
		defer stopDemo()
		if c.listing() {
			if err := listIDs(ctx, c, job, ids, stderr); err != nil {
				return err
			}
		}
	}
	var stats *analyze.Stats
	if job.Writers, stats, err = buildWriters(c); err != nil {
		return err
	}
	job.Progress = newProgress(c, stderr)
	rep, err := job.Run(ctx)
	if err == nil {
		if perr := printSummary(c, stats, stdout); perr != nil {
			return fmt.Errorf("print summary: %w", perr)
		}
	}
	if rep != nil {
		fmt.Fprintln(stderr, "retell-export:", rep.SummaryLine())
		if n := rep.Counts.Failed + int64(rep.Counts.InvalidIDs); n > 0 {
			fmt.Fprintf(stderr, "retell-export: %d calls failed; see %s\n", n, filepath.Join(c.out, "failed.csv"))
			if err == nil {
				err = partialError{failed: n}
			}
		}
	}
	return err
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
		UserAgent: "retell-export/" + version,
	})
	if err != nil {
		stop()
		return func() {}, usageError{err}
	}
	job.Client, job.ArchiveDir = client, filepath.Join(c.out, "raw")
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
	pages, err := job.Client.ListCallIDs(ctx, c.filter, func(id string) error {
		n++
		ids.Add("list-calls", n, id)
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
	switch name {
	case "":
		return nil
	case "-":
		return ids.ReadIDs(os.Stdin, "stdin")
	}
	f, err := os.Open(name)
	if err != nil {
		return usageError{fmt.Errorf("--ids: %w", err)}
	}
	defer f.Close()
	return ids.ReadIDs(f, name)
}

// newProgress picks a bar on a terminal, status lines elsewhere.
func newProgress(c *config, stderr io.Writer) export.Progress {
	if c.quiet {
		return export.NopProgress{}
	}
	if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return &export.BarProgress{W: stderr}
	}
	return &export.LineProgress{W: stderr, Interval: c.stats}
}

package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/retell-export/retell-export/analyze"
	"github.com/retell-export/retell-export/export/retell"
)

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
	filter                            retell.ListFilter
	// the dataset
	incremental bool
	lookback    time.Duration
	reportDir   string // --report-dir as given
	reports     string // where this run's reports go (expanded)
	loc         *time.Location
	byList      []string
}

// Bounds of flag values. The caption widths are formats.NewCaptions'
// (TestCaptionWidthBounds holds them together); above maxConcurrency a
// run would meet the usual limit of 1024 open files.
const (
	maxConcurrency  = 1000
	minCaptionChars = 10
	maxCaptionChars = 100
)

// formatNames are the outputs --format accepts.
func formatNames() []string { return []string{"csv", "parquet", "xlsx", "srt", "vtt"} }

// defaultFormats are written when --format is not given: the tables and
// the workbook, which a person can open at once. Parquet is for loaders
// and captions are per call: both are asked for by name.
func defaultFormats() []string { return []string{"csv", "xlsx"} }

// newFlagSet defines the flags into c.
func newFlagSet(c *config) *flag.FlagSet {
	fs := flag.NewFlagSet("retell-export", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // flagError rewords parse errors as one line
	fs.StringVar(&c.idsFile, "ids", "", "read call ids from `FILE`: one per line, or a comma, semicolon or tab separated table with a call id column (call_id, Call ID, ...); - for stdin")
	fs.StringVar(&c.out, "out", "out", "output `DIR`")
	fs.StringVar(&c.from, "from", "", "replay saved calls from `PATH` (an archive dir, JSON files) instead of the API")
	fs.StringVar(&c.since, "since", "", "also export the calls that started at or after `WHEN` (list-calls): YYYY-MM-DD, RFC 3339, today, yesterday, or an age such as 36h or 7d")
	fs.StringVar(&c.until, "until", "", "with --since: calls that started before `WHEN` (same forms; default now)")
	fs.StringVar(&c.agents, "agent", "", "with --since/--until: only these agent `IDS` (comma-separated)")
	fs.StringVar(&c.formats, "format", "", "outputs to write, a comma-separated `LIST` of "+strings.Join(formatNames(), ",")+", or none for the archive and reports only (default "+strings.Join(defaultFormats(), ",")+")")
	fs.StringVar(&c.keyFile, "api-key-file", "", "read the API key from `FILE` (default: $RETELL_API_KEY)")
	fs.StringVar(&c.baseURL, "base-url", "", "API base `URL` (default: $RETELL_BASE_URL or "+retell.DefaultBaseURL+")")
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
	fs.Usage = func() {} // help is printed by parseFlags, on stdout
	return fs
}

// parseFlags parses the command line. Help (-h, --help, or help as the
// first argument) is written to stdout and returned as flag.ErrHelp.
func parseFlags(args []string, getenv func(string) string, stdout io.Writer) (*config, error) {
	info, ok := debug.ReadBuildInfo()
	c := &config{version: buildVersion(version, info, ok)}
	fs := newFlagSet(c)
	bad := recordSetFailures(fs)
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
			return nil, usageError{flagError(fs, rest, *bad, err)}
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

// check validates the flag values; every error names its flag (exit 2).
func (c *config) check(now time.Time) error {
	if err := c.checkNumbers(); err != nil {
		return err
	}
	if err := c.checkCombinations(); err != nil {
		return err
	}
	if err := c.checkFormats(); err != nil {
		return err
	}
	var err error
	if c.byList, err = analyze.ParseBy(c.by); err != nil {
		return badValue("by", c.by, err.Error())
	}
	if c.loc, err = time.LoadLocation(c.tz); err != nil {
		return badValue("tz", c.tz, "want an IANA time zone such as UTC, Europe/Paris or America/New_York")
	}
	return c.checkWindow(now)
}

func (c *config) checkNumbers() error {
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
	case c.lookback < 0:
		return badValue("lookback", c.lookback, "want a duration such as 48h, or 0")
	}
	return nil
}

func (c *config) checkCombinations() error {
	var msg string
	switch {
	case c.out == "":
		msg = "--out must name a directory"
	case c.from == "" && !c.demo && c.idsFile == "" && len(c.ids) == 0 && c.since == "" && c.until == "" && !c.incremental:
		msg = "no calls to export: give call ids, --ids FILE, --since/--until, --incremental, --from PATH or --demo"
	case c.from != "" && (c.since != "" || c.until != ""):
		msg = "--since/--until list calls from the API; they do not go with --from"
	case c.agents != "" && c.since == "" && c.until == "" && !c.incremental:
		msg = "--agent filters --since/--until listings; give --since or --until too"
	case c.from != "" && c.demo:
		msg = "--from and --demo do not go together"
	case c.demoDir != "" && !c.demo:
		msg = "--demo-dir goes with --demo"
	case c.incremental && c.from != "":
		msg = "--incremental lists calls from the API; it does not go with --from"
	default:
		return nil
	}
	return usageError{errors.New(msg)}
}

func (c *config) checkFormats() error {
	fl := splitList(c.formats)
	for _, f := range fl {
		if !slices.Contains(formatNames(), f) && f != "none" {
			return badValue("format", c.formats, fmt.Sprintf("unknown format %q (want a comma-separated list of %s, or none)", f, strings.Join(formatNames(), ", ")))
		}
	}
	if slices.Contains(fl, "none") && len(fl) > 1 {
		return badValue("format", c.formats, "none goes alone")
	}
	if c.formatSet && len(fl) == 0 {
		return badValue("format", c.formats, fmt.Sprintf("want a comma-separated list of %s, or none", strings.Join(formatNames(), ", ")))
	}
	if c.partition != "none" && c.partition != "date" {
		return badValue("partition", c.partition, "want none or date")
	}
	return nil
}

// checkWindow reads --since, --until and --agent into the listing filter.
func (c *config) checkWindow(now time.Time) error {
	var err error
	if c.filter.Since, err = parseWhen(c.since, c.loc, now); err != nil {
		return badValue("since", c.since, err.Error())
	}
	if c.filter.Until, err = parseWhen(c.until, c.loc, now); err != nil {
		return badValue("until", c.until, err.Error())
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
	return defaultFormats()
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

package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
)

const usageHead = `Usage: retell-export [flags] [call_id ...]

Fetches Retell AI calls by id (arguments, --ids FILE or --since/--until) and
writes a raw archive, CSV tables and an Excel workbook (--format for others),
summary.json, run.json and failed.csv into --out. The API key comes from
RETELL_API_KEY or --api-key-file.

Examples:
  retell-export --ids calls.txt --out out/
  retell-export --since yesterday --until today --out out/ --quiet   # nightly, from cron
  retell-export --incremental --out lake/ --format parquet --quiet   # a nightly data lake
  retell-export --from out/raw --summary                             # the summary again, offline
  retell-export --demo --out demo/                                   # sample calls, no key needed

Flags:
`

const usageTail = `
Exit codes: 0 ok; 1 fatal error; 2 usage error; 3 some calls failed (see
OUT/failed.csv); 4 authentication failed; 5 another run is writing the same
--out; 130 interrupted (run the same command again to continue).
`

// printUsage writes the help text, with flags spelled --name as the README
// spells them.
func printUsage(w io.Writer, fs *flag.FlagSet) {
	var b bytes.Buffer
	fs.SetOutput(&b)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
	io.WriteString(w, usageHead)
	io.WriteString(w, strings.ReplaceAll("\n"+b.String(), "\n  -", "\n  --")[1:])
	io.WriteString(w, usageTail)
}

// The flag package's parse errors, reworded by flagError.
var (
	reBadValue  = regexp.MustCompile(`^invalid (?:boolean )?value "(.*)" for (?:flag )?-(\S+): `)
	reNoValue   = regexp.MustCompile(`^flag needs an argument: -(\S+)$`)
	reUndefined = regexp.MustCompile(`^flag provided but not defined: -(\S+)$`)
)

// flagError rewords an error of fs.Parse as one line naming the flag and
// the form its value takes: "--timeout 30: want a duration such as 30s".
func flagError(fs *flag.FlagSet, err error) error {
	msg := err.Error()
	if m := reBadValue.FindStringSubmatch(msg); m != nil {
		if f := fs.Lookup(m[2]); f != nil {
			return fmt.Errorf("--%s %s: %s", m[2], showValue(m[1]), wantOf(f))
		}
	}
	if m := reNoValue.FindStringSubmatch(msg); m != nil {
		if f := fs.Lookup(m[1]); f != nil {
			return fmt.Errorf("--%s needs a value: %s", m[1], wantOf(f))
		}
	}
	if m := reUndefined.FindStringSubmatch(msg); m != nil {
		return fmt.Errorf("unknown flag --%s", m[1])
	}
	return errors.New(msg)
}

// wantOf describes the values a flag takes, by the type of its value.
func wantOf(f *flag.Flag) string {
	g, _ := f.Value.(flag.Getter)
	if g == nil {
		return "see --help"
	}
	switch g.Get().(type) {
	case time.Duration:
		return "want a duration such as 30s, 2m or 1h30m"
	case int, int64, uint, uint64:
		return "want a whole number such as " + f.DefValue
	case float64:
		return "want a number such as " + f.DefValue
	case bool:
		return "want true or false (--" + f.Name + " alone means true)"
	}
	return "see --help"
}

// badValue is a usage error for a flag value that parsed but is not allowed.
func badValue(name string, value any, want string) error {
	return usageError{fmt.Errorf("--%s %s: %s", name, showValue(fmt.Sprint(value)), want)}
}

// showValue quotes a value only when it would be unclear unquoted.
func showValue(s string) string {
	if s == "" || strings.ContainsAny(s, " \t\r\n\"'") || strconv.Quote(s) != `"`+s+`"` {
		return strconv.Quote(s)
	}
	return s
}

package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
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
	// PrintDefaults tells a default from a zero value by calling String on
	// a zero value of each flag's type; a zero failingValue has no Getter
	// and panics, so the help is printed from the wrapped values.
	restore := map[*flag.Flag]flag.Value{}
	fs.VisitAll(func(f *flag.Flag) {
		if v, ok := f.Value.(failingValue); ok {
			restore[f], f.Value = v, v.Getter
		}
	})
	defer func() {
		for f, v := range restore {
			f.Value = v
		}
	}()
	var b bytes.Buffer
	fs.SetOutput(&b)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
	io.WriteString(w, usageHead)
	io.WriteString(w, strings.ReplaceAll("\n"+b.String(), "\n  -", "\n  --")[1:])
	io.WriteString(w, usageTail)
}

// setFailure is a flag whose value did not parse: which flag, and the
// value as given.
type setFailure struct {
	name, value string
}

// failingValue wraps a flag's value to record a value that does not
// parse: the flag package's own error is only text.
type failingValue struct {
	flag.Getter
	name string
	bad  *setFailure
}

func (v failingValue) Set(s string) error {
	err := v.Getter.Set(s)
	if err != nil && v.bad.name == "" {
		*v.bad = setFailure{name: v.name, value: s}
	}
	return err
}

// IsBoolFlag keeps -name without a value meaning true for booleans.
func (v failingValue) IsBoolFlag() bool {
	b, ok := v.Getter.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// recordSetFailures makes every flag of fs record a value that does not
// parse into the returned place.
func recordSetFailures(fs *flag.FlagSet) *setFailure {
	bad := &setFailure{}
	fs.VisitAll(func(f *flag.Flag) {
		if g, ok := f.Value.(flag.Getter); ok {
			f.Value = failingValue{Getter: g, name: f.Name, bad: bad}
		}
	})
	return bad
}

// flagError rewords an error of fs.Parse(args) as one line naming the
// flag and the form its value takes: "--timeout 30: want a duration such
// as 30s". A value that did not parse was recorded in bad; otherwise the
// arguments are walked as the flag package walks them, to find the flag
// that is unknown or lacks its value.
func flagError(fs *flag.FlagSet, args []string, bad setFailure, err error) error {
	if bad.name != "" {
		return fmt.Errorf("--%s %s: %s", bad.name, showValue(bad.value), wantOf(fs.Lookup(bad.name)))
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" || a == "-" || !strings.HasPrefix(a, "-") {
			break
		}
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		f := fs.Lookup(name)
		if f == nil {
			return fmt.Errorf("unknown flag --%s", name)
		}
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); hasValue || ok && b.IsBoolFlag() {
			continue
		}
		if i+1 == len(args) {
			return fmt.Errorf("--%s needs a value: %s", name, wantOf(f))
		}
		i++
	}
	return err
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

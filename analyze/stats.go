package analyze

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/retell-export/retell-export/export"
	"github.com/retell-export/retell-export/export/store"
)

// Grouping dimensions accepted in Options.By and by ParseBy.
const (
	ByAgent     = "agent"
	ByDay       = "day"
	ByType      = "type"
	ByDirection = "direction"
)

// AllBy returns every grouping dimension in the default report order.
func AllBy() []string { return []string{ByAgent, ByDay, ByType, ByDirection} }

// NoStart is the day of calls without a start_timestamp.
const NoStart = "(no start)"

// Options configures Stats. The zero value gives the overall group only,
// with days in UTC, and writes no file.
type Options struct {
	// By lists the groupings to compute ("agent", "day", "type",
	// "direction"), in report order. The overall group is always there.
	By []string
	// Location is the time zone of days and of the period; nil means UTC.
	Location *time.Location
	// JSONPath, when set, is where Close writes summary.json (atomically).
	JSONPath string
	// SpillDir is where percentiles spill their values past
	// QuantileMemory (a temporary file, removed by Close or Abort); ""
	// means the system's temporary directory.
	SpillDir string
}

// Stats is an export.Writer that accumulates statistics over the calls it
// is given. Write keeps nothing of the call; Close builds the Summary (and
// writes JSONPath); Summary returns it afterwards.
type Stats struct {
	opts    Options
	loc     *time.Location
	overall *group
	groups  []map[string]*group // one map per opts.By entry
	spill   *spill              // the memory of every group's quantiles
	summary *Summary
	closed  bool
	calls   int
	scratch facts // reused by every Write, released at its end
}

// New returns a Stats for opts. Unknown names in opts.By are a programming
// error here (validate user input with ParseBy) and make Write fail.
func New(opts Options) *Stats {
	loc := opts.Location
	if loc == nil {
		loc = time.UTC
	}
	pool := newSpill(opts.SpillDir, QuantileMemory)
	s := &Stats{opts: opts, loc: loc, spill: pool, overall: newGroup("all", pool)}
	for range opts.By {
		s.groups = append(s.groups, map[string]*group{})
	}
	return s
}

// ParseBy parses a comma-separated list of groupings such as "agent,day".
// "" and "none" mean overall only; "all" means every grouping. Duplicates
// are dropped; an unknown name is an error naming the valid ones.
func ParseBy(s string) ([]string, error) {
	s = strings.TrimSpace(s)
	switch s {
	case "", "none":
		return []string{}, nil
	case "all":
		return AllBy(), nil
	}
	var out []string
	for _, name := range strings.Split(s, ",") {
		name = strings.ToLower(strings.TrimSpace(name))
		if !slices.Contains(AllBy(), name) {
			return nil, fmt.Errorf("unknown grouping %q (want a comma-separated list of %s, or all or none)",
				name, strings.Join(AllBy(), ", "))
		}
		if !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out, nil
}

// Write folds c into the statistics. It keeps no reference to c.
func (s *Stats) Write(c *export.Call) error {
	if s.closed {
		return errors.New("analyze: write after close")
	}
	f := &s.scratch
	extract(c, f)
	defer f.release()
	s.calls++
	s.overall.add(f)
	for i, by := range s.opts.By {
		key, label, err := s.keyOf(by, c, f)
		if err != nil {
			return err
		}
		g := s.groups[i][key]
		if g == nil {
			g = newGroup(key, s.spill)
			s.groups[i][key] = g
		}
		g.setLabel(label, f)
		g.add(f)
	}
	if err := s.spill.err; err != nil {
		return fmt.Errorf("summary: %w", err)
	}
	return nil
}

// keyOf returns the group key of c in grouping by, and a label for it.
func (s *Stats) keyOf(by string, c *export.Call, f *facts) (key, label string, err error) {
	switch by {
	case ByAgent:
		return cmp.Or(c.AgentID, None), c.AgentName, nil
	case ByDay:
		if !f.hasStart {
			return NoStart, "", nil
		}
		return time.UnixMilli(f.startMs).In(s.loc).Format(time.DateOnly), "", nil
	case ByType:
		return cmp.Or(c.CallType, None), "", nil
	case ByDirection:
		return cmp.Or(c.Direction, None), "", nil
	}
	return "", "", fmt.Errorf("analyze: unknown grouping %q", by)
}

// Close builds the Summary and, if Options.JSONPath is set, writes it
// there. Close after Close is a no-op.
func (s *Stats) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	sum := s.build()
	if err := errors.Join(s.spill.err, s.spill.close()); err != nil {
		return fmt.Errorf("summary: %w", err)
	}
	s.summary = sum
	if s.opts.JSONPath == "" {
		return nil
	}
	f, err := store.CreateAtomic(s.opts.JSONPath)
	if err != nil {
		return fmt.Errorf("summary: %w", err)
	}
	if err := WriteJSON(f, s.summary); err != nil {
		f.Abort()
		return fmt.Errorf("summary: %w", err)
	}
	return f.Commit()
}

// Abort ends the run without writing any file; Summary stays nil.
func (s *Stats) Abort() error {
	s.closed = true
	return s.spill.close()
}

// Summary returns the result; it is nil before Close (and after Abort).
func (s *Stats) Summary() *Summary { return s.summary }

// Report gives the run report the figures of this writer.
func (s *Stats) Report() Report {
	r := Report{Calls: s.calls, SpilledValues: s.spill.spilt}
	if s.opts.JSONPath != "" && s.summary != nil {
		r.SummaryJSON = s.opts.JSONPath
	}
	return r
}

// Report is what the analytics did, for run.json.
type Report struct {
	Calls       int    `json:"calls"`
	SummaryJSON string `json:"summary_json,omitempty"`
	// SpilledValues counts the distinct values percentiles wrote to their
	// temporary file (QuantileMemory): 0 unless values hardly repeat.
	SpilledValues int64 `json:"spilled_values,omitempty"`
}

// Output is the analytics' part of run.json.
func (s *Stats) Output() (string, any) { return "stats", s.Report() }

func (s *Stats) build() *Summary {
	sum := &Summary{
		SchemaVersion: SchemaVersion,
		TimeZone:      s.loc.String(),
		By:            append([]string{}, s.opts.By...),
		Quantiles:     QuantileMethod{Method: "exact", Interpolation: "linear", MemoryValues: s.spill.limit},
		Overall:       s.overall.summary(s.loc),
		Groupings:     []Grouping{},
	}
	for i, by := range s.opts.By {
		gs := make([]Group, 0, len(s.groups[i]))
		for _, g := range s.groups[i] {
			gs = append(gs, g.summary(s.loc))
		}
		slices.SortFunc(gs, groupOrder(by))
		sum.Groupings = append(sum.Groupings, Grouping{By: by, Groups: gs})
	}
	return sum
}

// groupOrder sorts days ascending with NoStart last, and everything else
// by calls descending then key.
func groupOrder(by string) func(a, b Group) int {
	if by == ByDay {
		return func(a, b Group) int {
			return cmp.Or(cmp.Compare(boolInt(a.Key == NoStart), boolInt(b.Key == NoStart)), cmp.Compare(a.Key, b.Key))
		}
	}
	return func(a, b Group) int {
		return cmp.Or(cmp.Compare(b.Volume.Calls, a.Volume.Calls), cmp.Compare(a.Key, b.Key))
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

package analyze

import (
	"cmp"
	"slices"
)

// Names for values that are absent or not tracked individually.
const (
	None  = "(none)"
	Other = "(other)"
)

// counter counts occurrences of names, tracking at most limit distinct
// names (None, for absent values, is always tracked); later new names are
// counted under Other. It keeps memory bounded
// for open-ended names (an unknown disconnection reason, a tool name, a
// custom analysis value) whatever the data.
type counter struct {
	limit  int
	counts map[string]int
	other  int
	total  int
}

func newCounter(limit int) counter { return counter{limit: limit, counts: map[string]int{}} }

func (c *counter) add(name string) { c.addN(name, 1) }

func (c *counter) addN(name string, n int) {
	c.total += n
	if _, ok := c.counts[name]; ok || len(c.counts) < c.limit || name == None {
		c.counts[name] += n
		return
	}
	c.other += n
}

// tracked reports whether name has its own count (false for names that
// overflowed into Other).
func (c *counter) tracked(name string) bool { _, ok := c.counts[name]; return ok }

// byCount returns the counts by count descending then name, Other last;
// shares are of den (no share when den is 0).
func (c *counter) byCount(den int) []Count {
	out := make([]Count, 0, len(c.counts)+1)
	for name, n := range c.counts {
		out = append(out, Count{Name: name, Count: n})
	}
	slices.SortFunc(out, func(a, b Count) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Name, b.Name))
	})
	if c.other > 0 {
		out = append(out, Count{Name: Other, Count: c.other})
	}
	return withShares(out, den)
}

// inOrder returns the names of first (always, even with a zero count) in
// that order, then the other names seen sorted by name, then Other; names
// in last are moved to the end (in that order) when seen.
func (c *counter) inOrder(den int, first, last []string) []Count {
	var out []Count
	for _, name := range first {
		out = append(out, Count{Name: name, Count: c.counts[name]})
	}
	var rest []string
	for name := range c.counts {
		if !slices.Contains(first, name) && !slices.Contains(last, name) {
			rest = append(rest, name)
		}
	}
	slices.Sort(rest)
	for _, name := range rest {
		out = append(out, Count{Name: name, Count: c.counts[name]})
	}
	if c.other > 0 {
		out = append(out, Count{Name: Other, Count: c.other})
	}
	for _, name := range last {
		if n, ok := c.counts[name]; ok {
			out = append(out, Count{Name: name, Count: n})
		}
	}
	return withShares(out, den)
}

func withShares(cs []Count, den int) []Count {
	for i := range cs {
		if den > 0 {
			cs[i].Share = round(float64(cs[i].Count)/float64(den), shareDigits)
		}
	}
	return cs
}

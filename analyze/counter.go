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
// names (None, for absent values, is always tracked) and counting the rest
// under Other. It keeps memory bounded for open-ended names (an unknown
// disconnection reason, a tool name, a custom analysis value) whatever the
// data.
//
// Which names keep their own count must not depend on the order the calls
// arrive in (a re-run must give the same summary.json), so it is not "the
// first limit names seen" but the limit names with the smallest hash (a
// bottom-k sample): a new name with a smaller hash than the largest tracked
// one takes its place, and the evicted name's count moves to Other. A
// tracked name was never evicted nor refused, so its count is exact.
type counter struct {
	limit  int
	counts map[string]int
	other  int
	total  int

	maxName string // the tracked name with the largest hash, once full
	maxHash uint64
}

func newCounter(limit int) counter { return counter{limit: limit, counts: map[string]int{}} }

func (c *counter) add(name string) { c.addN(name, 1) }

func (c *counter) addN(name string, n int) {
	c.total += n
	if _, ok := c.counts[name]; ok || name == None {
		c.counts[name] += n
		return
	}
	if c.tracking() < c.limit {
		c.counts[name] = n
		if c.tracking() == c.limit {
			c.findMax()
		}
		return
	}
	if h := nameHash(name); h < c.maxHash || (h == c.maxHash && name < c.maxName) {
		c.other += c.counts[c.maxName]
		delete(c.counts, c.maxName)
		c.counts[name] = n
		c.findMax()
		return
	}
	c.other += n
}

// tracking is the number of names tracked against the limit (None is not).
func (c *counter) tracking() int {
	if _, ok := c.counts[None]; ok {
		return len(c.counts) - 1
	}
	return len(c.counts)
}

// findMax finds the tracked name next in line for eviction.
func (c *counter) findMax() {
	c.maxName, c.maxHash = "", 0
	first := true
	for name := range c.counts {
		if name == None {
			continue
		}
		if h := nameHash(name); first || h > c.maxHash || (h == c.maxHash && name > c.maxName) {
			c.maxName, c.maxHash, first = name, h, false
		}
	}
}

// nameHash is 64-bit FNV-1a: fixed, so the same names are kept in every
// run (hash/maphash is seeded per process).
func nameHash(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

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

package analyze

import (
	"cmp"
	"slices"

	"github.com/retell-export/retell-export/export"
)

// MaxReasonLines is the most lines Outcome.Lines has: room for the eight
// categories' tails and "(none)" besides at least six reasons by name.
const MaxReasonLines = 15

// reasonLines turns the reasons (by count descending) into at most
// MaxReasonLines lines: as many of the most frequent reasons by name as
// leave room for the rest summed per category. A single "other reasons"
// line would be the longest bar of a report and hide what it sums (14
// error calls among 27 "other" in one run).
func reasonLines(reasons []Count, calls int) []ReasonLine {
	lines := make([]ReasonLine, 0, min(len(reasons), MaxReasonLines))
	if len(reasons) <= MaxReasonLines {
		for _, r := range reasons {
			lines = append(lines, ReasonLine{Name: r.Name, Category: categoryOf(r.Name), Reasons: 1, Count: r.Count, Share: r.Share})
		}
		return lines
	}
	for named := MaxReasonLines - 1; named >= 0; named-- {
		tail := map[string]*ReasonLine{}
		for _, r := range reasons[named:] {
			cat := categoryOf(r.Name)
			l := tail[cat]
			if l == nil {
				l = &ReasonLine{Name: "(other " + cmp.Or(cat, "reasons") + ")", Category: cat}
				tail[cat] = l
			}
			l.Reasons++
			l.Count += r.Count
		}
		if named+len(tail) > MaxReasonLines {
			continue
		}
		lines = lines[:0]
		for _, r := range reasons[:named] {
			lines = append(lines, ReasonLine{Name: r.Name, Category: categoryOf(r.Name), Reasons: 1, Count: r.Count, Share: r.Share})
		}
		for _, l := range tail {
			if l.Reasons == 1 { // a category's only tail reason keeps its name
				for _, r := range reasons[named:] {
					if categoryOf(r.Name) == l.Category {
						l.Name = r.Name
					}
				}
			}
			if calls > 0 {
				l.Share = round(float64(l.Count)/float64(calls), shareDigits)
			}
			lines = append(lines, *l)
		}
		break
	}
	slices.SortFunc(lines, func(a, b ReasonLine) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Name, b.Name))
	})
	return lines
}

// categoryOf is the category of a reason as Reasons names it: "" for
// calls without a reason.
func categoryOf(name string) string {
	if name == None {
		return ""
	}
	return export.ReasonCategory(name)
}

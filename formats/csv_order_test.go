package formats

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/retell-export/retell-export/export"
)

// TestCSVOrderIndependent writes the same calls in different orders (as a
// run, its re-run and --from of its archive would) and wants the same
// bytes: calls by start time, then id, calls without a start last, and each
// call's child rows in their own order.
func TestCSVOrderIndependent(t *testing.T) {
	calls := decodeAll(t, append(fixtureBodies(t), sampleBodies(t)...))
	reversed := slices.Clone(calls)
	slices.Reverse(reversed)
	shuffled := slices.Clone(calls)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	opts := CSVOptions{Words: true}
	want := writeCSVTables(t, calls, opts)
	for name, order := range map[string][]*export.Call{"reversed": reversed, "shuffled": shuffled} {
		got := writeCSVTables(t, order, opts)
		for _, tb := range Tables(true) {
			if !bytes.Equal(got[tb.Name], want[tb.Name]) {
				t.Errorf("%s input: %s.csv differs", name, tb.Name)
			}
		}
	}

	// The order itself: the calls table by (start, id), no start last; every
	// child table follows it, each call's rows as Build made them.
	order := slices.Clone(calls)
	slices.SortStableFunc(order, func(a, b *export.Call) int {
		ta, oka := a.Start()
		tb, okb := b.Start()
		switch {
		case oka != okb && oka:
			return -1
		case oka != okb:
			return 1
		case oka && !ta.Equal(tb):
			return ta.Compare(tb)
		}
		return strings.Compare(a.CallID, b.CallID)
	})
	var expect Rows
	var r Rows
	for _, c := range order {
		r.Build(c, true)
		expect.Utterances = append(expect.Utterances, r.Utterances...)
		expect.Words = append(expect.Words, r.Words...)
	}
	recs := readCSV(t, want)
	if got := csvColumn(recs[TableCalls], 0); !slices.Equal(got, callIDs(order)) {
		t.Errorf("calls order\n got %v\nwant %v", got, callIDs(order))
	}
	if got, n := csvColumn(recs[TableUtterances], 0), len(expect.Utterances); len(got) != n {
		t.Fatalf("%d utterance rows, want %d", len(got), n)
	}
	for i, u := range expect.Utterances {
		if recs[TableUtterances][i+1][0] != u.CallID || recs[TableUtterances][i+1][1] != strconv.FormatInt(u.Seq, 10) {
			t.Fatalf("utterance row %d: %v, want call %s seq %d", i, recs[TableUtterances][i+1][:2], u.CallID, u.Seq)
		}
	}
	for i, w := range expect.Words {
		if rec := recs[TableWords][i+1]; rec[0] != w.CallID || rec[1] != strconv.FormatInt(w.UtteranceSeq, 10) || rec[2] != strconv.FormatInt(w.Seq, 10) {
			t.Fatalf("word row %d: %v, want %s %d %d", i, rec[:3], w.CallID, w.UtteranceSeq, w.Seq)
		}
	}
}

func csvColumn(recs [][]string, i int) []string {
	var out []string
	for _, r := range recs[1:] {
		out = append(out, r[i])
	}
	return out
}

func callIDs(cs []*export.Call) []string {
	var ids []string
	for _, c := range cs {
		ids = append(ids, c.CallID)
	}
	return ids
}

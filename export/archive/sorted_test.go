package archive

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/retell-export/retell-export/export"
	"github.com/retell-export/retell-export/export/store"
)

// remote is a local directory that says it is not one, so the archive
// takes the paths it takes for a bucket.
type remote struct{ store.Store }

func (remote) Dir() (string, bool) { return "", false }

// ReadSorted gives a date's records in call order (start, then id) however
// they were archived, from a local archive (read in place) and from one in
// a bucket (through the spill), with their fetch times; the index keeps
// each record's content sum.
func TestReadSorted(t *testing.T) {
	for _, tc := range []struct {
		name string
		wrap func(store.Store) store.Store
	}{
		{"local", func(s store.Store) store.Store { return s }},
		{"bucket", func(s store.Store) store.Store { return remote{s} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, _ := store.OpenDir(t.TempDir())
			st := tc.wrap(dir)
			a := open(t, st)
			const d0 = int64(1780000000000) // 2026-05-28
			var recs []rec
			for i := range 60 {
				start := d0 + int64(i%7)*1000 // ties on start: the id decides
				recs = append(recs, rec{ID: fmt.Sprintf("call_%02d", 59-i), Start: start, V: i, Done: true})
			}
			rng := rand.New(rand.NewPCG(1, 2))
			rng.Shuffle(len(recs), func(i, j int) { recs[i], recs[j] = recs[j], recs[i] })
			write(t, a, recs[:25]...)
			write(t, a, recs[25:]...) // two segments
			a = open(t, st)
			es, err := a.DateEntries(context.Background(), "2026-05-28")
			if err != nil || len(es) != len(recs) {
				t.Fatalf("%d entries, %v", len(es), err)
			}
			var got []string
			err = a.ReadSorted(context.Background(), es, func(r Record) error {
				var back rec
				if err := json.Unmarshal(r.Body, &back); err != nil || back.ID != r.ID {
					t.Errorf("entry %s read %q", r.ID, r.Body)
				}
				if !r.Fetched.Equal(fetchedAt(back)) {
					t.Errorf("%s: fetched %v, want %v", r.ID, r.Fetched, fetchedAt(back))
				}
				if r.Sum != export.SumOf(r.Body) {
					t.Errorf("%s: index sum %q, body's %q", r.ID, r.Sum, export.SumOf(r.Body))
				}
				got = append(got, fmt.Sprintf("%d/%s", back.Start, back.ID))
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			want := slices.Clone(got)
			slices.SortFunc(want, func(x, y string) int {
				var xs, ys int64
				var xi, yi string
				fmt.Sscanf(x, "%d/%s", &xs, &xi)
				fmt.Sscanf(y, "%d/%s", &ys, &yi)
				if xs != ys {
					return int(xs - ys)
				}
				return compareStrings(xi, yi)
			})
			if !slices.Equal(got, want) || len(got) != len(recs) {
				t.Errorf("order %v\nwant    %v", got, want)
			}
			// An index rebuilt from the segments knows the sums and fetch
			// times too (from the records and their members' headers).
			if err := a.reset(context.Background()); err != nil {
				t.Fatal(err)
			}
			a = open(t, st)
			es, _ = a.DateEntries(context.Background(), "2026-05-28")
			byID := map[string]rec{}
			for _, r := range recs {
				byID[r.ID] = r
			}
			for _, e := range es {
				if r := byID[e.ID]; e.Sum != export.SumOf(body(r)) || !e.FetchedAt().Equal(fetchedAt(r)) {
					t.Errorf("rebuilt index: %s sum %q fetched %v, want %q %v", e.ID, e.Sum, e.FetchedAt(), export.SumOf(body(r)), fetchedAt(r))
				}
			}
		})
	}
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

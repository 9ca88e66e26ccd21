package dataset

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"github.com/retell-export/retell-export/export/store"
)

// A publish cut short is finished when every new file made it, and undone
// otherwise; either way one version of each partition remains.
func TestRecoverPublish(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name     string
		present  []string // new files the killed run got in
		want     []string
		finished bool
	}{
		{"all new files in: finish", []string{"p/t/d=1/new-0", "p/t/d=1/new-1"}, []string{"p/t/d=1/new-0", "p/t/d=1/new-1"}, true},
		{"some new files in: undo", []string{"p/t/d=1/new-0"}, []string{"p/t/d=1/old-0", "p/t/d=1/old-1"}, false},
		{"no new file in: undo", nil, []string{"p/t/d=1/old-0", "p/t/d=1/old-1"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, _ := store.OpenDir(t.TempDir())
			for _, name := range append([]string{"p/t/d=1/old-0", "p/t/d=1/old-1"}, tc.present...) {
				store.WriteAll(ctx, st, name, []byte("x"))
			}
			b, _ := json.Marshal(publishPlan{Run: "r", New: []string{"p/t/d=1/new-0", "p/t/d=1/new-1"}, Old: []string{"p/t/d=1/old-0", "p/t/d=1/old-1"}})
			store.WriteAll(ctx, st, publishName, b)
			ds := &Dataset{Store: st, warn: func(string) {}}
			if err := ds.recoverPublish(ctx); err != nil {
				t.Fatal(err)
			}
			es, _ := st.List(ctx, "p/")
			var got []string
			for _, e := range es {
				got = append(got, e.Name)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("after recovery: %q, want %q", got, tc.want)
			}
			if _, err := store.ReadAll(ctx, st, publishName); err == nil {
				t.Error("the journal is still there")
			}
		})
	}
}

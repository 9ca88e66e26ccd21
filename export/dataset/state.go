package dataset

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"time"

	"github.com/retell-export/retell-export/export/archive"
	"github.com/retell-export/retell-export/export/store"
)

// GiveUpAfter is how long after its start (or, without a start, after it
// was first archived) a call that is still not settled is fetched again.
// Analysis normally arrives minutes after a call, a transfer leg ends
// within hours; a week covers an outage over a weekend. After that the
// call keeps its last version until a run asks for it with --refetch.
const GiveUpAfter = 7 * 24 * time.Hour

// stateName is the state file at the root of the dataset.
const stateName = "state.json"

// State is what incremental runs remember between runs. It is written
// only after the data it describes is in place (archived, indexed, the
// Parquet view published), so a run that dies leaves the previous state,
// and the next run does the work again.
type State struct {
	Version int `json:"version"`
	// HighWater is the latest start_timestamp (ms) an incremental run has
	// listed: the next one lists from HighWater minus its lookback.
	HighWater int64 `json:"high_water_ms,omitempty"`
	// HighWaterTime is HighWater for people.
	HighWaterTime string `json:"high_water,omitempty"`
	// Pending are calls to fetch again: archived but not settled, or
	// listed but not fetched (a server error), with the time (ms) they
	// count their give-up age from (their start, else when first seen).
	Pending map[string]int64 `json:"pending,omitempty"`
	Updated time.Time        `json:"updated"`
}

func loadState(ctx context.Context, st store.Store) (*State, error) {
	s := &State{Version: 1, Pending: map[string]int64{}}
	b, err := store.ReadAll(ctx, st, stateName)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err == nil {
		err = json.Unmarshal(b, s)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w (remove it to start incremental runs afresh)", stateName, err)
	}
	if s.Pending == nil {
		s.Pending = map[string]int64{}
	}
	return s, nil
}

// Due returns the pending calls to fetch again, oldest first, and drops
// those past GiveUpAfter (returned as gaveUp).
func (s *State) Due(now time.Time) (due []string, gaveUp int) {
	for _, id := range slices.Sorted(maps.Keys(s.Pending)) {
		if now.Sub(time.UnixMilli(s.Pending[id])) > GiveUpAfter {
			delete(s.Pending, id)
			gaveUp++
			continue
		}
		due = append(due, id)
	}
	return due, gaveUp
}

// Archived updates the pending set with the calls a run archived.
func (s *State) Archived(es []archive.Entry, now time.Time) {
	for _, e := range es {
		if e.Settled {
			delete(s.Pending, e.ID)
			continue
		}
		since := e.Start
		if since == 0 {
			since = now.UnixMilli()
		}
		if old, ok := s.Pending[e.ID]; ok && old < since {
			since = old
		}
		s.Pending[e.ID] = since
	}
}

// Retry keeps a listed call that could not be fetched for the next run.
func (s *State) Retry(id string, start int64, now time.Time) {
	if _, ok := s.Pending[id]; ok {
		return
	}
	if start == 0 {
		start = now.UnixMilli()
	}
	s.Pending[id] = start
}

// Listed moves the high-water mark to the latest start a listing saw.
func (s *State) Listed(maxStart int64) {
	if maxStart > s.HighWater {
		s.HighWater = maxStart
		s.HighWaterTime = time.UnixMilli(maxStart).UTC().Format(time.RFC3339Nano)
	}
}

// Save writes the state whole.
func (s *State) Save(ctx context.Context, st store.Store, now time.Time) error {
	s.Updated = now.UTC()
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	if err := store.WriteAll(ctx, st, stateName, append(b, '\n')); err != nil {
		return fmt.Errorf("write %s: %w", stateName, err)
	}
	return nil
}

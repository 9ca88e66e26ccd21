package replay

import (
	"context"
	"fmt"
	"time"

	"github.com/retell-export/retell-export/export"
)

// Index knows, for every call id in a set of saved records, where its last
// version is and whether that version is final. The archive is append-only,
// so a call refetched after it ended (say, once its analysis arrived) has an
// older version earlier in the archive: the last one wins.
type Index struct {
	recs    Records
	entries map[string]indexEntry
	records int64
}

type indexEntry struct {
	last  int64 // ordinal of the last record with this id
	final bool
}

// BuildIndex reads every record once.
func BuildIndex(ctx context.Context, recs Records, bad BadRecordFunc) (*Index, error) {
	ix := &Index{recs: recs, entries: map[string]indexEntry{}}
	err := recs.Scan(ctx, func(body []byte, where string, _ time.Time) error {
		ord := ix.records
		ix.records++
		// The same reading as the archive's index: saved ids name output
		// files (captions), so they are held to the rules of typed ids.
		m, err := export.RecordMeta(body)
		if err != nil {
			bad(where, err)
			return nil
		}
		ix.entries[m.ID] = indexEntry{last: ord, final: m.Settled}
		return nil
	}, bad)
	if err != nil {
		return nil, fmt.Errorf("index %d files: %w", len(recs.Files), err)
	}
	return ix, nil
}

// Len returns the number of distinct calls.
func (ix *Index) Len() int { return len(ix.entries) }

// Has reports whether id has a saved version.
func (ix *Index) Has(id string) bool { _, ok := ix.entries[id]; return ok }

// Final reports whether the last saved version of id is final.
func (ix *Index) Final(id string) bool { return ix.entries[id].final }

// Replay passes on the body of the last version of every call that want
// accepts (all calls when want is nil), in the order the records were
// saved, for the caller to decode. The index already knows which record
// holds each last version, so other records are skipped without being
// parsed.
func (ix *Index) Replay(ctx context.Context, want func(id string) bool, emit RecordFunc) error {
	last := make(map[int64]bool, len(ix.entries))
	for id, e := range ix.entries {
		if want == nil || want(id) {
			last[e.last] = true
		}
	}
	var ord int64
	return ix.recs.Scan(ctx, func(body []byte, where string, fetched time.Time) error {
		cur := ord
		ord++
		if !last[cur] {
			return nil
		}
		return emit(body, where, fetched)
	}, func(string, error) {}) // unreadable records were reported by BuildIndex
}

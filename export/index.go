package export

import (
	"encoding/json"
	"errors"
	"fmt"

	gojson "github.com/goccy/go-json"
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

// header is the part of a record the index needs; decoding only these keys
// is much cheaper than decoding whole calls.
type header struct {
	CallID               string          `json:"call_id"`
	CallStatus           string          `json:"call_status"`
	DisconnectionReason  string          `json:"disconnection_reason"`
	TransferEndTimestamp json.RawMessage `json:"transfer_end_timestamp"`
	CallAnalysis         json.RawMessage `json:"call_analysis"`
}

func (h *header) final() bool {
	return settled(h.CallStatus, present(h.CallAnalysis), h.DisconnectionReason, present(h.TransferEndTimestamp))
}

// BuildIndex reads every record once.
func BuildIndex(recs Records, bad BadRecordFunc) (*Index, error) {
	ix := &Index{recs: recs, entries: map[string]indexEntry{}}
	err := recs.Scan(func(body []byte, where string) error {
		ord := ix.records
		ix.records++
		var h header
		err := gojson.Unmarshal(body, &h) // go-json: 4-6x encoding/json here (README, Decoding JSON)
		if te := (*gojson.UnmarshalTypeError)(nil); errors.As(err, &te) {
			err = nil // a mistyped field (say call_status) still indexes
		}
		if err == nil && h.CallID == "" {
			err = errors.New("no call_id")
		}
		if err == nil {
			// Saved ids name output files (captions): hold them to the
			// same rules as ids typed by a user.
			err = ValidateID(h.CallID)
		}
		if err != nil {
			bad(where, err)
			return nil
		}
		ix.entries[h.CallID] = indexEntry{last: ord, final: h.final()}
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
func (ix *Index) Replay(want func(id string) bool, emit RecordFunc) error {
	last := make(map[int64]bool, len(ix.entries))
	for id, e := range ix.entries {
		if want == nil || want(id) {
			last[e.last] = true
		}
	}
	var ord int64
	return ix.recs.Scan(func(body []byte, where string) error {
		cur := ord
		ord++
		if !last[cur] {
			return nil
		}
		return emit(body, where)
	}, func(string, error) {}) // unreadable records were reported by BuildIndex
}

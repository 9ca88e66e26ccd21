package export

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Meta is what the archive's index keeps of a record: its id, its start
// and whether it is settled. RecordMeta reads it from a saved body, and
// Call.Meta from a decoded call; the archive itself does not know what a
// call is.
type Meta struct {
	ID      string
	Start   int64 // start_timestamp in ms; 0 when the call has none
	Settled bool  // the record will not change any more (see Settled)
	// Sum identifies the record's content (the first 16 hex digits of the
	// SHA-256 of the body as archived): a call fetched again whose sum is
	// unchanged did not change, and is not archived or rebuilt again.
	Sum string
}

// SumOf is the Sum of a record body.
func SumOf(body []byte) string {
	h := sha256.Sum256(body)
	return hex.EncodeToString(h[:8])
}

// NoDate is the date of calls without a start time.
const NoDate = ""

// Date returns the UTC start date of the call (YYYY-MM-DD), or NoDate.
func (m Meta) Date() string {
	if m.Start == 0 {
		return NoDate
	}
	return time.UnixMilli(m.Start).UTC().Format(time.DateOnly)
}

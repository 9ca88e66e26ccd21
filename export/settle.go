package export

import (
	"encoding/json"
	"errors"

	gojson "github.com/goccy/go-json"
)

// Settled reports whether a call's record will not change any more, so a
// run need not fetch it again (retell-api.md §1.8):
//
//   - registered and ongoing calls are not over;
//   - an ended call gets call_analysis after it ends (and it can be re-run
//     later, which no rule can foresee);
//   - a transferred call's final cost is known only once the transfer leg
//     has ended, which transfer_end_timestamp records.
//
// Calls that never connected or failed are settled as they are.
func (c *Call) Settled() bool {
	return settled(c.CallStatus, c.CallAnalysis != nil, c.DisconnectionReason, c.TransferEndTimestamp != nil)
}

func settled(status string, analysed bool, reason string, transferEnded bool) bool {
	switch status {
	case StatusRegistered, StatusOngoing:
		return false
	case StatusEnded:
		if !analysed {
			return false
		}
		if (reason == "call_transfer" || reason == "transfer_bridged") && !transferEnded {
			return false
		}
	}
	return true
}

// recordMeta is the part of a record the archive index needs; decoding
// only these keys is much cheaper than decoding whole calls.
type recordMeta struct {
	CallID               string          `json:"call_id"`
	CallStatus           string          `json:"call_status"`
	StartTimestamp       *int64          `json:"start_timestamp"`
	DisconnectionReason  string          `json:"disconnection_reason"`
	TransferEndTimestamp json.RawMessage `json:"transfer_end_timestamp"`
	CallAnalysis         json.RawMessage `json:"call_analysis"`
}

func present(raw json.RawMessage) bool { return len(raw) > 0 && string(raw) != "null" }

// RecordMeta reads what the archive index keeps of a saved get-call body:
// the id (held to the rules of typed ids, since ids name output files),
// the start and whether the call is settled (not its Sum: the archive sums
// what it indexes, and a replay has no use for one). A mistyped field other than
// the id still indexes.
func RecordMeta(body []byte) (Meta, error) {
	var h recordMeta
	err := gojson.Unmarshal(body, &h) // go-json: 4-6x encoding/json here (docs/performance.md, Decoding JSON)
	if te := (*gojson.UnmarshalTypeError)(nil); errors.As(err, &te) && h.CallID != "" {
		err = nil
	}
	if err == nil && h.CallID == "" {
		err = errors.New("no call_id")
	}
	if err == nil {
		err = ValidateID(h.CallID)
	}
	if err != nil {
		return Meta{}, err
	}
	m := Meta{ID: h.CallID, Settled: settled(h.CallStatus, present(h.CallAnalysis), h.DisconnectionReason, present(h.TransferEndTimestamp))}
	if h.StartTimestamp != nil && *h.StartTimestamp > 0 && PlausibleStart(*h.StartTimestamp) {
		m.Start = *h.StartTimestamp
	}
	return m, nil
}

// Meta is RecordMeta for a decoded call (of its Raw body).
func (c *Call) Meta() Meta {
	return Meta{ID: c.CallID, Start: c.StartMs(), Settled: c.Settled(), Sum: SumOf(c.Raw)}
}

// StartMs is start_timestamp when it is a plausible time after 1970, else
// 0: the start every output places the call by.
func (c *Call) StartMs() int64 {
	if c.StartTimestamp != nil && *c.StartTimestamp > 0 && PlausibleStart(*c.StartTimestamp) {
		return *c.StartTimestamp
	}
	return 0
}

package export

// Failure kinds, as written to failed.csv.
const (
	KindNotFound    = "not_found"    // 404, or 422 "Cannot find requested asset"
	KindRejected    = "rejected"     // any other 4xx that retrying cannot fix
	KindRateLimited = "rate_limited" // 429 after every retry
	KindServer      = "server"       // 408/409/5xx after every retry
	KindNetwork     = "network"      // connection errors and timeouts after every retry
	KindBadBody     = "bad_body"     // truncated or invalid JSON in a 200 after every retry
	KindInvalidID   = "invalid_id"   // the input line is not a usable id
	KindBadRecord   = "bad_record"   // a saved record that does not decode (replay)
	KindAuth        = "auth"         // 401/403: stops the run
)

// Failure is one line of failed.csv.
type Failure struct {
	CallID   string
	Kind     string
	Status   int
	Message  string
	Attempts int
}

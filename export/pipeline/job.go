// Package pipeline runs an export: it fetches the calls that are not
// archived yet (or replays saved ones), archives what it fetches, and
// feeds every call, from one goroutine, to the writers; then it rebuilds
// the dataset's Parquet view, moves the state on and writes failed.csv and
// run.json. It is the one package that composes the adapters (the
// dataset, replay, the API client through Fetcher).
package pipeline

import (
	"errors"
	"time"

	"github.com/retell-export/retell-export/export"
	"github.com/retell-export/retell-export/export/archive"
	"github.com/retell-export/retell-export/export/dataset"
	"github.com/retell-export/retell-export/export/store"
)

// ErrInterrupted is returned by Job.Run when its context was cancelled
// (Ctrl-C, SIGTERM) before every call was handled.
var ErrInterrupted = errors.New("interrupted")

// Job is one export run: it fetches the ids that are not archived yet (or
// replays saved calls), archives what it fetches and feeds every call, from
// one goroutine, to the writers.
type Job struct {
	IDs        []string // ids to export; in replay mode an optional filter
	Client     Fetcher  // nil in replay mode
	ReplayFrom string   // replay saved calls from this path instead of the API
	// OpenStore opens ReplayFrom when it names object storage.
	OpenStore store.Opener
	// Dataset is the output the run archives into and reads archived
	// calls from; nil when the run writes no files.
	Dataset *dataset.Dataset
	// View is rebuilt from the dataset's archive after the calls are
	// archived (the Parquet tables); nil for none.
	View *dataset.View
	// Listed are the ids that came from list-calls, with their start (ms).
	Listed map[string]int64
	// Incremental moves the state's high-water mark when the run ends well.
	Incremental bool
	// Rotation bounds the archive segments on object storage; zero means
	// DefaultRotation.
	Rotation    archive.WriterOptions
	OutDir      string // where failed.csv and run.json go; "" for none
	Refetch     bool   // fetch archived calls again
	Concurrency int
	Writers     []export.Writer
	Progress    Progress
	Grace       time.Duration // how long in-flight requests may finish after an interrupt
	Warn        func(msg string)
	Settings    Settings // recorded in run.json
	Version     string
	Invalid     []export.Failure // input lines that were not ids (KindInvalidID)
	Duplicates  int
	// StartlessOutside counts the calls without a start that a windowed
	// listing found but did not take: they ended outside the window, or
	// have no end either (see run.json and the final line).
	StartlessOutside int
	// GaveUp counts the pending calls an incremental run stopped fetching
	// again (dataset.GiveUpAfter), for run.json.
	GaveUp int
}

// Settings are the options of a run, as run.json records them.
type Settings struct {
	Concurrency int       `json:"concurrency,omitempty"`
	RPS         float64   `json:"rps,omitempty"`
	Burst       int       `json:"burst,omitempty"`
	Retries     int       `json:"retries,omitempty"`
	Timeout     string    `json:"timeout,omitempty"`
	Formats     []string  `json:"formats"`
	Refetch     bool      `json:"refetch"`
	From        string    `json:"from,omitempty"`
	Incremental bool      `json:"incremental"`
	Partition   string    `json:"partition,omitempty"`
	BaseURL     string    `json:"base_url,omitempty"`
	KeySource   string    `json:"key_source,omitempty"` // where the key came from, never the key
	Since       time.Time `json:"since,omitzero"`
	Until       time.Time `json:"until,omitzero"`
	Agents      []string  `json:"agents,omitempty"`
}

// DefaultRotation bounds what a crash can lose on object storage, where
// a segment is uploaded whole when it closes: at most 1,000 calls or one
// minute of fetching (the next run fetches them again).
func DefaultRotation() archive.WriterOptions {
	return archive.WriterOptions{RotateRecords: 1000, RotateAfter: time.Minute}
}

// item is what producers hand to the consumer goroutine.
type item struct {
	call      *export.Call
	meta      export.Meta    // a fetched call's, with its content sum
	member    archive.Member // the fetched call compressed for the archive
	unchanged bool           // fetched again, identical to the archived version
	archived  bool           // from the archive or --from, not the API
	fail      *export.Failure
}

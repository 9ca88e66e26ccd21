package pipeline

import (
	"context"

	"github.com/retell-export/retell-export/export"
	"github.com/retell-export/retell-export/export/pacing"
	"github.com/retell-export/retell-export/export/retell"
)

// A Fetcher gets calls from the API: a *retell.Client, or a stub in
// tests. GetCall's errors are those of retell.Client.GetCall: an
// *retell.AuthError stops the run, a *retell.FetchError is one call's
// failure, anything else is the run stopping.
type Fetcher interface {
	GetCall(stop, req context.Context, id string) (*export.Call, int, error)
	Requests() int64
	Estimates() pacing.Estimates
}

var _ Fetcher = (*retell.Client)(nil)

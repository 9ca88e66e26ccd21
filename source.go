package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/retell-export/retell-export/export"
	"github.com/retell-export/retell-export/export/callids"
	"github.com/retell-export/retell-export/export/dataset"
	"github.com/retell-export/retell-export/export/fakeapi"
	"github.com/retell-export/retell-export/export/pacing"
	"github.com/retell-export/retell-export/export/pipeline"
	"github.com/retell-export/retell-export/export/retell"
	"github.com/retell-export/retell-export/samples"
)

// readIDs collects the ids of the command line and of --ids.
func readIDs(c *config, stdin io.Reader) (*callids.IDList, error) {
	ids := callids.NewIDList()
	for i, id := range c.ids {
		ids.Add("arguments", i+1, id)
	}
	var err error
	switch c.idsFile {
	case "":
		return ids, nil
	case "-":
		err = ids.ReadIDs(stdin, "stdin")
	default:
		var f *os.File
		if f, err = os.Open(c.idsFile); err != nil {
			return nil, usageError{fmt.Errorf("--ids: %w", err)}
		}
		defer f.Close()
		err = ids.ReadIDs(f, c.idsFile)
	}
	if he := (*callids.HeaderError)(nil); errors.As(err, &he) {
		return nil, usageError{fmt.Errorf("--ids %w", err)}
	}
	return ids, err
}

// setUpClient adds the API client (or, with --demo, a local fake API
// serving the samples) to the job. The returned func stops the fake.
func setUpClient(c *config, job *pipeline.Job, ids *callids.IDList, getenv func(string) string) (func(), error) {
	stop := func() {}
	base, key, source := c.baseURL, "", ""
	if c.demo {
		srv := fakeapi.NewServer(fakeapi.Options{Latency: 20 * time.Millisecond})
		sampleIDs, err := loadDemoCalls(srv, c.demoDir)
		if err != nil {
			srv.Close()
			return stop, err
		}
		if len(ids.IDs) == 0 && len(ids.Bad) == 0 && !c.listing() {
			for i, id := range sampleIDs {
				ids.Add("samples", i+1, id)
			}
			job.IDs = ids.IDs
		}
		base, key, source, stop = srv.URL, srv.Key(), "--demo", srv.Close
	} else {
		var err error
		if key, source, err = loadKey(c.keyFile, getenv); err != nil {
			return stop, usageError{err}
		}
	}
	client, err := retell.NewClient(retell.ClientConfig{
		BaseURL: base, Key: key, KeySource: source, Pacer: pacing.NewPacer(c.rps, c.burst, c.concurrency),
		Retries: c.retries, Timeout: c.timeout, Concurrency: c.concurrency,
		UserAgent: "retell-export/" + userAgentVersion(c.version),
	})
	if err != nil {
		stop()
		return func() {}, usageError{err}
	}
	job.Client = client
	job.Settings.BaseURL, job.Settings.KeySource = client.BaseURL(), source
	return stop, nil
}

// loadDemoCalls gives the demo server the samples built into the binary,
// or the calls in dir.
func loadDemoCalls(srv *fakeapi.Server, dir string) ([]string, error) {
	if dir == "" {
		return srv.LoadFS(samples.Calls, "calls")
	}
	ids, err := srv.LoadDir(dir)
	switch {
	case err != nil:
		return nil, fmt.Errorf("--demo-dir: %w", err)
	case len(ids) == 0:
		return nil, fmt.Errorf("--demo-dir: no get-call bodies (*.json) in %s", dir)
	}
	return ids, nil
}

// listIDs adds the ids of the calls --since/--until/--agent select.
func listIDs(ctx context.Context, c *config, client *retell.Client, job *pipeline.Job, ids *callids.IDList, stderr io.Writer) error {
	n, pages := 0, 0
	job.Listed = map[string]int64{}
	for call, err := range client.ListCalls(ctx, c.filter) {
		if err != nil {
			if ctx.Err() != nil {
				return pipeline.ErrInterrupted
			}
			return err
		}
		n, pages = n+1, call.Page
		ids.Add("list-calls", n, call.ID)
		job.Listed[call.ID] = call.Start
	}
	taken, outside := 0, 0
	for call, err := range client.ListStartless(ctx, c.filter.Agents) {
		if err != nil {
			if ctx.Err() != nil {
				return pipeline.ErrInterrupted
			}
			return err
		}
		if !takesStartless(call, c.filter) {
			outside++
			continue
		}
		if _, listed := job.Listed[call.ID]; !listed {
			taken++
			ids.Add("list-calls (no start)", taken, call.ID)
			job.Listed[call.ID] = 0
		}
	}
	if !c.quiet {
		fmt.Fprintf(stderr, "retell-export: list-calls: %d calls in %d pages, and %d without a start\n", n, max(pages, 1), taken)
	}
	job.StartlessOutside = outside
	job.IDs, job.Invalid, job.Duplicates = ids.IDs, invalid(ids.Bad), ids.Duplicates
	job.Settings.Since, job.Settings.Until, job.Settings.Agents = c.filter.Since, c.filter.Until, c.filter.Agents
	return nil
}

// takesStartless decides whether a listing run exports a call without a
// start. A start filter never lists such calls (never connected, failed
// before it began), so they would be missing silently. A window, an
// incremental one too, takes those that ended in it: each is then taken by
// the one run whose window holds its end, as a call with a start is by
// the one that holds its start. The others (no end either: registered and
// not joined yet) no time places in any window: they are counted, and a
// later window takes them once they end.
func takesStartless(call retell.Listed, f retell.ListFilter) bool {
	return call.End != 0 && (f.Since.IsZero() || call.End >= f.Since.UnixMilli()) && (f.Until.IsZero() || call.End < f.Until.UnixMilli())
}

// newJob is the pipeline job of the command line, before its source and
// outputs are known.
func newJob(c *config, ids *callids.IDList, warn func(string)) *pipeline.Job {
	return &pipeline.Job{
		IDs: ids.IDs, Refetch: c.refetch, Concurrency: c.concurrency,
		Grace: c.grace, Version: c.version, Invalid: invalid(ids.Bad), Duplicates: ids.Duplicates,
		Warn: warn,
		Settings: pipeline.Settings{
			Concurrency: c.concurrency, RPS: c.rps, Burst: c.burst, Retries: c.retries,
			Timeout: c.timeout.String(), Formats: c.formatList(), Refetch: c.refetch, From: c.from,
			Incremental: c.incremental, Partition: c.partition,
		},
	}
}

// invalid turns input lines that are not ids into the run's failures.
func invalid(bad []callids.BadID) []export.Failure {
	fs := make([]export.Failure, len(bad))
	for i, b := range bad {
		fs[i] = export.Failure{CallID: b.Text, Kind: export.KindInvalidID, Message: b.Error()}
	}
	return fs
}

// setUpSource gives the job its calls: saved ones (--from), or the API's
// (a client, or the demo's fake), with the ids of an incremental window or
// a listing added. The returned func stops the demo's fake API.
func setUpSource(ctx context.Context, c *config, job *pipeline.Job, ids *callids.IDList, ds *dataset.Dataset,
	getenv func(string) string, stderr io.Writer, started time.Time) (func(), error) {
	if c.from != "" {
		job.ReplayFrom, job.OpenStore = c.from, openLocation
		return func() {}, nil
	}
	stop, err := setUpClient(c, job, ids, getenv)
	if err != nil {
		return stop, err
	}
	if c.incremental {
		if err := incrementalWindow(c, ds.State, started); err != nil {
			return stop, err
		}
		due, gaveUp := ds.State.Due(started)
		for i, id := range due {
			ids.Add("state", i+1, id) // not settled last time, or not fetched
		}
		if gaveUp > 0 {
			job.Warn(fmt.Sprintf("gave up on %d calls still not settled %s after they started", gaveUp, dataset.GiveUpAfter))
		}
		job.GaveUp = gaveUp
		job.IDs, job.Incremental = ids.IDs, true
	}
	if c.listing() {
		return stop, listIDs(ctx, c, job.Client.(*retell.Client), job, ids, stderr)
	}
	return stop, nil
}

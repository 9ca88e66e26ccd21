package pipeline

import (
	"context"
	"fmt"

	"github.com/retell-export/retell-export/export"
	"github.com/retell-export/retell-export/export/archive"
	"github.com/retell-export/retell-export/export/replay"
)

// plan is what a run will do: which ids to fetch, and which saved calls to
// replay (from --from files through an in-memory index, or from the
// dataset's archive through its persistent index).
type plan struct {
	total   int
	fetch   []string
	replay  *replay.Index    // --from
	archive *archive.Archive // where entries are read from
	entries []archive.Entry  // archived calls to replay
	want    map[string]bool  // replay filter; nil = everything
	missing []string         // replay mode: requested ids not in the saved calls
}

func (r *run) plan(ctx context.Context) (*plan, error) {
	if r.ReplayFrom != "" {
		return r.planFrom(ctx)
	}
	p := &plan{total: len(r.IDs)}
	var known map[string]archive.Entry
	if r.Dataset != nil {
		var err error
		if known, err = r.Dataset.Archive.Lookup(ctx, r.IDs); err != nil {
			return nil, err
		}
		p.archive = r.Dataset.Archive
	}
	r.refetch = map[string]archive.Entry{}
	for _, id := range r.IDs {
		e, ok := known[id]
		switch {
		case ok && !r.Refetch && e.Settled:
			p.entries = append(p.entries, e)
			r.counts.skipped++
		case ok:
			r.refetch[id] = e
			p.fetch = append(p.fetch, id)
		default:
			p.fetch = append(p.fetch, id)
		}
	}
	if len(p.entries) > 0 && len(r.Writers) == 0 { // nothing to write: archived calls only count
		r.stats.FromArchive.Add(int64(len(p.entries)))
		r.stats.Done.Add(int64(len(p.entries)))
		p.entries = nil
	}
	return p, nil
}

// planFrom plans a replay of saved calls (--from): through the archive's
// own index when the path is a dataset's raw directory that it covers
// (replay.Indexed), else through an index built by reading every record.
func (r *run) planFrom(ctx context.Context) (*plan, error) {
	recs, done, err := replay.ListRecords(ctx, r.ReplayFrom, r.OpenStore)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", r.ReplayFrom, err)
	}
	r.closers = append(r.closers, done)
	if len(recs.Files) == 0 {
		return nil, fmt.Errorf("read %s: no saved calls (*.json, *.jsonl, *.jsonl.gz) there", r.ReplayFrom)
	}
	if a, es, ok := replay.Indexed(ctx, r.ReplayFrom, recs); ok {
		return r.planIndexed(a, es), nil
	}
	if ctx.Err() != nil { // stopped while reading the index
		return nil, ErrInterrupted
	}
	ix, err := replay.BuildIndex(ctx, recs, r.badRecord)
	if err != nil {
		return nil, err
	}
	r.closers = append(r.closers, func() { ix.Close() })
	return r.planReplay(ix), nil
}

func (r *run) planReplay(ix *replay.Index) *plan {
	p := &plan{replay: ix, total: ix.Len()}
	if len(r.IDs) > 0 {
		p.want = map[string]bool{}
		for _, id := range r.IDs {
			if ix.Has(id) {
				p.want[id] = true
			} else {
				p.missing = append(p.missing, id)
			}
		}
		p.total = len(r.IDs)
	}
	r.reportMissing(p)
	return p
}

// planIndexed plans the replay of an indexed archive's calls (see
// replay.Indexed), filtered by the run's ids if it has any.
func (r *run) planIndexed(a *archive.Archive, es []archive.Entry) *plan {
	p := &plan{archive: a}
	if len(r.IDs) == 0 {
		p.entries, p.total = es, len(es)
		return p
	}
	byID := make(map[string]archive.Entry, len(es))
	for _, e := range es {
		byID[e.ID] = e
	}
	for _, id := range r.IDs {
		if e, ok := byID[id]; ok {
			p.entries = append(p.entries, e)
		} else {
			p.missing = append(p.missing, id)
		}
	}
	p.total = len(r.IDs)
	r.reportMissing(p)
	return p
}

// reportMissing records the requested ids that are not in the saved calls.
func (r *run) reportMissing(p *plan) {
	for _, id := range p.missing {
		r.failures = append(r.failures, export.Failure{CallID: id, Kind: export.KindNotFound, Message: "not in " + r.ReplayFrom})
		r.stats.Failed.Add(1)
		r.stats.Done.Add(1)
	}
}

// badRecord handles a saved record that cannot be used, found while
// indexing (before any other goroutine runs). Replaying --from, it is a
// failure (exit 3: cron must not see success when input was lost); in the
// run's own archive it is only a warning, so that a segment cut by a crash
// does not fail every later run.
func (r *run) badRecord(where string, err error) {
	r.Warn(fmt.Sprintf("skipping saved record %s: %v", where, err))
	r.stats.BadRecords.Add(1)
	if r.ReplayFrom != "" {
		r.failures = append(r.failures, export.Failure{Kind: export.KindBadRecord, Message: fmt.Sprintf("%s: %v", where, err)})
		r.stats.Failed.Add(1)
	}
}

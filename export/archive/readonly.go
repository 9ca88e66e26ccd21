package archive

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/retell-export/retell-export/export/store"
)

// ErrNotIndexed is returned by OpenIndexed when the index does not cover
// the segments exactly as they are.
var ErrNotIndexed = errors.New("archive: index does not cover the segments")

// OpenIndexed opens an archive for reading only, without indexing or
// repairing anything: a replay of a dataset's raw directory (--from
// out/raw) can then take every call's latest version from the index
// instead of reading every record to find them. It returns ErrNotIndexed
// unless the manifest lists exactly the segments present, at the sizes
// they were indexed at, and every record of them is known to have been
// indexed (a record that was not must be read, to be reported).
func OpenIndexed(ctx context.Context, opts Options) (*Archive, error) {
	a := &Archive{opts: opts, st: dirStore{store: opts.Store, dir: opts.Dir}}
	segs, err := a.listSegments(ctx)
	if err != nil {
		return nil, err
	}
	b, err := store.ReadAll(ctx, opts.Store, a.file("manifest.json"))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotIndexed, err)
	}
	if err := json.Unmarshal(b, &a.man); err != nil || !a.man.matches(segs) || len(a.man.Segments) != len(segs) {
		return nil, ErrNotIndexed
	}
	if slices.ContainsFunc(a.man.Segments, func(s segInfo) bool { return s.Bad != 0 }) {
		return nil, ErrNotIndexed
	}
	return a, nil
}

// Calls returns the latest entry of every archived call, from the id
// shards, checked against the number the manifest keeps: a shard lost
// since (a missing shard reads as empty) gives ErrNotIndexed, not fewer
// calls.
func (a *Archive) Calls(ctx context.Context) ([]Entry, error) {
	es, err := a.All(ctx)
	if err != nil {
		return nil, err
	}
	if a.man.Calls == nil || len(es) != *a.man.Calls {
		return nil, ErrNotIndexed
	}
	return es, nil
}

// All returns the latest entry of every call the id shards hold.
func (a *Archive) All(ctx context.Context) ([]Entry, error) {
	var out []Entry
	for i := range shards {
		m, err := a.readIndexFile(ctx, a.file("ids", fmt.Sprintf("%02x.tsv", i)))
		if err != nil {
			return nil, err
		}
		for _, e := range m {
			out = append(out, e)
		}
	}
	return out, nil
}

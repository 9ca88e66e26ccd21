package archive

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/retell-export/retell-export/export"
	"github.com/retell-export/retell-export/export/store"
)

// indexVersion changes when the index files change meaning. Version 2
// adds each record's content sum; an index of version 1 is rebuilt from
// the segments on open.
const indexVersion = 2

// shards is the number of id shards: at a million calls each holds about
// 16,000 entries (1 MB), so looking one id up reads a small file, and a
// run that touches every shard replaces 64 files.
const shards = 64

// Options configure an Archive.
type Options struct {
	Store store.Store
	Dir   string // the archive's directory in the store, e.g. "raw"
	// Extract reads the index fields of a record; a record it rejects is
	// reported to Bad and not indexed.
	Extract func(body []byte) (export.Meta, error)
	Bad     func(where string, err error)
	Now     func() time.Time
}

// Archive is an open archive and its index. It is not safe for concurrent
// use; the run's lock makes its process the only writer.
type Archive struct {
	opts Options
	st   dirStore
	man  manifest
}

type dirStore struct {
	store store.Store
	dir   string
}

type manifest struct {
	Version  int       `json:"version"`
	Segments []segInfo `json:"segments"`
	// Dirty lists the dates (and "none") whose calls changed since the
	// views (the Parquet tables) were last rebuilt.
	Dirty []string `json:"dirty_dates"`
	// Views records the layout each view was last built with.
	Views map[string]string `json:"views,omitempty"`
	// Calls is the number of distinct calls the id shards hold, so that a
	// reader taking every call from the index can tell that it has them
	// all. Absent (nil) in manifests of older versions until Open counts.
	Calls *int `json:"calls,omitempty"`
}

type segInfo struct {
	Name    string `json:"name"`
	Size    int64  `json:"size"`
	Records int    `json:"records"`
	// Bad counts the records that could not be indexed (a segment cut by
	// a crash, a record that is not a call); -1 when unknown (a segment an
	// older version indexed, which did not count them).
	Bad int `json:"bad,omitempty"`
}

func (a *Archive) file(parts ...string) string {
	return path.Join(append([]string{a.st.dir, "index"}, parts...)...)
}

func shardOf(id string) string {
	h := fnv.New32a()
	h.Write([]byte(id))
	return fmt.Sprintf("%02x", h.Sum32()%shards)
}

func dateFile(date string) string {
	if date == export.NoDate {
		return "none"
	}
	return date
}

// Open reads the index and brings it up to date with the segments: those
// it does not list yet (a crash between a segment and its index, or the
// first run of this version on an older archive) are indexed now.
func Open(ctx context.Context, opts Options) (*Archive, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Bad == nil {
		opts.Bad = func(string, error) {}
	}
	a := &Archive{opts: opts, st: dirStore{store: opts.Store, dir: opts.Dir}}
	segs, err := a.listSegments(ctx)
	if err != nil {
		return nil, err
	}
	b, err := store.ReadAll(ctx, opts.Store, a.file("manifest.json"))
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("archive index: %w", err)
	default:
		if jerr := json.Unmarshal(b, &a.man); jerr != nil || a.man.Version != indexVersion {
			a.man = manifest{}
		}
	}
	if !a.man.matches(segs) {
		if err := a.reset(ctx); err != nil {
			return nil, err
		}
	}
	if a.man.Calls == nil { // an index of an older version: count once
		es, err := a.All(ctx)
		if err != nil {
			return nil, err
		}
		a.man.Calls = new(len(es))
		// It did not count the records it could not index either: a
		// replay must read these segments to report them.
		for i := range a.man.Segments {
			if a.man.Segments[i].Bad == 0 {
				a.man.Segments[i].Bad = -1
			}
		}
	}
	known := map[string]bool{}
	for _, s := range a.man.Segments {
		known[s.Name] = true
	}
	for _, s := range segs {
		if known[s.Name] {
			continue
		}
		var es []Entry
		n, bad := 0, 0
		err := scanSegment(ctx, opts.Store, opts.Dir, s.Name, func(body []byte, loc Loc, fetched int64) error {
			m, err := opts.Extract(body)
			if err != nil {
				bad++
				opts.Bad(fmt.Sprintf("%s@%d", s.Name, loc.Off), err)
				return nil
			}
			m.Sum = export.SumOf(body) // the index's, whatever Extract reads
			es = append(es, Entry{Meta: m, Loc: loc, Fetched: fetched})
			n++
			return nil
		}, func(where string, err error) {
			bad++
			opts.Bad(where, err)
		})
		if err != nil {
			return nil, fmt.Errorf("archive: index %s: %w", s.Name, err)
		}
		s.Records, s.Bad = n, bad
		if err := a.apply(ctx, es, s); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// listSegments lists the segments in name order.
func (a *Archive) listSegments(ctx context.Context) ([]segInfo, error) {
	es, err := a.st.store.List(ctx, a.st.dir+"/"+segPrefix)
	if err != nil {
		return nil, fmt.Errorf("archive: list %s: %w", a.st.dir, err)
	}
	var segs []segInfo
	for _, e := range es {
		rest := strings.TrimPrefix(e.Name, a.st.dir+"/")
		if !strings.Contains(rest, "/") && IsSegment(rest) {
			segs = append(segs, segInfo{Name: rest, Size: e.Size})
		}
	}
	return segs, nil
}

// matches reports whether every segment the manifest lists is there, as
// it was indexed. (Segments it does not list are indexed by Open.)
func (m *manifest) matches(segs []segInfo) bool {
	if m.Version != indexVersion {
		return false
	}
	size := map[string]int64{}
	for _, s := range segs {
		size[s.Name] = s.Size
	}
	for _, s := range m.Segments {
		if n, ok := size[s.Name]; !ok || n != s.Size {
			return false
		}
	}
	return true
}

// reset removes the index files: it is rebuilt from the segments.
func (a *Archive) reset(ctx context.Context) error {
	es, err := a.st.store.List(ctx, a.file()+"/")
	if err != nil {
		return fmt.Errorf("archive index: %w", err)
	}
	for _, e := range es {
		if err := a.st.store.Remove(ctx, e.Name); err != nil {
			return fmt.Errorf("archive index: %w", err)
		}
	}
	views := a.man.Views
	a.man = manifest{Version: indexVersion, Views: views, Calls: new(int)}
	return nil
}

// Dirty returns the dates whose calls changed since the views were last
// rebuilt (NoDate for calls without a start).
func (a *Archive) Dirty() []string { return slices.Clone(a.man.Dirty) }

// ViewLayout returns the layout a view was last built with.
func (a *Archive) ViewLayout(view string) string { return a.man.Views[view] }

// ViewBuilt records that a view now has the given layout and that the
// dates it rebuilt are no longer dirty.
func (a *Archive) ViewBuilt(ctx context.Context, view, layout string, dates []string) error {
	if a.man.Views == nil {
		a.man.Views = map[string]string{}
	}
	a.man.Views[view] = layout
	done := map[string]bool{}
	for _, d := range dates {
		done[d] = true
	}
	a.man.Dirty = slices.DeleteFunc(a.man.Dirty, func(d string) bool { return done[d] })
	return a.writeManifest(ctx)
}

// MarkDirty adds dates to the dirty set (a view rebuild that did not
// finish).
func (a *Archive) MarkDirty(ctx context.Context, dates []string) error {
	a.man.Dirty = mergeDates(a.man.Dirty, dates)
	return a.writeManifest(ctx)
}

func mergeDates(a, b []string) []string {
	set := map[string]bool{}
	for _, d := range a {
		set[d] = true
	}
	for _, d := range b {
		set[d] = true
	}
	return slices.Sorted(maps.Keys(set))
}

func (a *Archive) writeManifest(ctx context.Context) error {
	b, err := json.MarshalIndent(a.man, "", " ")
	if err != nil {
		return err
	}
	if err := store.WriteAll(ctx, a.st.store, a.file("manifest.json"), b); err != nil {
		return fmt.Errorf("archive index: %w", err)
	}
	return nil
}

// segNames returns the manifest's segment names by number.
func (a *Archive) segNames() []string {
	names := make([]string, len(a.man.Segments))
	for i, s := range a.man.Segments {
		names[i] = s.Name
	}
	return names
}

func (a *Archive) segNumbers() map[string]int {
	m := make(map[string]int, len(a.man.Segments))
	for i, s := range a.man.Segments {
		m[s.Name] = i
	}
	return m
}

// readIndexFile reads one index file into a map; a missing file is empty.
func (a *Archive) readIndexFile(ctx context.Context, name string) (map[string]Entry, error) {
	b, err := store.ReadAll(ctx, a.st.store, name)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]Entry{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("archive index: %w", err)
	}
	segs := a.segNames()
	m := make(map[string]Entry, len(b)/64)
	for line := range strings.Lines(string(b)) {
		e, err := parseEntry(strings.TrimSuffix(line, "\n"), segs)
		if err != nil {
			return nil, fmt.Errorf("archive index %s: %w", name, err)
		}
		m[e.ID] = e
	}
	return m, nil
}

func (a *Archive) writeIndexFile(ctx context.Context, name string, m map[string]Entry) error {
	if len(m) == 0 {
		return a.st.store.Remove(ctx, name)
	}
	nums := a.segNumbers()
	b := make([]byte, 0, len(m)*72)
	for _, id := range slices.Sorted(maps.Keys(m)) {
		e := m[id]
		b = appendEntry(b, e, nums[e.Seg])
	}
	if err := store.WriteAll(ctx, a.st.store, name, b); err != nil {
		return fmt.Errorf("archive index: %w", err)
	}
	return nil
}

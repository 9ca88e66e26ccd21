package archive

import (
	"context"
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/retell-export/retell-export/export"
)

// apply adds a segment's entries to the index. Entries are in the order
// they were written; an entry older than the one indexed for its id is
// ignored, so applying a segment again changes nothing.
func (a *Archive) apply(ctx context.Context, es []Entry, seg segInfo) error {
	if !slices.ContainsFunc(a.man.Segments, func(s segInfo) bool { return s.Name == seg.Name }) {
		a.man.Segments = append(a.man.Segments, seg)
	}
	latest := map[string]Entry{}
	for _, e := range es {
		if old, ok := latest[e.ID]; !ok || e.after(old.Loc) {
			latest[e.ID] = e
		}
	}
	byShard := map[string][]Entry{}
	for _, e := range latest {
		byShard[shardOf(e.ID)] = append(byShard[shardOf(e.ID)], e)
	}
	// Pass 1: what each call's entry was, to move it between date files.
	prev := map[string]Entry{}
	for sh, group := range byShard {
		m, err := a.readIndexFile(ctx, a.file("ids", sh+".tsv"))
		if err != nil {
			return err
		}
		for _, e := range group {
			if old, ok := m[e.ID]; ok {
				prev[e.ID] = old
			}
		}
	}
	changed := map[string][]Entry{} // date -> entries to put there
	moved := map[string][]string{}  // date -> ids to take out
	var dirty []string
	for _, e := range latest {
		old, had := prev[e.ID]
		if had && !e.after(old.Loc) && old.Loc != e.Loc {
			delete(latest, e.ID) // an older record than the indexed one
			continue
		}
		if !had {
			*a.man.Calls++
		}
		changed[e.Date()] = append(changed[e.Date()], e)
		dirty = append(dirty, e.Date())
		if had && old.Date() != e.Date() {
			moved[old.Date()] = append(moved[old.Date()], e.ID)
			dirty = append(dirty, old.Date())
		}
	}
	// Pass 2: date files.
	for _, d := range mergeDates(slices.Collect(maps.Keys(changed)), slices.Collect(maps.Keys(moved))) {
		name := a.file("dates", dateFile(d)+".tsv")
		m, err := a.readIndexFile(ctx, name)
		if err != nil {
			return err
		}
		for _, id := range moved[d] {
			delete(m, id)
		}
		for _, e := range changed[d] {
			m[e.ID] = e
		}
		if err := a.writeIndexFile(ctx, name, m); err != nil {
			return err
		}
	}
	// Pass 3: id shards.
	for sh, group := range byShard {
		name := a.file("ids", sh+".tsv")
		m, err := a.readIndexFile(ctx, name)
		if err != nil {
			return err
		}
		for _, e := range group {
			if _, ok := latest[e.ID]; ok {
				m[e.ID] = e
			}
		}
		if err := a.writeIndexFile(ctx, name, m); err != nil {
			return err
		}
	}
	a.man.Dirty = mergeDates(a.man.Dirty, dirty)
	return a.writeManifest(ctx)
}

// Lookup returns the index entries of the given ids that are archived,
// reading only the id shards they fall in.
func (a *Archive) Lookup(ctx context.Context, ids []string) (map[string]Entry, error) {
	byShard := map[string][]string{}
	for _, id := range ids {
		byShard[shardOf(id)] = append(byShard[shardOf(id)], id)
	}
	out := map[string]Entry{}
	for _, sh := range slices.Sorted(maps.Keys(byShard)) {
		m, err := a.readIndexFile(ctx, a.file("ids", sh+".tsv"))
		if err != nil {
			return nil, err
		}
		for _, id := range byShard[sh] {
			if e, ok := m[id]; ok {
				out[id] = e
			}
		}
	}
	return out, nil
}

// DateEntries returns the latest entry of every call that started on
// date (NoDate: calls without a start).
func (a *Archive) DateEntries(ctx context.Context, date string) ([]Entry, error) {
	m, err := a.readIndexFile(ctx, a.file("dates", dateFile(date)+".tsv"))
	if err != nil {
		return nil, err
	}
	return slices.Collect(maps.Values(m)), nil
}

// Dates returns every date that has calls, NoDate included if any call has
// no start.
func (a *Archive) Dates(ctx context.Context) ([]string, error) {
	es, err := a.st.store.List(ctx, a.file("dates")+"/")
	if err != nil {
		return nil, fmt.Errorf("archive index: %w", err)
	}
	var dates []string
	for _, e := range es {
		base := path.Base(e.Name)
		d, ok := strings.CutSuffix(base, ".tsv")
		if !ok || strings.HasPrefix(base, ".") {
			continue
		}
		if d == "none" {
			d = export.NoDate
		}
		dates = append(dates, d)
	}
	slices.Sort(dates)
	return dates, nil
}

// Read passes each entry's record to fn, segment by segment. It sorts
// entries in place.
func (a *Archive) Read(ctx context.Context, entries []Entry, fn func(Record) error) error {
	return read(ctx, a.st, entries, fn)
}

// Writer appends records to a new segment of the archive; Close indexes
// them. One run writes one segment, except on object storage, where a
// segment is closed every RotateRecords records or RotateAfter, whichever
// comes first (see WriterOptions), and uploaded and indexed in the
// background while the next one fills: the fetch does not wait for the
// store. Segments are uploaded one at a time, in order. A Writer is used
// from one goroutine, except for Compress.
type Writer struct {
	a       *Archive
	seg     *segmentFile
	entries []Entry
	opts    WriterOptions
	started int64  // unix nanos the open segment started
	last    string // name of the last segment, to name the next after it
	closed  []segInfo
	zip     *compressor

	uploads chan closedSegment // to the uploader; at most one waits
	done    chan struct{}      // closed when the uploader has finished
	mu      sync.Mutex
	err     error // the uploader's first error
}

type closedSegment struct {
	seg     *segmentFile
	entries []Entry
}

// WriterOptions bound how much a crash can lose on object storage, where
// a segment is uploaded whole when it closes. On a local store records go
// into the final file as they come and a segment is closed only at the
// end.
type WriterOptions struct {
	RotateRecords int           // 0: never by count
	RotateAfter   time.Duration // 0: never by time
}

// NewWriter starts a segment. ctx bounds the uploads and indexing of its
// segments, which go on until Close returns: a caller that wants what it
// fetched kept through an interrupt passes a context that the interrupt
// does not cancel (context.WithoutCancel), as gocloud aborts a write whose
// context is cancelled.
func (a *Archive) NewWriter(ctx context.Context, opts WriterOptions) *Writer {
	w := &Writer{a: a, opts: opts, zip: newCompressor(), uploads: make(chan closedSegment, 1), done: make(chan struct{})}
	if n := len(a.man.Segments); n > 0 {
		w.last = a.man.Segments[n-1].Name
	}
	go w.uploader(ctx)
	return w
}

// uploader closes (uploads) and indexes rotated segments, in order. It is
// the only goroutine that touches the archive's index during a run.
func (w *Writer) uploader(ctx context.Context) {
	defer close(w.done)
	for cs := range w.uploads {
		if w.failed() != nil {
			cs.seg.abandon()
			continue
		}
		if err := w.finishSegment(ctx, cs); err != nil {
			w.mu.Lock()
			w.err = err
			w.mu.Unlock()
		}
	}
}

func (w *Writer) failed() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// Compress compresses a record fetched at the given time for
// AppendMember. Unlike the Writer's other methods it may be called from
// many goroutines at once.
func (w *Writer) Compress(body []byte, fetched time.Time) Member {
	return w.zip.compress(body, fetched)
}

// Append writes a record and returns its entry (not yet in the index).
func (w *Writer) Append(body []byte, m export.Meta, fetched time.Time) (Entry, error) {
	return w.AppendMember(w.Compress(body, fetched), m)
}

// AppendMember writes a record that Compress made and returns its entry
// (not yet in the index).
func (w *Writer) AppendMember(member Member, m export.Meta) (Entry, error) {
	if len(member.b) == 0 {
		return Entry{}, fmt.Errorf("archive: %s: no member to append (not made by Compress)", m.ID)
	}
	if err := w.failed(); err != nil {
		return Entry{}, err
	}
	if w.seg == nil {
		if err := w.open(); err != nil {
			return Entry{}, err
		}
	}
	loc, err := w.seg.append(member)
	if err != nil {
		return Entry{}, err
	}
	e := Entry{Meta: m, Loc: loc, Fetched: member.fetched}
	w.entries = append(w.entries, e)
	if w.rotateDue() {
		w.rotate()
	}
	return e, nil
}

// Paths returns the segments written so far, as store names.
func (w *Writer) Paths() []string {
	var out []string
	for _, s := range w.closed {
		out = append(out, path.Join(w.a.st.dir, s.Name))
	}
	if w.seg != nil {
		out = append(out, w.seg.name)
	}
	return out
}

func (w *Writer) rotateDue() bool {
	if _, local := w.a.st.store.Dir(); local {
		return false
	}
	return (w.opts.RotateRecords > 0 && w.seg.n >= w.opts.RotateRecords) ||
		(w.opts.RotateAfter > 0 && w.a.opts.Now().UnixNano()-w.started >= int64(w.opts.RotateAfter))
}

func (w *Writer) open() error {
	seg, err := createSegment(w.a.st.store, w.a.st.dir, segmentName(w.a.opts.Now(), w.last))
	if err != nil {
		return err
	}
	w.seg, w.started, w.last = seg, w.a.opts.Now().UnixNano(), path.Base(seg.name)
	return nil
}

// rotate hands the open segment to the uploader; the next record starts a
// new one.
func (w *Writer) rotate() {
	cs := closedSegment{seg: w.seg, entries: w.entries}
	w.seg, w.entries = nil, nil
	if cs.seg.n > 0 {
		w.closed = append(w.closed, segInfo{Name: path.Base(cs.seg.name)})
	}
	w.uploads <- cs
}

// finishSegment closes (uploads) a segment and indexes it.
func (w *Writer) finishSegment(ctx context.Context, cs closedSegment) error {
	if err := cs.seg.close(ctx); err != nil {
		return err
	}
	if cs.seg.n == 0 {
		return nil
	}
	info := segInfo{Name: path.Base(cs.seg.name), Size: cs.seg.off, Records: cs.seg.n}
	return w.a.apply(ctx, cs.entries, info)
}

// Close closes the open segment, waits for the uploads, and indexes what
// they hold. It returns the first error of any.
func (w *Writer) Close() error {
	if w.seg != nil {
		w.rotate()
	}
	close(w.uploads)
	<-w.done
	return w.failed()
}

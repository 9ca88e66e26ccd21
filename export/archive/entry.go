package archive

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/retell-export/retell-export/export"
)

// Loc says where a record is: the gzip member that holds it, at byte
// offset Off of segment Seg, and its line in that member. Segments written
// by this package have one record per member (Line 0); older segments are
// one member of many lines.
type Loc struct {
	Seg  string
	Off  int64
	Len  int64 // compressed bytes of the member
	Line int
}

// Entry is the index entry of a call's latest record.
type Entry struct {
	export.Meta
	Loc
	// Fetched is when the record was fetched (Unix seconds, from its gzip
	// member's header); 0 when not known.
	Fetched int64
}

// FetchedAt is Fetched as a time (zero when not known).
func (e Entry) FetchedAt() time.Time {
	if e.Fetched <= 0 {
		return time.Time{}
	}
	return time.Unix(e.Fetched, 0).UTC()
}

// after reports whether l was written after m: segments are named so that
// names sort in the order they were written.
func (l Loc) after(m Loc) bool {
	if l.Seg != m.Seg {
		return l.Seg > m.Seg
	}
	if l.Off != m.Off {
		return l.Off > m.Off
	}
	return l.Line > m.Line
}

// Index files hold one entry per line, tab-separated:
// id, start ms, settled (0/1), segment number, offset, length, line, sum,
// fetched (Unix seconds).
func appendEntry(b []byte, e Entry, seg int) []byte {
	b = append(b, e.ID...)
	b = append(b, '\t')
	b = strconv.AppendInt(b, e.Start, 10)
	b = append(b, '\t')
	if e.Settled {
		b = append(b, '1')
	} else {
		b = append(b, '0')
	}
	b = append(b, '\t')
	b = strconv.AppendInt(b, int64(seg), 10)
	b = append(b, '\t')
	b = strconv.AppendInt(b, e.Off, 10)
	b = append(b, '\t')
	b = strconv.AppendInt(b, e.Len, 10)
	b = append(b, '\t')
	b = strconv.AppendInt(b, int64(e.Line), 10)
	b = append(b, '\t')
	b = append(b, e.Sum...)
	b = append(b, '\t')
	b = strconv.AppendInt(b, e.Fetched, 10)
	return append(b, '\n')
}

var errEntry = errors.New("malformed index entry")

func parseEntry(line string, segs []string) (Entry, error) {
	var f [9]string
	for i := range 8 {
		var ok bool
		if f[i], line, ok = strings.Cut(line, "\t"); !ok {
			return Entry{}, errEntry
		}
	}
	f[8] = line
	start, err1 := strconv.ParseInt(f[1], 10, 64)
	seg, err2 := strconv.Atoi(f[3])
	off, err3 := strconv.ParseInt(f[4], 10, 64)
	n, err4 := strconv.ParseInt(f[5], 10, 64)
	ln, err5 := strconv.Atoi(f[6])
	fetched, err6 := strconv.ParseInt(f[8], 10, 64)
	if err := errors.Join(err1, err2, err3, err4, err5, err6); err != nil || f[0] == "" || seg < 0 || seg >= len(segs) {
		return Entry{}, fmt.Errorf("%w: %q", errEntry, line)
	}
	return Entry{Meta: export.Meta{ID: f[0], Start: start, Settled: f[2] == "1", Sum: f[7]}, Loc: Loc{Seg: segs[seg], Off: off, Len: n, Line: ln}, Fetched: fetched}, nil
}

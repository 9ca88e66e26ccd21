package formats

import (
	"bufio"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"time"
)

// The workbook's data rows are sorted by call start, then call id, whatever
// order the calls arrive in (a fetch completes out of order; a re-run or a
// replay of the archive must give the same workbook). Holding the rows in
// memory until Close would make memory grow with the run, so Write renders
// each call's rows as sheet XML (numbered later: see rowNumber) into one
// spill file per data sheet and keeps only a key per call (start, id,
// where its rows are). Close sorts the keys and copies every sheet's rows
// from its spill file in key order, one sheet at a time. Rendering as the
// calls arrive, rather than at Close, keeps that work off the end of the
// run, where nothing else overlaps it.

// spillKey locates one call's rows in the spill files.
type spillKey struct {
	start int64 // epoch ms; noStartKey when the call has no start time
	id    string
	off   [numSeries]int64
	size  [numSeries]int32
	rows  [numSeries]int32
}

// noStartKey sorts calls without a start time after every other call.
const noStartKey = math.MaxInt64

func compareKeys(a, b *spillKey) int {
	return cmp.Or(cmp.Compare(a.start, b.start), cmp.Compare(a.id, b.id))
}

// spillFile is the spill file of one data sheet.
type spillFile struct {
	f   *os.File
	w   *bufio.Writer
	off int64
}

// rowSpill holds the encoded rows of every call written so far.
type rowSpill struct {
	files [numSeries]spillFile
	keys  []spillKey
	buf   []byte // the record being encoded
}

func newRowSpill(dir string) (*rowSpill, error) {
	s := &rowSpill{}
	for i := range s.files {
		// Named like a temporary file (".<name>.tmp-*"), so that the
		// next run clears what a killed one left.
		f, err := os.CreateTemp(dir, ".report.xlsx.tmp-rows-*")
		if err != nil {
			s.remove()
			return nil, fmt.Errorf("spill file: %w", err)
		}
		s.files[i] = spillFile{f: f, w: bufio.NewWriterSize(f, 64<<10)}
	}
	return s, nil
}

// remove closes and deletes the spill files.
func (s *rowSpill) remove() error {
	var errs []error
	for i := range s.files {
		sf := &s.files[i]
		if sf.f == nil {
			continue
		}
		errs = append(errs, sf.f.Close(), os.Remove(sf.f.Name()))
		sf.f, sf.w = nil, nil
	}
	s.keys = nil
	return errors.Join(errs...)
}

// startCall begins the key of a call; append its rows with addRow, then
// endCall.
func (s *rowSpill) startCall(id string, start *time.Time) {
	k := spillKey{start: noStartKey, id: id}
	if start != nil {
		k.start = start.UnixMilli()
	}
	for i := range s.files {
		k.off[i] = s.files[i].off
	}
	s.keys = append(s.keys, k)
}

// addRow appends one rendered row to series i's spill file.
func (s *rowSpill) addRow(i int, row []byte) error {
	s.buf = binary.AppendUvarint(s.buf[:0], uint64(len(row)))
	sf := &s.files[i]
	n, err := sf.w.Write(s.buf)
	sf.off += int64(n)
	if err == nil {
		n, err = sf.w.Write(row)
		sf.off += int64(n)
	}
	if err != nil {
		return fmt.Errorf("spill: %w", err)
	}
	k := &s.keys[len(s.keys)-1]
	k.rows[i]++
	return nil
}

// endCall records the size of the call's rows in each file.
func (s *rowSpill) endCall() error {
	k := &s.keys[len(s.keys)-1]
	for i := range s.files {
		size := s.files[i].off - k.off[i]
		if size > math.MaxInt32 {
			return fmt.Errorf("call %s: %d bytes of rows for one sheet", k.id, size)
		}
		k.size[i] = int32(size)
	}
	return nil
}

// sorted flushes the files and sorts the keys: after it, each calls fn
// with each of series i's rendered rows, call by call in key order; row
// is only valid during the call.
func (s *rowSpill) sorted() error {
	for i := range s.files {
		if err := s.files[i].w.Flush(); err != nil {
			return fmt.Errorf("spill: %w", err)
		}
	}
	slices.SortFunc(s.keys, func(a, b spillKey) int { return compareKeys(&a, &b) })
	return nil
}

// total is the number of rows of series i.
func (s *rowSpill) total(i int) int64 {
	var n int64
	for k := range s.keys {
		n += int64(s.keys[k].rows[i])
	}
	return n
}

// each calls fn with n of series i's rendered rows in key order, from the
// from-th (after sorted).
func (s *rowSpill) each(i int, from, n int64, fn func(row []byte) error) error {
	for k := 0; k < len(s.keys) && n > 0; k++ {
		key := &s.keys[k]
		if int64(key.rows[i]) <= from {
			from -= int64(key.rows[i])
			continue
		}
		if cap(s.buf) < int(key.size[i]) {
			s.buf = make([]byte, key.size[i])
		}
		b := s.buf[:key.size[i]]
		if _, err := s.files[i].f.ReadAt(b, key.off[i]); err != nil {
			return fmt.Errorf("spill: read back: %w", err)
		}
		for j := int64(0); j < int64(key.rows[i]) && n > 0; j++ {
			l, m := binary.Uvarint(b)
			if m <= 0 || uint64(len(b)-m) < l {
				return fmt.Errorf("spill: call %s: %w", key.id, errSpillCorrupt)
			}
			row := b[m : m+int(l)]
			b = b[m+int(l):]
			if j < from {
				continue
			}
			if err := fn(row); err != nil {
				return err
			}
			n--
		}
		from = 0
	}
	return nil
}

// spillRows are the rows of one sheet: n rows of series i from the
// from-th, numbered from 2 as they are copied into the workbook.
type spillRows struct {
	s       *rowSpill
	series  int
	from, n int64
}

var _ sheetRows = (*spillRows)(nil)

func (r *spillRows) writeRows(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	next := 2
	err := r.s.each(r.series, r.from, r.n, func(row []byte) error {
		writeNumbered(bw, row, strconv.Itoa(next))
		next++
		return nil
	})
	if err != nil {
		return err
	}
	return bw.Flush()
}

var errSpillCorrupt = errors.New("corrupt row record")

// linkFormula is a cell value that becomes a formula cell in the link
// style when the sheet is written.
type linkFormula string

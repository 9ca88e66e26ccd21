package formats

import (
	"bufio"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"slices"
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
		f, err := os.CreateTemp(dir, ".report.xlsx.rows-*")
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

func (s *rowSpill) each(i int, fn func(row []byte) error) error {
	for k := range s.keys {
		key := &s.keys[k]
		if key.rows[i] == 0 {
			continue
		}
		if cap(s.buf) < int(key.size[i]) {
			s.buf = make([]byte, key.size[i])
		}
		b := s.buf[:key.size[i]]
		if _, err := s.files[i].f.ReadAt(b, key.off[i]); err != nil {
			return fmt.Errorf("spill: read back: %w", err)
		}
		for range key.rows[i] {
			l, n := binary.Uvarint(b)
			if n <= 0 || uint64(len(b)-n) < l {
				return fmt.Errorf("spill: call %s: %w", key.id, errSpillCorrupt)
			}
			if err := fn(b[n : n+int(l)]); err != nil {
				return err
			}
			b = b[n+int(l):]
		}
	}
	return nil
}

var errSpillCorrupt = errors.New("corrupt row record")

// linkFormula is a cell value that becomes a formula cell in the link
// style when the sheet is written.
type linkFormula string

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
// memory until Close would make memory grow with the run, so Write encodes
// each call's cells into one spill file per data sheet and keeps only a key
// per call (start, id, where its rows are). Close sorts the keys and streams
// every sheet from its spill file in key order, one sheet at a time.

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

// addRow encodes one row of cells to series i's spill file.
func (s *rowSpill) addRow(i int, cells []any) error {
	b, err := appendCells(s.buf[:0], cells)
	if err != nil {
		return err
	}
	s.buf = b
	sf := &s.files[i]
	n, err := sf.w.Write(b)
	sf.off += int64(n)
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
// with the cells of series i's rows, call by call in key order. cells is
// reused between calls of fn.
func (s *rowSpill) sorted() error {
	for i := range s.files {
		if err := s.files[i].w.Flush(); err != nil {
			return fmt.Errorf("spill: %w", err)
		}
	}
	slices.SortFunc(s.keys, func(a, b spillKey) int { return compareKeys(&a, &b) })
	return nil
}

func (s *rowSpill) each(i int, fn func(cells []any) error) error {
	var cells []any
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
			var err error
			cells, b, err = decodeCells(cells[:0], b)
			if err != nil {
				return fmt.Errorf("spill: call %s: %w", key.id, err)
			}
			if err := fn(cells); err != nil {
				return err
			}
		}
		clear(cells[:cap(cells)])
	}
	return nil
}

// Cell encoding in the spill files: a row is a uvarint count of cells,
// then per cell a tag byte and its payload.
const (
	tagNil byte = iota
	tagString
	tagFloat
	tagInt
	tagFalse
	tagTrue
	tagTime // unix nanoseconds, UTC
	tagLink // a HYPERLINK formula; the link style is applied when written
)

// linkFormula is a cell value that becomes a formula cell in the link
// style when the sheet is written.
type linkFormula string

func appendCells(b []byte, cells []any) ([]byte, error) {
	b = binary.AppendUvarint(b, uint64(len(cells)))
	for _, v := range cells {
		switch x := v.(type) {
		case nil:
			b = append(b, tagNil)
		case string:
			b = append(b, tagString)
			b = binary.AppendUvarint(b, uint64(len(x)))
			b = append(b, x...)
		case linkFormula:
			b = append(b, tagLink)
			b = binary.AppendUvarint(b, uint64(len(x)))
			b = append(b, x...)
		case float64:
			b = append(b, tagFloat)
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x))
		case int64:
			b = append(b, tagInt)
			b = binary.AppendVarint(b, x)
		case bool:
			if x {
				b = append(b, tagTrue)
			} else {
				b = append(b, tagFalse)
			}
		case time.Time:
			b = append(b, tagTime)
			b = binary.AppendVarint(b, x.UnixNano())
		default:
			return b, fmt.Errorf("spill: cannot encode a %T cell", v)
		}
	}
	return b, nil
}

var errSpillCorrupt = errors.New("corrupt row record")

// decodeCells appends the cells of the row at the start of b and returns
// the rest of b.
func decodeCells(cells []any, b []byte) ([]any, []byte, error) {
	n, k := binary.Uvarint(b)
	if k <= 0 {
		return cells, b, errSpillCorrupt
	}
	b = b[k:]
	bytesOf := func() ([]byte, error) {
		l, k := binary.Uvarint(b)
		if k <= 0 || uint64(len(b)-k) < l {
			return nil, errSpillCorrupt
		}
		s := b[k : k+int(l)]
		b = b[k+int(l):]
		return s, nil
	}
	for range n {
		if len(b) == 0 {
			return cells, b, errSpillCorrupt
		}
		tag := b[0]
		b = b[1:]
		switch tag {
		case tagNil:
			cells = append(cells, nil)
		case tagString, tagLink:
			s, err := bytesOf()
			if err != nil {
				return cells, b, err
			}
			if tag == tagLink {
				cells = append(cells, linkFormula(s))
			} else {
				cells = append(cells, string(s))
			}
		case tagFloat:
			if len(b) < 8 {
				return cells, b, errSpillCorrupt
			}
			cells = append(cells, math.Float64frombits(binary.LittleEndian.Uint64(b)))
			b = b[8:]
		case tagInt, tagTime:
			v, k := binary.Varint(b)
			if k <= 0 {
				return cells, b, errSpillCorrupt
			}
			b = b[k:]
			if tag == tagTime {
				cells = append(cells, time.Unix(0, v).UTC())
			} else {
				cells = append(cells, v)
			}
		case tagFalse, tagTrue:
			cells = append(cells, tag == tagTrue)
		default:
			return cells, b, errSpillCorrupt
		}
	}
	return cells, b, nil
}

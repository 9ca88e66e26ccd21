package formats

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"strconv"

	"github.com/klauspost/compress/flate"
	"github.com/xuri/excelize/v2"
)

// sheetSplicer puts the data rows into the workbook as excelize zips it:
// excelize writes each data sheet's part with its header row only, and the
// splicer inserts the rows before </sheetData>, copying them into the zip
// straight from the workbook's spill files (spillRows), with no file of
// sheet XML in between. Memory stays at a buffer or two whatever the
// number of rows.
type sheetSplicer struct {
	parts map[string]*splicedPart // by zip path
}

// sheetRows are the rows of one sheet, written into its part by save.
type sheetRows interface {
	writeRows(w io.Writer) error
}

// splicedPart is a data sheet's part and its rows.
type splicedPart struct {
	part      string // zip path of the sheet's XML
	rows      sheetRows
	dimension string // the sheet's used range, set when it is finished
}

func newSheetSplicer() *sheetSplicer {
	return &sheetSplicer{parts: map[string]*splicedPart{}}
}

// add registers the rows of sheet name of f, which must exist.
func (z *sheetSplicer) add(f *excelize.File, name string, rows sheetRows) (*splicedPart, error) {
	id := -1
	for sid, n := range f.GetSheetMap() {
		if n == name {
			id = sid
		}
	}
	if id < 0 {
		return nil, fmt.Errorf("no sheet %q", name)
	}
	// excelize names a new sheet's part after its sheet id (NewSheet);
	// save checks that every part was seen.
	p := &splicedPart{part: "xl/worksheets/sheet" + strconv.Itoa(id) + ".xml", rows: rows}
	z.parts[p.part] = p
	return p, nil
}

// save zips f into w with the rows spliced in. excelize's own Write builds
// the whole zip in a bytes.Buffer first (peak RSS grows with the file,
// excelize #2357); with a zip writer of our own over w, nothing large is
// held, and the buffer excelize hands out stays empty: guardWriter makes
// sure of it.
func (z *sheetSplicer) save(f *excelize.File, w io.Writer) error {
	var sz *spliceZip
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter {
		zw := zip.NewWriter(w)
		// klauspost/compress's deflate at the default level is about
		// three times as fast as compress/flate's, for a zip about 8%
		// larger (measured on 20,000 calls). The workbook is zipped at
		// the end of a run, after the fetch: its time adds to the run's.
		zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
			return flate.NewWriter(w, flate.DefaultCompression)
		})
		sz = &spliceZip{zw: zw, z: z, seen: map[string]bool{}}
		return sz
	})
	if _, err := f.WriteTo(guardWriter{}); err != nil {
		return fmt.Errorf("save: %w", err)
	}
	if sz == nil {
		return errors.New("save: excelize did not use the zip writer")
	}
	for part := range z.parts {
		if !sz.seen[part] {
			return fmt.Errorf("save: excelize wrote no part %s for the rows", part)
		}
	}
	return nil
}

// guardWriter fails if excelize ever writes workbook bytes past our zip
// writer (a change of behaviour in a later version), instead of corrupting
// the file by appending them.
type guardWriter struct{}

func (guardWriter) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	return 0, errors.New("excelize wrote outside the zip writer")
}

// spliceZip is the excelize.ZipWriter that splices: a data sheet's part is
// buffered (it holds the header row only) and written out, rows inserted,
// when excelize moves on to the next part or closes.
type spliceZip struct {
	zw      *zip.Writer
	z       *sheetSplicer
	seen    map[string]bool
	pending *splicedPart
	buf     bytes.Buffer
}

var _ excelize.ZipWriter = (*spliceZip)(nil)

func (s *spliceZip) Create(name string) (io.Writer, error) {
	if err := s.flush(); err != nil {
		return nil, err
	}
	if rows, ok := s.z.parts[name]; ok {
		s.seen[name] = true
		s.pending = rows
		s.buf.Reset()
		return &s.buf, nil
	}
	return s.zw.Create(name)
}

func (s *spliceZip) AddFS(fsys fs.FS) error {
	if err := s.flush(); err != nil {
		return err
	}
	return s.zw.AddFS(fsys)
}

func (s *spliceZip) Close() error {
	return errors.Join(s.flush(), s.zw.Close())
}

var dimensionExp = regexp.MustCompile(`<dimension ref="[^"]*"/>`)

// flush writes the pending data sheet part with its rows.
func (s *spliceZip) flush() error {
	rows := s.pending
	if rows == nil {
		return nil
	}
	s.pending = nil
	head := s.buf.Bytes()
	end := bytes.LastIndex(head, []byte("</sheetData>"))
	if end < 0 {
		return fmt.Errorf("%s: no </sheetData> to put the rows in", rows.part)
	}
	head, tail := head[:end], head[end:]
	if rows.dimension != "" {
		head = dimensionExp.ReplaceAll(head, []byte(`<dimension ref="`+rows.dimension+`"/>`))
	}
	w, err := s.zw.CreateHeader(&zip.FileHeader{Name: rows.part, Method: zip.Deflate})
	if err != nil {
		return err
	}
	if _, err := w.Write(head); err != nil {
		return err
	}
	if err := rows.rows.writeRows(w); err != nil {
		return fmt.Errorf("%s: %w", rows.part, err)
	}
	_, err = w.Write(tail)
	return err
}

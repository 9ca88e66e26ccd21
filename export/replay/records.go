package replay

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/retell-export/retell-export/export/store"
)

// RecordFunc receives one saved get-call body, where it came from
// ("file:line" or "file[index]") and when it was fetched: the time a
// gzip member's header gives (the archive's segments keep it), zero when
// the file does not say. The body is only valid during the call.
// A line of a .jsonl file is passed on unchecked: the consumer parses it
// anyway and reports it if it is not JSON (validating it here as well was
// a third of the cost of a replay).
type RecordFunc func(body []byte, where string, fetched time.Time) error

// BadRecordFunc receives a record that could not be read at all.
type BadRecordFunc func(where string, err error)

// ownReports are JSON files retell-export writes next to its archive; a
// replay of a whole output directory skips them.
var ownReports = map[string]bool{"run.json": true, "summary.json": true, "state.json": true}

// recordFile reports whether name is a file ScanRecords reads.
func recordFile(name string) bool {
	base := filepath.Base(name)
	// Temp files of atomic writes; our reports; the manifests of the
	// Parquet tables (_manifest.json), which Hive-style readers skip too.
	if strings.HasPrefix(base, ".") || strings.HasPrefix(base, "_") || ownReports[base] {
		return false
	}
	for _, ext := range []string{".jsonl.gz", ".jsonl", ".json.gz", ".json"} {
		if strings.HasSuffix(name, ext) {
			return true
		}
	}
	return false
}

// isOwnDir reports whether a directory holds retell-export's own files
// rather than saved calls: an archive index, a staging directory, the
// loader kit of a dataset (its JSON Schemas are not calls).
func isOwnDir(p string) bool {
	if strings.HasPrefix(filepath.Base(p), ".") {
		return true
	}
	switch filepath.Base(p) {
	case "index":
		_, err := os.Stat(filepath.Join(p, "manifest.json"))
		return err == nil
	case "kit":
		_, err := os.Stat(filepath.Join(p, "duckdb.sql"))
		return err == nil
	}
	return false
}

// isOwnObject is isOwnDir for the objects of a bucket, by name.
func isOwnObject(name string) bool {
	return strings.HasPrefix(name, "index/") || strings.Contains(name, "/index/") ||
		strings.HasPrefix(name, "kit/") || strings.Contains(name, "/kit/")
}

// RecordFiles lists the files under path that hold saved calls, in sorted
// order: path itself if it is a file, else every *.json, *.json.gz, *.jsonl
// and *.jsonl.gz below it.
func RecordFiles(path string) ([]string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return []string{path}, nil
	}
	var files []string
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != path && isOwnDir(p) {
			return filepath.SkipDir
		}
		if !d.IsDir() && recordFile(p) {
			files = append(files, p)
		}
		return nil
	})
	sort.Strings(files)
	return files, err
}

// Records are files of saved calls: local files, or objects of a store
// (--from s3://...).
type Records struct {
	Files []string
	store store.Store // where Files are; nil for local files
}

// LocalRecords are local files.
func LocalRecords(files []string) Records {
	return Records{Files: files}
}

// ListRecords lists the saved calls at location: a local path (see
// RecordFiles) or an object-storage URL, which open turns into a store
// whose objects are read the same way.
func ListRecords(ctx context.Context, location string, open store.Opener) (Records, func(), error) {
	if !store.IsURL(location) {
		files, err := RecordFiles(location)
		return LocalRecords(files), func() {}, err
	}
	if open == nil {
		return Records{}, nil, fmt.Errorf("%s: object storage is not available here", location)
	}
	st, err := open(ctx, location)
	if err != nil {
		return Records{}, nil, err
	}
	es, err := st.List(ctx, "")
	if err != nil {
		st.Close()
		return Records{}, nil, fmt.Errorf("list %s: %w", st, err)
	}
	var files []string
	for _, e := range es {
		if recordFile(e.Name) && !isOwnObject(e.Name) {
			files = append(files, e.Name)
		}
	}
	return Records{Files: files, store: st}, func() { st.Close() }, nil
}

// ScanRecords calls fn for every saved call in local files, in order; see
// Records.Scan.
func ScanRecords(files []string, fn RecordFunc, bad BadRecordFunc) error {
	return LocalRecords(files).Scan(context.Background(), fn, bad)
}

// Scan calls fn for every saved call, in order. A .jsonl file holds one
// call per line; a .json file holds one call or an array of calls; either
// may be gzip-compressed. A gzip segment cut short (a crash while writing)
// is read up to its last whole record. Records that are not JSON go to
// bad, and the scan goes on.
func (rs Records) Scan(ctx context.Context, fn RecordFunc, bad BadRecordFunc) error {
	for _, name := range rs.Files {
		if err := rs.scanFile(ctx, name, fn, bad); err != nil {
			return err
		}
	}
	return nil
}

// open opens one of the files.
func (rs Records) open(ctx context.Context, name string) (io.ReadCloser, error) {
	if rs.store == nil {
		return os.Open(name)
	}
	return rs.store.Open(ctx, name)
}

func (rs Records) scanFile(ctx context.Context, name string, fn RecordFunc, bad BadRecordFunc) error {
	f, err := rs.open(ctx, name)
	if err != nil {
		return err
	}
	defer f.Close()
	lines := strings.HasSuffix(strings.TrimSuffix(name, ".gz"), ".jsonl")
	if !strings.HasSuffix(name, ".gz") {
		if lines {
			line := 1
			_, err := scanLines(name, bufio.NewReaderSize(f, 1<<20), &line, time.Time{}, fn, bad)
			return err
		}
		return scanJSON(name, f, fn, bad)
	}
	br := bufio.NewReaderSize(f, 1<<20)
	zr, err := gzip.NewReader(br)
	if err != nil {
		if errors.Is(err, io.EOF) { // an empty file: a run that stored nothing
			return nil
		}
		bad(name, fmt.Errorf("not a gzip file: %w", err))
		return nil
	}
	defer zr.Close()
	if !lines {
		return scanJSON(name, zr, fn, bad)
	}
	return scanMembers(name, br, zr, fn, bad)
}

// scanMembers reads a .jsonl.gz member by member, so that each record is
// given the fetch time of the member that holds it (an archive segment
// has one record per member, each stamped when it was fetched).
func scanMembers(name string, br *bufio.Reader, zr *gzip.Reader, fn RecordFunc, bad BadRecordFunc) error {
	line := 1
	lines := bufio.NewReaderSize(zr, 1<<20) // one buffer for every member: an archive segment has one per record
	for {
		zr.Multistream(false)
		var fetched time.Time
		if t := zr.Header.ModTime; t.Unix() > 0 {
			fetched = t.UTC()
		}
		lines.Reset(zr)
		if cut, err := scanLines(name, lines, &line, fetched, fn, bad); cut || err != nil {
			return err
		}
		if err := zr.Reset(br); err != nil {
			if !errors.Is(err, io.EOF) {
				bad(fmt.Sprintf("%s:%d", name, line), fmt.Errorf("cut short (%w); earlier records are kept", err))
			}
			return nil
		}
	}
}

// scanLines passes on the lines of r, numbering them from *line. It
// reports whether r was cut short (which bad was told of).
func scanLines(name string, br *bufio.Reader, line *int, fetched time.Time, fn RecordFunc, bad BadRecordFunc) (cut bool, err error) {
	for ; ; *line++ {
		b, err := br.ReadBytes('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			if len(b) > 0 || !errors.Is(err, io.ErrUnexpectedEOF) {
				bad(fmt.Sprintf("%s:%d", name, *line), fmt.Errorf("cut short (%w); earlier records are kept", err))
			}
			return true, nil
		}
		if b = bytes.TrimSpace(b); len(b) > 0 {
			if ferr := fn(b, fmt.Sprintf("%s:%d", name, *line), fetched); ferr != nil {
				return false, ferr
			}
		}
		if err != nil {
			if len(b) > 0 { // a last line without a newline: the next starts a new line
				*line++
			}
			return false, nil
		}
	}
}

// scanJSON reads a .json file: one call, several concatenated calls, or an
// array of calls, streamed element by element so a large array is never
// held in memory whole.
func scanJSON(name string, r io.Reader, fn RecordFunc, bad BadRecordFunc) error {
	br := bufio.NewReaderSize(r, 1<<20)
	first, err := firstNonSpace(br)
	if err != nil {
		if !errors.Is(err, io.EOF) {
			bad(name, err)
		}
		return nil
	}
	dec := json.NewDecoder(br)
	array := first == '['
	if array {
		_, _ = dec.Token() // the '['
	}
	for i := 0; dec.More(); i++ {
		where := name
		if array || i > 0 {
			where = fmt.Sprintf("%s[%d]", name, i)
		}
		var el json.RawMessage
		if err := dec.Decode(&el); err != nil {
			bad(where, fmt.Errorf("not valid JSON: %w", err))
			return nil
		}
		if err := fn(el, where, time.Time{}); err != nil {
			return err
		}
	}
	return nil
}

func firstNonSpace(br *bufio.Reader) (byte, error) {
	for {
		b, err := br.ReadByte()
		if err != nil {
			return 0, err
		}
		if b != ' ' && b != '\t' && b != '\n' && b != '\r' && b != 0xef && b != 0xbb && b != 0xbf { // BOM bytes too
			return b, br.UnreadByte()
		}
	}
}

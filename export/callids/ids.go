package callids

import (
	"bufio"
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	gounicode "unicode"
	"unicode/utf8"

	"github.com/retell-export/retell-export/export"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// BadID is an input line that is not a usable call id.
type BadID struct {
	Source string // file name, "stdin" or "arguments"
	Line   int
	Text   string
	Err    error
}

func (b BadID) Error() string {
	return fmt.Sprintf("%s:%d: %v", b.Source, b.Line, b.Err)
}

// IDList is the deduplicated, validated list of ids to export, in input order.
type IDList struct {
	IDs        []string
	Duplicates int
	Bad        []BadID
	seen       map[string]bool
}

// NewIDList returns an empty list.
func NewIDList() *IDList { return &IDList{seen: map[string]bool{}} }

// Add validates id and appends it unless it is a duplicate.
func (l *IDList) Add(source string, line int, id string) {
	if err := export.ValidateID(id); err != nil {
		l.Bad = append(l.Bad, BadID{Source: source, Line: line, Text: id, Err: err})
		return
	}
	if l.seen[id] {
		l.Duplicates++
		return
	}
	l.seen[id] = true
	l.IDs = append(l.IDs, id)
}

// ReadIDs reads ids from r: one per line, blank lines and '#' comments
// ignored, surrounding spaces trimmed. A file whose first non-comment line
// is a header naming a call id column is read as a table, so a failed.csv,
// a calls.csv from an earlier run or a sheet saved from Excel or Google
// Sheets can be fed back in: comma, semicolon or tab separated, UTF-8 with
// or without a BOM, or UTF-16 (Excel's "Unicode Text"), CRLF or LF.
//
// A header with several columns but none for call ids is an error that
// names the columns found: reading on would send every row as a bad id.
func (l *IDList) ReadIDs(r io.Reader, source string) error {
	// The BOM, when there is one, decides the encoding; without one the
	// bytes pass through as they are (ids are ASCII in every encoding
	// Excel writes).
	br := bufio.NewReader(crLines{bufio.NewReader(transform.NewReader(r, unicode.BOMOverride(transform.Nop)))})
	lineNo, first := 0, true
	var sep rune // from Excel's "sep=;" line
	for {
		line, err := br.ReadString('\n')
		if line == "" && err != nil {
			if err == io.EOF {
				return nil
			}
			return fmt.Errorf("read %s: %w", source, err)
		}
		lineNo++
		line = strings.TrimPrefix(line, "\ufeff")
		if s, ok := strings.CutPrefix(strings.TrimRight(line, "\r\n"), "sep="); first && sep == 0 && ok && utf8.RuneCountInString(s) == 1 {
			sep, _ = utf8.DecodeRuneInString(s) // Excel's separator line
			continue
		}
		text := strings.TrimSpace(line)
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		if first {
			// Only the first line can be a header: later lines are ids,
			// and a bad one is reported as such.
			first = false
			h, err := parseHeader(text, sep)
			if err != nil {
				return &HeaderError{Source: source, Line: lineNo, Err: err}
			}
			if h != nil {
				return l.readTable(br, source, lineNo, h)
			}
		}
		if isIDHeading(text) {
			continue // the heading of a second list joined to the first
		}
		l.Add(source, lineNo, text)
	}
}

// isIDHeading reports whether s names a call id column. No real call id
// is spelled like one.
func isIDHeading(s string) bool {
	n := normColumn(s)
	return slices.Contains(idColumnNames, n) || n == "id" || n == "ids"
}

// HeaderError is an ids file whose header line names no call id column
// (or that starts with a row of data instead of a header).
type HeaderError struct {
	Source string
	Line   int
	Err    error
}

func (e *HeaderError) Error() string { return fmt.Sprintf("%s:%d: %v", e.Source, e.Line, e.Err) }
func (e *HeaderError) Unwrap() error { return e.Err }

// crLines turns lone carriage returns, the line ends of old Mac
// spreadsheets, into newlines; CRLF stays as it is.
type crLines struct{ r *bufio.Reader }

func (c crLines) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for i := range n {
		if p[i] != '\r' {
			continue
		}
		if i+1 < n {
			if p[i+1] != '\n' {
				p[i] = '\n'
			}
		} else if next, perr := c.r.Peek(1); perr != nil || next[0] != '\n' {
			p[i] = '\n'
		}
	}
	return n, err
}

// idHeader is a table's header line: the separator and the call id column.
type idHeader struct {
	comma rune
	col   int
	name  string // the column's name as written
}

// idColumnNames are the call id column's names, lowercased with spaces,
// '_', '-' and '.' removed: call_id, Call ID, callId, CALL-ID, ...
var idColumnNames = []string{"callid", "callids", "retellcallid"}

// normColumn lowercases a column name and drops separators and quotes.
func normColumn(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '_', '-', '.', '"', '\'', '\t', '\u00a0':
			return -1
		}
		return gounicode.ToLower(r)
	}, s)
}

// parseHeader tells whether line is a table header. It returns nil for a
// plain id (the line is then an id), a header when a column names call
// ids, and an error for a header without one.
func parseHeader(line string, sep rune) (*idHeader, error) {
	comma := cmp.Or(sep, separator(line))
	if comma == 0 || !strings.ContainsRune(line, comma) {
		// A one-column file: only a call id heading is a header. "id" is
		// accepted here, where no other column could be meant.
		if isIDHeading(line) {
			return &idHeader{comma: cmp.Or(comma, ','), col: 0, name: line}, nil
		}
		return nil, nil
	}
	cr := csv.NewReader(strings.NewReader(line))
	cr.Comma = comma
	cr.LazyQuotes = true // a header only: be lenient, the columns are what matter
	fields, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("not a table header: %w", err)
	}
	for i, f := range fields {
		if slices.Contains(idColumnNames, normColumn(f)) {
			return &idHeader{comma: comma, col: i, name: strings.TrimSpace(f)}, nil
		}
	}
	var ids []int
	for i, f := range fields {
		if n := normColumn(f); n == "id" || n == "ids" {
			ids = append(ids, i)
		}
	}
	if len(ids) == 1 {
		// "Agent,ID,Duration": the only id column of the sheet.
		return &idHeader{comma: comma, col: ids[0], name: strings.TrimSpace(fields[ids[0]])}, nil
	}
	for _, f := range fields {
		if f = strings.TrimSpace(f); strings.HasPrefix(f, "call_") && export.ValidateID(f) == nil {
			return nil, fmt.Errorf("the first line holds %d %s-separated values and looks like data, not a header: add a header line naming the call id column (call_id)",
				len(fields), sepName(comma))
		}
	}
	quoted := make([]string, len(fields))
	for i, f := range fields {
		quoted[i] = fmt.Sprintf("%q", strings.TrimSpace(f))
	}
	return nil, fmt.Errorf("no call id column in the header; found %d %s-separated columns: %s (name the column call_id)",
		len(fields), sepName(comma), strings.Join(quoted, ", "))
}

// separator returns the table separator a header line uses (tab, ';' or
// ','; the most frequent wins, in that order on a tie), or 0 for none.
func separator(line string) rune {
	best, n := rune(0), 0
	for _, c := range []rune{'\t', ';', ','} {
		if k := strings.Count(line, string(c)); k > n {
			best, n = c, k
		}
	}
	return best
}

func sepName(c rune) string {
	switch c {
	case '\t':
		return "tab"
	case ';':
		return "semicolon"
	}
	return "comma"
}

// readTable reads the rows after header h, taking the id from its column.
func (l *IDList) readTable(r io.Reader, source string, headerLine int, h *idHeader) error {
	cr := csv.NewReader(r)
	cr.Comma = h.comma
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				l.Bad = append(l.Bad, BadID{Source: source, Line: pe.StartLine + headerLine, Err: pe.Err})
				continue
			}
			return fmt.Errorf("read %s: %w", source, err)
		}
		line, _ := cr.FieldPos(0) // only valid after a successful Read
		line += headerLine
		if h.col >= len(rec) {
			if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
				continue // a line of spaces
			}
			l.Bad = append(l.Bad, BadID{Source: source, Line: line, Err: fmt.Errorf("no %s column on this line", h.name)})
			continue
		}
		id := strings.TrimSpace(rec[h.col])
		switch {
		case id == "", strings.HasPrefix(id, "#"):
		case isIDHeading(id):
			// The header again: two exports joined with cat.
		default:
			l.Add(source, line, id)
		}
	}
}

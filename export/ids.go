package export

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// maxIDLen bounds an id; real ids are 32 characters.
const maxIDLen = 128

// ValidateID rejects ids that could change the request path or query: the
// id is put into /v2/get-call/{id}, so nothing a user types may reach
// another endpoint. Only letters, digits, '_', '-' and '.' are allowed.
func ValidateID(id string) error {
	switch {
	case id == "":
		return errors.New("empty call id")
	case len(id) > maxIDLen:
		return fmt.Errorf("call id longer than %d characters", maxIDLen)
	case strings.Contains(id, ".."):
		return errors.New(`call id contains ".."`)
	case id[0] == '.':
		// "." would be cleaned out of the request path (GET /v2/get-call)
		// and name a hidden file; real ids never start with a dot.
		return errors.New(`call id starts with "."`)
	}
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '-', r == '.':
			continue
		case r == ' ' || r == '\t' || r == '\u00a0':
			return errors.New("call id contains whitespace")
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			return fmt.Errorf("call id contains control character %U", r)
		}
		return fmt.Errorf("call id contains %q", r)
	}
	return nil
}

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
	if err := ValidateID(id); err != nil {
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
// is a CSV header with a call_id column is read as CSV, so a failed.csv or
// a calls.csv from an earlier run can be fed back in.
func (l *IDList) ReadIDs(r io.Reader, source string) error {
	br := bufio.NewReader(r)
	lineNo := 0
	for {
		line, err := br.ReadString('\n')
		if line == "" && err != nil {
			if err == io.EOF {
				return nil
			}
			return fmt.Errorf("read %s: %w", source, err)
		}
		lineNo++
		text := strings.TrimSpace(strings.TrimPrefix(line, "\ufeff"))
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		if col := callIDColumn(text); col >= 0 {
			return l.readCSV(br, source, lineNo, col)
		}
		l.Add(source, lineNo, text)
	}
}

// callIDColumn returns the index of the call_id column if header is a CSV
// header line, or -1.
func callIDColumn(header string) int {
	if !strings.Contains(header, ",") {
		if header == "call_id" {
			return 0
		}
		return -1
	}
	fields, err := csv.NewReader(strings.NewReader(header)).Read()
	if err != nil {
		return -1
	}
	for i, f := range fields {
		if strings.TrimSpace(f) == "call_id" {
			return i
		}
	}
	return -1
}

func (l *IDList) readCSV(r io.Reader, source string, headerLine, col int) error {
	cr := csv.NewReader(r)
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
		if col >= len(rec) {
			l.Bad = append(l.Bad, BadID{Source: source, Line: line, Err: errors.New("no call_id column on this line")})
			continue
		}
		if id := strings.TrimSpace(rec[col]); id != "" && !strings.HasPrefix(id, "#") {
			l.Add(source, line, id)
		}
	}
}

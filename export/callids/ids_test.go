package callids

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/retell-export/retell-export/export"
)

func TestReadIDs(t *testing.T) {
	in := "\ufeff# nightly ids\ncall_a\n\n  call_b  \ncall_a\n# call_c\nbad/id\ncall_d\r\n"
	l := NewIDList()
	if err := l.ReadIDs(strings.NewReader(in), "ids.txt"); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(l.IDs, ","); got != "call_a,call_b,call_d" {
		t.Errorf("ids = %s", got)
	}
	if l.Duplicates != 1 {
		t.Errorf("duplicates = %d, want 1", l.Duplicates)
	}
	if len(l.Bad) != 1 || l.Bad[0].Line != 7 || !strings.Contains(l.Bad[0].Error(), "ids.txt:7") {
		t.Errorf("bad = %v, want line 7", l.Bad)
	}
}

func TestReadIDsCSV(t *testing.T) {
	in := "# exported from a spreadsheet\nagent,call_id,note\nx,call_a,\"multi\nline\"\ny,call_b,z\nshort\nw,call_c?,q\n"
	l := NewIDList()
	if err := l.ReadIDs(strings.NewReader(in), "calls.csv"); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(l.IDs, ","); got != "call_a,call_b" {
		t.Errorf("ids = %s", got)
	}
	if len(l.Bad) != 2 || l.Bad[0].Line != 6 || l.Bad[1].Line != 7 {
		t.Errorf("bad = %v, want lines 6 and 7", l.Bad)
	}
}

// A malformed CSV (stray or unterminated quote) is reported per line; it
// once made ReadIDs panic.
func TestReadIDsCSVParseErrors(t *testing.T) {
	for _, in := range []string{
		"call_id,kind\ncall_a,x\nca\"ll_b,y\ncall_c,z\n",
		"call_id,kind\ncall_a,x\n\"call_b,y\n",
	} {
		l := NewIDList()
		if err := l.ReadIDs(strings.NewReader(in), "f.csv"); err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		if len(l.IDs) == 0 || l.IDs[0] != "call_a" || len(l.Bad) == 0 || l.Bad[0].Line != 3 {
			t.Errorf("%q: ids %v bad %v; want call_a kept and line 3 reported", in, l.IDs, l.Bad)
		}
	}
}

// utf16LE encodes s as Excel's "Unicode Text" does: UTF-16LE with a BOM.
func utf16LE(s string) string {
	var b strings.Builder
	b.WriteString("\xff\xfe")
	for _, u := range utf16.Encode([]rune(s)) {
		b.WriteByte(byte(u))
		b.WriteByte(byte(u >> 8))
	}
	return b.String()
}

// idFileCases are ids files as spreadsheets and people save them. They
// are also the fuzz corpus.
var idFileCases = []struct {
	name, in string
	ids      string // comma-joined
	bad      []int  // lines reported as bad
	err      string // a header error mentioning this
}{
	{"plain list, BOM, CRLF", "\ufeffcall_a\r\ncall_b\r\n", "call_a,call_b", nil, ""},
	{"Excel CSV UTF-8", "\ufeffAgent,Call ID,Duration\r\n\"Harbor Hotel Concierge, Front Desk\",call_a,00:03:12\r\nSupport,call_b,00:00:41\r\n",
		"call_a,call_b", nil, ""},
	{"Excel CSV, semicolon locale, cp1252", "Agent;Call ID;Dauer\r\nCaf\xe9 Bar;call_a;3,5\r\n\"A;B\";call_b;1\r\n;;\r\n",
		"call_a,call_b", nil, ""},
	{"Google Sheets CSV", "call_id,agent_id,start_time\r\ncall_a,agent_1,2026-11-01 10:00:00\r\ncall_b,agent_1,2026-11-01 10:05:00",
		"call_a,call_b", nil, ""},
	{"Google Sheets TSV", "Agent\tCall Id\tNotes\nSupport\tcall_a\tcalled back\nSales\tcall_b\t\n", "call_a,call_b", nil, ""},
	{"Excel Unicode Text (UTF-16LE, tabs)", utf16LE("Agent\tcallId\tDuration\r\nSupport\tcall_a\t41\r\nSales\tcall_b\t12\r\n"),
		"call_a,call_b", nil, ""},
	{"one column Call_ID", "Call_ID\ncall_a\ncall_b\n", "call_a,call_b", nil, ""},
	{"one column CALL_ID, quoted", "\ufeff\"CALL_ID\"\r\n\"call_a\"\r\ncall_b\r\n", "call_a,call_b", nil, ""},
	{"one column call id with space", "Call ID\ncall_a\n", "call_a", nil, ""},
	{"id as the only column", "id\ncall_a\ncall_b\n", "call_a,call_b", nil, ""},
	{"ID as the only id-like column", "Agent,ID,Status\nSupport,call_a,ended\n", "call_a", nil, ""},
	{"call id beats other ids", "Agent ID,Call ID,ID\nagent_1,call_a,7\n", "call_a", nil, ""},
	{"our failed.csv", "call_id,kind,http_status,message,attempts\ncall_a,not_found,422,\"Cannot find, asset\",1\n", "call_a", nil, ""},
	{"two exports joined", "call_id,agent\ncall_a,x\ncall_id,agent\ncall_b,y\n", "call_a,call_b", nil, ""},
	{"comments before the header", "# from the dashboard\n\nCall ID;Agent\ncall_a;x\n", "call_a", nil, ""},
	{"short and bad rows", "Agent,Call ID\nx\ny,call/b\nz,call_c\n", "call_c", []int{2, 3}, ""},
	{"Excel sep= line", "\ufeffsep=;\r\nAgent;Call ID\r\nx,y;call_a\r\n", "call_a", nil, ""},
	{"Excel sep= line, one column", "sep=,\nCall ID\ncall_a\n", "call_a", nil, ""},
	{"old Mac line ends (CR only)", "Agent,Call ID\rx,call_a\ry,call_b\r", "call_a,call_b", nil, ""},
	{"plain list, CR only", "call_a\rcall_b\r\rbad/id\r", "call_a,call_b", []int{4}, ""},
	{"only the first line is a header", "call_a\nCall ID\nb,c\nx\ty\n", "call_a", []int{3, 4}, ""},
	{"no call id column", "\ufeffAgent,Phone,Duration\r\nSupport,+1555,41\r\n", "", nil, `found 3 comma-separated columns: "Agent", "Phone", "Duration"`},
	{"no call id column, semicolons", "Agent;Phone\n", "", nil, `semicolon-separated columns: "Agent", "Phone"`},
	{"data where the header should be", "call_a,agent_1\ncall_b,agent_1\n", "", nil, "looks like data"},
	{"two id columns", "ID,Ids,Agent\n1,2,3\n", "", nil, "no call id column"},
}

func TestReadIDsSpreadsheets(t *testing.T) {
	for _, tc := range idFileCases {
		t.Run(tc.name, func(t *testing.T) {
			l := NewIDList()
			err := l.ReadIDs(strings.NewReader(tc.in), "calls.csv")
			if tc.err != "" {
				var he *HeaderError
				if !errors.As(err, &he) || !strings.Contains(err.Error(), tc.err) || !strings.HasPrefix(err.Error(), "calls.csv:") {
					t.Fatalf("err = %v, want a header error mentioning %s", err, tc.err)
				}
				if len(l.IDs) != 0 {
					t.Errorf("ids %v read from a file whose header was refused", l.IDs)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(l.IDs, ","); got != tc.ids {
				t.Errorf("ids = %s, want %s", got, tc.ids)
			}
			var lines []int
			for _, b := range l.Bad {
				lines = append(lines, b.Line)
			}
			if !slices.Equal(lines, tc.bad) {
				t.Errorf("bad lines = %v (%v), want %v", lines, l.Bad, tc.bad)
			}
		})
	}
}

func FuzzReadIDs(f *testing.F) {
	f.Add("call_a\n# c\ncall_b\n")
	f.Add("call_id,kind\ncall_a,x\nca\"ll_b,y\n")
	f.Add("\ufeffx,call_id\n1,call_a\n2\n")
	for _, tc := range idFileCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		l := NewIDList()
		if err := l.ReadIDs(strings.NewReader(in), "fuzz"); err != nil {
			var he *HeaderError
			if !errors.As(err, &he) || he.Line < 1 {
				t.Fatalf("error %v is not a header error", err)
			}
		}
		for _, id := range l.IDs {
			if export.ValidateID(id) != nil {
				t.Fatalf("invalid id %q accepted", id)
			}
			if isIDHeading(id) {
				t.Fatalf("header %q taken for an id", id)
			}
		}
		for _, b := range l.Bad {
			if b.Line < 1 {
				t.Fatalf("bad line number %d", b.Line)
			}
		}
	})
}

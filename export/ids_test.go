package export

import (
	"strings"
	"testing"
)

func TestValidateID(t *testing.T) {
	for _, tc := range []struct {
		id, want string // want "" = valid
	}{
		{"call_5a82f0a43ea0977566b1104fcfc", ""},
		{"Jabr9TXYYJHfvl6Syypi88rdAHYHmcq6", ""},
		{"call.v2-x_y", ""},
		{"", "empty"},
		{".", `starts with "."`},
		{".env", `starts with "."`},
		{"../list-calls", `".."`},
		{"call..x", `".."`},
		{"a/b", `'/'`},
		{"call?x=1", `'?'`},
		{"call#x", `'#'`},
		{"%2e%2e", `'%'`},
		{"call 1", "whitespace"},
		{"call\t1", "whitespace"},
		{"call\x00", "control character"},
		{"call\x1b[2J", "control character"},
		{"call\u0085", "control character"},
		{"call\u202e", `'\u202e'`},
		{"callé", `'é'`},
		{strings.Repeat("a", 129), "longer than"},
	} {
		err := ValidateID(tc.id)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("ValidateID(%q) = %v, want valid", tc.id, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("ValidateID(%q) = %v, want error mentioning %s", tc.id, err, tc.want)
		}
	}
}

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

func FuzzReadIDs(f *testing.F) {
	f.Add("call_a\n# c\ncall_b\n")
	f.Add("call_id,kind\ncall_a,x\nca\"ll_b,y\n")
	f.Add("\ufeffx,call_id\n1,call_a\n2\n")
	f.Fuzz(func(t *testing.T, in string) {
		l := NewIDList()
		if err := l.ReadIDs(strings.NewReader(in), "fuzz"); err != nil {
			t.Fatal(err)
		}
		for _, id := range l.IDs {
			if ValidateID(id) != nil {
				t.Fatalf("invalid id %q accepted", id)
			}
		}
		for _, b := range l.Bad {
			if b.Line < 1 {
				t.Fatalf("bad line number %d", b.Line)
			}
		}
	})
}

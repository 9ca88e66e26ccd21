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

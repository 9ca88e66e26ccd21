package formats

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClipCell(t *testing.T) {
	marker := utf16Len(clipMarker)
	tests := []struct {
		name    string
		in      string
		clipped bool
		units   int // UTF-16 length of the result
	}{
		{"empty", "", false, 0},
		{"short", "hello", false, 5},
		{"exactly the limit", strings.Repeat("a", xlsxMaxCellUnits), false, xlsxMaxCellUnits},
		{"one over", strings.Repeat("a", xlsxMaxCellUnits+1), true, xlsxMaxCellUnits},
		{"long ascii", strings.Repeat("a", 40000), true, xlsxMaxCellUnits},
		{"emoji", strings.Repeat("😀", 20000), true, xlsxMaxCellUnits},
		// With an odd unit before them a pair would straddle the cut: it
		// must be dropped whole, so the cell ends one unit short.
		{"emoji after one unit", "a" + strings.Repeat("😀", 20000), true, xlsxMaxCellUnits - 1},
		{"emoji fit", strings.Repeat("😀", xlsxMaxCellUnits/2), false, xlsxMaxCellUnits - 1},
		// multi-byte runes inside the BMP count one unit each even though
		// the byte length is over the limit.
		{"accents fit", strings.Repeat("é", xlsxMaxCellUnits), false, xlsxMaxCellUnits},
		{"accents over", strings.Repeat("é", xlsxMaxCellUnits+5), true, xlsxMaxCellUnits},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, clipped := clipCell(tt.in)
			if clipped != tt.clipped {
				t.Fatalf("clipped = %v, want %v", clipped, tt.clipped)
			}
			if n := utf16Len(got); n != tt.units {
				t.Errorf("result has %d UTF-16 units, want %d", n, tt.units)
			}
			if !utf8.ValidString(got) {
				t.Error("result is not valid UTF-8")
			}
			if clipped {
				if !strings.HasSuffix(got, clipMarker) {
					t.Errorf("clipped text does not end with %q", clipMarker)
				}
				if kept := strings.TrimSuffix(got, clipMarker); !strings.HasPrefix(tt.in, kept) || utf16Len(kept) < xlsxMaxCellUnits-marker-1 {
					t.Errorf("kept %d units of the original, want a prefix of about %d", utf16Len(kept), xlsxMaxCellUnits-marker)
				}
			} else if got != tt.in {
				t.Error("text that fits was changed")
			}
		})
	}
}

func TestLinkCell(t *testing.T) {
	long := "https://example.com/rec.wav?sig=" + strings.Repeat("x", 300)
	tests := []struct {
		name    string
		url     string
		formula string // "" when a plain value is expected
		plain   any
		ok      bool
	}{
		{"empty", "", "", nil, true},
		{"plain url", "https://example.com/a.wav", `HYPERLINK("https://example.com/a.wav","Play")`, nil, true},
		{"quote doubled", `https://example.com/a"b.wav`, `HYPERLINK("https://example.com/a""b.wav","Play")`, nil, true},
		{"over 255", long, "", long, false},
		{"newline", "https://example.com/a\nb", "", "https://example.com/a\nb", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, ok := linkCell(tt.url, "Play")
			if ok != tt.ok {
				t.Errorf("ok = %v, want %v", ok, tt.ok)
			}
			if tt.formula == "" {
				if v != tt.plain {
					t.Errorf("value = %#v, want %#v", v, tt.plain)
				}
				return
			}
			f, isFormula := v.(linkFormula)
			if !isFormula {
				t.Fatalf("value = %#v, want a formula", v)
			}
			if string(f) != tt.formula {
				t.Errorf("formula = %s, want %s", f, tt.formula)
			}
			if strings.HasPrefix(string(f), "=") {
				t.Error("formula starts with '=': excelize would store it twice")
			}
		})
	}
}

// The data sheets' columns come from the table definitions: each names a
// column its table has (newSheetColumns panics otherwise), headers are
// unique (they name the Excel table's columns), and kinds follow the
// tables' types and units.
func TestSheetColumnsFromTables(t *testing.T) {
	cols := newSheetColumns()
	headers := func(hs ...string) {
		seen := map[string]bool{"Clipped": true}
		for _, h := range hs {
			if seen[h] {
				t.Errorf("header %q twice in a sheet", h)
			}
			seen[h] = true
		}
	}
	var calls []string
	kinds := map[string]xlsxKind{}
	for _, c := range cols.calls.cols {
		calls = append(calls, c.header)
		kinds[c.header] = c.kind
	}
	headers(calls...)
	for header, want := range map[string]xlsxKind{"Start (UTC)": kindTime, "Duration": kindDuration,
		"Cost (USD)": kindMoney, "Cost (cents)": kindCents, "Successful": kindBool, "Recording": kindLink,
		"E2E latency p50 (ms)": kindMillis, "Turns": kindCount, "Status": kindText} {
		if kinds[header] != want {
			t.Errorf("%s: kind %d, want %d", header, kinds[header], want)
		}
	}
	for _, d := range [][]string{names(cols.transcripts.cols), names(cols.events.cols), names(cols.costs.cols)} {
		headers(d...)
	}
}

func names[R any](cols []sheetCol[R]) []string {
	var out []string
	for _, c := range cols {
		out = append(out, c.header)
	}
	return out
}

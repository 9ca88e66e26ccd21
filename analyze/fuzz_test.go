package analyze

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/retell-export/retell-export/export"
)

// FuzzStats feeds any body the decoder accepts, twice (so groups hold more
// than one call), and checks that both renderings succeed and the JSON is
// valid: no NaN or Inf may reach the Summary, whatever the numbers.
func FuzzStats(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "samples", "calls", "*.json"))
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil && len(b) < 8<<10 {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"call_id":"c","call_status":"ended","start_timestamp":-9223372036854775808,"duration_ms":9223372036854775807}`))
	f.Add([]byte(`{"call_id":"c","call_cost":{"combined_cost":1e308,"product_costs":[{"product":"x","cost":1e308}]}}`))
	f.Add([]byte(`{"call_id":"c","latency":{"e2e":{"values":[1e308,-1e308,0,5e-324]}},"call_analysis":{"custom_analysis_data":{"":null,"a":[1],"b":1e308}}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		c, err := export.DecodeCall(body)
		if err != nil {
			return
		}
		st := New(Options{By: AllBy()})
		for range 2 {
			if err := st.Write(c); err != nil {
				t.Fatal(err)
			}
		}
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
		var js, text bytes.Buffer
		if err := WriteJSON(&js, st.Summary()); err != nil {
			t.Fatalf("WriteJSON: %v", err)
		}
		if !json.Valid(js.Bytes()) {
			t.Fatal("invalid JSON")
		}
		if err := WriteText(&text, st.Summary()); err != nil {
			t.Fatal(err)
		}
	})
}

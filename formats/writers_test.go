package formats

import (
	"testing"

	"github.com/retell-export/retell-export/export"
)

// writeAll feeds calls to w in order and closes it, failing the test on
// any error.
func writeAll(t testing.TB, w export.Writer, calls []*export.Call) {
	t.Helper()
	for _, c := range calls {
		if err := w.Write(c); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

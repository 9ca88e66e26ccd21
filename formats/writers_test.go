package formats

import (
	"errors"
	"testing"

	"github.com/retell-export/retell-export/analyze"
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

// runWriters is the pipeline in miniature: Write goes to every writer in
// order, Close closes them in order.
type runWriters []export.Writer

func (ws runWriters) Write(c *export.Call) error {
	for _, w := range ws {
		if err := w.Write(c); err != nil {
			return err
		}
	}
	return nil
}

func (ws runWriters) Close() error {
	var errs []error
	for _, w := range ws {
		errs = append(errs, w.Close())
	}
	return errors.Join(errs...)
}

func (ws runWriters) Abort() error { return export.AbortAll(ws) }

// newTestXLSX opens a workbook as main does: after the run's analysis,
// whose Summary it draws. Write to and close the returned runWriters.
func newTestXLSX(t testing.TB, path string, opts XLSXOptions) (*XLSXWriter, runWriters) {
	t.Helper()
	stats := analyze.New(analyze.Options{By: []string{analyze.ByAgent, analyze.ByDay}, Location: opts.Location})
	opts.Summary = stats.Summary
	w, err := NewXLSX(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	return w, runWriters{stats, w}
}

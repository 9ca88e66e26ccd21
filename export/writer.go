package export

import "errors"

// A Writer consumes calls one at a time, always from the same goroutine, so
// implementations need no locks. Close flushes and commits the output (files
// appear whole, by rename); it never closes an io.Writer it was given.
type Writer interface {
	Write(c *Call) error
	Close() error
}

// An Aborter is a Writer that can discard its output instead of committing
// it: the pipeline calls Abort instead of Close when a run is interrupted or
// fails fatally, so no half-written file takes the place of a whole one.
type Aborter interface {
	Abort() error
}

// Abort discards w's output if it can, and closes it otherwise.
func Abort(w Writer) error {
	if a, ok := w.(Aborter); ok {
		return a.Abort()
	}
	return w.Close()
}

// AbortAll aborts every writer and joins their errors.
func AbortAll(ws []Writer) error {
	var errs []error
	for _, w := range ws {
		errs = append(errs, Abort(w))
	}
	return errors.Join(errs...)
}

// A Reporter is a Writer with figures worth recording in the run report
// (out/run.json), for example files written or calls skipped. Output
// returns its stable name there ("csv", "xlsx", ...) and its figures, a
// value that encodes to JSON; it is called once, after Close.
type Reporter interface {
	Output() (name string, figures any)
}

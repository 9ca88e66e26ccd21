package main

import (
	"fmt"
	"io"
	"sync"
)

// syncWriter serialises writes to one writer. Everything the run prints
// on stderr (warnings, status lines from their own goroutine, the final
// lines) goes through one, so lines never interleave and an injected
// buffer is never written from two goroutines at once.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// warnings prints the run's warnings as they come, or with --quiet holds
// them (the first maxHeldWarnings) until the run is known to have failed.
type warnings struct {
	w       io.Writer
	hold    bool
	mu      sync.Mutex
	held    []string
	dropped int
}

const maxHeldWarnings = 100

func (h *warnings) add(msg string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case !h.hold:
		fmt.Fprintln(h.w, "retell-export: warning:", msg)
	case len(h.held) < maxHeldWarnings:
		h.held = append(h.held, msg)
	default:
		h.dropped++
	}
}

// flush prints the warnings held back, and from then on prints them.
func (h *warnings) flush() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, msg := range h.held {
		fmt.Fprintln(h.w, "retell-export: warning:", msg)
	}
	if h.dropped > 0 {
		fmt.Fprintf(h.w, "retell-export: warning: %d more warnings not shown\n", h.dropped)
	}
	h.held, h.dropped, h.hold = nil, 0, false
}

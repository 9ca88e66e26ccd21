package formats

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/retell-export/retell-export/export"
	"github.com/retell-export/retell-export/export/store"
)

// CaptionOptions selects the caption formats and their layout.
type CaptionOptions struct {
	SRT bool // write <out>/srt/<call_id>.srt
	VTT bool // write <out>/vtt/<call_id>.vtt
	// MaxLineChars is the widest caption line in user-perceived characters
	// (grapheme clusters); 0 means 42, the broadcast norm.
	MaxLineChars int
	// NoSpeakerLabels drops the "Agent: " label of both formats and the
	// <v Agent> voice span of WebVTT.
	NoSpeakerLabels bool
}

// The narrowest and widest lines accepted: below 10 even short words would
// stand alone on their lines; above 100 a line no longer reads as a
// caption, and the segmentation's work grows with the square of the width.
const (
	capMinLineChars = 10
	capMaxLineChars = 100
)

// ErrUnsafeCallID is returned for a call whose id could name a file outside
// the output directory (a path separator, "..", an empty id).
var ErrUnsafeCallID = errors.New("call id unsafe as a file name")

// CaptionWriter writes one SRT and/or WebVTT file per call, with cues timed
// by the call's word timings so they line up with recording_url. Each file
// is written to a temporary name and renamed into place as soon as its call
// is written, so files appear whole or not at all.
type CaptionWriter struct {
	dir    string
	opts   CaptionOptions
	closed bool

	noTranscript, noTiming int
	srt, vtt               capStats

	// A file is rendered into buf through bw, both reused: a write
	// buffer per file was most of the cost of a run's 40,000 files.
	buf bytes.Buffer
	bw  *bufio.Writer
}

// NewCaptions returns a writer of captions under outDir/srt and outDir/vtt.
func NewCaptions(outDir string, opts CaptionOptions) (*CaptionWriter, error) {
	if !opts.SRT && !opts.VTT {
		return nil, errors.New("captions: no format selected")
	}
	switch {
	case opts.MaxLineChars == 0:
		opts.MaxLineChars = capDefaultLineChars
	case opts.MaxLineChars < capMinLineChars || opts.MaxLineChars > capMaxLineChars:
		return nil, fmt.Errorf("captions: max line chars %d is not within %d..%d",
			opts.MaxLineChars, capMinLineChars, capMaxLineChars)
	}
	w := &CaptionWriter{dir: outDir, opts: opts}
	w.bw = bufio.NewWriterSize(&w.buf, 16<<10)
	for _, f := range w.formats() {
		if err := os.MkdirAll(filepath.Join(outDir, f.dir), 0o755); err != nil {
			return nil, fmt.Errorf("captions: %w", err)
		}
	}
	return w, nil
}

// capFormat is one output format of the writer.
type capFormat struct {
	dir, ext string
	syntax   capSyntax
	stats    *capStats
}

func (w *CaptionWriter) formats() []capFormat {
	var fs []capFormat
	if w.opts.SRT {
		fs = append(fs, capFormat{"srt", ".srt", srtSyntax, &w.srt})
	}
	if w.opts.VTT {
		fs = append(fs, capFormat{"vtt", ".vtt", vttSyntax, &w.vtt})
	}
	return fs
}

// layout is the cue layout, the same in every format: both show the
// speaker label ("Agent: ") on line 1 unless NoSpeakerLabels.
func (w *CaptionWriter) layout() capLayout {
	if w.opts.NoSpeakerLabels {
		return capLayout{w.opts.MaxLineChars, func(string) int { return 0 }}
	}
	return capLayout{w.opts.MaxLineChars, capLabelW}
}

// capSkip says why a call gets no caption files.
type capSkip int

const (
	capWritten capSkip = iota
	capNoTranscript
	capNoTiming
)

// cues turns a call's turns into timed cues, all within [0, end] ms: the
// work shared by every format.
func (w *CaptionWriter) cues(utts []export.Utterance, end int64) ([]capToken, []capCue, capSkip) {
	toks, turns, timed := capTranscript(utts)
	switch {
	case len(toks) == 0:
		return nil, nil, capNoTranscript
	case !timed:
		return nil, nil, capNoTiming
	}
	capFillTimes(toks, turns, end)
	cues := capSegment(toks, turns, w.layout(), nil)
	capTimeCues(cues, end)
	return toks, cues, capWritten
}

// capCallEnd is the latest time a cue of c may reach, in ms: the call's
// duration when known (captions play over its recording), otherwise the
// latest time a caption can carry.
func capCallEnd(c *export.Call) int64 {
	if d, ok := c.Duration(); ok && d.Milliseconds() >= 1 {
		return min(d.Milliseconds(), capMaxMs)
	}
	return capMaxMs
}

// Write writes the caption files of one call. A call without spoken text,
// or whose words carry no timing at all, gets no file (captions that do not
// line up with the recording would mislead); both are counted in Report.
// No cue ends after the call's duration.
func (w *CaptionWriter) Write(c *export.Call) error {
	if w.closed {
		return errors.New("captions: write after close")
	}
	if !capSafeID(c.CallID) {
		return fmt.Errorf("captions %q: %w", c.CallID, ErrUnsafeCallID)
	}
	toks, cues, skip := w.cues(c.Utterances(), capCallEnd(c))
	switch skip {
	case capNoTranscript:
		w.noTranscript++
		return nil
	case capNoTiming:
		w.noTiming++
		return nil
	}
	for _, f := range w.formats() {
		err := w.writeFile(filepath.Join(w.dir, f.dir, c.CallID+f.ext), func(b *bufio.Writer) error {
			return f.syntax.write(b, toks, cues, !w.opts.NoSpeakerLabels)
		})
		if err != nil {
			return fmt.Errorf("captions %s: %w", c.CallID, err)
		}
		f.stats.addFile(cues, w.opts.MaxLineChars)
	}
	return nil
}

func (w *CaptionWriter) writeFile(path string, write func(*bufio.Writer) error) error {
	w.buf.Reset()
	w.bw.Reset(&w.buf)
	if err := write(w.bw); err != nil {
		return err
	}
	if err := w.bw.Flush(); err != nil {
		return err
	}
	// Not synced: an fsync per file was most of a run's time, and a file
	// renamed into place is still whole after a killed process.
	return store.WriteAtomic(path, w.buf.Bytes())
}

// capSafeID reports whether id can be used as a file name inside the
// output directory. Ids are checked upstream too; this guard makes sure no
// id ever writes elsewhere.
func capSafeID(id string) bool {
	return id != "" && id != "." && !strings.ContainsAny(id, "/\\\x00") && !strings.Contains(id, "..") &&
		filepath.IsLocal(id) && filepath.Base(id) == id
}

// Close ends the run. Every file was committed when its call was written.
func (w *CaptionWriter) Close() error {
	w.closed = true
	return nil
}

// Abort ends an interrupted run. Files are committed per call inside Write
// (a failed write removes its own temporary file), so nothing uncommitted
// is left to remove, and the caption files of calls already written stay:
// each is whole and matches its call.
func (w *CaptionWriter) Abort() error {
	w.closed = true
	return nil
}

// Report returns the figures of the run: files written per format, calls
// without transcript or without word timing, cues, and the share of cues
// within each readability limit.
func (w *CaptionWriter) Report() CaptionReport {
	r := CaptionReport{NoTranscript: w.noTranscript, NoTiming: w.noTiming}
	for _, f := range w.formats() {
		files := &CaptionFiles{Files: f.stats.files, Cues: f.stats.cues, WithinLimits: f.stats.shares()}
		if f.dir == "srt" {
			r.SRT = files
		} else {
			r.VTT = files
		}
	}
	return r
}

// CaptionReport is what a CaptionWriter wrote, for run.json.
type CaptionReport struct {
	NoTranscript int           `json:"calls_without_transcript"`
	NoTiming     int           `json:"calls_without_word_timing"`
	SRT          *CaptionFiles `json:"srt,omitempty"`
	VTT          *CaptionFiles `json:"vtt,omitempty"`
}

// CaptionFiles are one caption format's files and cues, and the share of
// cues within each readability limit (line_chars, lines, max_duration,
// min_duration, reading_speed).
type CaptionFiles struct {
	Files        int                `json:"files"`
	Cues         int                `json:"cues"`
	WithinLimits map[string]float64 `json:"cues_within_limits"`
}

// Output is the captions' part of run.json.
func (w *CaptionWriter) Output() (string, any) { return "captions", w.Report() }

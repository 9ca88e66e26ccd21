package formats

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/retell-export/retell-export/export"
)

// TestCaptionsFFmpeg has an independent parser, ffmpeg's, read every golden
// file and files of generated transcripts (emoji, RTL, markup, -->,
// overlaps...) and convert SRT to WebVTT and back, with no error or
// warning, no cue lost and every cue's speaker label shown.
func TestCaptionsFFmpeg(t *testing.T) {
	ffmpeg, err := exec.LookPath("ffmpeg")
	if err != nil {
		t.Skip("SKIPPED: ffmpeg not found; install the Debian package ffmpeg (apt-get install ffmpeg) to check captions with an independent parser")
	}
	var files []string
	for _, ext := range []string{"srt", "vtt"} {
		golden, _ := filepath.Glob(filepath.Join(captionGoldenDir, ext, "*."+ext))
		files = append(files, golden...)
	}
	dir := t.TempDir()
	w, err := NewCaptions(dir, CaptionOptions{SRT: true, VTT: true})
	if err != nil {
		t.Fatal(err)
	}
	for seed := range 20 {
		r := rand.New(rand.NewPCG(uint64(seed), 11))
		c := &export.Call{CallID: fmt.Sprintf("gen_%02d", seed), TranscriptObject: genUtterances(r, 12, 40)}
		if err := w.Write(c); err != nil {
			t.Fatal(err)
		}
	}
	generated, _ := filepath.Glob(filepath.Join(dir, "*", "*"))
	files = append(files, generated...)
	if len(files) < 40 {
		t.Fatalf("only %d files to check", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			checkFFmpeg(t, ffmpeg, f)
		})
	}
}

func checkFFmpeg(t *testing.T, ffmpeg, path string) {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	parse, to := parseSRT, "webvtt"
	if strings.HasSuffix(path, ".vtt") {
		parse, to = parseVTT, "srt"
	}
	cues, err := parse(data, true)
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(ffmpeg, "-nostdin", "-hide_banner", "-v", "warning", "-i", path, "-f", to, "-")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil || stderr.Len() > 0 {
		t.Fatalf("ffmpeg -i %s -f %s: %v\n%s", path, to, err, stderr.Bytes())
	}
	if n := countTimings(stdout.String()); n != len(cues) {
		t.Errorf("ffmpeg read %d cues, we wrote %d:\n%s", n, len(cues), stdout.Bytes())
	}
	// The speaker must survive as text: ffmpeg, like browsers, does not
	// show a WebVTT voice span.
	if n := len(ffLabel.FindAllString(stdout.String(), -1)); n != len(cues) {
		t.Errorf("ffmpeg shows %d speaker labels for %d cues:\n%s", n, len(cues), stdout.Bytes())
	}
}

// ffLabel matches a cue line that opens with a speaker label (ffmpeg's SRT
// breaks lines inside a cue with CRLF).
var ffLabel = regexp.MustCompile(`(?m)^(Agent|User|Transfer|Speaker):( |\r?$)`)

// ffTiming matches the timing lines ffmpeg writes (WebVTT drops zero hours).
var ffTiming = regexp.MustCompile(`^(\d+:)?\d\d:\d\d[.,]\d{3} --> (\d+:)?\d\d:\d\d[.,]\d{3}$`)

// countTimings counts the cues of ffmpeg's output: timing lines after an
// index (SRT) or a blank line (WebVTT), not text that looks like one.
func countTimings(out string) int {
	n, prev := 0, ""
	for _, l := range strings.Split(out, "\n") {
		if ffTiming.MatchString(l) && (prev == "" || strings.Trim(prev, "0123456789") == "") {
			n++
		}
		prev = l
	}
	return n
}

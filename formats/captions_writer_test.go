package formats

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/retell-export/retell-export/export"
)

func timedCall(id string) *export.Call {
	return &export.Call{CallID: id, TranscriptObject: []export.Utterance{
		{Role: export.RoleAgent, Content: "Hello there.", Words: ws("Hello", 0.5, 0.9, "there.", 0.95, 1.4)},
	}}
}

// listFiles returns every file under dir, relative to it.
func listFiles(t *testing.T, dir string) []string {
	t.Helper()
	var names []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			names = append(names, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return names
}

func TestCaptionWriterFilesAndReport(t *testing.T) {
	dir := t.TempDir()
	w, err := NewCaptions(dir, CaptionOptions{SRT: true, VTT: true})
	if err != nil {
		t.Fatal(err)
	}
	calls := []*export.Call{
		timedCall("call_a"),
		{CallID: "call_empty"}, // no transcript at all
		{CallID: "call_untimed", TranscriptObject: []export.Utterance{{Role: export.RoleUser, Content: "No words here."}}},
		{CallID: "call_plain", Transcript: ptrTo("Agent: Hi.\nUser: Hello.\n")}, // plain text only: untimed
		timedCall("call_b"),
	}
	for _, c := range calls {
		if err := w.Write(c); err != nil {
			t.Fatalf("%s: %v", c.CallID, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(listFiles(t, dir), " ")
	if want := "srt/call_a.srt srt/call_b.srt vtt/call_a.vtt vtt/call_b.vtt"; got != want {
		t.Errorf("files %q, want %q (no temporary files, none for calls without timed words)", got, want)
	}
	r := w.Report()
	if r.SRT == nil || r.VTT == nil || r.SRT.Files != 2 || r.VTT.Files != 2 || r.SRT.Cues != 2 || r.VTT.Cues != 2 ||
		r.NoTranscript != 1 || r.NoTiming != 2 {
		t.Errorf("Report() = %+v (srt %+v, vtt %+v), want 2 files and 2 cues each, 1 call without transcript, 2 without timing", r, r.SRT, r.VTT)
	}
	if s := r.SRT.WithinLimits; s["line_chars"] != 1 || s["lines"] != 1 {
		t.Errorf("srt shares %v", s)
	}
	if err := w.Write(timedCall("call_late")); err == nil {
		t.Error("Write after Close succeeded")
	}
}

func ptrTo[T any](v T) *T { return &v }

func TestCaptionWriterUnsafeIDs(t *testing.T) {
	for _, id := range []string{"", ".", "..", "../escape", "a/b", `a\b`, "/abs", "x..y", "nul\x00byte"} {
		t.Run(id, func(t *testing.T) {
			root := t.TempDir()
			out := filepath.Join(root, "out")
			w, err := NewCaptions(out, CaptionOptions{SRT: true, VTT: true})
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Write(timedCall(id)); !errors.Is(err, ErrUnsafeCallID) {
				t.Errorf("Write(%q) = %v, want ErrUnsafeCallID", id, err)
			}
			if files := listFiles(t, root); len(files) != 0 {
				t.Errorf("files written: %v", files)
			}
		})
	}
}

func TestCaptionWriterAbortKeepsWholeFiles(t *testing.T) {
	dir := t.TempDir()
	w, err := NewCaptions(dir, CaptionOptions{SRT: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(timedCall("call_a")); err != nil {
		t.Fatal(err)
	}
	if err := w.Abort(); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(listFiles(t, dir), " "); got != "srt/call_a.srt" {
		t.Errorf("after Abort: %q, want the committed srt/call_a.srt only", got)
	}
	if err := w.Write(timedCall("call_b")); err == nil {
		t.Error("Write after Abort succeeded")
	}
}

func TestCaptionWriterFailedWriteLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	w, err := NewCaptions(dir, CaptionOptions{SRT: true, VTT: true})
	if err != nil {
		t.Fatal(err)
	}
	// A directory where the vtt file should go makes its rename fail.
	if err := os.MkdirAll(filepath.Join(dir, "vtt", "call_a.vtt", "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := w.Write(timedCall("call_a")); err == nil {
		t.Fatal("Write succeeded over a directory")
	}
	for _, f := range listFiles(t, dir) {
		if strings.Contains(f, ".tmp-") {
			t.Errorf("temporary file left: %s", f)
		}
	}
}

func TestNewCaptionsOptions(t *testing.T) {
	for _, tt := range []struct {
		opts CaptionOptions
		ok   bool
	}{
		{CaptionOptions{}, false},
		{CaptionOptions{SRT: true}, true},
		{CaptionOptions{VTT: true, MaxLineChars: 32}, true},
		{CaptionOptions{SRT: true, MaxLineChars: 9}, false},
		{CaptionOptions{SRT: true, MaxLineChars: -1}, false},
		{CaptionOptions{SRT: true, MaxLineChars: 100}, true},
		{CaptionOptions{SRT: true, MaxLineChars: 101}, false},
	} {
		_, err := NewCaptions(t.TempDir(), tt.opts)
		if (err == nil) != tt.ok {
			t.Errorf("NewCaptions(%+v) error = %v, want ok=%v", tt.opts, err, tt.ok)
		}
	}
}

// TestCaptionLineWidth checks that --captions-max-chars is honoured and
// that characters are grapheme clusters: a family emoji (7 runes, 25
// bytes) is one character, so k of them and their spaces take 2k-1.
func TestCaptionLineWidth(t *testing.T) {
	const n = 30
	var words []any
	for i := range n {
		words = append(words, "👨‍👩‍👧‍👦", float64(i)*0.2, float64(i)*0.2+0.15)
	}
	utts := []export.Utterance{{Role: export.RoleUser, Content: "x", Words: ws(words...)}}
	for _, maxChars := range []int{16, 42, 80} {
		srt, _ := renderCaptions(utts, CaptionOptions{SRT: true, MaxLineChars: maxChars, NoSpeakerLabels: true})
		cues, err := parseSRT([]byte(srt), false)
		if err != nil {
			t.Fatal(err)
		}
		lines := 0
		for _, c := range cues {
			for _, l := range c.lines {
				lines++
				if w := capWidth(l); w > maxChars {
					t.Errorf("max %d: line of %d characters: %q", maxChars, w, l)
				}
			}
		}
		perLine := (maxChars + 1) / 2
		if want := (n + perLine - 1) / perLine; lines != want {
			t.Errorf("max %d: %d lines, want %d:\n%s", maxChars, lines, want, srt)
		}
	}
}

// TestCaptionToolCallsFallback: a call without transcript_object is
// captioned from the speech items of transcript_with_tool_calls.
func TestCaptionToolCallsFallback(t *testing.T) {
	body := `{"call_id":"call_tw","call_type":"web_call","agent_id":"a","call_status":"ended",
	"transcript_with_tool_calls":[
	 {"role":"agent","content":"One moment.","words":[{"word":"One","start":0.4,"end":0.6},{"word":"moment.","start":0.65,"end":1.1}]},
	 {"role":"tool_call_invocation","tool_call_id":"t1","name":"lookup","arguments":"{}","time_sec":1.2},
	 {"role":"user","content":"Sure.","words":[{"word":"Sure.","start":2.0,"end":2.4}]}]}`
	c, err := export.DecodeCall([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	srt, _ := renderCaptions(c.Utterances(), CaptionOptions{SRT: true})
	// 18 characters need 1.059 s at 17 cps; 11 need the 5/6 s minimum.
	want := "1\n00:00:00,400 --> 00:00:01,459\nAgent: One moment.\n\n2\n00:00:02,000 --> 00:00:02,833\nUser: Sure.\n\n"
	if srt != want {
		t.Errorf("got:\n%s\nwant:\n%s", srt, want)
	}
}

// TestCaptionTwoHourCall checks the properties on a 2-hour call.
func TestCaptionTwoHourCall(t *testing.T) {
	checkCall(t, twoHourCall(), nil, CaptionOptions{SRT: true, VTT: true})
}

// TestCaptionCuesInsideCall: turns without word timing after the last
// timed word are placed at the pace of speech, but squeezed into what is
// left of the call: no cue ends after duration_ms (seen before: cues up to
// 10659 ms in a call of 8128 ms).
func TestCaptionCuesInsideCall(t *testing.T) {
	utts := []export.Utterance{
		{Role: export.RoleAgent, Content: "x", Words: ws("Anything", 0.5, 1.0, "else?", 1.05, 1.6)},
		{Role: export.RoleUser, Content: "No, that is everything, thank you so much for your help today."},
		{Role: export.RoleAgent, Content: "Goodbye, and have a wonderful rest of your day!"},
	}
	srt, _ := renderCaptions(utts, CaptionOptions{SRT: true})
	cues, err := parseSRT([]byte(srt), true)
	if err != nil {
		t.Fatal(err)
	}
	if last := cues[len(cues)-1].end; last <= 4000 {
		t.Fatalf("without a duration the untimed turns end at %d ms; the case no longer tests the bound", last)
	}
	for _, ms := range []int64{1, 1600, 1601, 2500, 4000} {
		t.Run(fmt.Sprint(ms), func(t *testing.T) {
			checkCall(t, utts, &ms, CaptionOptions{SRT: true, VTT: true})
		})
	}
}

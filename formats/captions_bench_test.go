package formats

import (
	"bufio"
	"io"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/retell-export/retell-export/export"
)

// twoHourCall is a 2-hour conversation of alternating turns at a natural
// pace (about 19,000 words), with a barge-in every tenth turn.
func twoHourCall() []export.Utterance {
	r := rand.New(rand.NewPCG(1, 2))
	var utts []export.Utterance
	t := 0.5
	for i := 0; t < 7200; i++ {
		role := export.RoleAgent
		if i%2 == 1 {
			role = export.RoleUser
		}
		u := export.Utterance{Role: role}
		var content []string
		for range 5 + r.IntN(30) {
			w := genWords[r.IntN(22)]
			d := 0.1 + 0.05*float64(len(w))
			s, e := t, t+d
			u.Words = append(u.Words, export.Word{Word: w, Start: &s, End: &e})
			content = append(content, w)
			t = e + r.Float64()*0.1
		}
		u.Content = strings.Join(content, " ")
		utts = append(utts, u)
		if i%10 == 9 {
			t -= 0.8 // the next turn barges in
		} else {
			t += 0.3 + r.Float64()
		}
	}
	return utts
}

// generateCaptions is the work of CaptionWriter.Write without the files.
func generateCaptions(utts []export.Utterance, opts CaptionOptions, out *bufio.Writer) (cues int) {
	w := &CaptionWriter{opts: opts}
	toks, cs, skip := w.cues(utts, capMaxMs)
	if skip != capWritten {
		return 0
	}
	for _, f := range w.formats() {
		f.syntax.write(out, toks, cs, !opts.NoSpeakerLabels)
		cues += len(cs)
	}
	return cues
}

var benchOpts = CaptionOptions{SRT: true, VTT: true, MaxLineChars: capDefaultLineChars}

func BenchmarkCaptions2h(b *testing.B) {
	utts := twoHourCall()
	out := bufio.NewWriter(io.Discard)
	b.ReportAllocs()
	cues := 0
	for b.Loop() {
		cues = generateCaptions(utts, benchOpts, out)
	}
	b.ReportMetric(float64(cues), "cues/op")
}

func BenchmarkCaptionsSamples(b *testing.B) {
	calls := sampleCalls(b)
	out := bufio.NewWriter(io.Discard)
	b.ReportAllocs()
	for b.Loop() {
		for _, c := range calls {
			generateCaptions(c.Utterances(), benchOpts, out)
		}
	}
}

package formats

import (
	"bufio"
	"bytes"
	"testing"

	"github.com/retell-export/retell-export/export"
)

// ws builds timed words from "word", start, end triples; a negative time
// stands for a missing key.
func ws(args ...any) []export.Word {
	var out []export.Word
	for i := 0; i+2 < len(args); i += 3 {
		w := export.Word{Word: args[i].(string)}
		if s := args[i+1].(float64); s >= 0 {
			w.Start = &s
		}
		if e := args[i+2].(float64); e >= 0 {
			w.End = &e
		}
		out = append(out, w)
	}
	return out
}

// renderCaptions runs the whole pipeline of the writer in memory, for a
// call of unknown duration.
func renderCaptions(utts []export.Utterance, opts CaptionOptions) (srt, vtt string) {
	return renderCaptionsUntil(utts, opts, capMaxMs)
}

// renderCaptionsUntil is renderCaptions for a call that ends at end ms.
func renderCaptionsUntil(utts []export.Utterance, opts CaptionOptions, end int64) (srt, vtt string) {
	w := &CaptionWriter{opts: opts}
	if w.opts.MaxLineChars == 0 {
		w.opts.MaxLineChars = capDefaultLineChars
	}
	toks, cues, skip := w.cues(utts, end)
	if skip != capWritten {
		return "", ""
	}
	out := map[string]string{}
	for _, f := range w.formats() {
		var b bytes.Buffer
		bw := bufio.NewWriter(&b)
		f.syntax.write(bw, toks, cues, !opts.NoSpeakerLabels)
		out[f.dir] = b.String()
	}
	return out["srt"], out["vtt"]
}

// zwsp is the invisible zero-width space the SRT writer puts into speech
// that players would read as markup.
const zwsp = "\u200b"

func TestCaptionCases(t *testing.T) {
	tests := []struct {
		name     string
		utts     []export.Utterance
		opts     CaptionOptions
		srt, vtt string
	}{
		{
			name: "barge-in overlaps and is sorted by start",
			utts: []export.Utterance{
				{Role: "agent", Content: "x", Words: ws("I", 1.0, 1.2, "can", 1.25, 1.5, "help", 1.55, 1.9, "you", 1.95, 2.1, "with", 2.15, 2.3, "billing,", 2.35, 2.8, "orders", 2.9, 3.3, "and", 3.35, 3.5, "returns", 3.55, 4.0, "today,", 4.05, 4.4, "or", 4.5, 4.6, "anything", 4.65, 5.1, "else", 5.15, 5.4, "you", 5.45, 5.6, "need.", 5.65, 6.0)},
				{Role: "user", Content: "x", Words: ws("Billing.", 4.3, 4.9)},
			},
			srt: `1
00:00:01,000 --> 00:00:02,900
Agent: I can help you with billing,

2
00:00:02,900 --> 00:00:06,000
Agent: orders and returns today,
or anything else you need.

3
00:00:04,300 --> 00:00:05,133
User: Billing.

`,
			vtt: `WEBVTT

1
00:00:01.000 --> 00:00:02.900
<v Agent>Agent: I can help you with billing,

2
00:00:02.900 --> 00:00:06.000
<v Agent>Agent: orders and returns today,
or anything else you need.

3
00:00:04.300 --> 00:00:05.133
<v User>User: Billing.

`,
		},
		{
			name: "barge-in without labels",
			utts: []export.Utterance{
				{Role: "agent", Content: "x", Words: ws("I", 1.0, 1.2, "can", 1.25, 1.5, "help", 1.55, 1.9, "you", 1.95, 2.1, "with", 2.15, 2.3, "billing,", 2.35, 2.8, "orders", 2.9, 3.3, "and", 3.35, 3.5, "returns", 3.55, 4.0, "today,", 4.05, 4.4, "or", 4.5, 4.6, "anything", 4.65, 5.1, "else", 5.15, 5.4, "you", 5.45, 5.6, "need.", 5.65, 6.0)},
				{Role: "user", Content: "x", Words: ws("Billing.", 4.3, 4.9)},
			},
			opts: CaptionOptions{NoSpeakerLabels: true},
			srt: `1
00:00:01,000 --> 00:00:06,000
I can help you with billing, orders and
returns today, or anything else you need.

2
00:00:04,300 --> 00:00:05,133
Billing.

`,
			vtt: `WEBVTT

1
00:00:01.000 --> 00:00:06.000
I can help you with billing, orders and
returns today, or anything else you need.

2
00:00:04.300 --> 00:00:05.133
Billing.

`,
		},
		{
			name: "turn without words placed after its predecessor",
			utts: []export.Utterance{
				{Role: "agent", Content: "x", Words: ws("Please", 1.0, 1.3, "hold.", 1.35, 1.7)},
				{Role: "user", Content: "Okay, sure.", Words: nil},
				{Role: "agent", Content: "x", Words: ws("Thanks", 200.0, 200.4, "for", 200.45, 200.6, "holding.", 200.65, 201.1)},
			},
			srt: `1
00:00:01,000 --> 00:00:01,700
Agent: Please hold.

2
00:00:01,700 --> 00:00:02,700
User: Okay, sure.

3
00:03:20,000 --> 00:03:21,530
Agent: Thanks for holding.

`,
			vtt: `WEBVTT

1
00:00:01.000 --> 00:00:01.700
<v Agent>Agent: Please hold.

2
00:00:01.700 --> 00:00:02.700
<v User>User: Okay, sure.

3
00:03:20.000 --> 00:03:21.530
<v Agent>Agent: Thanks for holding.

`,
		},
		{
			name: "zero-length and half-timed words",
			utts: []export.Utterance{
				{Role: "user", Content: "x", Words: ws("Yes.", 2.0, 2.0)},
				{Role: "agent", Content: "x", Words: ws("Great,", 2.3, -1.0, "thanks", -1.0, 3.0, "so", -1.0, -1.0, "much.", 3.2, 3.5)},
			},
			srt: `1
00:00:02,000 --> 00:00:02,300
User: Yes.

2
00:00:02,300 --> 00:00:04,006
Agent: Great, thanks so much.

`,
			vtt: `WEBVTT

1
00:00:02.000 --> 00:00:02.300
<v User>User: Yes.

2
00:00:02.300 --> 00:00:04.006
<v Agent>Agent: Great, thanks so much.

`,
		},
		{
			name: "markup, arrows, emoji and RTL",
			utts: []export.Utterance{
				{Role: "user", Content: "x", Words: ws("<b>A&B</b>", 1.0, 1.5, "-->", 1.6, 1.8, "rocks", 1.9, 2.2, "👍🏽", 2.3, 2.5, "שלום", 2.6, 3.0)},
			},
			srt: `1
00:00:01,000 --> 00:00:03,000
User: <` + zwsp + `b>A&B<` + zwsp + `/b> --` + zwsp + `> rocks 👍🏽 שלום

`,
			vtt: `WEBVTT

1
00:00:01.000 --> 00:00:03.000
<v User>User: &lt;b&gt;A&amp;B&lt;/b&gt; --&gt; rocks 👍🏽 שלום

`,
		},
		{
			name: "word longer than a line stands alone",
			utts: []export.Utterance{
				{Role: "transfer_target", Content: "x", Words: ws("Hello", 0.5, 0.8, "pneumonoultramicroscopicsilicovolcanoconiosis-extended-edition", 0.9, 3.0, "indeed.", 3.1, 3.4)},
			},
			srt: `1
00:00:00,500 --> 00:00:00,900
Transfer: Hello

2
00:00:00,900 --> 00:00:03,100
Transfer:
pneumonoultramicroscopicsilicovolcanoconiosis-extended-edition

3
00:00:03,100 --> 00:00:04,100
Transfer: indeed.

`,
			vtt: `WEBVTT

1
00:00:00.500 --> 00:00:00.900
<v Transfer>Transfer: Hello

2
00:00:00.900 --> 00:00:03.100
<v Transfer>Transfer:
pneumonoultramicroscopicsilicovolcanoconiosis-extended-edition

3
00:00:03.100 --> 00:00:04.100
<v Transfer>Transfer: indeed.

`,
		},
		{
			name: "long word without labels",
			utts: []export.Utterance{
				{Role: "transfer_target", Content: "x", Words: ws("Hello", 0.5, 0.8, "pneumonoultramicroscopicsilicovolcanoconiosis-extended-edition", 0.9, 3.0, "indeed.", 3.1, 3.4)},
			},
			opts: CaptionOptions{NoSpeakerLabels: true},
			srt: `1
00:00:00,500 --> 00:00:00,900
Hello

2
00:00:00,900 --> 00:00:03,100
pneumonoultramicroscopicsilicovolcanoconiosis-extended-edition

3
00:00:03,100 --> 00:00:03,933
indeed.

`,
			vtt: `WEBVTT

1
00:00:00.500 --> 00:00:00.900
Hello

2
00:00:00.900 --> 00:00:03.100
pneumonoultramicroscopicsilicovolcanoconiosis-extended-edition

3
00:00:03.100 --> 00:00:03.933
indeed.

`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := tt.opts
			opts.SRT, opts.VTT = true, true
			srt, vtt := renderCaptions(tt.utts, opts)
			if srt != tt.srt {
				t.Errorf("SRT:\n%s\nwant:\n%s", srt, tt.srt)
			}
			if vtt != tt.vtt {
				t.Errorf("WebVTT:\n%s\nwant:\n%s", vtt, tt.vtt)
			}
		})
	}
}

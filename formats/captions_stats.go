package formats

// capStats counts caption files, cues, and cues within each readability
// limit, for the run report and the figures in docs/outputs.md.
type capStats struct {
	files, cues                                         int
	lineOK, linesOK, maxDurOK, minDurOK, readingSpeedOK int
}

func (s *capStats) addFile(cues []capCue, maxLine int) {
	s.files++
	for _, c := range cues {
		s.add(c, maxLine)
	}
}

func (s *capStats) add(c capCue, maxLine int) {
	dur := c.end - c.start
	s.cues++
	s.lineOK += capB2i(c.maxLine <= maxLine)
	s.linesOK += capB2i(c.lines <= capMaxLines)
	s.maxDurOK += capB2i(dur <= capMaxDurMs)
	s.minDurOK += capB2i(dur >= capMinDurMs)
	s.readingSpeedOK += capB2i(int64(c.chars)*1000 <= capMaxCPS*dur)
}

// shares returns the fraction of cues within each limit (1 when no cues).
func (s *capStats) shares() map[string]float64 {
	share := func(n int) float64 {
		if s.cues == 0 {
			return 1
		}
		return float64(n) / float64(s.cues)
	}
	return map[string]float64{
		"line_chars":    share(s.lineOK),
		"lines":         share(s.linesOK),
		"max_duration":  share(s.maxDurOK),
		"min_duration":  share(s.minDurOK),
		"reading_speed": share(s.readingSpeedOK),
	}
}

func capB2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

package pipeline

// Progress shows a run's advance. Start and Finish are called once; Update
// after every handled call, from the consumer goroutine.
type Progress interface {
	Start(s *Stats)
	Update(s *Stats)
	Finish(s *Stats)
}

// NopProgress shows nothing (--quiet).
type NopProgress struct{}

func (NopProgress) Start(*Stats)  {}
func (NopProgress) Update(*Stats) {}
func (NopProgress) Finish(*Stats) {}

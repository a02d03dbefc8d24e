package delivery

import (
	"context"
	"fmt"
	"sync"

	"github.com/nhacviec/nhacviec/channel"
)

// Worker delivers the one outbox: one Lane per channel, each claiming the
// rows of its channel and sending them through its channel.Sender, all
// under the same loop, retry and dead-letter policy.
type Worker struct {
	lanes []*Lane
	gates map[channel.Name]<-chan struct{}
}

// NewWorker returns a Worker running lanes, at most one per channel.
func NewWorker(lanes ...*Lane) (*Worker, error) {
	seen := make(map[channel.Name]bool, len(lanes))
	for _, l := range lanes {
		if seen[l.Channel()] {
			return nil, fmt.Errorf("delivery: two lanes for channel %s", l.Channel())
		}
		seen[l.Channel()] = true
	}
	return &Worker{lanes: lanes, gates: make(map[channel.Name]<-chan struct{})}, nil
}

// Hold makes the lane of ch wait, when Run starts, until ready is closed:
// serve holds Telegram's lane until Telegram first answers, so that while
// it is unreachable at start messages stay pending rather than use up
// their attempts. The other lanes go on. Call it before Run.
func (w *Worker) Hold(ch channel.Name, ready <-chan struct{}) {
	w.gates[ch] = ready
}

// Lane returns the lane of channel ch, or nil when the worker has none.
func (w *Worker) Lane(ch channel.Name) *Lane {
	for _, l := range w.lanes {
		if l.Channel() == ch {
			return l
		}
	}
	return nil
}

// Run runs every lane (a held one once it is released) until ctx is done,
// then returns nil once the sends in progress have ended.
func (w *Worker) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	errs := make([]error, len(w.lanes))
	for i, l := range w.lanes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if gate, ok := w.gates[l.Channel()]; ok {
				select {
				case <-gate:
				case <-ctx.Done():
					return
				}
			}
			errs[i] = l.Run(ctx)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return fmt.Errorf("delivery: %s lane: %w", w.lanes[i].Channel(), err)
		}
	}
	return nil
}

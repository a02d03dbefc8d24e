package delivery

import (
	"context"
	"fmt"
	"sync"

	"github.com/nhacviec/nhacviec/channel"
	"github.com/nhacviec/nhacviec/store"
)

// Worker delivers the one outbox: one Lane per channel — per bot on
// Telegram (config telegram.bots) — each claiming the rows of its channel
// and bot and sending them through its channel.Sender, all under the same
// loop, retry and dead-letter policy. The lanes run side by side; the
// lanes of one channel share one LISTEN connection.
type Worker struct {
	lanes []*Lane
	gates map[*Lane]<-chan struct{}
}

// NewWorker returns a Worker running lanes, at most one per channel and
// bot.
func NewWorker(lanes ...*Lane) (*Worker, error) {
	type key struct {
		ch  channel.Name
		bot string
	}
	seen := make(map[key]bool, len(lanes))
	for _, l := range lanes {
		k := key{l.Channel(), l.Bot()}
		if seen[k] {
			return nil, fmt.Errorf("delivery: two lanes for channel %s and bot %s", l.Channel(), l.Bot())
		}
		seen[k] = true
	}
	return &Worker{lanes: lanes, gates: make(map[*Lane]<-chan struct{})}, nil
}

// Hold makes the lane of ch (of the default bot) wait, when Run starts,
// until ready is closed: serve holds a Telegram bot's lane until Telegram
// first answers that bot, so that while it is unreachable at start
// messages stay pending rather than use up their attempts. The other lanes
// go on. Call it before Run.
func (w *Worker) Hold(ch channel.Name, ready <-chan struct{}) {
	if l := w.Lane(ch); l != nil {
		w.HoldLane(l, ready)
	}
}

// HoldLane is Hold of lane l.
func (w *Worker) HoldLane(l *Lane, ready <-chan struct{}) {
	w.gates[l] = ready
}

// Lane returns the lane of channel ch of the default bot, or nil when the
// worker has none.
func (w *Worker) Lane(ch channel.Name) *Lane {
	return w.BotLane(ch, store.DefaultBot)
}

// BotLane returns the lane of channel ch and bot, or nil when the worker
// has none.
func (w *Worker) BotLane(ch channel.Name, bot string) *Lane {
	for _, l := range w.lanes {
		if l.Channel() == ch && l.Bot() == bot {
			return l
		}
	}
	return nil
}

// Lanes returns the worker's lanes.
func (w *Worker) Lanes() []*Lane { return w.lanes }

// Run runs every lane (a held one once it is released) until ctx is done,
// then returns nil once the sends in progress have ended.
func (w *Worker) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	wakes := w.listen(ctx)
	var wg sync.WaitGroup
	errs := make([]error, len(w.lanes))
	for i, l := range w.lanes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if gate, ok := w.gates[l]; ok {
				select {
				case <-gate:
				case <-ctx.Done():
					return
				}
			}
			errs[i] = l.run(ctx, wakes[l])
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return fmt.Errorf("delivery: %s lane of bot %s: %w", w.lanes[i].Channel(), w.lanes[i].Bot(), err)
		}
	}
	return nil
}

// listen opens one LISTEN connection for each wake-up channel several lanes
// share (the bots of Telegram) and returns each such lane's wake-up; a lane
// alone on its channel listens for itself (no entry).
func (w *Worker) listen(ctx context.Context) map[*Lane]<-chan struct{} {
	byChannel := make(map[string][]*Lane)
	for _, l := range w.lanes {
		ch := store.WakeChannel(l.channel)
		byChannel[ch] = append(byChannel[ch], l)
	}
	wakes := make(map[*Lane]<-chan struct{})
	for ch, lanes := range byChannel {
		if len(lanes) < 2 {
			continue
		}
		outs := make([]chan struct{}, len(lanes))
		for i, l := range lanes {
			outs[i] = make(chan struct{}, 1)
			wakes[l] = outs[i]
		}
		listener := lanes[0].st.Listen(ch, lanes[0].log)
		go func() {
			defer listener.Close()
			forward(ctx, listener.Notify, outs...)
		}()
	}
	return wakes
}

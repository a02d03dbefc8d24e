// Package delivery delivers the one outbox, whatever the channel: a Worker
// runs one Lane per channel.Sender (Telegram's in package telegram,
// e-mail's in package mail), each with the same run loop (wake on LISTEN,
// poll as a fallback, drain while rows are ready), the same retry and
// dead-letter policy (exponential backoff with jitter up to a number of
// attempts), the same sorting of failures by the channel's error kinds and
// the counters metrics read. A lane claims the rows of its channel from
// the store with a lease, so that a crash between a send and its mark
// repeats at most the sends in flight.
package delivery

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/nhacviec/nhacviec/store"
)

// Backoff returns the wait after the attempt-th failed attempt (1-based):
// base doubled per attempt, capped at max, then jittered to between half
// and all of it.
func Backoff(attempt int, base, max time.Duration) time.Duration {
	d := base
	for i := 1; i < attempt && d < max; i++ {
		d *= 2
	}
	if d > max {
		d = max
	}
	half := d / 2
	return half + rand.N(d-half+1)
}

// Policy is the retry and dead-letter policy of one channel.
type Policy struct {
	// MaxAttempts is how many failed attempts make a row dead.
	MaxAttempts int
	// BaseBackoff is the wait after the first failure, doubled after each.
	BaseBackoff time.Duration
	// MaxBackoff caps the wait between attempts.
	MaxBackoff time.Duration
}

// Backoff returns the wait after the attempt-th failed attempt.
func (p Policy) Backoff(attempt int) time.Duration {
	return Backoff(attempt, p.BaseBackoff, p.MaxBackoff)
}

// Retry decides what follows the failure of a row's attempt-th attempt:
// dead when the row has had MaxAttempts attempts, else wait before the
// next.
func (p Policy) Retry(attempt int) (wait time.Duration, dead bool) {
	if attempt >= p.MaxAttempts {
		return 0, true
	}
	return p.Backoff(attempt), false
}

// Counters counts what a worker did. Fields are updated atomically; read
// them with Counts.
type Counters struct {
	sent, failed, dead, retried atomic.Int64
	latencyNanos                atomic.Int64
}

// Counts is a copy of Counters.
type Counts struct {
	Sent        int64         // messages delivered
	Failed      int64         // attempts that failed (any reason)
	Dead        int64         // rows given up
	Retried     int64         // rows rescheduled after a transient failure
	SendLatency time.Duration // total time spent in successful sends
}

// Sent counts one delivery that took elapsed.
func (c *Counters) Sent(elapsed time.Duration) {
	c.sent.Add(1)
	c.latencyNanos.Add(int64(elapsed))
}

// Failed counts one failed attempt.
func (c *Counters) Failed() { c.failed.Add(1) }

// Dead counts one row given up.
func (c *Counters) Dead() { c.dead.Add(1) }

// Retried counts one row rescheduled.
func (c *Counters) Retried() { c.retried.Add(1) }

// Counts returns the current counts.
func (c *Counters) Counts() Counts {
	return Counts{
		Sent:        c.sent.Load(),
		Failed:      c.failed.Load(),
		Dead:        c.dead.Load(),
		Retried:     c.retried.Load(),
		SendLatency: time.Duration(c.latencyNanos.Load()),
	}
}

// Loop is the run loop of a worker.
type Loop struct {
	// Channel is the LISTEN/NOTIFY channel signalled on every enqueue
	// (store.WakeChannel).
	Channel string
	// Wake, when not nil, wakes the loop instead of a listener of its own
	// on Channel: the Worker listens once for the lanes sharing a channel
	// (the bots of telegram.bots).
	Wake <-chan struct{}
	// Drain claims and delivers one batch and returns how many rows it
	// handled; 0 means nothing was ready.
	Drain func(ctx context.Context) (int, error)
	// Batch is the size of a full claim.
	Batch int
	// Poll is the fallback poll when no notification arrives.
	Poll time.Duration
	// Coalesce is how long the loop waits, once woken by a notification or
	// after a claim that found less than a full Batch, before it claims
	// again, so that a burst enqueued one transaction at a time is claimed
	// in batches; 0: no wait.
	Coalesce time.Duration
	// Idle, when not nil, is how long to wait after a drain found nothing
	// (at most Poll); nil: Poll.
	Idle func() time.Duration
	// Name prefixes the loop's log lines ("delivery").
	Name string
	// Log receives drain failures.
	Log *slog.Logger
}

// Run drains until ctx is done, then returns nil once the drain in
// progress has ended. It wakes on every enqueue notification, polls every
// Poll, and drains without pause while rows are ready.
func (l Loop) Run(ctx context.Context, st *store.Store) error {
	wake := l.Wake
	if wake == nil {
		listener := st.Listen(l.Channel, l.Log)
		defer listener.Close()
		c := make(chan struct{}, 1)
		go forward(ctx, listener.Notify, c)
		wake = c
	}
	poll := time.NewTicker(l.Poll)
	defer poll.Stop()
	for {
		wait := l.Poll
		for ctx.Err() == nil {
			n, err := l.Drain(ctx)
			if err != nil {
				if ctx.Err() == nil {
					l.Log.Error(l.Name+": drain outbox", "listen", l.Channel, "err", err)
				}
				break
			}
			if n == 0 {
				if l.Idle != nil {
					wait = l.Idle()
				}
				break
			}
			if n < l.Batch && !sleep(ctx, l.Coalesce) {
				return nil // a short batch: let more arrive before the next claim
			}
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil
		case <-wake:
			if !sleep(ctx, l.Coalesce) {
				timer.Stop()
				return nil
			}
		case <-poll.C:
		case <-timer.C:
		}
		timer.Stop()
	}
}

// forward signals each of outs, without blocking, on every notification
// from in until ctx is done or in is closed: a lane asleep then claims
// once, a lane busy draining finds the signal when it next waits.
func forward[T any](ctx context.Context, in <-chan T, outs ...chan struct{}) {
	for {
		select {
		case <-ctx.Done():
			return
		case _, ok := <-in:
			if !ok {
				return
			}
			for _, out := range outs {
				select {
				case out <- struct{}{}:
				default:
				}
			}
		}
	}
}

// sleep waits d, or until ctx is done; it reports whether ctx is still
// live.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

package mail

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/nhacviec/nhacviec/clock"
	"github.com/nhacviec/nhacviec/delivery"
	"github.com/nhacviec/nhacviec/store"
)

// Options tunes a Worker. Zero fields take the documented defaults, except
// From, which is required.
type Options struct {
	// From is the sender of every e-mail (email.from).
	From string
	// MaxAttempts is how many failed attempts make a row dead; default 8.
	MaxAttempts int
	// BaseBackoff is the wait after the first failure, doubled after each;
	// default 1 min.
	BaseBackoff time.Duration
	// MaxBackoff caps the wait between attempts; default 2 h.
	MaxBackoff time.Duration
	// Batch is how many rows one claim takes; default 10.
	Batch int
	// SendTimeout bounds one send; default 2 min.
	SendTimeout time.Duration
	// Lease is how long a claimed row is reserved for its sender before
	// another worker may take it again; default and minimum twice
	// SendTimeout.
	Lease time.Duration
	// PollInterval is the fallback poll when no notification arrives;
	// default 5 s.
	PollInterval time.Duration
}

// withDefaults fills zero fields.
func (o Options) withDefaults() Options {
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 8
	}
	if o.BaseBackoff <= 0 {
		o.BaseBackoff = time.Minute
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 2 * time.Hour
	}
	if o.Batch <= 0 {
		o.Batch = 10
	}
	if o.SendTimeout <= 0 {
		o.SendTimeout = 2 * time.Minute
	}
	if o.Lease < 2*o.SendTimeout {
		o.Lease = 2 * o.SendTimeout
	}
	if o.PollInterval <= 0 {
		o.PollInterval = 5 * time.Second
	}
	return o
}

// Stats counts what a Worker did. Read it with Snapshot.
type Stats struct {
	delivery.Counters
}

// StatsSnapshot is a copy of Stats for metrics: Sent counts e-mails
// accepted by the SMTP server, Retried rows rescheduled after a temporary
// failure.
type StatsSnapshot = delivery.Counts

// Snapshot returns the current counts.
func (s *Stats) Snapshot() StatsSnapshot { return s.Counts() }

// Worker delivers the e-mail outbox. Several workers, in one or many
// processes, may run against one database.
type Worker struct {
	st     *store.Store
	sender Sender
	clk    clock.Clock
	log    *slog.Logger
	opts   Options
	stats  Stats
}

// NewWorker returns a Worker delivering st's e-mail outbox through sender.
// clk gives "now" for the database (due times, backoff); log receives one
// line per failure.
func NewWorker(st *store.Store, sender Sender, clk clock.Clock, log *slog.Logger, opts Options) *Worker {
	return &Worker{st: st, sender: sender, clk: clk, log: log, opts: opts.withDefaults()}
}

// Stats returns the worker's counters.
func (w *Worker) Stats() *Stats { return &w.stats }

// Run delivers e-mails until ctx is done, then returns nil once the send in
// progress has ended. It wakes on every enqueue notification and polls
// every PollInterval (delivery.Loop).
func (w *Worker) Run(ctx context.Context) error {
	return delivery.Loop{
		Channel: store.EmailChannel,
		Drain:   w.DrainOnce,
		Batch:   w.opts.Batch,
		Poll:    w.opts.PollInterval,
		Name:    "mail",
		Log:     w.log,
	}.Run(ctx, w.st)
}

// DrainOnce claims one batch of due e-mails and sends them one after the
// other. It returns how many rows it handled (sent, retried or dead).
func (w *Worker) DrainOnce(ctx context.Context) (int, error) {
	rows, err := w.st.ClaimEmails(ctx, w.clk.Now(), w.opts.Lease, w.opts.Batch)
	if err != nil {
		return 0, fmt.Errorf("mail: %w", err)
	}
	for _, r := range rows {
		w.deliver(ctx, r)
	}
	return len(rows), nil
}

// deliver sends r and records the outcome.
func (w *Worker) deliver(ctx context.Context, r store.EmailRow) {
	attachments, err := r.Attachments()
	if err != nil {
		w.giveUp(ctx, r, err)
		return
	}
	m := Message{
		From:        w.opts.From,
		To:          r.To,
		Subject:     r.Subject,
		Text:        r.Text,
		Attachments: attachments,
		Date:        w.clk.Now(),
		MessageID:   MessageID(strconv.FormatInt(r.ID, 10)+"|"+r.DedupeKey+"|"+r.CreatedAt.UTC().Format(time.RFC3339Nano), w.opts.From),
	}
	sctx, cancel := context.WithTimeout(ctx, w.opts.SendTimeout)
	start := time.Now() // latency is real elapsed time, not the injected clock
	err = w.sender.Send(sctx, m)
	elapsed := time.Since(start)
	cancel()
	if err != nil {
		w.stats.Failed()
		d, dead := w.policy().Retry(r.Attempts)
		if dead || IsPermanent(err) {
			w.giveUp(ctx, r, err)
			return
		}
		w.stats.Retried()
		w.log.Warn("mail: send failed, will retry", "email", r.ID, "attempt", r.Attempts,
			"retry_in", d, "err", err)
		w.record(w.st.RetryEmail(ctx, r.ID, w.clk.Now().Add(d), err.Error()))
		return
	}
	w.stats.Sent(elapsed)
	w.log.Info("mail: sent", "email", r.ID, "to", len(r.To), "subject", r.Subject)
	w.record(w.st.MarkEmailSent(ctx, r.ID, w.clk.Now()))
}

// giveUp marks r dead, keeping err.
func (w *Worker) giveUp(ctx context.Context, r store.EmailRow, err error) {
	w.stats.Dead()
	w.log.Error("mail: e-mail dead", "email", r.ID, "attempts", r.Attempts, "err", err)
	w.record(w.st.KillEmail(ctx, r.ID, err.Error()))
}

// policy is the worker's retry and dead-letter policy.
func (w *Worker) policy() delivery.Policy {
	return delivery.Policy{MaxAttempts: w.opts.MaxAttempts, BaseBackoff: w.opts.BaseBackoff, MaxBackoff: w.opts.MaxBackoff}
}

// record logs a failure to store an outcome. The row's lease then runs out
// and it is attempted again.
func (w *Worker) record(err error) {
	if err != nil {
		w.log.Error("mail: record delivery outcome", "err", err)
	}
}

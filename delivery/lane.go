package delivery

// A Lane delivers the outbox rows of one channel through its
// channel.Sender. It claims due rows with FOR UPDATE SKIP LOCKED in one
// short statement that only leases them (next_attempt_at moves past the
// send, attempts grows by one), sends each outside any transaction, then
// marks the batch's sent rows with the channel's message ids in one
// statement. A crash between the channel's answer and that mark leaves the
// row to be claimed again when its lease runs out: at most MaxInFlight
// duplicates, never a lost message.
//
// The lane wakes on LISTEN store.WakeChannel(channel), so a message
// enqueued by any process goes out at once, and polls as a fallback. It
// keeps to the channel's Limits: a global budget (PerSecond), a least gap
// per chat (ChatEvery) and per group chat (GroupEvery; a group has a
// negative chat id). While scheduled messages wait, replies take at most
// 1 − ScheduledShare of each claim. Failures are sorted by the channel's
// error kinds: a RetryAfterError holds back that chat only, recorded in the
// database (store.RecordTooManyRequests) so that every worker honours it,
// while the other chats go on; a chat's first FreeTooMany consecutive ones
// do not count as attempts, later ones do, with backoff. Any other error
// retries with exponential backoff and jitter until MaxAttempts, then the
// row is dead with its last error — unless the channel itself is down (the
// sender's Probe fails too, or it refused the credentials): then the
// attempt is given back, the lane holds every send and probes with one
// message at a time, backing off, so an outage of any length kills
// nothing. ErrUnreachable (the person blocked the bot) kills the row, marks
// the official unreachable and tells the unit's office officials once; a
// MigratedError moves the chat and retries; ErrRejected is dead at once.

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/nhacviec/nhacviec/channel"
	"github.com/nhacviec/nhacviec/clock"
	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/message"
	"github.com/nhacviec/nhacviec/store"
)

// Options tunes a Lane. Zero fields take the documented defaults (those of
// the Telegram lane; package mail has the e-mail lane's).
type Options struct {
	// RatePerSecond is the global send budget (telegram.rate_per_second);
	// default the sender's Limits.PerSecond (Telegram's 25), none when
	// that is 0.
	RatePerSecond float64
	// PerChatInterval is the least time between two messages to one chat;
	// default the sender's Limits.ChatEvery (Telegram's 1 s).
	PerChatInterval time.Duration
	// GroupChatInterval is the least time between two messages to one
	// group chat (a negative chat id: group, supergroup or channel);
	// default the sender's Limits.GroupEvery (Telegram's 3 s, 20 messages
	// a minute).
	GroupChatInterval time.Duration
	// FreeTooMany is how many consecutive 429 answers a chat may get
	// before each further one counts as an attempt of the message it
	// refused (and waits at least the backoff of a failed attempt); default
	// 5. A chat Telegram never lets through then ends in a dead letter.
	FreeTooMany int
	// ScheduledShare is the least share, between 0 and 1, of each claim
	// left to scheduled messages while they wait, however many replies are
	// pending (config telegram.scheduled_share, in percent); default 0.25.
	// Replies still go first within a claim, and take the whole claim when
	// no scheduled message is ready; at least one reply is claimed per
	// claim when one is ready. Negative: replies always go first.
	ScheduledShare float64
	// MaxAttempts is how many failed attempts make a row dead; default 12,
	// which with the default backoff spans 20 to 35 minutes of outage.
	MaxAttempts int
	// BaseBackoff is the wait after the first failure, doubled after each;
	// default 2 s.
	BaseBackoff time.Duration
	// MaxBackoff caps the wait between attempts; default 10 min.
	MaxBackoff time.Duration
	// Batch is how many rows (one per chat) one claim takes; default 25.
	Batch int
	// MaxInFlight is how many messages may be sent at once (config
	// telegram.max_in_flight); default 1. A message Telegram accepted but
	// not yet marked sent goes out again after a crash, so MaxInFlight is
	// the most duplicates one crash can cause: 1 keeps the design's "at
	// most one duplicate per crash"; more trades that for throughput when
	// Telegram's round trip is long.
	MaxInFlight int
	// Lease is how long a claimed row is reserved for its sender before
	// another worker may take it again; default 60 s. It must exceed
	// SendTimeout.
	Lease time.Duration
	// SendTimeout bounds one send; default 30 s.
	SendTimeout time.Duration
	// PollInterval is the fallback poll when no notification arrives;
	// default 1 s.
	PollInterval time.Duration
	// Coalesce is how long the worker waits, once woken by an enqueue's
	// notification or after a claim that found less than a full Batch,
	// before it claims again: a burst of messages enqueued one transaction
	// at a time is then claimed, sent and marked in batches rather than a
	// claim and a mark per message (River's fetch cooldown); default 10 ms.
	Coalesce time.Duration
	// Language is the language of notices to officials without one of
	// their own; default Vietnamese.
	Language i18n.Lang
	// Bot names the Telegram bot whose rows the lane claims (config
	// telegram.bots); default store.DefaultBot, which is also the bot of
	// every row of the other channels. Each bot has a lane of its own, with
	// its own budget, per-chat limits and MaxInFlight: the
	// one-duplicate-per-crash bound holds per lane.
	Bot string
	// OnUnauthorized, when set, is called (outside any lock, in the
	// sending goroutine) each time the channel refuses the credentials
	// (channel.ErrUnauthorized): serve tells the office. The lane holds
	// its sends and probes either way.
	OnUnauthorized func(err error)
}

// ScheduledShare returns the Options.ScheduledShare of config
// telegram.scheduled_share, a percentage: 0 lets replies always go first.
func ScheduledShare(percent int) float64 {
	if percent <= 0 {
		return -1
	}
	return float64(percent) / 100
}

// withDefaults fills zero fields; the pacing from the channel's limits l.
func (o Options) withDefaults(l channel.Limits) Options {
	if o.RatePerSecond <= 0 {
		o.RatePerSecond = l.PerSecond
	}
	if o.PerChatInterval <= 0 {
		o.PerChatInterval = l.ChatEvery
	}
	if o.GroupChatInterval <= 0 {
		o.GroupChatInterval = l.GroupEvery
	}
	if o.FreeTooMany <= 0 {
		o.FreeTooMany = 5
	}
	if o.ScheduledShare == 0 {
		o.ScheduledShare = 0.25
	}
	if o.ScheduledShare > 1 {
		o.ScheduledShare = 1
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 12
	}
	if o.BaseBackoff <= 0 {
		o.BaseBackoff = 2 * time.Second
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 10 * time.Minute
	}
	if o.Batch <= 0 {
		o.Batch = 25
	}
	if o.MaxInFlight <= 0 {
		o.MaxInFlight = 1
	}
	if o.Coalesce <= 0 {
		o.Coalesce = 10 * time.Millisecond
	}
	if o.SendTimeout <= 0 {
		o.SendTimeout = 30 * time.Second
	}
	if o.Lease <= o.SendTimeout {
		o.Lease = 2 * o.SendTimeout
	}
	if o.PollInterval <= 0 {
		o.PollInterval = time.Second
	}
	if o.Language == "" {
		o.Language = i18n.VI
	}
	if o.Bot == "" {
		o.Bot = store.DefaultBot
	}
	return o
}

// Stats counts what a Lane did. Fields are updated atomically; read them
// with Snapshot.
type Stats struct {
	Counters
	tooMany, migrated, unreachable atomic.Int64
	down                           atomic.Bool
}

// StatsSnapshot is a consistent-enough copy of Stats for metrics.
type StatsSnapshot struct {
	Sent            int64         // messages delivered
	Failed          int64         // attempts that failed (any reason)
	Dead            int64         // rows given up
	Retried         int64         // rows rescheduled after a transient failure
	TooManyRequests int64         // answers asking to slow down (Telegram's 429)
	Migrated        int64         // chats moved to a new id (a Telegram supergroup)
	Unreachable     int64         // chats that blocked the bot (Telegram's 403)
	SendLatency     time.Duration // total time spent in successful sends
	Down            bool          // the channel as a whole does not answer now
}

// Snapshot returns the current counts.
func (s *Stats) Snapshot() StatsSnapshot {
	c := s.Counts()
	return StatsSnapshot{
		Sent:            c.Sent,
		Failed:          c.Failed,
		Dead:            c.Dead,
		Retried:         c.Retried,
		TooManyRequests: s.tooMany.Load(),
		Migrated:        s.migrated.Load(),
		Unreachable:     s.unreachable.Load(),
		SendLatency:     c.SendLatency,
		Down:            s.down.Load(),
	}
}

// Lane delivers the outbox rows of one channel. Several lanes of a
// channel, in one or many processes, may run against one database.
type Lane struct {
	st      *store.Store
	sender  channel.Sender
	channel string // the sender's channel, as the store names it
	clk     clock.Clock
	log     *slog.Logger
	opts    Options

	limiter *rate.Limiter
	stats   Stats

	mu sync.Mutex
	// Rate limits are about real elapsed time, as Telegram measures it,
	// not the injected clock (which the demo runs fast): these use the
	// monotonic wall clock.
	lastSend map[int64]time.Time // chat → last send attempt
	inflight map[int64]bool      // chats being sent to now

	// The channel as a whole is down (Probe failed after a send failed):
	// downs counts the failed probes since it last answered, and no row
	// is claimed before probeAt (on the injected clock, like backoff).
	downs   int
	probeAt time.Time
}

// NewLane returns a Lane delivering the rows of st's outbox of sender's
// channel through sender, paced by its Limits unless opts say otherwise.
// clk gives "now" for the database (due times, backoff); log receives one
// line per failure.
func NewLane(st *store.Store, sender channel.Sender, clk clock.Clock, log *slog.Logger, opts Options) *Lane {
	opts = opts.withDefaults(sender.Limits())
	limit, burst := rate.Inf, 1
	if opts.RatePerSecond > 0 {
		limit, burst = rate.Limit(opts.RatePerSecond), max(1, int(opts.RatePerSecond))
	}
	l := log.With("channel", string(sender.Channel()))
	if opts.Bot != store.DefaultBot {
		l = l.With("bot", opts.Bot)
	}
	return &Lane{
		st:       st,
		sender:   sender,
		channel:  string(sender.Channel()),
		clk:      clk,
		log:      l,
		opts:     opts,
		limiter:  rate.NewLimiter(limit, burst),
		lastSend: make(map[int64]time.Time),
		inflight: make(map[int64]bool),
	}
}

// Channel names the lane's channel.
func (w *Lane) Channel() channel.Name { return w.sender.Channel() }

// Bot names the Telegram bot whose rows the lane claims (Options.Bot).
func (w *Lane) Bot() string { return w.opts.Bot }

// Stats returns the worker's counters.
func (w *Lane) Stats() *Stats { return &w.stats }

// Run delivers messages until ctx is done, then returns nil once the sends
// in progress have ended. It wakes on every enqueue notification of its
// channel, polls every PollInterval, and drains without pause while
// messages are ready (Loop).
func (w *Lane) Run(ctx context.Context) error {
	return w.run(ctx, nil)
}

// run is Run woken by wake when not nil (the Worker's one listener of a
// channel several lanes share), else by a listener of its own.
func (w *Lane) run(ctx context.Context, wake <-chan struct{}) error {
	return Loop{
		Wake:     wake,
		Channel:  store.WakeChannel(w.channel),
		Drain:    w.DrainOnce,
		Batch:    w.opts.Batch,
		Poll:     w.opts.PollInterval,
		Coalesce: w.opts.Coalesce,
		Idle:     w.untilChatReady,
		Name:     "delivery",
		Log:      w.log,
	}.Run(ctx, w.st)
}

// interval is the least time between two messages to chat: a group's
// (negative id) is GroupChatInterval.
func (w *Lane) interval(chat int64) time.Duration {
	if chat < 0 {
		return max(w.opts.GroupChatInterval, w.opts.PerChatInterval)
	}
	return w.opts.PerChatInterval
}

// untilChatReady is how long until the earliest chat now held back by the
// per-chat interval may receive again, at most PollInterval.
func (w *Lane) untilChatReady() time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	wait := w.opts.PollInterval
	now := time.Now()
	for chat, t := range w.lastSend {
		d := t.Add(w.interval(chat)).Sub(now)
		if d <= 0 {
			if !w.inflight[chat] {
				delete(w.lastSend, chat)
			}
			continue
		}
		if d < wait {
			wait = d
		}
	}
	if wait < 5*time.Millisecond {
		wait = 5 * time.Millisecond
	}
	return wait
}

// DrainOnce claims one batch of due rows (at most one per chat, none for a
// chat sent to less than PerChatInterval ago, or GroupChatInterval for a
// group, none for a chat held back by a 429) and delivers them under the
// rate limits. It returns how many were sent.
func (w *Lane) DrainOnce(ctx context.Context) (int, error) {
	batch, ok := w.claimSize()
	if !ok {
		return 0, nil
	}
	busy := w.busyChats()
	rows, err := w.st.ClaimBotOutbox(ctx, w.channel, w.opts.Bot, w.clk.Now(), w.opts.Lease, batch, min(batch, w.maxReplies()), busy)
	if err != nil {
		return 0, fmt.Errorf("delivery: %w", err)
	}
	if len(rows) == 0 {
		return 0, nil
	}
	w.mu.Lock()
	for _, r := range rows {
		if r.ChatID != 0 {
			w.inflight[r.ChatID] = true
		}
	}
	w.mu.Unlock()

	if w.opts.MaxInFlight == 1 {
		// One at a time, each marked sent before the next is sent: a crash
		// can then duplicate at most the one message in flight.
		sent := 0
		for _, r := range rows {
			if msgID, ok := w.deliver(ctx, r); ok {
				w.markSent(ctx, []store.Delivered{{ID: r.ID, MessageID: msgID}})
				sent++
			}
		}
		return sent, nil
	}
	var (
		wg        sync.WaitGroup
		mu        sync.Mutex
		delivered []store.Delivered
		slots     = make(chan struct{}, w.opts.MaxInFlight)
	)
	for _, r := range rows {
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer func() { <-slots; wg.Done() }()
			if msgID, ok := w.deliver(ctx, r); ok {
				mu.Lock()
				delivered = append(delivered, store.Delivered{ID: r.ID, MessageID: msgID})
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	// The batch is marked sent in one statement. Until then its rows stay
	// leased, and later messages to the same chats wait behind them.
	w.markSent(ctx, delivered)
	return len(delivered), nil
}

// markSent records delivered rows as sent. It must survive the caller's
// cancellation and a short database outage — a message sent but not marked
// would go out twice — so it retries for up to a minute before giving up
// (the rows are then sent again when their lease ends).
func (w *Lane) markSent(ctx context.Context, delivered []store.Delivered) {
	if len(delivered) == 0 {
		return
	}
	mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	wait := 100 * time.Millisecond
	for {
		err := w.st.MarkOutboxSentMany(mctx, delivered, w.clk.Now())
		if err == nil {
			return
		}
		select {
		case <-mctx.Done():
			w.record(err)
			return
		case <-time.After(wait):
		}
		if wait < 5*time.Second {
			wait *= 2
		}
	}
}

// claimSize is how many rows the next claim may take: Batch, or while
// the channel is down one probing row once probeAt has passed (ok false
// before then).
func (w *Lane) claimSize() (n int, ok bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.downs == 0 {
		return w.opts.Batch, true
	}
	if w.clk.Now().Before(w.probeAt) {
		return 0, false
	}
	return 1, true
}

// up records that the channel answered: a send went through.
func (w *Lane) up() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.downs > 0 {
		w.log.Info("delivery: the channel answers again; delivery resumes", "failed_probes", w.downs)
	}
	w.downs = 0
	w.stats.down.Store(false)
}

// channelDown reports whether the channel as a whole is down after a send
// failed with err: the sender's Probe fails too (an answer asking to slow
// down is an answer). Then it holds every send until the next probe.
func (w *Lane) channelDown(ctx context.Context, err error) bool {
	pctx, cancel := context.WithTimeout(ctx, min(w.opts.SendTimeout, 10*time.Second))
	perr := w.sender.Probe(pctx)
	cancel()
	var slow *channel.RetryAfterError
	if perr == nil || errors.As(perr, &slow) {
		return false
	}
	w.hold(err, perr)
	return true
}

// hold records that the channel is down after a send failed with err (the
// probe's error perr): every send waits until the next probe, backing off.
func (w *Lane) hold(err, perr error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.downs++
	wait := w.policy().Backoff(w.downs)
	w.probeAt = w.clk.Now().Add(wait)
	w.stats.down.Store(true)
	w.log.Warn("delivery: the channel does not answer; messages wait, none is given up",
		"err", err, "probe", perr, "failed_probes", w.downs, "next_probe_in", wait)
}

// maxReplies is how many replies one claim may take while scheduled
// messages wait: Batch less ScheduledShare of it (rounded up), at least
// one.
func (w *Lane) maxReplies() int {
	if w.opts.ScheduledShare < 0 {
		return w.opts.Batch
	}
	reserved := int(math.Ceil(float64(w.opts.Batch) * w.opts.ScheduledShare))
	return max(1, w.opts.Batch-reserved)
}

// busyChats lists the chats that must not be claimed now.
func (w *Lane) busyChats() []int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := time.Now()
	busy := make([]int64, 0, len(w.inflight)+len(w.lastSend))
	for chat := range w.inflight {
		busy = append(busy, chat)
	}
	for chat, t := range w.lastSend {
		if w.inflight[chat] {
			continue
		}
		if now.Sub(t) < w.interval(chat) {
			busy = append(busy, chat)
		} else {
			delete(w.lastSend, chat)
		}
	}
	return busy
}

// waitTurn blocks until the global budget allows one more send. A
// RetryAfterError holds back its chat only (tooMany), never the other
// chats' sends.
func (w *Lane) waitTurn(ctx context.Context) error {
	return w.limiter.Wait(ctx)
}

// deliver sends one claimed row and records a failure. It returns the
// channel's message id and true when the message was sent; the caller
// marks it sent.
func (w *Lane) deliver(ctx context.Context, r store.OutboxRow) (int64, bool) {
	defer func() {
		w.mu.Lock()
		delete(w.inflight, r.ChatID)
		w.mu.Unlock()
	}()
	// A row without a chat (an e-mail) is paced by the global budget only.
	// Recording the outcome must survive the caller's cancellation: a sent
	// message not marked sent would go out twice.
	mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()

	p, err := r.Payload()
	if err != nil {
		w.giveUp(mctx, r, err)
		return 0, false
	}
	if err := w.waitTurn(ctx); err != nil {
		// Shutting down before sending: hand the row back at once.
		w.record(w.st.RetryOutbox(mctx, r.ID, w.clk.Now(), r.LastError, false))
		return 0, false
	}
	sctx, scancel := context.WithTimeout(ctx, w.opts.SendTimeout)
	start := time.Now()
	receipt, err := w.sender.Send(sctx, r.ChatID, p)
	elapsed := time.Since(start)
	scancel()
	if r.ChatID != 0 {
		w.mu.Lock()
		w.lastSend[r.ChatID] = time.Now()
		w.mu.Unlock()
	}

	if err == nil {
		w.stats.Sent(elapsed)
		w.up()
		return receipt.MessageID, true
	}
	w.stats.Failed()
	w.fail(mctx, ctx, r, err)
	return 0, false
}

// fail sorts a send error by the channel's error kinds and reschedules,
// moves or kills the row.
func (w *Lane) fail(mctx, ctx context.Context, r store.OutboxRow, err error) {
	now := w.clk.Now()
	var (
		slow    *channel.RetryAfterError
		migrate *channel.MigratedError
	)
	switch {
	case errors.As(err, &slow):
		w.tooMany(mctx, r, slow.After, err)

	case errors.As(err, &migrate):
		w.stats.migrated.Add(1)
		w.log.Info("delivery: chat migrated", "outbox", r.ID, "from", r.ChatID, "to", migrate.To)
		if merr := w.st.MigrateChat(mctx, r.ID, r.ChatID, migrate.To, now); merr != nil {
			w.log.Error("delivery: move migrated chat", "outbox", r.ID, "err", merr)
			w.retry(mctx, r, err)
		}

	case errors.Is(err, channel.ErrUnreachable):
		w.stats.unreachable.Add(1)
		w.stats.Dead()
		w.log.Warn("delivery: chat unreachable", "outbox", r.ID, "chat", r.ChatID, "err", err)
		_, uerr := w.st.MarkUnreachable(mctx, r.ID, r.ChatID, "unreachable: "+err.Error(), now, message.Unreachable(w.opts.Language))
		if errors.Is(uerr, store.ErrNotFound) {
			uerr = w.st.KillOutbox(mctx, r.ID, "unreachable: "+err.Error())
		}
		w.record(uerr)

	case errors.Is(err, channel.ErrRejected):
		w.giveUp(mctx, r, err)

	case ctx.Err() != nil:
		// Cancelled mid-send: the channel may or may not have the message.
		// Hand the row back without counting the attempt; at worst it is
		// delivered twice.
		w.record(w.st.RetryOutbox(mctx, r.ID, now, err.Error(), false))

	case errors.Is(err, channel.ErrUnauthorized):
		// The credentials, not the message: hold every send and probe
		// until they are fixed.
		w.hold(err, err)
		w.stats.Retried()
		w.record(w.st.RetryOutbox(mctx, r.ID, now, err.Error(), false))
		if w.opts.OnUnauthorized != nil {
			w.opts.OnUnauthorized(err)
		}

	case w.channelDown(mctx, err):
		// Not the message's fault: give the attempt back.
		w.stats.Retried()
		w.record(w.st.RetryOutbox(mctx, r.ID, now, err.Error(), false))

	default:
		w.retry(mctx, r, err)
	}
}

// tooMany holds back r's chat, and only that chat, for retryAfter (the
// channel asked to slow down; Telegram's 429): no message of the chat is
// claimed before then, by any worker, while the other chats go on. Past
// FreeTooMany consecutive ones of the chat, each counts as an attempt of r and waits at least its
// backoff; r is dead at MaxAttempts.
func (w *Lane) tooMany(ctx context.Context, r store.OutboxRow, retryAfter time.Duration, err error) {
	w.stats.tooMany.Add(1)
	if retryAfter <= 0 {
		retryAfter = time.Second
	}
	out, rerr := w.st.RecordTooManyRequests(ctx, store.TooMany{
		ID:          r.ID,
		ChatID:      r.ChatID,
		Now:         w.clk.Now(),
		RetryAfter:  retryAfter,
		Free:        w.opts.FreeTooMany,
		Backoff:     w.policy().Backoff(r.Attempts),
		MaxAttempts: w.opts.MaxAttempts,
		Error:       err.Error(),
	})
	if rerr != nil {
		w.record(rerr)
		return
	}
	switch {
	case out.Dead:
		w.stats.Dead()
		w.log.Error("delivery: message dead after repeated 429s", "outbox", r.ID, "chat", r.ChatID,
			"attempts", r.Attempts, "consecutive_429", out.Consecutive, "err", err)
	case out.Counted:
		w.stats.Retried()
		w.log.Warn("delivery: chat keeps answering 429, attempt counted", "outbox", r.ID, "chat", r.ChatID,
			"attempt", r.Attempts, "consecutive_429", out.Consecutive, "not_before", out.NotBefore, "err", err)
	default:
		w.log.Warn("delivery: the channel asks to slow down for one chat", "outbox", r.ID, "chat", r.ChatID,
			"retry_after", retryAfter, "consecutive_429", out.Consecutive)
	}
}

// retry reschedules r with exponential backoff and jitter, or kills it
// after MaxAttempts.
func (w *Lane) retry(ctx context.Context, r store.OutboxRow, err error) {
	d, dead := w.policy().Retry(r.Attempts)
	if dead {
		w.giveUp(ctx, r, err)
		return
	}
	w.stats.Retried()
	w.log.Warn("delivery: send failed, will retry", "outbox", r.ID, "chat", r.ChatID,
		"attempt", r.Attempts, "retry_in", d, "err", err)
	w.record(w.st.RetryOutbox(ctx, r.ID, w.clk.Now().Add(d), err.Error(), true))
}

// giveUp marks r dead, keeping err.
func (w *Lane) giveUp(ctx context.Context, r store.OutboxRow, err error) {
	w.stats.Dead()
	w.log.Error("delivery: message dead", "outbox", r.ID, "chat", r.ChatID, "attempts", r.Attempts, "err", err)
	w.record(w.st.KillOutbox(ctx, r.ID, err.Error()))
}

// record logs a failure to store an outcome. The row's lease then runs out
// and it is attempted again.
func (w *Lane) record(err error) {
	if err != nil {
		w.log.Error("delivery: record delivery outcome", "err", err)
	}
}

// policy is the lane's retry and dead-letter policy.
func (w *Lane) policy() Policy {
	return Policy{MaxAttempts: w.opts.MaxAttempts, BaseBackoff: w.opts.BaseBackoff, MaxBackoff: w.opts.MaxBackoff}
}

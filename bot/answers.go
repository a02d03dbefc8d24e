package bot

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/nhacviec/nhacviec/channel"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/report"
	"github.com/nhacviec/nhacviec/store"
)

// answerKey names one expensive answer of a unit: what (digest, overdue)
// and its argument (a period key, a date).
type answerKey struct {
	unitID int64
	what   string
	arg    string
}

// memo keeps expensive answers (the compiled digest of /tonghop and
// /chuabaocao, the overdue list of /quahan) for ttl per unit, and lets
// concurrent callers of one key wait for a single computation instead of
// each running their own. Only the data is kept: each caller renders it in
// its own language and for its own role, so one compile serves everyone.
//
// It is in memory, per process, on purpose: the data is derived and
// read-only, so two replicas each compiling once a minute per unit is a
// bounded cost (N compiles for N processes), while a cache in the database
// would have to serialize a digest and hold a lock across replicas during
// the compile to gain the last factor of N.
type memo[V any] struct {
	ttl time.Duration

	mu      sync.Mutex
	entries map[answerKey]*memoEntry[V]
}

// memoEntry is one computed (or being computed) answer.
type memoEntry[V any] struct {
	ready chan struct{} // closed when value and err are set
	at    time.Time     // when it was computed (the injected clock)
	value V
	err   error
}

// newMemo returns an empty memo keeping answers for ttl.
func newMemo[V any](ttl time.Duration) *memo[V] {
	return &memo[V]{ttl: ttl, entries: make(map[answerKey]*memoEntry[V])}
}

// get returns the answer of key computed at most ttl before now, or
// computes it. When another caller is computing it, get waits for that
// computation if wait is true (giving up when ctx ends), else computes on
// its own without keeping the result: a caller inside a transaction must
// not wait, since the waiters' connections could take the whole pool
// while the computation needs one of its own (report.Compile).
func (m *memo[V]) get(ctx context.Context, key answerKey, now time.Time, wait bool, compute func() (V, error)) (V, error) {
	m.mu.Lock()
	e := m.entries[key]
	if e != nil && !m.fresh(e, now) {
		e = nil
	}
	if e != nil && !wait && !m.done(e) {
		m.mu.Unlock()
		return compute()
	}
	if e == nil {
		m.sweep(now)
		e = &memoEntry[V]{ready: make(chan struct{}), at: now}
		m.entries[key] = e
		m.mu.Unlock()
		m.compute(key, e, compute)
		return e.value, e.err
	}
	m.mu.Unlock()
	select {
	case <-e.ready:
		return e.value, e.err
	case <-ctx.Done():
		var zero V
		return zero, fmt.Errorf("bot: wait for %s of unit %d: %w", key.what, key.unitID, ctx.Err())
	}
}

// compute fills e by calling compute and releases its waiters, also when
// compute panics (the panic then goes on to the caller). A failure is not
// kept: the next caller tries again.
func (m *memo[V]) compute(key answerKey, e *memoEntry[V], compute func() (V, error)) {
	finished := false
	defer func() {
		if !finished {
			e.err = fmt.Errorf("bot: %s of unit %d: computation panicked", key.what, key.unitID)
		}
		if e.err != nil {
			m.mu.Lock()
			if m.entries[key] == e {
				delete(m.entries, key)
			}
			m.mu.Unlock()
		}
		close(e.ready)
	}()
	e.value, e.err = compute()
	finished = true
}

// done reports whether e is computed.
func (m *memo[V]) done(e *memoEntry[V]) bool {
	select {
	case <-e.ready:
		return true
	default:
		return false
	}
}

// fresh reports whether e (computed or in progress) may serve a caller at
// now. An entry from the future (the clock was set back) is not fresh.
// m.mu is held.
func (m *memo[V]) fresh(e *memoEntry[V], now time.Time) bool {
	if !m.done(e) {
		return true // in progress: wait for it
	}
	return e.err == nil && !now.Before(e.at) && now.Sub(e.at) < m.ttl
}

// sweep drops finished entries that are no longer fresh, so that the map
// holds about one entry per unit and answer kind. m.mu is held.
func (m *memo[V]) sweep(now time.Time) {
	for k, e := range m.entries {
		if !m.fresh(e, now) {
			delete(m.entries, k)
		}
	}
}

// compiled tells the test hook that an expensive answer was computed.
func (b *Bot) compiled(what string) {
	if b.onCompile != nil {
		b.onCompile(what)
	}
}

// digestPeriod is the period of the digest /tonghop and /chuabaocao show
// at now: the current month (under the configured cut-off) to date. A
// month is the shortest period the chairman is told about that has enough
// in it to be worth reading mid-period; the weekly digest arrives on its
// own.
func (b *Bot) digestPeriod(now time.Time) plan.Period {
	return plan.PeriodContaining(plan.Month, plan.DateIn(now, b.cfg.Location), b.cfg.Cutoff)
}

// unitDigest returns the digest of unit unitID for period p as of now
// (report.Compile, as the digest jobs and command compile it: a parent unit's is
// aggregated over its wards), compiled at most once per Limits.AnswerCache
// and reused by /tonghop and /chuabaocao in every language (it shows the
// instant it was compiled). The digest must not be changed by its users.
// wait is as in memo.get.
func (b *Bot) unitDigest(ctx context.Context, q store.Reader, unitID int64, p plan.Period, now time.Time, wait bool) (report.Result, error) {
	key := answerKey{unitID: unitID, what: "digest", arg: p.Key}
	return b.digests.get(ctx, key, now, wait, func() (report.Result, error) {
		b.compiled("digest")
		unit, err := store.UnitOf(ctx, q, unitID)
		if err != nil {
			return report.Result{}, err
		}
		return report.Compile(ctx, b.st, unit, p, now, report.Options{})
	})
}

// unitOverdue returns the occurrences of unit unitID open and due before
// today, computed at most once per Limits.AnswerCache and shared by every
// official of the unit (each sees their part of it). The list must not be
// changed by its users. wait is as in memo.get.
func (b *Bot) unitOverdue(ctx context.Context, q store.Reader, unitID int64, today plan.Date, now time.Time, wait bool) ([]store.ReminderItem, error) {
	key := answerKey{unitID: unitID, what: "overdue", arg: today.String()}
	return b.overdue.get(ctx, key, now, wait, func() ([]store.ReminderItem, error) {
		b.compiled("overdue")
		return store.OpenOccurrences(ctx, q, unitID, today.AddDays(-1))
	})
}

// prepare computes, before the update's transaction begins, the expensive
// answer a /tonghop, /chuabaocao or /quahan will need, waiting for one
// being computed by another update rather than computing it again. The
// handler then finds it in the memo. Failures are left to the handler,
// which computes the answer itself.
//
// It runs outside the update's transaction on purpose. Waiting there for
// another update's computation would hold a connection per waiter while
// the computation needs one of its own, and could exhaust the pool. This
// does not split the update: the official read here only chooses which
// answer to warm, and the answer is derived, shared data (kept
// Limits.AnswerCache), not the update's state. The turn identifies the
// sender again, and decides everything it commits, inside its transaction.
func (b *Bot) prepare(ctx context.Context, upd channel.Update, now time.Time) {
	m := upd
	if !isMessage(m) {
		return
	}
	name, _, ok := (&turn{b: b}).command(m.Text)
	if !ok {
		return
	}
	var digest bool
	switch name {
	case "tonghop", "digest", "chuabaocao", "missing":
		digest = true
	case "quahan", "overdue":
	default:
		return
	}
	o, err := b.st.OfficialByChat(ctx, m.ChatID)
	if err != nil || (o.TelegramUserID != nil && *o.TelegramUserID != m.UserID) {
		return
	}
	if digest {
		if o.Manager() {
			_, _ = b.unitDigest(ctx, b.st, o.UnitID, b.digestPeriod(now), now, true)
		}
		return
	}
	_, _ = b.unitOverdue(ctx, b.st, o.UnitID, plan.DateIn(now, b.cfg.Location), now, true)
}

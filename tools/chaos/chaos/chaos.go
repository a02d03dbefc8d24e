// Package chaos injects faults into nhacviec and measures what the outbox
// guarantees survive them: every decided message delivered at least once,
// at most one duplicate per message per crash, nothing lost, every job run
// decided once.
//
// Each scenario takes a size (how many messages, kills, seconds of faults):
// the tests of this package run them CI-sized under `make test`, and the
// chaos program (tools/chaos, `make chaos`) runs them long and writes the
// table of docs/RELIABILITY.md.
package chaos

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/telegramtest"
)

// Env is what the scenarios need from their host (a test or the chaos
// program).
type Env struct {
	// Bin is the path of a built nhacviec binary, for the scenarios that
	// run `nhacviec serve` as a child process.
	Bin string
	// Database returns the URL of a fresh, migrated database.
	Database func(ctx context.Context) (string, error)
	// TempDir returns a fresh directory removed when the host is done.
	TempDir func() string
	// Logf reports progress; nil is silent.
	Logf func(format string, args ...any)
}

func (e Env) logf(format string, args ...any) {
	if e.Logf != nil {
		e.Logf(format, args...)
	}
}

// Result is what a scenario measured.
type Result struct {
	Scenario string
	// Decided counts the messages decided (outbox rows) or, for the
	// scheduler scenarios, the job runs claimed.
	Decided int
	// Delivered counts the decided messages that reached Telegram at
	// least once (distinct dedupe keys), or the runs done.
	Delivered int
	// Duplicated counts the extra deliveries: a message received three
	// times counts two. For the scheduler scenarios: runs decided twice.
	Duplicated int
	// Lost counts decided messages never delivered (or dead).
	Lost int
	// Crashes counts the kills or outages injected.
	Crashes int
	// Timeouts counts the sends that timed out on the client's side. Such
	// a send may still reach Telegram (the request was on its way), so each
	// may cause one duplicate: no client can tell, and the Bot API has no
	// idempotency key.
	Timeouts int
	// MaxPerMessage is the largest number of times one message arrived.
	MaxPerMessage int
	// Excess is the largest number of times one message arrived beyond
	// once plus once per timed-out send of its own: what a crash (or a
	// bug) must account for.
	Excess int
	// Elapsed is the scenario's wall time.
	Elapsed time.Duration
	// Notes says what was injected.
	Notes string
}

// Check returns an error unless r keeps the outbox guarantees: nothing
// lost, every message delivered, no message more than once per crash plus
// once, and no more duplicates than allowed in total.
func (r Result) Check(maxDuplicates int) error {
	var errs []string
	if r.Lost != 0 {
		errs = append(errs, fmt.Sprintf("%d lost", r.Lost))
	}
	if r.Delivered != r.Decided {
		errs = append(errs, fmt.Sprintf("%d of %d delivered", r.Delivered, r.Decided))
	}
	if r.Excess > r.Crashes {
		errs = append(errs, fmt.Sprintf("a message arrived %d times more than once per timed-out send of its own, after %d crashes",
			r.Excess, r.Crashes))
	}
	if r.Duplicated > maxDuplicates {
		errs = append(errs, fmt.Sprintf("%d duplicates, at most %d allowed", r.Duplicated, maxDuplicates))
	}
	if len(errs) > 0 {
		return fmt.Errorf("chaos: %s: %s", r.Scenario, strings.Join(errs, "; "))
	}
	return nil
}

// Merge adds the counts of o to r (several rounds of one scenario).
func (r *Result) Merge(o Result) {
	if r.Scenario == "" {
		r.Scenario = o.Scenario
	}
	r.Decided += o.Decided
	r.Delivered += o.Delivered
	r.Duplicated += o.Duplicated
	r.Lost += o.Lost
	r.Crashes += o.Crashes
	r.MaxPerMessage = max(r.MaxPerMessage, o.MaxPerMessage)
	r.Excess = max(r.Excess, o.Excess)
	r.Elapsed += o.Elapsed
	if r.Notes == "" {
		r.Notes = o.Notes
	}
}

// Table renders results as a Markdown table.
func Table(results []Result) string {
	var b strings.Builder
	b.WriteString("| scenario | injected | decided | delivered | duplicated | lost | max per message | time |\n")
	b.WriteString("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, r := range results {
		fmt.Fprintf(&b, "| %s | %s | %d | %d | %d | %d | %d | %s |\n",
			r.Scenario, r.Notes, r.Decided, r.Delivered, r.Duplicated, r.Lost, r.MaxPerMessage,
			r.Elapsed.Round(100*time.Millisecond))
	}
	return b.String()
}

// burst is a set of messages enqueued for a scenario, each carrying its
// dedupe key in its text so that the fake Telegram's record tells which
// arrived.
type burst struct {
	prefix string
	keys   []string
}

// enqueueBurst enqueues n messages over chats chats (chat ids 9000+i),
// keyed prefix-i, due at now.
func enqueueBurst(ctx context.Context, st *store.Store, prefix string, n, chats int, now time.Time) (burst, error) {
	b := burst{prefix: prefix}
	for i := range n {
		key := fmt.Sprintf("%s-%04d", prefix, i)
		m := store.OutMessage{
			ChatID:    9000 + int64(i%chats),
			DedupeKey: key,
			Kind:      "notice",
			Payload:   store.Payload{Text: "Thông báo thử nghiệm <b>" + key + "</b>"},
			NotBefore: now,
		}
		if _, err := store.Enqueue(ctx, st, m); err != nil {
			return burst{}, fmt.Errorf("chaos: enqueue: %w", err)
		}
		b.keys = append(b.keys, key)
	}
	return b, nil
}

// received counts, per key of b, the messages the fake Telegram received.
func (b burst) received(tg *telegramtest.Server) map[string]int {
	got := make(map[string]int, len(b.keys))
	for _, m := range tg.Sent() {
		text := m.Plain()
		i := strings.Index(text, b.prefix+"-")
		if i < 0 {
			continue
		}
		got[text[i:]]++
	}
	return got
}

// count returns how many keys of b arrived at least once.
func (b burst) count(tg *telegramtest.Server) int {
	return len(b.received(tg))
}

// result measures b against the fake's record and the outbox.
func (b burst) result(ctx context.Context, st *store.Store, tg *telegramtest.Server, r Result) (Result, error) {
	return b.resultWithTimeouts(ctx, st, tg, r, nil)
}

// resultWithTimeouts is result, where timedOut[key] sends of a message
// timed out on the client's side, each of which may have arrived.
func (b burst) resultWithTimeouts(ctx context.Context, st *store.Store, tg *telegramtest.Server, r Result, timedOut map[string]int) (Result, error) {
	got := b.received(tg)
	r.Decided += len(b.keys)
	delivered := 0
	for _, k := range b.keys {
		n := got[k]
		if n == 0 {
			continue
		}
		delivered++
		r.Duplicated += n - 1
		r.MaxPerMessage = max(r.MaxPerMessage, n)
		r.Excess = max(r.Excess, n-1-timedOut[k])
	}
	var notSent int
	err := st.DB().GetContext(ctx, &notSent, `
		SELECT count(*) FROM outbox WHERE starts_with(dedupe_key, $1) AND status <> 'sent'`, b.prefix+"-")
	if err != nil {
		return r, fmt.Errorf("chaos: count unsent: %w", err)
	}
	r.Delivered += delivered
	r.Lost += max(len(b.keys)-delivered, notSent)
	return r, nil
}

// waitFor polls cond every 20 ms until it holds or the timeout passes.
func waitFor(ctx context.Context, timeout time.Duration, what string, cond func() (bool, error)) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		ok, err := cond()
		if err != nil {
			return err
		}
		if ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("chaos: %s: not within %s", what, timeout)
		case <-tick.C:
		}
	}
}

// waitBackendsIdle waits until no other session of st's database is running
// a statement or holding a transaction open: a killed client's backend
// finishes (and commits) what it was running before it notices the client
// is gone.
func waitBackendsIdle(ctx context.Context, st *store.Store) error {
	return waitFor(ctx, 30*time.Second, "the killed process's sessions to end", func() (bool, error) {
		var busy int
		err := st.DB().GetContext(ctx, &busy, `
			SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND pid <> pg_backend_pid()
			  AND backend_type = 'client backend' AND state IS DISTINCT FROM 'idle'`)
		return busy == 0, err
	})
}

// expireLeases ends the leases of the rows a killed worker had claimed, as
// if their lease (delivery.Options.Lease, 60 s by default) had run out: the
// rows become due again at once instead of a minute later.
func expireLeases(ctx context.Context, st *store.Store, prefix string, now time.Time) error {
	_, err := st.DB().ExecContext(ctx, `
		UPDATE outbox SET next_attempt_at = $2
		WHERE status = 'pending' AND starts_with(dedupe_key, $1) AND next_attempt_at > $2`,
		prefix+"-", now)
	if err != nil {
		return fmt.Errorf("chaos: expire leases: %w", err)
	}
	return nil
}

// quietLog discards log lines below error.
func quietLog(w io.Writer) *slog.Logger {
	if w == nil {
		w = io.Discard
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelError}))
}

// sortedResults sorts by scenario name (stable output).
func sortedResults(rs []Result) []Result {
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].Scenario < rs[j].Scenario })
	return rs
}

package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"time"

	tgbot "github.com/go-telegram/bot"

	"github.com/nhacviec/nhacviec/clock"
	"github.com/nhacviec/nhacviec/config"
	"github.com/nhacviec/nhacviec/delivery"
	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/jobs"
	"github.com/nhacviec/nhacviec/message"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/report"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/telegram"
	"github.com/nhacviec/nhacviec/telegramtest"
	"github.com/nhacviec/nhacviec/tools/gen/gen"
	"github.com/nhacviec/nhacviec/wardreport"
)

// discard is a logger that drops everything.
func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// tickInstant is the reminder run measured: 08:00 on the day of the
// generated history.
func tickInstant() time.Time {
	a := gen.DefaultAsOf()
	return time.Date(a.Year(), a.Month(), a.Day(), 8, 0, 0, 0, a.Location())
}

// tickResult is what one remind run did and cost.
type tickResult struct {
	Times        []time.Duration // the run's transaction (claim and decisions), each repetition
	FanOuts      []time.Duration // the fan-out of its decisions into outbox messages, each repetition
	Batches      int             // remind batches (units with something to send) per run
	Messages     int             // enqueued per run
	Recipients   int             // distinct chats the run's messages go to
	Unlinked     int
	OpenDue      int64         // open occurrences due up to 7 days after the tick (what the job looks at)
	RowsExamined int64         // tuples read (sequential + index fetches) by one run's decision, from pg_stat_user_tables
	Floor        time.Duration // INSERT of Messages rows into an indexed, logged table, from generate_series
	Explain      string
}

// Median is the median run time (the decision).
func (r tickResult) Median() time.Duration { return median(r.Times) }

// TotalMedian is the median of the run and its fan-out together.
func (r tickResult) TotalMedian() time.Duration {
	totals := make([]time.Duration, len(r.Times))
	for i := range r.Times {
		totals[i] = r.Times[i] + r.FanOuts[i]
	}
	return median(totals)
}

// FanOutMedian is the median fan-out time.
func (r tickResult) FanOutMedian() time.Duration { return median(r.FanOuts) }

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// measureTick runs the remind job at tickInstant reps times on st, undoing
// each run (its job_runs row, remind batches, messages and escalation
// marks) before the next. The decision (the run's transaction) and the
// fan-out are timed apart; rows examined are those of the decision.
func measureTick(ctx context.Context, st *store.Store, reps int) (tickResult, error) {
	return measureTickStyle(ctx, st, reps, config.StyleEach)
}

// measureTickStyle is measureTick with reminders.style style.
func measureTickStyle(ctx context.Context, st *store.Store, reps int, style string) (tickResult, error) {
	var res tickResult
	at := tickInstant()
	cfg := config.Default()
	cfg.Reminders.Style = style
	sched, err := jobs.New(st, cfg, clock.NewFake(at), discard())
	if err != nil {
		return res, err
	}
	undo := func() error {
		_, err := st.DB().ExecContext(ctx, `
			WITH j AS (DELETE FROM job_runs WHERE scheduled_at >= $1),
			     b AS (DELETE FROM remind_batches WHERE run_at >= $1),
			     e AS (UPDATE occurrences SET escalated_at = NULL WHERE escalated_at >= $1),
			     p AS (DELETE FROM partner_reminders WHERE reminded_at >= $1)
			DELETE FROM outbox WHERE created_at >= $1`, at)
		if err != nil {
			return err
		}
		// The next repetition enqueues the same dedupe keys: left dead in
		// outbox_channel_dedupe_key_key, each would cost its insert a visit
		// of the dead row, which no morning of the product meets (its
		// outbox holds no deleted copy of the day's messages).
		_, err = st.DB().ExecContext(ctx, `VACUUM outbox`)
		return err
	}
	if err := undo(); err != nil {
		return res, fmt.Errorf("undo tick: %w", err)
	}
	// The open occurrences' index pages all-visible, as autovacuum keeps
	// them, so that the decision's index-only scan is measured as it runs.
	if _, err := st.DB().ExecContext(ctx, `VACUUM (ANALYZE) occurrences`); err != nil {
		return res, err
	}
	// The open occurrences the job looks at: those with a deadline (not
	// ongoing), through occurrences_open_remind_idx as the job reads them.
	// Counted before the pause, so that its reads reach
	// pg_stat_user_tables before the run's are counted: a count that
	// scanned the table (as one without "NOT o.ongoing" does) would
	// otherwise be added to the run's rows examined.
	err = st.DB().GetContext(ctx, &res.OpenDue, `
		SELECT count(*) FROM occurrences o JOIN tasks t ON t.id = o.task_id
		WHERE o.done_at IS NULL AND o.archived_at IS NULL AND NOT o.ongoing
		  AND t.archived_at IS NULL AND o.due <= $1::date`,
		at.AddDate(0, 0, 7).Format(time.DateOnly))
	if err != nil {
		return res, err
	}
	time.Sleep(2500 * time.Millisecond) // its statistics and the vacuum's reach pg_stat_user_tables before the run's
	for i := 0; i < reps; i++ {
		before, err := tuplesRead(ctx, st)
		if err != nil {
			return res, err
		}
		rep, err := sched.RunAt(ctx, at)
		if err != nil {
			return res, fmt.Errorf("remind run: %w", err)
		}
		if len(rep.Runs) != 1 || rep.Runs[0].Job != jobs.JobRemind || rep.Runs[0].Status != jobs.StatusDone {
			return res, fmt.Errorf("remind run: unexpected report:\n%s", rep)
		}
		run := rep.Runs[0]
		res.Times = append(res.Times, run.Took)
		res.FanOuts = append(res.FanOuts, run.FanOut)
		res.Messages, res.Unlinked = rep.Enqueued(), rep.Unlinked()
		if err := st.DB().GetContext(ctx, &res.Batches, `SELECT count(*) FROM remind_batches WHERE run_at = $1`, at); err != nil {
			return res, err
		}
		if err := st.DB().GetContext(ctx, &res.Recipients, `SELECT count(DISTINCT chat_id) FROM outbox WHERE created_at >= $1`, at); err != nil {
			return res, err
		}
		if i == 0 {
			// Statistics reach the cumulative views when a backend has
			// been idle for a moment. The count includes the fan-out's
			// reads; the decision's alone are measured below.
			time.Sleep(2500 * time.Millisecond)
			after, err := tuplesRead(ctx, st)
			if err != nil {
				return res, err
			}
			res.RowsExamined = after - before
		}
		if err := undo(); err != nil {
			return res, fmt.Errorf("undo tick: %w", err)
		}
	}
	if res.Floor, err = measureFloor(ctx, st, res.Messages); err != nil {
		return res, err
	}
	res.Explain, err = explainRemind(ctx, st, at)
	return res, err
}

// measureFloor times, on st's server, the cheapest way to write n durable
// rows shaped like outbox rows with a unique text key: one INSERT … SELECT
// FROM generate_series into a logged table with a primary key and a
// unique index, in a transaction rolled back afterwards. It is the floor
// under any design that writes one row per message.
func measureFloor(ctx context.Context, st *store.Store, n int) (time.Duration, error) {
	if n == 0 {
		return 0, nil
	}
	tx, err := st.DB().BeginTxx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `
		CREATE TABLE bench_floor (id bigserial PRIMARY KEY, dedupe_key text NOT NULL UNIQUE,
		                          chat_id bigint NOT NULL, payload jsonb NOT NULL, created_at timestamptz NOT NULL)`); err != nil {
		return 0, err
	}
	start := time.Now()
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO bench_floor (dedupe_key, chat_id, payload, created_at)
		SELECT 'nag:' || g || ':' || (g % 20), g % 66000, '{"text": "Nhắc việc quá hạn"}', now()
		FROM generate_series(1, $1) AS g`, n); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}

// tuplesRead sums the tuples read by sequential scans and fetched by
// index scans over the user tables.
func tuplesRead(ctx context.Context, st *store.Store) (int64, error) {
	if _, err := st.DB().ExecContext(ctx, `SELECT pg_stat_clear_snapshot()`); err != nil {
		return 0, err
	}
	var n int64
	err := st.DB().GetContext(ctx, &n, `
		SELECT COALESCE(sum(COALESCE(seq_tup_read, 0) + COALESCE(idx_tup_fetch, 0)), 0)::bigint
		FROM pg_stat_user_tables`)
	if err != nil {
		return 0, fmt.Errorf("pg_stat_user_tables: %w", err)
	}
	return n, nil
}

// explainRemind runs EXPLAIN ANALYZE on the query with which the remind
// job reads the open occurrences of every unit.
func explainRemind(ctx context.Context, st *store.Store, at time.Time) (string, error) {
	lines, err := store.ExplainOpenDueThrough(ctx, st, plan.DateOf(at).AddDays(7))
	if err != nil {
		return "", err
	}
	return strings.Join(lines, "\n"), nil
}

// deliveryResult is one run of the outbox path.
type deliveryResult struct {
	Messages  int
	Elapsed   time.Duration
	Rate      float64 // messages per second
	Limit     float64 // the rate limit, 0 for none
	TooMany   int     // 429 answers of the fake server
	Retried   int64
	Bare      float64 // bare insert-then-update loop, rows per second
	BareCount int
}

// measureDelivery enqueues n messages to chats (n/perChat chats) and
// delivers them through delivery.Lane, the go-telegram/bot client and the
// telegramtest server. With limits, the server enforces Telegram's 30/s
// global and 1/s per chat, and the worker is configured to keep to them.
func measureDelivery(ctx context.Context, st *store.Store, n, perChat int, limits bool, label string) (deliveryResult, error) {
	res := deliveryResult{Messages: n}
	var opts []telegramtest.Option
	wopts := delivery.Options{RatePerSecond: 1e6, PerChatInterval: time.Nanosecond, Batch: 50, MaxInFlight: 16}
	if limits {
		opts = append(opts, telegramtest.WithRateLimits(30, 1))
		// telegram.rate_per_second 29: at exactly 30 the jitter of HTTP
		// arrivals makes the server's bucket answer an occasional 429.
		wopts = delivery.Options{RatePerSecond: 29, PerChatInterval: time.Second}
		res.Limit = 30
	}
	fake := telegramtest.New(opts...)
	defer fake.Close()
	b, err := tgbot.New(fake.Token(), tgbot.WithServerURL(fake.URL()), tgbot.WithSkipGetMe())
	if err != nil {
		return res, fmt.Errorf("bot client: %w", err)
	}
	w := delivery.NewLane(st, telegram.NewSender(b), clock.Real{}, discard(), wopts)

	payload := store.Payload{
		Text: "<b>Nhắc việc: còn 3 ngày đến hạn</b>\nNhiệm vụ: Tổng hợp báo cáo kết quả theo dõi CCHC hàng tuần về Chủ tịch UBND phường\nHạn: 21/11/2025\nTrạng thái: đang thực hiện trong hạn, 60%",
		Buttons: [][]store.Button{
			{{Text: "25%", Data: "p:1:25"}, {Text: "50%", Data: "p:1:50"}, {Text: "75%", Data: "p:1:75"}},
			{{Text: "✅ Hoàn thành", Data: "p:1:100"}},
		},
	}
	chats := max(1, n/perChat)
	enqueue := func(i int) error {
		_, err := store.Enqueue(ctx, st, store.OutMessage{
			ChatID:    7_000_000_000 + int64(i%chats),
			DedupeKey: fmt.Sprintf("bench:%s:%d", label, i),
			Kind:      "notice",
			Payload:   payload,
			NotBefore: time.Now(),
		})
		return err
	}
	wctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	start := time.Now()
	if limits {
		// All messages are pending before the worker starts: the rate
		// is then the worker's alone.
		for i := 0; i < n; i++ {
			if err := enqueue(i); err != nil {
				stop()
				return res, err
			}
		}
		start = time.Now()
	}
	go func() { done <- w.Run(wctx) }()
	if !limits {
		// The whole path: each message enqueued in its own transaction
		// while the worker delivers.
		for i := 0; i < n; i++ {
			if err := enqueue(i); err != nil {
				stop()
				return res, err
			}
		}
	}
	wait, cancel := context.WithTimeout(ctx, time.Duration(n)*time.Second/10+2*time.Minute)
	defer cancel()
	if err := fake.WaitSent(wait, n); err != nil {
		stop()
		return res, fmt.Errorf("delivery %s: %d of %d sent: %w", label, len(fake.Sent()), n, err)
	}
	// Then until every row is marked sent (the partial index on pending
	// rows makes this cheap; the history holds no pending row).
	for {
		var pending int
		if err := st.DB().GetContext(ctx, &pending, `SELECT count(*) FROM outbox WHERE status = 'pending'`); err != nil {
			stop()
			return res, err
		}
		if pending == 0 {
			break
		}
		if wait.Err() != nil {
			stop()
			return res, fmt.Errorf("delivery %s: %d rows still pending", label, pending)
		}
		time.Sleep(5 * time.Millisecond)
	}
	res.Elapsed = time.Since(start)
	stop()
	<-done
	res.Rate = float64(n) / res.Elapsed.Seconds()
	if limits {
		// The achieved rate between the first and the last accepted send.
		var first, last time.Time
		for _, c := range fake.CallLog() {
			if c.Method != "sendMessage" || c.StatusCode != 200 {
				continue
			}
			if first.IsZero() || c.Time.Before(first) {
				first = c.Time
			}
			if c.Time.After(last) {
				last = c.Time
			}
		}
		if span := last.Sub(first).Seconds(); span > 0 {
			res.Rate = float64(n-1) / span
		}
	}
	res.TooMany = fake.TooManyRequestsCount()
	res.Retried = w.Stats().Snapshot().Retried
	return res, nil
}

// measureBare runs the floor of any outbox: insert a row, then update it
// as sent, n times, one statement per round trip, on the same server.
func measureBare(ctx context.Context, st *store.Store, n int) (float64, error) {
	db := st.DB()
	if _, err := db.ExecContext(ctx, `
		CREATE TABLE IF NOT EXISTS bench_bare (
			id bigserial PRIMARY KEY, chat_id bigint NOT NULL, payload jsonb NOT NULL,
			status text NOT NULL DEFAULT 'pending', sent_at timestamptz)`); err != nil {
		return 0, fmt.Errorf("bare: %w", err)
	}
	start := time.Now()
	for i := 0; i < n; i++ {
		var id int64
		err := db.GetContext(ctx, &id, `INSERT INTO bench_bare (chat_id, payload) VALUES ($1, $2) RETURNING id`,
			int64(i), `{"text":"Nhắc việc"}`)
		if err != nil {
			return 0, fmt.Errorf("bare insert: %w", err)
		}
		if _, err := db.ExecContext(ctx, `UPDATE bench_bare SET status = 'sent', sent_at = $2 WHERE id = $1`, id, time.Now()); err != nil {
			return 0, fmt.Errorf("bare update: %w", err)
		}
	}
	rate := float64(n) / time.Since(start).Seconds()
	if _, err := db.ExecContext(ctx, `DROP TABLE bench_bare`); err != nil {
		return 0, fmt.Errorf("bare: %w", err)
	}
	return rate, nil
}

// digestResult is the cost of compiling and rendering digests.
type digestResult struct {
	One      time.Duration // median over reps, one ward
	Town     time.Duration // the town digest of one town's hundred wards (report.CompileTown and its rendering)
	TownSize int
	Tasks    int // task lines of the one-ward digest
	Reps     int // runs of the one-ward digest
	// Report is the ward's period report (wardreport.Compile and its
	// .docx; median of ReportReps runs); TownReport the town's, over its
	// wards, once.
	Report, TownReport time.Duration
	ReportReps         int
}

// measureDigest compiles the quarterly digest (period containing the tick,
// under decree09) of one ward reps times (fewer when they take longer than
// budget/2), then the town digest of that ward's town once, each with
// report.Compile and rendered for Telegram.
func measureDigest(ctx context.Context, st *store.Store, reps int, budget time.Duration) (digestResult, error) {
	var res digestResult
	at := tickInstant()
	p := plan.PeriodContaining(plan.Quarter, plan.DateIn(at, at.Location()), plan.CutoffDecree09)
	pr := i18n.New(i18n.VI)
	var codes []string
	err := st.DB().SelectContext(ctx, &codes, `
		SELECT u.code FROM units u
		WHERE u.parent_id = (SELECT min(parent_id) FROM units) OR (u.parent_id IS NULL AND NOT EXISTS (SELECT 1 FROM units c WHERE c.parent_id = u.id))
		ORDER BY u.id LIMIT 100`)
	if err != nil || len(codes) == 0 {
		return res, fmt.Errorf("digest: wards of the first town: %v", err)
	}
	ward, err := st.UnitByCode(ctx, codes[0])
	if err != nil {
		return res, fmt.Errorf("digest: %w", err)
	}
	compile := func(unit plan.Unit) (report.Result, error) {
		r, err := report.Compile(ctx, st, unit, p, at, report.Options{})
		if err != nil {
			return report.Result{}, err
		}
		_ = message.DigestTelegram(r, pr)
		return r, nil
	}
	var times []time.Duration
	began := time.Now()
	for i := 0; i < reps; i++ {
		if i >= 3 && time.Since(began) > budget/2 {
			break // slow: three runs give the median
		}
		start := time.Now()
		d, err := compile(ward)
		if err != nil {
			return res, err
		}
		times = append(times, time.Since(start))
		res.Tasks = len(d.Unit.Tasks)
	}
	slices.Sort(times)
	res.One, res.Reps = times[len(times)/2], len(times)
	// The town digest as the product compiles it: report.Compile of the
	// town (its wards' rows read together, each ward's digest built, then
	// the per-ward table).
	var town string
	if err := st.DB().GetContext(ctx, &town, `
		SELECT p.code FROM units p JOIN units c ON c.parent_id = p.id
		WHERE c.code = $1`, codes[0]); err != nil {
		return res, fmt.Errorf("digest: the first town: %w", err)
	}
	townUnit, err := st.UnitByCode(ctx, town)
	if err != nil {
		return res, fmt.Errorf("digest: the first town: %w", err)
	}
	start := time.Now()
	td, err := compile(townUnit)
	if err != nil {
		return res, err
	}
	if !td.IsRollup() {
		return res, fmt.Errorf("digest: %s compiled as a ward", town)
	}
	res.Town, res.TownSize = time.Since(start), len(td.Rollup.ByUnit)

	// The period report (.docx) of the ward and of its town, as the
	// monthly and quarterly digest runs and /baocaoky draft it.
	draft := func(unit plan.Unit) error {
		r, err := wardreport.Compile(ctx, st, unit, p, at)
		if err != nil {
			return err
		}
		_, err = r.DOCX(pr)
		return err
	}
	times = times[:0]
	began = time.Now()
	for i := 0; i < reps; i++ {
		if i >= 3 && time.Since(began) > budget/2 {
			break
		}
		start := time.Now()
		if err := draft(ward); err != nil {
			return res, fmt.Errorf("report: %w", err)
		}
		times = append(times, time.Since(start))
	}
	slices.Sort(times)
	res.Report, res.ReportReps = times[len(times)/2], len(times)
	start = time.Now()
	if err := draft(townUnit); err != nil {
		return res, fmt.Errorf("report: %w", err)
	}
	res.TownReport = time.Since(start)
	return res, nil
}

// telegramRate is the messages a second Telegram accepts from one bot.
const telegramRate = 30

// measureStyles runs the reminder run and its fan-out on st with
// reminders.style each, then brief, and prints, for each, the messages a
// run enqueues, the chats they go to, the fan-out's median time and the
// time Telegram's 30 messages a second need to deliver them.
func measureStyles(ctx context.Context, st *store.Store, p params, log *slog.Logger) error {
	for _, style := range []string{config.StyleEach, config.StyleBrief} {
		log.Info("measuring the remind tick", "units", p.Units, "style", style)
		r, err := measureTickStyle(ctx, st, p.TickReps, style)
		if err != nil {
			return err
		}
		deliver := time.Duration(r.Messages) * time.Second / telegramRate
		fmt.Printf("style %-5s  units %d  messages/run %d  recipients %d  run %s  fan-out %s  delivery at %d/s %s\n",
			style, p.Units, r.Messages, r.Recipients, r.Median().Round(time.Millisecond),
			r.FanOutMedian().Round(time.Millisecond), telegramRate, deliver.Round(time.Second))
	}
	return nil
}

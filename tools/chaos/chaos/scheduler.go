package chaos

import (
	"context"
	"fmt"
	"sync"
	"time"

	tgbot "github.com/go-telegram/bot"

	"github.com/nhacviec/nhacviec/clock"
	"github.com/nhacviec/nhacviec/config"
	"github.com/nhacviec/nhacviec/delivery"
	"github.com/nhacviec/nhacviec/examples"
	"github.com/nhacviec/nhacviec/jobs"
	"github.com/nhacviec/nhacviec/planfile"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/telegram"
	"github.com/nhacviec/nhacviec/telegramtest"
)

// hcm is the example plan's time zone.
func hcm() (*time.Location, error) {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		return nil, fmt.Errorf("chaos: %w", err)
	}
	return loc, nil
}

// examplePlan opens a fresh database with the shipped example plan imported
// and every official linked to chat 1000+id.
func examplePlan(ctx context.Context, env Env, cfg config.Config, loc *time.Location) (*store.Store, error) {
	url, err := env.Database(ctx)
	if err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("chaos: %w", err)
	}
	f, err := planfile.Parse(examples.PlanFile, examples.Plan())
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("chaos: %w", err)
	}
	cal, err := cfg.WorkCalendar()
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("chaos: %w", err)
	}
	imported := time.Date(2024, 12, 31, 9, 0, 0, 0, loc)
	if _, err := st.ImportPlan(ctx, f, store.ImportOptions{Source: "chaos", Now: imported, Calendar: cal}); err != nil {
		st.Close()
		return nil, fmt.Errorf("chaos: %w", err)
	}
	if _, err := st.DB().ExecContext(ctx, `
		UPDATE officials SET telegram_chat_id = 1000 + id, telegram_user_id = 1000 + id, linked_at = $1`, imported); err != nil {
		st.Close()
		return nil, fmt.Errorf("chaos: link officials: %w", err)
	}
	return st, nil
}

// duplicateDecisions counts outbox rows that repeat a decision already
// made: the same kind of message about the same occurrence to the same
// official on the same local day (a reminder or nag sent twice), or a
// digest or request for the same period twice (same dedupe key base).
func duplicateDecisions(ctx context.Context, st *store.Store) (int, error) {
	var n int
	err := st.DB().GetContext(ctx, &n, `
		SELECT COALESCE(sum(c - 1), 0) FROM (
		    SELECT count(*) AS c FROM outbox
		    WHERE occurrence_id IS NOT NULL
		    GROUP BY official_id, occurrence_id, kind, (created_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
		) d`)
	if err != nil {
		return 0, fmt.Errorf("chaos: count duplicate decisions: %w", err)
	}
	return n, nil
}

// ReplicaOptions sizes the two-replicas scenario.
type ReplicaOptions struct {
	Messages int // messages both delivery workers race for
	Chats    int
	Days     int // days of scheduled instants both schedulers race for
}

// Replicas runs two replicas against one database: two delivery workers
// racing for one burst (each message must arrive exactly once) and two
// schedulers calling RunAt for every fire instant of o.Days days at the
// same moment (each job run must be done exactly once).
func Replicas(ctx context.Context, env Env, o ReplicaOptions) (Result, error) {
	start := time.Now()
	res := Result{Scenario: "two replicas on one database",
		Notes: fmt.Sprintf("2 workers on %d messages to %d chats; 2 schedulers over %d days of fire instants", o.Messages, o.Chats, o.Days)}
	loc, err := hcm()
	if err != nil {
		return res, err
	}
	cfg := config.Default()
	st, err := examplePlan(ctx, env, cfg, loc)
	if err != nil {
		return res, err
	}
	defer st.Close()

	// Delivery: two workers, one burst.
	tg := telegramtest.New()
	defer tg.Close()
	b, err := enqueueBurst(ctx, st, "rep", o.Messages, o.Chats, time.Now())
	if err != nil {
		return res, err
	}
	wctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	errc := make(chan error, 2)
	for range 2 {
		api, err := tgbot.New(tg.Token(), tgbot.WithServerURL(tg.URL()), tgbot.WithSkipGetMe())
		if err != nil {
			cancel()
			return res, fmt.Errorf("chaos: %w", err)
		}
		w := delivery.NewLane(st, telegram.NewSender(api), clock.Real{}, quietLog(nil),
			delivery.Options{RatePerSecond: 200, PerChatInterval: 20 * time.Millisecond, PollInterval: 50 * time.Millisecond})
		wg.Add(1)
		go func() {
			defer wg.Done()
			errc <- w.Run(wctx)
		}()
	}
	err = waitFor(ctx, 60*time.Second, "burst delivered by two workers", func() (bool, error) {
		var open int
		qerr := st.DB().GetContext(ctx, &open, `SELECT count(*) FROM outbox WHERE status = 'pending' AND starts_with(dedupe_key, 'rep-')`)
		return open == 0, qerr
	})
	cancel()
	wg.Wait()
	close(errc)
	for werr := range errc {
		if err == nil {
			err = werr
		}
	}
	if err != nil {
		return res, err
	}
	res, err = b.result(ctx, st, tg, res)
	if err != nil {
		return res, err
	}

	// Decisions: two schedulers, every instant at once.
	from := time.Date(2025, 3, 9, 23, 59, 0, 0, loc)
	to := from.AddDate(0, 0, o.Days)
	var (
		scheds [2]*jobs.Scheduler
		clks   [2]*clock.Fake
	)
	for i := range scheds {
		clks[i] = clock.NewFake(from)
		scheds[i], err = jobs.New(st, cfg, clks[i], quietLog(nil))
		if err != nil {
			return res, fmt.Errorf("chaos: %w", err)
		}
	}
	var last time.Time
	runs, done := 0, map[string]int{}
	for _, f := range scheds[0].Fires(from, to) {
		if f.At.Equal(last) {
			continue // RunAt runs every job of the minute
		}
		last = f.At
		for _, c := range clks {
			c.Set(f.At)
		}
		var reps [2]jobs.Report
		var errs [2]error
		var rwg sync.WaitGroup
		for i, s := range scheds {
			rwg.Add(1)
			go func() {
				defer rwg.Done()
				reps[i], errs[i] = s.RunAt(ctx, f.At)
			}()
		}
		rwg.Wait()
		for i := range reps {
			if errs[i] != nil {
				return res, fmt.Errorf("chaos: replica %d at %s: %w", i, f.At, errs[i])
			}
			for _, r := range reps[i].Runs {
				if r.Status == jobs.StatusDone {
					done[r.Job+"@"+r.At.Format(time.RFC3339)]++
				}
			}
		}
		runs += len(reps[0].Runs)
	}
	res.Decided += runs
	for _, n := range done {
		res.Delivered++
		res.Duplicated += n - 1
		res.MaxPerMessage = max(res.MaxPerMessage, n)
	}
	res.Lost += runs - len(done)
	dup, err := duplicateDecisions(ctx, st)
	if err != nil {
		return res, err
	}
	res.Duplicated += dup
	res.Notes += fmt.Sprintf("; %d job runs", runs)
	res.Elapsed = time.Since(start)
	return res, nil
}

// ClockJumps runs the scheduler's catch-up as a process whose clock jumps
// would: at T (Monday 10/3/2025 08:00), then one hour back, then one day
// forward, then back to T. Going back must decide nothing new; going
// forward must catch up the missed instants, of several reminder instants
// only the latest; no reminder may be decided twice.
func ClockJumps(ctx context.Context, env Env) (Result, error) {
	start := time.Now()
	res := Result{Scenario: "clock jumps (back 1 h, forward 1 day, back)"}
	loc, err := hcm()
	if err != nil {
		return res, err
	}
	cfg := config.Default()
	st, err := examplePlan(ctx, env, cfg, loc)
	if err != nil {
		return res, err
	}
	defer st.Close()
	t0 := time.Date(2025, 3, 10, 8, 0, 0, 0, loc)
	clk := clock.NewFake(t0)
	s, err := jobs.New(st, cfg, clk, quietLog(nil))
	if err != nil {
		return res, fmt.Errorf("chaos: %w", err)
	}
	count := func() (int, error) {
		var n int
		err := st.DB().GetContext(ctx, &n, `SELECT count(*) FROM outbox`)
		return n, err
	}
	steps := []struct {
		at      time.Time
		wantNew bool // whether new decisions are expected
	}{
		{t0, true},
		{t0.Add(-time.Hour), false},
		{t0.AddDate(0, 0, 1), true},
		{t0, false},
		{t0.AddDate(0, 0, 1), false},
	}
	var notes []string
	for _, step := range steps {
		before, err := count()
		if err != nil {
			return res, fmt.Errorf("chaos: %w", err)
		}
		clk.Set(step.at)
		rep, err := s.CatchUp(ctx, step.at)
		if err != nil {
			return res, fmt.Errorf("chaos: catch up at %s: %w", step.at, err)
		}
		after, err := count()
		if err != nil {
			return res, fmt.Errorf("chaos: %w", err)
		}
		reminds := 0
		for _, r := range rep.Runs {
			res.Decided++
			switch r.Status {
			case jobs.StatusDone:
				res.Delivered++
				if r.Job == jobs.JobRemind {
					reminds++
				}
			case jobs.StatusFailed:
				res.Lost++
			}
		}
		notes = append(notes, fmt.Sprintf("%s: +%d", step.at.Format("02/01 15:04"), after-before))
		if !step.wantNew && after != before {
			res.Duplicated += after - before
		}
		if step.wantNew && after == before {
			return res, fmt.Errorf("chaos: catch-up at %s decided nothing", step.at)
		}
		if reminds > 1 {
			return res, fmt.Errorf("chaos: catch-up at %s ran %d reminder instants, want only the latest", step.at, reminds)
		}
	}
	dup, err := duplicateDecisions(ctx, st)
	if err != nil {
		return res, err
	}
	res.Duplicated += dup
	res.Notes = fmt.Sprintf("catch-up at each clock reading, messages decided: %v", notes)
	res.Elapsed = time.Since(start)
	return res, nil
}

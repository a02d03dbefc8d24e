package main

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"os"
	"runtime/pprof"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/nhacviec/nhacviec/app"
	"github.com/nhacviec/nhacviec/config"
	"github.com/nhacviec/nhacviec/jobs"
	"github.com/nhacviec/nhacviec/server"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/telegramtest"
	"github.com/nhacviec/nhacviec/tools/gen/gen"
)

// countryParams sizes the country's morning.
type countryParams struct {
	Units     int           // wards and communes
	Provinces int           // parent units, one bot each
	PerToken  float64       // the fake's limit per bot token, messages a second (Telegram's 30)
	ChatEvery time.Duration // the fake's least gap per chat (Telegram's 1 s)
	OneBotFor time.Duration // how long the one-bot comparison runs before its rate is taken
	ProbeEach time.Duration // how often an official writes to their bot during the burst
	// CPUProfile, when set, is the file a CPU profile of the morning with a
	// bot per province is written to.
	CPUProfile string
}

// countryRun is one morning measured: with a bot per province, or one bot.
type countryRun struct {
	Bots       int
	Messages   int           // enqueued by the reminder run
	Decision   time.Duration // the reminder run's decision (its transaction)
	FanOut     time.Duration // the fan-out of its batches into outbox rows, while the lanes deliver
	ToLast     time.Duration // from the run's start to the last message accepted
	Accepted   int           // messages the fakes accepted
	TooMany    int           // 429 answers of the fakes
	Dead       int           // rows dead at the end
	Rate       float64       // messages accepted a second, first to last
	Projected  time.Duration // the one-bot run: the whole morning at its rate
	Partial    bool          // stopped after OneBotFor, not at the last message
	Replies    []time.Duration
	RepliesErr int // probes not answered before the run ended
}

// shiftedClock is the wall clock moved to start at a chosen instant: the
// reminder run's instant of the generated plan, with time running on, so
// that leases and backoff expire as in production.
type shiftedClock struct{ offset time.Duration }

func (c shiftedClock) Now() time.Time { return time.Now().Add(c.offset) }

// runCountry is the -country run: the generated country (p.Units units
// under p.Provinces provinces) on a fresh database bench_country, one
// `serve` (server.Server, in this process) with a bot per province against
// a fake Bot API per bot under one URL, each enforcing Telegram's limits
// (p.PerToken a second per token, one message per p.ChatEvery per chat).
// The reminder run at its instant decides the morning; the time is taken
// from the run's start to the last message accepted, while officials write
// to their bots and the time to each answer is taken. Then the same
// morning with one bot, for p.OneBotFor, for comparison. The section of
// the report file at out is rewritten.
func runCountry(ctx context.Context, open func(string) (*store.Store, error), out string, p countryParams, rep *reportDoc, log *slog.Logger) error {
	started := time.Now()
	st, err := open("bench_country")
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.DB().GetContext(ctx, &rep.Machine.Postgres, `SELECT version()`); err != nil {
		return err
	}
	town := int(math.Ceil(float64(p.Units) / float64(p.Provinces)))
	log.Info("generating the country", "units", p.Units, "provinces", p.Provinces)
	g, err := gen.Generate(ctx, st, gen.Options{Units: p.Units, TownSize: town, Log: log})
	if err != nil {
		return err
	}
	var provinces []string
	if err := st.DB().SelectContext(ctx, &provinces, `
		SELECT code FROM units WHERE id IN (SELECT parent_id FROM units WHERE parent_id IS NOT NULL) ORDER BY code`); err != nil {
		return err
	}
	log.Info("generated", "stats", g.String(), "provinces", len(provinces))

	var runs []countryRun
	for _, perProvince := range []bool{true, false} {
		r, err := measureCountry(ctx, st, p, provinces, perProvince, log)
		if err != nil {
			return err
		}
		runs = append(runs, r)
	}
	pg := rep.Machine.Postgres
	if f := strings.Fields(pg); len(f) >= 2 {
		pg = f[0] + " " + f[1]
	}
	section := countryMarkdown(runs, p, g, len(provinces), rep.Machine, pg+", "+rep.Server, rep.Load0, loadAvg(), rep.Args, time.Since(started))
	if err := writeSection(out, countryBegin, countryEnd, section); err != nil {
		return err
	}
	log.Info("wrote the country section of "+out, "elapsed", time.Since(started).Round(time.Second))
	if runs[0].TooMany != 0 || runs[0].Dead != 0 || runs[0].Accepted < runs[0].Messages {
		return fmt.Errorf("country: %d × 429, %d dead, %d accepted of %d", runs[0].TooMany, runs[0].Dead, runs[0].Accepted, runs[0].Messages)
	}
	return nil
}

// measureCountry runs one morning: with perProvince a bot per province
// (telegram.bots, each listing its province), else the default bot alone.
func measureCountry(ctx context.Context, st *store.Store, p countryParams, provinces []string, perProvince bool, log *slog.Logger) (countryRun, error) {
	at := tickInstant()
	// The morning again: nothing of a previous run left.
	if _, err := st.DB().ExecContext(ctx, `
		WITH j AS (DELETE FROM job_runs WHERE scheduled_at >= $1),
		     e AS (UPDATE occurrences SET escalated_at = NULL WHERE escalated_at >= $1),
		     p AS (DELETE FROM partner_reminders WHERE reminded_at >= $1),
		     b AS (DELETE FROM remind_batches WHERE run_at >= $1)
		DELETE FROM outbox WHERE created_at >= $1`, at); err != nil {
		return countryRun{}, err
	}
	// As the main run measures the morning (measure.go): the outbox holds
	// no dead copy of the day's dedupe keys, and the open occurrences'
	// pages are all-visible and analyzed, as autovacuum keeps them on a
	// running installation (not as the generator just wrote them).
	for _, q := range []string{`VACUUM outbox`, `VACUUM (ANALYZE) occurrences`} {
		if _, err := st.DB().ExecContext(ctx, q); err != nil {
			return countryRun{}, err
		}
	}

	limits := telegramtest.WithRateLimits(p.PerToken, 1/p.ChatEvery.Seconds())
	fakes := []*telegramtest.Server{telegramtest.New(limits)}
	cfg := config.Default()
	cfg.Telegram.Token = fakes[0].Token()
	if perProvince {
		for i, code := range provinces {
			token := fmt.Sprintf("71%08d:AAProvinceBotTokenForTheBenchmark", i+1)
			fakes = append(fakes, telegramtest.New(limits, telegramtest.WithToken(token),
				telegramtest.WithBotUsername(fmt.Sprintf("tinh_%02d_nhacviec_bot", i+1))))
			cfg.Telegram.Bots = append(cfg.Telegram.Bots, config.Bot{Name: fmt.Sprintf("tinh-%02d", i+1), Token: token, Units: []string{code}})
		}
	}
	mux := telegramtest.NewMux(fakes...)
	defer func() {
		mux.Close()
		for _, f := range fakes {
			f.Close()
		}
	}()
	cfg.Telegram.APIURL = mux.URL()
	if err := cfg.Validate(); err != nil {
		return countryRun{}, err
	}
	// The officials linked through the bot of their province, as they
	// would have when their invite links named it.
	if _, _, err := st.AssignUnitBots(ctx, cfg.Telegram.BotUnits()); err != nil {
		return countryRun{}, err
	}
	if _, err := st.DB().ExecContext(ctx, `
		UPDATE officials o SET telegram_bot = u.telegram_bot FROM units u
		WHERE u.id = o.unit_id AND o.telegram_bot <> u.telegram_bot`); err != nil {
		return countryRun{}, err
	}
	loc, _ := cfg.Location()
	cal, _ := cfg.WorkCalendar()
	a := &app.App{Cfg: cfg, Log: discard(), Clock: shiftedClock{offset: time.Until(at)}, Store: st, Loc: loc, Calendar: cal}
	s, err := server.New(ctx, a, server.Options{PollTimeout: time.Second})
	if err != nil {
		return countryRun{}, err
	}
	sctx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan error, 1)
	go func() { done <- s.RunDelivery(sctx) }()
	for _, name := range s.Bots() {
		for s.BotNamed(name) == nil {
			if err := sleepCtx(ctx, 10*time.Millisecond); err != nil {
				return countryRun{}, err
			}
		}
	}
	// Officials who will write to their bot during the burst, one per
	// province in turn (so, with a bot per province, one per bot; with one
	// bot, as many chats as then, not one chat asked over and over).
	var probes []struct {
		Chat int64  `db:"chat"`
		Bot  string `db:"bot"`
	}
	if err := st.DB().SelectContext(ctx, &probes, `
		SELECT DISTINCT ON (u.parent_id) o.telegram_chat_id AS chat, o.telegram_bot AS bot
		FROM officials o JOIN units u ON u.id = o.unit_id
		WHERE o.telegram_chat_id IS NOT NULL AND 'member' = ANY(o.roles) AND u.parent_id IS NOT NULL
		ORDER BY u.parent_id, o.id`); err != nil {
		return countryRun{}, err
	}
	fakeOf := make(map[int64]*telegramtest.Server)
	for _, pr := range probes {
		fakeOf[pr.Chat] = fakes[0]
		for i, b := range cfg.Telegram.Bots {
			if b.Name == pr.Bot {
				fakeOf[pr.Chat] = fakes[i+1]
			}
		}
	}

	res := countryRun{Bots: len(fakes)}
	mode := "one bot"
	if perProvince {
		mode = "a bot per province"
	}
	log.Info("the morning", "mode", mode, "bots", len(fakes))
	if perProvince && p.CPUProfile != "" {
		f, err := os.Create(p.CPUProfile)
		if err != nil {
			return countryRun{}, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return countryRun{}, err
		}
		defer pprof.StopCPUProfile()
	}
	start := time.Now()
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		probing = make(chan struct{})
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(p.ProbeEach)
		defer t.Stop()
		for i := 0; ; i++ {
			select {
			case <-probing:
				return
			case <-t.C:
			}
			chat := probes[i%len(probes)].Chat
			fake := fakeOf[chat]
			wg.Add(1)
			go func() {
				defer wg.Done()
				before := len(fake.SentTo(chat))
				sent := time.Now()
				fake.SendCommand(chat, chat, "viec", "")
				for {
					msgs := fake.SentTo(chat)
					for _, m := range msgs[before:] {
						if m.ReplyToMessageID != 0 {
							mu.Lock()
							res.Replies = append(res.Replies, m.Date.Sub(sent))
							mu.Unlock()
							return
						}
					}
					select {
					case <-probing:
						mu.Lock()
						res.RepliesErr++
						mu.Unlock()
						return
					case <-time.After(20 * time.Millisecond):
					}
				}
			}()
		}
	}()

	report, err := s.Scheduler().RunAt(ctx, at)
	if err != nil {
		return res, err
	}
	for _, r := range report.Runs {
		if r.Job == jobs.JobRemind {
			res.Decision, res.FanOut = r.Took, r.FanOut
		}
	}
	res.Messages = report.Enqueued()
	log.Info("decided", "messages", res.Messages, "took", res.Decision)
	deadline := time.Now().Add(15 * time.Minute)
	if !perProvince {
		deadline = start.Add(p.OneBotFor)
	}
	for {
		// The fakes' counts first: the database is asked (a count of the
		// pending rows, which reads the heap) only once they have
		// accepted as many messages as the run enqueued, so that the
		// measurement does not load the database it measures.
		accepted := 0
		for _, f := range fakes {
			accepted += f.SentCount()
		}
		if accepted >= res.Messages {
			var pending int
			if err := st.DB().GetContext(ctx, &pending, `SELECT count(*) FROM outbox WHERE channel = 'telegram' AND status = 'pending' AND kind <> 'reply'`); err != nil {
				return res, err
			}
			if pending == 0 {
				break
			}
		}
		if !time.Now().Before(deadline) {
			res.Partial = true
			break
		}
		if err := sleepCtx(ctx, 100*time.Millisecond); err != nil {
			return res, err
		}
	}
	close(probing)
	wg.Wait()
	stop()
	if err := <-done; err != nil {
		return res, err
	}

	var first, last time.Time
	for _, f := range fakes {
		for _, m := range f.Sent() {
			if m.ReplyToMessageID != 0 {
				continue // an answer to a probe
			}
			res.Accepted++
			if first.IsZero() || m.Date.Before(first) {
				first = m.Date
			}
			if m.Date.After(last) {
				last = m.Date
			}
		}
		res.TooMany += f.TooManyRequestsCount()
	}
	res.ToLast = last.Sub(start)
	if span := last.Sub(first); span > 0 {
		res.Rate = float64(res.Accepted-1) / span.Seconds()
	}
	if res.Partial && res.Rate > 0 {
		res.Projected = time.Duration(float64(res.Messages) / res.Rate * float64(time.Second))
	}
	if err := st.DB().GetContext(ctx, &res.Dead, `SELECT count(*) FROM outbox WHERE status = 'dead' AND created_at >= $1`, at); err != nil {
		return res, err
	}
	sort.Slice(res.Replies, func(i, j int) bool { return res.Replies[i] < res.Replies[j] })
	log.Info("measured the morning", "mode", mode, "to_last", res.ToLast, "accepted", res.Accepted, "429", res.TooMany,
		"dead", res.Dead, "rate", res.Rate, "replies", len(res.Replies))
	return res, nil
}

// sleepCtx waits d or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// percentile is the q-quantile (0..1) of sorted ds, 0 when empty.
func percentile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(ds)))) - 1
	return ds[max(0, min(i, len(ds)-1))]
}

// Markers of the country section of the report file, which `-country`
// rewrites and the full run keeps (it lies after keptMarker).
const (
	countryBegin = "<!-- bench:country:begin -->"
	countryEnd   = "<!-- bench:country:end -->"
)

// countryMarkdown renders the country section.
func countryMarkdown(runs []countryRun, p countryParams, g gen.Stats, provinces int, m machine, server, load0, load1 string, args []string, elapsed time.Duration) string {
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	w("## The country's morning: a bot per province\n\n")
	w("Written by `go run ./tools/bench%s` on %s in %s (%s; %d cores; %s; PostgreSQL: %s; load average %s at the start, %s at the end); `make bench` keeps it.\n\n",
		argString(args), time.Now().UTC().Format("2006-01-02 15:04 UTC"), elapsed.Round(time.Second), m.CPU, m.Cores, m.Go, server, load0, load1)
	w("The generated country (%s) with its %d units under %d provinces (`gen.Options.TownSize`), on real PostgreSQL. ", g.String(), p.Units, provinces)
	w("One `serve` (`server.Server` in the benchmark's process: the scheduler's reminder run, every bot's polling loop and delivery lane) with the default bot and one bot per province (`telegram.bots`, each listing its province), against a fake Bot API per bot (`telegramtest`) under one URL (`telegramtest.Mux`), each answering 429 past %g messages a second to its token or a second message to a chat within %s (`telegramtest.WithRateLimits`), as Telegram does. ", p.PerToken, p.ChatEvery)
	w("The officials are linked through the bot of their province. The reminder run at its instant (reminders.style %s, the default) decides the morning; the time runs from the run's start to the last message a fake accepted. ", config.Default().Reminders.Style)
	w("Meanwhile, every %s, an official of the next province (%d in turn) sends `/viec` to their bot: the reply latency is from the update's arrival at the fake to the answer's acceptance.\n\n", p.ProbeEach, provinces)
	w("| bots | messages | decision (fan-out) | to the last accepted (limit 2 min) | rate, first to last accepted | 429 answers (must be 0) | accepted; dead | replies during the burst: median, p95, max (n) |\n|---|---|---|---|---|---|---|---|\n")
	for _, r := range runs {
		toLast := fmt.Sprintf("**%s**", r.ToLast.Round(100*time.Millisecond))
		if r.Partial {
			toLast = fmt.Sprintf("stopped after %s; at this rate the morning takes **%s**", p.OneBotFor, r.Projected.Round(time.Second))
		} else if r.Bots == 1 {
			toLast = fmt.Sprintf("%s (one bot)", r.ToLast.Round(100*time.Millisecond))
		} else if r.ToLast <= 2*time.Minute {
			toLast += " (pass)"
		} else {
			toLast += " (**miss**)"
		}
		replies := "—"
		if len(r.Replies) > 0 {
			replies = fmt.Sprintf("%s, %s, %s (%d", percentile(r.Replies, 0.5).Round(time.Millisecond), percentile(r.Replies, 0.95).Round(time.Millisecond),
				r.Replies[len(r.Replies)-1].Round(time.Millisecond), len(r.Replies))
			if r.RepliesErr > 0 {
				replies += fmt.Sprintf("; %d unanswered when the run stopped", r.RepliesErr)
			}
			replies += ")"
		}
		w("| %d | %d | %s (%s) | %s | %.1f/s | **%d** | %d; %d | %s |\n", r.Bots, r.Messages, r.Decision.Round(time.Millisecond), r.FanOut.Round(100*time.Millisecond), toLast, r.Rate, r.TooMany, r.Accepted, r.Dead, replies)
	}
	w("\nEach bot's lane keeps below its token's budget (telegram.rate_per_second, %g) and a second between two messages to a chat, so no 429 is earned; with a bot per province the bots send side by side, and the morning is bounded by the largest province's share and by the database (claims and marks of %d lanes). A reply is claimed before its bot's scheduled messages (replies first, telegram.scheduled_share of each claim left to the scheduled ones), so it waits for its bot's next claim, not for the morning. ",
		config.Default().Telegram.RatePerSecond, runs[0].Bots)
	w("The one-bot run is stopped after %s when messages still wait: its rate is the default bot's budget, and the whole morning at that rate is projected.\n\n", p.OneBotFor)
	w("Reproduce: `go run ./tools/bench -country` (a throwaway PostgreSQL; `-url` or TEST_DATABASE_URL for an existing server; `-units` sizes it). It rewrites this section only, between its markers.\n")
	return b.String()
}

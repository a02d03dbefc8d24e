// Package jobs is nhacviec's scheduler. Cron specs (robfig/cron/v3) only
// decide when a job runs; the scheduler's own loop reads the injected
// clock, so the same code runs in production, in `nhacviec tick --at`, in
// tests and in the demo.
//
// Every run of a job is decided exactly once. A run is claimed by inserting
// its (job, scheduled instant) row into job_runs INSIDE the transaction that
// records the run's decisions: the claim and the decisions commit together,
// or, after a crash or an error, roll back together and leave no half-run
// behind. For most jobs the decisions are the outbox messages themselves.
// A reminder run's decisions are remind batches, one per unit; FanOut turns
// them into outbox messages afterwards, in transactions of its own, and a
// batch whose fan-out did not commit is fanned out again. A concurrent
// claimant of the same run (another goroutine, process or replica) blocks on
// the unique index until the first commits and then skips the run. A run
// that failed is recorded as failed afterwards and is claimed again by the
// next attempt. Outbox dedupe keys make each message unique as well.
//
// The digest jobs compile and render their digests before they claim the
// run, outside any transaction (job.prepare), and enqueue them a few
// units at a time in short transactions of their own; their claim's
// transaction only records the run. A crash before the claim commits
// leaves the run to be done again, and the dedupe keys skip the messages
// an earlier attempt enqueued; after it, claim and messages are there.
//
// The retention job deletes old machinery rows (store.Sweep) after its
// claim commits; the job ledger itself is kept, so a past instant stays
// claimed after the messages it decided are gone.
//
// After downtime, missed runs within schedule.catch_up are caught up; of
// the missed reminder runs only the latest is run ("a reminder whose moment
// has passed gives way to the current one"), the older ones are recorded as
// skipped.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/nhacviec/nhacviec/clock"
	"github.com/nhacviec/nhacviec/config"
	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/store"
)

// Job names, as stored in job_runs.job (config.Config.Specs).
const (
	JobMaterialize      = "materialize"
	JobRemind           = "remind"
	JobProgressRequest  = "progress_request"
	JobTargetReadings   = "target_readings"
	JobDigestWeekly     = "digest_weekly"
	JobDigestMonthly    = "digest_monthly"
	JobDigestQuarterly  = "digest_quarterly"
	JobDigestHalfYearly = "digest_half_yearly"
	JobDigestYearly     = "digest_yearly"
	JobRetention        = "retention"
)

// Statuses of a Run in a Report.
const (
	StatusDone    = "done"    // run by this call
	StatusSkipped = "skipped" // a stale reminder run, recorded as skipped
	StatusTaken   = "taken"   // already claimed by another run or process
	StatusFailed  = "failed"  // rolled back; recorded as failed, retried later
)

// Scheduler decides the scheduled jobs of every unit in the store.
type Scheduler struct {
	st       *store.Store
	cfg      config.Config
	clk      clock.Clock
	log      *slog.Logger
	loc      *time.Location
	cal      *plan.Calendar
	cutoff   plan.Cutoff
	jobs     []*job
	after    func(time.Duration) <-chan time.Time
	printers map[i18n.Lang]*i18n.Printer
	lang     i18n.Lang
}

// job is one configured job: its cron schedule and what it does.
type job struct {
	name     string
	key      string // config key under schedule
	schedule cron.Schedule
	// latestOnly: of several missed runs only the latest is run.
	latestOnly bool
	run        func(ctx context.Context, r *runState) error
	// prepare, when set instead of run, does the run's expensive,
	// read-only work before the run is claimed, outside any transaction,
	// and returns what the claim's transaction then does (the digests:
	// compile and render first, then claim and enqueue).
	prepare func(ctx context.Context, at, now time.Time) (func(context.Context, *runState) error, error)
}

// runState is the transaction and counters of one claimed run.
type runState struct {
	jobRunID int64
	batches  int  // remind batches written, to be fanned out after commit
	sweep    bool // the retention sweep is to run after commit
	tx       *store.Tx
	at       time.Time // the scheduled instant, in the schedule's zone
	now      time.Time // the clock when the run started
	messages int
	unlinked int
	created  int
}

// Option configures a Scheduler.
type Option func(*Scheduler)

// WithAfter replaces time.After as the way Run waits for the next fire
// instant. Tests and the demo pass a function that advances a fake clock;
// Run re-reads the clock after every wake-up, so waking early is harmless.
func WithAfter(after func(time.Duration) <-chan time.Time) Option {
	return func(s *Scheduler) { s.after = after }
}

// New returns a Scheduler for the jobs configured in cfg.Schedule. Every
// non-empty cron spec must parse as a standard 5-field spec; specs are read
// in schedule.timezone, so a CRON_TZ= or TZ= prefix is refused. An empty
// optional spec disables its job.
func New(st *store.Store, cfg config.Config, clk clock.Clock, log *slog.Logger, opts ...Option) (*Scheduler, error) {
	loc, err := cfg.Location()
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	cal, err := cfg.WorkCalendar()
	if err != nil {
		return nil, fmt.Errorf("jobs: calendar: %w", err)
	}
	lang, err := i18n.ParseLang(cfg.Language)
	if err != nil {
		return nil, fmt.Errorf("jobs: language: %w", err)
	}
	s := &Scheduler{
		st:     st,
		cfg:    cfg,
		clk:    clk,
		log:    log,
		loc:    loc,
		cal:    cal,
		cutoff: cfg.Cutoff(),
		after:  time.After,
		lang:   lang,
		printers: map[i18n.Lang]*i18n.Printer{
			i18n.VI: i18n.New(i18n.VI),
			i18n.EN: i18n.New(i18n.EN),
		},
	}
	for _, o := range opts {
		o(s)
	}
	runs := map[string]func(context.Context, *runState) error{
		JobMaterialize:     s.materialize,
		JobRemind:          s.remind,
		JobProgressRequest: s.progressRequest,
		JobTargetReadings:  s.targetReadings,
		JobRetention:       s.retention,
	}
	prepared := map[string]func(context.Context, time.Time, time.Time) (func(context.Context, *runState) error, error){
		JobDigestWeekly:     s.digest(plan.Week),
		JobDigestMonthly:    s.digest(plan.Month),
		JobDigestQuarterly:  s.digest(plan.Quarter),
		JobDigestHalfYearly: s.digest(plan.Half),
		JobDigestYearly:     s.digest(plan.Year),
	}
	var errs []error
	for _, spec := range cfg.Specs() {
		if strings.TrimSpace(spec.Spec) == "" {
			if spec.Required {
				errs = append(errs, fmt.Errorf("schedule.%s: must not be empty", spec.Key))
			}
			continue
		}
		if strings.HasPrefix(spec.Spec, "CRON_TZ=") || strings.HasPrefix(spec.Spec, "TZ=") {
			errs = append(errs, fmt.Errorf("schedule.%s: %q: a time zone prefix is not supported; set schedule.timezone", spec.Key, spec.Spec))
			continue
		}
		sched, err := cron.ParseStandard(spec.Spec)
		if err != nil {
			errs = append(errs, fmt.Errorf("schedule.%s: invalid cron spec %q: %w", spec.Key, spec.Spec, err))
			continue
		}
		run, ok := runs[spec.Job]
		prepare, isPrepared := prepared[spec.Job]
		if !ok && !isPrepared {
			errs = append(errs, fmt.Errorf("schedule.%s: unknown job %q", spec.Key, spec.Job))
			continue
		}
		s.jobs = append(s.jobs, &job{
			name:       spec.Job,
			key:        spec.Key,
			schedule:   sched,
			latestOnly: spec.Job == JobRemind,
			run:        run,
			prepare:    prepare,
		})
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	return s, nil
}

// Jobs returns the names of the enabled jobs, in the order they run when
// they fire at the same instant.
func (s *Scheduler) Jobs() []string {
	names := make([]string, len(s.jobs))
	for i, j := range s.jobs {
		names[i] = j.name
	}
	return names
}

// Fire is one scheduled instant of one job.
type Fire struct {
	Job string
	At  time.Time
}

// Fires returns every fire instant in (from, to] of every enabled job, in
// time order (jobs in Jobs order at the same instant).
func (s *Scheduler) Fires(from, to time.Time) []Fire {
	var fires []Fire
	for _, j := range s.jobs {
		for _, at := range s.instants(j, from, to) {
			fires = append(fires, Fire{Job: j.name, At: at})
		}
	}
	s.sortFires(fires)
	return fires
}

// sortFires orders fires by instant, then by job order.
func (s *Scheduler) sortFires(fires []Fire) {
	order := make(map[string]int, len(s.jobs))
	for i, j := range s.jobs {
		order[j.name] = i
	}
	slices.SortStableFunc(fires, func(a, b Fire) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return order[a.Job] - order[b.Job]
	})
}

// instants returns the fire instants of j in (from, to], read in the
// schedule's zone.
func (s *Scheduler) instants(j *job, from, to time.Time) []time.Time {
	var out []time.Time
	for t := from.In(s.loc); ; {
		t = j.schedule.Next(t)
		if t.IsZero() || t.After(to) {
			return out
		}
		out = append(out, t)
	}
}

// Next returns the first fire instant of any job after t, or the zero time
// when no job is enabled.
func (s *Scheduler) Next(t time.Time) time.Time {
	var next time.Time
	for _, j := range s.jobs {
		n := j.schedule.Next(t.In(s.loc))
		if !n.IsZero() && (next.IsZero() || n.Before(next)) {
			next = n
		}
	}
	return next
}

// Run is one job run in a Report.
type Run struct {
	Job      string
	At       time.Time
	Status   string // StatusDone, StatusSkipped, StatusTaken or StatusFailed
	Messages int    // messages enqueued
	Unlinked int    // recipients left out for having no linked Telegram chat
	Created  int    // occurrences created (materialize)
	Err      error
	// Took is the wall-clock time of the run (its preparation, if any,
	// then the transaction of its claim and decisions); FanOut that of the
	// fan-out of its remind batches.
	Took   time.Duration
	FanOut time.Duration
	// Deleted counts the rows the retention job deleted, by kind
	// (store.Swept* names).
	Deleted map[string]int64
}

// Report tells what a RunAt, CatchUp or Run step did.
type Report struct {
	Runs []Run
}

// Enqueued returns the number of messages enqueued by all runs.
func (r Report) Enqueued() int {
	n := 0
	for _, run := range r.Runs {
		n += run.Messages
	}
	return n
}

// Unlinked returns the number of recipients left out, over all runs, for
// having no linked Telegram chat.
func (r Report) Unlinked() int {
	n := 0
	for _, run := range r.Runs {
		n += run.Unlinked
	}
	return n
}

// Err joins the errors of the failed runs; nil when none failed.
func (r Report) Err() error {
	var errs []error
	for _, run := range r.Runs {
		if run.Err != nil {
			errs = append(errs, run.Err)
		}
	}
	return errors.Join(errs...)
}

// String lists the runs, one per line, then the totals: what `nhacviec
// tick` prints.
func (r Report) String() string {
	var b strings.Builder
	for _, run := range r.Runs {
		fmt.Fprintf(&b, "%s\t%s\t%s\tmessages=%d unlinked=%d", run.At.Format(time.RFC3339), run.Job, run.Status, run.Messages, run.Unlinked)
		if run.Created > 0 {
			fmt.Fprintf(&b, " created=%d", run.Created)
		}
		for _, name := range slices.Sorted(maps.Keys(run.Deleted)) {
			fmt.Fprintf(&b, " deleted_%s=%d", name, run.Deleted[name])
		}
		if run.Err != nil {
			fmt.Fprintf(&b, " error=%q", run.Err.Error())
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "jobs: %d, messages enqueued: %d, unlinked recipients: %d\n", len(r.Runs), r.Enqueued(), r.Unlinked())
	return b.String()
}

// RunAt runs, once, every job whose spec fires at the minute of at (read in
// schedule.timezone), as if the clock read that instant: `nhacviec tick
// --at`. A run already claimed is reported as taken and changes nothing.
// The error joins the errors of failed runs; the Report is complete either
// way.
func (s *Scheduler) RunAt(ctx context.Context, at time.Time) (Report, error) {
	minute := at.In(s.loc).Truncate(time.Minute)
	s.fanOutLeftovers(ctx)
	var rep Report
	for _, j := range s.jobs {
		if !j.schedule.Next(minute.Add(-time.Second)).Equal(minute) {
			continue
		}
		rep.Runs = append(rep.Runs, s.runOne(ctx, j, minute))
	}
	return rep, rep.Err()
}

// CatchUp runs every fire instant in (now - schedule.catch_up, now] not yet
// claimed; of several reminder instants only the latest runs, the others
// are recorded as skipped.
func (s *Scheduler) CatchUp(ctx context.Context, now time.Time) (Report, error) {
	rep := s.runRange(ctx, now.Add(-s.cfg.Schedule.CatchUp), now)
	return rep, rep.Err()
}

// Run catches up, then runs each job at its fire instants, according to the
// injected clock, until ctx is done; it then returns nil. A failed run is
// logged and retried by the next catch-up; it does not stop the loop.
func (s *Scheduler) Run(ctx context.Context) error {
	s.fanOutLeftovers(ctx)
	last := s.clk.Now()
	s.logReport(s.runRange(ctx, last.Add(-s.cfg.Schedule.CatchUp), last))
	for {
		next := s.Next(last)
		var wake <-chan time.Time
		if !next.IsZero() {
			wake = s.after(next.Sub(s.clk.Now()))
		}
		select {
		case <-ctx.Done():
			return nil
		case <-wake:
		}
		now := s.clk.Now()
		if now.Before(next) {
			continue // woke early: wait again for the same instant
		}
		s.logReport(s.runRange(ctx, last, now))
		last = now
	}
}

// fanOutLeftovers fans out the remind batches a crash or a failed fan-out
// left behind, logging what it did.
func (s *Scheduler) fanOutLeftovers(ctx context.Context) {
	rep, err := s.FanOut(ctx)
	if err != nil {
		s.log.Error("fan-out of earlier reminder decisions failed", "err", err)
		return
	}
	if rep.Batches > 0 {
		s.log.Info("fanned out earlier reminder decisions", "batches", rep.Batches,
			"messages", rep.Messages, "unlinked", rep.Unlinked)
	}
}

func (s *Scheduler) logReport(rep Report) {
	for _, run := range rep.Runs {
		attrs := []any{"job", run.Job, "at", run.At.Format(time.RFC3339), "status", run.Status,
			"messages", run.Messages, "unlinked", run.Unlinked, "took", run.Took.Round(time.Millisecond)}
		if run.FanOut > 0 {
			attrs = append(attrs, "fan_out", run.FanOut.Round(time.Millisecond))
		}
		if run.Err != nil {
			s.log.Error("job run failed", append(attrs, "err", run.Err)...)
			continue
		}
		s.log.Info("job run", attrs...)
	}
}

// runRange runs the fire instants in (from, to], skipping stale reminders.
func (s *Scheduler) runRange(ctx context.Context, from, to time.Time) Report {
	type fire struct {
		j     *job
		at    time.Time
		stale bool
	}
	var fires []fire
	for _, j := range s.jobs {
		ats := s.instants(j, from, to)
		for i, at := range ats {
			fires = append(fires, fire{j: j, at: at, stale: j.latestOnly && i < len(ats)-1})
		}
	}
	order := make(map[*job]int, len(s.jobs))
	for i, j := range s.jobs {
		order[j] = i
	}
	slices.SortStableFunc(fires, func(a, b fire) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		return order[a.j] - order[b.j]
	})
	var rep Report
	for _, f := range fires {
		if ctx.Err() != nil {
			break
		}
		if f.stale {
			rep.Runs = append(rep.Runs, s.skip(ctx, f.j, f.at))
			continue
		}
		rep.Runs = append(rep.Runs, s.runOne(ctx, f.j, f.at))
	}
	return rep
}

// skip records the stale run of j at at as skipped.
func (s *Scheduler) skip(ctx context.Context, j *job, at time.Time) Run {
	run := Run{Job: j.name, At: at, Status: StatusSkipped}
	ok, err := store.SkipJobRun(ctx, s.st, j.name, at, s.clk.Now(), "stale: a later run superseded it")
	switch {
	case err != nil:
		run.Status, run.Err = StatusFailed, fmt.Errorf("jobs: %s at %s: %w", j.name, at.Format(time.RFC3339), err)
	case !ok:
		run.Status = StatusTaken
	}
	return run
}

// runOne claims and performs the run of j at the instant at, in one
// transaction. A job with a prepare step first checks that the run is not
// decided yet and prepares it outside any transaction; the transaction then
// claims the run and does what the preparation returned.
func (s *Scheduler) runOne(ctx context.Context, j *job, at time.Time) Run {
	run := Run{Job: j.name, At: at}
	now := s.clk.Now()
	start := time.Now()
	perform := j.run
	if j.prepare != nil {
		decided, err := s.st.JobRunDecided(ctx, j.name, at)
		if err != nil {
			return s.failed(ctx, j, at, err)
		}
		if decided {
			run.Status = StatusTaken
			return run
		}
		if perform, err = j.prepare(ctx, at, now); err != nil {
			return s.failed(ctx, j, at, err)
		}
	}
	var st runState
	err := s.st.Tx(ctx, func(tx *store.Tx) error {
		id, ok, err := store.ClaimJobRun(ctx, tx, j.name, at, now)
		if err != nil {
			return err
		}
		if !ok {
			run.Status = StatusTaken
			return nil
		}
		st = runState{jobRunID: id, tx: tx, at: at, now: now}
		if err := perform(ctx, &st); err != nil {
			return err
		}
		run.Status = StatusDone
		return store.FinishJobRun(ctx, tx, id, st.messages, s.clk.Now())
	})
	if err != nil {
		return s.failed(ctx, j, at, err)
	}
	run.Took = time.Since(start)
	if run.Status == StatusDone {
		run.Messages, run.Unlinked, run.Created = st.messages, st.unlinked, st.created
		if st.batches > 0 {
			start := time.Now()
			s.fanOutAfterRun(ctx, &run, st.jobRunID)
			run.FanOut = time.Since(start)
		}
		if st.sweep {
			s.sweepAfterRun(ctx, &run)
		}
	}
	return run
}

// failed records the run of j at the instant at as failed with err and
// returns it as a failed Run.
func (s *Scheduler) failed(ctx context.Context, j *job, at time.Time, err error) Run {
	run := Run{Job: j.name, At: at, Status: StatusFailed,
		Err: fmt.Errorf("jobs: %s at %s: %w", j.name, at.Format(time.RFC3339), err)}
	// The run's context may be what failed; record with a fresh one.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if ferr := s.st.FailJobRun(rctx, j.name, at, s.clk.Now(), err.Error()); ferr != nil {
		run.Err = errors.Join(run.Err, ferr)
	}
	return run
}

// printer returns the printer for the official's language, else the
// configured one.
func (s *Scheduler) printer(o plan.Official) *i18n.Printer {
	lang, err := i18n.ParseLang(o.Language)
	if err != nil || o.Language == "" {
		lang = s.lang
	}
	return s.printers[lang]
}

// sendBatch is how many messages a job builds before it enqueues them:
// it bounds the memory of a run that decides many (a catch-up after long
// downtime).
const sendBatch = 2000

// sendAll enqueues msgs in the run's transaction in one batch, counting
// those that are new.
func (r *runState) sendAll(ctx context.Context, msgs []store.OutMessage) error {
	for i := range msgs {
		msgs[i].NotBefore = r.now
	}
	n, err := store.EnqueueMany(ctx, r.tx, msgs)
	if err != nil {
		return err
	}
	r.messages += n
	return nil
}

// units returns every unit with its time zone (the unit's own, else the
// schedule's).
func (s *Scheduler) units(ctx context.Context) ([]unitZone, error) {
	units, err := s.st.Units(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]unitZone, len(units))
	zones := make(map[string]*time.Location) // time.LoadLocation reads the zone's file each call
	for i, u := range units {
		loc := s.loc
		if u.Timezone != "" {
			l, ok := zones[u.Timezone]
			if !ok {
				var err error
				if l, err = time.LoadLocation(u.Timezone); err != nil {
					l = nil
				}
				zones[u.Timezone] = l
			}
			if l != nil {
				loc = l
			} else {
				s.log.Warn("unknown unit time zone; using schedule.timezone", "unit", u.Code, "timezone", u.Timezone)
			}
		}
		out[i] = unitZone{Unit: u, loc: loc}
	}
	return out, nil
}

// unitZone is a unit and its time zone.
type unitZone struct {
	plan.Unit
	loc *time.Location
}

// int64p returns a pointer to v.
func int64p(v int64) *int64 { return &v }

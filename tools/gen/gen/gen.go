// Package gen fills a nhacviec database with realistic, deterministic data
// for benchmarks: N communes and wards, each with twenty officials, the six
// reform areas of the seed, ten targets with their readings and sixty tasks
// (weekly, monthly and quarterly duties and one-off work) whose occurrences
// are materialized with their progress reports and the messages sent about
// them, as the history stands at an "as of" instant.
//
// Rows are written with COPY in one transaction per batch of units, by a
// few writers in parallel; primary keys are assigned by the generator,
// continuing after the largest existing ones, so a database can be filled
// more than once (with distinct code prefixes).
package gen

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/robfig/cron/v3"

	"github.com/nhacviec/nhacviec/config"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/store"
)

// Options says what to generate. Zero fields take the documented defaults.
type Options struct {
	// Units is the number of communes and wards; default 1.
	Units int
	// TownSize is how many units share a parent town (thị xã); towns are
	// units without a plan. 0 means 100; a single unit gets no town.
	TownSize int
	// History is the number of plan years, ending with the year of AsOf;
	// default 1. Earlier years are complete: their occurrences are done, so
	// the set of open occurrences does not depend on History.
	History int
	// AsOf is the instant the history stands at; default
	// 2025-11-14 07:00 in Asia/Ho_Chi_Minh (a Friday, before the 08:00
	// reminder run).
	AsOf time.Time
	// Year is the current plan year; it is always AsOf's year.
	Year int
	// Seed makes the data reproducible; default 1.
	Seed uint64
	// CodePrefix is put before every unit code, to fill one database twice.
	CodePrefix string
	// ChatBase is added to generated Telegram chat and user ids; default
	// 1e9, or past the largest chat id in the database.
	ChatBase int64
	// Tasks per unit and plan year, by cadence; defaults 10, 15, 5, 30.
	WeeklyTasks, MonthlyTasks, QuarterlyTasks, OneOffTasks int
	// TargetsPerUnit is the number of targets per plan; default 10.
	TargetsPerUnit int
	// Workers is the number of parallel COPY transactions; default 2.
	Workers int
	// BatchUnits is the number of units per transaction; default 20.
	BatchUnits int
	// Log, when set, receives progress lines.
	Log *slog.Logger
}

// DefaultAsOf is the default instant of the generated history.
func DefaultAsOf() time.Time {
	return time.Date(2025, time.November, 14, 7, 0, 0, 0, location())
}

// location is the time zone of every generated unit.
func location() *time.Location {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		return time.FixedZone("ICT", 7*60*60)
	}
	return loc
}

func (o Options) withDefaults() Options {
	if o.Units <= 0 {
		o.Units = 1
	}
	if o.TownSize <= 0 {
		o.TownSize = 100
	}
	if o.History <= 0 {
		o.History = 1
	}
	if o.AsOf.IsZero() {
		o.AsOf = DefaultAsOf()
	}
	o.AsOf = o.AsOf.In(location())
	o.Year = o.AsOf.Year()
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.WeeklyTasks == 0 && o.MonthlyTasks == 0 && o.QuarterlyTasks == 0 && o.OneOffTasks == 0 {
		o.WeeklyTasks, o.MonthlyTasks, o.QuarterlyTasks, o.OneOffTasks = 10, 15, 5, 30
	}
	if o.TargetsPerUnit <= 0 {
		o.TargetsPerUnit = 10
	}
	if o.Workers <= 0 {
		o.Workers = 2
	}
	if o.BatchUnits <= 0 {
		o.BatchUnits = 20
	}
	if o.Log == nil {
		o.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return o
}

// Stats counts the generated rows.
type Stats struct {
	Units, Officials, Plans, Areas, Targets, Readings, Tasks, Supporters int64
	Occurrences, Reports, Outbox, JobRuns                                int64
	Departments, DepartmentTasks                                         int64 // departments, and tasks led by one (not in Rows)
	Elapsed                                                              time.Duration
}

// Rows is the total number of rows written.
func (s Stats) Rows() int64 {
	return s.Units + s.Officials + s.Plans + s.Areas + s.Targets + s.Readings + s.Tasks + s.Supporters +
		s.Occurrences + s.Reports + s.Outbox + s.JobRuns
}

func (s *Stats) add(o Stats) {
	s.Units += o.Units
	s.Officials += o.Officials
	s.Plans += o.Plans
	s.Areas += o.Areas
	s.Targets += o.Targets
	s.Readings += o.Readings
	s.Tasks += o.Tasks
	s.Supporters += o.Supporters
	s.Occurrences += o.Occurrences
	s.Reports += o.Reports
	s.Outbox += o.Outbox
	s.JobRuns += o.JobRuns
	s.Departments += o.Departments
	s.DepartmentTasks += o.DepartmentTasks
}

// String is a one-line summary.
func (s Stats) String() string {
	return fmt.Sprintf("units=%d officials=%d plans=%d tasks=%d occurrences=%d progress_reports=%d "+
		"target_readings=%d outbox=%d job_runs=%d rows=%d in %s",
		s.Units, s.Officials, s.Plans, s.Tasks, s.Occurrences, s.Reports, s.Readings, s.Outbox, s.JobRuns,
		s.Rows(), s.Elapsed.Round(time.Millisecond))
}

// Generate fills the migrated database of st as opts says and analyzes the
// tables. The same options on the same database state give the same rows.
func Generate(ctx context.Context, st *store.Store, opts Options) (Stats, error) {
	opts = opts.withDefaults()
	start := time.Now()
	tmpl, err := loadTemplate()
	if err != nil {
		return Stats{}, err
	}
	cfg := config.Default()
	cal, err := cfg.WorkCalendar()
	if err != nil {
		return Stats{}, fmt.Errorf("gen: calendar: %w", err)
	}
	loc := location()
	b := &builder{opts: opts, tmpl: tmpl, cal: cal, loc: loc, asOf: opts.AsOf, day: plan.DateIn(opts.AsOf, loc)}
	if err := b.loadIDs(ctx, st.DB()); err != nil {
		return Stats{}, err
	}
	if b.opts.ChatBase == 0 {
		err := st.DB().GetContext(ctx, &b.opts.ChatBase, `
			SELECT GREATEST(1000000000, COALESCE(MAX(telegram_chat_id), 0), COALESCE(MAX(telegram_user_id), 0))
			FROM officials`)
		if err != nil {
			return Stats{}, fmt.Errorf("gen: chat ids: %w", err)
		}
	}

	var total Stats
	// Towns first, in their own transaction: every batch refers to them.
	var townIDs []int64
	if opts.Units > 1 {
		c := newChunk()
		created := b.firstDay().In(loc)
		for t := 0; t*opts.TownSize < opts.Units; t++ {
			b.next.unit++
			townIDs = append(townIDs, b.next.unit)
			name := fmt.Sprintf("UBND thị xã %s", towns[t%len(towns)])
			if t >= len(towns) {
				name = fmt.Sprintf("%s %d", name, t/len(towns)+1)
			}
			c.add("units", b.next.unit, fmt.Sprintf("%sthi-xa-%03d", opts.CodePrefix, t+1), name, nil, loc.String(), created, created)
			c.counts.Units++
		}
		if err := copyChunk(ctx, st.DB(), c); err != nil {
			return Stats{}, err
		}
		total.add(c.counts)
	}

	// One producer builds batches in unit order (so ids are deterministic);
	// writers copy them in parallel.
	gctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan *chunk, opts.Workers)
	results := make(chan error, opts.Workers)
	counts := make(chan Stats, opts.Workers)
	for w := 0; w < opts.Workers; w++ {
		go func() {
			var mine Stats
			for c := range batches {
				if err := copyChunk(gctx, st.DB(), c); err != nil {
					cancel()
					results <- err
					for range batches {
					}
					counts <- mine
					return
				}
				mine.add(c.counts)
			}
			results <- nil
			counts <- mine
		}()
	}
	lastLog := time.Now()
produce:
	for i := 0; i < opts.Units; i += opts.BatchUnits {
		c := newChunk()
		for u := i; u < min(i+opts.BatchUnits, opts.Units); u++ {
			var town int64
			if len(townIDs) > 0 {
				town = townIDs[u/opts.TownSize]
			}
			b.unit(c, u, town)
		}
		select {
		case batches <- c:
		case <-gctx.Done():
			break produce
		}
		if time.Since(lastLog) > 10*time.Second {
			opts.Log.Info("generating", "units", min(i+opts.BatchUnits, opts.Units), "of", opts.Units)
			lastLog = time.Now()
		}
	}
	close(batches)
	var errs []error
	for w := 0; w < opts.Workers; w++ {
		if err := <-results; err != nil {
			errs = append(errs, err)
		}
		total.add(<-counts)
	}
	if err := errors.Join(errs...); err != nil {
		return total, err
	}
	if err := ctx.Err(); err != nil {
		return total, fmt.Errorf("gen: %w", err)
	}
	if err := b.setSequences(ctx, st.DB()); err != nil {
		return total, err
	}
	n, err := jobRuns(ctx, st, opts)
	if err != nil {
		return total, err
	}
	total.JobRuns = n
	if _, err := st.DB().ExecContext(ctx, `ANALYZE`); err != nil {
		return total, fmt.Errorf("gen: analyze: %w", err)
	}
	total.Elapsed = time.Since(start)
	return total, nil
}

// sequences maps each table with generated ids to its counter.
func (b *builder) sequences() map[string]*int64 {
	return map[string]*int64{
		"units": &b.next.unit, "officials": &b.next.official, "departments": &b.next.department, "plans": &b.next.plan, "areas": &b.next.area,
		"targets": &b.next.target, "target_readings": &b.next.reading, "tasks": &b.next.task,
		"occurrences": &b.next.occurrence, "progress_reports": &b.next.report, "outbox": &b.next.outbox,
	}
}

// loadIDs starts every id counter after the largest id in use.
func (b *builder) loadIDs(ctx context.Context, db *sqlx.DB) error {
	for table, p := range b.sequences() {
		var id int64
		// The sequence's last value covers ids already handed out and
		// rolled back; the max covers ids set explicitly.
		err := db.GetContext(ctx, &id, `SELECT GREATEST(
			(SELECT COALESCE(MAX(id), 0) FROM `+pq.QuoteIdentifier(table)+`),
			(SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM `+pq.QuoteIdentifier(table+"_id_seq")+`))`)
		if err != nil {
			return fmt.Errorf("gen: ids of %s: %w", table, err)
		}
		*p = id
	}
	return nil
}

// setSequences moves every id sequence past the generated ids.
func (b *builder) setSequences(ctx context.Context, db *sqlx.DB) error {
	for table, p := range b.sequences() {
		if *p == 0 {
			continue
		}
		if _, err := db.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence($1, 'id'), $2)`, table, *p); err != nil {
			return fmt.Errorf("gen: sequence of %s: %w", table, err)
		}
	}
	return nil
}

// copyChunk copies the rows of c, table by table in foreign-key order, in
// one transaction.
func copyChunk(ctx context.Context, db *sqlx.DB, c *chunk) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("gen: begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	// Foreign keys are checked by triggers, one call per copied row; the
	// generator's rows are consistent by construction (the tests check
	// them), so skip the triggers as pg_restore does. Needs a superuser;
	// without one the keys are checked, slower.
	if _, err := tx.ExecContext(ctx, `SAVEPOINT replica`); err != nil {
		return fmt.Errorf("gen: savepoint: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `SET LOCAL session_replication_role = replica`); err != nil {
		if _, rerr := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT replica`); rerr != nil {
			return fmt.Errorf("gen: rollback to savepoint: %w", rerr)
		}
	}
	for _, t := range columns {
		rows := c.rows[t.table]
		if len(rows) == 0 {
			continue
		}
		if err := copyRows(ctx, tx, t.table, t.cols, rows); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("gen: commit: %w", err)
	}
	return nil
}

func copyRows(ctx context.Context, tx *sql.Tx, table string, cols []string, rows [][]any) error {
	stmt, err := tx.PrepareContext(ctx, pq.CopyIn(table, cols...))
	if err != nil {
		return fmt.Errorf("gen: copy %s: %w", table, err)
	}
	for _, r := range rows {
		if _, err := stmt.ExecContext(ctx, r...); err != nil {
			stmt.Close()
			return fmt.Errorf("gen: copy %s: %w", table, err)
		}
	}
	if _, err := stmt.ExecContext(ctx); err != nil {
		stmt.Close()
		return fmt.Errorf("gen: copy %s: %w", table, err)
	}
	if err := stmt.Close(); err != nil {
		return fmt.Errorf("gen: copy %s: %w", table, err)
	}
	return nil
}

// jobRuns records, as done, every scheduled run of the default schedule
// from the first generated day up to AsOf (job_runs is installation-wide,
// not per unit). Runs already recorded are left alone.
func jobRuns(ctx context.Context, st *store.Store, opts Options) (int64, error) {
	type fire struct {
		job string
		at  time.Time
	}
	var fires []fire
	from := time.Date(opts.Year-opts.History+1, time.January, 1, 0, 0, 0, 0, location())
	for _, spec := range config.Default().Specs() {
		if spec.Spec == "" {
			continue
		}
		sched, err := cron.ParseStandard(spec.Spec)
		if err != nil {
			return 0, fmt.Errorf("gen: job runs: schedule.%s: %w", spec.Key, err)
		}
		for t := sched.Next(from); !t.After(opts.AsOf); t = sched.Next(t) {
			fires = append(fires, fire{job: spec.Job, at: t})
		}
	}
	var total int64
	for i := 0; i < len(fires); i += 5000 {
		var names []string
		var ats []time.Time
		for _, f := range fires[i:min(i+5000, len(fires))] {
			names = append(names, f.job)
			ats = append(ats, f.at)
		}
		res, err := st.DB().ExecContext(ctx, `
			INSERT INTO job_runs (job, scheduled_at, started_at, finished_at, status)
			SELECT j, s, s, s + interval '2 seconds', 'done'
			FROM unnest($1::text[], $2::timestamptz[]) AS r (j, s)
			ON CONFLICT (job, scheduled_at) DO NOTHING`, pq.StringArray(names), timeArray(ats))
		if err != nil {
			return total, fmt.Errorf("gen: job runs: %w", err)
		}
		n, _ := res.RowsAffected()
		total += n
	}
	return total, nil
}

// timeArray formats instants as a PostgreSQL timestamptz[] literal.
func timeArray(ts []time.Time) string {
	b := make([]byte, 0, len(ts)*36)
	b = append(b, '{')
	for i, t := range ts {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = t.AppendFormat(b, time.RFC3339Nano)
		b = append(b, '"')
	}
	b = append(b, '}')
	return string(b)
}

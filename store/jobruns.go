package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Job run statuses, as stored in job_runs.status.
const (
	JobRunning = "running"
	JobDone    = "done"
	JobFailed  = "failed"
	JobSkipped = "skipped"
)

// JobRun is a row of job_runs: one (job, scheduled instant) decided once.
type JobRun struct {
	ID          int64      `db:"id"`
	Job         string     `db:"job"`
	ScheduledAt time.Time  `db:"scheduled_at"`
	StartedAt   time.Time  `db:"started_at"`
	FinishedAt  *time.Time `db:"finished_at"`
	Status      string     `db:"status"`
	Messages    int        `db:"messages"`
	Error       string     `db:"error"`
}

const jobRunColumns = `id, job, scheduled_at, started_at, finished_at, status, messages, error`

// ClaimJobRun claims the run of job at the scheduled instant at, through wr.
// It returns the run's id and true when the claim is ours, false when the
// run was already claimed (running, done or skipped) by anyone. A run
// recorded as failed is claimed again, so a failed run is retried.
//
// Called inside the transaction that performs the run, the claim commits
// or rolls back with the run's decisions. A concurrent claimant of the same
// run waits on the unique index until the first commits (and then gets
// false) or rolls back (and then gets the claim).
func ClaimJobRun(ctx context.Context, wr Writer, job string, at, now time.Time) (int64, bool, error) {
	q := wr.queryer()
	var id int64
	err := sqlx.GetContext(ctx, q, &id, `
		INSERT INTO job_runs (job, scheduled_at, started_at, status)
		VALUES ($1, $2, $3, 'running')
		ON CONFLICT (job, scheduled_at) DO UPDATE
		SET started_at = EXCLUDED.started_at, status = 'running', finished_at = NULL,
		    messages = 0, error = ''
		WHERE job_runs.status = 'failed'
		RETURNING id`, job, at, now)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("store: claim job run %s at %s: %w", job, at.Format(time.RFC3339), err)
	}
	return id, true, nil
}

// FinishJobRun marks the claimed run id done with the number of messages it
// enqueued.
func FinishJobRun(ctx context.Context, wr Writer, id int64, messages int, now time.Time) error {
	q := wr.execer()
	_, err := q.ExecContext(ctx, `
		UPDATE job_runs SET status = 'done', messages = $2, finished_at = $3
		WHERE id = $1`, id, messages, now)
	if err != nil {
		return fmt.Errorf("store: finish job run %d: %w", id, err)
	}
	return nil
}

// SkipJobRun records the run of job at the instant at as skipped (a stale
// reminder run that gave way to a later one), unless the run is already
// recorded. It reports whether the skip was recorded.
func SkipJobRun(ctx context.Context, wr Writer, job string, at, now time.Time, reason string) (bool, error) {
	q := wr.execer()
	res, err := q.ExecContext(ctx, `
		INSERT INTO job_runs (job, scheduled_at, started_at, finished_at, status, error)
		VALUES ($1, $2, $3, $3, 'skipped', $4)
		ON CONFLICT (job, scheduled_at) DO NOTHING`, job, at, now, reason)
	if err != nil {
		return false, fmt.Errorf("store: skip job run %s at %s: %w", job, at.Format(time.RFC3339), err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: skip job run %s at %s: %w", job, at.Format(time.RFC3339), err)
	}
	return n > 0, nil
}

// FailJobRun records that the run of job at the instant at failed with
// errText. Its transaction was rolled back, so nothing of it remains but
// this row; a later claim retries it. A run that someone else meanwhile
// completed is left alone.
func (s *Store) FailJobRun(ctx context.Context, job string, at, now time.Time, errText string) error {
	_, err := s.db.ExecContext(ctx, `
		INSERT INTO job_runs (job, scheduled_at, started_at, finished_at, status, error)
		VALUES ($1, $2, $3, $3, 'failed', $4)
		ON CONFLICT (job, scheduled_at) DO UPDATE
		SET finished_at = EXCLUDED.finished_at, error = EXCLUDED.error
		WHERE job_runs.status = 'failed'`, job, at, now, errText)
	if err != nil {
		return fmt.Errorf("store: record failed job run %s at %s: %w", job, at.Format(time.RFC3339), err)
	}
	return nil
}

// JobRuns returns the recorded runs scheduled in [from, to], in order of
// scheduled instant and job name.
func (s *Store) JobRuns(ctx context.Context, from, to time.Time) ([]JobRun, error) {
	var runs []JobRun
	err := s.db.SelectContext(ctx, &runs, `
		SELECT `+jobRunColumns+`
		FROM job_runs
		WHERE scheduled_at BETWEEN $1 AND $2
		ORDER BY scheduled_at, job`, from, to)
	if err != nil {
		return nil, fmt.Errorf("store: job runs: %w", err)
	}
	return runs, nil
}

// JobRunDecided reports whether the run of job at the instant at is
// recorded and not failed (running, done or skipped), so that ClaimJobRun
// would not claim it once its claimant commits. A job that prepares its
// run before claiming it asks first, so as not to prepare a decided run.
func (s *Store) JobRunDecided(ctx context.Context, job string, at time.Time) (bool, error) {
	var decided bool
	err := s.db.GetContext(ctx, &decided, `
		SELECT EXISTS (SELECT 1 FROM job_runs
		               WHERE job = $1 AND scheduled_at = $2 AND status <> 'failed')`, job, at)
	if err != nil {
		return false, fmt.Errorf("store: job run %s at %s: %w", job, at.Format(time.RFC3339), err)
	}
	return decided, nil
}

package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// MetricsCounts is what /metrics reports from the database.
type MetricsCounts struct {
	// Outbox and Email count the Telegram and e-mail rows of the outbox
	// by status. Pending and Dead are exact, and so are the e-mails (a
	// partial index holds the rows of the channels other than Telegram);
	// Telegram's Sent is the planner's estimate of the table's rows
	// (pg_class.reltuples, kept fresh by autovacuum and by Sweep) less the
	// others, exact only while the table was never analyzed.
	// Zalo counts Zalo's rows, exactly.
	Outbox, Email, Zalo OutboxCounts
	// RemindPending is the number of remind batches not yet fanned out.
	RemindPending int
	// UpdatesProcessed is the number of inbound Telegram updates ever
	// processed: those remembered plus those Sweep deleted.
	UpdatesProcessed int64
	// ZaloUpdatesProcessed is the number of inbound Zalo events processed
	// and still remembered (their ids are negative; retention's count of
	// deleted updates is Telegram's and Zalo's together).
	ZaloUpdatesProcessed int64
	// JobRuns counts the job ledger by job and status.
	JobRuns []JobRunCount
	// Deleted counts the rows every Sweep deleted, by the Swept* names.
	Deleted map[string]int64
}

// JobRunCount is one (job, status) line of the job ledger.
type JobRunCount struct {
	Job      string `db:"job"`
	Status   string `db:"status"`
	Runs     int64  `db:"runs"`
	Messages int64  `db:"messages"`
	// LastDone is when a done run of the job last finished; nil for other
	// statuses or when none has.
	LastDone *time.Time `db:"last_done"`
}

// MetricsCounts reads the counts of /metrics with two statements that read
// no sent message: pending and dead rows through their partial indexes,
// the rest from the planner's statistics, small tables (job_runs, a week of
// processed updates, retention_deleted) whole.
func (s *Store) MetricsCounts(ctx context.Context) (MetricsCounts, error) {
	var row struct {
		OutboxPending int     `db:"outbox_pending"`
		OutboxDead    int     `db:"outbox_dead"`
		OutboxSent    float64 `db:"outbox_sent"`
		EmailPending  int     `db:"email_pending"`
		EmailDead     int     `db:"email_dead"`
		EmailSent     float64 `db:"email_sent"`
		ZaloPending   int     `db:"zalo_pending"`
		ZaloDead      int     `db:"zalo_dead"`
		ZaloSent      int     `db:"zalo_sent"`
		ZaloUpdates   int64   `db:"zalo_updates"`
		RemindPending int     `db:"remind_pending"`
		Updates       int64   `db:"updates"`
		Deleted       string  `db:"deleted"`
	}
	err := s.db.GetContext(ctx, &row, metricsCountsSQL)
	if err != nil {
		return MetricsCounts{}, fmt.Errorf("store: metrics counts: %w", err)
	}
	m := MetricsCounts{
		Outbox:               OutboxCounts{Pending: row.OutboxPending, Sent: int(row.OutboxSent), Dead: row.OutboxDead},
		Email:                OutboxCounts{Pending: row.EmailPending, Sent: int(row.EmailSent), Dead: row.EmailDead},
		Zalo:                 OutboxCounts{Pending: row.ZaloPending, Sent: row.ZaloSent, Dead: row.ZaloDead},
		RemindPending:        row.RemindPending,
		UpdatesProcessed:     row.Updates,
		ZaloUpdatesProcessed: row.ZaloUpdates,
	}
	if err := json.Unmarshal([]byte(row.Deleted), &m.Deleted); err != nil {
		return MetricsCounts{}, fmt.Errorf("store: metrics counts: retention counts %q: %w", row.Deleted, err)
	}
	err = s.db.SelectContext(ctx, &m.JobRuns, `
		SELECT job, status, count(*) AS runs, COALESCE(sum(messages), 0) AS messages,
		       max(finished_at) FILTER (WHERE status = 'done') AS last_done
		FROM job_runs
		GROUP BY job, status
		ORDER BY job, status`)
	if err != nil {
		return MetricsCounts{}, fmt.Errorf("store: metrics counts: job runs: %w", err)
	}
	return m, nil
}

// metricsCountsSQL reads the counts of MetricsCounts but the job ledger.
// The CTE is materialized so that each count runs once (inlined, the
// pending and dead counts ran twice). A scalar sub-select in a CASE runs
// only when its branch is taken: the exact count of sent rows only for a
// table never analyzed (reltuples -1), which is a new, small one.
const metricsCountsSQL = `
		WITH c AS MATERIALIZED (
			SELECT (SELECT count(*) FROM outbox WHERE channel = 'telegram' AND status = 'pending') AS outbox_pending,
			       (SELECT count(*) FROM outbox WHERE channel = 'telegram' AND status = 'dead') AS outbox_dead,
			       (SELECT reltuples FROM pg_class WHERE oid = 'outbox'::regclass) AS outbox_rows,
			       (SELECT count(*) FROM outbox WHERE channel <> 'telegram') AS other_rows,
			       (SELECT count(*) FROM outbox WHERE channel = 'email' AND status = 'pending') AS email_pending,
			       (SELECT count(*) FROM outbox WHERE channel = 'email' AND status = 'dead') AS email_dead,
			       (SELECT count(*) FROM outbox WHERE channel = 'email' AND status = 'sent') AS email_sent,
			       (SELECT count(*) FROM outbox WHERE channel = 'zalo' AND status = 'pending') AS zalo_pending,
			       (SELECT count(*) FROM outbox WHERE channel = 'zalo' AND status = 'dead') AS zalo_dead,
			       (SELECT count(*) FROM outbox WHERE channel = 'zalo' AND status = 'sent') AS zalo_sent,
			       (SELECT count(*) FROM processed_updates WHERE update_id < 0) AS zalo_updates)
		SELECT outbox_pending, outbox_dead,
		       CASE WHEN outbox_rows < 0 THEN (SELECT count(*) FROM outbox WHERE channel = 'telegram' AND status = 'sent')
		            ELSE greatest(round(outbox_rows) - outbox_pending - outbox_dead - other_rows, 0) END AS outbox_sent,
		       email_pending, email_dead, email_sent, zalo_pending, zalo_dead, zalo_sent, zalo_updates,
		       (SELECT count(*) FROM remind_batches WHERE fanned_out_at IS NULL) AS remind_pending,
		       (SELECT count(*) FROM processed_updates) - zalo_updates
		         + COALESCE((SELECT rows FROM retention_deleted WHERE name = 'processed_updates'), 0) AS updates,
		       COALESCE((SELECT json_object_agg(name, rows) FROM retention_deleted), '{}')::text AS deleted
		FROM c`

// ExplainMetricsCounts returns the plan PostgreSQL runs for the counts of
// MetricsCounts, with EXPLAIN (ANALYZE, BUFFERS): for benchmarks.
func ExplainMetricsCounts(ctx context.Context, rd Reader) ([]string, error) {
	q := rd.queryer()
	var lines []string
	if err := sqlx.SelectContext(ctx, q, &lines, `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) `+metricsCountsSQL); err != nil {
		return nil, fmt.Errorf("store: explain metrics counts: %w", err)
	}
	return lines, nil
}

package store

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"
)

// DefaultSweepBatch is how many rows one DELETE of Sweep removes when the
// policy says nothing.
const DefaultSweepBatch = 5000

// RetentionPolicy says how long Sweep keeps the rows of the tables that
// only the machinery needs. A zero age keeps those rows for ever. Pending
// outbox and e-mail rows and remind batches not yet fanned out are never
// deleted; nor are job_runs, whose (job, instant) claims are what keep a
// past instant from being decided again once its messages are gone.
// Published files (PublishFile) are deleted once they expire, whatever
// the policy.
type RetentionPolicy struct {
	// ProcessedUpdates is how long an inbound update's id is remembered.
	ProcessedUpdates time.Duration
	// OutboxSent is how long a sent message (Telegram and e-mail) is kept,
	// from when it was sent.
	OutboxSent time.Duration
	// OutboxDead is how long a message given up on is kept, from when it
	// was enqueued: it is the audit of what never arrived.
	OutboxDead time.Duration
	// LinkAttempts is how long a failed /start is kept.
	LinkAttempts time.Duration
	// RemindBatches is how long a fanned-out reminder decision is kept,
	// from when it was decided; a reminder held for an official on leave
	// is kept as long from when it was released (sent or moot). Held
	// reminders not yet released are never deleted.
	RemindBatches time.Duration
	// BatchSize is the number of rows per DELETE (its own transaction);
	// 0 means DefaultSweepBatch.
	BatchSize int
}

// Names of the counts of deleted rows, in SweepReport.Deleted and in the
// table retention_deleted.
const (
	SweptProcessedUpdates = "processed_updates"
	SweptOutboxSent       = "outbox_sent"
	SweptOutboxDead       = "outbox_dead"
	SweptEmailSent        = "email_outbox_sent"
	SweptEmailDead        = "email_outbox_dead"
	SweptLinkAttempts     = "link_attempts"
	SweptRemindBatches    = "remind_batches"
	SweptHeldReminders    = "held_reminders"
	SweptPublishedFiles   = "published_files"
)

// SweepReport tells what a Sweep deleted.
type SweepReport struct {
	// Deleted counts the rows deleted, by the Swept* names; a name is
	// present when its kind of row was swept, even if none was old enough.
	Deleted map[string]int64
	// Batches is the number of DELETE statements run.
	Batches int
}

// Total returns the number of rows deleted.
func (r SweepReport) Total() int64 {
	var n int64
	for _, v := range r.Deleted {
		n += v
	}
	return n
}

// Sweep deletes, as of now, the rows older than the ages of p, table by
// table, in batches of p.BatchSize rows: each batch is one autocommit
// statement that also adds its count to retention_deleted, so no batch
// holds its locks for long and the counts stay exact whatever fails. It
// stops between batches when ctx is done. Tables it deleted from are
// analyzed afterwards (processed_updates and link_attempts vacuumed too),
// so that the planner and /metrics' estimates see the smaller tables.
//
// The outbox tables and remind_batches are walked in primary-key order,
// only up to the first row younger than the cut-off (by created_at,
// decided_at: the clock when the row was written, so ids follow it), so a
// daily sweep reads about a day of rows, not the table; a row written out
// of that order (a clock set back) waits for a later sweep.
// processed_updates, link_attempts and published_files (those expired),
// small and without a useful key, are walked once in physical order
// (ctid).
func (s *Store) Sweep(ctx context.Context, p RetentionPolicy, now time.Time) (SweepReport, error) {
	batch := p.BatchSize
	if batch <= 0 {
		batch = DefaultSweepBatch
	}
	rep := SweepReport{Deleted: make(map[string]int64)}
	var swept []string
	for _, t := range []idSweep{
		// The one outbox, every channel; the deleted rows are counted
		// by channel, as they were when e-mails had a table of their own.
		{table: "outbox", age: "created_at", parts: []sweepPart{
			{name: SweptOutboxSent, cond: "channel = 'telegram' AND status = 'sent' AND sent_at < $4::timestamptz", age: p.OutboxSent},
			{name: SweptOutboxDead, cond: "channel = 'telegram' AND status = 'dead' AND created_at < $5::timestamptz", age: p.OutboxDead},
			{name: SweptEmailSent, cond: "channel = 'email' AND status = 'sent' AND sent_at < $6::timestamptz", age: p.OutboxSent},
			{name: SweptEmailDead, cond: "channel = 'email' AND status = 'dead' AND created_at < $7::timestamptz", age: p.OutboxDead},
		}},
		{table: "remind_batches", age: "decided_at", parts: []sweepPart{
			{name: SweptRemindBatches, cond: "fanned_out_at IS NOT NULL AND decided_at < $4::timestamptz", age: p.RemindBatches},
		}},
		// A reminder is released after it was held, so the walk by
		// held_at stops at the first row held after the cut-off.
		{table: "held_reminders", age: "held_at", parts: []sweepPart{
			{name: SweptHeldReminders, cond: "released_at < $4::timestamptz", age: p.RemindBatches},
		}},
	} {
		n, err := s.sweepByID(ctx, t, now, batch, &rep)
		if err != nil {
			return rep, err
		}
		if n > 0 {
			swept = append(swept, t.table)
		}
	}
	var vacuum []string
	for _, t := range []ctidSweep{
		{table: "processed_updates", column: "processed_at", name: SweptProcessedUpdates, age: p.ProcessedUpdates},
		{table: "link_attempts", column: "attempted_at", name: SweptLinkAttempts, age: p.LinkAttempts},
		{table: "published_files", column: "expires_at", name: SweptPublishedFiles, expiry: true},
	} {
		n, err := s.sweepByCtid(ctx, t, now, batch, &rep)
		if err != nil {
			return rep, err
		}
		if n > 0 {
			vacuum = append(vacuum, t.table)
		}
	}
	// The outbox tables are vacuumed often anyway (every message is an
	// insert and an update); the insert-only tables would wait until a
	// fifth of their rows are dead, and /metrics counts processed_updates.
	for _, table := range swept {
		if _, err := s.db.ExecContext(ctx, `ANALYZE `+table); err != nil {
			return rep, fmt.Errorf("store: sweep: analyze %s: %w", table, err)
		}
	}
	for _, table := range vacuum {
		if _, err := s.db.ExecContext(ctx, `VACUUM (ANALYZE) `+table); err != nil {
			return rep, fmt.Errorf("store: sweep: vacuum %s: %w", table, err)
		}
	}
	return rep, nil
}

// sweepPart is one kind of row of a table Sweep deletes: those matching
// cond, whose cut-off parameter ($4 for the first part, $5 for the second…, cast to
// timestamptz) is now minus age.
type sweepPart struct {
	name string
	cond string
	age  time.Duration
}

// idSweep is a table with a bigint primary key id, enqueued roughly in id
// order, and the kinds of its rows to delete; age is the column of the
// rows' age (by which the walk stops).
type idSweep struct {
	table string
	age   string
	parts []sweepPart
}

// sweepByID deletes the old rows of t in batches, walking its primary key,
// and returns the number of rows deleted.
func (s *Store) sweepByID(ctx context.Context, t idSweep, now time.Time, batch int, rep *SweepReport) (int64, error) {
	var (
		conds, labels []string
		cutoffs       = make([]any, len(t.parts)) // $4, $5, ...
		latest        time.Time
	)
	// Every part is in the statement; a part kept for ever has a NULL
	// cut-off, which no row is older than.
	for i, part := range t.parts {
		conds = append(conds, "("+part.cond+")")
		labels = append(labels, fmt.Sprintf("WHEN %s THEN '%s'", part.cond, part.name))
		if part.age <= 0 {
			continue
		}
		cut := now.Add(-part.age)
		cutoffs[i] = cut
		if cut.After(latest) {
			latest = cut
		}
		rep.Deleted[part.name] += 0
	}
	if latest.IsZero() {
		return 0, nil
	}
	// The walk stops at the first row newer than every cut-off: rows past
	// it are young, but for the few enqueued out of order, which a later
	// sweep deletes.
	var ceiling *int64
	err := s.db.GetContext(ctx, &ceiling, fmt.Sprintf(`
		SELECT (SELECT id FROM %[1]s WHERE %[2]s >= $1 ORDER BY id LIMIT 1)`, t.table, t.age), latest)
	if err != nil {
		return 0, fmt.Errorf("store: sweep %s: %w", t.table, err)
	}
	limit := int64(math.MaxInt64)
	if ceiling != nil {
		limit = *ceiling
	}
	cond := strings.Join(conds, " OR ")
	label := "CASE " + strings.Join(labels, " ") + " END"
	// One statement, one transaction: pick the next batch in id order,
	// delete it (the condition checked again on the rows as they are
	// then), and add the counts to retention_deleted.
	query := fmt.Sprintf(`
		WITH doomed AS (
			SELECT id FROM %[1]s
			WHERE id > $1 AND id < $2 AND (%[2]s)
			ORDER BY id
			LIMIT $3),
		d AS (
			DELETE FROM %[1]s
			WHERE id = ANY(ARRAY(SELECT id FROM doomed)) AND (%[2]s)
			RETURNING %[3]s AS name),
		counted AS (
			SELECT name, count(*) AS n FROM d GROUP BY name),
		kept AS (
			INSERT INTO retention_deleted (name, rows)
			SELECT name, n FROM counted
			ON CONFLICT (name) DO UPDATE SET rows = retention_deleted.rows + EXCLUDED.rows)
		SELECT COALESCE((SELECT max(id) FROM doomed), 0) AS last,
		       (SELECT count(*) FROM doomed) AS picked,
		       COALESCE((SELECT json_object_agg(name, n) FROM counted), '{}')::text AS counts`,
		t.table, cond, label)
	var total int64
	after := int64(0)
	for {
		if err := ctx.Err(); err != nil {
			return total, fmt.Errorf("store: sweep %s: %w", t.table, err)
		}
		var res struct {
			Last   int64  `db:"last"`
			Picked int    `db:"picked"`
			Counts string `db:"counts"`
		}
		args := append([]any{after, limit, batch}, cutoffs[:len(t.parts)]...)
		if err := s.db.GetContext(ctx, &res, query, args...); err != nil {
			return total, fmt.Errorf("store: sweep %s: %w", t.table, err)
		}
		rep.Batches++
		n, err := addCounts(rep, res.Counts)
		if err != nil {
			return total, fmt.Errorf("store: sweep %s: %w", t.table, err)
		}
		total += n
		if res.Picked < batch {
			return total, nil
		}
		after = res.Last
	}
}

// ctidSweep is a table whose rows older than age (by column) are deleted
// in one walk in physical order; with expiry, column is when a row
// expires and rows are deleted from then (age 0) whatever the policy.
type ctidSweep struct {
	table  string
	column string
	name   string
	age    time.Duration
	expiry bool
}

// sweepByCtid deletes the old rows of t in batches, walking the table once
// in ctid order (a TID range scan: each batch starts where the last one
// stopped), and returns the number of rows deleted.
func (s *Store) sweepByCtid(ctx context.Context, t ctidSweep, now time.Time, batch int, rep *SweepReport) (int64, error) {
	if t.age <= 0 && !t.expiry {
		return 0, nil
	}
	rep.Deleted[t.name] += 0
	query := fmt.Sprintf(`
		WITH doomed AS (
			SELECT ctid FROM %[1]s
			WHERE ctid > $1::tid AND %[2]s < $2
			LIMIT $3),
		d AS (
			DELETE FROM %[1]s
			WHERE ctid = ANY(ARRAY(SELECT ctid FROM doomed)) AND %[2]s < $2
			RETURNING 1),
		kept AS (
			INSERT INTO retention_deleted (name, rows)
			SELECT $4, count(*) FROM d HAVING count(*) > 0
			ON CONFLICT (name) DO UPDATE SET rows = retention_deleted.rows + EXCLUDED.rows)
		SELECT COALESCE((SELECT max(ctid) FROM doomed), '(0,0)')::text AS last,
		       (SELECT count(*) FROM doomed) AS picked,
		       (SELECT count(*) FROM d) AS deleted`, t.table, t.column)
	cut := now.Add(-t.age)
	var total int64
	after := "(0,0)"
	for {
		if err := ctx.Err(); err != nil {
			return total, fmt.Errorf("store: sweep %s: %w", t.table, err)
		}
		var res struct {
			Last    string `db:"last"`
			Picked  int    `db:"picked"`
			Deleted int64  `db:"deleted"`
		}
		if err := s.db.GetContext(ctx, &res, query, after, cut, batch, t.name); err != nil {
			return total, fmt.Errorf("store: sweep %s: %w", t.table, err)
		}
		rep.Batches++
		rep.Deleted[t.name] += res.Deleted
		total += res.Deleted
		if res.Picked < batch {
			return total, nil
		}
		after = res.Last
	}
}

// addCounts adds the JSON object of counts by name to rep and returns
// their sum.
func addCounts(rep *SweepReport, counts string) (int64, error) {
	var byName map[string]int64
	if err := json.Unmarshal([]byte(counts), &byName); err != nil {
		return 0, fmt.Errorf("counts %q: %w", counts, err)
	}
	var n int64
	for name, v := range byName {
		rep.Deleted[name] += v
		n += v
	}
	return n, nil
}

// RetentionDeleted returns how many rows every sweep so far deleted, by the
// Swept* names.
func (s *Store) RetentionDeleted(ctx context.Context) (map[string]int64, error) {
	var rows []struct {
		Name string `db:"name"`
		Rows int64  `db:"rows"`
	}
	if err := s.db.SelectContext(ctx, &rows, `SELECT name, rows FROM retention_deleted ORDER BY name`); err != nil {
		return nil, fmt.Errorf("store: retention counts: %w", err)
	}
	out := make(map[string]int64, len(rows))
	for _, r := range rows {
		out[r.Name] = r.Rows
	}
	return out, nil
}

package store

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/nhacviec/nhacviec/plan"
)

// RemindCandidate is what a reminder run needs to decide about an open
// occurrence: its unit, its due date and whether the chairman was already
// told it is overdue.
type RemindCandidate struct {
	UnitID    int64     `db:"unit_id"`
	ID        int64     `db:"id"`
	Due       plan.Date `db:"due"`
	Escalated bool      `db:"escalated"`
}

// OpenDueThrough returns the occurrences of every unit that are not done,
// not archived and not ongoing (an ongoing task has no deadline to remind
// of), due on or before through, ordered by unit, due date
// and id. It reads only the partial index of open occurrences
// (occurrences_open_remind_idx, an index-only scan), so its cost grows
// with the open occurrences, not with the history of done ones nor the
// number of tasks. Occurrences of archived tasks are among them;
// unitReminderItemSelect is the select list of a UnitReminderItem over
// occurrences o, tasks t, plans p, areas a and the lead l; its latest
// report is left empty (LastReports fills it where it is needed).
const unitReminderItemSelect = `
		SELECT p.unit_id, o.id, o.task_id, o.key, o.due, o.percent, t.position AS task_position,
		       t.key AS task_key, t.title AS task_title, a.code AS area_code,
		       l.id AS lead_id, l.key AS lead_key, l.name AS lead_name,
		       COALESCE((SELECT array_agg(ts.official_id ORDER BY ts.official_id)
		                 FROM task_supporters ts WHERE ts.task_id = t.id), '{}') AS supporter_ids`

// OpenOccurrencesByID leaves them out.
func OpenDueThrough(ctx context.Context, rd Reader, through plan.Date) ([]RemindCandidate, error) {
	rows, err := rd.queryer().QueryContext(ctx, openDueThroughSQL, through)
	if err != nil {
		return nil, fmt.Errorf("store: open occurrences due through %s: %w", through, err)
	}
	defer rows.Close()
	// Scanned by hand, the due date as a day number: some 50,000 rows at
	// 3,300 units, which sqlx's reflection and the parsing of dates
	// scanned at several times the cost.
	var occs []RemindCandidate
	for rows.Next() {
		var c RemindCandidate
		var day int64
		if err := rows.Scan(&c.UnitID, &c.ID, &day, &c.Escalated); err != nil {
			return nil, fmt.Errorf("store: open occurrences due through %s: %w", through, err)
		}
		c.Due = epochDay(day)
		occs = append(occs, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: open occurrences due through %s: %w", through, err)
	}
	// Sorted here rather than by PostgreSQL, whose sort of some 50,000
	// rows at 3,300 units spills to disk under the default work_mem; the
	// dates compared field by field (Date.Compare builds two time.Time).
	slices.SortFunc(occs, func(a, b RemindCandidate) int {
		return cmp.Or(cmp.Compare(a.UnitID, b.UnitID), cmp.Compare(a.Due.Year, b.Due.Year),
			cmp.Compare(a.Due.Month, b.Due.Month), cmp.Compare(a.Due.Day, b.Due.Day), cmp.Compare(a.ID, b.ID))
	})
	return occs, nil
}

// epochDay is the date day days after 1970-01-01.
func epochDay(day int64) plan.Date {
	return plan.DateOf(time.Unix(day*86400, 0).UTC())
}

// openDueThroughSQL is the query of OpenDueThrough.
const openDueThroughSQL = `
		SELECT o.unit_id, o.id, o.due - DATE '1970-01-01' AS due, o.escalated_at IS NOT NULL AS escalated
		FROM occurrences o
		WHERE o.done_at IS NULL AND o.archived_at IS NULL AND NOT o.ongoing AND o.due <= $1`

// ExplainOpenDueThrough returns the plan PostgreSQL runs for
// OpenDueThrough, with EXPLAIN (ANALYZE, BUFFERS): for benchmarks.
func ExplainOpenDueThrough(ctx context.Context, rd Reader, through plan.Date) ([]string, error) {
	q := rd.queryer()
	var lines []string
	err := sqlx.SelectContext(ctx, q, &lines, `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) `+openDueThroughSQL, through)
	if err != nil {
		return nil, fmt.Errorf("store: explain open occurrences due: %w", err)
	}
	return lines, nil
}

// RemindDecision is what a reminder run decided about one occurrence.
type RemindDecision struct {
	OccurrenceID int64  `json:"o"`
	Kind         string `json:"k,omitempty"` // "reminder", "nag", KindHeld, or "" for an escalation alone
	Prefix       string `json:"p,omitempty"` // dedupe key prefix of the reminder or nag
	Escalate     bool   `json:"e,omitempty"` // tell the chairman and the office officials
	// A message held while its recipient was on leave (Kind "held"): the
	// held_reminders row, its official and its kind (HeldTeam or
	// HeldEscalation). The fan-out sends the occurrence as it stands.
	HeldID   int64  `json:"h,omitempty"`
	Official int64  `json:"to,omitempty"`
	HeldKind string `json:"hk,omitempty"`
}

// KindHeld is the RemindDecision kind of a held message released.
const KindHeld = "held"

// RemindBatch is the decisions of one reminder run for one unit, to be
// fanned out into outbox messages.
type RemindBatch struct {
	ID        int64     `db:"id"`
	JobRunID  int64     `db:"job_run_id"`
	UnitID    int64     `db:"unit_id"`
	RunAt     time.Time `db:"run_at"`     // the run's scheduled instant
	DecidedAt time.Time `db:"decided_at"` // the messages' first delivery attempt
	Day       plan.Date `db:"day"`        // the unit's local date of the run
	Decisions []RemindDecision
}

// remindBatchChunk is how many decisions an INSERT of InsertRemindBatches
// carries at most (a batch is never split): the decisions travel as one
// text that lib/pq copies again into its buffer, so a statement of a
// month-overdue morning's 60,000 decisions held some 15 MB at once, half
// the run's heap.
const remindBatchChunk = 8000

// InsertRemindBatches writes batches, which belong to the job run jobRunID,
// through wr (the run's transaction), a statement per remindBatchChunk
// decisions, and returns how many it wrote.
func InsertRemindBatches(ctx context.Context, wr Writer, jobRunID int64, batches []RemindBatch) (int, error) {
	written := 0
	for len(batches) > 0 {
		end, decisions := 0, 0
		for end < len(batches) && (end == 0 || decisions+len(batches[end].Decisions) <= remindBatchChunk) {
			decisions += len(batches[end].Decisions)
			end++
		}
		n, err := insertRemindBatches(ctx, wr, jobRunID, batches[:end])
		written += n
		if err != nil {
			return written, err
		}
		batches = batches[end:]
	}
	return written, nil
}

// insertRemindBatches writes batches with one statement.
func insertRemindBatches(ctx context.Context, wr Writer, jobRunID int64, batches []RemindBatch) (int, error) {
	q := wr.execer()
	units := make(pq.Int64Array, len(batches))
	days := make(pq.StringArray, len(batches))
	// The decisions travel as one text, a JSON document a line
	// (encoding/json escapes line breaks inside strings), rather than as a
	// text[] whose every quote lib/pq escapes and PostgreSQL unescapes.
	var docs bytes.Buffer
	docs.Grow(len(batches) * 640)
	enc := json.NewEncoder(&docs)
	for i, b := range batches {
		if err := enc.Encode(b.Decisions); err != nil {
			return 0, fmt.Errorf("store: remind batch of unit %d: %w", b.UnitID, err)
		}
		units[i], days[i] = b.UnitID, b.Day.String()
	}
	res, err := q.ExecContext(ctx, `
		INSERT INTO remind_batches (job_run_id, unit_id, run_at, decided_at, day, decisions)
		SELECT $1, b.unit_id, $2, $3, b.day, d.decisions::json
		FROM unnest($4::bigint[], $5::date[]) WITH ORDINALITY AS b(unit_id, day, n)
		JOIN string_to_table($6::text, E'\n') WITH ORDINALITY AS d(decisions, n) ON d.n = b.n
		ORDER BY b.n`,
		jobRunID, batches[0].RunAt, batches[0].DecidedAt, units, days, docs.String())
	if err != nil {
		return 0, fmt.Errorf("store: insert %d remind batches (first of unit %d): %w", len(batches), batches[0].UnitID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("store: insert %d remind batches: %w", len(batches), err)
	}
	return int(n), nil
}

// ClaimRemindBatches locks, through stx, up to limit batches not yet fanned
// out, oldest first, skipping those another transaction holds, and returns
// them; but it stops once the batches returned hold maxDecisions decisions
// or more (at least one batch is returned), so that a morning when every
// unit has many items (a month of unreported work) fans out fewer units a
// transaction and holds no more in memory than an ordinary one. The
// batches locked but not returned are left to the next transaction.
func ClaimRemindBatches(ctx context.Context, stx *Tx, limit, maxDecisions int) ([]RemindBatch, error) {
	tx := stx.tx
	rows, err := tx.QueryxContext(ctx, `
		SELECT id, job_run_id, unit_id, run_at, decided_at, day, decisions
		FROM remind_batches
		WHERE fanned_out_at IS NULL
		ORDER BY id
		LIMIT $1
		FOR UPDATE SKIP LOCKED`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: claim remind batches: %w", err)
	}
	defer rows.Close()
	var (
		out       []RemindBatch
		decisions int
	)
	for rows.Next() {
		var b RemindBatch
		var doc []byte
		if err := rows.Scan(&b.ID, &b.JobRunID, &b.UnitID, &b.RunAt, &b.DecidedAt, &b.Day, &doc); err != nil {
			return nil, fmt.Errorf("store: claim remind batches: %w", err)
		}
		if err := json.Unmarshal(doc, &b.Decisions); err != nil {
			return nil, fmt.Errorf("store: remind batch %d: decisions: %w", b.ID, err)
		}
		out = append(out, b)
		if decisions += len(b.Decisions); decisions >= maxDecisions {
			break
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: claim remind batches: %w", err)
	}
	return out, nil
}

// FinishRemindBatches marks batches fanned out at now, each with the
// number of messages it enqueued (messages[i] for batches[i]), and adds
// those to the count of the job run each belongs to.
func FinishRemindBatches(ctx context.Context, wr Writer, batches []RemindBatch, messages []int, now time.Time) error {
	q := wr.execer()
	if len(batches) == 0 {
		return nil
	}
	ids := make(pq.Int64Array, len(batches))
	counts := make(pq.Int64Array, len(batches))
	perRun := make(map[int64]int64)
	for i, b := range batches {
		ids[i], counts[i] = b.ID, int64(messages[i])
		perRun[b.JobRunID] += int64(messages[i])
	}
	runs := make(pq.Int64Array, 0, len(perRun))
	sums := make(pq.Int64Array, 0, len(perRun))
	for id, n := range perRun {
		runs, sums = append(runs, id), append(sums, n)
	}
	// Two statements on primary keys: joined in one, the planner hashed
	// the whole of job_runs, which grows by some 20 rows a day.
	if _, err := q.ExecContext(ctx, `
		UPDATE remind_batches b SET fanned_out_at = $3, messages = x.messages
		FROM unnest($1::bigint[], $2::bigint[]) AS x(id, messages)
		WHERE b.id = x.id`, ids, counts, now); err != nil {
		return fmt.Errorf("store: finish %d remind batches: %w", len(batches), err)
	}
	if _, err := q.ExecContext(ctx, `
		UPDATE job_runs r SET messages = r.messages + x.messages
		FROM unnest($1::bigint[], $2::bigint[]) AS x(id, messages)
		WHERE r.id = x.id`, runs, sums); err != nil {
		return fmt.Errorf("store: finish %d remind batches: job run counts: %w", len(batches), err)
	}
	return nil
}

// PendingRemindBatches returns the number of batches not yet fanned out.
func PendingRemindBatches(ctx context.Context, rd Reader) (int, error) {
	q := rd.queryer()
	var n int
	if err := sqlx.GetContext(ctx, q, &n, `SELECT count(*) FROM remind_batches WHERE fanned_out_at IS NULL`); err != nil {
		return 0, fmt.Errorf("store: pending remind batches: %w", err)
	}
	return n, nil
}

// MarkEscalated records, through wr, that the occurrences ids were
// escalated at now; an occurrence already marked keeps its first instant.
func MarkEscalated(ctx context.Context, wr Writer, ids []int64, now time.Time) error {
	q := wr.execer()
	if len(ids) == 0 {
		return nil
	}
	_, err := q.ExecContext(ctx, `
		UPDATE occurrences SET escalated_at = $2
		WHERE id = ANY($1) AND escalated_at IS NULL`, pq.Int64Array(ids), now)
	if err != nil {
		return fmt.Errorf("store: mark %d occurrences escalated: %w", len(ids), err)
	}
	return nil
}

// OpenOccurrencesByID returns those of the occurrences ids that are still
// open (not done, not archived, nor their task), with their unit, task,
// lead and supporting officials, by id. The latest progress report is left
// empty: fetch it with LastReports where it is needed.
func OpenOccurrencesByID(ctx context.Context, rd Reader, ids []int64) (map[int64]UnitReminderItem, error) {
	q := rd.queryer()
	if len(ids) == 0 {
		return map[int64]UnitReminderItem{}, nil
	}
	var occs []UnitReminderItem
	err := sqlx.SelectContext(ctx, q, &occs, unitReminderItemSelect+`
		FROM occurrences o
		JOIN tasks t ON t.id = o.task_id
		JOIN plans p ON p.id = t.plan_id
		JOIN areas a ON a.id = t.area_id
		JOIN officials l ON l.id = t.lead_id
		WHERE o.id = ANY($1)
		  AND o.done_at IS NULL AND o.archived_at IS NULL AND t.archived_at IS NULL`, pq.Int64Array(ids))
	if err != nil {
		return nil, fmt.Errorf("store: open occurrences by id (%d): %w", len(ids), err)
	}
	out := make(map[int64]UnitReminderItem, len(occs))
	for _, o := range occs {
		out[o.ID] = o
	}
	return out, nil
}

// OpenOngoingOf returns the open occurrences of ongoing tasks (thường
// xuyên) of the units unitIDs whose plan year contains day, by unit, in
// task order, with their lead and supporting officials. They have no
// deadline: the monthly progress request asks their lead about them.
func OpenOngoingOf(ctx context.Context, rd Reader, unitIDs []int64, day plan.Date) (map[int64][]ReminderItem, error) {
	q := rd.queryer()
	out := make(map[int64][]ReminderItem, len(unitIDs))
	if len(unitIDs) == 0 {
		return out, nil
	}
	var occs []UnitReminderItem
	err := sqlx.SelectContext(ctx, q, &occs, unitReminderItemSelect+`
		FROM plans p
		JOIN tasks t ON t.plan_id = p.id
		JOIN occurrences o ON o.task_id = t.id
		JOIN areas a ON a.id = t.area_id
		JOIN officials l ON l.id = t.lead_id
		WHERE p.unit_id = ANY($1) AND t.ongoing AND o.ongoing
		  AND o.done_at IS NULL AND o.archived_at IS NULL AND t.archived_at IS NULL
		  AND o.nominal_due >= $2 AND make_date(extract(year FROM o.nominal_due)::int, 1, 1) <= $2
		ORDER BY p.unit_id, t.position, t.key, o.key`, pq.Int64Array(unitIDs), day)
	if err != nil {
		return nil, fmt.Errorf("store: open ongoing occurrences of %s on %s: %w", unitsLabel(unitIDs), day, err)
	}
	for _, o := range occs {
		out[o.UnitID] = append(out[o.UnitID], o.ReminderItem)
	}
	return out, nil
}

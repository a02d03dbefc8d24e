package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/nhacviec/nhacviec/plan"
)

// A digest reads the same rows whether it covers one unit or a parent unit's
// hundred: every query below takes a list of units (or of their plans) and
// tags its rows with the unit (or plan) they belong to; one unit is a list
// of one. Each query reaches the rows through the units' own keys (plans
// by unit, tasks by plan, occurrences by task, reports by occurrence or
// official), so its cost follows the units asked for, not the
// installation. report.Compile runs them all inside one DigestRead.

// DigestRead runs fn in a read-only, repeatable-read transaction, so that
// the queries of one digest (its unit's wards, its period, the previous
// period and the history of a trend) see one snapshot: a report that
// arrives meanwhile counts in all of them or in none. JIT
// compilation is off in it: a parent unit's occurrence query is estimated above
// jit_above_cost and spent 30-40 ms compiling expressions for a 150 ms
// nested-loop run.
//
// With a read replica (UseReadReplica) the snapshot is the replica's: a
// digest sees what the replica has replayed (its lag, usually under a
// second). When the replica cannot open the transaction, the primary's is
// used.
func (s *Store) DigestRead(ctx context.Context, fn func(rd Reader) error) error {
	opts := &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	var (
		tx  *sqlx.Tx
		err error
	)
	if s.reads != nil {
		tx, err = s.reads.BeginTxx(ctx, opts)
		if err != nil && ctx.Err() == nil {
			if s.readFailed != nil {
				s.readFailed(err)
			}
			tx, err = nil, nil
		}
	}
	if tx == nil && err == nil {
		tx, err = s.db.BeginTxx(ctx, opts)
	}
	if err != nil {
		return fmt.Errorf("store: digest read: begin: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := tx.ExecContext(ctx, `SET LOCAL jit = off`); err != nil {
		return fmt.Errorf("store: digest read: %w", err)
	}
	if err := fn(snapshot{tx: tx}); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: digest read: commit: %w", err)
	}
	return nil
}

// DigestScope is one unit of a digest query with the instants that bound
// its period in the unit's own time zone.
type DigestScope struct {
	UnitID int64
	// Start is the instant the period began in the unit's zone: earlier
	// occurrences count (carried over) when still open at Start.
	Start time.Time
	// Until ends the window [Start, Until) in which an official counts as
	// having reported: the period's end in the unit's zone, or the digest's
	// "as of" instant when that is earlier. DigestOccurrencesOf ignores it.
	Until time.Time
}

// scopeArrays returns the unit ids, starts and ends of scopes as arrays for
// unnest, each unit once (the first scope of a unit wins).
func scopeArrays(scopes []DigestScope) (pq.Int64Array, pq.StringArray, pq.StringArray) {
	ids := make(pq.Int64Array, 0, len(scopes))
	starts := make(pq.StringArray, 0, len(scopes))
	untils := make(pq.StringArray, 0, len(scopes))
	seen := make(map[int64]bool, len(scopes))
	for _, s := range scopes {
		if seen[s.UnitID] {
			continue
		}
		seen[s.UnitID] = true
		ids = append(ids, s.UnitID)
		starts = append(starts, s.Start.UTC().Format(time.RFC3339Nano))
		untils = append(untils, s.Until.UTC().Format(time.RFC3339Nano))
	}
	return ids, starts, untils
}

// DigestOccurrence is one occurrence of a digest's set, with its task, area
// and lead, and what was known of it at the digest's "as of" instant.
type DigestOccurrence struct {
	// UnitID is the unit whose plan holds the occurrence.
	UnitID     int64     `db:"unit_id"`
	ID         int64     `db:"id"`
	Key        string    `db:"key"`
	NominalDue plan.Date `db:"nominal_due"`
	Due        plan.Date `db:"due"`
	// OriginalDue is the plan's due date of an occurrence extended by an
	// approved request (Due is the approved one); nil when not extended.
	OriginalDue *plan.Date `db:"original_due"`
	// Period is the occurrence's plan period ("" for a task due on a
	// date); Ongoing marks the occurrence of an ongoing task (thường
	// xuyên), which has no deadline.
	Period    string     `db:"period"`
	Ongoing   bool       `db:"ongoing"`
	DoneAt    *time.Time `db:"done_at"`
	TaskID    int64      `db:"task_id"`
	TaskKey   string     `db:"task_key"`
	TaskTitle string     `db:"task_title"`
	AreaCode  string     `db:"area_code"`
	AreaName  string     `db:"area_name"`
	LeadID    int64      `db:"lead_id"`
	LeadKey   string     `db:"lead_key"`
	LeadName  string     `db:"lead_name"`
	// AssigneeKey and AssigneeName name the member a lead department's head
	// assigned the task to, nil when unassigned.
	AssigneeID   *int64  `db:"assignee_id"`
	AssigneeKey  *string `db:"assignee_key"`
	AssigneeName *string `db:"assignee_name"`
	// Progress is the percent as of the "as of" instant: the occurrence's
	// percent when nothing was reported after that instant, else the latest
	// percent reported up to it (0 when none).
	Progress int `db:"progress"`
	// The latest progress report up to the "as of" instant, if any.
	LastNote       *string    `db:"last_note"`
	LastPercent    *int       `db:"last_percent"`
	LastDone       *bool      `db:"last_done"`
	LastReportedAt *time.Time `db:"last_reported_at"`
}

// DigestOccurrencesOf returns, in one query, the occurrences of the
// scopes' units that a digest of the period p judged as of asOf covers:
// (1) every occurrence due inside p's cut-off window [p.From, p.To], (2)
// every occurrence whose plan period lies within the calendar period p's
// key names (2026-03 lies within 2026-Q1, 2026-H1 and 2026), whatever its
// due date, and (3) every earlier one still open at its scope's Start, the
// instant the period began in the unit's zone (not done, or done at or
// after Start). An ongoing occurrence, which has no deadline, is covered
// instead by every period whose calendar span overlaps its plan year.
// Archived occurrences and tasks are left out. It returns the rows by unit
// id, each unit's in area, task and due order; units with none are absent.
func DigestOccurrencesOf(ctx context.Context, rd Reader, scopes []DigestScope, p plan.Period, asOf time.Time) (map[int64][]DigestOccurrence, error) {
	from, to := p.From, p.To
	cal := p.Calendar()
	within := pq.StringArray(plan.PeriodKeysWithin(p))
	q := rd.queryer()
	out := make(map[int64][]DigestOccurrence, len(scopes))
	if len(scopes) == 0 {
		return out, nil
	}
	ids, starts, _ := scopeArrays(scopes)
	// Plans by unit (plans_unit_id_id_key: "p.unit_id = ANY" makes the
	// scan seek each unit rather than merge the whole index with the
	// list), tasks by plan (tasks_plan_id_key_key), occurrences by task
	// (occurrences_task_id_key_key), the latest report by
	// progress_reports_occurrence_idx. The latest percent is looked up only
	// for an occurrence reported on after asOf: the condition sits inside
	// the lateral, where it gates the probe (as the join condition it was
	// checked after probing every occurrence).
	rows, err := q.QueryxContext(ctx, `
		SELECT p.unit_id, o.id, o.key, o.nominal_due, o.due, o.original_due, COALESCE(o.period, '') AS period,
		       o.ongoing, o.done_at,
		       t.id AS task_id, t.key AS task_key, t.title AS task_title,
		       a.code AS area_code, a.name AS area_name,
		       l.id AS lead_id, l.key AS lead_key, l.name AS lead_name,
		       t.assignee_id, asg.key AS assignee_key, asg.name AS assignee_name,
		       CASE WHEN o.last_report_at IS NULL OR o.last_report_at <= $5 THEN o.percent
		            ELSE COALESCE(lp.percent, 0) END AS progress,
		       lr.note AS last_note, lr.percent AS last_percent, lr.done AS last_done,
		       lr.reported_at AS last_reported_at
		FROM unnest($1::bigint[], $2::timestamptz[]) AS s(unit_id, start)
		JOIN plans p ON p.unit_id = s.unit_id
		JOIN tasks t ON t.plan_id = p.id
		JOIN occurrences o ON o.task_id = t.id
		JOIN areas a ON a.id = t.area_id
		JOIN officials l ON l.id = t.lead_id
		LEFT JOIN officials asg ON asg.id = t.assignee_id
		LEFT JOIN LATERAL (
			SELECT r.note, r.percent, r.done, r.reported_at
			FROM progress_reports r
			WHERE r.occurrence_id = o.id AND r.reported_at <= $5
			ORDER BY r.reported_at DESC, r.id DESC
			LIMIT 1
		) lr ON true
		LEFT JOIN LATERAL (
			SELECT CASE WHEN r.done THEN 100 ELSE r.percent END AS percent
			FROM progress_reports r
			WHERE o.last_report_at > $5
			  AND r.occurrence_id = o.id AND r.reported_at <= $5
			  AND (r.percent IS NOT NULL OR r.done)
			ORDER BY r.reported_at DESC, r.id DESC
			LIMIT 1
		) lp ON true
		WHERE p.unit_id = ANY($1) AND o.archived_at IS NULL AND t.archived_at IS NULL
		  AND CASE WHEN o.ongoing
		      THEN o.nominal_due >= $7 AND make_date(extract(year FROM o.nominal_due)::int, 1, 1) <= $8
		      ELSE (o.due <= $4 AND (o.due >= $3 OR o.done_at IS NULL OR o.done_at >= s.start))
		           OR o.period = ANY($6)
		      END
		ORDER BY p.unit_id, a.position, a.code, t.position, t.key, o.due, o.key, o.id`,
		ids, starts, from, to, asOf, within, cal.From, cal.To)
	if err != nil {
		return nil, fmt.Errorf("store: digest occurrences of %s for %s..%s: %w", unitsLabel(ids), from, to, err)
	}
	defer rows.Close()
	// Each row goes straight to its unit's list: scanning into one slice
	// of every unit's rows first (some 16,000 at a town of 100 wards) and
	// then copying them out cost a fifth of a town digest's Go time in
	// growing that slice.
	for rows.Next() {
		var o DigestOccurrence
		if err := rows.StructScan(&o); err != nil {
			return nil, fmt.Errorf("store: digest occurrences of %s for %s..%s: %w", unitsLabel(ids), from, to, err)
		}
		out[o.UnitID] = append(out[o.UnitID], o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: digest occurrences of %s for %s..%s: %w", unitsLabel(ids), from, to, err)
	}
	return out, nil
}

// unitsLabel names the units of a query in an error: "unit 7" or "12 units".
func unitsLabel(ids []int64) string {
	if len(ids) == 1 {
		return fmt.Sprintf("unit %d", ids[0])
	}
	return fmt.Sprintf("%d units", len(ids))
}

// DigestTarget is a target with its owner and its latest reading up to a
// digest's "as of" instant.
type DigestTarget struct {
	ID         int64   `db:"id"`
	PlanID     int64   `db:"plan_id"`
	Key        string  `db:"key"`
	Text       string  `db:"text"`
	Measure    string  `db:"measure"`
	Goal       float64 `db:"goal"`
	Comparator string  `db:"comparator"`
	Every      string  `db:"every"`
	Kind       string  `db:"kind"`
	// PlanYear is the year of the target's plan.
	PlanYear int `db:"plan_year"`
	// Due is the target's deadline, zero for none.
	Due       plan.Date `db:"due"`
	AreaCode  string    `db:"area_code"`
	OwnerID   int64     `db:"owner_id"`
	OwnerKey  string    `db:"owner_key"`
	OwnerName string    `db:"owner_name"`
	// The latest reading up to the "as of" instant, if any.
	Actual        *float64   `db:"actual"`
	ActualPeriod  *string    `db:"actual_period"`
	ActualAt      *time.Time `db:"actual_at"`
	ActualOwnerID *int64     `db:"actual_official_id"`
}

// DigestTargetsOf returns, in one query, the targets of the plans planIDs
// that are not archived, each with its latest reading reported up to asOf,
// by plan id, each plan's in plan order.
func DigestTargetsOf(ctx context.Context, rd Reader, planIDs []int64, asOf time.Time) (map[int64][]DigestTarget, error) {
	q := rd.queryer()
	out := make(map[int64][]DigestTarget, len(planIDs))
	if len(planIDs) == 0 {
		return out, nil
	}
	var targets []DigestTarget
	// Targets by plan (targets_plan_id_key_key), areas by plan
	// (areas_plan_id_id_key: the area is the target's plan's, by its
	// foreign key; saying so keeps the planner from hashing every area of
	// the installation), owners by primary key, the latest reading by
	// target_readings_target_idx.
	err := sqlx.SelectContext(ctx, q, &targets, `
		SELECT t.id, t.plan_id, t.key, t.text, t.measure, t.goal, t.comparator, t.every,
		       t.kind, t.due, (SELECT p.year FROM plans p WHERE p.id = t.plan_id) AS plan_year, a.code AS area_code, w.id AS owner_id, w.key AS owner_key, w.name AS owner_name,
		       r.value AS actual, r.period_key AS actual_period, r.reported_at AS actual_at,
		       r.official_id AS actual_official_id
		FROM targets t
		JOIN areas a ON a.id = t.area_id AND a.plan_id = t.plan_id
		JOIN officials w ON w.id = t.owner_id
		LEFT JOIN LATERAL (
			SELECT tr.value, tr.period_key, tr.reported_at, tr.official_id
			FROM target_readings tr
			WHERE tr.target_id = t.id AND tr.reported_at <= $2
			ORDER BY tr.reported_at DESC, tr.id DESC
			LIMIT 1
		) r ON true
		WHERE t.plan_id = ANY($1) AND a.plan_id = ANY($1) AND t.archived_at IS NULL
		ORDER BY t.plan_id, a.position, a.code, t.position, t.key`, pq.Int64Array(planIDs), asOf)
	if err != nil {
		return nil, fmt.Errorf("store: digest targets of %s: %w", plansLabel(planIDs), err)
	}
	for _, t := range targets {
		out[t.PlanID] = append(out[t.PlanID], t)
	}
	return out, nil
}

// ReportedOfficialsOf returns, in one query, the ids of the officials of
// the scopes' units who made a progress report or a target reading in
// their scope's [Start, Until). Official ids are unique across units, so
// one set answers for all of them.
func ReportedOfficialsOf(ctx context.Context, rd Reader, scopes []DigestScope) (map[int64]bool, error) {
	q := rd.queryer()
	if len(scopes) == 0 {
		return map[int64]bool{}, nil
	}
	ids, starts, untils := scopeArrays(scopes)
	var reported pq.Int64Array
	// Per official of the units, through progress_reports_official_idx and
	// target_readings_official_idx: the cost follows the units, not the
	// installation.
	err := sqlx.GetContext(ctx, q, &reported, `
		SELECT COALESCE(array_agg(o.id ORDER BY o.id), '{}')
		FROM unnest($1::bigint[], $2::timestamptz[], $3::timestamptz[]) AS s(unit_id, start, until)
		JOIN officials o ON o.unit_id = s.unit_id
		WHERE EXISTS (SELECT 1 FROM progress_reports r
		              WHERE r.official_id = o.id AND r.reported_at >= s.start AND r.reported_at < s.until)
		   OR EXISTS (SELECT 1 FROM target_readings tr
		              WHERE tr.official_id = o.id AND tr.reported_at >= s.start AND tr.reported_at < s.until)`,
		ids, starts, untils)
	if err != nil {
		return nil, fmt.Errorf("store: officials who reported in %s: %w", unitsLabel(ids), err)
	}
	out := make(map[int64]bool, len(reported))
	for _, id := range reported {
		out[id] = true
	}
	return out, nil
}

// snapshot is the read-only transaction DigestRead hands to its callback:
// a Reader, never a Writer.
type snapshot struct {
	tx *sqlx.Tx
}

func (s snapshot) queryer() sqlx.QueryerContext { return s.tx }

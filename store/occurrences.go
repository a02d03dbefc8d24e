package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/nhacviec/nhacviec/plan"
)

// OpenOccurrence is an occurrence not yet done, with what a reminder, a
// progress request or an overdue list says about it: its task, the lead,
// the supporting officials and the latest progress report.
type OpenOccurrence struct {
	ID           int64         `db:"id"`
	TaskID       int64         `db:"task_id"`
	Key          string        `db:"key"`
	Due          plan.Date     `db:"due"`
	Percent      int           `db:"percent"`
	TaskKey      string        `db:"task_key"`
	TaskTitle    string        `db:"task_title"`
	AreaCode     string        `db:"area_code"`
	LeadID       int64         `db:"lead_id"`
	LeadKey      string        `db:"lead_key"`
	LeadName     string        `db:"lead_name"`
	SupporterIDs pq.Int64Array `db:"supporter_ids"`
	// The latest progress report, when there is one.
	LastNote       *string    `db:"last_note"`
	LastPercent    *int       `db:"last_percent"`
	LastReportedAt *time.Time `db:"last_reported_at"`
}

// OpenOccurrences returns the occurrences of the unit unitID that are not
// done, not archived (nor their task) and not ongoing (which are never
// overdue), due on or before through, ordered
// by due date, task and key.
func OpenOccurrences(ctx context.Context, rd Reader, unitID int64, through plan.Date) ([]OpenOccurrence, error) {
	q := rd.queryer()
	var occs []OpenOccurrence
	err := sqlx.SelectContext(ctx, q, &occs, `
		SELECT o.id, o.task_id, o.key, o.due, o.percent,
		       t.key AS task_key, t.title AS task_title, a.code AS area_code,
		       l.id AS lead_id, l.key AS lead_key, l.name AS lead_name,
		       COALESCE((SELECT array_agg(ts.official_id ORDER BY ts.official_id)
		                 FROM task_supporters ts WHERE ts.task_id = t.id), '{}') AS supporter_ids,
		       lr.note AS last_note, lr.percent AS last_percent, lr.reported_at AS last_reported_at
		FROM occurrences o
		JOIN tasks t ON t.id = o.task_id
		JOIN plans p ON p.id = t.plan_id
		JOIN areas a ON a.id = t.area_id
		JOIN officials l ON l.id = t.lead_id
		LEFT JOIN LATERAL (
			SELECT r.note, r.percent, r.reported_at
			FROM progress_reports r
			WHERE r.occurrence_id = o.id
			ORDER BY r.reported_at DESC, r.id DESC
			LIMIT 1
		) lr ON true
		WHERE p.unit_id = $1
		  AND o.done_at IS NULL AND o.archived_at IS NULL AND t.archived_at IS NULL
		  AND NOT o.ongoing AND o.due <= $2
		ORDER BY o.due, t.position, t.key, o.key`, unitID, through)
	if err != nil {
		return nil, fmt.Errorf("store: open occurrences of unit %d: %w", unitID, err)
	}
	return occs, nil
}

// UnitOccurrence is an open occurrence with the unit whose plan it
// belongs to.
type UnitOccurrence struct {
	UnitID       int64 `db:"unit_id"`
	TaskPosition int   `db:"task_position"` // the task's order in its plan
	OpenOccurrence
}

// LastReport is the latest progress report of an occurrence.
type LastReport struct {
	OccurrenceID int64     `db:"occurrence_id"`
	Note         *string   `db:"note"`
	Percent      *int      `db:"percent"`
	ReportedAt   time.Time `db:"reported_at"`
}

// LastReports returns the latest progress report of each of the
// occurrences ids that has one, by occurrence id; it reads one index entry
// per occurrence, whatever the history.
func LastReports(ctx context.Context, rd Reader, ids []int64) (map[int64]LastReport, error) {
	q := rd.queryer()
	if len(ids) == 0 {
		return map[int64]LastReport{}, nil
	}
	var reports []LastReport
	err := sqlx.SelectContext(ctx, q, &reports, `
		SELECT x.id AS occurrence_id, lr.note, lr.percent, lr.reported_at
		FROM unnest($1::bigint[]) AS x(id)
		JOIN LATERAL (
			SELECT r.note, r.percent, r.reported_at
			FROM progress_reports r
			WHERE r.occurrence_id = x.id
			ORDER BY r.reported_at DESC, r.id DESC
			LIMIT 1
		) lr ON true`, pq.Int64Array(ids))
	if err != nil {
		return nil, fmt.Errorf("store: last reports of %d occurrences: %w", len(ids), err)
	}
	out := make(map[int64]LastReport, len(reports))
	for _, r := range reports {
		out[r.OccurrenceID] = r
	}
	return out, nil
}

// SetLast copies the report r into occ's latest-report fields.
func (occ *OpenOccurrence) SetLast(r LastReport) {
	at := r.ReportedAt
	occ.LastNote, occ.LastPercent, occ.LastReportedAt = r.Note, r.Percent, &at
}

// RecurringTasks returns the recurring tasks (with a cadence) of the unit
// unitID that are not archived, ordered by id.
func RecurringTasks(ctx context.Context, rd Reader, unitID int64) ([]Task, error) {
	q := rd.queryer()
	var tasks []Task
	err := sqlx.SelectContext(ctx, q, &tasks, `
		SELECT t.id, t.plan_id, t.area_id, t.key, t.title, t.lead_id, t.due, t.every, t.due_day,
		       t.start_date, t.end_date, t.position, t.archived_at
		FROM tasks t
		JOIN plans p ON p.id = t.plan_id
		WHERE p.unit_id = $1 AND t.every IS NOT NULL AND t.archived_at IS NULL
		ORDER BY t.id`, unitID)
	if err != nil {
		return nil, fmt.Errorf("store: recurring tasks of unit %d: %w", unitID, err)
	}
	return tasks, nil
}

// ActiveOfficials returns the officials of the unit unitID that are not
// archived, linked or not, ordered chairman first, then office, then
// members, and by key.
func ActiveOfficials(ctx context.Context, rd Reader, unitID int64) ([]Official, error) {
	q := rd.queryer()
	var officials []Official
	err := sqlx.SelectContext(ctx, q, &officials, `
		SELECT `+officialColumnsO+`
		FROM officials o
		WHERE o.unit_id = $1 AND o.archived_at IS NULL
		ORDER BY `+roleRank+`, o.key`, unitID)
	if err != nil {
		return nil, fmt.Errorf("store: active officials of unit %d: %w", unitID, err)
	}
	return officials, nil
}

// ActiveOfficialsIn returns, in one query, the officials of the units
// unitIDs that are not archived, linked or not, ordered by unit, then
// chairman first, then office, then members, and by key.
func ActiveOfficialsIn(ctx context.Context, rd Reader, unitIDs []int64) ([]Official, error) {
	q := rd.queryer()
	if len(unitIDs) == 0 {
		return nil, nil
	}
	var officials []Official
	err := sqlx.SelectContext(ctx, q, &officials, `
		SELECT `+officialColumnsO+`
		FROM officials o
		WHERE o.unit_id = ANY($1) AND o.archived_at IS NULL
		ORDER BY o.unit_id, `+roleRank+`, o.key`, pq.Int64Array(unitIDs))
	if err != nil {
		return nil, fmt.Errorf("store: active officials of %d units: %w", len(unitIDs), err)
	}
	return officials, nil
}

// PlanOf returns the plan of the unit unitID for the given year: the plan
// of that year, else the nearest year's (the later one on a tie). It returns
// ErrNotFound when the unit has no plan.
func PlanOf(ctx context.Context, rd Reader, unitID int64, year int) (Plan, error) {
	q := rd.queryer()
	var p Plan
	err := sqlx.GetContext(ctx, q, &p, `
		SELECT id, unit_id, code, title, year
		FROM plans
		WHERE unit_id = $1
		ORDER BY abs(year - $2), year DESC, id
		LIMIT 1`, unitID, year)
	if err != nil {
		return Plan{}, fmt.Errorf("store: plan of unit %d for %d: %w", unitID, year, notFound(err))
	}
	return p, nil
}

// PlanByID returns the plan id.
func PlanByID(ctx context.Context, rd Reader, id int64) (Plan, error) {
	var p Plan
	err := sqlx.GetContext(ctx, rd.queryer(), &p, `SELECT id, unit_id, code, title, year FROM plans WHERE id = $1`, id)
	if err != nil {
		return Plan{}, fmt.Errorf("store: plan %d: %w", id, notFound(err))
	}
	return p, nil
}

// activeTargets returns the targets, not archived, whose column equals id,
// in plan order (area, position, key).
func activeTargets(ctx context.Context, q sqlx.QueryerContext, column string, id int64) ([]Target, error) {
	var targets []Target
	err := sqlx.SelectContext(ctx, q, &targets, `
		SELECT t.id, t.plan_id, t.area_id, t.key, t.text, t.measure, t.goal, t.comparator,
		       t.owner_id, t.every, t.kind, t.due, t.position, t.archived_at
		FROM targets t
		JOIN areas a ON a.id = t.area_id
		WHERE `+column+` = $1 AND t.archived_at IS NULL
		ORDER BY a.position, a.code, t.position, t.key`, id)
	return targets, err
}

// TargetsOfPlans returns, in one query, the targets of the plans planIDs
// that are not archived, by plan id, each plan's in plan order (area,
// position, key).
func TargetsOfPlans(ctx context.Context, rd Reader, planIDs []int64) (map[int64][]Target, error) {
	q := rd.queryer()
	var targets []Target
	err := sqlx.SelectContext(ctx, q, &targets, `
		SELECT t.id, t.plan_id, t.area_id, t.key, t.text, t.measure, t.goal, t.comparator,
		       t.owner_id, t.every, t.kind, t.due, t.position, t.archived_at
		FROM targets t
		JOIN areas a ON a.id = t.area_id
		WHERE t.plan_id = ANY($1) AND t.archived_at IS NULL
		ORDER BY t.plan_id, a.position, a.code, t.position, t.key`, pq.Int64Array(planIDs))
	if err != nil {
		return nil, fmt.Errorf("store: targets of %d plans: %w", len(planIDs), err)
	}
	out := make(map[int64][]Target, len(planIDs))
	for _, t := range targets {
		out[t.PlanID] = append(out[t.PlanID], t)
	}
	return out, nil
}

// TargetPeriod names the reading of one target for one period.
type TargetPeriod struct {
	TargetID  int64
	PeriodKey string
}

// HaveReadings returns, in one query, which of the given (target, period)
// pairs have at least one reading.
func HaveReadings(ctx context.Context, rd Reader, pairs []TargetPeriod) (map[TargetPeriod]bool, error) {
	q := rd.queryer()
	have := make(map[TargetPeriod]bool)
	if len(pairs) == 0 {
		return have, nil
	}
	ids := make(pq.Int64Array, len(pairs))
	keys := make(pq.StringArray, len(pairs))
	for i, p := range pairs {
		ids[i], keys[i] = p.TargetID, p.PeriodKey
	}
	rows, err := q.QueryxContext(ctx, `
		SELECT x.target_id, x.period_key
		FROM unnest($1::bigint[], $2::text[]) AS x(target_id, period_key)
		WHERE EXISTS (
			SELECT 1 FROM target_readings tr
			WHERE tr.target_id = x.target_id AND tr.period_key = x.period_key)`, ids, keys)
	if err != nil {
		return nil, fmt.Errorf("store: readings of %d target periods: %w", len(pairs), err)
	}
	defer rows.Close()
	for rows.Next() {
		var p TargetPeriod
		if err := rows.Scan(&p.TargetID, &p.PeriodKey); err != nil {
			return nil, fmt.Errorf("store: readings of %d target periods: %w", len(pairs), err)
		}
		have[p] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: readings of %d target periods: %w", len(pairs), err)
	}
	return have, nil
}

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
// done and not archived (nor their task), due on or before through, ordered
// by due date, task and key.
func OpenOccurrences(ctx context.Context, q sqlx.QueryerContext, unitID int64, through plan.Date) ([]OpenOccurrence, error) {
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
		  AND o.due <= $2
		ORDER BY o.due, t.position, t.key, o.key`, unitID, through)
	if err != nil {
		return nil, fmt.Errorf("store: open occurrences of unit %d: %w", unitID, err)
	}
	return occs, nil
}

// RecurringTasks returns the recurring tasks (with a cadence) of the unit
// unitID that are not archived, ordered by id.
func RecurringTasks(ctx context.Context, q sqlx.QueryerContext, unitID int64) ([]Task, error) {
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
func ActiveOfficials(ctx context.Context, q sqlx.QueryerContext, unitID int64) ([]Official, error) {
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

// PlanOf returns the plan of the unit unitID for the given year: the plan
// of that year, else the nearest year's (the later one on a tie). It returns
// ErrNotFound when the unit has no plan.
func PlanOf(ctx context.Context, q sqlx.QueryerContext, unitID int64, year int) (Plan, error) {
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

// PlanTargets returns the targets of the plan planID that are not archived,
// ordered by area, position and key.
func PlanTargets(ctx context.Context, q sqlx.QueryerContext, planID int64) ([]Target, error) {
	targets, err := activeTargets(ctx, q, "t.plan_id", planID)
	if err != nil {
		return nil, fmt.Errorf("store: targets of plan %d: %w", planID, err)
	}
	return targets, nil
}

// activeTargets returns the targets, not archived, whose column equals id,
// in plan order (area, position, key).
func activeTargets(ctx context.Context, q sqlx.QueryerContext, column string, id int64) ([]Target, error) {
	var targets []Target
	err := sqlx.SelectContext(ctx, q, &targets, `
		SELECT t.id, t.plan_id, t.area_id, t.key, t.text, t.measure, t.goal, t.comparator,
		       t.owner_id, t.every, t.position, t.archived_at
		FROM targets t
		JOIN areas a ON a.id = t.area_id
		WHERE `+column+` = $1 AND t.archived_at IS NULL
		ORDER BY a.position, a.code, t.position, t.key`, id)
	return targets, err
}

// ReadingPeriods returns, of the given period keys, those for which the
// target targetID has at least one reading.
func ReadingPeriods(ctx context.Context, q sqlx.QueryerContext, targetID int64, periodKeys []string) (map[string]bool, error) {
	var keys []string
	err := sqlx.SelectContext(ctx, q, &keys, `
		SELECT DISTINCT period_key
		FROM target_readings
		WHERE target_id = $1 AND period_key = ANY($2)`, targetID, pq.StringArray(periodKeys))
	if err != nil {
		return nil, fmt.Errorf("store: readings of target %d: %w", targetID, err)
	}
	have := make(map[string]bool, len(keys))
	for _, k := range keys {
		have[k] = true
	}
	return have, nil
}

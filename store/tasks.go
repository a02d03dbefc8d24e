package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/nhacviec/nhacviec/plan"
)

// RecurringTasks returns the recurring tasks (with a cadence) of the unit
// unitID that are not archived, ordered by id.
func RecurringTasks(ctx context.Context, rd Reader, unitID int64) ([]plan.Task, error) {
	q := rd.queryer()
	var tasks []plan.Task
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

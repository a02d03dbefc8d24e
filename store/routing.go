package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/nhacviec/nhacviec/plan"
)

// This file holds the reads that route a task's reminders, nags and
// escalations to people once tasks may be led by several officials and
// departments: TaskRoutes (the fan-out), the members of lead departments
// (who may report, who may be assigned) and the unassigned tasks of a
// department's head (/viec).

// LeadRoute is one lead of a task as the fan-out routes it: an official
// (OfficialID) or a department (DepartmentID, with its name and head).
type LeadRoute struct {
	Position       int    `db:"position"`
	OfficialID     *int64 `db:"official_id"`
	DepartmentID   *int64 `db:"department_id"`
	DepartmentKey  string `db:"department_key"`
	DepartmentName string `db:"department_name"`
	HeadID         int64  `db:"head_id"` // 0 for an official lead
}

// Department reports whether the lead is a department.
func (l LeadRoute) Department() bool { return l.DepartmentID != nil }

// TaskRoute is who a task's messages go to: its leads in order, the heads
// of its supporting departments, its assignee (and the lead department
// the assignee belongs to) and its area's supervisor.
type TaskRoute struct {
	TaskID             int64
	Leads              []LeadRoute
	SupportHeadIDs     []int64 // heads of the supporting departments
	AssigneeID         *int64
	AssigneeDepartment int64  // the assignee's current department, 0 when none
	SupervisorID       *int64 // the area's supervisor, nil when none
}

// AssignedIn reports whether the task's assignee works for the lead
// department depID (so that its reminders go to the assignee, not the head).
func (r TaskRoute) AssignedIn(depID int64) bool {
	return r.AssigneeID != nil && r.AssigneeDepartment == depID
}

// TaskRoutes returns the routes of the tasks taskIDs, by task id, in three
// reads over primary keys and the task_* link tables; areas and
// departments are looked up by key (subqueries, LATERAL), so that the
// planner does not hash every area or department of the installation. A task without rows
// in task_leads (a plan imported before departments) routes to its
// tasks.lead_id as one official lead.
func TaskRoutes(ctx context.Context, rd Reader, taskIDs []int64) (map[int64]TaskRoute, error) {
	q := rd.queryer()
	out := make(map[int64]TaskRoute, len(taskIDs))
	if len(taskIDs) == 0 {
		return out, nil
	}
	ids := pq.Int64Array(taskIDs)
	var base []struct {
		TaskID             int64  `db:"task_id"`
		LeadID             int64  `db:"lead_id"`
		AssigneeID         *int64 `db:"assignee_id"`
		AssigneeDepartment *int64 `db:"assignee_department"`
		SupervisorID       *int64 `db:"supervisor_id"`
	}
	if err := sqlx.SelectContext(ctx, q, &base, `
		SELECT t.id AS task_id, t.lead_id, t.assignee_id,
		       (SELECT a.supervisor_id FROM areas a WHERE a.id = t.area_id) AS supervisor_id,
		       (SELECT m.department_id FROM department_members m
		        WHERE m.official_id = t.assignee_id AND m.left_at IS NULL) AS assignee_department
		FROM tasks t
		WHERE t.id = ANY($1)`, ids); err != nil {
		return nil, fmt.Errorf("store: routes of %d tasks: %w", len(taskIDs), err)
	}
	var leads []struct {
		TaskID int64 `db:"task_id"`
		LeadRoute
	}
	if err := sqlx.SelectContext(ctx, q, &leads, `
		SELECT l.task_id, l.position, l.official_id, l.department_id,
		       COALESCE(d.key, '') AS department_key, COALESCE(d.name, '') AS department_name,
		       COALESCE(d.head_id, 0) AS head_id
		FROM unnest($1::bigint[]) AS x(id)
		JOIN LATERAL (SELECT l.* FROM task_leads l WHERE l.task_id = x.id OFFSET 0) l ON true
		LEFT JOIN LATERAL (SELECT d.key, d.name, d.head_id FROM departments d
		                   WHERE d.id = l.department_id AND d.archived_at IS NULL OFFSET 0) d ON true
		WHERE l.department_id IS NULL OR d.head_id IS NOT NULL
		ORDER BY l.task_id, l.position`, ids); err != nil {
		return nil, fmt.Errorf("store: lead routes of %d tasks: %w", len(taskIDs), err)
	}
	var support []struct {
		TaskID int64 `db:"task_id"`
		HeadID int64 `db:"head_id"`
	}
	if err := sqlx.SelectContext(ctx, q, &support, `
		SELECT s.task_id, d.head_id
		FROM unnest($1::bigint[]) AS x(id)
		JOIN LATERAL (SELECT s.* FROM task_support_departments s WHERE s.task_id = x.id OFFSET 0) s ON true
		JOIN LATERAL (SELECT d.head_id, d.position FROM departments d
		              WHERE d.id = s.department_id AND d.archived_at IS NULL OFFSET 0) d ON true
		ORDER BY s.task_id, d.position, s.department_id`, ids); err != nil {
		return nil, fmt.Errorf("store: supporting departments of %d tasks: %w", len(taskIDs), err)
	}
	for _, b := range base {
		r := TaskRoute{TaskID: b.TaskID, AssigneeID: b.AssigneeID, SupervisorID: b.SupervisorID}
		if b.AssigneeDepartment != nil {
			r.AssigneeDepartment = *b.AssigneeDepartment
		}
		out[b.TaskID] = r
	}
	for _, l := range leads {
		r := out[l.TaskID]
		r.Leads = append(r.Leads, l.LeadRoute)
		out[l.TaskID] = r
	}
	for _, s := range support {
		r := out[s.TaskID]
		r.SupportHeadIDs = append(r.SupportHeadIDs, s.HeadID)
		out[s.TaskID] = r
	}
	// tasks.lead_id is the accountable official of the first lead, as every
	// other reader (the bot's permission, digests) knows it: a first lead
	// that is an official routes to it.
	for _, b := range base {
		r := out[b.TaskID]
		lead := b.LeadID
		switch {
		case len(r.Leads) == 0:
			r.Leads = []LeadRoute{{Position: 1, OfficialID: &lead}}
		case !r.Leads[0].Department():
			r.Leads[0].OfficialID = &lead
		}
		out[b.TaskID] = r
	}
	return out, nil
}

// DepartmentRosters returns the current, non-archived members of the
// departments depIDs other than their heads, by department, by key: the
// officials a head may assign a task to.
func DepartmentRosters(ctx context.Context, rd Reader, depIDs []int64) (map[int64][]plan.Official, error) {
	out := make(map[int64][]plan.Official, len(depIDs))
	if len(depIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		DepartmentID int64 `db:"department_id"`
		plan.Official
	}
	if err := sqlx.SelectContext(ctx, rd.queryer(), &rows, `
		SELECT m.department_id, `+officialColumnsO+`
		FROM unnest($1::bigint[]) AS x(id)
		JOIN LATERAL (SELECT d.id, d.head_id FROM departments d WHERE d.id = x.id OFFSET 0) d ON true
		JOIN LATERAL (SELECT m.department_id, m.official_id FROM department_members m
		              WHERE m.department_id = d.id AND m.left_at IS NULL AND m.official_id <> d.head_id OFFSET 0) m ON true
		JOIN LATERAL (SELECT o.* FROM officials o
		              WHERE o.id = m.official_id AND o.archived_at IS NULL OFFSET 0) o ON true
		ORDER BY m.department_id, o.key`, pq.Int64Array(depIDs)); err != nil {
		return nil, fmt.Errorf("store: rosters of %d departments: %w", len(depIDs), err)
	}
	for _, r := range rows {
		out[r.DepartmentID] = append(out[r.DepartmentID], r.Official)
	}
	return out, nil
}

// reporterIDsSelect is the select expression of the officials who may
// report on a task t besides its tasks.lead_id and official supporters:
// its official leads, the current members of its lead departments and the
// heads of its supporting departments.
const reporterIDsSelect = `
	       COALESCE((SELECT array_agg(DISTINCT x.id) FROM (
	           SELECT tl.official_id AS id FROM task_leads tl
	           WHERE tl.task_id = t.id AND tl.official_id IS NOT NULL
	           UNION ALL
	           SELECT dm.official_id FROM task_leads tl
	           JOIN departments d ON d.id = tl.department_id AND d.archived_at IS NULL
	           JOIN department_members dm ON dm.department_id = d.id AND dm.left_at IS NULL
	           WHERE tl.task_id = t.id
	           UNION ALL
	           SELECT d.head_id FROM task_support_departments sd
	           JOIN departments d ON d.id = sd.department_id AND d.archived_at IS NULL
	           WHERE sd.task_id = t.id) x), '{}') AS reporter_ids`

// unassignedOfHeadSQL is the query of UnassignedOfHead: head $1, at most
// $2 occurrences. The departments the official heads are found by
// departments_head_idx; every official's /viec asks.
const unassignedOfHeadSQL = occurrenceInfoQuery + `
		WHERE o.done_at IS NULL AND o.archived_at IS NULL AND t.archived_at IS NULL
		  AND t.assignee_id IS NULL
		  AND t.id IN (SELECT tl.task_id FROM departments d
		               JOIN task_leads tl ON tl.department_id = d.id
		               WHERE d.head_id = $1 AND d.archived_at IS NULL)
		ORDER BY o.due, t.position, t.key, o.key
		LIMIT $2`

// UnassignedOfHead returns the open occurrences (not done, not archived,
// nor their task) of the tasks led by a department whose head is headID
// and assigned to nobody, ordered by due date, at most limit of them.
func UnassignedOfHead(ctx context.Context, rd Reader, headID int64, limit int) ([]ReportableOccurrence, error) {
	var occs []ReportableOccurrence
	err := sqlx.SelectContext(ctx, rd.queryer(), &occs, unassignedOfHeadSQL, headID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: unassigned occurrences of head %d: %w", headID, err)
	}
	return occs, nil
}

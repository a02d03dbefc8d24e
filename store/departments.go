package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/nhacviec/nhacviec/plan"
)

// departmentColumns is the explicit column list matching plan.Department.
const departmentColumns = `d.id, d.unit_id, d.key, d.name, d.head_id, d.position, d.archived_at`

// DepartmentsOf returns the departments of the unit unitID that are not
// archived, in the order of the plan file.
func DepartmentsOf(ctx context.Context, rd Reader, unitID int64) ([]plan.Department, error) {
	var out []plan.Department
	if err := sqlx.SelectContext(ctx, rd.queryer(), &out, `
		SELECT `+departmentColumns+` FROM departments d
		WHERE d.unit_id = $1 AND d.archived_at IS NULL
		ORDER BY d.position, d.id`, unitID); err != nil {
		return nil, fmt.Errorf("store: departments of unit %d: %w", unitID, err)
	}
	return out, nil
}

// DepartmentsIn returns the departments that are not archived of each of
// the units unitIDs, by unit id, each unit's in the order of its plan file.
func DepartmentsIn(ctx context.Context, rd Reader, unitIDs []int64) (map[int64][]plan.Department, error) {
	var rows []plan.Department
	if err := sqlx.SelectContext(ctx, rd.queryer(), &rows, `
		SELECT `+departmentColumns+` FROM departments d
		WHERE d.unit_id = ANY($1) AND d.archived_at IS NULL
		ORDER BY d.unit_id, d.position, d.id`, pq.Int64Array(unitIDs)); err != nil {
		return nil, fmt.Errorf("store: departments of %s: %w", unitsLabel(unitIDs), err)
	}
	out := make(map[int64][]plan.Department)
	for _, d := range rows {
		out[d.UnitID] = append(out[d.UnitID], d)
	}
	return out, nil
}

// DepartmentLead is one department leading a task, for a digest.
type DepartmentLead struct {
	TaskID       int64 `db:"task_id"`
	Position     int   `db:"position"` // 1: the task's first lead
	DepartmentID int64 `db:"department_id"`
}

// DepartmentLeadsOf returns, by task id, the departments (not archived) of
// the units unitIDs leading each task, in lead order. It starts from the
// units' departments, so it costs nothing for units without any.
func DepartmentLeadsOf(ctx context.Context, rd Reader, unitIDs []int64) (map[int64][]DepartmentLead, error) {
	var rows []DepartmentLead
	if err := sqlx.SelectContext(ctx, rd.queryer(), &rows, `
		SELECT tl.task_id, tl.position, tl.department_id
		FROM departments d
		JOIN task_leads tl ON tl.department_id = d.id
		WHERE d.unit_id = ANY($1) AND d.archived_at IS NULL
		ORDER BY tl.task_id, tl.position`, pq.Int64Array(unitIDs)); err != nil {
		return nil, fmt.Errorf("store: department leads of %s: %w", unitsLabel(unitIDs), err)
	}
	out := make(map[int64][]DepartmentLead)
	for _, r := range rows {
		out[r.TaskID] = append(out[r.TaskID], r)
	}
	return out, nil
}

// DepartmentByID returns the department id, archived or not, or ErrNotFound.
func DepartmentByID(ctx context.Context, rd Reader, id int64) (plan.Department, error) {
	var d plan.Department
	if err := sqlx.GetContext(ctx, rd.queryer(), &d, `
		SELECT `+departmentColumns+` FROM departments d WHERE d.id = $1`, id); err != nil {
		return plan.Department{}, fmt.Errorf("store: department %d: %w", id, notFound(err))
	}
	return d, nil
}

// DepartmentByKey returns the department of the unit unitID with the given
// key that is not archived, or ErrNotFound.
func DepartmentByKey(ctx context.Context, rd Reader, unitID int64, key string) (plan.Department, error) {
	var d plan.Department
	if err := sqlx.GetContext(ctx, rd.queryer(), &d, `
		SELECT `+departmentColumns+` FROM departments d
		WHERE d.unit_id = $1 AND d.key = $2 AND d.archived_at IS NULL`, unitID, key); err != nil {
		return plan.Department{}, fmt.Errorf("store: department %s of unit %d: %w", key, unitID, notFound(err))
	}
	return d, nil
}

// DepartmentOf returns the department the official officialID currently
// belongs to (as its head or a member), or ErrNotFound when none.
func DepartmentOf(ctx context.Context, rd Reader, officialID int64) (plan.Department, error) {
	var d plan.Department
	if err := sqlx.GetContext(ctx, rd.queryer(), &d, `
		SELECT `+departmentColumns+`
		FROM department_members m
		JOIN departments d ON d.id = m.department_id
		WHERE m.official_id = $1 AND m.left_at IS NULL AND d.archived_at IS NULL`, officialID); err != nil {
		return plan.Department{}, fmt.Errorf("store: department of official %d: %w", officialID, notFound(err))
	}
	return d, nil
}

// DepartmentMembers returns the current members of the department
// departmentID who are not archived, the head first, then by key.
func DepartmentMembers(ctx context.Context, rd Reader, departmentID int64) ([]plan.Official, error) {
	var out []plan.Official
	if err := sqlx.SelectContext(ctx, rd.queryer(), &out, `
		SELECT `+officialColumnsO+`
		FROM department_members m
		JOIN departments d ON d.id = m.department_id
		JOIN officials o ON o.id = m.official_id
		WHERE m.department_id = $1 AND m.left_at IS NULL AND o.archived_at IS NULL
		ORDER BY o.id = d.head_id DESC, o.key`, departmentID); err != nil {
		return nil, fmt.Errorf("store: members of department %d: %w", departmentID, err)
	}
	return out, nil
}

// MembershipHistory returns every membership of the official officialID,
// past and current, oldest first.
func MembershipHistory(ctx context.Context, rd Reader, officialID int64) ([]plan.DepartmentMember, error) {
	var out []plan.DepartmentMember
	if err := sqlx.SelectContext(ctx, rd.queryer(), &out, `
		SELECT id, department_id, official_id, joined_at, left_at
		FROM department_members WHERE official_id = $1
		ORDER BY joined_at, id`, officialID); err != nil {
		return nil, fmt.Errorf("store: memberships of official %d: %w", officialID, err)
	}
	return out, nil
}

// TaskLeads returns the leads of the task taskID in order (Position 1
// first), each an official or a department.
func TaskLeads(ctx context.Context, rd Reader, taskID int64) ([]plan.TaskRef, error) {
	var out []plan.TaskRef
	if err := sqlx.SelectContext(ctx, rd.queryer(), &out, `
		SELECT task_id, position, official_id, department_id
		FROM task_leads WHERE task_id = $1 ORDER BY position`, taskID); err != nil {
		return nil, fmt.Errorf("store: leads of task %d: %w", taskID, err)
	}
	return out, nil
}

// TaskSupporters returns the supporters of the task taskID: officials
// (by id) then departments (by id), with Position 0.
func TaskSupporters(ctx context.Context, rd Reader, taskID int64) ([]plan.TaskRef, error) {
	var out []plan.TaskRef
	if err := sqlx.SelectContext(ctx, rd.queryer(), &out, `
		SELECT task_id, 0 AS position, official_id, NULL::bigint AS department_id
		FROM task_supporters WHERE task_id = $1
		UNION ALL
		SELECT task_id, 0, NULL::bigint, department_id
		FROM task_support_departments WHERE task_id = $1
		ORDER BY department_id NULLS FIRST, official_id`, taskID); err != nil {
		return nil, fmt.Errorf("store: supporters of task %d: %w", taskID, err)
	}
	return out, nil
}

// The reasons AssignTask refuses an assignment. Callers tell them apart
// with errors.Is; each is wrapped with the task and officials concerned.
var (
	// ErrNoLeadDepartment: the task is led by no (live) department, so
	// there is nobody to assign it among.
	ErrNoLeadDepartment = errors.New("the task is not led by a department")
	// ErrNotHead: the one assigning is neither the head of the assignee's
	// lead department nor the office.
	ErrNotHead = errors.New("only the head of a lead department (or the office) assigns its tasks")
	// ErrNotMember: the assignee is not a current member of a department
	// leading the task (or is archived, or of another unit).
	ErrNotMember = errors.New("the assignee is not a member of a department leading the task")
	// ErrAssignSelf: the assignee is the department's head (the head is
	// accountable already; assigning is handing the work to a member).
	ErrAssignSelf = errors.New("the head cannot assign a task to themself")
	// ErrNotLinked: the assignee has no chat, so reminders could not reach
	// them.
	ErrNotLinked = errors.New("the assignee has not linked a chat yet")
)

// Assignment is what AssignTask did.
type Assignment struct {
	TaskID     int64
	Department plan.Department // the lead department the assignee belongs to
	Assignee   plan.Official
	Previous   *int64 // the former assignee, nil when the task was unassigned
}

// AssignTask makes the official assigneeID the assignee of the task taskID
// (tasks.assignee_id), on behalf of the official byID, at now. The
// assignee must be a current member, linked and not archived, of one of
// the task's lead departments other than its head; byID must be that
// department's head or hold the role office. Reassigning is assigning
// again. It locks the task row; it returns ErrNotFound for an unknown or
// archived task, else one of ErrNoLeadDepartment, ErrNotHead,
// ErrNotMember, ErrAssignSelf, ErrNotLinked (wrapped), and changes nothing
// when it refuses.
func AssignTask(ctx context.Context, tx *Tx, taskID, assigneeID, byID int64, now time.Time) (Assignment, error) {
	wrap := func(err error) error {
		return fmt.Errorf("store: assign task %d to official %d by %d: %w", taskID, assigneeID, byID, err)
	}
	var task struct {
		UnitID     int64  `db:"unit_id"`
		AssigneeID *int64 `db:"assignee_id"`
	}
	if err := tx.tx.GetContext(ctx, &task, `
		SELECT p.unit_id, t.assignee_id
		FROM tasks t JOIN plans p ON p.id = t.plan_id
		WHERE t.id = $1 AND t.archived_at IS NULL
		FOR UPDATE OF t`, taskID); err != nil {
		return Assignment{}, wrap(notFound(err))
	}
	var departments []plan.Department
	if err := tx.tx.SelectContext(ctx, &departments, `
		SELECT `+departmentColumns+`
		FROM task_leads l JOIN departments d ON d.id = l.department_id
		WHERE l.task_id = $1 AND d.archived_at IS NULL
		ORDER BY l.position`, taskID); err != nil {
		return Assignment{}, wrap(err)
	}
	if len(departments) == 0 {
		return Assignment{}, wrap(ErrNoLeadDepartment)
	}
	var by plan.Official
	if err := tx.tx.GetContext(ctx, &by, `
		SELECT `+officialColumnsO+` FROM officials o
		WHERE o.id = $1 AND o.unit_id = $2 AND o.archived_at IS NULL`, byID, task.UnitID); err != nil {
		if errors.Is(notFound(err), ErrNotFound) {
			return Assignment{}, wrap(ErrNotHead)
		}
		return Assignment{}, wrap(err)
	}
	var assignee plan.Official
	if err := tx.tx.GetContext(ctx, &assignee, `
		SELECT `+officialColumnsO+` FROM officials o
		WHERE o.id = $1 AND o.unit_id = $2 AND o.archived_at IS NULL`, assigneeID, task.UnitID); err != nil {
		if errors.Is(notFound(err), ErrNotFound) {
			return Assignment{}, wrap(ErrNotMember)
		}
		return Assignment{}, wrap(err)
	}
	// The assignee's current department, if it leads the task.
	var depID int64
	err := tx.tx.GetContext(ctx, &depID, `
		SELECT department_id FROM department_members
		WHERE official_id = $1 AND left_at IS NULL`, assigneeID)
	if err != nil && !errors.Is(notFound(err), ErrNotFound) {
		return Assignment{}, wrap(err)
	}
	i := slices.IndexFunc(departments, func(d plan.Department) bool { return d.ID == depID })
	isHead := slices.ContainsFunc(departments, func(d plan.Department) bool { return d.HeadID == byID })
	office := by.HasRole(plan.RoleOffice)
	switch {
	case !isHead && !office:
		return Assignment{}, wrap(ErrNotHead)
	case assigneeID == byID:
		return Assignment{}, wrap(ErrAssignSelf)
	case i < 0:
		return Assignment{}, wrap(ErrNotMember)
	case !office && departments[i].HeadID != byID:
		// The head of one lead department assigns within their own.
		return Assignment{}, wrap(ErrNotMember)
	case departments[i].HeadID == assigneeID:
		return Assignment{}, wrap(ErrAssignSelf)
	case !assignee.Linked():
		return Assignment{}, wrap(ErrNotLinked)
	}
	if _, err := tx.tx.ExecContext(ctx, `
		UPDATE tasks SET assignee_id = $2, assigned_by = $3, assigned_at = $4, updated_at = $4
		WHERE id = $1`, taskID, assigneeID, byID, now); err != nil {
		return Assignment{}, wrap(err)
	}
	return Assignment{TaskID: taskID, Department: departments[i], Assignee: assignee, Previous: task.AssigneeID}, nil
}

// TaskAssignee returns the assignee of the task taskID, or ErrNotFound when
// it has none.
func TaskAssignee(ctx context.Context, rd Reader, taskID int64) (plan.Official, error) {
	var o plan.Official
	if err := sqlx.GetContext(ctx, rd.queryer(), &o, `
		SELECT `+officialColumnsO+`
		FROM tasks t JOIN officials o ON o.id = t.assignee_id
		WHERE t.id = $1`, taskID); err != nil {
		return plan.Official{}, fmt.Errorf("store: assignee of task %d: %w", taskID, notFound(err))
	}
	return o, nil
}

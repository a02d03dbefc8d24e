package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/nhacviec/nhacviec/planfile"
)

// importedDepartment is the part of a departments row the import reads.
type importedDepartment struct {
	ID         int64      `db:"id"`
	Key        string     `db:"key"`
	Name       string     `db:"name"`
	HeadID     int64      `db:"head_id"`
	Position   int        `db:"position"`
	ArchivedAt *time.Time `db:"archived_at"`
}

// archiveDepartments loads the unit's departments and archives those no
// longer in the file, closing their current memberships.
func (im *importer) archiveDepartments(ctx context.Context) error {
	if err := im.tx.SelectContext(ctx, &im.existingDepartments, `
		SELECT id, key, name, head_id, position, archived_at
		FROM departments WHERE unit_id = $1 ORDER BY id FOR UPDATE`, im.unitID); err != nil {
		return fmt.Errorf("load departments: %w", err)
	}
	for _, r := range im.existingDepartments {
		if r.ArchivedAt != nil || im.f.IsDepartment(r.Key) {
			continue
		}
		res, err := im.tx.ExecContext(ctx, `
			UPDATE department_members SET left_at = $2
			WHERE department_id = $1 AND left_at IS NULL`, r.ID, im.opts.Now)
		if err != nil {
			return fmt.Errorf("close memberships of department %s: %w", r.Key, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("close memberships of department %s: %w", r.Key, err)
		}
		im.sum.Memberships.Archived += int(n)
		if _, err := im.tx.ExecContext(ctx, `
			UPDATE departments SET archived_at = $2, updated_at = $2 WHERE id = $1`, r.ID, im.opts.Now); err != nil {
			return fmt.Errorf("archive department %s: %w", r.Key, err)
		}
		im.sum.Departments.Archived++
	}
	return nil
}

// importDepartments creates, updates and restores the file's departments.
func (im *importer) importDepartments(ctx context.Context) error {
	existing := make(map[string]importedDepartment, len(im.existingDepartments))
	for _, r := range im.existingDepartments {
		existing[r.Key] = r
	}
	im.departments = make(map[string]int64, len(im.f.Departments))
	im.heads = make(map[string]int64, len(im.f.Departments))
	for i, d := range im.f.Departments {
		position := i + 1
		headID, err := im.officialID(d.Head)
		if err != nil {
			return fmt.Errorf("department %s: head: %w", d.Key, err)
		}
		im.heads[d.Key] = headID
		cur, ok := existing[d.Key]
		if !ok {
			var id int64
			if err := im.tx.GetContext(ctx, &id, `
				INSERT INTO departments (unit_id, key, name, head_id, position, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $6)
				RETURNING id`, im.unitID, d.Key, d.Name, headID, position, im.opts.Now); err != nil {
				return fmt.Errorf("create department %s: %w", d.Key, err)
			}
			im.departments[d.Key] = id
			im.sum.Departments.Created++
			continue
		}
		im.departments[d.Key] = cur.ID
		changed := cur.Name != d.Name || cur.HeadID != headID || cur.ArchivedAt != nil
		if !changed && cur.Position == position {
			im.sum.Departments.Unchanged++
			continue
		}
		if _, err := im.tx.ExecContext(ctx, `
			UPDATE departments SET name = $2, head_id = $3, position = $4, archived_at = NULL, updated_at = $5
			WHERE id = $1`, cur.ID, d.Name, headID, position, im.opts.Now); err != nil {
			return fmt.Errorf("update department %s: %w", d.Key, err)
		}
		im.sum.Departments.count(changed)
	}
	return nil
}

// importMemberships makes the current memberships of the unit's officials
// those of the file: a membership no longer in the file is closed (left_at),
// a new one opened, so a move between departments leaves its history.
func (im *importer) importMemberships(ctx context.Context) error {
	want := map[int64]int64{} // official → department
	for _, d := range im.f.Departments {
		for _, key := range d.Members {
			id, err := im.officialID(key)
			if err != nil {
				return fmt.Errorf("department %s: member: %w", d.Key, err)
			}
			want[id] = im.departments[d.Key]
		}
	}
	var current []struct {
		ID           int64 `db:"id"`
		DepartmentID int64 `db:"department_id"`
		OfficialID   int64 `db:"official_id"`
	}
	if err := im.tx.SelectContext(ctx, &current, `
		SELECT id, department_id, official_id FROM department_members
		WHERE unit_id = $1 AND left_at IS NULL ORDER BY id FOR UPDATE`, im.unitID); err != nil {
		return fmt.Errorf("load memberships: %w", err)
	}
	have := map[int64]int64{}
	for _, m := range current {
		if dep, ok := want[m.OfficialID]; ok && dep == m.DepartmentID {
			have[m.OfficialID] = dep
			continue
		}
		if _, err := im.tx.ExecContext(ctx, `
			UPDATE department_members SET left_at = $2 WHERE id = $1`, m.ID, im.opts.Now); err != nil {
			return fmt.Errorf("close membership %d: %w", m.ID, err)
		}
		im.sum.Memberships.Archived++
	}
	for _, d := range im.f.Departments {
		for _, key := range d.Members {
			id := im.officials[key]
			if _, ok := have[id]; ok {
				continue
			}
			if _, err := im.tx.ExecContext(ctx, `
				INSERT INTO department_members (unit_id, department_id, official_id, joined_at)
				VALUES ($1, $2, $3, $4)`, im.unitID, im.departments[d.Key], id, im.opts.Now); err != nil {
				return fmt.Errorf("department %s: add member %s: %w", d.Key, key, err)
			}
			have[id] = im.departments[d.Key]
			im.sum.Memberships.Created++
		}
	}
	return nil
}

// accountable returns the official accountable for a lead key: the
// official, or the head of the department. It is what tasks.lead_id holds
// for the task's first lead.
func (im *importer) accountable(key string) (int64, error) {
	if id, ok := im.heads[key]; ok {
		return id, nil
	}
	return im.officialID(key)
}

// taskRef is one row of task_leads (Position > 0) or of
// task_support_departments (DepartmentID only), as the import compares
// them.
type taskRef struct {
	Position     int    `db:"position"`
	OfficialID   *int64 `db:"official_id"`
	DepartmentID *int64 `db:"department_id"`
}

// equal reports whether two refs name the same thing at the same place.
func (r taskRef) equal(o taskRef) bool {
	return r.Position == o.Position && samePtr(r.OfficialID, o.OfficialID) && samePtr(r.DepartmentID, o.DepartmentID)
}

// taskRefs returns the leads of the file's task t, in order, and the ids
// of the departments supporting it, sorted.
func (im *importer) taskRefs(t planfile.Task) ([]taskRef, []int64, error) {
	leads := make([]taskRef, 0, len(t.Leads))
	keys := t.Leads
	if len(keys) == 0 && t.Lead != "" {
		keys = []string{t.Lead}
	}
	for i, key := range keys {
		ref := taskRef{Position: i + 1}
		if id, ok := im.departments[key]; ok {
			ref.DepartmentID = &id
		} else {
			id, err := im.officialID(key)
			if err != nil {
				return nil, nil, fmt.Errorf("lead: %w", err)
			}
			ref.OfficialID = &id
		}
		leads = append(leads, ref)
	}
	var departments []int64
	for _, key := range t.Support {
		if id, ok := im.departments[key]; ok {
			departments = append(departments, id)
		}
	}
	slices.Sort(departments)
	return leads, departments, nil
}

// loadTaskRefs returns the leads (in order) and the supporting
// departments' ids (sorted) of every task of the plan.
func (im *importer) loadTaskRefs(ctx context.Context) (map[int64][]taskRef, map[int64][]int64, error) {
	var leads []struct {
		TaskID int64 `db:"task_id"`
		taskRef
	}
	if err := im.tx.SelectContext(ctx, &leads, `
		SELECT l.task_id, l.position, l.official_id, l.department_id
		FROM task_leads l
		JOIN tasks t ON t.id = l.task_id
		WHERE t.plan_id = $1
		ORDER BY l.task_id, l.position`, im.planID); err != nil {
		return nil, nil, fmt.Errorf("load task leads: %w", err)
	}
	var support []struct {
		TaskID       int64 `db:"task_id"`
		DepartmentID int64 `db:"department_id"`
	}
	if err := im.tx.SelectContext(ctx, &support, `
		SELECT s.task_id, s.department_id
		FROM task_support_departments s
		JOIN tasks t ON t.id = s.task_id
		WHERE t.plan_id = $1
		ORDER BY s.task_id, s.department_id`, im.planID); err != nil {
		return nil, nil, fmt.Errorf("load supporting departments: %w", err)
	}
	outLeads := map[int64][]taskRef{}
	for _, l := range leads {
		outLeads[l.TaskID] = append(outLeads[l.TaskID], l.taskRef)
	}
	outSupport := map[int64][]int64{}
	for _, s := range support {
		outSupport[s.TaskID] = append(outSupport[s.TaskID], s.DepartmentID)
	}
	return outLeads, outSupport, nil
}

// setTaskRefs replaces the leads of task taskID by wantLeads when they
// differ from haveLeads, and makes its supporting departments exactly
// wantDepartments.
func (im *importer) setTaskRefs(ctx context.Context, taskID int64, haveLeads, wantLeads []taskRef, haveDepartments, wantDepartments []int64) error {
	if !slices.EqualFunc(haveLeads, wantLeads, taskRef.equal) {
		if _, err := im.tx.ExecContext(ctx, `DELETE FROM task_leads WHERE task_id = $1`, taskID); err != nil {
			return fmt.Errorf("replace leads: %w", err)
		}
		for _, l := range wantLeads {
			if _, err := im.tx.ExecContext(ctx, `
				INSERT INTO task_leads (task_id, position, official_id, department_id)
				VALUES ($1, $2, $3, $4)`, taskID, l.Position, l.OfficialID, l.DepartmentID); err != nil {
				return fmt.Errorf("add lead: %w", err)
			}
		}
	}
	for _, id := range haveDepartments {
		if slices.Contains(wantDepartments, id) {
			continue
		}
		if _, err := im.tx.ExecContext(ctx, `
			DELETE FROM task_support_departments WHERE task_id = $1 AND department_id = $2`, taskID, id); err != nil {
			return fmt.Errorf("remove supporting department: %w", err)
		}
	}
	for _, id := range wantDepartments {
		if slices.Contains(haveDepartments, id) {
			continue
		}
		if _, err := im.tx.ExecContext(ctx, `
			INSERT INTO task_support_departments (task_id, department_id) VALUES ($1, $2)`, taskID, id); err != nil {
			return fmt.Errorf("add supporting department: %w", err)
		}
	}
	return nil
}

// clearAssignments ends the assignments the imported plan no longer
// allows: an assignee who is not a current member (other than the head) of
// one of the task's lead departments any more.
func (im *importer) clearAssignments(ctx context.Context) error {
	if _, err := im.tx.ExecContext(ctx, `
		UPDATE tasks t SET assignee_id = NULL, assigned_by = NULL, assigned_at = NULL, updated_at = $2
		WHERE t.plan_id = $1 AND t.assignee_id IS NOT NULL
		  AND NOT EXISTS (
		      SELECT 1
		      FROM task_leads l
		      JOIN departments d ON d.id = l.department_id
		      JOIN department_members m ON m.department_id = d.id AND m.left_at IS NULL
		      WHERE l.task_id = t.id AND m.official_id = t.assignee_id AND d.head_id <> t.assignee_id
		        AND d.archived_at IS NULL)`, im.planID, im.opts.Now); err != nil {
		return fmt.Errorf("clear assignments: %w", err)
	}
	return nil
}

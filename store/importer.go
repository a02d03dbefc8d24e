package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/planfile"
)

// ImportOptions tune ImportPlan.
type ImportOptions struct {
	// DryRun does the whole import, then rolls it back: the summary says
	// what a real import would change.
	DryRun bool
	// Source names where the plan came from (the file name), kept on the
	// plan row.
	Source string
	// Now stamps created, updated and archived rows.
	Now time.Time
	// Calendar rolls occurrence due dates to working days; nil keeps the
	// nominal due dates.
	Calendar *plan.Calendar
}

// ImportCounts counts what an import did to rows of one kind.
type ImportCounts struct {
	Created   int
	Updated   int // rows whose content changed or that came back from the archive; not a mere change of order
	Unchanged int
	Archived  int // rows no longer in the file, archived rather than deleted
}

// count counts a row that existed: updated when its content changed (or
// it came back from the archive), else unchanged. A row that only moved in
// the file's order is rewritten but counts as unchanged.
func (c *ImportCounts) count(changed bool) {
	if changed {
		c.Updated++
	} else {
		c.Unchanged++
	}
}

// String formats the counts as "3 created, 1 updated, 0 archived".
func (c ImportCounts) String() string {
	return fmt.Sprintf("%d created, %d updated, %d archived", c.Created, c.Updated, c.Archived)
}

// ImportSummary is what ImportPlan did, per kind of row. Occurrences are
// those of one-off tasks (created with the task) and those whose due date
// or archive state the import had to change.
type ImportSummary struct {
	Officials   ImportCounts
	Departments ImportCounts
	// Memberships counts department memberships opened (Created) and
	// closed (Archived): a move between departments is one of each.
	Memberships ImportCounts
	Areas       ImportCounts
	Targets     ImportCounts
	Tasks       ImportCounts
	Occurrences ImportCounts
}

// String formats the summary on one line, e.g. "officials: 10 created, 0
// updated, 0 archived; areas: 6 created, 0 updated, 0 archived; ...".
func (s ImportSummary) String() string {
	parts := []string{"officials: " + s.Officials.String()}
	if s.Departments != (ImportCounts{}) || s.Memberships != (ImportCounts{}) {
		// A plan without departments says what it always said.
		parts = append(parts,
			"departments: "+s.Departments.String(),
			fmt.Sprintf("memberships: %d opened, %d closed", s.Memberships.Created, s.Memberships.Archived))
	}
	parts = append(parts,
		"areas: "+s.Areas.String(),
		"targets: "+s.Targets.String(),
		"tasks: "+s.Tasks.String(),
		"occurrences: "+s.Occurrences.String(),
	)
	return strings.Join(parts, "; ")
}

// ImportPlan creates or updates the unit, plan, officials, areas, targets
// and tasks of f, matched by their keys, in one transaction. What is no
// longer in the file is archived, never deleted; progress reports and target
// readings are kept. A one-off task's single occurrence follows its due
// date (an open occurrence is moved, keeping its history; a done one is left
// as it is). Recurring tasks get their occurrences from the scheduler
// (MaterializeOccurrences), but the import moves or archives the open ones
// that a changed schedule no longer produces.
//
// f must come from planfile.Parse, which has validated it. A parent unit
// named by the file must already exist.
func (s *Store) ImportPlan(ctx context.Context, f *planfile.File, opts ImportOptions) (ImportSummary, error) {
	if f == nil {
		return ImportSummary{}, errors.New("store: import plan: no plan file")
	}
	if opts.Now.IsZero() {
		return ImportSummary{}, errors.New("store: import plan: no import time (ImportOptions.Now)")
	}
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return ImportSummary{}, fmt.Errorf("store: import plan: begin transaction: %w", err)
	}
	defer func() { _ = tx.Rollback() }() // a no-op after Commit

	im := &importer{tx: tx, f: f, opts: opts}
	if err := im.run(ctx); err != nil {
		return ImportSummary{}, fmt.Errorf("store: import plan %s/%s: %w", f.Unit.Code, f.Plan.Code, err)
	}
	if opts.DryRun {
		if err := tx.Rollback(); err != nil {
			return ImportSummary{}, fmt.Errorf("store: import plan: roll back dry run: %w", err)
		}
		return im.sum, nil
	}
	if err := tx.Commit(); err != nil {
		return ImportSummary{}, fmt.Errorf("store: import plan: commit: %w", err)
	}
	return im.sum, nil
}

// MaterializeOccurrences inserts, through wr, the occurrences specs of the
// task taskID that do not exist yet (matched by key), due on their nominal
// date rolled to a working day by cal (nil: not rolled). An existing
// occurrence, archived or not, is left alone. It returns how many it
// created.
func (s *Store) MaterializeOccurrences(ctx context.Context, wr Writer, taskID int64, specs []plan.OccurrenceSpec, cal *plan.Calendar, now time.Time) (int, error) {
	q := wr.execer()
	created := 0
	for _, spec := range specs {
		res, err := q.ExecContext(ctx, `
			INSERT INTO occurrences (task_id, key, nominal_due, due, period, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $6)
			ON CONFLICT (task_id, key) DO NOTHING`,
			taskID, spec.Key, spec.NominalDue, rollDue(cal, spec.NominalDue), nullString(spec.Period), now)
		if err != nil {
			return created, fmt.Errorf("store: materialize occurrence %s of task %d: %w", spec.Key, taskID, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return created, fmt.Errorf("store: materialize occurrence %s of task %d: %w", spec.Key, taskID, err)
		}
		created += int(n)
	}
	return created, nil
}

// rollDue moves d to a working day of cal; a nil cal keeps d.
func rollDue(cal *plan.Calendar, d plan.Date) plan.Date {
	if cal == nil {
		return d
	}
	return cal.Roll(d)
}

// importer carries one import's transaction, the keys it has resolved to
// ids and the counts so far.
type importer struct {
	tx   *sqlx.Tx
	f    *planfile.File
	opts ImportOptions
	sum  ImportSummary

	unitID      int64
	planID      int64
	officials   map[string]int64 // key → id
	departments map[string]int64 // key → id
	heads       map[string]int64 // department key → head's id
	areas       map[string]int64 // code → id

	existingDepartments []importedDepartment
}

func (im *importer) run(ctx context.Context) error {
	// Imports of one unit are serialised, so that the first import of a
	// unit cannot race another one into a unique violation.
	if _, err := im.tx.ExecContext(ctx,
		`SELECT pg_advisory_xact_lock(hashtextextended('nhacviec import ' || $1, 0))`, im.f.Unit.Code); err != nil {
		return fmt.Errorf("lock unit: %w", err)
	}
	// Departments no longer in the file are archived before the officials
	// are imported, so that an official may take over a retired
	// department's key; the others after, since they name officials.
	steps := []func(context.Context) error{
		im.unit, im.plan, im.archiveDepartments, im.importOfficials, im.importDepartments,
		im.importMemberships, im.importAreas, im.importTargets, im.importTasks, im.clearAssignments,
	}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return err
		}
	}
	return nil
}

// unit creates or updates the unit row.
func (im *importer) unit(ctx context.Context) error {
	u := im.f.Unit
	var parentID *int64
	if u.Parent != "" {
		var id int64
		err := im.tx.GetContext(ctx, &id, `SELECT id FROM units WHERE code = $1`, u.Parent)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("parent unit %q not found: import its plan first", u.Parent)
		}
		if err != nil {
			return fmt.Errorf("find parent unit %q: %w", u.Parent, err)
		}
		parentID = &id
	}
	var cur plan.Unit
	err := im.tx.GetContext(ctx, &cur, `
		SELECT `+unitColumns+` FROM units WHERE code = $1 FOR UPDATE`, u.Code)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		err = im.tx.GetContext(ctx, &im.unitID, `
			INSERT INTO units (code, name, parent_id, timezone, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $5)
			RETURNING id`, u.Code, u.Name, parentID, u.Timezone, im.opts.Now)
		if err != nil {
			return fmt.Errorf("create unit: %w", err)
		}
		return nil
	case err != nil:
		return fmt.Errorf("find unit: %w", err)
	}
	im.unitID = cur.ID
	if cur.Name == u.Name && cur.Timezone == u.Timezone && samePtr(cur.ParentID, parentID) {
		return nil
	}
	if _, err := im.tx.ExecContext(ctx, `
		UPDATE units SET name = $2, parent_id = $3, timezone = $4, updated_at = $5
		WHERE id = $1`, cur.ID, u.Name, parentID, u.Timezone, im.opts.Now); err != nil {
		return fmt.Errorf("update unit: %w", err)
	}
	return nil
}

// plan creates or updates the plan row.
func (im *importer) plan(ctx context.Context) error {
	p := im.f.Plan
	var cur struct {
		ID     int64  `db:"id"`
		Title  string `db:"title"`
		Year   int    `db:"year"`
		Source string `db:"source"`
	}
	err := im.tx.GetContext(ctx, &cur, `
		SELECT id, title, year, source FROM plans
		WHERE unit_id = $1 AND code = $2 FOR UPDATE`, im.unitID, p.Code)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		err = im.tx.GetContext(ctx, &im.planID, `
			INSERT INTO plans (unit_id, code, title, year, source, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $6)
			RETURNING id`, im.unitID, p.Code, p.Title, p.Year, im.opts.Source, im.opts.Now)
		if err != nil {
			return fmt.Errorf("create plan: %w", err)
		}
		return nil
	case err != nil:
		return fmt.Errorf("find plan: %w", err)
	}
	im.planID = cur.ID
	if cur.Title == p.Title && cur.Year == p.Year && cur.Source == im.opts.Source {
		return nil
	}
	if _, err := im.tx.ExecContext(ctx, `
		UPDATE plans SET title = $2, year = $3, source = $4, updated_at = $5
		WHERE id = $1`, cur.ID, p.Title, p.Year, im.opts.Source, im.opts.Now); err != nil {
		return fmt.Errorf("update plan: %w", err)
	}
	return nil
}

// importOfficials creates, updates, restores and archives the unit's
// officials. Telegram links are never touched.
func (im *importer) importOfficials(ctx context.Context) error {
	type row struct {
		ID         int64      `db:"id"`
		Key        string     `db:"key"`
		Name       string     `db:"name"`
		Position   string     `db:"position"`
		Roles      plan.Roles `db:"roles"`
		Email      string     `db:"email"`
		Language   string     `db:"language"`
		ArchivedAt *time.Time `db:"archived_at"`
	}
	var rows []row
	if err := im.tx.SelectContext(ctx, &rows, `
		SELECT id, key, name, position, roles, email, language, archived_at
		FROM officials WHERE unit_id = $1 ORDER BY id FOR UPDATE`, im.unitID); err != nil {
		return fmt.Errorf("load officials: %w", err)
	}
	existing := make(map[string]row, len(rows))
	for _, r := range rows {
		existing[r.Key] = r
	}
	im.officials = make(map[string]int64, len(im.f.Officials))
	for _, o := range im.f.Officials {
		roles := plan.Roles(o.Roles)
		cur, ok := existing[o.Key]
		if !ok {
			var id int64
			if err := im.tx.GetContext(ctx, &id, `
				INSERT INTO officials (unit_id, key, name, position, roles, email, language, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
				RETURNING id`,
				im.unitID, o.Key, o.Name, o.Position, roles, o.Email, o.Language, im.opts.Now); err != nil {
				return fmt.Errorf("create official %s: %w", o.Key, err)
			}
			im.officials[o.Key] = id
			im.sum.Officials.Created++
			continue
		}
		im.officials[o.Key] = cur.ID
		if cur.Name == o.Name && cur.Position == o.Position && slices.Equal(cur.Roles, roles) &&
			cur.Email == o.Email && cur.Language == o.Language && cur.ArchivedAt == nil {
			im.sum.Officials.Unchanged++
			continue
		}
		if _, err := im.tx.ExecContext(ctx, `
			UPDATE officials
			SET name = $2, position = $3, roles = $4, email = $5, language = $6,
			    archived_at = NULL, updated_at = $7
			WHERE id = $1`,
			cur.ID, o.Name, o.Position, roles, o.Email, o.Language, im.opts.Now); err != nil {
			return fmt.Errorf("update official %s: %w", o.Key, err)
		}
		im.sum.Officials.Updated++
	}
	for _, r := range rows {
		if _, kept := im.officials[r.Key]; kept || r.ArchivedAt != nil {
			continue
		}
		if _, err := im.tx.ExecContext(ctx, `
			UPDATE officials SET archived_at = $2, updated_at = $2 WHERE id = $1`, r.ID, im.opts.Now); err != nil {
			return fmt.Errorf("archive official %s: %w", r.Key, err)
		}
		im.sum.Officials.Archived++
	}
	return nil
}

// importAreas creates, updates, restores and archives the plan's areas.
func (im *importer) importAreas(ctx context.Context) error {
	type row struct {
		ID           int64      `db:"id"`
		Code         string     `db:"code"`
		Name         string     `db:"name"`
		Position     int        `db:"position"`
		SupervisorID *int64     `db:"supervisor_id"`
		ArchivedAt   *time.Time `db:"archived_at"`
	}
	var rows []row
	if err := im.tx.SelectContext(ctx, &rows, `
		SELECT id, code, name, position, supervisor_id, archived_at
		FROM areas WHERE plan_id = $1 ORDER BY id FOR UPDATE`, im.planID); err != nil {
		return fmt.Errorf("load areas: %w", err)
	}
	existing := make(map[string]row, len(rows))
	for _, r := range rows {
		existing[r.Code] = r
	}
	im.areas = make(map[string]int64, len(im.f.Areas))
	for i, a := range im.f.Areas {
		position := i + 1
		var supervisorID *int64
		if a.Supervisor != "" {
			id, err := im.officialID(a.Supervisor)
			if err != nil {
				return fmt.Errorf("area %s: supervisor: %w", a.Code, err)
			}
			supervisorID = &id
		}
		cur, ok := existing[a.Code]
		if !ok {
			var id int64
			if err := im.tx.GetContext(ctx, &id, `
				INSERT INTO areas (plan_id, code, name, position, supervisor_id)
				VALUES ($1, $2, $3, $4, $5)
				RETURNING id`, im.planID, a.Code, a.Name, position, supervisorID); err != nil {
				return fmt.Errorf("create area %s: %w", a.Code, err)
			}
			im.areas[a.Code] = id
			im.sum.Areas.Created++
			continue
		}
		im.areas[a.Code] = cur.ID
		changed := cur.Name != a.Name || cur.ArchivedAt != nil || !samePtr(cur.SupervisorID, supervisorID)
		if !changed && cur.Position == position {
			im.sum.Areas.Unchanged++
			continue
		}
		if _, err := im.tx.ExecContext(ctx, `
			UPDATE areas SET name = $2, position = $3, supervisor_id = $4, archived_at = NULL
			WHERE id = $1`, cur.ID, a.Name, position, supervisorID); err != nil {
			return fmt.Errorf("update area %s: %w", a.Code, err)
		}
		im.sum.Areas.count(changed)
	}
	for _, r := range rows {
		if _, kept := im.areas[r.Code]; kept || r.ArchivedAt != nil {
			continue
		}
		if _, err := im.tx.ExecContext(ctx, `
			UPDATE areas SET archived_at = $2 WHERE id = $1`, r.ID, im.opts.Now); err != nil {
			return fmt.Errorf("archive area %s: %w", r.Code, err)
		}
		im.sum.Areas.Archived++
	}
	return nil
}

// officialID resolves an official key of the file.
func (im *importer) officialID(key string) (int64, error) {
	id, ok := im.officials[key]
	if !ok {
		return 0, fmt.Errorf("unknown official %q (the plan file was not validated)", key)
	}
	return id, nil
}

// importTargets creates, updates, restores and archives the plan's
// targets. Their readings are kept.
func (im *importer) importTargets(ctx context.Context) error {
	var rows []plan.Target
	if err := im.tx.SelectContext(ctx, &rows, `
		SELECT id, plan_id, area_id, key, text, measure, goal, comparator, owner_id, every, kind, due, position, archived_at
		FROM targets WHERE plan_id = $1 ORDER BY id FOR UPDATE`, im.planID); err != nil {
		return fmt.Errorf("load targets: %w", err)
	}
	existing := make(map[string]plan.Target, len(rows))
	for _, r := range rows {
		existing[r.Key] = r
	}
	kept := make(map[string]bool)
	position := 0
	for _, a := range im.f.Areas {
		for _, t := range a.Targets {
			position++
			kept[t.Key] = true
			ownerID, err := im.officialID(t.Owner)
			if err != nil {
				return fmt.Errorf("target %s: %w", t.Key, err)
			}
			want := plan.Target{
				PlanID: im.planID, AreaID: im.areas[a.Code], Key: t.Key, Text: t.Text, Measure: string(t.Measure),
				Goal: t.Goal, Comparator: t.Comparator, OwnerID: ownerID,
				Every: string(t.Every), Kind: targetKind(t.Kind), Due: t.Due, Position: position,
			}
			cur, ok := existing[t.Key]
			if !ok {
				if _, err := im.tx.ExecContext(ctx, `
					INSERT INTO targets (plan_id, area_id, key, text, measure, goal, comparator, owner_id,
					                     every, kind, due, position, created_at, updated_at)
					VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)`,
					im.planID, want.AreaID, want.Key, want.Text, want.Measure, want.Goal, want.Comparator,
					want.OwnerID, want.Every, want.Kind, want.Due, want.Position, im.opts.Now); err != nil {
					return fmt.Errorf("create target %s: %w", t.Key, err)
				}
				im.sum.Targets.Created++
				continue
			}
			want.ID = cur.ID
			if cur == want {
				im.sum.Targets.Unchanged++
				continue
			}
			moved := cur
			moved.Position = want.Position
			changed := moved != want
			if _, err := im.tx.ExecContext(ctx, `
				UPDATE targets
				SET area_id = $2, text = $3, measure = $4, goal = $5, comparator = $6, owner_id = $7,
				    every = $8, kind = $9, due = $10, position = $11, archived_at = NULL, updated_at = $12
				WHERE id = $1`,
				cur.ID, want.AreaID, want.Text, want.Measure, want.Goal, want.Comparator, want.OwnerID,
				want.Every, want.Kind, want.Due, want.Position, im.opts.Now); err != nil {
				return fmt.Errorf("update target %s: %w", t.Key, err)
			}
			im.sum.Targets.count(changed)
		}
	}
	for _, r := range rows {
		if kept[r.Key] || r.ArchivedAt != nil {
			continue
		}
		if _, err := im.tx.ExecContext(ctx, `
			UPDATE targets SET archived_at = $2, updated_at = $2 WHERE id = $1`, r.ID, im.opts.Now); err != nil {
			return fmt.Errorf("archive target %s: %w", r.Key, err)
		}
		im.sum.Targets.Archived++
	}
	return nil
}

// targetKind returns k, or level when the plan file left it empty.
func targetKind(k plan.TargetKind) plan.TargetKind {
	if k == "" {
		return plan.KindLevel
	}
	return k
}

// importedTask is the part of a tasks row that the plan file sets.
type importedTask struct {
	ID         int64      `db:"id"`
	AreaID     int64      `db:"area_id"`
	Key        string     `db:"key"`
	Title      string     `db:"title"`
	LeadID     int64      `db:"lead_id"`
	Due        plan.Date  `db:"due"`
	DuePeriod  *string    `db:"due_period"`
	Ongoing    bool       `db:"ongoing"`
	Every      *string    `db:"every"`
	DueDay     *int       `db:"due_day"`
	StartDate  plan.Date  `db:"start_date"`
	EndDate    plan.Date  `db:"end_date"`
	Note       string     `db:"note"`
	Position   int        `db:"position"`
	ArchivedAt *time.Time `db:"archived_at"`
}

// sameImportedTask reports whether the file's values equal the row's,
// leaving the position aside.
func sameImportedTask(cur, want importedTask) bool {
	return cur.AreaID == want.AreaID && cur.Title == want.Title && cur.LeadID == want.LeadID &&
		cur.Due == want.Due && samePtr(cur.DuePeriod, want.DuePeriod) && cur.Ongoing == want.Ongoing &&
		samePtr(cur.Every, want.Every) && samePtr(cur.DueDay, want.DueDay) &&
		cur.StartDate == want.StartDate && cur.EndDate == want.EndDate && cur.Note == want.Note &&
		cur.ArchivedAt == nil
}

// importTasks creates, updates, restores and archives the plan's tasks,
// sets their supporters and keeps their occurrences in line with their
// schedules.
func (im *importer) importTasks(ctx context.Context) error {
	var rows []importedTask
	if err := im.tx.SelectContext(ctx, &rows, `
		SELECT id, area_id, key, title, lead_id, due, due_period, ongoing, every, due_day, start_date,
		       end_date, note, position, archived_at
		FROM tasks WHERE plan_id = $1 ORDER BY id FOR UPDATE`, im.planID); err != nil {
		return fmt.Errorf("load tasks: %w", err)
	}
	existing := make(map[string]importedTask, len(rows))
	for _, r := range rows {
		existing[r.Key] = r
	}
	supporters, err := im.loadSupporters(ctx)
	if err != nil {
		return err
	}
	leads, supportDepartments, err := im.loadTaskRefs(ctx)
	if err != nil {
		return err
	}
	kept := make(map[string]bool)
	position := 0
	for _, a := range im.f.Areas {
		for _, t := range a.Tasks {
			position++
			kept[t.Key] = true
			want, support, err := im.taskValues(t, im.areas[a.Code], position)
			if err != nil {
				return fmt.Errorf("task %s: %w", t.Key, err)
			}
			wantLeads, wantDepartments, err := im.taskRefs(t)
			if err != nil {
				return fmt.Errorf("task %s: %w", t.Key, err)
			}
			cur, ok := existing[t.Key]
			if !ok {
				if err := im.tx.GetContext(ctx, &want.ID, `
					INSERT INTO tasks (plan_id, area_id, key, title, lead_id, due, every, due_day,
					                   start_date, end_date, note, position, created_at, updated_at,
					                   due_period, ongoing)
					VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14, $15)
					RETURNING id`,
					im.planID, want.AreaID, want.Key, want.Title, want.LeadID, want.Due, want.Every,
					want.DueDay, want.StartDate, want.EndDate, want.Note, want.Position, im.opts.Now,
					want.DuePeriod, want.Ongoing); err != nil {
					return fmt.Errorf("create task %s: %w", t.Key, err)
				}
				if err := im.setSupporters(ctx, want.ID, nil, support); err != nil {
					return fmt.Errorf("task %s: %w", t.Key, err)
				}
				if err := im.setTaskRefs(ctx, want.ID, nil, wantLeads, nil, wantDepartments); err != nil {
					return fmt.Errorf("task %s: %w", t.Key, err)
				}
				im.sum.Tasks.Created++
			} else {
				want.ID = cur.ID
				same := sameImportedTask(cur, want)
				changed := !same || !slices.Equal(supporters[cur.ID], support) ||
					!slices.EqualFunc(leads[cur.ID], wantLeads, taskRef.equal) || !slices.Equal(supportDepartments[cur.ID], wantDepartments)
				if !same || cur.Position != want.Position {
					if _, err := im.tx.ExecContext(ctx, `
						UPDATE tasks
						SET area_id = $2, title = $3, lead_id = $4, due = $5, every = $6, due_day = $7,
						    start_date = $8, end_date = $9, note = $10, position = $11,
						    archived_at = NULL, updated_at = $12, due_period = $13, ongoing = $14
						WHERE id = $1`,
						cur.ID, want.AreaID, want.Title, want.LeadID, want.Due, want.Every, want.DueDay,
						want.StartDate, want.EndDate, want.Note, want.Position, im.opts.Now,
						want.DuePeriod, want.Ongoing); err != nil {
						return fmt.Errorf("update task %s: %w", t.Key, err)
					}
				}
				if err := im.setSupporters(ctx, cur.ID, supporters[cur.ID], support); err != nil {
					return fmt.Errorf("task %s: %w", t.Key, err)
				}
				if err := im.setTaskRefs(ctx, cur.ID, leads[cur.ID], wantLeads, supportDepartments[cur.ID], wantDepartments); err != nil {
					return fmt.Errorf("task %s: %w", t.Key, err)
				}
				im.sum.Tasks.count(changed)
			}
			if err := im.syncOccurrences(ctx, want.ID, t); err != nil {
				return fmt.Errorf("task %s: %w", t.Key, err)
			}
		}
	}
	for _, r := range rows {
		if kept[r.Key] || r.ArchivedAt != nil {
			continue
		}
		if _, err := im.tx.ExecContext(ctx, `
			UPDATE tasks SET archived_at = $2, updated_at = $2 WHERE id = $1`, r.ID, im.opts.Now); err != nil {
			return fmt.Errorf("archive task %s: %w", r.Key, err)
		}
		res, err := im.tx.ExecContext(ctx, `
			UPDATE occurrences SET archived_at = $2, updated_at = $2
			WHERE task_id = $1 AND archived_at IS NULL`, r.ID, im.opts.Now)
		if err != nil {
			return fmt.Errorf("archive occurrences of task %s: %w", r.Key, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("archive occurrences of task %s: %w", r.Key, err)
		}
		im.sum.Tasks.Archived++
		im.sum.Occurrences.Archived += int(n)
	}
	return nil
}

// taskValues returns the row the file's task t should have and its
// supporters' ids, sorted.
func (im *importer) taskValues(t planfile.Task, areaID int64, position int) (importedTask, []int64, error) {
	leadID, err := im.accountable(t.Lead)
	if err != nil {
		return importedTask{}, nil, err
	}
	want := importedTask{
		AreaID: areaID, Key: t.Key, Title: t.Title, LeadID: leadID, Note: t.Note, Position: position,
	}
	if t.Recurring() {
		every, dueDay := string(t.Every), t.DueDay
		want.Every, want.DueDay = &every, &dueDay
		want.StartDate, want.EndDate = t.Start, t.Until
	} else {
		want.Due = t.Due
		want.DuePeriod = nullString(t.DuePeriod)
		want.Ongoing = t.Ongoing
	}
	support := make([]int64, 0, len(t.Support))
	for _, key := range t.Support {
		if _, dep := im.departments[key]; dep {
			continue // in task_support_departments (taskRefs)
		}
		id, err := im.officialID(key)
		if err != nil {
			return importedTask{}, nil, err
		}
		support = append(support, id)
	}
	slices.Sort(support)
	return want, support, nil
}

// loadSupporters returns the supporters' ids of every task of the plan,
// sorted.
func (im *importer) loadSupporters(ctx context.Context) (map[int64][]int64, error) {
	var links []struct {
		TaskID     int64 `db:"task_id"`
		OfficialID int64 `db:"official_id"`
	}
	if err := im.tx.SelectContext(ctx, &links, `
		SELECT ts.task_id, ts.official_id
		FROM task_supporters ts
		JOIN tasks t ON t.id = ts.task_id
		WHERE t.plan_id = $1
		ORDER BY ts.task_id, ts.official_id`, im.planID); err != nil {
		return nil, fmt.Errorf("load supporters: %w", err)
	}
	out := make(map[int64][]int64)
	for _, l := range links {
		out[l.TaskID] = append(out[l.TaskID], l.OfficialID)
	}
	return out, nil
}

// setSupporters makes the supporters of task taskID exactly want.
func (im *importer) setSupporters(ctx context.Context, taskID int64, have, want []int64) error {
	for _, id := range have {
		if slices.Contains(want, id) {
			continue
		}
		if _, err := im.tx.ExecContext(ctx, `
			DELETE FROM task_supporters WHERE task_id = $1 AND official_id = $2`, taskID, id); err != nil {
			return fmt.Errorf("remove supporter: %w", err)
		}
	}
	for _, id := range want {
		if slices.Contains(have, id) {
			continue
		}
		if _, err := im.tx.ExecContext(ctx, `
			INSERT INTO task_supporters (task_id, official_id) VALUES ($1, $2)`, taskID, id); err != nil {
			return fmt.Errorf("add supporter: %w", err)
		}
	}
	return nil
}

// importedOccurrence is what syncOccurrences needs of an occurrence.
type importedOccurrence struct {
	ID         int64      `db:"id"`
	Key        string     `db:"key"`
	NominalDue plan.Date  `db:"nominal_due"`
	Due        plan.Date  `db:"due"`
	Period     *string    `db:"period"`
	Ongoing    bool       `db:"ongoing"`
	DoneAt     *time.Time `db:"done_at"`
	ArchivedAt *time.Time `db:"archived_at"`
	// OriginalDue is set on an occurrence extended by an approved
	// request (gia hạn): its due date is the approved one.
	OriginalDue *plan.Date `db:"original_due"`
}

// syncOccurrences brings the occurrences of task taskID in line with the
// file's task t. Done occurrences keep their dates.
func (im *importer) syncOccurrences(ctx context.Context, taskID int64, t planfile.Task) error {
	var occs []importedOccurrence
	if err := im.tx.SelectContext(ctx, &occs, `
		SELECT id, key, nominal_due, due, period, ongoing, done_at, archived_at, original_due
		FROM occurrences WHERE task_id = $1 ORDER BY id FOR UPDATE`, taskID); err != nil {
		return fmt.Errorf("load occurrences: %w", err)
	}
	if t.Recurring() {
		return im.syncRecurring(ctx, occs, t.Recurrence())
	}
	return im.syncOneOff(ctx, taskID, occs, t.OneOff(), t.Ongoing)
}

// syncOneOff keeps the single occurrence of a one-off task on spec: the
// occurrence with spec's key is restored and its due date updated; else an
// open one-off occurrence (keyed by its former due date) is moved to spec,
// keeping its progress history; else, unless the task was already done, one
// is created. Other open occurrences (such as those of an earlier recurring
// schedule) are archived.
func (im *importer) syncOneOff(ctx context.Context, taskID int64, occs []importedOccurrence, spec plan.OccurrenceSpec, ongoing bool) error {
	due := rollDue(im.opts.Calendar, spec.NominalDue)
	var target *importedOccurrence
	doneElsewhere := false
	for i := range occs {
		if occs[i].Key == spec.Key {
			target = &occs[i]
		}
	}
	if target == nil {
		// The due date moved: move the task's open one-off occurrence (keyed
		// by a date), preferring a live one.
		for i := range occs {
			o := &occs[i]
			if _, err := plan.ParseDate(o.Key); err != nil {
				continue // an occurrence of an earlier recurring schedule
			}
			if o.DoneAt != nil {
				doneElsewhere = doneElsewhere || o.ArchivedAt == nil
				continue
			}
			if target == nil || (target.ArchivedAt != nil && o.ArchivedAt == nil) {
				target = o
			}
		}
	}
	for i := range occs {
		o := &occs[i]
		if o == target || o.DoneAt != nil || o.ArchivedAt != nil {
			continue
		}
		if err := im.archiveOccurrence(ctx, o); err != nil {
			return err
		}
	}
	switch {
	case target != nil:
		if target.DoneAt != nil {
			due = target.Due // a done occurrence keeps its dates
			spec.NominalDue = target.NominalDue
		}
		return im.updateOccurrence(ctx, target, spec.Key, spec.NominalDue, due, spec.Period, ongoing)
	case doneElsewhere:
		return nil
	default:
		if _, err := im.tx.ExecContext(ctx, `
			INSERT INTO occurrences (task_id, key, nominal_due, due, period, ongoing, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`,
			taskID, spec.Key, spec.NominalDue, due, nullString(spec.Period), ongoing, im.opts.Now); err != nil {
			return fmt.Errorf("create occurrence %s: %w", spec.Key, err)
		}
		im.sum.Occurrences.Created++
		return nil
	}
}

// syncRecurring restores and re-dates the occurrences that the schedule r
// still produces and archives the open ones it no longer does (a changed
// cadence, start or end, or a task that was one-off before).
func (im *importer) syncRecurring(ctx context.Context, occs []importedOccurrence, r plan.Recurrence) error {
	for i := range occs {
		o := &occs[i]
		spec, ok := scheduledOccurrence(r, o.Key)
		switch {
		case ok && o.DoneAt != nil:
			if err := im.updateOccurrence(ctx, o, o.Key, o.NominalDue, o.Due, o.Key, false); err != nil {
				return err
			}
		case ok:
			if err := im.updateOccurrence(ctx, o, o.Key, spec.NominalDue, rollDue(im.opts.Calendar, spec.NominalDue), spec.Period, false); err != nil {
				return err
			}
		case o.DoneAt == nil && o.ArchivedAt == nil:
			if err := im.archiveOccurrence(ctx, o); err != nil {
				return err
			}
		}
	}
	return nil
}

// scheduledOccurrence returns the occurrence of r keyed key, when r has one.
func scheduledOccurrence(r plan.Recurrence, key string) (plan.OccurrenceSpec, bool) {
	p, err := plan.ParsePeriod(key, plan.CutoffCalendar)
	if err != nil || p.Kind != r.Every.Kind() {
		return plan.OccurrenceSpec{}, false
	}
	for _, spec := range r.Occurrences(p.From, p.To) {
		if spec.Key == key {
			return spec, true
		}
	}
	return plan.OccurrenceSpec{}, false
}

// updateOccurrence sets the key, dates, plan period and ongoing flag of o
// and restores it from the archive, when any of that changes.
func (im *importer) updateOccurrence(ctx context.Context, o *importedOccurrence, key string, nominal, due plan.Date, period string, ongoing bool) error {
	p := nullString(period)
	if o.OriginalDue != nil && o.DoneAt == nil && due.Before(o.Due) {
		// An approved extension stands: the plan moves the due date only
		// past the approved one.
		due = o.Due
	}
	if o.Key == key && o.NominalDue == nominal && o.Due == due && samePtr(o.Period, p) && o.Ongoing == ongoing && o.ArchivedAt == nil {
		return nil
	}
	if _, err := im.tx.ExecContext(ctx, `
		UPDATE occurrences SET key = $2, nominal_due = $3, due = $4, period = $5, ongoing = $6,
		       archived_at = NULL, updated_at = $7
		WHERE id = $1`, o.ID, key, nominal, due, p, ongoing, im.opts.Now); err != nil {
		return fmt.Errorf("update occurrence %s: %w", o.Key, err)
	}
	im.sum.Occurrences.Updated++
	return nil
}

// archiveOccurrence archives o.
func (im *importer) archiveOccurrence(ctx context.Context, o *importedOccurrence) error {
	if _, err := im.tx.ExecContext(ctx, `
		UPDATE occurrences SET archived_at = $2, updated_at = $2 WHERE id = $1`, o.ID, im.opts.Now); err != nil {
		return fmt.Errorf("archive occurrence %s: %w", o.Key, err)
	}
	im.sum.Occurrences.Archived++
	return nil
}

// samePtr reports whether a and b are both nil or point to equal values.
func samePtr[T comparable](a, b *T) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

// nullString returns nil for "", else a pointer to s: an optional text
// column.
func nullString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

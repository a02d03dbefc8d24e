package store_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/planfile"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/store/storetest"
)

// orgPlan is a plan of a ward with departments; orgPlanMoved is the same
// plan after cv-kt moved from Kinh tế to Văn phòng, Văn hóa – Xã hội was
// dissolved (its task now led by the chairman) and task b lost its second
// lead.
const orgPlan = `unit: {code: hoa-an, name: "UBND phường Hòa An"}
plan: {code: KH-2026, title: "Kế hoạch CCHC năm 2026", year: 2026}
officials:
  - {key: chu-tich, name: "Chủ tịch", roles: [chairman]}
  - {key: pct, name: "Phó Chủ tịch", roles: [vice_chairman]}
  - {key: chanh-vp, name: "Chánh Văn phòng", roles: [office]}
  - {key: cv-vp, name: "Chuyên viên Văn phòng"}
  - {key: tp-kt, name: "Trưởng phòng Kinh tế"}
  - {key: cv-kt, name: "Chuyên viên Kinh tế"}
  - {key: tp-vhxh, name: "Trưởng phòng Văn hóa – Xã hội"}
  - {key: cong-an, name: "Công an phường", roles: [partner]}
departments:
  - {key: vp, name: "Văn phòng HĐND và UBND", head: chanh-vp, members: [cv-vp]}
  - {key: kt, name: "Phòng Kinh tế, Hạ tầng và Đô thị", head: tp-kt, members: [cv-kt]}
  - {key: vhxh, name: "Phòng Văn hóa – Xã hội", head: tp-vhxh}
areas:
  - code: "1"
    name: "Cải cách thủ tục hành chính"
    supervisor: pct
    tasks:
      - {key: a, title: "A", lead: vp, support: [cong-an, kt], due: 2026-03-31}
      - {key: b, title: "B", lead: [kt, vp], support: cv-vp, due: 2026-06-30}
      - {key: c, title: "C", lead: vhxh, due: 2026-06-30}
`

var orgPlanMoved = strings.NewReplacer(
	`head: chanh-vp, members: [cv-vp]}`, `head: chanh-vp, members: [cv-vp, cv-kt]}`,
	`head: tp-kt, members: [cv-kt]}`, `head: tp-kt}`,
	"  - {key: vhxh, name: \"Phòng Văn hóa – Xã hội\", head: tp-vhxh}\n", "",
	`lead: [kt, vp], support: cv-vp`, `lead: kt, support: [cv-vp, vp]`,
	`lead: vhxh,`, `lead: chu-tich,`,
).Replace(orgPlan)

func parseOrg(t *testing.T, src string) *planfile.File {
	t.Helper()
	f, err := planfile.Parse("org.yaml", []byte(src))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return f
}

// orgIDs resolves the official and department keys of the unit hoa-an.
func orgIDs(t *testing.T, st *store.Store) (officials, departments map[string]int64) {
	t.Helper()
	ctx := context.Background()
	officials, departments = map[string]int64{}, map[string]int64{}
	os, err := st.Officials(ctx, "hoa-an")
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range os {
		officials[o.Key] = o.ID
	}
	rows, err := st.DB().QueryContext(ctx, `SELECT key, id FROM departments`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var key string
		var id int64
		if err := rows.Scan(&key, &id); err != nil {
			t.Fatal(err)
		}
		departments[key] = id
	}
	return officials, departments
}

// members returns the keys of the current members of department key.
func members(t *testing.T, st *store.Store, depID int64) []string {
	t.Helper()
	os, err := store.DepartmentMembers(context.Background(), st, depID)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, o := range os {
		keys = append(keys, o.Key)
	}
	return keys
}

// leadKeys returns the task's leads as keys, in order.
func leadKeys(t *testing.T, st *store.Store, taskKey string) []string {
	t.Helper()
	var keys []string
	if err := st.DB().SelectContext(context.Background(), &keys, `
		SELECT coalesce(o.key, d.key)
		FROM task_leads l
		JOIN tasks t ON t.id = l.task_id
		LEFT JOIN officials o ON o.id = l.official_id
		LEFT JOIN departments d ON d.id = l.department_id
		WHERE t.key = $1 ORDER BY l.position`, taskKey); err != nil {
		t.Fatal(err)
	}
	return keys
}

func TestImportDepartmentsAndMembershipHistory(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	sum := importFile(t, st, parseOrg(t, orgPlan), nil)
	if sum.Departments != counts(3, 0, 0, 0) || sum.Memberships.Created != 5 {
		t.Errorf("first import = %s; want 3 departments and 5 memberships (heads included)", sum)
	}
	officials, deps := orgIDs(t, st)
	if got := members(t, st, deps["vp"]); !slices.Equal(got, []string{"chanh-vp", "cv-vp"}) {
		t.Errorf("vp members = %v, want the head first", got)
	}
	dep, err := store.DepartmentOf(ctx, st, officials["cv-kt"])
	if err != nil || dep.Key != "kt" || dep.HeadID != officials["tp-kt"] {
		t.Errorf("DepartmentOf(cv-kt) = %+v, %v", dep, err)
	}
	if _, err := store.DepartmentOf(ctx, st, officials["cong-an"]); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("DepartmentOf(partner) error = %v, want ErrNotFound", err)
	}
	if got := leadKeys(t, st, "b"); !slices.Equal(got, []string{"kt", "vp"}) {
		t.Errorf("leads of b = %v, want [kt vp]", got)
	}
	// tasks.lead_id: the first lead's accountable official.
	for task, want := range map[string]string{"a": "chanh-vp", "b": "tp-kt", "c": "tp-vhxh"} {
		var lead int64
		if err := st.DB().GetContext(ctx, &lead, `SELECT lead_id FROM tasks WHERE key = $1`, task); err != nil {
			t.Fatal(err)
		}
		if lead != officials[want] {
			t.Errorf("lead_id of %s = %d, want %s (%d)", task, lead, want, officials[want])
		}
	}
	sup, err := store.TaskSupporters(ctx, st, taskID(t, st, "a"))
	if err != nil || len(sup) != 2 || sup[0].OfficialID == nil || *sup[0].OfficialID != officials["cong-an"] ||
		sup[1].DepartmentID == nil || *sup[1].DepartmentID != deps["kt"] {
		t.Errorf("supporters of a = %+v, %v; want cong-an then department kt", sup, err)
	}
	var supervisor *int64
	if err := st.DB().GetContext(ctx, &supervisor, `SELECT supervisor_id FROM areas`); err != nil {
		t.Fatal(err)
	}
	if supervisor == nil || *supervisor != officials["pct"] {
		t.Errorf("area supervisor = %v, want pct", supervisor)
	}

	// Re-importing the same file changes nothing.
	again := importFile(t, st, parseOrg(t, orgPlan), nil)
	if again.Departments != counts(0, 0, 3, 0) || again.Memberships != (store.ImportCounts{}) || again.Tasks != counts(0, 0, 3, 0) {
		t.Errorf("second import = %s; want nothing changed", again)
	}

	// cv-kt is assigned task b; then moves to vp, which no longer leads b.
	linkOfficial(t, st, officials["cv-kt"], 9001)
	if err := st.Tx(ctx, func(tx *store.Tx) error {
		_, err := store.AssignTask(ctx, tx, taskID(t, st, "b"), officials["cv-kt"], officials["tp-kt"], importNow)
		return err
	}); err != nil {
		t.Fatalf("AssignTask: %v", err)
	}
	later := importNow.Add(24 * time.Hour)
	moved, err := st.ImportPlan(ctx, parseOrg(t, orgPlanMoved), store.ImportOptions{Now: later})
	if err != nil {
		t.Fatalf("ImportPlan (moved): %v", err)
	}
	// Closed: cv-kt in kt, tp-vhxh in vhxh; opened: cv-kt in vp.
	if moved.Departments != counts(0, 0, 2, 1) || moved.Memberships.Created != 1 || moved.Memberships.Archived != 2 {
		t.Errorf("moved import = %s; want vhxh archived, 1 membership opened, 2 closed", moved)
	}
	if got := members(t, st, deps["vp"]); !slices.Equal(got, []string{"chanh-vp", "cv-kt", "cv-vp"}) {
		t.Errorf("vp members after the move = %v", got)
	}
	if got := members(t, st, deps["kt"]); !slices.Equal(got, []string{"tp-kt"}) {
		t.Errorf("kt members after the move = %v", got)
	}
	history, err := store.MembershipHistory(ctx, st, officials["cv-kt"])
	if err != nil {
		t.Fatal(err)
	}
	if len(history) != 2 || history[0].DepartmentID != deps["kt"] || history[0].LeftAt == nil || !history[0].LeftAt.Equal(later) ||
		history[1].DepartmentID != deps["vp"] || !history[1].Current() || !history[1].JoinedAt.Equal(later) {
		t.Errorf("history of cv-kt = %+v; want kt (left at the second import), then vp (current)", history)
	}
	if got := members(t, st, deps["vhxh"]); len(got) != 0 {
		t.Errorf("members of the archived vhxh = %v, want none", got)
	}
	if _, err := store.DepartmentByKey(ctx, st, mustUnitID(t, st), "vhxh"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("DepartmentByKey(archived) error = %v, want ErrNotFound", err)
	}
	if got := leadKeys(t, st, "b"); !slices.Equal(got, []string{"kt"}) {
		t.Errorf("leads of b after re-import = %v, want [kt]", got)
	}
	if got := leadKeys(t, st, "c"); !slices.Equal(got, []string{"chu-tich"}) {
		t.Errorf("leads of c after re-import = %v, want [chu-tich]", got)
	}
	if _, err := store.TaskAssignee(ctx, st, taskID(t, st, "b")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("assignee of b after cv-kt left kt: %v, want none (the import ends an assignment it no longer allows)", err)
	}

	// Re-importing the first plan restores vhxh and moves cv-kt back.
	back, err := st.ImportPlan(ctx, parseOrg(t, orgPlan), store.ImportOptions{Now: later.Add(time.Hour)})
	if err != nil {
		t.Fatalf("ImportPlan (back): %v", err)
	}
	if back.Departments != counts(0, 1, 2, 0) || back.Memberships.Created != 2 || back.Memberships.Archived != 1 {
		t.Errorf("import back = %s; want vhxh restored, 2 memberships opened, 1 closed", back)
	}
	if history, _ := store.MembershipHistory(ctx, st, officials["cv-kt"]); len(history) != 3 {
		t.Errorf("history of cv-kt = %+v, want 3 rows", history)
	}
}

// linkOfficial gives the official a Telegram chat.
func linkOfficial(t *testing.T, st *store.Store, id, chat int64) {
	t.Helper()
	if _, err := st.DB().ExecContext(context.Background(), `
		UPDATE officials SET telegram_chat_id = $2, telegram_user_id = $2, linked_at = $3 WHERE id = $1`,
		id, chat, importNow); err != nil {
		t.Fatal(err)
	}
}

func mustUnitID(t *testing.T, st *store.Store) int64 {
	t.Helper()
	var id int64
	if err := st.DB().GetContext(context.Background(), &id, `SELECT id FROM units WHERE code = 'hoa-an'`); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestAssignTask(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	importFile(t, st, parseOrg(t, orgPlan), nil)
	o, _ := orgIDs(t, st)
	for i, key := range []string{"cv-vp", "cv-kt", "tp-kt", "chanh-vp"} {
		linkOfficial(t, st, o[key], int64(100+i))
	}
	assign := func(task, assignee, by string) (store.Assignment, error) {
		var a store.Assignment
		err := st.Tx(ctx, func(tx *store.Tx) error {
			var err error
			a, err = store.AssignTask(ctx, tx, taskID(t, st, task), o[assignee], o[by], importNow)
			return err
		})
		return a, err
	}
	tests := []struct {
		name, task, assignee, by string
		want                     error
	}{
		{"a member of another department", "a", "cv-kt", "chanh-vp", store.ErrNotMember},
		{"a partner", "a", "cong-an", "chanh-vp", store.ErrNotMember},
		{"the head to themself", "a", "chanh-vp", "chanh-vp", store.ErrAssignSelf},
		{"a member assigning", "a", "cv-vp", "cv-vp", store.ErrNotHead},
		{"the head of another lead department", "b", "cv-vp", "tp-kt", store.ErrNotMember},
		{"the head of the other lead department named", "b", "chanh-vp", "tp-kt", store.ErrNotMember},
		// Task c is led by vhxh, whose only member is its head.
		{"a department of its head alone", "c", "tp-vhxh", "tp-vhxh", store.ErrAssignSelf},
		{"the office to a head", "c", "tp-vhxh", "chanh-vp", store.ErrAssignSelf},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := assign(tt.task, tt.assignee, tt.by)
			if !errors.Is(err, tt.want) {
				t.Fatalf("AssignTask(%s → %s by %s) = %v, want %v", tt.task, tt.assignee, tt.by, err, tt.want)
			}
			if _, err := store.TaskAssignee(ctx, st, taskID(t, st, tt.task)); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("a refused assignment changed the task: %v", err)
			}
		})
	}

	// Not linked: unlink cv-vp.
	if _, err := st.DB().ExecContext(ctx, `UPDATE officials SET telegram_chat_id = NULL, telegram_user_id = NULL, linked_at = NULL WHERE id = $1`, o["cv-vp"]); err != nil {
		t.Fatal(err)
	}
	if _, err := assign("a", "cv-vp", "chanh-vp"); !errors.Is(err, store.ErrNotLinked) {
		t.Errorf("AssignTask to an unlinked member = %v, want ErrNotLinked", err)
	}
	linkOfficial(t, st, o["cv-vp"], 100)

	// An official-led task has no department to assign within.
	if _, err := st.DB().ExecContext(ctx, `
		UPDATE task_leads SET department_id = NULL, official_id = $1 WHERE task_id = $2`, o["chu-tich"], taskID(t, st, "c")); err != nil {
		t.Fatal(err)
	}
	if _, err := assign("c", "cv-vp", "chanh-vp"); !errors.Is(err, store.ErrNoLeadDepartment) {
		t.Errorf("AssignTask on an official-led task = %v, want ErrNoLeadDepartment", err)
	}

	// The head assigns, then reassigns; the office may assign too.
	a, err := assign("a", "cv-vp", "chanh-vp")
	if err != nil || a.Assignee.Key != "cv-vp" || a.Department.Key != "vp" || a.Previous != nil {
		t.Fatalf("AssignTask = %+v, %v", a, err)
	}
	b, err := assign("b", "cv-kt", "tp-kt")
	if err != nil || b.Department.Key != "kt" {
		t.Fatalf("AssignTask(b → cv-kt) = %+v, %v", b, err)
	}
	b2, err := assign("b", "cv-vp", "chanh-vp")
	if err != nil || b2.Previous == nil || *b2.Previous != o["cv-kt"] || b2.Department.Key != "vp" {
		t.Fatalf("reassign b → cv-vp = %+v, %v; want previous cv-kt", b2, err)
	}
	got, err := store.TaskAssignee(ctx, st, taskID(t, st, "b"))
	if err != nil || got.Key != "cv-vp" {
		t.Errorf("assignee of b = %+v, %v", got, err)
	}
	var task plan.Task
	if err := st.DB().GetContext(ctx, &task, `SELECT id, assignee_id FROM tasks WHERE key = 'b'`); err != nil {
		t.Fatal(err)
	}
	if task.AssigneeID == nil || *task.AssigneeID != o["cv-vp"] {
		t.Errorf("plan.Task.AssigneeID = %v", task.AssigneeID)
	}
}

// TestDepartmentKeyClashRefused: the database refuses a department whose
// key is a live official's of the same unit, whoever writes it.
func TestDepartmentKeyClashRefused(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	importFile(t, st, parseOrg(t, orgPlan), nil)
	o, _ := orgIDs(t, st)
	_, err := st.DB().ExecContext(ctx, `
		INSERT INTO departments (unit_id, key, name, head_id, created_at, updated_at)
		VALUES ($1, 'cv-vp', 'x', $2, now(), now())`, mustUnitID(t, st), o["cv-vp"])
	if err == nil || !strings.Contains(err.Error(), "unit_keys_distinct") && !strings.Contains(err.Error(), "official's key") {
		t.Errorf("insert a department keyed like an official: %v, want refused", err)
	}
	_, err = st.DB().ExecContext(ctx, `UPDATE officials SET key = 'vp' WHERE id = $1`, o["cv-vp"])
	if err == nil {
		t.Errorf("rename an official to a department's key: accepted, want refused")
	}
	_, err = st.DB().ExecContext(ctx, `UPDATE officials SET roles = '{vice_chairman,partner}' WHERE id = $1`, o["cv-vp"])
	if err != nil {
		t.Errorf("roles vice_chairman and partner refused: %v", err)
	}
	_, err = st.DB().ExecContext(ctx, `UPDATE officials SET roles = '{deputy}' WHERE id = $1`, o["cv-vp"])
	if err == nil {
		t.Errorf("an unknown role accepted")
	}
}

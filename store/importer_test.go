package store_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/examples"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/planfile"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/store/storetest"
)

// importNow is the instant of the imports of these tests.
var importNow = time.Date(2025, 1, 2, 8, 0, 0, 0, time.FixedZone("ICT", 7*3600))

// The example plan's size: officials, areas, targets, tasks and one-off
// tasks.
const (
	exampleOfficials = 10
	exampleAreas     = 6
	exampleTargets   = 25
	exampleTasks     = 40
	exampleOneOffs   = 7
)

// exampleFile parses the shipped example plan afresh.
func exampleFile(t *testing.T) *planfile.File {
	t.Helper()
	f, err := planfile.Parse(examples.PlanFile, examples.Plan())
	if err != nil {
		t.Fatalf("example plan: %v", err)
	}
	return f
}

// importFile imports f at importNow, failing the test on error.
func importFile(t *testing.T, st *store.Store, f *planfile.File, cal *plan.Calendar) store.ImportSummary {
	t.Helper()
	sum, err := st.ImportPlan(context.Background(), f, store.ImportOptions{
		Source: examples.PlanFile, Now: importNow, Calendar: cal,
	})
	if err != nil {
		t.Fatalf("ImportPlan: %v", err)
	}
	return sum
}

// fileTask returns a pointer to the task keyed key in f, to edit it.
func fileTask(t *testing.T, f *planfile.File, key string) *planfile.Task {
	t.Helper()
	for i := range f.Areas {
		for j := range f.Areas[i].Tasks {
			if f.Areas[i].Tasks[j].Key == key {
				return &f.Areas[i].Tasks[j]
			}
		}
	}
	t.Fatalf("no task %s in the plan file", key)
	return nil
}

// removeTask deletes the task keyed key from f.
func removeTask(f *planfile.File, key string) {
	for i := range f.Areas {
		f.Areas[i].Tasks = slices.DeleteFunc(f.Areas[i].Tasks, func(t planfile.Task) bool { return t.Key == key })
	}
}

// dumpPlanRows returns every row of the plan tables as JSON, without the
// created_at and updated_at stamps, in a stable order.
func dumpPlanRows(t *testing.T, st *store.Store) map[string][]string {
	t.Helper()
	tables := map[string]string{
		"units":            "id",
		"officials":        "id",
		"plans":            "id",
		"areas":            "id",
		"targets":          "id",
		"target_readings":  "id",
		"tasks":            "id",
		"task_supporters":  "task_id, official_id",
		"occurrences":      "id",
		"progress_reports": "id",
	}
	out := make(map[string][]string, len(tables))
	for table, order := range tables {
		var rows []string
		err := st.DB().SelectContext(context.Background(), &rows,
			`SELECT (to_jsonb(x) - 'created_at' - 'updated_at')::text FROM `+table+` x ORDER BY `+order)
		if err != nil {
			t.Fatalf("dump %s: %v", table, err)
		}
		out[table] = rows
	}
	return out
}

// countRows counts the rows of table matching the condition where.
func countRows(t *testing.T, st *store.Store, table, where string, args ...any) int {
	t.Helper()
	var n int
	if err := st.DB().GetContext(context.Background(), &n, `SELECT count(*) FROM `+table+` WHERE `+where, args...); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

// taskID returns the id of the task keyed key.
func taskID(t *testing.T, st *store.Store, key string) int64 {
	t.Helper()
	var id int64
	if err := st.DB().GetContext(context.Background(), &id, `SELECT id FROM tasks WHERE key = $1`, key); err != nil {
		t.Fatalf("task %s: %v", key, err)
	}
	return id
}

// occurrencesOf returns the occurrences of the task keyed key, by id.
func occurrencesOf(t *testing.T, st *store.Store, key string) []plan.Occurrence {
	t.Helper()
	var occs []plan.Occurrence
	err := st.DB().SelectContext(context.Background(), &occs, `
		SELECT o.id, o.task_id, o.key, o.nominal_due, o.due, o.percent, o.done_at, o.done_by,
		       o.last_report_at, o.archived_at
		FROM occurrences o JOIN tasks t ON t.id = o.task_id
		WHERE t.key = $1 ORDER BY o.id`, key)
	if err != nil {
		t.Fatalf("occurrences of %s: %v", key, err)
	}
	return occs
}

// supportersOf returns the keys of the supporters of the task keyed key.
func supportersOf(t *testing.T, st *store.Store, key string) []string {
	t.Helper()
	var keys []string
	err := st.DB().SelectContext(context.Background(), &keys, `
		SELECT o.key FROM task_supporters ts
		JOIN tasks t ON t.id = ts.task_id
		JOIN officials o ON o.id = ts.official_id
		WHERE t.key = $1 ORDER BY o.key`, key)
	if err != nil {
		t.Fatalf("supporters of %s: %v", key, err)
	}
	return keys
}

// addReport appends a progress report to occurrence occID.
func addReport(t *testing.T, st *store.Store, occID int64, percent int, note string, at time.Time) {
	t.Helper()
	_, err := st.DB().ExecContext(context.Background(), `
		INSERT INTO progress_reports (occurrence_id, percent, note, source, reported_at)
		VALUES ($1, $2, $3, 'cli', $4)`, occID, percent, note, at)
	if err != nil {
		t.Fatalf("add report: %v", err)
	}
}

func counts(created, updated, unchanged, archived int) store.ImportCounts {
	return store.ImportCounts{Created: created, Updated: updated, Unchanged: unchanged, Archived: archived}
}

func TestImportExampleTwiceIsIdempotent(t *testing.T) {
	st := storetest.New(t)
	f := exampleFile(t)
	// 30 June 2025 is made a holiday: the one-off tasks due that Monday
	// fall due on Tuesday 1 July.
	cal, err := plan.NewCalendar([]int{1, 2, 3, 4, 5}, []plan.Date{plan.MustParseDate("2025-06-30")}, nil)
	if err != nil {
		t.Fatal(err)
	}

	first := importFile(t, st, f, cal)
	want := store.ImportSummary{
		Officials:   counts(exampleOfficials, 0, 0, 0),
		Areas:       counts(exampleAreas, 0, 0, 0),
		Targets:     counts(exampleTargets, 0, 0, 0),
		Tasks:       counts(exampleTasks, 0, 0, 0),
		Occurrences: counts(exampleOneOffs, 0, 0, 0),
	}
	if first != want {
		t.Errorf("first import = %+v\nwant %+v", first, want)
	}
	if got, want := first.String(), "officials: 10 created, 0 updated, 0 archived; areas: 6 created, 0 updated, 0 archived; "+
		"targets: 25 created, 0 updated, 0 archived; tasks: 40 created, 0 updated, 0 archived; "+
		"occurrences: 7 created, 0 updated, 0 archived"; got != want {
		t.Errorf("String() = %q\nwant %q", got, want)
	}
	occs := occurrencesOf(t, st, "ra-soat-tthc")
	if len(occs) != 1 || occs[0].Key != "2025-06-30" || occs[0].NominalDue.String() != "2025-06-30" || occs[0].Due.String() != "2025-07-01" {
		t.Errorf("occurrences of ra-soat-tthc = %+v, want one keyed 2025-06-30, due 2025-07-01", occs)
	}
	if n := countRows(t, st, "occurrences o JOIN tasks t ON t.id = o.task_id", "t.every IS NOT NULL"); n != 0 {
		t.Errorf("import created %d occurrences of recurring tasks, want none", n)
	}
	if got := supportersOf(t, st, "tthc-cong-khai"); !slices.Equal(got, []string{"tu-phap", "vhxh-thong-tin"}) {
		t.Errorf("supporters of tthc-cong-khai = %v", got)
	}
	var start, note string
	if err := st.DB().GetContext(context.Background(), &start,
		`SELECT start_date::text FROM tasks WHERE key = 'bao-cao-thang'`); err != nil || start != "2025-01-01" {
		t.Errorf("start of bao-cao-thang = %q (%v), want the plan year's 1 January", start, err)
	}
	if err := st.DB().GetContext(context.Background(), &note, `SELECT source FROM plans`); err != nil || note != examples.PlanFile {
		t.Errorf("plan source = %q (%v)", note, err)
	}

	before := dumpPlanRows(t, st)
	second := importFile(t, st, exampleFile(t), cal)
	want = store.ImportSummary{
		Officials:   counts(0, 0, exampleOfficials, 0),
		Areas:       counts(0, 0, exampleAreas, 0),
		Targets:     counts(0, 0, exampleTargets, 0),
		Tasks:       counts(0, 0, exampleTasks, 0),
		Occurrences: counts(0, 0, 0, 0),
	}
	if second != want {
		t.Errorf("second import = %+v\nwant %+v", second, want)
	}
	after := dumpPlanRows(t, st)
	for table, rows := range before {
		if !slices.Equal(rows, after[table]) {
			t.Errorf("table %s changed on re-import:\nbefore %v\nafter  %v", table, rows, after[table])
		}
	}
}

func TestImportChangesKeepHistory(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	importFile(t, st, exampleFile(t), nil)

	// History to keep: progress on a one-off task, four weekly occurrences
	// of January with a report on one, a linked official and a reading.
	raSoat := occurrencesOf(t, st, "ra-soat-tthc")[0]
	addReport(t, st, raSoat.ID, 40, "Đã rà soát 12 TTHC", importNow.Add(24*time.Hour))
	addReport(t, st, raSoat.ID, 60, "Đề xuất cắt giảm 3 TTHC", importNow.Add(48*time.Hour))
	weekly := plan.Recurrence{Every: plan.Weekly, DueDay: 5, Start: plan.MustParseDate("2025-01-06")}
	specs := weekly.Occurrences(plan.MustParseDate("2025-01-01"), plan.MustParseDate("2025-01-31"))
	n, err := st.MaterializeOccurrences(ctx, st, taskID(t, st, "bao-cao-tuan"), specs, nil, importNow)
	if err != nil || n != 4 {
		t.Fatalf("MaterializeOccurrences = %d, %v; want 4 (W02..W05)", n, err)
	}
	addReport(t, st, occurrencesOf(t, st, "bao-cao-tuan")[0].ID, 100, "Đã gửi báo cáo tuần", importNow.Add(8*24*time.Hour))
	if _, err := st.DB().ExecContext(ctx, `
		UPDATE officials SET telegram_user_id = 77, telegram_chat_id = 77, linked_at = $1
		WHERE key = 'dia-chinh-nn'`, importNow); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().ExecContext(ctx, `
		INSERT INTO target_readings (target_id, period_key, value, source, reported_at)
		SELECT id, '2025-01', 1, 'cli', $1 FROM targets WHERE key = 'cqs-trang-thong-tin-dien-tu'`, importNow); err != nil {
		t.Fatal(err)
	}
	reports := countRows(t, st, "progress_reports", "true")

	f := exampleFile(t)
	fileTask(t, f, "ke-hoach-ra-soat-tthc").Title = "Xây dựng Kế hoạch rà soát, đánh giá TTHC năm 2025"
	fileTask(t, f, "ra-soat-tthc").Due = plan.MustParseDate("2025-07-15")
	mc := fileTask(t, f, "tthc-mot-cua-lien-thong")
	mc.Support = append(mc.Support, "dia-chinh-xd")
	fileTask(t, f, "tthc-cong-khai").Support = []string{"tu-phap"}
	removeTask(f, "bao-cao-tuan")
	removeTask(f, "phan-cap-khcn-moi-truong") // the only task of dia-chinh-nn
	f.Officials = slices.DeleteFunc(f.Officials, func(o planfile.Official) bool { return o.Key == "dia-chinh-nn" })
	f.Areas[5].Targets = slices.DeleteFunc(f.Areas[5].Targets, func(t planfile.Target) bool {
		return t.Key == "cqs-trang-thong-tin-dien-tu"
	})

	sum := importFile(t, st, f, nil)
	want := store.ImportSummary{
		Officials:   counts(0, 0, exampleOfficials-1, 1),
		Areas:       counts(0, 0, exampleAreas, 0),
		Targets:     counts(0, 0, exampleTargets-1, 1),
		Tasks:       counts(0, 4, exampleTasks-2-4, 2),
		Occurrences: counts(0, 1, 0, 4),
	}
	if sum != want {
		t.Errorf("import of the changed plan = %+v\nwant %+v", sum, want)
	}

	// The moved one-off occurrence is the same row, with its history.
	occs := occurrencesOf(t, st, "ra-soat-tthc")
	if len(occs) != 1 || occs[0].ID != raSoat.ID || occs[0].Key != "2025-07-15" ||
		occs[0].NominalDue.String() != "2025-07-15" || occs[0].Due.String() != "2025-07-15" {
		t.Errorf("occurrences of ra-soat-tthc = %+v, want occurrence %d moved to 2025-07-15", occs, raSoat.ID)
	}
	if got := countRows(t, st, "progress_reports", "true"); got != reports {
		t.Errorf("%d progress reports after the import, want %d", got, reports)
	}
	if got := countRows(t, st, "progress_reports", "occurrence_id = $1", raSoat.ID); got != 2 {
		t.Errorf("ra-soat-tthc has %d reports, want 2", got)
	}
	if got := supportersOf(t, st, "tthc-mot-cua-lien-thong"); !slices.Equal(got, []string{"dia-chinh-xd", "tu-phap"}) {
		t.Errorf("supporters of tthc-mot-cua-lien-thong = %v", got)
	}
	if got := supportersOf(t, st, "tthc-cong-khai"); !slices.Equal(got, []string{"tu-phap"}) {
		t.Errorf("supporters of tthc-cong-khai = %v", got)
	}
	if got := countRows(t, st, "tasks", "key = 'ke-hoach-ra-soat-tthc' AND title = 'Xây dựng Kế hoạch rà soát, đánh giá TTHC năm 2025'"); got != 1 {
		t.Errorf("the renamed task's title was not updated")
	}
	// Removed rows are archived, never deleted, with their history.
	if got := countRows(t, st, "tasks", "key IN ('bao-cao-tuan', 'phan-cap-khcn-moi-truong') AND archived_at = $1", importNow); got != 2 {
		t.Errorf("%d of the 2 removed tasks are archived", got)
	}
	for _, o := range occurrencesOf(t, st, "bao-cao-tuan") {
		if o.ArchivedAt == nil {
			t.Errorf("occurrence %s of the removed task is not archived", o.Key)
		}
	}
	if got := countRows(t, st, "targets", "key = 'cqs-trang-thong-tin-dien-tu' AND archived_at IS NOT NULL"); got != 1 {
		t.Errorf("the removed target is not archived")
	}
	if got := countRows(t, st, "target_readings", "true"); got != 1 {
		t.Errorf("%d target readings, want the 1 kept", got)
	}
	o, err := st.OfficialByKey(ctx, "pdp", "dia-chinh-nn")
	if err != nil || o.ArchivedAt == nil || o.TelegramChatID == nil || *o.TelegramChatID != 77 {
		t.Errorf("removed official = %+v, %v; want archived with its Telegram link kept", o, err)
	}

	// Importing the original plan again restores everything.
	sum = importFile(t, st, exampleFile(t), nil)
	want = store.ImportSummary{
		Officials:   counts(0, 1, exampleOfficials-1, 0),
		Areas:       counts(0, 0, exampleAreas, 0),
		Targets:     counts(0, 1, exampleTargets-1, 0),
		Tasks:       counts(0, 6, exampleTasks-6, 0),
		Occurrences: counts(0, 1+4, 0, 0),
	}
	if sum != want {
		t.Errorf("re-import of the original plan = %+v\nwant %+v", sum, want)
	}
	occs = occurrencesOf(t, st, "ra-soat-tthc")
	if len(occs) != 1 || occs[0].ID != raSoat.ID || occs[0].Key != "2025-06-30" {
		t.Errorf("occurrences of ra-soat-tthc = %+v, want occurrence %d back on 2025-06-30", occs, raSoat.ID)
	}
	if got := countRows(t, st, "occurrences o JOIN tasks t ON t.id = o.task_id",
		"t.key = 'bao-cao-tuan' AND o.archived_at IS NULL AND t.archived_at IS NULL"); got != 4 {
		t.Errorf("%d live occurrences of the restored weekly task, want 4", got)
	}
	if o, err := st.OfficialByKey(ctx, "pdp", "dia-chinh-nn"); err != nil || o.ArchivedAt != nil {
		t.Errorf("restored official = %+v, %v; want not archived", o, err)
	}
}

func TestImportDoneOneOffKeepsItsOccurrence(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	importFile(t, st, exampleFile(t), nil)
	occ := occurrencesOf(t, st, "kinh-phi-cchc")[0]
	doneAt := time.Date(2025, 3, 20, 10, 0, 0, 0, time.UTC)
	if _, err := st.DB().ExecContext(ctx, `
		UPDATE occurrences SET percent = 100, done_at = $2 WHERE id = $1`, occ.ID, doneAt); err != nil {
		t.Fatal(err)
	}

	f := exampleFile(t)
	fileTask(t, f, "kinh-phi-cchc").Due = plan.MustParseDate("2025-04-30")
	sum := importFile(t, st, f, nil)
	if sum.Tasks.Updated != 1 || sum.Occurrences != (store.ImportCounts{}) {
		t.Errorf("summary = %+v; want 1 task updated and no occurrence touched", sum)
	}
	occs := occurrencesOf(t, st, "kinh-phi-cchc")
	if len(occs) != 1 || occs[0].ID != occ.ID || occs[0].Key != "2025-03-31" || occs[0].DoneAt == nil {
		t.Errorf("occurrences = %+v; want the done occurrence %d kept as it was", occs, occ.ID)
	}
}

func TestImportRecurringScheduleChange(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	importFile(t, st, exampleFile(t), nil)
	id := taskID(t, st, "bao-cao-thang")
	monthly := plan.Recurrence{Every: plan.Monthly, DueDay: 14, Start: plan.MustParseDate("2025-01-01")}
	specs := monthly.Occurrences(plan.MustParseDate("2025-01-01"), plan.MustParseDate("2025-03-31"))
	if n, err := st.MaterializeOccurrences(ctx, st, id, specs, nil, importNow); err != nil || n != 3 {
		t.Fatalf("MaterializeOccurrences = %d, %v; want 3", n, err)
	}
	jan := occurrencesOf(t, st, "bao-cao-thang")[0]
	if _, err := st.DB().ExecContext(ctx, `
		UPDATE occurrences SET percent = 100, done_at = $2 WHERE id = $1`, jan.ID, importNow); err != nil {
		t.Fatal(err)
	}

	// Due on the 10th: the open occurrences move, the done one stays.
	f := exampleFile(t)
	fileTask(t, f, "bao-cao-thang").DueDay = 10
	if sum := importFile(t, st, f, nil); sum.Tasks.Updated != 1 || sum.Occurrences != counts(0, 2, 0, 0) {
		t.Errorf("summary = %+v; want 1 task and 2 occurrences updated", sum)
	}
	var dues []string
	for _, o := range occurrencesOf(t, st, "bao-cao-thang") {
		dues = append(dues, o.Key+" "+o.Due.String())
	}
	if want := []string{"2025-01 2025-01-14", "2025-02 2025-02-10", "2025-03 2025-03-10"}; !slices.Equal(dues, want) {
		t.Errorf("occurrences = %v, want %v", dues, want)
	}

	// Quarterly: the open monthly occurrences no longer exist in the
	// schedule and are archived; the done one is kept.
	fileTask(t, f, "bao-cao-thang").Every = plan.Quarterly
	if sum := importFile(t, st, f, nil); sum.Occurrences != counts(0, 0, 0, 2) {
		t.Errorf("summary = %+v; want 2 occurrences archived", sum)
	}
	var live []string
	for _, o := range occurrencesOf(t, st, "bao-cao-thang") {
		if o.ArchivedAt == nil {
			live = append(live, o.Key)
		}
	}
	if !slices.Equal(live, []string{"2025-01"}) {
		t.Errorf("live occurrences = %v, want only the done 2025-01", live)
	}

	// One-off: its occurrence is created beside the done history.
	task := fileTask(t, f, "bao-cao-thang")
	task.Every, task.DueDay, task.Start, task.Due = "", 0, plan.Date{}, plan.MustParseDate("2025-12-19")
	if sum := importFile(t, st, f, nil); sum.Occurrences != counts(1, 0, 0, 0) {
		t.Errorf("summary = %+v; want 1 occurrence created", sum)
	}
	live = nil
	for _, o := range occurrencesOf(t, st, "bao-cao-thang") {
		if o.ArchivedAt == nil {
			live = append(live, o.Key)
		}
	}
	if !slices.Equal(live, []string{"2025-01", "2025-12-19"}) {
		t.Errorf("live occurrences = %v, want the done 2025-01 and the one-off 2025-12-19", live)
	}
}

func TestImportDryRunWritesNothing(t *testing.T) {
	st := storetest.New(t)
	sum, err := st.ImportPlan(context.Background(), exampleFile(t), store.ImportOptions{DryRun: true, Now: importNow})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Officials.Created != exampleOfficials || sum.Tasks.Created != exampleTasks {
		t.Errorf("dry-run summary = %+v, want what a real import would create", sum)
	}
	for table, rows := range dumpPlanRows(t, st) {
		if len(rows) != 0 {
			t.Errorf("dry run left %d rows in %s", len(rows), table)
		}
	}
}

func TestImportInvalidFileImportsNothing(t *testing.T) {
	st := storetest.New(t)
	data := strings.Replace(string(examples.Plan()), "due: 2025-06-30", "due: 2025-06-31", 1)
	f, err := planfile.Parse("bad.yaml", []byte(data))
	var errs planfile.Errors
	if !errors.As(err, &errs) || len(errs) != 1 || f != nil {
		t.Fatalf("Parse = %v, %v; want one error and no file", f, err)
	}
	if _, err := st.ImportPlan(context.Background(), f, store.ImportOptions{Now: importNow}); err == nil {
		t.Errorf("ImportPlan of no file succeeded")
	}
	if _, err := st.ImportPlan(context.Background(), exampleFile(t), store.ImportOptions{}); err == nil {
		t.Errorf("ImportPlan without Now succeeded")
	}
	if n := countRows(t, st, "units", "true"); n != 0 {
		t.Errorf("%d units written", n)
	}
}

// TestImportRollsBackOnDatabaseFailure makes the database refuse one task
// late in the file and checks that nothing of the import remains, on a
// first import and on an update.
func TestImportRollsBackOnDatabaseFailure(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	_, err := st.DB().ExecContext(ctx, `
		CREATE FUNCTION refuse_boom() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF NEW.key LIKE 'boom%' THEN
				RAISE EXCEPTION 'refused task %', NEW.key;
			END IF;
			RETURN NEW;
		END $$;
		CREATE TRIGGER refuse_boom BEFORE INSERT OR UPDATE ON tasks
			FOR EACH ROW EXECUTE FUNCTION refuse_boom();`)
	if err != nil {
		t.Fatal(err)
	}
	withBoom := func(f *planfile.File) *planfile.File {
		last := &f.Areas[len(f.Areas)-1]
		last.Tasks = append(last.Tasks, planfile.Task{
			Key: "boom", Title: "Nhiệm vụ bị từ chối", Lead: "van-phong", Due: plan.MustParseDate("2025-12-31"),
		})
		return f
	}

	_, err = st.ImportPlan(ctx, withBoom(exampleFile(t)), store.ImportOptions{Now: importNow})
	if err == nil || !strings.Contains(err.Error(), "refused task boom") {
		t.Fatalf("ImportPlan error = %v, want the refusal", err)
	}
	for table, rows := range dumpPlanRows(t, st) {
		if len(rows) != 0 {
			t.Errorf("failed first import left %d rows in %s", len(rows), table)
		}
	}

	importFile(t, st, exampleFile(t), nil)
	before := dumpPlanRows(t, st)
	f := withBoom(exampleFile(t))
	fileTask(t, f, "ra-soat-tthc").Due = plan.MustParseDate("2025-08-29")
	f.Officials[2].Name = "Nguyễn Văn An"
	if _, err := st.ImportPlan(ctx, f, store.ImportOptions{Now: importNow.Add(time.Hour)}); err == nil {
		t.Fatal("ImportPlan succeeded despite the refused task")
	}
	after := dumpPlanRows(t, st)
	for table, rows := range before {
		if !slices.Equal(rows, after[table]) {
			t.Errorf("failed update changed %s", table)
		}
	}
}

func TestImportParentUnit(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	f := exampleFile(t)
	f.Unit.Parent = "my-hoa"
	if _, err := st.ImportPlan(ctx, f, store.ImportOptions{Now: importNow}); err == nil || !strings.Contains(err.Error(), `parent unit "my-hoa" not found`) {
		t.Fatalf("ImportPlan with an unknown parent: %v", err)
	}

	town := exampleFile(t)
	town.Unit = planfile.Unit{Code: "my-hoa", Name: "UBND thị xã Mỹ Hòa", Timezone: "Asia/Ho_Chi_Minh"}
	town.Plan.Code = "KH-01-2025"
	importFile(t, st, town, nil)
	importFile(t, st, f, nil)
	parent, err := st.UnitByCode(ctx, "my-hoa")
	if err != nil {
		t.Fatal(err)
	}
	ward, err := st.UnitByCode(ctx, "pdp")
	if err != nil || ward.ParentID == nil || *ward.ParentID != parent.ID {
		t.Errorf("ward = %+v, %v; want parent %d", ward, err, parent.ID)
	}
	// Each unit has its own officials.
	if got := countRows(t, st, "officials", "true"); got != 2*exampleOfficials {
		t.Errorf("%d officials, want %d", got, 2*exampleOfficials)
	}
}

func TestMaterializeOccurrences(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	importFile(t, st, exampleFile(t), nil)
	id := taskID(t, st, "bao-cao-tuan")
	// Friday 31 January 2025 is a holiday (Tết): that week's report falls
	// due on Monday 3 February.
	cal, err := plan.NewCalendar([]int{1, 2, 3, 4, 5}, []plan.Date{plan.MustParseDate("2025-01-31")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	specs := []plan.OccurrenceSpec{
		{Key: "2025-W04", NominalDue: plan.MustParseDate("2025-01-24")},
		{Key: "2025-W05", NominalDue: plan.MustParseDate("2025-01-31")},
	}
	tests := []struct {
		name  string
		specs []plan.OccurrenceSpec
		want  int
	}{
		{"new", specs, 2},
		{"again", specs, 0},
		{"one more", append(specs, plan.OccurrenceSpec{Key: "2025-W06", NominalDue: plan.MustParseDate("2025-02-07")}), 1},
	}
	for _, tt := range tests {
		err := st.Tx(ctx, func(tx *store.Tx) error {
			n, err := st.MaterializeOccurrences(ctx, tx, id, tt.specs, cal, importNow)
			if n != tt.want {
				t.Errorf("%s: created %d, want %d", tt.name, n, tt.want)
			}
			return err
		})
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
	}
	var got []string
	for _, o := range occurrencesOf(t, st, "bao-cao-tuan") {
		got = append(got, o.Key+" "+o.NominalDue.String()+" "+o.Due.String())
	}
	want := []string{"2025-W04 2025-01-24 2025-01-24", "2025-W05 2025-01-31 2025-02-03", "2025-W06 2025-02-07 2025-02-07"}
	if !slices.Equal(got, want) {
		t.Errorf("occurrences = %v, want %v", got, want)
	}
}

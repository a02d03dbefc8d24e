package xlsx_test

import (
	"bytes"
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/message"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/report"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/store/storetest"
	"github.com/nhacviec/nhacviec/xlsx"
)

// quarterDigest imports the example plan, materializes its recurring
// occurrences of the first quarter, marks some done on time and some late,
// and compiles the digest of 2025-Q1 (decree 09 cut-off) as of 5 March.
func quarterDigest(t *testing.T) *report.Digest {
	t.Helper()
	ctx := context.Background()
	st := storetest.New(t)
	hcm, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2024, 12, 20, 8, 0, 0, 0, hcm)
	if _, err := st.ImportPlan(ctx, examplePlan(t), store.ImportOptions{Now: now, Source: "plan.yaml"}); err != nil {
		t.Fatal(err)
	}
	u, err := st.UnitByCode(ctx, "pdp")
	if err != nil {
		t.Fatal(err)
	}
	tasks, err := store.RecurringTasks(ctx, st, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, task := range tasks {
		rec := plan.Recurrence{Every: plan.Cadence(*task.Every), DueDay: *task.DueDay, Start: task.StartDate, End: task.EndDate}
		specs := rec.Occurrences(plan.MustParseDate("2024-12-15"), plan.MustParseDate("2025-03-31"))
		if _, err := st.MaterializeOccurrences(ctx, st, task.ID, specs, nil, now); err != nil {
			t.Fatal(err)
		}
	}
	// Every third occurrence due in January is done on its due date; every
	// third due in February is done on 3 March (late when due earlier).
	for _, q := range []string{
		`UPDATE occurrences SET done_at = (due + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' - interval '1 hour', percent = 100
		 WHERE id % 3 = 0 AND due BETWEEN '2025-01-01' AND '2025-01-31'`,
		`UPDATE occurrences SET done_at = '2025-03-03 09:00:00+07', percent = 100
		 WHERE id % 3 = 1 AND due BETWEEN '2025-02-01' AND '2025-02-28'`,
		`UPDATE occurrences SET percent = 40 WHERE id % 3 = 2 AND done_at IS NULL`,
	} {
		if _, err := st.DB().ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	p, err := plan.ParsePeriod("2025-Q1", plan.CutoffDecree09)
	if err != nil {
		t.Fatal(err)
	}
	unit, err := st.UnitByCode(ctx, "pdp")
	if err != nil {
		t.Fatal(err)
	}
	res, err := report.Compile(ctx, st, unit, p, time.Date(2025, 3, 5, 8, 0, 0, 0, hcm), report.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res.Unit
}

func TestDigestWorkbook(t *testing.T) {
	d := quarterDigest(t)
	if d.Totals.DoneOnTime == 0 || d.Totals.DoneLate == 0 || d.Totals.OpenOverdue == 0 || d.Totals.OpenOnTime == 0 {
		t.Fatalf("fixture should give every status, got %+v", d.Totals)
	}
	pr := i18n.New(i18n.VI)
	data, err := xlsx.Digest(d, pr)
	if err != nil {
		t.Fatal(err)
	}
	wb, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	summary, tasks, targets, missing := xlsx.DigestSheets(pr)
	if got, want := wb.GetSheetList(), []string{summary, tasks, targets, missing}; !equal(got, want) {
		t.Fatalf("sheets = %q, want %q", got, want)
	}
	raw := excelize.Options{RawCellValue: true}

	// Summary: header on row 4, one row per area, then the totals.
	rows, err := wb.GetRows(summary, raw)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4+len(d.ByArea)+1 {
		t.Fatalf("summary has %d rows, want %d", len(rows), 4+len(d.ByArea)+1)
	}
	if want := []string{"Lĩnh vực", "Tên lĩnh vực", "Hoàn thành đúng hạn"}; !equal(rows[3][:3], want) {
		t.Errorf("summary header = %q, want it to start with %q", rows[3], want)
	}
	check := func(where string, row []string, code, name string, tt report.Totals) {
		t.Helper()
		want := []string{code, name,
			strconv.Itoa(tt.DoneOnTime), strconv.Itoa(tt.DoneLate), strconv.Itoa(tt.OpenOnTime), strconv.Itoa(tt.OpenOverdue),
			strconv.Itoa(tt.Total)}
		if !equal(row[:7], want) {
			t.Errorf("%s = %q, want %q", where, row[:7], want)
		}
		if !report.Judged(tt) {
			// Nothing due: no rate, not 0.
			if row[7] != "chưa có nhiệm vụ đến hạn" {
				t.Errorf("%s rate = %q, want no rate", where, row[7])
			}
			return
		}
		rate, err := strconv.ParseFloat(row[7], 64)
		if err != nil || rate != tt.OnTimeRate {
			t.Errorf("%s rate = %q, want %v", where, row[7], tt.OnTimeRate)
		}
	}
	unjudged := 0
	for i, a := range d.ByArea {
		check("area "+a.Code, rows[4+i], a.Code, a.Name, a.Totals)
		if !report.Judged(a.Totals) {
			unjudged++
		}
	}
	if unjudged == 0 {
		t.Error("no area without anything due: the fixture does not test the rate left empty")
	}
	last := rows[len(rows)-1]
	last = append(last, make([]string, 8-len(last))...)
	check("totals", last, "Tổng cộng", "", d.Totals)
	if shown, _ := wb.GetCellValue(summary, "H"+strconv.Itoa(len(rows))); shown != strconv.FormatFloat(d.Totals.OnTimeRate*100, 'f', 2, 64)+"%" {
		t.Errorf("total rate shows %q, want a percentage of %v", shown, d.Totals.OnTimeRate)
	}

	// Tasks: one row per task line, with status, due, progress and days
	// overdue.
	rows, err = wb.GetRows(tasks)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+len(d.Tasks) {
		t.Fatalf("tasks has %d rows, want %d", len(rows), 1+len(d.Tasks))
	}
	counts := map[string]int{}
	for i, tl := range d.Tasks {
		r := rows[i+1]
		want := []string{tl.Key, tl.Occurrence, tl.Title, tl.Area, tl.LeadName, message.FormatDate(tl.Due),
			pr.T(i18n.Key("status." + tl.Status)), strconv.Itoa(tl.Progress), strconv.Itoa(tl.DaysOverdue)}
		if !equal(r[:9], want) {
			t.Errorf("task row %d = %q, want %q", i+2, r[:9], want)
		}
		counts[r[6]]++
	}
	for s, n := range map[plan.Status]int{
		plan.DoneOnTime: d.Totals.DoneOnTime, plan.DoneLate: d.Totals.DoneLate,
		plan.OpenOnTime: d.Totals.OpenOnTime, plan.OpenOverdue: d.Totals.OpenOverdue,
	} {
		if got := counts[pr.T(i18n.Key("status."+string(s)))]; got != n {
			t.Errorf("%d task rows %s, want %d", got, s, n)
		}
	}

	// Targets: goal against the latest reading.
	rows, err = wb.GetRows(targets, raw)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+len(d.Targets) {
		t.Fatalf("targets has %d rows, want %d", len(rows), 1+len(d.Targets))
	}
	for i, tg := range d.Targets {
		r := rows[i+1]
		if r[0] != tg.Key || r[6] != strconv.FormatFloat(tg.Goal, 'f', -1, 64) || r[9] != map[bool]string{true: "Có", false: "Không"}[tg.Met] ||
			r[10] != "theo kỳ" || r[11] != pr.T(i18n.Key("judgement."+tg.Judgement)) {
			t.Errorf("target row %d = %q, want key %s goal %v met %v", i+2, r, tg.Key, tg.Goal, tg.Met)
		}
	}

	// Missing reports: every official listed by the digest.
	rows, err = wb.GetRows(missing)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.MissingReports) == 0 || len(rows) != 1+len(d.MissingReports) {
		t.Fatalf("missing has %d rows for %d officials", len(rows), len(d.MissingReports))
	}
	for i, key := range d.MissingReports {
		if rows[i+1][0] != key || rows[i+1][1] == "" {
			t.Errorf("missing row %d = %q, want %s with a name", i+2, rows[i+1], key)
		}
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

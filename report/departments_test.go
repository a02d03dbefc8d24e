package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/nhacviec/nhacviec/chart"
	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/message"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/planfile"
	"github.com/nhacviec/nhacviec/report"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/store/storetest"
	"github.com/nhacviec/nhacviec/xlsx"
)

// orgPlan: two departments; task a led by vp, b by kt and vp, c by the
// chairman; the partner cong-an supports a and owns a target.
const orgPlan = `unit: {code: hoa-an, name: "UBND phường Hòa An"}
plan: {code: KH-2026, title: "Kế hoạch CCHC năm 2026", year: 2026}
officials:
  - {key: chu-tich, name: "Nguyễn Văn Chủ", roles: [chairman]}
  - {key: pct, name: "Trần Thị Phó", roles: [vice_chairman]}
  - {key: chanh-vp, name: "Lê Văn Chánh", roles: [office]}
  - {key: cv-vp, name: "Phạm Thị Vân"}
  - {key: tp-kt, name: "Hoàng Văn Kinh"}
  - {key: cv-kt, name: "Đỗ Thị Tế"}
  - {key: cong-an, name: "Công an phường", roles: [partner]}
departments:
  - {key: vp, name: "Văn phòng HĐND và UBND", head: chanh-vp, members: [cv-vp]}
  - {key: kt, name: "Phòng Kinh tế, Hạ tầng và Đô thị", head: tp-kt, members: [cv-kt]}
areas:
  - code: "1"
    name: "Cải cách thủ tục hành chính"
    supervisor: pct
    targets:
      - {key: an-ninh, text: "Số vụ việc an ninh trật tự", measure: count, goal: 0, comparator: "<=", owner: cong-an, every: quarterly}
    tasks:
      - {key: a, title: "Niêm yết công khai TTHC", lead: vp, support: [cong-an], due: 2026-03-20}
      - {key: b, title: "Số hóa hồ sơ đất đai", lead: [kt, vp], due: 2026-03-31}
      - {key: c, title: "Họp giao ban CCHC", lead: chu-tich, due: 2026-02-27}
`

// orgDigest imports orgPlan, assigns b to cv-kt, marks c done by the
// chairman and compiles the digest of 2026-Q1 as of 5 April.
func orgDigest(t *testing.T) *report.Digest {
	t.Helper()
	ctx := context.Background()
	st := storetest.New(t)
	f, err := planfile.Parse("org.yaml", []byte(orgPlan))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ImportPlan(ctx, f, store.ImportOptions{Now: at("2026-01-02 08:00")}); err != nil {
		t.Fatal(err)
	}
	id := func(q string, args ...any) int64 {
		t.Helper()
		var v int64
		if err := st.DB().GetContext(ctx, &v, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return v
	}
	official := func(key string) int64 { return id(`SELECT id FROM officials WHERE key = $1`, key) }
	task := func(key string) int64 { return id(`SELECT id FROM tasks WHERE key = $1`, key) }
	if _, err := st.DB().ExecContext(ctx, `
		UPDATE officials SET telegram_chat_id = 501, telegram_user_id = 501, linked_at = $2 WHERE id = $1`,
		official("cv-kt"), at("2026-01-03 08:00")); err != nil {
		t.Fatal(err)
	}
	if err := st.Tx(ctx, func(tx *store.Tx) error {
		_, err := store.AssignTask(ctx, tx, task("b"), official("cv-kt"), official("tp-kt"), at("2026-01-05 08:00"))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	occ := id(`SELECT id FROM occurrences WHERE task_id = $1`, task("c"))
	if _, err := st.DB().ExecContext(ctx, `
		INSERT INTO progress_reports (occurrence_id, official_id, percent, done, note, source, reported_at)
		VALUES ($1, $2, 100, true, '', 'cli', $3)`, occ, official("chu-tich"), at("2026-02-20 09:00")); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().ExecContext(ctx, `
		UPDATE occurrences SET percent = 100, done_at = $2, done_by = $3, last_report_at = $2 WHERE id = $1`,
		occ, at("2026-02-20 09:00"), official("chu-tich")); err != nil {
		t.Fatal(err)
	}
	p, err := plan.ParsePeriod("2026-Q1", plan.CutoffCalendar)
	if err != nil {
		t.Fatal(err)
	}
	d, err := compileWard(ctx, st, "hoa-an", p, at("2026-04-05 08:00"))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestDigestByDepartment(t *testing.T) {
	d := orgDigest(t)
	data, err := report.RenderJSON(d)
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		ByDepartment []struct {
			Key    string         `json:"key"`
			Name   string         `json:"name"`
			Totals map[string]any `json:"totals"`
		} `json:"by_department"`
		Tasks      []map[string]any `json:"tasks"`
		ByOfficial []struct {
			Key      string `json:"key"`
			Reported bool   `json:"reported"`
		} `json:"by_official"`
		MissingReports []string `json:"missing_reports"`
	}
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	if len(m.ByDepartment) != 2 || m.ByDepartment[0].Key != "vp" || m.ByDepartment[1].Key != "kt" ||
		m.ByDepartment[1].Name != "Phòng Kinh tế, Hạ tầng và Đô thị" {
		t.Fatalf("by_department = %+v, want vp then kt", m.ByDepartment)
	}
	// vp leads a and b (both overdue), kt leads b.
	for i, want := range []map[string]float64{
		{"open_overdue": 2, "done_on_time": 0, "total": 2, "on_time_rate": 0},
		{"open_overdue": 1, "done_on_time": 0, "total": 1, "on_time_rate": 0},
	} {
		for k, v := range want {
			if m.ByDepartment[i].Totals[k] != v {
				t.Errorf("by_department[%d].totals.%s = %v, want %v", i, k, m.ByDepartment[i].Totals[k], v)
			}
		}
	}
	leads := map[string][2]any{}
	for _, task := range m.Tasks {
		assignee, present := task["assignee"]
		if !present {
			t.Errorf("tasks[%v] has no assignee field (want null when unassigned)", task["key"])
		}
		leads[task["key"].(string)] = [2]any{task["lead"], assignee}
	}
	want := map[string][2]any{"a": {"vp", nil}, "b": {"kt", "cv-kt"}, "c": {"chu-tich", nil}}
	if !reflect.DeepEqual(leads, want) {
		t.Errorf("tasks lead, assignee = %v, want %v", leads, want)
	}
	var officials []string
	for _, o := range m.ByOfficial {
		officials = append(officials, o.Key)
	}
	// The accountable officials, the assignee and the target's owner; the
	// partner owns a target but is never a missing report.
	if want := []string{"chu-tich", "chanh-vp", "cv-kt", "tp-kt", "cong-an"}; !reflect.DeepEqual(officials, want) {
		t.Errorf("by_official = %v, want %v", officials, want)
	}
	if want := []string{"chanh-vp", "cv-kt", "tp-kt"}; !reflect.DeepEqual(m.MissingReports, want) {
		t.Errorf("missing_reports = %v, want %v (no partner)", m.MissingReports, want)
	}
}

func TestRenderByDepartment(t *testing.T) {
	d := orgDigest(t)
	vi := i18n.New(i18n.VI)
	text := message.DigestText(report.Result{Unit: d}, vi)
	for _, want := range []string{
		"Theo phòng, ban (đúng hạn / quá hạn / đang thực hiện):\n- Văn phòng HĐND và UBND: 0 / 2 / 0\n- Phòng Kinh tế, Hạ tầng và Đô thị: 0 / 1 / 0",
		"Số hóa hồ sơ đất đai — chủ trì: Phòng Kinh tế, Hạ tầng và Đô thị (giao: Đỗ Thị Tế); quá hạn 5 ngày",
		"Niêm yết công khai TTHC — chủ trì: Văn phòng HĐND và UBND; quá hạn 16 ngày",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Công an phường") {
		t.Errorf("the partner is listed as a missing report:\n%s", text)
	}
	en := message.DigestText(report.Result{Unit: d}, i18n.New(i18n.EN))
	for _, want := range []string{
		"By department (on time / late or overdue / in progress):\n- Văn phòng HĐND và UBND: 0 / 2 / 0",
		"(assigned to Đỗ Thị Tế)",
	} {
		if !strings.Contains(en, want) {
			t.Errorf("english text lacks %q:\n%s", want, en)
		}
	}
	html := message.DigestTelegram(report.Result{Unit: d}, vi)
	if !strings.Contains(html, "<b>Theo phòng, ban") {
		t.Errorf("telegram text lacks the bold department heading:\n%s", html)
	}

	// The workbook has a sheet by department after the summary, and the
	// tasks sheet names the assignee.
	data, err := xlsx.Digest(d, vi)
	if err != nil {
		t.Fatal(err)
	}
	wb, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	summary, tasks, targets, missing := xlsx.DigestSheets(vi)
	deps := xlsx.DepartmentSheet(vi)
	if got, want := wb.GetSheetList(), []string{summary, deps, tasks, targets, missing}; !reflect.DeepEqual(got, want) {
		t.Fatalf("sheets = %q, want %q", got, want)
	}
	rows, err := wb.GetRows(deps, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || !reflect.DeepEqual(rows[1][:7], []string{"vp", "Văn phòng HĐND và UBND", "0", "0", "0", "2", "2"}) ||
		!reflect.DeepEqual(rows[2][:7], []string{"kt", "Phòng Kinh tế, Hạ tầng và Đô thị", "0", "0", "0", "1", "1"}) {
		t.Errorf("department sheet = %q", rows)
	}
	if rows[0][0] != "Mã phòng, ban" || rows[0][1] != "Tên phòng, ban" {
		t.Errorf("department sheet header = %q", rows[0])
	}
	trows, err := wb.GetRows(tasks)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range trows {
		if len(r) >= 12 && r[0] == "b" && r[11] == "Đỗ Thị Tế" && r[4] == "Phòng Kinh tế, Hạ tầng và Đô thị" {
			found = true
		}
	}
	if !found || trows[0][11] != "Người được giao" {
		t.Errorf("tasks sheet lacks b's assignee: %q", trows)
	}

	// The chart draws a panel by department: it differs from the same
	// digest's chart without departments.
	with, err := chart.Digest(d, nil, vi)
	if err != nil {
		t.Fatal(err)
	}
	plain := *d
	plain.ByDepartment = nil
	without, err := chart.Digest(&plain, nil, vi)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(with, without) {
		t.Error("the chart is the same with and without departments")
	}
}

package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/message"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/report"
	"github.com/nhacviec/nhacviec/xlsx"
)

// TestExtendedTask: the carried-over task d-carry (due 10/12/2024) was
// extended to 13/03/2025. The digest judges it against the approved date
// (in time on 12/03, two days overdue on 15/03, not 95), marks it with
// original_due in JSON and "(gia hạn đến 13/03/2025)" in text, counts it
// in totals.extended, and the workbook lists the request.
func TestExtendedTask(t *testing.T) {
	f := quarterFixture(t)
	occ := f.ids["d-carry"]
	f.exec(`UPDATE occurrences SET original_due = due, due = '2025-03-13' WHERE id = $1 RETURNING id`, occ)
	f.exec(`INSERT INTO extension_requests (occurrence_id, requester_id, requested_at, current_due, requested_due, reason,
		approver_id, status, decided_by, decided_at, decided_due)
		VALUES ($1, $2, $3, '2024-12-10', '2025-03-13', 'chờ số liệu của Sở', $4, 'approved', $4, $3, '2025-03-13') RETURNING id`,
		occ, f.ids["tai-chinh"], at("2024-12-05 09:00"), f.ids["chu-tich"])
	p, _ := plan.ParsePeriod("2025-Q1", plan.CutoffDecree09)
	ctx := context.Background()

	line := func(d *report.Digest, key string) report.TaskLine {
		t.Helper()
		i := slices.IndexFunc(d.Tasks, func(l report.TaskLine) bool { return l.Key == key })
		if i < 0 {
			t.Fatalf("no task %s in %v", key, keysOf(d.Tasks))
		}
		return d.Tasks[i]
	}
	early, err := compileWard(ctx, f.st, "pdp", p, at("2025-03-12 08:00"))
	if err != nil {
		t.Fatal(err)
	}
	if l := line(early, "d-carry"); l.Status != string(plan.OpenOnTime) {
		t.Errorf("on 12/03 d-carry is %s, want judged against the approved 13/03", l.Status)
	}

	d, err := compileWard(ctx, f.st, "pdp", p, at("2025-03-15 08:00"))
	if err != nil {
		t.Fatal(err)
	}
	l := line(d, "d-carry")
	if l.Status != string(plan.OpenOverdue) || l.DaysOverdue != 2 || l.OriginalDue == nil || l.OriginalDue.String() != "2024-12-10" {
		t.Errorf("d-carry on 15/03: %s, %d days, original %v", l.Status, l.DaysOverdue, l.OriginalDue)
	}
	if d.Totals.Extended != 1 {
		t.Errorf("totals.extended = %d, want 1", d.Totals.Extended)
	}
	data, err := report.RenderJSON(d)
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Totals map[string]any   `json:"totals"`
		Tasks  []map[string]any `json:"tasks"`
	}
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	if m.Totals["extended"] != 1.0 {
		t.Errorf("JSON totals.extended = %v", m.Totals["extended"])
	}
	for _, task := range m.Tasks {
		orig, has := task["original_due"]
		if (task["key"] == "d-carry") != has || (has && orig != "2024-12-10") {
			t.Errorf("task %v: original_due %v, %v", task["key"], orig, has)
		}
	}
	for _, lang := range []i18n.Lang{i18n.VI, i18n.EN} {
		pr := i18n.New(lang)
		text := message.DigestText(report.Result{Unit: d}, pr)
		want := map[i18n.Lang][]string{
			i18n.VI: {"(gia hạn đến 13/03/2025)", "Được gia hạn: 1", "Nhiệm vụ được gia hạn (1):", "hạn ban đầu 10/12/2024"},
			i18n.EN: {"(extended to 13/03/2025)", "Extended: 1", "originally due 10/12/2024"},
		}[lang]
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("%s text lacks %q:\n%s", lang, w, text)
			}
		}
	}
	book, err := xlsx.Digest(d, i18n.New(i18n.VI))
	if err != nil {
		t.Fatal(err)
	}
	wb, err := excelize.OpenReader(bytes.NewReader(book))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := wb.GetRows("Gia hạn")
	if err != nil || len(rows) != 2 {
		t.Fatalf("sheet Gia hạn: %v, %v", rows, err)
	}
	if r := strings.Join(rows[1], "|"); !strings.Contains(r, "d-carry") || !strings.Contains(r, "chờ số liệu của Sở") ||
		!strings.Contains(r, "đồng ý") || !strings.Contains(r, "Vương Văn Toàn") || !strings.Contains(r, "13/03/2025") {
		t.Errorf("extension row: %q", r)
	}
}

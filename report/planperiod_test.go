package report_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/planfile"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/store/storetest"
)

// commune2026 is a post-reform commune's 2026 plan with deadlines as such
// plans write them: "Quý I/2026", "Quý III/2026", "Trong năm 2026",
// "Thường xuyên" and the quarterly report "Hàng quý, trước ngày 15".
const commune2026 = `unit: {code: xa-a, name: "UBND xã A"}
plan: {code: KH-CCHC-2026, title: "Kế hoạch cải cách hành chính năm 2026", year: 2026}
officials:
  - {key: chu-tich, name: "Chủ tịch", roles: [chairman]}
  - {key: van-phong, name: "Văn phòng HĐND và UBND", roles: [office]}
areas:
  - code: "1"
    name: "Công tác chỉ đạo, điều hành"
    tasks:
      - {key: quy-1, title: "Ban hành kế hoạch rà soát TTHC", lead: van-phong, due: 2026-Q1}
      - {key: quy-3, title: "Kiểm tra CCHC các bộ phận", lead: van-phong, due: 2026-Q3}
      - {key: trong-nam, title: "Đánh giá chỉ số CCHC", lead: van-phong, due: "2026"}
      - {key: thuong-xuyen, title: "Tuyên truyền CCHC", lead: van-phong, due: ongoing}
      - {key: bc-quy, title: "Báo cáo CCHC hằng quý", lead: van-phong, every: quarterly, due_day: 14}
`

func TestDigestCoversPlanPeriods(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	f, err := planfile.Parse("xa-a.yaml", []byte(commune2026))
	if err != nil {
		t.Fatal(err)
	}
	cal, err := plan.NewCalendar([]int{1, 2, 3, 4, 5}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ImportPlan(ctx, f, store.ImportOptions{Now: at("2026-01-02 08:00"), Calendar: cal}); err != nil {
		t.Fatal(err)
	}
	var taskID int64
	if err := st.DB().GetContext(ctx, &taskID, `SELECT id FROM tasks WHERE key = 'bc-quy'`); err != nil {
		t.Fatal(err)
	}
	rec := f.Areas[0].Tasks[4].Recurrence()
	specs := rec.Occurrences(plan.MustParseDate("2026-01-01"), plan.MustParseDate("2027-12-31"))
	if len(specs) != 4 {
		t.Fatalf("a 2026 plan's quarterly task has %d occurrences through 2027, want 4 (it ends with the plan year): %v", len(specs), specs)
	}
	if _, err := st.MaterializeOccurrences(ctx, st, taskID, specs, cal, at("2026-01-02 08:00")); err != nil {
		t.Fatal(err)
	}
	// Every occurrence has its plan period.
	var periods []string
	if err := st.DB().SelectContext(ctx, &periods, `
		SELECT t.key || '=' || COALESCE(o.period, '-') || (CASE WHEN o.ongoing THEN '/ongoing' ELSE '' END)
		FROM occurrences o JOIN tasks t ON t.id = o.task_id ORDER BY t.key, o.key`); err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(periods, " "), "bc-quy=2026-Q1 bc-quy=2026-Q2 bc-quy=2026-Q3 bc-quy=2026-Q4 quy-1=2026-Q1 quy-3=2026-Q3 thuong-xuyen=2026/ongoing trong-nam=2026"; got != want {
		t.Errorf("plan periods:\n got %s\nwant %s", got, want)
	}

	decree := func(key string) plan.Period {
		p, err := plan.ParsePeriod(key, plan.CutoffDecree09)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	type want map[string]string // "task occurrence" → status; absent: not covered
	check := func(period, asOf string, w want, ongoing int) {
		t.Helper()
		d, err := compileWard(ctx, st, "xa-a", decree(period), at(asOf))
		if err != nil {
			t.Fatal(err)
		}
		got := want{}
		for _, l := range d.Tasks {
			got[l.Key+" "+l.Occurrence] = l.Status
		}
		for k, s := range w {
			if got[k] != s {
				t.Errorf("%s digest as of %s: %s = %q, want %q (tasks %v)", period, asOf, k, got[k], s, got)
			}
		}
		for k := range got {
			if _, ok := w[k]; !ok {
				t.Errorf("%s digest as of %s lists %s, which it should not", period, asOf, k)
			}
		}
		if d.Totals.Ongoing != ongoing {
			t.Errorf("%s digest: totals.ongoing = %d, want %d", period, d.Totals.Ongoing, ongoing)
		}
		b, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), `"ongoing":`) {
			t.Errorf("%s digest JSON has no totals.ongoing: %s", period, b)
		}
	}

	// Q1 (15/12/2025–14/3/2026): "Quý I/2026", due 31/3, is in it, on
	// time; the quarterly report due Saturday 14/3, rolled to Monday 16/3,
	// stays in its period; the ongoing task is counted apart.
	check("2026-Q1", "2026-03-15 08:00", want{
		"quy-1 2026-03-31":        string(plan.OpenOnTime),
		"bc-quy 2026-Q1":          string(plan.OpenOnTime),
		"thuong-xuyen 2026-12-31": string(plan.Ongoing),
	}, 1)
	d, err := compileWard(ctx, st, "xa-a", decree("2026-Q1"), at("2026-03-15 08:00"))
	if err != nil {
		t.Fatal(err)
	}
	if d.Totals.OnTimeRate != 0 || d.Totals.Total != 3 {
		t.Errorf("Q1 totals = %+v, want 3 in all and nothing judged", d.Totals)
	}

	// Done on 25/3: the Q2 report shows its final status.
	if _, err := st.DB().ExecContext(ctx, `
		UPDATE occurrences SET done_at = $1, percent = 100
		WHERE task_id = (SELECT id FROM tasks WHERE key = 'quy-1')`, at("2026-03-25 10:00")); err != nil {
		t.Fatal(err)
	}
	check("2026-Q2", "2026-06-15 08:00", want{
		"quy-1 2026-03-31":        string(plan.DoneOnTime),
		"bc-quy 2026-Q1":          string(plan.OpenOverdue),
		"bc-quy 2026-Q2":          string(plan.OpenOnTime), // 14/6 is a Sunday: due 15/6
		"thuong-xuyen 2026-12-31": string(plan.Ongoing),
	}, 1)

	// A commune's Q3 digest lists its Q3 tasks, the one due 30/9 included.
	check("2026-Q3", "2026-09-15 08:00", want{
		"quy-3 2026-09-30":        string(plan.OpenOnTime),
		"bc-quy 2026-Q1":          string(plan.OpenOverdue),
		"bc-quy 2026-Q2":          string(plan.OpenOverdue),
		"bc-quy 2026-Q3":          string(plan.OpenOverdue), // due Monday 14/9
		"thuong-xuyen 2026-12-31": string(plan.Ongoing),
	}, 1)

	// "Trong năm 2026", due 31/12, is in the 2026 yearly report
	// (15/12/2025–14/12/2026).
	check("2026", "2026-12-15 08:00", want{
		"quy-1 2026-03-31":        string(plan.DoneOnTime),
		"quy-3 2026-09-30":        string(plan.OpenOverdue),
		"trong-nam 2026-12-31":    string(plan.OpenOnTime),
		"bc-quy 2026-Q1":          string(plan.OpenOverdue),
		"bc-quy 2026-Q2":          string(plan.OpenOverdue),
		"bc-quy 2026-Q3":          string(plan.OpenOverdue),
		"bc-quy 2026-Q4":          string(plan.OpenOverdue),
		"thuong-xuyen 2026-12-31": string(plan.Ongoing),
	}, 1)

	// The plan year over, its ongoing task is in no 2027 digest.
	check("2027-Q1", "2027-03-15 08:00", want{
		"quy-3 2026-09-30":     string(plan.OpenOverdue),
		"trong-nam 2026-12-31": string(plan.OpenOverdue),
		"bc-quy 2026-Q1":       string(plan.OpenOverdue),
		"bc-quy 2026-Q2":       string(plan.OpenOverdue),
		"bc-quy 2026-Q3":       string(plan.OpenOverdue),
		"bc-quy 2026-Q4":       string(plan.OpenOverdue),
	}, 0)

	// Reminders never see the ongoing occurrence, even after its year.
	due, err := store.OpenDueThrough(ctx, st, plan.MustParseDate("2027-12-31"))
	if err != nil {
		t.Fatal(err)
	}
	if len(due) != 6 {
		t.Errorf("open occurrences due for reminders = %d, want 6 (all but the ongoing one and the done one)", len(due))
	}
}

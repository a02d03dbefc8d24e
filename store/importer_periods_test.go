package store_test

import (
	"strings"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/planfile"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/store/storetest"
)

// The import keeps a one-off task's occurrence, with its plan period and
// ongoing flag, in line with its due: a date, a period key or ongoing.
func TestImportDuePeriods(t *testing.T) {
	ctx := t.Context()
	st := storetest.New(t)
	cal, err := plan.NewCalendar([]int{1, 2, 3, 4, 5}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 1, 2, 8, 0, 0, 0, time.UTC)
	importDue := func(due string) string {
		t.Helper()
		src := `unit: {code: xa-a, name: "UBND xã A"}
plan: {code: KH-2026, title: "Kế hoạch 2026", year: 2026}
officials:
  - {key: van-phong, name: "Văn phòng", roles: [office]}
areas:
  - code: "1"
    name: "Chỉ đạo"
    tasks:
      - {key: a, title: "A", lead: van-phong, due: ` + due + `}
`
		f, err := planfile.Parse("a.yaml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.ImportPlan(ctx, f, store.ImportOptions{Now: now, Calendar: cal}); err != nil {
			t.Fatalf("import due %s: %v", due, err)
		}
		var rows []string
		if err := st.DB().SelectContext(ctx, &rows, `
			SELECT o.key || ' ' || o.due::text || ' ' || COALESCE(o.period, '-') || ' ' || o.ongoing::text
			       || ' ' || COALESCE(t.due_period, '-') || ' ' || t.ongoing::text
			FROM occurrences o JOIN tasks t ON t.id = o.task_id
			WHERE o.archived_at IS NULL ORDER BY o.id`); err != nil {
			t.Fatal(err)
		}
		return strings.Join(rows, "|")
	}
	for _, tt := range []struct{ due, want string }{
		{"2026-03-31", "2026-03-31 2026-03-31 - false - false"},
		{"2026-Q1", "2026-03-31 2026-03-31 2026-Q1 false 2026-Q1 false"},
		{"2026-H1", "2026-06-30 2026-06-30 2026-H1 false 2026-H1 false"},
		{"2026-02", "2026-02-28 2026-03-02 2026-02 false 2026-02 false"}, // Saturday 28/2 rolls to Monday
		{"ongoing", "2026-12-31 2026-12-31 2026 true 2026 true"},
		{"2026-03-31", "2026-03-31 2026-03-31 - false - false"},
	} {
		if got := importDue(tt.due); got != tt.want {
			t.Errorf("due %s: occurrence %q, want %q", tt.due, got, tt.want)
		}
	}
	var n int
	if err := st.DB().GetContext(ctx, &n, `SELECT count(*) FROM occurrences`); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("%d occurrences, want the one moved along", n)
	}
}

package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/nhacviec/nhacviec/examples"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/planfile"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/store/storetest"
)

func calendarWith(t testing.TB, rules plan.Rules) *plan.Calendar {
	t.Helper()
	cal, err := plan.BuildCalendar(plan.CalendarConfig{Workdays: []int{1, 2, 3, 4, 5}, Rules: rules})
	if err != nil {
		t.Fatal(err)
	}
	return cal
}

// TestRedateOccurrences: two occurrences nominally due on Tết 2026 (Monday
// 16/2, a working day without rules), one open and one done. Switching to
// the Vietnamese rules moves the open one past Tết to Monday 23/2 and
// leaves the done one as it was; the same calendar again changes nothing;
// switching back restores the nominal date.
func TestRedateOccurrences(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	none := calendarWith(t, plan.RulesNone)
	importFile(t, st, exampleFile(t), none)

	var ids []int64
	if err := storetest.SQLTx(ctx, st, func(tx *sqlx.Tx) error {
		if err := tx.SelectContext(ctx, &ids, `SELECT id FROM occurrences WHERE done_at IS NULL ORDER BY id LIMIT 2`); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE occurrences SET nominal_due = '2026-02-16', due = '2026-02-16' WHERE id = ANY($1)`, ids); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE occurrences SET percent = 100, done_at = $2 WHERE id = $1`, ids[1], importNow)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	due := func(id int64) string {
		t.Helper()
		var d plan.Date
		if err := st.DB().GetContext(ctx, &d, `SELECT due FROM occurrences WHERE id = $1`, id); err != nil {
			t.Fatal(err)
		}
		return d.String()
	}
	now := importNow.Add(time.Hour)

	// The first run records the fingerprint (nothing recorded yet) and
	// moves nothing: every open occurrence is already dated by none.
	res, err := st.RedateOccurrences(ctx, none, now)
	if err != nil || !res.Changed || res.Redated != 0 {
		t.Fatalf("first run with the import's calendar: %+v, %v; want changed, 0 re-dated", res, err)
	}
	if fp, _ := st.CalendarFingerprint(ctx); fp != none.Fingerprint() {
		t.Fatalf("fingerprint %q, want %q", fp, none.Fingerprint())
	}

	vn := calendarWith(t, plan.RulesVietnam)
	res, err = st.RedateOccurrences(ctx, vn, now)
	if err != nil || !res.Changed || res.Redated < 1 {
		t.Fatalf("switch to vietnam: %+v, %v", res, err)
	}
	if got := due(ids[0]); got != "2026-02-23" {
		t.Errorf("open occurrence due %s, want 2026-02-23 (after Tết)", got)
	}
	if got := due(ids[1]); got != "2026-02-16" {
		t.Errorf("done occurrence due %s, want its history kept (2026-02-16)", got)
	}
	if res, err := st.RedateOccurrences(ctx, vn, now); err != nil || res.Changed || res.Redated != 0 {
		t.Errorf("same calendar again: %+v, %v; want nothing", res, err)
	}
	if res, err := st.RedateOccurrences(ctx, none, now); err != nil || !res.Changed || res.Redated < 1 || due(ids[0]) != "2026-02-16" {
		t.Errorf("back to none: %+v, %v, due %s", res, err, due(ids[0]))
	}
}

// BenchmarkRedateOccurrences re-dates 200,000 open occurrences spread
// over the working days of 2026, after a switch from no rules to the
// Vietnamese ones (the occurrences on the year's holidays move).
func BenchmarkRedateOccurrences(b *testing.B) {
	ctx := context.Background()
	st := storetest.New(b)
	none := calendarWith(b, plan.RulesNone)
	vn := calendarWith(b, plan.RulesVietnam)
	seedOpenOccurrences(b, st, 200000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cal := vn
		if i%2 == 1 {
			cal = none
		}
		res, err := st.RedateOccurrences(ctx, cal, importNow)
		if err != nil || !res.Changed {
			b.Fatalf("%+v, %v", res, err)
		}
	}
}

// seedOpenOccurrences adds n open occurrences to the example plan's first
// task, nominally due on the days of 2026 in turn.
func seedOpenOccurrences(b testing.TB, st *store.Store, n int) {
	ctx := context.Background()
	f, err := planfile.Parse(examples.PlanFile, examples.Plan())
	if err != nil {
		b.Fatal(err)
	}
	if _, err := st.ImportPlan(ctx, f, store.ImportOptions{Source: examples.PlanFile, Now: importNow, Calendar: calendarWith(b, plan.RulesNone)}); err != nil {
		b.Fatal(err)
	}
	if err := storetest.SQLTx(ctx, st, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, `
			INSERT INTO occurrences (task_id, key, nominal_due, due, created_at, updated_at)
			SELECT (SELECT min(id) FROM tasks), 'bench-' || g, d, d, $2, $2
			FROM generate_series(1, $1) AS g,
			     LATERAL (SELECT DATE '2026-01-01' + (g % 365) AS d) AS x`, n, importNow)
		return err
	}); err != nil {
		b.Fatal(err)
	}
	if _, err := st.RedateOccurrences(ctx, calendarWith(b, plan.RulesNone), importNow); err != nil {
		b.Fatal(err)
	}
}

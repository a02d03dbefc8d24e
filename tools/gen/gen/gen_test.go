package gen_test

import (
	"context"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/store/storetest"
	"github.com/nhacviec/nhacviec/tools/gen/gen"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// count runs a COUNT query.
func count(t *testing.T, st *store.Store, query string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := st.DB().GetContext(context.Background(), &n, query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func TestGenerateCounts(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		opts    gen.Options
		units   int64 // including towns
		plans   int64
		history int
	}{
		{name: "one ward", opts: gen.Options{Units: 1}, units: 1, plans: 1, history: 1},
		{name: "three wards, two years", opts: gen.Options{Units: 3, History: 2, TownSize: 2, BatchUnits: 2}, units: 3 + 2, plans: 6, history: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := storetest.New(t)
			stats, err := gen.Generate(ctx, st, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			// The stats are what is in the database.
			for _, c := range []struct {
				table string
				want  int64
			}{
				{"units", stats.Units}, {"officials", stats.Officials}, {"plans", stats.Plans},
				{"areas", stats.Areas}, {"targets", stats.Targets}, {"target_readings", stats.Readings},
				{"tasks", stats.Tasks}, {"task_supporters", stats.Supporters}, {"occurrences", stats.Occurrences},
				{"progress_reports", stats.Reports}, {"outbox", stats.Outbox}, {"job_runs", stats.JobRuns},
				{"departments", stats.Departments}, {"task_leads WHERE department_id IS NOT NULL", stats.DepartmentTasks},
				{"task_leads", stats.Tasks},
			} {
				if got := count(t, st, `SELECT count(*) FROM `+c.table); got != c.want {
					t.Errorf("%s: %d rows, stats say %d", c.table, got, c.want)
				}
			}
			// Each ward: four departments; half the tasks led by one, some
			// of those assigned to a member.
			if wards := tt.plans / int64(tt.history); stats.Departments != 4*wards {
				t.Errorf("%d departments, want 4 a ward", stats.Departments)
			}
			if 2*stats.DepartmentTasks < stats.Tasks*9/10 || 2*stats.DepartmentTasks > stats.Tasks*11/10 {
				t.Errorf("%d of %d tasks led by departments, want about half", stats.DepartmentTasks, stats.Tasks)
			}
			if n := count(t, st, `SELECT count(*) FROM tasks WHERE assignee_id IS NOT NULL`); n == 0 || n >= stats.DepartmentTasks {
				t.Errorf("%d department tasks assigned of %d, want some", n, stats.DepartmentTasks)
			}
			if stats.Units != tt.units || stats.Plans != tt.plans {
				t.Errorf("units %d plans %d, want %d and %d", stats.Units, stats.Plans, tt.units, tt.plans)
			}
			wards := int64(tt.opts.Units)
			if got, want := stats.Officials, 20*wards; got != want {
				t.Errorf("officials %d, want %d", got, want)
			}
			if got := count(t, st, `SELECT count(*) FROM officials WHERE 'chairman' = ANY(roles)`); got != wards {
				t.Errorf("chairmen %d, want one per ward (%d)", got, wards)
			}
			if got := count(t, st, `SELECT count(*) FROM officials WHERE telegram_chat_id IS NULL`); got != wards {
				t.Errorf("unlinked officials %d, want one per ward (%d)", got, wards)
			}
			// Sixty tasks per plan: 10 weekly, 15 monthly, 5 quarterly, 30 one-off.
			for _, c := range []struct {
				where string
				want  int64
			}{
				{"every = 'weekly'", 10}, {"every = 'monthly'", 15}, {"every = 'quarterly'", 5}, {"every IS NULL", 30},
			} {
				if got := count(t, st, `SELECT count(*) FROM tasks WHERE `+c.where); got != c.want*tt.plans {
					t.Errorf("tasks where %s: %d, want %d", c.where, got, c.want*tt.plans)
				}
			}
			if got := count(t, st, `SELECT count(*) FROM areas`); got != 6*tt.plans {
				t.Errorf("areas %d, want %d", got, 6*tt.plans)
			}
			if got := count(t, st, `SELECT count(*) FROM targets`); got != 10*tt.plans {
				t.Errorf("targets %d, want %d", got, 10*tt.plans)
			}
			// A year of weekly occurrences through the next ISO week.
			perTask := float64(count(t, st, `SELECT count(*) FROM occurrences o JOIN tasks t ON t.id = o.task_id
				JOIN plans p ON p.id = t.plan_id WHERE t.every = 'weekly' AND p.year = 2025`)) / float64(10*wards)
			if perTask < 46 || perTask > 48 {
				t.Errorf("weekly occurrences per task in 2025: %.1f, want 47 (W01..W47)", perTask)
			}
			if n := count(t, st, `SELECT count(*) FROM progress_reports`); n < 2*stats.Occurrences {
				t.Errorf("progress reports %d, want several per occurrence (%d occurrences)", n, stats.Occurrences)
			}
		})
	}
}

// TestGenerateSanity checks what the foreign keys, skipped while copying,
// and the domain rules would have checked.
func TestGenerateSanity(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	asOf := gen.DefaultAsOf()
	if _, err := gen.Generate(ctx, st, gen.Options{Units: 4, History: 2, TownSize: 3, BatchUnits: 1}); err != nil {
		t.Fatal(err)
	}
	zero := []struct {
		name  string
		query string
	}{
		{"official without unit", `SELECT count(*) FROM officials o LEFT JOIN units u ON u.id = o.unit_id WHERE u.id IS NULL`},
		{"plan without unit", `SELECT count(*) FROM plans p LEFT JOIN units u ON u.id = p.unit_id WHERE u.id IS NULL`},
		{"area without plan", `SELECT count(*) FROM areas a LEFT JOIN plans p ON p.id = a.plan_id WHERE p.id IS NULL`},
		{"task in another plan's area", `SELECT count(*) FROM tasks t JOIN areas a ON a.id = t.area_id WHERE a.plan_id <> t.plan_id`},
		{"target in another plan's area", `SELECT count(*) FROM targets t JOIN areas a ON a.id = t.area_id WHERE a.plan_id <> t.plan_id`},
		{"lead of another unit", `SELECT count(*) FROM tasks t JOIN plans p ON p.id = t.plan_id
			JOIN officials o ON o.id = t.lead_id WHERE o.unit_id <> p.unit_id`},
		{"target owner of another unit", `SELECT count(*) FROM targets t JOIN plans p ON p.id = t.plan_id
			JOIN officials o ON o.id = t.owner_id WHERE o.unit_id <> p.unit_id`},
		{"supporter of another unit", `SELECT count(*) FROM task_supporters s JOIN tasks t ON t.id = s.task_id
			JOIN plans p ON p.id = t.plan_id JOIN officials o ON o.id = s.official_id WHERE o.unit_id <> p.unit_id`},
		{"supporter is the lead", `SELECT count(*) FROM task_supporters s JOIN tasks t ON t.id = s.task_id WHERE s.official_id = t.lead_id`},
		{"task whose first lead does not answer as its lead_id", `SELECT count(*) FROM tasks t
			LEFT JOIN task_leads l ON l.task_id = t.id AND l.position = 1
			LEFT JOIN departments d ON d.id = l.department_id
			WHERE COALESCE(l.official_id, d.head_id) IS DISTINCT FROM t.lead_id`},
		{"occurrence without task", `SELECT count(*) FROM occurrences o LEFT JOIN tasks t ON t.id = o.task_id WHERE t.id IS NULL`},
		{"report without occurrence", `SELECT count(*) FROM progress_reports r LEFT JOIN occurrences o ON o.id = r.occurrence_id WHERE o.id IS NULL`},
		{"reading without target", `SELECT count(*) FROM target_readings r LEFT JOIN targets t ON t.id = r.target_id WHERE t.id IS NULL`},
		{"outbox to another unit's official", `SELECT count(*) FROM outbox b JOIN officials o ON o.id = b.official_id
			WHERE o.unit_id <> b.unit_id OR o.telegram_chat_id <> b.chat_id`},
		{"outbox about a missing occurrence", `SELECT count(*) FROM outbox b LEFT JOIN occurrences o ON o.id = b.occurrence_id
			WHERE b.occurrence_id IS NOT NULL AND o.id IS NULL`},
		{"ward without town", `SELECT count(*) FROM units WHERE parent_id IS NULL AND code NOT LIKE 'thi-xa-%'`},
		{"due before the nominal due or on a weekend", `SELECT count(*) FROM occurrences WHERE due < nominal_due OR extract(isodow FROM due) > 5`},
		{"done without a done report", `SELECT count(*) FROM occurrences o WHERE o.done_at IS NOT NULL AND NOT EXISTS (
			SELECT 1 FROM progress_reports r WHERE r.occurrence_id = o.id AND r.done AND r.reported_at = o.done_at)`},
		{"percent not the last report's", `SELECT count(*) FROM occurrences o JOIN LATERAL (
			SELECT r.percent FROM progress_reports r WHERE r.occurrence_id = o.id ORDER BY r.reported_at DESC, r.id DESC LIMIT 1) l ON true
			WHERE l.percent <> o.percent`},
		{"history after as-of", `SELECT (SELECT count(*) FROM progress_reports WHERE reported_at > $1)
			+ (SELECT count(*) FROM occurrences WHERE done_at > $1)
			+ (SELECT count(*) FROM outbox WHERE created_at > $1 OR status <> 'sent')
			+ (SELECT count(*) FROM target_readings WHERE reported_at > $1)
			+ (SELECT count(*) FROM job_runs WHERE scheduled_at > $1)`},
		{"open occurrence of a past year", `SELECT count(*) FROM occurrences o JOIN tasks t ON t.id = o.task_id
			JOIN plans p ON p.id = t.plan_id WHERE p.year < 2025 AND o.done_at IS NULL AND o.due < '2025-01-01'`},
	}
	for _, z := range zero {
		var args []any
		if z.name == "history after as-of" {
			args = append(args, asOf)
		}
		if got := count(t, st, z.query, args...); got != 0 {
			t.Errorf("%s: %d rows", z.name, got)
		}
	}

	// The statuses are realistic: most past occurrences done, mostly on
	// time; a few overdue now; future ones open.
	var s struct {
		Past, Done, OnTime, Overdue int64
	}
	err := st.DB().GetContext(ctx, &s, `
		SELECT count(*) FILTER (WHERE o.due < $1::date) AS past,
		       count(*) FILTER (WHERE o.due < $1::date AND o.done_at IS NOT NULL) AS done,
		       count(*) FILTER (WHERE o.done_at < (o.due + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh') AS ontime,
		       count(*) FILTER (WHERE o.due < $1::date AND o.done_at IS NULL) AS overdue
		FROM occurrences o`, asOf.Format(time.DateOnly))
	if err != nil {
		t.Fatal(err)
	}
	if done := float64(s.Done) / float64(s.Past); done < 0.9 || done > 0.999 {
		t.Errorf("done share of past occurrences %.3f, want 0.9..0.999", done)
	}
	if onTime := float64(s.OnTime) / float64(s.Done); onTime < 0.7 || onTime > 0.9 {
		t.Errorf("on-time share of done occurrences %.3f, want about 0.8", onTime)
	}
	if s.Overdue == 0 {
		t.Errorf("no overdue occurrence at as-of")
	}

	// Sequences continue after the generated ids.
	if _, err := st.DB().ExecContext(ctx, `INSERT INTO units (code, name, created_at, updated_at) VALUES ('moi', 'UBND phường Mới', now(), now())`); err != nil {
		t.Errorf("insert after generating: %v", err)
	}
}

// TestGenerateDeterministic generates twice into separate databases and
// compares the rows.
func TestGenerateDeterministic(t *testing.T) {
	ctx := context.Background()
	digest := func(st *store.Store) string {
		var sum string
		err := st.DB().GetContext(ctx, &sum, `SELECT md5(
			(SELECT string_agg(concat_ws('|', id, task_id, key, due, percent, done_at, done_by), ',' ORDER BY id) FROM occurrences) ||
			(SELECT string_agg(concat_ws('|', id, occurrence_id, official_id, percent, note, reported_at), ',' ORDER BY id) FROM progress_reports) ||
			(SELECT string_agg(concat_ws('|', id, dedupe_key, chat_id), ',' ORDER BY id) FROM outbox) ||
			(SELECT string_agg(concat_ws('|', id, name, telegram_chat_id), ',' ORDER BY id) FROM officials))`)
		if err != nil {
			t.Fatal(err)
		}
		return sum
	}
	var sums []string
	for range 2 {
		st := storetest.New(t)
		if _, err := gen.Generate(ctx, st, gen.Options{Units: 3, Seed: 7, BatchUnits: 1, Workers: 3}); err != nil {
			t.Fatal(err)
		}
		sums = append(sums, digest(st))
	}
	if sums[0] != sums[1] {
		t.Errorf("two runs differ: %s and %s", sums[0], sums[1])
	}
}

package report

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/store/storetest"
	"github.com/nhacviec/nhacviec/tools/gen/gen"
)

// townCase is a period and an instant to judge a town digest at.
type townCase struct {
	name string
	p    plan.Period
	asOf time.Time
}

// generatedTowns fills a database with two generated towns of four wards
// (tools/gen: a year of history) and makes the first town's wards differ
// in the ways a set query could get wrong:
//
//   - its first ward keeps its time in Asia/Tokyo, so its period starts
//     two hours before the town's, and the lead of its first task never
//     reported (the chairman did instead);
//   - its second ward's plan belongs to the town instead: the ward has
//     officials but no plan, and the town has occurrences of its own;
//   - in its third ward the leads of the first five tasks are archived;
//   - in its fourth ward an open occurrence of the current quarter was
//     reported on after the digests' "as of" instant.
//
// It returns the store, the first town's code and the cases to judge.
func generatedTowns(t *testing.T) (*store.Store, string, []townCase) {
	t.Helper()
	ctx := t.Context()
	st := storetest.New(t)
	if _, err := gen.Generate(ctx, st, gen.Options{Units: 8, TownSize: 4}); err != nil {
		t.Fatal(err)
	}
	db := st.DB()
	var town plan.Unit
	if err := db.GetContext(ctx, &town, `
		SELECT id, code, name, parent_id, timezone FROM units p
		WHERE EXISTS (SELECT 1 FROM units c WHERE c.parent_id = p.id)
		ORDER BY id LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	var wards []int64
	if err := db.SelectContext(ctx, &wards, `SELECT id FROM units WHERE parent_id = $1 ORDER BY code`, town.ID); err != nil {
		t.Fatal(err)
	}
	if len(wards) != 4 {
		t.Fatalf("%d wards, want 4", len(wards))
	}
	asOf := gen.DefaultAsOf()
	// The lead of the unit $1's first task, and a chairman of the unit who
	// is not that lead.
	const firstLead = `(SELECT t.lead_id FROM tasks t JOIN plans p ON p.id = t.plan_id
		WHERE p.unit_id = $1 ORDER BY t.id LIMIT 1)`
	const chair = `(SELECT o.id FROM officials o WHERE o.unit_id = $1 AND 'chairman' = ANY(o.roles)
		AND o.id <> ` + firstLead + ` ORDER BY o.id LIMIT 1)`
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`UPDATE units SET timezone = 'Asia/Tokyo' WHERE id = $1`, []any{wards[0]}},
		{`UPDATE progress_reports SET official_id = ` + chair + ` WHERE official_id = ` + firstLead, []any{wards[0]}},
		{`UPDATE target_readings SET official_id = ` + chair + ` WHERE official_id = ` + firstLead, []any{wards[0]}},
		{`UPDATE plans SET unit_id = $1 WHERE unit_id = $2`, []any{town.ID, wards[1]}},
		{`UPDATE officials SET archived_at = $2 WHERE id IN (
			SELECT t.lead_id FROM tasks t JOIN plans p ON p.id = t.plan_id
			WHERE p.unit_id = $1 ORDER BY t.id LIMIT 5)`, []any{wards[2], asOf.Add(-time.Hour)}},
		{`WITH o AS (
			SELECT o.id, t.lead_id FROM occurrences o
			JOIN tasks t ON t.id = o.task_id JOIN plans p ON p.id = t.plan_id
			WHERE p.unit_id = $1 AND o.done_at IS NULL AND o.due >= '2025-09-15'
			ORDER BY o.due, o.id LIMIT 1
		), r AS (
			INSERT INTO progress_reports (occurrence_id, official_id, percent, done, note, source, reported_at)
			SELECT id, lead_id, 80, false, 'sau thời điểm tổng hợp', 'cli', $2 FROM o
			RETURNING occurrence_id
		)
		UPDATE occurrences SET percent = 80, last_report_at = $2 FROM r WHERE occurrences.id = r.occurrence_id`,
			[]any{wards[3], asOf.Add(2 * time.Hour)}},
	} {
		res, err := db.ExecContext(ctx, q.sql, q.args...)
		if err != nil {
			t.Fatalf("%s: %v", q.sql, err)
		}
		if n, _ := res.RowsAffected(); n == 0 && !strings.HasPrefix(q.sql, "UPDATE target_readings") {
			t.Fatalf("%s: no row changed", q.sql)
		}
	}

	day := plan.DateIn(asOf, asOf.Location())
	quarter := plan.PeriodContaining(plan.Quarter, day, plan.CutoffDecree09)
	month := plan.PeriodContaining(plan.Month, day, plan.CutoffDecree09)
	cases := []townCase{
		{"quarter as of the history", quarter, asOf},
		{"previous month as of the history", month.Prev(), asOf},
		{"month mid-period", month, asOf.Add(-10 * 24 * time.Hour)},
		{"week", plan.PeriodContaining(plan.Week, day, plan.CutoffDecree09), asOf},
		{"previous quarter, calendar, a month later", plan.PeriodContaining(plan.Quarter, day, plan.CutoffCalendar).Prev(), asOf.Add(30 * 24 * time.Hour)},
	}
	return st, town.Code, cases
}

// TestCompileRollupMatchesCompile checks that each line of a town digest,
// read set-based for all the wards at once, is what Compile gives for that
// ward alone: totals, overdue and missing reports, and that the town's
// totals are their sum.
func TestCompileRollupMatchesCompile(t *testing.T) {
	st, townCode, cases := generatedTowns(t)
	ctx := t.Context()
	town, children := townAndChildren(t, st, townCode)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Compile(ctx, st, town, tc.p, tc.asOf, Options{})
			if err != nil {
				t.Fatal(err)
			}
			td := res.Rollup
			if td == nil {
				t.Fatalf("%s compiled as a ward", townCode)
			}
			want := map[string]RollupLine{}
			var sum plan.Totals
			addWant := func(d *Digest) {
				want[d.Unit] = rollupLine(d)
				sum.DoneOnTime += d.Totals.DoneOnTime
				sum.DoneLate += d.Totals.DoneLate
				sum.OpenOnTime += d.Totals.OpenOnTime
				sum.OpenOverdue += d.Totals.OpenOverdue
			}
			// The town digest judges at the town's instant; Compile of a
			// ward is given the same instant, in the town's zone, as the
			// digest jobs and the town digest always did.
			own := compileAlone(t, st, town, tc.p, td.AsOfTime())
			if own.Totals.Total > 0 {
				addWant(own)
			}
			missing := map[int]bool{}
			totals := map[Totals]bool{}
			for _, c := range children {
				d := compileAlone(t, st, c, tc.p, td.AsOfTime())
				addWant(d)
				missing[len(d.MissingReports)] = true
				totals[d.Totals] = true
			}
			if len(td.ByUnit) != len(want) {
				t.Errorf("%d lines, want %d", len(td.ByUnit), len(want))
			}
			for _, line := range td.ByUnit {
				if w, ok := want[line.Unit]; !ok {
					t.Errorf("line of %s, which Compile does not count", line.Unit)
				} else if line != w {
					t.Errorf("%s:\n got %+v\nwant %+v", line.Unit, line, w)
				}
			}
			if td.Totals != newTotals(sum) {
				t.Errorf("totals = %+v, want %+v", td.Totals, newTotals(sum))
			}
			// The wards must differ, or the comparison proves little.
			if len(totals) < 3 {
				t.Errorf("only %d distinct ward totals", len(totals))
			}
			if tc.name == "quarter as of the history" && (own.Totals.Total == 0 || len(missing) < 2) {
				t.Errorf("town's own total %d, %d distinct missing-report counts: the data lost its variety",
					own.Totals.Total, len(missing))
			}
		})
	}
}

// TestLoadDigestsMatchesCompile checks the whole digest of each unit built
// from the town's set-based read (loadDigests, buildDigest) against
// Compile of that unit alone, field by field as JSON, the previous period
// (which only Compile reads) aside.
func TestLoadDigestsMatchesCompile(t *testing.T) {
	st, townCode, cases := generatedTowns(t)
	town, children := townAndChildren(t, st, townCode)
	units := append([]plan.Unit{town}, children...)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			inputs := load(t, st, units, tc.p, tc.asOf)
			tasks := 0
			for i, in := range inputs {
				got := buildDigest(in, tc.p)
				want := compileAlone(t, st, units[i], tc.p, tc.asOf)
				want.Previous, want.Change = nil, nil
				gj, wj := digestJSON(t, got), digestJSON(t, want)
				if !bytes.Equal(gj, wj) {
					t.Errorf("%s: set-based digest differs from Compile's:\n got %s\nwant %s", units[i].Code, gj, wj)
				}
				if !got.AsOfTime().Equal(want.AsOfTime()) || got.AsOfTime().Location().String() != want.AsOfTime().Location().String() {
					t.Errorf("%s: as of %v, want %v", units[i].Code, got.AsOfTime(), want.AsOfTime())
				}
				tasks += len(got.Tasks)
			}
			if tasks == 0 {
				t.Error("no task lines at all")
			}
		})
	}
}

// townAndChildren returns the unit code and its children.
func townAndChildren(t *testing.T, st *store.Store, code string) (plan.Unit, []plan.Unit) {
	t.Helper()
	town, err := st.UnitByCode(t.Context(), code)
	if err != nil {
		t.Fatal(err)
	}
	children, err := store.ChildUnits(t.Context(), st, town.ID)
	if err != nil {
		t.Fatal(err)
	}
	return town, children
}

// compileAlone builds the digest of unit alone, with its previous period,
// as Compile builds a ward's, whether or not the unit has wards.
func compileAlone(t *testing.T, st *store.Store, unit plan.Unit, p plan.Period, asOf time.Time) *Digest {
	t.Helper()
	var d *Digest
	err := st.DigestRead(t.Context(), func(q store.Reader) error {
		var err error
		d, _, err = compileWard(t.Context(), q, unit, p, asOf, Options{})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// load runs loadDigests in a digest snapshot.
func load(t *testing.T, st *store.Store, units []plan.Unit, p plan.Period, asOf time.Time) []*digestInput {
	t.Helper()
	var inputs []*digestInput
	err := st.DigestRead(t.Context(), func(q store.Reader) error {
		var err error
		inputs, err = loadDigests(t.Context(), q, units, p, asOf)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return inputs
}

func digestJSON(t *testing.T, d *Digest) []byte {
	t.Helper()
	b, err := RenderJSON(d)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestLoadDigestsNoUnits checks that an empty set of units reads nothing
// and fails nothing.
func TestLoadDigestsNoUnits(t *testing.T) {
	st := storetest.New(t)
	p := plan.PeriodContaining(plan.Month, plan.MustParseDate("2025-03-01"), plan.CutoffDecree09)
	if inputs := load(t, st, nil, p, time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)); len(inputs) != 0 {
		t.Errorf("loadDigests(no units) = %v", inputs)
	}
}

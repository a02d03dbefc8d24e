package store_test

import (
	"context"
	"testing"

	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/store/storetest"
)

// TestImportTargetKinds: a target's kind and due are stored, changed by a
// re-import (counted as updated) and the example's targets default to level
// with no due; the database refuses a cumulative ceiling that bypasses the
// plan file's check.
func TestImportTargetKinds(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	cal, err := plan.NewCalendar([]int{1, 2, 3, 4, 5}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := exampleFile(t)
	importFile(t, st, f, cal)
	var kind string
	var due *string
	if err := st.DB().GetContext(ctx, &kind, `SELECT kind FROM targets WHERE key = 'tthc-dung-han'`); err != nil {
		t.Fatal(err)
	}
	if kind != "level" {
		t.Errorf("default kind = %q, want level", kind)
	}

	tg := &f.Areas[0].Targets[0]
	tg.Kind = plan.KindYearEnd
	tg.Due = plan.MustParseDate("2025-09-30")
	sum := importFile(t, st, f, cal)
	if sum.Targets.Updated != 1 {
		t.Errorf("re-import: targets %+v, want 1 updated", sum.Targets)
	}
	row := struct {
		Kind string  `db:"kind"`
		Due  *string `db:"due"`
	}{}
	if err := st.DB().GetContext(ctx, &row, `SELECT kind, due::text AS due FROM targets WHERE key = $1`, tg.Key); err != nil {
		t.Fatal(err)
	}
	if row.Kind != "year_end" || row.Due == nil || *row.Due != "2025-09-30" {
		t.Errorf("stored kind %q due %v, want year_end 2025-09-30", row.Kind, row.Due)
	}
	targets, err := store.OwnedTargets(ctx, st, targetOwner(t, st, tg.Key))
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, got := range targets {
		if got.Key == tg.Key {
			found = true
			if got.Kind != plan.KindYearEnd || got.Due.String() != "2025-09-30" {
				t.Errorf("OwnedTargets: kind %q due %s", got.Kind, got.Due)
			}
		}
	}
	if !found {
		t.Errorf("OwnedTargets lacks %s", tg.Key)
	}

	tg.Kind, tg.Due = plan.KindLevel, plan.Date{}
	importFile(t, st, f, cal)
	if err := st.DB().GetContext(ctx, &due, `SELECT due::text FROM targets WHERE key = $1`, tg.Key); err != nil {
		t.Fatal(err)
	}
	if due != nil {
		t.Errorf("due after removing it = %q, want NULL", *due)
	}

	if _, err := st.DB().ExecContext(ctx, `UPDATE targets SET kind = 'cumulative', comparator = '<=' WHERE key = $1`, tg.Key); err == nil {
		t.Error("a cumulative target with <= was stored")
	}
}

// targetOwner returns the owner id of the target keyed key.
func targetOwner(t *testing.T, st *store.Store, key string) int64 {
	t.Helper()
	var id int64
	if err := st.DB().GetContext(context.Background(), &id, `SELECT owner_id FROM targets WHERE key = $1`, key); err != nil {
		t.Fatal(err)
	}
	return id
}

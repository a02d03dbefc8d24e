package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/store/storetest"
)

// stamp is the created_at and updated_at of the rows these tests insert.
var stamp = time.Date(2025, time.January, 1, 0, 0, 0, 0, time.UTC)

// insertID runs an INSERT … RETURNING id and returns the id.
func insertID(t *testing.T, st *store.Store, query string, args ...any) int64 {
	t.Helper()
	var id int64
	if err := st.DB().GetContext(t.Context(), &id, query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return id
}

func insertUnit(t *testing.T, st *store.Store, code string, parent *int64) int64 {
	t.Helper()
	return insertID(t, st, `INSERT INTO units (code, name, parent_id, created_at, updated_at)
		VALUES ($1, $1, $2, $3, $3) RETURNING id`, code, parent, stamp)
}

func insertPlan(t *testing.T, st *store.Store, unit int64, year int) int64 {
	t.Helper()
	return insertID(t, st, `INSERT INTO plans (unit_id, code, title, year, created_at, updated_at)
		VALUES ($1, $2, 'Kế hoạch', $3, $4, $4) RETURNING id`, unit, fmt.Sprintf("KH-%d", year), year, stamp)
}

// TestPlansFor checks that the set-based plan lookup chooses
// each unit's plan as PlanOf does: the year's, else the nearest, the later
// on a tie.
func TestPlansFor(t *testing.T) {
	st := storetest.New(t)
	ctx := t.Context()
	exact := insertUnit(t, st, "exact", nil)
	tie := insertUnit(t, st, "tie", nil)
	older := insertUnit(t, st, "older", nil)
	none := insertUnit(t, st, "none", nil)
	for _, p := range []struct {
		unit int64
		year int
	}{{exact, 2024}, {exact, 2025}, {exact, 2026}, {tie, 2024}, {tie, 2026}, {older, 2021}, {older, 2023}} {
		insertPlan(t, st, p.unit, p.year)
	}
	units := []int64{exact, tie, older, none, exact}
	plans, err := store.PlansFor(ctx, st, units, 2025)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range units {
		want, err := store.PlanOf(ctx, st, u, 2025)
		got, ok := plans[u]
		switch {
		case errors.Is(err, store.ErrNotFound):
			if ok {
				t.Errorf("unit %d has no plan, got %+v", u, got)
			}
		case err != nil:
			t.Fatal(err)
		case got != want:
			t.Errorf("unit %d: plan %+v, PlanOf gives %+v", u, got, want)
		}
	}
	if plans[exact].Year != 2025 || plans[tie].Year != 2026 || plans[older].Year != 2023 || len(plans) != 3 {
		t.Errorf("plans = %+v", plans)
	}
	if empty, err := store.PlansFor(ctx, st, nil, 2025); err != nil || len(empty) != 0 {
		t.Errorf("PlansFor(no units) = %v, %v", empty, err)
	}
}

// TestChildUnits checks that a parent's children come by code in byte
// order, whatever the database's collation, and nothing else does.
func TestChildUnits(t *testing.T) {
	st := storetest.New(t)
	town := insertUnit(t, st, "town", nil)
	other := insertUnit(t, st, "other-town", nil)
	for _, code := range []string{"ab", "a-c", "b"} {
		insertUnit(t, st, code, &town)
	}
	insertUnit(t, st, "elsewhere", &other)
	units, err := store.ChildUnits(t.Context(), st, town)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, u := range units {
		codes = append(codes, u.Code)
		if u.ParentID == nil || *u.ParentID != town {
			t.Errorf("%s: parent %v", u.Code, u.ParentID)
		}
	}
	if want := []string{"a-c", "ab", "b"}; len(codes) != len(want) || codes[0] != want[0] || codes[1] != want[1] || codes[2] != want[2] {
		t.Errorf("children = %v, want %v", codes, want)
	}
}

// TestDigestRead checks the digest transaction: one read-only snapshot
// with JIT compilation off, which does not leak into the pool.
func TestDigestRead(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	st.DB().SetMaxOpenConns(1) // the transaction's connection is the pool's next one
	err := st.DigestRead(ctx, func(rd store.Reader) error {
		q := store.QueryerOf(rd)
		var jit, readOnly, isolation string
		if err := sqlx.GetContext(ctx, q, &jit, `SHOW jit`); err != nil {
			return err
		}
		if err := sqlx.GetContext(ctx, q, &readOnly, `SHOW transaction_read_only`); err != nil {
			return err
		}
		if err := sqlx.GetContext(ctx, q, &isolation, `SHOW transaction_isolation`); err != nil {
			return err
		}
		if jit != "off" || readOnly != "on" || isolation != "repeatable read" {
			t.Errorf("jit %s, read only %s, isolation %s", jit, readOnly, isolation)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var jit string
	if err := st.DB().GetContext(ctx, &jit, `SHOW jit`); err != nil {
		t.Fatal(err)
	}
	var want string
	if err := st.DB().GetContext(ctx, &want, `SELECT reset_val FROM pg_settings WHERE name = 'jit'`); err != nil {
		t.Fatal(err)
	}
	if jit != want {
		t.Errorf("jit after the transaction = %s, want the session's %s", jit, want)
	}

	failed := errors.New("fn failed")
	if err := st.DigestRead(ctx, func(store.Reader) error { return failed }); !errors.Is(err, failed) {
		t.Errorf("DigestRead = %v, want fn's error", err)
	}
	err = st.DigestRead(ctx, func(rd store.Reader) error {
		rows, err := store.QueryerOf(rd).QueryxContext(ctx, `INSERT INTO units (code, name, created_at, updated_at) VALUES ('x', 'x', $1, $1)`, stamp)
		if err != nil {
			return err
		}
		rows.Close()
		return rows.Err()
	})
	if err == nil {
		t.Error("a write in the digest transaction succeeded")
	}
}

package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/store/storetest"
)

// TestClaimRemindBatchesDecisionBudget: a fan-out transaction takes
// batches until they hold maxDecisions decisions (at least one batch),
// leaving the rest, locked but not taken, to the next transaction.
func TestClaimRemindBatchesDecisionBudget(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	at := time.Date(2025, 11, 14, 8, 0, 0, 0, time.UTC)
	var run int64
	if err := st.DB().GetContext(ctx, &run, `
		INSERT INTO job_runs (job, scheduled_at, started_at) VALUES ('remind', $1, $1) RETURNING id`, at); err != nil {
		t.Fatal(err)
	}
	decisions := func(n int) []store.RemindDecision {
		d := make([]store.RemindDecision, n)
		for i := range d {
			d[i] = store.RemindDecision{OccurrenceID: int64(i + 1), Kind: "reminder", Prefix: "r"}
		}
		return d
	}
	day := plan.DateIn(at, time.UTC)
	var batches []store.RemindBatch
	for i, n := range []int{3, 3, 7, 1} {
		batches = append(batches, store.RemindBatch{UnitID: int64(i + 1), RunAt: at, DecidedAt: at, Day: day, Decisions: decisions(n)})
	}
	if _, err := store.InsertRemindBatches(ctx, st, run, batches); err != nil {
		t.Fatal(err)
	}
	claim := func(limit, budget int) []int64 {
		t.Helper()
		var units []int64
		if err := st.Tx(ctx, func(tx *store.Tx) error {
			got, err := store.ClaimRemindBatches(ctx, tx, limit, budget)
			for _, b := range got {
				units = append(units, b.UnitID)
			}
			if err != nil {
				return err
			}
			return store.FinishRemindBatches(ctx, tx, got, make([]int, len(got)), at)
		}); err != nil {
			t.Fatal(err)
		}
		return units
	}
	for _, want := range [][]int64{{1, 2}, {3}, {4}, nil} {
		got := claim(10, 5)
		if len(got) != len(want) || (len(want) > 0 && (got[0] != want[0] || got[len(got)-1] != want[len(want)-1])) {
			t.Fatalf("claim with a budget of 5 decisions = units %v, want %v", got, want)
		}
	}
}

// TestInsertRemindBatchesInChunks: a run's batches holding more decisions
// than one statement carries are written by several, each batch whole and
// in order, none lost or doubled, the decisions read back as written.
func TestInsertRemindBatchesInChunks(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	at := time.Date(2025, 12, 15, 8, 0, 0, 0, time.UTC)
	var run int64
	if err := st.DB().GetContext(ctx, &run, `
		INSERT INTO job_runs (job, scheduled_at, started_at) VALUES ('remind', $1, $1) RETURNING id`, at); err != nil {
		t.Fatal(err)
	}
	day := plan.DateIn(at, time.UTC)
	// 5,000 + 5,000 exceeds a statement's 8,000 decisions; 9,000 alone
	// does too, and is written whole; the small ones share statements.
	sizes := []int{5000, 5000, 9000, 2, 1, 2999}
	var batches []store.RemindBatch
	total := 0
	for i, n := range sizes {
		d := make([]store.RemindDecision, n)
		for j := range d {
			d[j] = store.RemindDecision{OccurrenceID: int64(i*100000 + j + 1), Kind: "nag", Prefix: fmt.Sprintf("nag:%d:%d", i, j)}
		}
		total += n
		batches = append(batches, store.RemindBatch{UnitID: int64(i + 1), RunAt: at, DecidedAt: at, Day: day, Decisions: d})
	}
	n, err := store.InsertRemindBatches(ctx, st, run, batches)
	if err != nil {
		t.Fatal(err)
	}
	if n != len(sizes) {
		t.Fatalf("wrote %d batches, want %d", n, len(sizes))
	}
	var got []store.RemindBatch
	if err := st.Tx(ctx, func(tx *store.Tx) error {
		var err error
		got, err = store.ClaimRemindBatches(ctx, tx, 100, total)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(sizes) {
		t.Fatalf("read back %d batches, want %d", len(got), len(sizes))
	}
	for i, b := range got {
		if b.UnitID != int64(i+1) || len(b.Decisions) != sizes[i] {
			t.Fatalf("batch %d: unit %d with %d decisions, want unit %d with %d", i, b.UnitID, len(b.Decisions), i+1, sizes[i])
		}
		last := b.Decisions[len(b.Decisions)-1]
		if want := fmt.Sprintf("nag:%d:%d", i, sizes[i]-1); last.Prefix != want || last.OccurrenceID != int64(i*100000+sizes[i]) {
			t.Fatalf("batch %d: last decision %+v, want prefix %s", i, last, want)
		}
	}
}

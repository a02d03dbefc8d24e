package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/store/storetest"
)

func TestJobRunClaim(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	at := time.Date(2025, 3, 5, 1, 0, 0, 0, time.UTC)
	now := at.Add(time.Minute)

	claim := func() (int64, bool) {
		t.Helper()
		var id int64
		var ok bool
		err := st.Tx(ctx, func(tx *store.Tx) error {
			var err error
			id, ok, err = store.ClaimJobRun(ctx, tx, "remind", at, now)
			if err != nil || !ok {
				return err
			}
			return store.FinishJobRun(ctx, tx, id, 7, now)
		})
		if err != nil {
			t.Fatal(err)
		}
		return id, ok
	}

	if _, ok := claim(); !ok {
		t.Fatal("first claim refused")
	}
	if _, ok := claim(); ok {
		t.Fatal("second claim of a done run granted")
	}
	runs, err := st.JobRuns(ctx, at, at)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 1 || runs[0].Status != store.JobDone || runs[0].Messages != 7 || runs[0].FinishedAt == nil {
		t.Fatalf("runs = %+v", runs)
	}

	// A claim rolled back with its transaction leaves the run free.
	other := at.Add(24 * time.Hour)
	_ = st.Tx(ctx, func(tx *store.Tx) error {
		if _, ok, err := store.ClaimJobRun(ctx, tx, "remind", other, now); err != nil || !ok {
			t.Fatalf("claim: %v %v", ok, err)
		}
		return context.Canceled // roll back
	})
	if err := st.FailJobRun(ctx, "remind", other, now, "boom"); err != nil {
		t.Fatal(err)
	}
	// A failed run is claimed again, and a skip does not overwrite it.
	if ok, err := store.SkipJobRun(ctx, st, "remind", other, now, "stale"); err != nil || ok {
		t.Fatalf("skip over a failed run: %v %v", ok, err)
	}
	err = st.Tx(ctx, func(tx *store.Tx) error {
		id, ok, err := store.ClaimJobRun(ctx, tx, "remind", other, now)
		if err != nil || !ok {
			t.Fatalf("reclaim of a failed run: %v %v", ok, err)
		}
		return store.FinishJobRun(ctx, tx, id, 0, now)
	})
	if err != nil {
		t.Fatal(err)
	}
	// A failure recorded late does not undo a completed run.
	if err := st.FailJobRun(ctx, "remind", other, now, "late"); err != nil {
		t.Fatal(err)
	}
	runs, _ = st.JobRuns(ctx, other, other)
	if len(runs) != 1 || runs[0].Status != store.JobDone || runs[0].Error != "" {
		t.Fatalf("runs = %+v", runs)
	}

	// Skipping records a fresh run once.
	third := other.Add(24 * time.Hour)
	for i, want := range []bool{true, false} {
		ok, err := store.SkipJobRun(ctx, st, "remind", third, now, "stale")
		if err != nil || ok != want {
			t.Fatalf("skip %d = %v %v, want %v", i, ok, err, want)
		}
	}
}

// TestJobRunClaimConcurrent claims one run from many transactions at once:
// exactly one wins, the others wait for it to commit and then lose.
func TestJobRunClaimConcurrent(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	at := time.Date(2025, 3, 10, 0, 30, 0, 0, time.UTC)
	var mu sync.Mutex
	won := 0
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := st.Tx(ctx, func(tx *store.Tx) error {
				id, ok, err := store.ClaimJobRun(ctx, tx, "digest_weekly", at, at)
				if err != nil || !ok {
					return err
				}
				mu.Lock()
				won++
				mu.Unlock()
				return store.FinishJobRun(ctx, tx, id, 1, at)
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if won != 1 {
		t.Fatalf("%d claims won, want 1", won)
	}
}

// TestJobRunDecided checks that a run counts as decided when done or
// skipped, and not when unrecorded or failed (a claim would retry it).
func TestJobRunDecided(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	done := time.Date(2025, 3, 5, 1, 0, 0, 0, time.UTC)
	failed, skipped, never := done.Add(time.Hour), done.Add(2*time.Hour), done.Add(3*time.Hour)
	err := st.Tx(ctx, func(tx *store.Tx) error {
		id, ok, err := store.ClaimJobRun(ctx, tx, "digest_weekly", done, done)
		if err != nil || !ok {
			t.Fatalf("claim: %v %v", ok, err)
		}
		return store.FinishJobRun(ctx, tx, id, 1, done)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.FailJobRun(ctx, "digest_weekly", failed, failed, "boom"); err != nil {
		t.Fatal(err)
	}
	if _, err := store.SkipJobRun(ctx, st, "digest_weekly", skipped, skipped, "stale"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		job  string
		at   time.Time
		want bool
	}{
		{"digest_weekly", done, true},
		{"digest_weekly", failed, false},
		{"digest_weekly", skipped, true},
		{"digest_weekly", never, false},
		{"digest_monthly", done, false},
	} {
		if got, err := st.JobRunDecided(ctx, tc.job, tc.at); err != nil || got != tc.want {
			t.Errorf("JobRunDecided(%s, %s) = %v, %v, want %v", tc.job, tc.at.Format(time.RFC3339), got, err, tc.want)
		}
	}
}

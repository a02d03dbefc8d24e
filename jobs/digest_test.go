package jobs_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/config"
	"github.com/nhacviec/nhacviec/jobs"
)

// TestDigestAfterInterruptedAttempt: a digest run enqueues its messages a
// few units at a time before it claims the run. An attempt that enqueued
// some of them and died before its claim committed leaves the run
// unclaimed; the next attempt does the run and enqueues only what is
// missing, so that the outbox holds every digest message once.
func TestDigestAfterInterruptedAttempt(t *testing.T) {
	e := newEnv(t, config.Default())
	ctx := context.Background()
	instant := at("2025-03-10 07:30") // a Monday: the weekly digest
	e.runUntil(at("2025-02-20 00:00"), instant.Add(-time.Minute), nil)
	before := e.lastOutboxID()
	if _, err := e.s.RunAt(ctx, instant); err != nil {
		t.Fatal(err)
	}
	isDigest := func(m msg) bool { return m.Kind == "digest" }
	first := filter(e.outboxAfter(before), isDigest)
	if len(first) < 2 {
		t.Fatalf("weekly digest: %d messages, want several", len(first))
	}

	// The interrupted attempt: its claim never committed, and it had not
	// enqueued its last message yet.
	if _, err := e.st.DB().Exec(`DELETE FROM job_runs WHERE job = $1 AND scheduled_at = $2`, jobs.JobDigestWeekly, instant); err != nil {
		t.Fatal(err)
	}
	missing := first[len(first)-1]
	if _, err := e.st.DB().Exec(`DELETE FROM outbox WHERE id = $1`, missing.ID); err != nil {
		t.Fatal(err)
	}

	rep, err := e.s.RunAt(ctx, instant)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Runs) != 1 || rep.Runs[0].Job != jobs.JobDigestWeekly || rep.Runs[0].Status != jobs.StatusDone {
		t.Fatalf("runs = %+v, want the weekly digest done", rep.Runs)
	}
	if got := rep.Runs[0].Messages; got != 1 {
		t.Errorf("the second attempt enqueued %d messages, want the 1 missing", got)
	}
	again := filter(e.outboxAfter(before), isDigest)
	if !slices.Equal(keys(again), keys(first)) {
		t.Errorf("digest messages after the second attempt =\n%v\nwant\n%v", keys(again), keys(first))
	}
	var n int
	if err := e.st.DB().Get(&n, `SELECT messages FROM job_runs WHERE job = $1 AND scheduled_at = $2 AND status = 'done'`, jobs.JobDigestWeekly, instant); err != nil || n != 1 {
		t.Errorf("job_runs.messages = %d (%v), want 1", n, err)
	}
}

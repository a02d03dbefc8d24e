package jobs

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/nhacviec/nhacviec/config"
	"github.com/nhacviec/nhacviec/store"
)

// retention is the run of the retention job: nothing in the run's
// transaction but its claim; the sweep runs after the claim commits
// (sweepAfterRun), in short transactions of its own, so that neither a
// second replica waiting on the claim nor autovacuum waits on the sweep.
func (s *Scheduler) retention(_ context.Context, r *runState) error {
	r.sweep = true
	return nil
}

// RetentionPolicy converts the retention section of the configuration.
func RetentionPolicy(c config.Retention) store.RetentionPolicy {
	days := func(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }
	return store.RetentionPolicy{
		ProcessedUpdates: days(c.ProcessedUpdatesDays),
		OutboxSent:       days(c.OutboxSentDays),
		OutboxDead:       days(c.OutboxDeadDays),
		LinkAttempts:     days(c.LinkAttemptsDays),
		RemindBatches:    days(c.RemindBatchesDays),
		BatchSize:        c.BatchSize,
	}
}

// sweepAfterRun deletes, as of the clock, the rows older than the
// configured retention ages and records the counts on run. A failed
// sweep leaves the run done (what it deleted stays deleted and counted);
// the next run sweeps the rest.
func (s *Scheduler) sweepAfterRun(ctx context.Context, run *Run) {
	start := time.Now()
	rep, err := s.st.Sweep(ctx, RetentionPolicy(s.cfg.Retention), s.clk.Now())
	run.Deleted = rep.Deleted
	attrs := []any{"at", run.At.Format(time.RFC3339), "batches", rep.Batches, "deleted", rep.Total(),
		"took", time.Since(start).Round(time.Millisecond)}
	for _, name := range slices.Sorted(maps.Keys(rep.Deleted)) {
		attrs = append(attrs, name, rep.Deleted[name])
	}
	if err != nil {
		run.Err = fmt.Errorf("jobs: %s at %s: sweep: %w", run.Job, run.At.Format(time.RFC3339), err)
		s.log.Error("retention sweep failed; the next run sweeps the rest", append(attrs, "err", err)...)
		return
	}
	s.log.Info("retention sweep", attrs...)
}

package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/clock"
	"github.com/nhacviec/nhacviec/config"
	"github.com/nhacviec/nhacviec/jobs"
	"github.com/nhacviec/nhacviec/store/storetest"
	"github.com/nhacviec/nhacviec/tools/gen/gen"
)

// BenchmarkFanOut times the fan-out alone (jobs.Scheduler.FanOut) of one
// reminder run over 20 generated wards with a year of history, with
// reminders.style each and brief: the run decides once, then each
// iteration marks its remind batches pending again, deletes the messages
// and the escalation marks of the one before, and fans the batches out.
// It reports the messages written and the time per message; tools/bench
// measures the same at 3,300 units against the floor of as many bare rows.
func BenchmarkFanOut(b *testing.B) {
	ctx := context.Background()
	st := storetest.New(b)
	if _, err := gen.Generate(ctx, st, gen.Options{Units: 20}); err != nil {
		b.Fatal(err)
	}
	a := gen.DefaultAsOf()
	at := time.Date(a.Year(), a.Month(), a.Day(), 8, 0, 0, 0, a.Location())
	for _, style := range []string{config.StyleEach, config.StyleBrief} {
		b.Run(style, func(b *testing.B) {
			cfg := config.Default()
			cfg.Reminders.Style = style
			sched, err := jobs.New(st, cfg, clock.NewFake(at), slog.New(slog.NewTextHandler(io.Discard, nil)))
			if err != nil {
				b.Fatal(err)
			}
			// undo leaves the run's decisions pending, or removes them
			// too (all).
			undo := func(all bool) {
				b.Helper()
				_, err := st.DB().ExecContext(ctx, `
					WITH e AS (UPDATE occurrences SET escalated_at = NULL WHERE escalated_at >= $1),
					     p AS (DELETE FROM partner_reminders WHERE reminded_at >= $1),
					     o AS (DELETE FROM outbox WHERE created_at >= $1)
					UPDATE remind_batches SET fanned_out_at = NULL, messages = 0 WHERE run_at >= $1`, at)
				if err == nil && all {
					_, err = st.DB().ExecContext(ctx, `
						WITH j AS (DELETE FROM job_runs WHERE scheduled_at >= $1)
						DELETE FROM remind_batches WHERE run_at >= $1`, at)
				}
				if err != nil {
					b.Fatal(err)
				}
			}
			undo(true)
			b.Cleanup(func() { undo(true) })
			if _, err := sched.RunAt(ctx, at); err != nil {
				b.Fatal(err)
			}
			messages := 0
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				undo(false)
				b.StartTimer()
				rep, err := sched.FanOut(ctx)
				if err != nil {
					b.Fatal(err)
				}
				if rep.Messages == 0 {
					b.Fatalf("the fan-out enqueued nothing: %+v", rep)
				}
				messages = rep.Messages
			}
			b.ReportMetric(float64(messages), "messages/op")
			if messages > 0 {
				b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*messages), "µs/message")
			}
		})
	}
}

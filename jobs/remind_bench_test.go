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

// BenchmarkRemindTick runs the remind job over 20 generated wards with a
// year of history (tools/gen) at 08:00 on the day the history stands at,
// undoing each run before the next. tools/bench runs the same at 3,300
// units.
func BenchmarkRemindTick(b *testing.B) {
	ctx := context.Background()
	st := storetest.New(b)
	if _, err := gen.Generate(ctx, st, gen.Options{Units: 20}); err != nil {
		b.Fatal(err)
	}
	a := gen.DefaultAsOf()
	at := time.Date(a.Year(), a.Month(), a.Day(), 8, 0, 0, 0, a.Location())
	sched, err := jobs.New(st, config.Default(), clock.NewFake(at), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	undo := func() {
		_, err := st.DB().ExecContext(ctx, `
			WITH j AS (DELETE FROM job_runs WHERE scheduled_at >= $1),
			     b AS (DELETE FROM remind_batches WHERE run_at >= $1)
			DELETE FROM outbox WHERE created_at >= $1`, at)
		if err != nil {
			b.Fatal(err)
		}
	}
	undo()
	messages := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rep, err := sched.RunAt(ctx, at)
		if err != nil {
			b.Fatal(err)
		}
		if rep.Enqueued() == 0 {
			b.Fatalf("the remind run enqueued nothing:\n%s", rep)
		}
		messages = rep.Enqueued()
		b.StopTimer()
		undo()
		b.StartTimer()
	}
	b.ReportMetric(float64(messages), "messages/op")
}

package jobs_test

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/jobs"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/report"
	"github.com/nhacviec/nhacviec/store"
)

// digestJSON compiles the digest of unit pdp for period key as of the
// instant asOf and renders it as JSON.
func (e *env) digestJSON(key string, asOf string) []byte {
	e.t.Helper()
	p, err := plan.ParsePeriod(key, e.cfg.Cutoff())
	if err != nil {
		e.t.Fatal(err)
	}
	unit, err := e.st.UnitByCode(context.Background(), "pdp")
	if err != nil {
		e.t.Fatal(err)
	}
	res, err := report.Compile(context.Background(), e.st, unit, p, at(asOf), report.Options{})
	if err != nil {
		e.t.Fatal(err)
	}
	out, err := res.JSON()
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

// TestSweptMessagesAreNotDecidedAgain replays five weeks of the example
// plan, delivers every message, sweeps 100 days later (every message is
// past outbox_sent_days), then runs the past instants again as `tick --at`
// would: the job ledger's claims keep every past run from deciding again,
// so nothing is re-sent although the messages' dedupe keys are gone, and
// the digests of the past periods are what they were.
func TestSweptMessagesAreNotDecidedAgain(t *testing.T) {
	e := newEnv(t, eachConfig())
	ctx := context.Background()
	from, to := at("2025-02-01 00:00"), at("2025-03-05 23:59")
	e.runUntil(from, to, nil)
	sent := len(e.outbox())
	if sent == 0 {
		t.Fatal("the replay decided nothing")
	}
	if _, err := e.st.DB().Exec(`UPDATE outbox SET status = 'sent', sent_at = created_at, telegram_message_id = id`); err != nil {
		t.Fatal(err)
	}
	// Officials answered three reminders from Telegram an hour later: one
	// done, two with a percentage.
	var answered []struct {
		Occurrence int64     `db:"occurrence_id"`
		Official   int64     `db:"official_id"`
		Chat       int64     `db:"chat_id"`
		Message    int64     `db:"telegram_message_id"`
		Sent       time.Time `db:"sent_at"`
	}
	if err := e.st.DB().Select(&answered, `
		SELECT DISTINCT ON (occurrence_id) occurrence_id, official_id, chat_id, telegram_message_id, sent_at
		FROM outbox WHERE kind = 'reminder' ORDER BY occurrence_id, id LIMIT 3`); err != nil || len(answered) != 3 {
		t.Fatalf("reminders to answer: %d (%v)", len(answered), err)
	}
	for i, a := range answered {
		pct := 40 + 20*i
		in := store.ProgressInput{OccurrenceID: a.Occurrence, OfficialID: a.Official, Percent: &pct, Done: i == 0,
			Note: "Đã rà soát", Source: "telegram", ChatID: a.Chat, MessageID: a.Message + 1000, UpdateID: int64(500 + i),
			Now: a.Sent.Add(time.Hour)}
		err := e.st.Tx(ctx, func(tx *store.Tx) error {
			if _, err := store.MarkUpdateProcessed(ctx, tx, in.UpdateID, in.Now); err != nil {
				return err
			}
			_, err := store.RecordProgress(ctx, tx, in)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	february := e.digestJSON("2025-02", "2025-03-05 09:00")
	quarter := e.digestJSON("2025-Q1", "2025-03-05 09:00")

	sweep := at("2025-06-13 03:20")
	e.clk.Set(sweep)
	rep, err := e.s.RunAt(ctx, sweep)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Runs) != 1 || rep.Runs[0].Job != jobs.JobRetention || rep.Runs[0].Status != jobs.StatusDone {
		t.Fatalf("runs at %s: %+v, want the retention job done", sweep, rep.Runs)
	}
	if got := rep.Runs[0].Deleted[store.SweptOutboxSent]; got != int64(sent) {
		t.Errorf("swept %d sent messages, want all %d", got, sent)
	}
	if !strings.Contains(rep.String(), "deleted_outbox_sent=") {
		t.Errorf("report does not tell what was deleted:\n%s", rep)
	}
	if left := e.outbox(); len(left) != 0 {
		t.Fatalf("%d messages left after the sweep", len(left))
	}
	var reports, updates int
	if err := e.st.DB().Get(&reports, `SELECT count(*) FROM progress_reports`); err != nil || reports != 3 {
		t.Errorf("progress reports after the sweep: %d (%v), want 3", reports, err)
	}
	if err := e.st.DB().Get(&updates, `SELECT count(*) FROM processed_updates`); err != nil || updates != 0 {
		t.Errorf("processed updates after the sweep: %d (%v), want 0", updates, err)
	}

	// Every past instant again, the clock set to each (tick --at): all
	// taken, nothing enqueued.
	for _, r := range e.runUntil(from, to, nil) {
		for _, run := range r.Runs {
			if run.Status != jobs.StatusTaken {
				t.Errorf("%s at %s: %s, want taken", run.Job, run.At, run.Status)
			}
		}
	}
	if left := e.outbox(); len(left) != 0 {
		t.Errorf("re-running the past decided %d messages again, e.g. %s", len(left), left[0].Key)
	}

	// The digests of the swept period read progress, not the outbox.
	if got := e.digestJSON("2025-02", "2025-03-05 09:00"); !bytes.Equal(got, february) {
		t.Errorf("February's digest changed after the sweep:\n%s\nwas\n%s", got, february)
	}
	if got := e.digestJSON("2025-Q1", "2025-03-05 09:00"); !bytes.Equal(got, quarter) {
		t.Errorf("Q1's digest changed after the sweep:\n%s\nwas\n%s", got, quarter)
	}
}

// TestRetentionClaimedOnce: two schedulers on separate connection pools
// run the retention instant at once; one sweeps, the other finds the run
// taken, and the rows are deleted and counted once.
func TestRetentionClaimedOnce(t *testing.T) {
	e := newEnv(t, eachConfig())
	ctx := context.Background()
	instant := at("2025-03-10 03:20")
	if _, err := e.st.DB().Exec(`
		INSERT INTO processed_updates (update_id, processed_at)
		SELECT i, $1::timestamptz - interval '8 days' FROM generate_series(1, 12) AS i`, instant); err != nil {
		t.Fatal(err)
	}
	other, err := store.Open(ctx, e.st.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	s2, err := jobs.New(other, e.cfg, e.clk, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	e.clk.Set(instant)

	var wg sync.WaitGroup
	reps := make([]jobs.Report, 4)
	errs := make([]error, 4)
	for i := range reps {
		s := e.s
		if i%2 == 1 {
			s = s2
		}
		wg.Go(func() { reps[i], errs[i] = s.RunAt(ctx, instant) })
	}
	wg.Wait()
	done := 0
	var deleted int64
	for i, rep := range reps {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		for _, r := range rep.Runs {
			if r.Job != jobs.JobRetention {
				t.Errorf("unexpected job %s", r.Job)
			}
			if r.Status == jobs.StatusDone {
				done++
				deleted += r.Deleted[store.SweptProcessedUpdates]
			}
		}
	}
	if done != 1 || deleted != 12 {
		t.Errorf("retention done %d times deleting %d processed updates, want once deleting 12", done, deleted)
	}
	counts, err := e.st.RetentionDeleted(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if counts[store.SweptProcessedUpdates] != 12 {
		t.Errorf("retention_deleted: %v, want processed_updates 12", counts)
	}
}

// TestRetentionPolicy converts the configured days.
func TestRetentionPolicy(t *testing.T) {
	p := jobs.RetentionPolicy(eachConfig().Retention)
	const day = 24 * 60 * 60 // seconds
	if p.ProcessedUpdates.Seconds() != 7*day || p.OutboxSent.Seconds() != 90*day || p.OutboxDead.Seconds() != 365*day ||
		p.LinkAttempts.Seconds() != 30*day || p.RemindBatches.Seconds() != 30*day || p.BatchSize != 5000 {
		t.Errorf("default policy = %+v", p)
	}
}

package jobs_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/jobs"
	"github.com/nhacviec/nhacviec/store"
)

// reminderInstant is a working Wednesday on which the example plan has
// reminders, nags and escalations (ke-hoach-ra-soat-tthc, due 28/2, is
// three working days overdue).
var reminderInstant = at("2025-03-05 08:00")

// undoFanOut puts the state back to "decided, not fanned out": the
// messages of the run's batches are gone, the batches pending, and the
// escalations they recorded forgotten, as after a crash between the run's
// commit and its fan-out's.
func (e *env) undoFanOut(since int) {
	e.t.Helper()
	_, err := e.st.DB().Exec(`
		WITH o AS (DELETE FROM outbox WHERE id > $1),
		     x AS (UPDATE occurrences SET escalated_at = NULL WHERE escalated_at >= $2)
		UPDATE remind_batches SET fanned_out_at = NULL, messages = 0 WHERE run_at = $2`,
		since, reminderInstant)
	if err != nil {
		e.t.Fatal(err)
	}
}

// remindAt5March runs the example plan from 20/2 to reminderInstant, the
// last instant through RunAt, and returns the environment, the highest
// outbox id before reminderInstant and the report of its run.
func remindAt5March(t *testing.T) (*env, int, jobs.Report) {
	t.Helper()
	e := newEnv(t, eachConfig())
	e.runUntil(at("2025-02-20 00:00"), reminderInstant.Add(-1), nil)
	since := e.lastOutboxID()
	e.clk.Set(reminderInstant)
	rep, err := e.s.RunAt(context.Background(), reminderInstant)
	if err != nil {
		t.Fatal(err)
	}
	return e, since, rep
}

// lastOutboxID is the highest outbox id, 0 when empty.
func (e *env) lastOutboxID() int {
	e.t.Helper()
	var id int
	if err := e.st.DB().Get(&id, `SELECT COALESCE(max(id), 0) FROM outbox`); err != nil {
		e.t.Fatal(err)
	}
	return id
}

// outboxAfter returns the outbox rows whose id is above id.
func (e *env) outboxAfter(id int) []msg {
	return filter(e.outbox(), func(m msg) bool { return m.ID > id })
}

// keys returns the dedupe keys of ms, sorted.
func keys(ms []msg) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Key
	}
	slices.Sort(out)
	return out
}

// TestFanOutAfterCrash: the reminder run commits its decisions (one batch
// per unit) and a crash loses the fan-out's transaction; the next
// scheduler to start (Run) or to run any instant (RunAt) fans the batch
// out, and the messages are exactly those of an uninterrupted run.
func TestFanOutAfterCrash(t *testing.T) {
	e, since, rep := remindAt5March(t)
	ctx := context.Background()
	want := keys(e.outboxAfter(since))
	if len(want) == 0 || rep.Enqueued() != len(want) {
		t.Fatalf("the run enqueued %d, outbox has %d new rows", rep.Enqueued(), len(want))
	}
	var jobMessages int
	if err := e.st.DB().Get(&jobMessages, `SELECT messages FROM job_runs WHERE job = 'remind' AND scheduled_at = $1`, reminderInstant); err != nil {
		t.Fatal(err)
	}
	if jobMessages != len(want) {
		t.Errorf("job_runs.messages = %d, want %d", jobMessages, len(want))
	}

	e.undoFanOut(since)
	if pending, err := store.PendingRemindBatches(ctx, e.st); err != nil || pending != 1 {
		t.Fatalf("pending batches = %d (%v), want 1", pending, err)
	}
	// A later instant at which no job fires: RunAt still fans out what
	// was left.
	later := reminderInstant.Add(7 * time.Minute)
	e.clk.Set(later)
	if _, err := e.s.RunAt(ctx, later); err != nil {
		t.Fatal(err)
	}
	if got := keys(e.outboxAfter(since)); !slices.Equal(got, want) {
		t.Errorf("after the crash the fan-out enqueued\n%v\nwant\n%v", got, want)
	}
	if pending, _ := store.PendingRemindBatches(ctx, e.st); pending != 0 {
		t.Errorf("pending batches = %d after the fan-out", pending)
	}
	// The run is not decided again.
	rep, err := e.s.RunAt(ctx, reminderInstant)
	if err != nil || rep.Runs[0].Status != jobs.StatusTaken {
		t.Errorf("second run: %v, %v", rep, err)
	}
}

// TestFanOutSkipsOccurrencesDoneSinceTheDecision: an occurrence done
// between the decision and the fan-out gets no reminder, nag or
// escalation.
func TestFanOutSkipsOccurrencesDoneSinceTheDecision(t *testing.T) {
	e, since, _ := remindAt5March(t)
	ctx := context.Background()
	about := func(ms []msg, task string) []msg {
		return filter(ms, func(m msg) bool { return m.Task == task })
	}
	if len(about(e.outboxAfter(since), "ke-hoach-ra-soat-tthc")) == 0 {
		t.Fatal("no message about ke-hoach-ra-soat-tthc on 5/3")
	}
	e.undoFanOut(since)
	if _, err := e.st.DB().Exec(`
		UPDATE occurrences SET percent = 100, done_at = $1
		WHERE task_id = (SELECT id FROM tasks WHERE key = 'ke-hoach-ra-soat-tthc')`, reminderInstant); err != nil {
		t.Fatal(err)
	}
	rep, err := e.s.FanOut(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := e.outboxAfter(since)
	if rep.Batches != 1 || rep.Messages != len(got) || len(got) == 0 {
		t.Errorf("fan-out report %+v, %d new rows", rep, len(got))
	}
	if done := about(got, "ke-hoach-ra-soat-tthc"); len(done) != 0 {
		t.Errorf("messages about a task done since the decision: %v", keys(done))
	}
}

// TestConcurrentFanOut: two schedulers on two connection pools fan out the
// same pending batches at once; every message is enqueued once.
func TestConcurrentFanOut(t *testing.T) {
	e, since, _ := remindAt5March(t)
	ctx := context.Background()
	want := keys(e.outboxAfter(since))
	e.undoFanOut(since)

	other, err := store.Open(ctx, e.st.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	s2, err := jobs.New(other, e.cfg, e.clk, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	reps := make([]jobs.FanOutReport, 4)
	errs := make([]error, 4)
	for i := range reps {
		s := e.s
		if i%2 == 1 {
			s = s2
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			reps[i], errs[i] = s.FanOut(ctx)
		}()
	}
	wg.Wait()
	batches, messages := 0, 0
	for i := range reps {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		batches += reps[i].Batches
		messages += reps[i].Messages
	}
	got := keys(e.outboxAfter(since))
	if !slices.Equal(got, want) {
		t.Errorf("concurrent fan-outs enqueued\n%v\nwant\n%v", got, want)
	}
	if batches != 1 || messages != len(want) {
		t.Errorf("fan-outs report %d batches, %d messages; want 1 and %d", batches, messages, len(want))
	}
}

// TestEscalatedOnce: an occurrence is escalated once; an office official
// linked after the escalation does not get it on the next working day,
// and neither do the others again.
func TestEscalatedOnce(t *testing.T) {
	e := newEnv(t, eachConfig())
	e.runUntil(at("2025-02-20 00:00"), reminderInstant, nil)
	esc := func(ms []msg) []msg {
		return filter(ms, func(m msg) bool { return m.Task == "ke-hoach-ra-soat-tthc" && m.Kind == "escalation" })
	}
	if n := len(esc(e.outbox())); n != 2 {
		t.Fatalf("escalations by 5/3 = %d, want 2", n)
	}
	var marked int
	if err := e.st.DB().Get(&marked, `
		SELECT count(*) FROM occurrences o JOIN tasks t ON t.id = o.task_id
		WHERE t.key = 'ke-hoach-ra-soat-tthc' AND o.escalated_at = $1`, reminderInstant); err != nil || marked != 1 {
		t.Fatalf("occurrences marked escalated at the run = %d (%v), want 1", marked, err)
	}
	// A second office official, linked after the escalation.
	if _, err := e.st.DB().Exec(`
		INSERT INTO officials (unit_id, key, name, position, roles, telegram_chat_id, telegram_user_id, linked_at,
		                       created_at, updated_at)
		SELECT unit_id, 'van-phong-2', 'Nguyễn Thị Hoa', 'Công chức Văn phòng - Thống kê', '{office}', 99001, 99001, $1, $1, $1
		FROM officials WHERE key = 'van-phong'`, reminderInstant); err != nil {
		t.Fatal(err)
	}
	since := e.lastOutboxID()
	e.runUntil(reminderInstant, at("2025-03-06 08:00"), nil)
	next := e.outboxAfter(since)
	if len(filter(next, func(m msg) bool { return m.Kind == "nag" })) == 0 {
		t.Fatal("no nags on 6/3")
	}
	if got := esc(next); len(got) != 0 {
		t.Errorf("escalated again on 6/3: %v", keys(got))
	}
}

package store_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/store/storetest"
)

// retentionNow is the instant of the sweeps below.
var retentionNow = time.Date(2025, 10, 1, 3, 20, 0, 0, time.FixedZone("ICT", 7*3600))

// policy is the default retention, in small batches.
var policy = store.RetentionPolicy{
	ProcessedUpdates: 7 * 24 * time.Hour,
	OutboxSent:       90 * 24 * time.Hour,
	OutboxDead:       365 * 24 * time.Hour,
	LinkAttempts:     30 * 24 * time.Hour,
	RemindBatches:    30 * 24 * time.Hour,
	BatchSize:        3,
}

// daysAgo returns retentionNow minus d days plus extra.
func daysAgo(d int, extra time.Duration) time.Time {
	return retentionNow.AddDate(0, 0, -d).Add(extra)
}

// seedRetention writes, for every table Sweep knows, rows just past their
// age (named "old…") and rows just within it ("keep…"), interleaved, and
// returns the keys of the rows that must survive a sweep, per table.
func seedRetention(t *testing.T, st *store.Store) map[string][]string {
	t.Helper()
	ctx := context.Background()
	db := st.DB()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	keep := map[string][]string{}
	const second = time.Second

	// Outbox and e-mail outbox: sent (by sent_at), dead (by created_at),
	// pending (never). Sent rows are enqueued long before they are sent.
	type row struct {
		key             string
		status          string
		created, sentAt time.Time
		kept            bool
	}
	var rows []row
	for i := range 7 {
		rows = append(rows,
			row{fmt.Sprintf("old-sent-%d", i), "sent", daysAgo(200, 0), daysAgo(90, -second), false},
			row{fmt.Sprintf("keep-sent-%d", i), "sent", daysAgo(200, 0), daysAgo(90, second), true})
	}
	rows = append(rows,
		row{"old-dead", "dead", daysAgo(365, -second), time.Time{}, false},
		row{"keep-dead", "dead", daysAgo(365, second), time.Time{}, true},
		row{"keep-dead-recent", "dead", daysAgo(100, 0), time.Time{}, true},
		row{"keep-pending-ancient", "pending", daysAgo(900, 0), time.Time{}, true},
		row{"keep-sent-today", "sent", retentionNow, retentionNow, true},
	)
	// Enqueued in time order, as the clock orders them.
	slices.SortStableFunc(rows, func(a, b row) int { return a.created.Compare(b.created) })
	for i, r := range rows {
		var sent any
		if !r.sentAt.IsZero() {
			sent = r.sentAt
		}
		exec(`INSERT INTO outbox (chat_id, dedupe_key, kind, payload, status, next_attempt_at, created_at, sent_at, telegram_message_id)
		      VALUES ($1, $2, 'reminder', '{"text":"Nhắc việc"}', $3, $4, $4, $5, $6)`,
			100+i%3, r.key, r.status, r.created, sent, int64(i+1))
		exec(`INSERT INTO outbox (channel, dedupe_key, kind, payload, status, next_attempt_at, created_at, sent_at)
		      VALUES ('email', $1, 'email', '{"to":["chutich@example.gov.vn"],"subject":"Báo cáo","text":"Kính gửi"}', $2, $3, $3, $4)`,
			"email-"+r.key, r.status, r.created, sent)
		if r.kept {
			keep["outbox"] = append(keep["outbox"], r.key)
			keep["email_outbox"] = append(keep["email_outbox"], "email-"+r.key)
		}
	}

	// Processed updates (7 days) and link attempts (30 days).
	for i := range 8 {
		old, young := int64(2*i+1), int64(2*i+2)
		exec(`INSERT INTO processed_updates (update_id, processed_at) VALUES ($1, $2), ($3, $4)`,
			old, daysAgo(7, -second), young, daysAgo(7, second))
		keep["processed_updates"] = append(keep["processed_updates"], fmt.Sprint(young))
		exec(`INSERT INTO link_attempts (telegram_user_id, attempted_at) VALUES ($1, $2), ($3, $4)`,
			old, daysAgo(30, -second), young, daysAgo(30, second))
		keep["link_attempts"] = append(keep["link_attempts"], fmt.Sprint(young))
	}

	// Remind batches (30 days from the decision), in time order: fanned
	// out or not.
	exec(`INSERT INTO units (code, name, created_at, updated_at) VALUES ('pdp', 'UBND phường Phan Đình Phùng', $1, $1)`, daysAgo(400, 0))
	for i, b := range []struct {
		day       string
		run       time.Time
		fannedOut bool
		kept      bool
	}{
		{"keep-pending", daysAgo(60, 0), false, true},
		{"old-1", daysAgo(45, 0), true, false},
		{"old-2", daysAgo(45, 0), true, false},
		{"old-3", daysAgo(31, 0), true, false},
		{"old-4", daysAgo(30, -second), true, false},
		{"keep-1", daysAgo(30, second), true, true},
	} {
		var fanned any
		if b.fannedOut {
			fanned = b.run
		}
		exec(`INSERT INTO job_runs (job, scheduled_at, started_at, finished_at, status) VALUES ('remind', $1, $1, $1, 'done')`,
			b.run.Add(time.Duration(i)*time.Millisecond))
		exec(`INSERT INTO remind_batches (job_run_id, unit_id, run_at, decided_at, day, decisions, fanned_out_at)
		      SELECT (SELECT max(id) FROM job_runs), u.id, $1::timestamptz, $1::timestamptz, ($1::timestamptz)::date, $2::jsonb, $3::timestamptz FROM units u`,
			b.run, fmt.Sprintf(`[{"o": %d, "k": %q}]`, i, b.day), fanned)
		if b.kept {
			keep["remind_batches"] = append(keep["remind_batches"], b.day)
		}
	}

	// Reminders held for an official on leave (30 days from release):
	// released long ago, just within the age, or still held.
	at := daysAgo(400, 0)
	exec(`INSERT INTO officials (unit_id, key, name, created_at, updated_at) SELECT id, 'tu-phap', 'Nguyễn Văn Tư', $1, $1 FROM units`, at)
	exec(`INSERT INTO plans (unit_id, code, title, year, created_at, updated_at) SELECT id, 'cchc-2025', 'Kế hoạch CCHC năm 2025', 2025, $1, $1 FROM units`, at)
	exec(`INSERT INTO areas (plan_id, code, name) SELECT id, '1', 'Cải cách thể chế' FROM plans`)
	exec(`INSERT INTO tasks (plan_id, area_id, key, title, lead_id, every, due_day, start_date, created_at, updated_at)
	      SELECT p.id, a.id, 'ra-soat', 'Rà soát văn bản', o.id, 'monthly', -1, $1::date, $1, $1 FROM plans p, areas a, officials o`, at)
	for i, h := range []struct {
		key            string
		held, released time.Time
		kept           bool
	}{
		{"old-1", daysAgo(60, 0), daysAgo(50, 0), false},
		{"old-2", daysAgo(40, 0), daysAgo(30, -second), false},
		{"keep-released", daysAgo(40, 0), daysAgo(30, second), true},
		{"keep-held", daysAgo(90, 0), time.Time{}, true},
		{"keep-young", daysAgo(2, 0), daysAgo(1, 0), true},
	} {
		var released any
		if !h.released.IsZero() {
			released = h.released
		}
		exec(`INSERT INTO occurrences (task_id, key, nominal_due, due, created_at, updated_at, unit_id)
		      SELECT t.id, $1, $2::date, $2::date, $3, $3, p.unit_id FROM tasks t JOIN plans p ON p.id = t.plan_id`,
			h.key, at.AddDate(0, 0, i).Format(time.DateOnly), at)
		exec(`INSERT INTO held_reminders (unit_id, official_id, occurrence_id, kind, held_at, released_at)
		      SELECT o.unit_id, o.id, c.id, 'team', $2, $3 FROM officials o, occurrences c WHERE c.key = $1`,
			h.key, h.held, released)
		if h.kept {
			keep["held_reminders"] = append(keep["held_reminders"], h.key)
		}
	}
	return keep
}

// remaining returns the keys of the rows left in each table.
func remaining(t *testing.T, st *store.Store) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for table, q := range map[string]string{
		"outbox":            `SELECT dedupe_key FROM outbox WHERE channel = 'telegram'`,
		"email_outbox":      `SELECT dedupe_key FROM outbox WHERE channel = 'email'`,
		"processed_updates": `SELECT update_id::text FROM processed_updates`,
		"link_attempts":     `SELECT telegram_user_id::text FROM link_attempts`,
		"remind_batches":    `SELECT decisions->0->>'k' FROM remind_batches`,
		"held_reminders":    `SELECT c.key FROM held_reminders h JOIN occurrences c ON c.id = h.occurrence_id`,
	} {
		var keys []string
		if err := st.DB().Select(&keys, q); err != nil {
			t.Fatal(err)
		}
		out[table] = keys
	}
	return out
}

func sameKeys(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// TestSweepDeletesExactlyTheOldRows: every table loses exactly its rows
// past their age, pending messages and pending remind batches stay
// whatever their age, the job ledger stays, the work is done in batches
// (of 3 here), and the counts deleted are reported and kept.
func TestSweepDeletesExactlyTheOldRows(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	want := seedRetention(t, st)
	// A published file that has expired and one that still answers.
	var live string
	for i, expires := range []time.Time{retentionNow.Add(-time.Second), retentionNow.Add(time.Hour)} {
		token, err := st.PublishFile(ctx, store.PublishedFile{Filename: fmt.Sprintf("f%d.png", i), ContentType: "image/png",
			Data: []byte("png"), CreatedAt: daysAgo(7, 0), ExpiresAt: expires})
		if err != nil {
			t.Fatal(err)
		}
		live = token
	}
	var runsBefore int
	if err := st.DB().Get(&runsBefore, `SELECT count(*) FROM job_runs`); err != nil {
		t.Fatal(err)
	}

	rep, err := st.Sweep(ctx, policy, retentionNow)
	if err != nil {
		t.Fatal(err)
	}
	got := remaining(t, st)
	for _, table := range slices.Sorted(maps.Keys(got)) {
		if !sameKeys(got[table], want[table]) {
			t.Errorf("%s after the sweep: %v, want %v", table, got[table], want[table])
		}
	}
	wantDeleted := map[string]int64{
		store.SweptOutboxSent:       7,
		store.SweptOutboxDead:       1,
		store.SweptEmailSent:        7,
		store.SweptEmailDead:        1,
		store.SweptProcessedUpdates: 8,
		store.SweptLinkAttempts:     8,
		store.SweptRemindBatches:    4,
		store.SweptHeldReminders:    2,
		store.SweptPublishedFiles:   1,
	}
	if !maps.Equal(rep.Deleted, wantDeleted) {
		t.Errorf("report: %v, want %v", rep.Deleted, wantDeleted)
	}
	// In batches of 3, the last one short: 8 old rows of each outbox,
	// processed updates and link attempts take 3 batches each, the 4 old
	// remind batches 2, the 2 old held reminders 1, the expired published
	// file 1.
	if rep.Batches != 4*3+2+1+1 {
		t.Errorf("%d batches, want 16", rep.Batches)
	}
	var files int
	if err := st.DB().Get(&files, `SELECT count(*) FROM published_files`); err != nil {
		t.Fatal(err)
	}
	if _, err := st.PublishedFile(ctx, live, retentionNow); files != 1 || err != nil {
		t.Errorf("published files after the sweep: %d, the live one: %v; want it alone", files, err)
	}
	kept, err := st.RetentionDeleted(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(kept, wantDeleted) {
		t.Errorf("retention_deleted: %v, want %v", kept, wantDeleted)
	}
	var runsAfter int
	if err := st.DB().Get(&runsAfter, `SELECT count(*) FROM job_runs`); err != nil {
		t.Fatal(err)
	}
	if runsAfter != runsBefore {
		t.Errorf("job_runs: %d rows after the sweep, %d before", runsAfter, runsBefore)
	}

	// Again: nothing more to delete, the counts stay.
	rep, err = st.Sweep(ctx, policy, retentionNow)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Total() != 0 {
		t.Errorf("second sweep deleted %v", rep.Deleted)
	}
	if kept, _ := st.RetentionDeleted(ctx); !maps.Equal(kept, wantDeleted) {
		t.Errorf("retention_deleted after a second sweep: %v, want %v", kept, wantDeleted)
	}
}

// TestSweepZeroKeepsForEver: an age of 0 keeps that kind of row.
func TestSweepZeroKeepsForEver(t *testing.T) {
	st := storetest.New(t)
	seedRetention(t, st)
	before := remaining(t, st)
	rep, err := st.Sweep(context.Background(), store.RetentionPolicy{OutboxDead: 365 * 24 * time.Hour}, retentionNow)
	if err != nil {
		t.Fatal(err)
	}
	after := remaining(t, st)
	for table, keys := range before {
		want := keys
		if table == "outbox" || table == "email_outbox" {
			want = slices.DeleteFunc(slices.Clone(keys), func(k string) bool { return strings.HasSuffix(k, "old-dead") })
		}
		if !sameKeys(after[table], want) {
			t.Errorf("%s: %v, want %v", table, after[table], want)
		}
	}
	// Expired published files are swept whatever the policy (none here).
	want := map[string]int64{store.SweptOutboxDead: 1, store.SweptEmailDead: 1, store.SweptPublishedFiles: 0}
	if !maps.Equal(rep.Deleted, want) {
		t.Errorf("report: %v, want %v", rep.Deleted, want)
	}
}

// TestSweepManyBatches: more old rows than fit one batch, in every table
// walked by key and by ctid, are all deleted, young ones interleaved kept.
func TestSweepManyBatches(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	for _, q := range []string{
		`INSERT INTO outbox (chat_id, dedupe_key, kind, payload, status, next_attempt_at, created_at, sent_at)
		 SELECT i % 50, 'k' || i, 'reminder', '{}', 'sent', $1::timestamptz, $1::timestamptz,
		        CASE WHEN i % 10 = 0 THEN $2::timestamptz ELSE $1::timestamptz END
		 FROM generate_series(1, 12000) AS i`,
		`INSERT INTO processed_updates (update_id, processed_at)
		 SELECT i, CASE WHEN i % 10 = 0 THEN $2::timestamptz ELSE $1::timestamptz END FROM generate_series(1, 12000) AS i`,
	} {
		if _, err := st.DB().ExecContext(ctx, q, daysAgo(120, 0), retentionNow); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := st.Sweep(ctx, store.RetentionPolicy{OutboxSent: 90 * 24 * time.Hour, ProcessedUpdates: 7 * 24 * time.Hour, BatchSize: 1000}, retentionNow)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Deleted[store.SweptOutboxSent] != 10800 || rep.Deleted[store.SweptProcessedUpdates] != 10800 {
		t.Errorf("deleted %v, want 10800 of each", rep.Deleted)
	}
	for _, table := range []string{"outbox", "processed_updates"} {
		var n int
		if err := st.DB().Get(&n, `SELECT count(*) FROM `+table); err != nil {
			t.Fatal(err)
		}
		if n != 1200 {
			t.Errorf("%s: %d rows left, want 1200", table, n)
		}
	}
	if rep.Batches < 20 {
		t.Errorf("%d batches, want at least 11 per table", rep.Batches)
	}
}

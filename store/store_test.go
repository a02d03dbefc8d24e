package store_test

import (
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/lib/pq/pqerror"

	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// migrationFiles lists the migrations shipped in the source tree.
func migrationFiles(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir("migrations")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".sql") {
			names = append(names, e.Name())
		}
	}
	if len(names) == 0 {
		t.Fatal("no migrations found")
	}
	return names
}

func open(t *testing.T, url string) *store.Store {
	t.Helper()
	s, err := store.Open(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// appliedVersions returns the migration versions goose recorded as applied.
func appliedVersions(t *testing.T, s *store.Store) []int64 {
	t.Helper()
	var versions []int64
	err := s.DB().SelectContext(t.Context(), &versions,
		`SELECT version_id FROM goose_db_version WHERE version_id > 0 AND is_applied ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	return versions
}

func TestMigrate(t *testing.T) {
	files := migrationFiles(t)
	s := open(t, storetest.EmptyURL(t))

	applied, err := s.Migrate(t.Context())
	if err != nil {
		t.Fatalf("Migrate on an empty database: %v", err)
	}
	for i := range applied {
		applied[i] = strings.TrimPrefix(applied[i], "migrations/")
	}
	if !slices.Equal(applied, files) {
		t.Errorf("applied %q; want every migration in order %q", applied, files)
	}
	var tables int
	err = s.DB().GetContext(t.Context(), &tables, `
		SELECT count(*) FROM information_schema.tables
		WHERE table_schema = 'public' AND table_name = ANY ($1)`,
		pq.Array([]string{"units", "officials", "plans", "areas", "targets", "tasks", "occurrences",
			"progress_reports", "invites", "outbox", "job_runs", "processed_updates"}))
	if err != nil {
		t.Fatal(err)
	}
	if tables != 12 {
		t.Errorf("%d of 12 tables exist after Migrate", tables)
	}

	again, err := s.Migrate(t.Context())
	if err != nil {
		t.Fatalf("second Migrate: %v", err)
	}
	if len(again) != 0 {
		t.Errorf("second Migrate applied %q; want nothing", again)
	}
	if got := appliedVersions(t, s); len(got) != len(files) {
		t.Errorf("goose recorded versions %v; want %d", got, len(files))
	}
}

// TestMigrateConcurrently migrates one empty database from several
// connection pools at once, as several processes starting together would.
func TestMigrateConcurrently(t *testing.T) {
	files := migrationFiles(t)
	url := storetest.EmptyURL(t)
	const n = 3
	stores := make([]*store.Store, n)
	for i := range stores {
		stores[i] = open(t, url)
	}

	applied := make([][]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i, s := range stores {
		wg.Go(func() { applied[i], errs[i] = s.Migrate(t.Context()) })
	}
	wg.Wait()

	var all []string
	for i := range stores {
		if errs[i] != nil {
			t.Errorf("Migrate %d: %v", i, errs[i])
		}
		all = append(all, applied[i]...)
	}
	if len(all) != len(files) {
		t.Errorf("the concurrent calls applied %q together; want each of the %d migrations once", all, len(files))
	}
	versions := appliedVersions(t, stores[0])
	if len(versions) != len(files) || len(slices.Compact(slices.Sorted(slices.Values(versions)))) != len(files) {
		t.Errorf("goose recorded versions %v; want %d distinct", versions, len(files))
	}
}

// fixture is a small plan: a unit with a chairman and a member, a plan
// with one area, a task and its occurrence.
type fixture struct {
	now                                    time.Time
	unit, chairman, member, plan, area     int64
	otherPlan, otherArea, task, occurrence int64
}

func newFixture(t *testing.T, s *store.Store) fixture {
	t.Helper()
	f := fixture{now: time.Date(2025, 3, 14, 8, 0, 0, 0, time.UTC)}
	insert := func(id *int64, q string, args ...any) {
		t.Helper()
		if err := s.DB().GetContext(t.Context(), id, q+" RETURNING id", args...); err != nil {
			t.Fatalf("fixture: %v\n%s", err, q)
		}
	}
	insert(&f.unit, `INSERT INTO units (code, name, created_at, updated_at)
		VALUES ('pdp', 'UBND phường Phan Đình Phùng', $1, $1)`, f.now)
	insert(&f.chairman, `INSERT INTO officials (unit_id, key, name, position, roles, created_at, updated_at)
		VALUES ($1, 'chu-tich', 'Vương Văn Toàn', 'Chủ tịch UBND phường', '{chairman}', $2, $2)`, f.unit, f.now)
	insert(&f.member, `INSERT INTO officials (unit_id, key, name, position, created_at, updated_at)
		VALUES ($1, 'tu-phap', 'Nguyễn Thị Hà', 'Công chức Tư pháp - Hộ tịch', $2, $2)`, f.unit, f.now)
	insert(&f.plan, `INSERT INTO plans (unit_id, code, title, year, created_at, updated_at)
		VALUES ($1, 'KH-CCHC-2025', 'Kế hoạch cải cách hành chính năm 2025', 2025, $2, $2)`, f.unit, f.now)
	insert(&f.area, `INSERT INTO areas (plan_id, code, name)
		VALUES ($1, '2', 'Cải cách thủ tục hành chính')`, f.plan)
	insert(&f.otherPlan, `INSERT INTO plans (unit_id, code, title, year, created_at, updated_at)
		VALUES ($1, 'KH-CCHC-2026', 'Kế hoạch cải cách hành chính năm 2026', 2026, $2, $2)`, f.unit, f.now)
	insert(&f.otherArea, `INSERT INTO areas (plan_id, code, name)
		VALUES ($1, '2', 'Cải cách thủ tục hành chính')`, f.otherPlan)
	insert(&f.task, `INSERT INTO tasks (plan_id, area_id, key, title, lead_id, due, created_at, updated_at)
		VALUES ($1, $2, 'ra-soat-tthc', 'Rà soát, đề xuất cắt giảm, đơn giản hóa TTHC', $3, '2025-06-30', $4, $4)`,
		f.plan, f.area, f.member, f.now)
	insert(&f.occurrence, `INSERT INTO occurrences (task_id, key, nominal_due, due, created_at, updated_at)
		VALUES ($1, '2025-06-30', '2025-06-30', '2025-06-30', $2, $2)`, f.task, f.now)
	return f
}

// TestConstraints proves that the schema rejects states the program must
// never write, and accepts the valid neighbours of each.
func TestConstraints(t *testing.T) {
	s := storetest.New(t)
	f := newFixture(t, s)
	hash := func(n int) []byte { return make([]byte, n) }
	done := f.now.Add(time.Hour)

	tests := []struct {
		name string
		q    string
		args []any
		want pqerror.Code // "" = accepted
	}{
		{"official with roles chairman and office", `INSERT INTO officials (unit_id, key, name, roles, created_at, updated_at)
			VALUES ($1, 'van-phong', 'Trần Văn Bình', '{chairman,office}', $2, $2)`, []any{f.unit, f.now}, ""},
		{"official with role boss", `INSERT INTO officials (unit_id, key, name, roles, created_at, updated_at)
			VALUES ($1, 'van-phong', 'Trần Văn Bình', '{boss}', $2, $2)`, []any{f.unit, f.now}, pqerror.CheckViolation},
		{"official without roles", `INSERT INTO officials (unit_id, key, name, roles, created_at, updated_at)
			VALUES ($1, 'van-phong', 'Trần Văn Bình', '{}', $2, $2)`, []any{f.unit, f.now}, pqerror.CheckViolation},
		{"official key with capitals", `INSERT INTO officials (unit_id, key, name, created_at, updated_at)
			VALUES ($1, 'Van-Phong', 'Trần Văn Bình', $2, $2)`, []any{f.unit, f.now}, pqerror.CheckViolation},
		{"duplicate official key in a unit", `INSERT INTO officials (unit_id, key, name, created_at, updated_at)
			VALUES ($1, 'tu-phap', 'Lê Văn Cường', $2, $2)`, []any{f.unit, f.now}, pqerror.UniqueViolation},
		{"official with a chat but not linked", `UPDATE officials SET telegram_chat_id = 1001 WHERE id = $1`,
			[]any{f.member}, pqerror.CheckViolation},
		{"official linked", `UPDATE officials SET telegram_chat_id = 1001, linked_at = $2 WHERE id = $1`,
			[]any{f.member, f.now}, ""},

		{"recurring task", `INSERT INTO tasks (plan_id, area_id, key, title, lead_id, every, due_day, start_date, created_at, updated_at)
			VALUES ($1, $2, 'bao-cao-tuan', 'Tổng hợp báo cáo kết quả theo dõi CCHC', $3, 'weekly', 5, '2025-01-06', $4, $4)`,
			[]any{f.plan, f.area, f.member, f.now}, ""},
		{"task with both due and every", `INSERT INTO tasks (plan_id, area_id, key, title, lead_id, due, every, due_day, start_date, created_at, updated_at)
			VALUES ($1, $2, 'bao-cao-tuan', 'Tổng hợp báo cáo', $3, '2025-06-30', 'weekly', 5, '2025-01-06', $4, $4)`,
			[]any{f.plan, f.area, f.member, f.now}, pqerror.CheckViolation},
		{"task with neither due nor every", `INSERT INTO tasks (plan_id, area_id, key, title, lead_id, created_at, updated_at)
			VALUES ($1, $2, 'bao-cao-tuan', 'Tổng hợp báo cáo', $3, $4, $4)`,
			[]any{f.plan, f.area, f.member, f.now}, pqerror.CheckViolation},
		{"weekly task due on day 8", `INSERT INTO tasks (plan_id, area_id, key, title, lead_id, every, due_day, start_date, created_at, updated_at)
			VALUES ($1, $2, 'bao-cao-tuan', 'Tổng hợp báo cáo', $3, 'weekly', 8, '2025-01-06', $4, $4)`,
			[]any{f.plan, f.area, f.member, f.now}, pqerror.CheckViolation},
		{"monthly task due on day 0", `INSERT INTO tasks (plan_id, area_id, key, title, lead_id, every, due_day, start_date, created_at, updated_at)
			VALUES ($1, $2, 'bao-cao-thang', 'Báo cáo tháng', $3, 'monthly', 0, '2025-01-01', $4, $4)`,
			[]any{f.plan, f.area, f.member, f.now}, pqerror.CheckViolation},
		{"task with an unknown cadence", `INSERT INTO tasks (plan_id, area_id, key, title, lead_id, every, due_day, start_date, created_at, updated_at)
			VALUES ($1, $2, 'bao-cao-ngay', 'Báo cáo ngày', $3, 'daily', 1, '2025-01-01', $4, $4)`,
			[]any{f.plan, f.area, f.member, f.now}, pqerror.CheckViolation},
		{"duplicate task key in a plan", `INSERT INTO tasks (plan_id, area_id, key, title, lead_id, due, created_at, updated_at)
			VALUES ($1, $2, 'ra-soat-tthc', 'Rà soát TTHC lần hai', $3, '2025-09-30', $4, $4)`,
			[]any{f.plan, f.area, f.member, f.now}, pqerror.UniqueViolation},
		{"same task key in another plan", `INSERT INTO tasks (plan_id, area_id, key, title, lead_id, due, created_at, updated_at)
			VALUES ($1, $2, 'ra-soat-tthc', 'Rà soát TTHC', $3, '2026-06-30', $4, $4)`,
			[]any{f.otherPlan, f.otherArea, f.member, f.now}, ""},
		{"task in an area of another plan", `INSERT INTO tasks (plan_id, area_id, key, title, lead_id, due, created_at, updated_at)
			VALUES ($1, $2, 'tuyen-truyen', 'Tuyên truyền CCHC', $3, '2025-09-30', $4, $4)`,
			[]any{f.plan, f.otherArea, f.member, f.now}, pqerror.ForeignKeyViolation},

		{"occurrence at 100 percent", `UPDATE occurrences SET percent = 100 WHERE id = $1`, []any{f.occurrence}, ""},
		{"occurrence at 101 percent", `UPDATE occurrences SET percent = 101 WHERE id = $1`, []any{f.occurrence}, pqerror.CheckViolation},
		{"occurrence at -1 percent", `UPDATE occurrences SET percent = -1 WHERE id = $1`, []any{f.occurrence}, pqerror.CheckViolation},
		{"occurrence done at 60 percent", `UPDATE occurrences SET percent = 60, done_at = $2 WHERE id = $1`,
			[]any{f.occurrence, done}, pqerror.CheckViolation},
		{"occurrence done", `UPDATE occurrences SET percent = 100, done_at = $2, done_by = $3 WHERE id = $1`,
			[]any{f.occurrence, done, f.member}, ""},
		{"occurrence due before its nominal due", `UPDATE occurrences SET due = '2025-06-27' WHERE id = $1`,
			[]any{f.occurrence}, pqerror.CheckViolation},
		{"duplicate occurrence key", `INSERT INTO occurrences (task_id, key, nominal_due, due, created_at, updated_at)
			VALUES ($1, '2025-06-30', '2025-06-30', '2025-06-30', $2, $2)`, []any{f.task, f.now}, pqerror.UniqueViolation},

		{"progress report at 101 percent", `INSERT INTO progress_reports (occurrence_id, official_id, percent, source, reported_at)
			VALUES ($1, $2, 101, 'telegram', $3)`, []any{f.occurrence, f.member, f.now}, pqerror.CheckViolation},
		{"progress report from an unknown source", `INSERT INTO progress_reports (occurrence_id, official_id, percent, source, reported_at)
			VALUES ($1, $2, 60, 'email', $3)`, []any{f.occurrence, f.member, f.now}, pqerror.CheckViolation},
		{"progress report", `INSERT INTO progress_reports (occurrence_id, official_id, percent, note, source, reported_at)
			VALUES ($1, $2, 60, 'Đã rà soát 12/20 thủ tục', 'telegram', $3)`, []any{f.occurrence, f.member, f.now}, ""},

		{"invite with a 32-byte hash", `INSERT INTO invites (official_id, code_hash, created_at, expires_at)
			VALUES ($1, $2, $3, $4)`, []any{f.member, hash(32), f.now, f.now.Add(72 * time.Hour)}, ""},
		{"invite with a 16-byte hash", `INSERT INTO invites (official_id, code_hash, created_at, expires_at)
			VALUES ($1, $2, $3, $4)`, []any{f.member, hash(16), f.now, f.now.Add(72 * time.Hour)}, pqerror.CheckViolation},
		{"invite expiring before it is made", `INSERT INTO invites (official_id, code_hash, created_at, expires_at)
			VALUES ($1, $2, $3, $4)`, []any{f.member, hash(32), f.now, f.now.Add(-time.Hour)}, pqerror.CheckViolation},
		{"invite used by nobody", `INSERT INTO invites (official_id, code_hash, created_at, expires_at, used_at)
			VALUES ($1, $2, $3, $4, $3)`, []any{f.member, hash(32), f.now, f.now.Add(time.Hour)}, pqerror.CheckViolation},

		{"percent target with goal 120", `INSERT INTO targets (plan_id, area_id, key, text, measure, goal, comparator, owner_id, every, created_at, updated_at)
			VALUES ($1, $2, 'tthc-dung-han', '100% hồ sơ TTHC được trả kết quả đúng hạn', 'percent', 120, '>=', $3, 'monthly', $4, $4)`,
			[]any{f.plan, f.area, f.member, f.now}, pqerror.CheckViolation},
		{"target with comparator =>", `INSERT INTO targets (plan_id, area_id, key, text, measure, goal, comparator, owner_id, every, created_at, updated_at)
			VALUES ($1, $2, 'tthc-dung-han', '100% hồ sơ TTHC được trả kết quả đúng hạn', 'percent', 100, '=>', $3, 'monthly', $4, $4)`,
			[]any{f.plan, f.area, f.member, f.now}, pqerror.CheckViolation},

		{"outbox row sent without sent_at", `INSERT INTO outbox (chat_id, dedupe_key, kind, payload, status, next_attempt_at, created_at)
			VALUES (1001, 'k1', 'notice', '{}', 'sent', $1, $1)`, []any{f.now}, pqerror.CheckViolation},
		{"job run claimed twice", `INSERT INTO job_runs (job, scheduled_at, started_at)
			VALUES ('remind', $1, $1), ('remind', $1, $1)`, []any{f.now}, pqerror.UniqueViolation},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := inRolledBackTx(t, s, func(tx *sqlx.Tx) error {
				_, err := tx.ExecContext(t.Context(), tt.q, tt.args...)
				return err
			})
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("rejected: %v", err)
			case tt.want != "" && err == nil:
				t.Errorf("accepted; want error %s", tt.want)
			case tt.want != "" && pq.As(err, tt.want) == nil:
				t.Errorf("error %v; want %s", err, tt.want)
			}
		})
	}
}

// inRolledBackTx runs fn in a transaction that is always rolled back, so
// that the cases of a table do not see each other's rows.
func inRolledBackTx(t *testing.T, s *store.Store, fn func(tx *sqlx.Tx) error) error {
	t.Helper()
	tx, err := s.DB().BeginTxx(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	return fn(tx)
}

func TestEnqueue(t *testing.T) {
	s := storetest.New(t)
	f := newFixture(t, s)
	ctx := t.Context()

	listener := pq.NewListener(s.URL(), 10*time.Millisecond, time.Second, nil)
	t.Cleanup(func() { listener.Close() })
	if err := listener.Listen(store.OutboxChannel); err != nil {
		t.Fatal(err)
	}

	msg := store.OutMessage{
		UnitID:       &f.unit,
		OfficialID:   &f.member,
		ChatID:       1001,
		DedupeKey:    "reminder:1:3d",
		Kind:         "reminder",
		OccurrenceID: &f.occurrence,
		Payload: store.Payload{
			Text:    "Nhắc việc: <b>Rà soát, đề xuất cắt giảm, đơn giản hóa TTHC</b>, hạn 30/06/2025",
			Buttons: [][]store.Button{{{Text: "✅ Hoàn thành", Data: "d:1"}}},
		},
		NotBefore: f.now,
	}
	tests := []struct {
		name string
		msg  store.OutMessage
		want bool
	}{
		{"first", msg, true},
		{"same dedupe key", msg, false},
		{"other dedupe key", func() store.OutMessage { m := msg; m.DedupeKey = "reminder:1:1d"; return m }(), true},
	}
	for _, tt := range tests {
		var inserted bool
		err := s.Tx(ctx, func(tx *store.Tx) error {
			var err error
			inserted, err = store.Enqueue(ctx, tx, tt.msg)
			return err
		})
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if inserted != tt.want {
			t.Errorf("%s: Enqueue = %v; want %v", tt.name, inserted, tt.want)
		}
	}

	var rows []struct {
		DedupeKey string `db:"dedupe_key"`
		Status    string `db:"status"`
		Text      string `db:"text"`
	}
	err := s.DB().SelectContext(ctx, &rows,
		`SELECT dedupe_key, status, payload->>'text' AS text FROM outbox ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].DedupeKey != "reminder:1:3d" || rows[1].DedupeKey != "reminder:1:1d" {
		t.Fatalf("outbox rows %+v; want the two distinct messages", rows)
	}
	if rows[0].Status != "pending" || rows[0].Text != msg.Payload.Text {
		t.Errorf("outbox row %+v; want pending with the payload's text", rows[0])
	}

	select {
	case n := <-listener.Notify:
		if n == nil || n.Channel != store.OutboxChannel {
			t.Errorf("notification %+v; want one on %s", n, store.OutboxChannel)
		}
	case <-time.After(10 * time.Second):
		t.Error("no notification on the outbox channel after a committed Enqueue")
	}

	if _, err := store.Enqueue(ctx, s, store.OutMessage{ChatID: 1, Kind: "notice"}); err == nil {
		t.Error("Enqueue accepted an empty dedupe key")
	}
}

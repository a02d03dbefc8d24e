package store_test

import (
	"os"
	"strings"
	"testing"

	"github.com/pressly/goose/v3"

	"github.com/nhacviec/nhacviec/store/storetest"
)

// Migration 00072 gives existing occurrences their plan period and ends
// existing recurring tasks with their plan year, archiving the open
// occurrences already created past it.
func TestMigratePlanPeriods(t *testing.T) {
	ctx := t.Context()
	url := storetest.EmptyURL(t)
	s := open(t, url)
	p, err := goose.NewProvider(goose.DialectPostgres, s.DB().DB, os.DirFS("migrations"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 64); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().ExecContext(ctx, `
		INSERT INTO units (id, code, name, timezone, created_at, updated_at)
		VALUES (1, 'pdp', 'UBND phường', 'Asia/Ho_Chi_Minh', now(), now());
		INSERT INTO plans (id, unit_id, code, title, year, created_at, updated_at)
		VALUES (1, 1, 'KH-2025', 'Kế hoạch 2025', 2025, now(), now());
		INSERT INTO officials (id, unit_id, key, name, roles, created_at, updated_at)
		VALUES (1, 1, 'van-phong', 'Văn phòng', ARRAY['office'], now(), now());
		INSERT INTO areas (id, plan_id, code, name, position) VALUES (1, 1, '1', 'Chỉ đạo', 1);
		INSERT INTO tasks (id, plan_id, area_id, key, title, lead_id, every, due_day, start_date, created_at, updated_at)
		VALUES (1, 1, 1, 'bao-cao-thang', 'Báo cáo tháng', 1, 'monthly', 14, '2025-01-01', now(), now());
		INSERT INTO tasks (id, plan_id, area_id, key, title, lead_id, due, created_at, updated_at)
		VALUES (2, 1, 1, 'ra-soat', 'Rà soát', 1, '2025-06-30', now(), now());
		INSERT INTO occurrences (task_id, key, nominal_due, due, created_at, updated_at) VALUES
			(1, '2025-12', '2025-12-14', '2025-12-15', now(), now()),
			(1, '2026-01', '2026-01-14', '2026-01-14', now(), now()),
			(2, '2025-06-30', '2025-06-30', '2025-06-30', now(), now());`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var rows []string
	if err := s.DB().SelectContext(ctx, &rows, `
		SELECT o.key || ' ' || COALESCE(o.period, '-') || ' ' || (o.archived_at IS NOT NULL)::text || ' ' || o.ongoing::text
		FROM occurrences o ORDER BY o.key`); err != nil {
		t.Fatal(err)
	}
	want := "2025-06-30 - false false|2025-12 2025-12 false false|2026-01 2026-01 true false"
	if got := strings.Join(rows, "|"); got != want {
		t.Errorf("occurrences after 00072:\n got %s\nwant %s", got, want)
	}
	var end string
	if err := s.DB().GetContext(ctx, &end, `SELECT end_date::text FROM tasks WHERE id = 1`); err != nil {
		t.Fatal(err)
	}
	if end != "2025-12-31" {
		t.Errorf("the recurring task ends %s, want 2025-12-31 (the end of its plan year)", end)
	}
}

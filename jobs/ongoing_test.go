package jobs_test

import (
	"context"
	"strings"
	"testing"
)

// An ongoing task (thường xuyên) has no deadline: no reminder, nag or
// escalation ever; its lead is asked for progress once a month, in the
// request of the week holding the month's last day.
func TestOngoingTask(t *testing.T) {
	e := newEnv(t, eachConfig())
	ctx := context.Background()
	// A lead with no other task, so that the request lists it whole.
	if _, err := e.st.DB().ExecContext(ctx, `
		INSERT INTO officials (unit_id, key, name, position, roles, telegram_chat_id, telegram_user_id,
		                       linked_at, created_at, updated_at)
		SELECT unit_id, 'pho-chu-tich', 'Phó Chủ tịch', 'Phó Chủ tịch UBND phường', ARRAY['member'],
		       999, 999, now(), now(), now()
		FROM officials WHERE key = 'chu-tich'`); err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.DB().ExecContext(ctx, `
		UPDATE tasks SET ongoing = true, due_period = '2025', due = '2025-12-31',
		       lead_id = (SELECT id FROM officials WHERE key = 'pho-chu-tich')
		WHERE key = 'ke-hoach-ra-soat-tthc'`); err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.DB().ExecContext(ctx, `
		UPDATE occurrences SET ongoing = true, period = '2025', key = '2025-12-31',
		       nominal_due = '2025-12-31', due = '2025-12-31'
		WHERE task_id = (SELECT id FROM tasks WHERE key = 'ke-hoach-ra-soat-tthc')`); err != nil {
		t.Fatal(err)
	}
	e.runUntil(at("2025-09-30 23:59"), at("2025-12-10 23:59"), nil)
	all := e.outbox()
	for _, m := range all {
		if m.Task == "ke-hoach-ra-soat-tthc" {
			t.Errorf("an ongoing task got a %s: %s", m.Kind, m.Key)
		}
	}
	var weeks []string
	for _, m := range filter(all, func(m msg) bool { return m.Kind == "progress_request" }) {
		if !strings.Contains(m.Text, "Xây dựng Kế hoạch rà soát") {
			continue
		}
		if m.Official != "pho-chu-tich" {
			t.Errorf("the progress request on an ongoing task went to %s, not its lead", m.Official)
		}
		if !strings.Contains(m.Text, "thường xuyên") {
			t.Errorf("the request does not say the task is ongoing: %q", m.Text)
		}
		weeks = append(weeks, strings.Split(m.Key, ":")[1])
	}
	// September ends in week 40 (Tuesday 30/9; asked Friday 3/10), October
	// in week 44, November in week 48: one request each, none in the weeks
	// between.
	if strings.Join(weeks, " ") != "2025-W40 2025-W44 2025-W48" {
		t.Errorf("monthly requests in weeks %v, want 2025-W40 2025-W44 2025-W48", weeks)
	}
}

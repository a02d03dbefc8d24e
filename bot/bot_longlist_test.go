package bot_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/tghtml"
)

// TestLongListsFitOneMessage gives the member 600 more open tasks with
// long titles full of markup, 300 of them overdue, and checks /viec and
// /quahan: one message each under 4096 characters, the header counting
// every task, the listed ones numbered from 1 and a note counting the rest;
// and a numbered reply to the list reaches the task it names.
func TestLongListsFitOneMessage(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	// Due 3/3/2025 (overdue at t0) for the first 300, 30/9/2025 for the
	// rest; positions put them before the fixture's task.
	_, err := h.st.DB().ExecContext(ctx, `
		WITH t AS (
			INSERT INTO tasks (plan_id, area_id, key, title, lead_id, due, position, created_at, updated_at)
			SELECT f.plan_id, f.area_id, 'nv-' || i,
			       'Nhiệm vụ ' || lpad(i::text, 3, '0') || ': rà soát <b>TTHC</b> & "đơn giản hóa" ' || repeat('thủ tục hành chính > 95% ', 12),
			       $2, CASE WHEN i <= 300 THEN date '2025-03-03' ELSE date '2025-09-30' END, -i, $3, $3
			FROM generate_series(1, 600) AS i, (SELECT plan_id, area_id FROM tasks WHERE id = $1) AS f
			RETURNING id, due)
		INSERT INTO occurrences (task_id, key, nominal_due, due, created_at, updated_at)
		SELECT id, due::text, due, due, $3, $3 FROM t`, h.task, h.member, t0)
	if err != nil {
		t.Fatal(err)
	}
	p := i18n.New(i18n.VI)
	for _, c := range []struct {
		command, header string
		total           int
		reply           string
	}{
		{"viec", p.T("bot.tasks_header", 601), 601, "40%"},
		{"quahan", p.T("bot.overdue_header_mine", 300), 300, "60%"},
	} {
		n := len(h.srv.SentTo(memberUser))
		h.processed(h.srv.SendCommand(memberUser, memberUser, c.command, ""))
		h.settled()
		answer := h.srv.SentTo(memberUser)[n:]
		if len(answer) != 1 {
			t.Fatalf("/%s: answered in %d messages, want one", c.command, len(answer))
		}
		got := answer[0]
		if l := tghtml.Len(got.Text); l > tghtml.MaxMessage {
			t.Fatalf("/%s: %d characters", c.command, l)
		}
		lines := strings.Split(got.Plain(), "\n")
		if lines[0] != tghtml.StripTags(c.header) {
			t.Errorf("/%s: header %q, want %q", c.command, lines[0], tghtml.StripTags(c.header))
		}
		listed := 0
		for listed+1 < len(lines) && strings.HasPrefix(lines[listed+1], fmt.Sprintf("%d. Nhiệm vụ ", listed+1)) {
			listed++
		}
		if listed == 0 || listed > 20 {
			t.Fatalf("/%s: %d tasks listed:\n%s", c.command, listed, got.Plain())
		}
		if note := p.T("bot.tasks_more", c.total-listed); lines[listed+1] != note {
			t.Errorf("/%s: after %d tasks %q, want %q", c.command, listed, lines[listed+1], note)
		}

		// "2: N%" in reply to the list reaches its second task.
		before := len(h.srv.SentTo(memberUser))
		h.processed(h.srv.Reply(memberUser, memberUser, got.MessageID, "2: "+c.reply))
		h.settled()
		confirm := h.srv.SentTo(memberUser)[before].Plain()
		want := string([]rune(strings.TrimPrefix(lines[2], "2. "))[:40])
		if !strings.Contains(confirm, want) || !strings.Contains(confirm, c.reply) {
			t.Errorf("/%s: reply \"2: %s\" answered %q, want progress recorded on %q…", c.command, c.reply, confirm, want)
		}
	}
}

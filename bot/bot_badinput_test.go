package bot_test

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/nhacviec/nhacviec/tghtml"
)

// TestBadReplies sends the bot every kind of malformed or hostile reply to
// a reminder, through the real client and the fake Bot API (which refuses
// invalid HTML and texts over 4096 characters as Telegram does), and checks
// what the official gets back and what is stored.
func TestBadReplies(t *testing.T) {
	h := newHarness(t)
	reminder := h.remind(h.member, memberUser, "remind:bad")
	long := strings.Repeat("Đã làm việc với các bộ phận liên quan. ", 300) // ~11,700 characters

	cases := []struct {
		name      string
		text      string
		wantReply string // in the bot's answer
		percent   int    // occurrence percent afterwards
		note      string // stored note of the new report ("" = no new report)
	}{
		{"percent above 100", "150%", "từ 0% đến 100%", 0, ""},
		{"negative percent", "-5%", "từ 0% đến 100%", 0, ""},
		{"letters before %", "abc%", "Đã ghi nhận ý kiến", 0, "abc%"},
		{"HTML in the text", "<b>xong</b> & <script>alert(1)</script>", "Đã ghi nhận ý kiến", 0, "<b>xong</b> & <script>alert(1)</script>"},
		{"SQL-looking text", "'; DROP TABLE tasks; --", "Đã ghi nhận ý kiến", 0, "'; DROP TABLE tasks; --"},
		{"invalid UTF-8", "50% \xff\xfe báo cáo", "50%", 50, "\ufffd\ufffd báo cáo"},
		{"oversized text", long, "Đã ghi nhận ý kiến", 50, strings.TrimSpace(long)},
	}
	for i, c := range cases {
		before := len(h.reports())
		h.srv.Reply(memberUser, memberUser, reminder.MessageID, c.text)
		got := h.nextTo(memberUser, i+2)
		if !strings.Contains(got.Plain(), c.wantReply) {
			t.Errorf("%s: answer %q, want it to contain %q", c.name, got.Plain(), c.wantReply)
		}
		if err := tghtml.Validate(got.Text); err != nil || tghtml.Len(got.Text) > tghtml.MaxMessage {
			t.Errorf("%s: answer is not valid Telegram HTML under 4096: %v", c.name, err)
		}
		if o := h.occurrenceNow(); o.Percent != c.percent || o.Done() {
			t.Errorf("%s: percent %d done %v, want %d and open", c.name, o.Percent, o.Done(), c.percent)
		}
		rs := h.reports()
		switch {
		case c.note == "" && len(rs) != before:
			t.Errorf("%s: a refused reply stored a report", c.name)
		case c.note != "" && len(rs) != before+1:
			t.Errorf("%s: %d reports, want %d", c.name, len(rs), before+1)
		case c.note != "":
			want := []rune(strings.TrimSpace(c.note))
			if len(want) > 10 {
				want = want[:10]
			}
			if got := rs[len(rs)-1].Note; !utf8.ValidString(got) || !strings.Contains(got, string(want)) {
				t.Errorf("%s: stored note %.60q", c.name, got)
			}
		}
	}
	// The SQL-looking note changed nothing but the note.
	var tasks int
	if err := h.st.DB().Get(&tasks, `SELECT count(*) FROM tasks`); err != nil || tasks != 1 {
		t.Errorf("tasks table after SQL-looking text: %d rows, %v", tasks, err)
	}
	if rows, err := h.st.OutboxCounts(context.Background()); err != nil || rows.Dead != 0 {
		t.Errorf("outbox %+v, %v: every answer must be deliverable", rows, err)
	}
}

// TestHostileTaskTitleIsEscaped checks that a task title with markup
// reaches Telegram escaped: the fake server refuses a message whose HTML
// Telegram would refuse, so a delivered /viec list proves it.
func TestHostileTaskTitleIsEscaped(t *testing.T) {
	h := newHarness(t)
	title := `Rà soát <b>TTHC</b> & "đơn giản hóa" <script>x</script>`
	if _, err := h.st.DB().Exec(`UPDATE tasks SET title = $1 WHERE id = $2`, title, h.task); err != nil {
		t.Fatal(err)
	}
	h.srv.SendCommand(memberUser, memberUser, "viec", "")
	got := h.nextTo(memberUser, 1)
	if !strings.Contains(got.Plain(), title) {
		t.Fatalf("/viec does not show the title as written: %q", got.Plain())
	}
	if strings.Contains(got.Text, "<script>") || strings.Contains(got.Text, "<b>TTHC</b>") {
		t.Errorf("title markup reached Telegram unescaped: %q", got.Text)
	}
}

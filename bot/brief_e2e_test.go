package bot_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/nhacviec/nhacviec/callback"
	"github.com/nhacviec/nhacviec/config"
	"github.com/nhacviec/nhacviec/jobs"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/store/storetest"
	"github.com/nhacviec/nhacviec/telegramtest"
)

// addTask adds to the harness's plan a task led by lead, due due, with one
// occurrence, and returns the occurrence's id.
func (h *harness) addTask(key, title string, lead int64, due string) int64 {
	h.t.Helper()
	ctx := context.Background()
	var occ int64
	err := storetest.SQLTx(ctx, h.st, func(tx *sqlx.Tx) error {
		var task int64
		if err := tx.GetContext(ctx, &task, `
			INSERT INTO tasks (plan_id, area_id, key, title, lead_id, due, created_at, updated_at)
			SELECT plan_id, area_id, $1, $2, $3, $4, $5, $5 FROM tasks WHERE id = $6 RETURNING id`,
			key, title, lead, due, t0, h.task); err != nil {
			return err
		}
		return tx.GetContext(ctx, &occ, `INSERT INTO occurrences (task_id, key, nominal_due, due, created_at, updated_at)
			VALUES ($1, $2::text, $2::date, $2::date, $3, $3) RETURNING id`, task, due, t0)
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return occ
}

// briefRun runs the reminder job at s (ICT) with reminders.style brief
// and waits until its messages are delivered.
func (h *harness) briefRun(s string) {
	h.t.Helper()
	when, err := time.ParseInLocation("2006-01-02 15:04", s, ict)
	if err != nil {
		h.t.Fatal(err)
	}
	h.clk.Set(when)
	cfg := config.Default()
	if cfg.Reminders.Style != config.StyleBrief {
		h.t.Fatalf("the default style is %q, want brief", cfg.Reminders.Style)
	}
	sched, err := jobs.New(h.st, cfg, h.clk, quietLog())
	if err != nil {
		h.t.Fatal(err)
	}
	if _, err := sched.RunAt(context.Background(), when); err != nil {
		h.t.Fatal(err)
	}
	h.settled()
}

// press presses the button labelled label of m as user and returns the
// answer.
func (h *harness) press(m telegramtest.SentMessage, user int64, label string) string {
	h.t.Helper()
	for _, row := range m.Buttons {
		for _, b := range row {
			if b.Text == label {
				return h.pressData(m, user, b.CallbackData)
			}
		}
	}
	h.t.Fatalf("no button %q in %v", label, m.Buttons)
	return ""
}

// pressData presses a button with data under m as user and returns the
// answer.
func (h *harness) pressData(m telegramtest.SentMessage, user int64, data string) string {
	h.t.Helper()
	answers := len(h.srv.CallbackAnswers())
	h.srv.PressButton(m.ChatID, user, m.MessageID, data)
	h.waitFor("answer", func() bool { return len(h.srv.CallbackAnswers()) > answers })
	return h.srv.CallbackAnswers()[answers].Text
}

// snoozes counts the rows of snoozes.
func (h *harness) snoozes() int {
	h.t.Helper()
	var n int
	if err := storetest.SQLTx(context.Background(), h.st, func(tx *sqlx.Tx) error {
		return tx.GetContext(context.Background(), &n, `SELECT count(*) FROM snoozes`)
	}); err != nil {
		h.t.Fatal(err)
	}
	return n
}

// TestMorningBrief: on Monday 23/6/2025 tu-phap has six items — three
// overdue (two of them three or more working days, so escalated), one due
// today, one due tomorrow and the harness's task due in seven days — and
// receives one brief grouped and numbered across the groups; van-phong,
// supporting one task and told of the escalations, gets one reminder and
// one escalation message; the chairman one escalation message listing
// both. Numbered replies update the item they name; bad numbers and bare
// replies change nothing. Snoozes postpone by working days of the
// calendar, never past the due date, once for an overdue item, and are
// honoured by the next runs.
func TestMorningBrief(t *testing.T) {
	h := newHarness(t)
	occD := h.addTask("d", "Việc D quá hạn lâu", h.member, "2025-06-17")
	occE := h.addTask("e", "Việc E quá hạn ba ngày", h.member, "2025-06-18")
	occA := h.addTask("a", "Việc A quá hạn hôm qua", h.member, "2025-06-20")
	h.addTask("b", "Việc B đến hạn hôm nay", h.member, "2025-06-23")
	occC := h.addTask("c", "Việc C đến hạn ngày mai", h.member, "2025-06-24")
	memberBefore, officeBefore, chairBefore := len(h.srv.SentTo(memberUser)), len(h.srv.SentTo(officeUser)), len(h.srv.SentTo(chairUser))

	h.briefRun("2025-06-23 08:00")
	got := h.srv.SentTo(memberUser)[memberBefore:]
	if len(got) != 1 {
		t.Fatalf("tu-phap got %d messages, want one brief", len(got))
	}
	brief := got[0]
	text := brief.Plain()
	order := []string{"Quá hạn", "1. Việc D", "2. Việc E", "3. Việc A", "Đến hạn hôm nay", "4. Việc B",
		"Sắp đến hạn", "5. Việc C", "6. " + taskTitle}
	at := 0
	for _, want := range order {
		i := strings.Index(text[at:], want)
		if i < 0 {
			t.Fatalf("brief lacks %q after position %d:\n%s", want, at, text)
		}
		at += i + len(want)
	}
	if len(brief.Buttons) != 6 || brief.Buttons[1][0].Text != "✅ 2" || brief.Buttons[1][1].Text != "⏰ 2: 1 ngày" {
		t.Fatalf("brief buttons %v", brief.Buttons)
	}
	office := h.srv.SentTo(officeUser)[officeBefore:]
	if len(office) != 2 {
		t.Fatalf("van-phong got %d messages, want a reminder and an escalation", len(office))
	}
	chair := h.srv.SentTo(chairUser)[chairBefore:]
	if len(chair) != 1 || !strings.Contains(chair[0].Plain(), "2 nhiệm vụ quá hạn") ||
		!strings.Contains(chair[0].Plain(), "1. Việc D") || !strings.Contains(chair[0].Plain(), "2. Việc E") {
		t.Fatalf("chairman got %d messages, want one escalation listing D and E: %v", len(chair), chair)
	}
	for _, m := range office {
		if strings.Contains(m.Plain(), taskTitle) && (len(m.Buttons) != 3 || m.Buttons[2][0].Text != "⏰ 1 ngày") {
			t.Fatalf("van-phong's one-item brief is the reminder with its keyboard and snooze: %v", m.Buttons)
		}
	}
	h.marked(brief)

	// Numbered replies, then bad ones.
	reply := func(text string) string {
		t.Helper()
		n := len(h.srv.SentTo(memberUser))
		h.srv.Reply(memberUser, memberUser, brief.MessageID, text)
		return h.nextTo(memberUser, n+1).Plain()
	}
	percentOf := func(occ int64) (int, bool) {
		t.Helper()
		o, err := store.ReportableOccurrenceByID(context.Background(), h.st, occ)
		if err != nil {
			t.Fatal(err)
		}
		return o.Percent, o.Done()
	}
	for _, c := range []struct {
		text string
		occ  int64
		pct  int
		done bool
	}{
		{"2: 60%", occE, 60, false},
		{"1 40% chờ số liệu", occD, 40, false},
		{"3 xong", occA, 100, true},
		{"5 30", occC, 30, false},
	} {
		if r := reply(c.text); !strings.Contains(r, "Đã ghi nhận") && !strings.Contains(r, "hoàn thành") {
			t.Errorf("reply %q answered %q", c.text, r)
		}
		if pct, done := percentOf(c.occ); pct != c.pct || done != c.done {
			t.Errorf("after %q: %d%%, done %v; want %d%%, %v", c.text, pct, done, c.pct, c.done)
		}
	}
	reports := func() int {
		var n int
		if err := storetest.SQLTx(context.Background(), h.st, func(tx *sqlx.Tx) error {
			return tx.GetContext(context.Background(), &n, `SELECT count(*) FROM progress_reports`)
		}); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := reports()
	for _, c := range []struct{ text, want string }{
		{"7 xong", "có 6 nhiệm vụ, đánh số từ 1 đến 6: không có nhiệm vụ số 7"},
		{"0 xong", "không có nhiệm vụ số 0"},
		{"xong", "Hãy ghi số thứ tự"},
		{"60%", "6. " + taskTitle},
	} {
		if r := reply(c.text); !strings.Contains(r, c.want) {
			t.Errorf("bad reply %q answered %q, want %q", c.text, r, c.want)
		}
	}
	if n := reports(); n != before {
		t.Errorf("bad replies recorded %d reports", n-before)
	}

	// Snooze: item 5 (due tomorrow) by three days stops at its due date;
	// item 2 (overdue) by one working day, once.
	if a := h.press(brief, memberUser, "⏰ 5: 3 ngày"); !strings.Contains(a, "24/06/2025") {
		t.Errorf("snooze of an item due tomorrow: %q", a)
	}
	if a := h.press(brief, memberUser, "⏰ 2: 1 ngày"); !strings.Contains(a, "25/06/2025") {
		t.Errorf("snooze of an overdue item by one day: %q", a)
	}
	if a := h.press(brief, memberUser, "⏰ 2: 3 ngày"); !strings.Contains(a, "một lần") {
		t.Errorf("second snooze of an overdue item: %q", a)
	}
	snoozed := h.snoozes()
	// Forged and not allowed presses change nothing.
	data := brief.Buttons[4][2].CallbackData
	if a := h.pressData(brief, memberUser, data[:len(data)-2]+"AA"); a == "" || strings.Contains(a, "hoãn") {
		t.Errorf("forged snooze answered %q", a)
	}
	if a := h.pressData(chair[0], chairUser, h.signer.Encode(callback.Action{Kind: callback.KindSnooze, OccurrenceID: occC, Value: 1}, chairUser)); strings.Contains(a, "hoãn nhắc") {
		t.Errorf("the chairman, who may not update the task, snoozed it: %q", a)
	}
	if n := h.snoozes(); n != snoozed {
		t.Errorf("forged or refused presses wrote %d snoozes", n-snoozed)
	}

	// Tuesday: E is snoozed (until Wednesday), D and A... A is done.
	before = len(h.srv.SentTo(memberUser))
	h.briefRun("2025-06-24 08:00")
	tue := h.srv.SentTo(memberUser)[before:]
	if len(tue) != 1 || strings.Contains(tue[0].Plain(), "Việc E") || !strings.Contains(tue[0].Plain(), "Việc D") ||
		!strings.Contains(tue[0].Plain(), "Việc C") {
		t.Fatalf("Tuesday's brief: %v", plains(tue))
	}
	// On C's due date its snooze no longer holds, and it cannot be snoozed.
	h.marked(tue[0])
	if a := h.press(tue[0], memberUser, fmt.Sprintf("⏰ %d: 1 ngày", itemNumber(t, tue[0], "Việc C"))); !strings.Contains(a, "Hôm nay là hạn") {
		t.Errorf("snooze on the due date: %q", a)
	}
	before = len(h.srv.SentTo(memberUser))
	h.briefRun("2025-06-25 08:00")
	wed := h.srv.SentTo(memberUser)[before:]
	if len(wed) != 1 || !strings.Contains(wed[0].Plain(), "Việc E") {
		t.Fatalf("Wednesday's brief: %v", plains(wed))
	}
	// Across the holiday (Thursday 26) and the weekend: one working day
	// from Wednesday skips Friday and resumes on Monday 30.
	h.marked(wed[0])
	if a := h.press(wed[0], memberUser, fmt.Sprintf("⏰ %d: 1 ngày", itemNumber(t, wed[0], "Việc D"))); !strings.Contains(a, "30/06/2025") {
		t.Errorf("snooze across a holiday and a weekend: %q", a)
	}
	// Three working days from Friday 27: Monday 30, Tuesday 1, Wednesday 2,
	// resuming Thursday 3/7.
	h.clk.Set(time.Date(2025, 6, 27, 9, 0, 0, 0, ict))
	if a := h.press(wed[0], memberUser, fmt.Sprintf("⏰ %d: 3 ngày", itemNumber(t, wed[0], "Việc B"))); !strings.Contains(a, "03/07/2025") {
		t.Errorf("snooze by three days across a weekend: %q", a)
	}
}

// itemNumber is the number of the item of brief m whose line holds title.
func itemNumber(t *testing.T, m telegramtest.SentMessage, title string) int {
	t.Helper()
	for _, line := range strings.Split(m.Plain(), "\n") {
		var n int
		if strings.Contains(line, title) {
			if _, err := fmt.Sscanf(line, "%d.", &n); err == nil {
				return n
			}
		}
	}
	t.Fatalf("no item %q in %q", title, m.Plain())
	return 0
}

func plains(ms []telegramtest.SentMessage) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Plain())
	}
	return out
}

// TestBriefLeave: tu-phap is on leave on 23–24/6/2025 with tai-chinh
// standing in, and van-phong without a stand-in. On Monday tai-chinh gets
// one brief: their own task and tu-phap's, marked "Thay đồng chí"; on
// Wednesday van-phong, back, gets one brief holding the reminder held for
// them and their own task due that day.
func TestBriefLeave(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	for _, l := range []store.LeaveInput{
		{UnitID: h.unit, OfficialID: h.member, StandinID: h.outsider},
		{UnitID: h.unit, OfficialID: h.office},
	} {
		l.From, l.To, l.Now = plan.MustParseDate("2025-06-23"), plan.MustParseDate("2025-06-24"), t0
		if err := h.st.Tx(ctx, func(tx *store.Tx) error { _, err := store.CreateLeave(ctx, tx, l); return err }); err != nil {
			t.Fatal(err)
		}
	}
	h.addTask("g", "Việc G của Tài chính", h.outsider, "2025-06-24")
	h.addTask("h", "Việc H của Văn phòng", h.office, "2025-06-25")
	outsideBefore, officeBefore, memberBefore := len(h.srv.SentTo(outsideUser)), len(h.srv.SentTo(officeUser)), len(h.srv.SentTo(memberUser))

	h.briefRun("2025-06-23 08:00")
	got := h.srv.SentTo(outsideUser)[outsideBefore:]
	if len(got) != 1 {
		t.Fatalf("the stand-in got %d messages, want one brief: %v", len(got), plains(got))
	}
	text := got[0].Plain()
	if !strings.Contains(text, "1. Việc G") || !strings.Contains(text, "2. "+taskTitle) ||
		!strings.Contains(text, "Thay đồng chí Công chức Tư pháp - Hộ tịch (nghỉ phép đến 24/06/2025)") ||
		strings.Index(text, "Thay đồng chí") < strings.Index(text, "2. ") {
		t.Fatalf("the stand-in's brief:\n%s", text)
	}
	if n, k := len(h.srv.SentTo(officeUser)), len(h.srv.SentTo(memberUser)); n != officeBefore || k != memberBefore {
		t.Fatalf("officials on leave got messages: office %d, lead %d", n-officeBefore, k-memberBefore)
	}

	h.briefRun("2025-06-24 08:00")
	h.briefRun("2025-06-25 08:00")
	back := h.srv.SentTo(officeUser)[officeBefore:]
	if len(back) != 1 || !strings.Contains(back[0].Plain(), "Việc H") || !strings.Contains(back[0].Plain(), taskTitle) ||
		!strings.Contains(back[0].Plain(), "còn 5 ngày") {
		t.Fatalf("van-phong back on 25/6 got %v, want one brief with the held reminder and task H", plains(back))
	}
}

// TestOverlongBrief: sixty tasks due the same day make a brief longer than
// a Telegram message: it stays one message, the first items in full, the
// rest counted with a pointer to /viec, buttons for shown items only
// within Telegram's limit of 100.
func TestOverlongBrief(t *testing.T) {
	h := newHarness(t)
	for i := 1; i <= 60; i++ {
		h.addTask(fmt.Sprintf("k%02d", i), fmt.Sprintf("Việc số %02d: %s", i, strings.Repeat("rà soát thủ tục hành chính ", 6)), h.member, "2025-06-23")
	}
	before := len(h.srv.SentTo(memberUser))
	h.briefRun("2025-06-23 08:00")
	got := h.srv.SentTo(memberUser)[before:]
	if len(got) != 1 {
		t.Fatalf("tu-phap got %d messages, want one", len(got))
	}
	m := got[0]
	text := m.Plain()
	if !strings.Contains(text, "61 nhiệm vụ") || !strings.Contains(text, "nhiệm vụ khác (xem bằng lệnh /viec)") ||
		!strings.Contains(text, "1. Việc số 01") || strings.Contains(text, "Việc số 60") {
		t.Fatalf("overlong brief:\n%s", text)
	}
	buttons := 0
	for _, row := range m.Buttons {
		buttons += len(row)
	}
	if buttons == 0 || buttons > 100 || len(m.Buttons) > strings.Count(text, "Việc số") {
		t.Fatalf("%d buttons in %d rows for %d shown items", buttons, len(m.Buttons), strings.Count(text, "Việc số"))
	}
}

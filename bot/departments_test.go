package bot_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/nhacviec/nhacviec/callback"
	"github.com/nhacviec/nhacviec/jobs"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/store/storetest"
	"github.com/nhacviec/nhacviec/telegramtest"
)

// The department of the assignment tests: its head and members.
const (
	headUser    = 1101
	staffAUser  = 1102
	staffBUser  = 1103
	deptTitle   = "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính"
	staffAName  = "Chuyên viên Kinh tế A"
	staffBName  = "Chuyên viên Kinh tế B"
	unlinkedKey = "cv-kt-chua"
	viceUser    = 1104
)

// department adds to the harness's unit a department kt (head truong-kt;
// members cv-kt-a, cv-kt-b and the unlinked cv-kt-chua) leading a task due
// on 17 March 2025, and returns the ids of the task, its occurrence and the
// officials by key.
func (h *harness) department() (task, occ int64, ids map[string]int64) {
	h.t.Helper()
	ctx := context.Background()
	ids = map[string]int64{}
	err := storetest.SQLTx(ctx, h.st, func(tx *sqlx.Tx) error {
		get := func(dst *int64, q string, args ...any) {
			if err := tx.GetContext(ctx, dst, q, args...); err != nil {
				h.t.Fatalf("fixture %q: %v", q, err)
			}
		}
		official := func(key, name string, user int64) {
			var id int64
			if user == 0 {
				get(&id, `INSERT INTO officials (unit_id, key, name, position, roles, created_at, updated_at)
					VALUES ($1, $2, $3, $3, ARRAY['member'], $4, $4) RETURNING id`, h.unit, key, name, t0)
			} else {
				get(&id, `INSERT INTO officials (unit_id, key, name, position, roles, telegram_user_id, telegram_chat_id, linked_at, created_at, updated_at)
					VALUES ($1, $2, $3, $3, ARRAY['member'], $4, $4, $5, $5, $5) RETURNING id`, h.unit, key, name, user, t0)
			}
			ids[key] = id
		}
		official("truong-kt", "Trưởng phòng Kinh tế", headUser)
		official("cv-kt-a", staffAName, staffAUser)
		official("cv-kt-b", staffBName, staffBUser)
		official(unlinkedKey, "Chuyên viên Kinh tế chưa kết nối", 0)
		if _, err := tx.ExecContext(ctx, `INSERT INTO officials (unit_id, key, name, position, roles, telegram_user_id, telegram_chat_id, linked_at, created_at, updated_at)
			VALUES ($1, 'pho-chu-tich', 'Phó Chủ tịch', 'Phó Chủ tịch UBND phường', ARRAY['vice_chairman'], $2, $2, $3, $3, $3)`, h.unit, viceUser, t0); err != nil {
			h.t.Fatal(err)
		}
		var dep, planID, area int64
		get(&dep, `INSERT INTO departments (unit_id, key, name, head_id, position, created_at, updated_at)
			VALUES ($1, 'kt', 'Phòng Kinh tế', $2, 1, $3, $3) RETURNING id`, h.unit, ids["truong-kt"], t0)
		for _, k := range []string{"truong-kt", "cv-kt-a", "cv-kt-b", unlinkedKey} {
			if _, err := tx.ExecContext(ctx, `INSERT INTO department_members (unit_id, department_id, official_id, joined_at)
				VALUES ($1, $2, $3, $4)`, h.unit, dep, ids[k], t0); err != nil {
				h.t.Fatal(err)
			}
		}
		get(&planID, `SELECT plan_id FROM tasks WHERE id = $1`, h.task)
		get(&area, `SELECT area_id FROM tasks WHERE id = $1`, h.task)
		get(&task, `INSERT INTO tasks (plan_id, area_id, key, title, lead_id, due, position, created_at, updated_at)
			VALUES ($1, $2, 'so-hoa', $3, $4, '2025-03-17', 2, $5, $5) RETURNING id`, planID, area, deptTitle, ids["truong-kt"], t0)
		if _, err := tx.ExecContext(ctx, `INSERT INTO task_leads (task_id, position, department_id) VALUES ($1, 1, $2)`, task, dep); err != nil {
			h.t.Fatal(err)
		}
		get(&occ, `INSERT INTO occurrences (task_id, key, nominal_due, due, created_at, updated_at)
			VALUES ($1, '2025-03-17', '2025-03-17', '2025-03-17', $2, $2) RETURNING id`, task, t0)
		return nil
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return task, occ, ids
}

// remindRun runs the reminder job of the instant at, as serve would, and
// its fan-out: the messages go out through the harness's delivery worker.
func (h *harness) remindRun(at time.Time) {
	h.t.Helper()
	s, err := jobs.New(h.st, eachConfig(), h.clk, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		h.t.Fatal(err)
	}
	if _, err := s.RunAt(context.Background(), at); err != nil {
		h.t.Fatal(err)
	}
}

// assigneeOf returns the key of the task's assignee, "" when none.
func (h *harness) assigneeOf(task int64) string {
	h.t.Helper()
	var key string
	err := h.st.DB().Get(&key, `SELECT COALESCE(o.key, '') FROM tasks t LEFT JOIN officials o ON o.id = t.assignee_id WHERE t.id = $1`, task)
	if err != nil {
		h.t.Fatal(err)
	}
	return key
}

// TestAssignDepartmentTask goes through a department's task end to end:
// the reminder run tells the head it is unassigned, with a button per
// linked member; /viec lists it under its own section; every bad
// assignment is refused with its reason and changes nothing; a member
// reports progress; the head assigns by reply, then reassigns by button,
// and the assignees are told; the next reminder goes to the assignee.
func TestAssignDepartmentTask(t *testing.T) {
	h := newHarness(t)
	task, occ, _ := h.department()
	h.remindRun(time.Date(2025, 3, 10, 8, 0, 0, 0, ict)) // 7 days before 17/3

	reminder := h.nextTo(headUser, 1)
	h.marked(reminder)
	if got := reminder.Plain(); !strings.Contains(got, deptTitle) || !strings.Contains(got, "chưa được giao") ||
		!strings.Contains(got, "giao MÃ_CÁN_BỘ") {
		t.Fatalf("reminder to the head: %q", got)
	}
	buttonA, okA := reminder.Button(staffAName)
	buttonB, okB := reminder.Button(staffBName)
	if !okA || !okB {
		t.Fatalf("reminder to the head has no button per member: %+v", reminder.Buttons)
	}
	if _, ok := reminder.Button("chưa kết nối"); ok {
		t.Fatal("an unlinked member has a button")
	}
	h.settled()
	if n := len(h.srv.SentTo(staffAUser)) + len(h.srv.SentTo(staffBUser)); n != 0 {
		t.Fatalf("members were reminded of an unassigned task (%d messages)", n)
	}

	// /viec of the head: the unassigned section.
	h.srv.SendCommand(headUser, headUser, "viec", "")
	if got := h.nextTo(headUser, 2).Plain(); !strings.Contains(got, "Chưa giao") || !strings.Contains(got, deptTitle) {
		t.Fatalf("/viec of the head: %q", got)
	}

	// Bad input from the head, each answered, nothing changed.
	n := 2
	for _, c := range []struct{ text, want string }{
		{"giao tai-chinh", "không phải thành viên của phòng"},
		{"giao " + unlinkedKey, "chưa kết nối với bot"},
		{"giao truong-kt", "chính trưởng phòng"},
		{"giao khong-co-ai", "Không có cán bộ nào mã"},
		{"giao", "Cú pháp giao việc"},
	} {
		h.srv.Reply(headUser, headUser, reminder.MessageID, c.text)
		n++
		if got := h.nextTo(headUser, n).Plain(); !strings.Contains(got, c.want) {
			t.Errorf("%q: %q, want %q", c.text, got, c.want)
		}
	}
	if a := h.assigneeOf(task); a != "" {
		t.Fatalf("a refused assignment assigned %q", a)
	}

	// A member may report on the department's task but not assign it.
	toA := h.messageAbout(occ, h.idOf("cv-kt-a"), staffAUser, "remind:kt-a")
	h.srv.Reply(staffAUser, staffAUser, toA.MessageID, "giao cv-kt-b")
	if got := h.nextTo(staffAUser, 2).Plain(); !strings.Contains(got, "Chỉ trưởng phòng chủ trì") {
		t.Fatalf("a member assigning: %q", got)
	}
	h.srv.Reply(staffAUser, staffAUser, toA.MessageID, "40% đã số hóa 120 hồ sơ")
	if got := h.nextTo(staffAUser, 3).Plain(); !strings.Contains(got, "40%") {
		t.Fatalf("a member's report: %q", got)
	}
	var pct int
	if err := h.st.DB().Get(&pct, `SELECT percent FROM occurrences WHERE id = $1`, occ); err != nil || pct != 40 {
		t.Fatalf("member's report not recorded: %d, %v", pct, err)
	}
	// A task led by an official is not assigned.
	own := h.remind(h.member, memberUser, "remind:own")
	h.srv.Reply(memberUser, memberUser, own.MessageID, "giao tai-chinh")
	if got := h.nextTo(memberUser, 2).Plain(); !strings.Contains(got, "không do phòng ban chủ trì") {
		t.Fatalf("assigning an official's task: %q", got)
	}

	// The head assigns by reply.
	h.srv.Reply(headUser, headUser, reminder.MessageID, "giao cv-kt-a")
	n++
	if got := h.nextTo(headUser, n).Plain(); !strings.Contains(got, "Đã giao nhiệm vụ") || !strings.Contains(got, staffAName) {
		t.Fatalf("confirmation to the head: %q", got)
	}
	toldA := h.nextTo(staffAUser, 4)
	if got := toldA.Plain(); !strings.Contains(got, "giao cho đồng chí nhiệm vụ") || !strings.Contains(got, deptTitle) {
		t.Fatalf("message to the assignee: %q", got)
	}
	if a := h.assigneeOf(task); a != "cv-kt-a" {
		t.Fatalf("assignee %q, want cv-kt-a", a)
	}

	// The head reassigns by the button of the first reminder.
	answers := len(h.srv.CallbackAnswers())
	h.srv.PressButton(headUser, headUser, reminder.MessageID, buttonB.CallbackData)
	h.waitFor("answer", func() bool { return len(h.srv.CallbackAnswers()) > answers })
	if a := h.srv.CallbackAnswers()[answers]; !strings.Contains(a.Text, "Đã giao cho "+staffBName) {
		t.Fatalf("button answer %q", a.Text)
	}
	n++
	if got := h.nextTo(headUser, n).Plain(); !strings.Contains(got, "Đã giao lại") || !strings.Contains(got, staffAName) {
		t.Fatalf("reassignment confirmation: %q", got)
	}
	if got := h.nextTo(staffBUser, 1).Plain(); !strings.Contains(got, "giao cho đồng chí nhiệm vụ") {
		t.Fatalf("message to the new assignee: %q", got)
	}
	if got := h.nextTo(staffAUser, 5).Plain(); !strings.Contains(got, "giao lại cho "+staffBName) {
		t.Fatalf("message to the previous assignee: %q", got)
	}
	if a := h.assigneeOf(task); a != "cv-kt-b" {
		t.Fatalf("assignee %q, want cv-kt-b", a)
	}
	// A member pressing an assignment button (signed for their chat) is
	// refused; nothing changes.
	answers = len(h.srv.CallbackAnswers())
	forged := h.signer.Encode(callback.Action{Kind: callback.KindAssign, OccurrenceID: occ, Value: int(h.idOf("cv-kt-a"))}, staffAUser)
	h.srv.PressButton(staffAUser, staffAUser, toA.MessageID, forged)
	h.waitFor("answer", func() bool { return len(h.srv.CallbackAnswers()) > answers })
	if a := h.srv.CallbackAnswers()[answers]; !strings.Contains(a.Text, "Không giao được") {
		t.Fatalf("a member's assignment button: %q", a.Text)
	}
	if got := h.nextTo(staffAUser, 6).Plain(); !strings.Contains(got, "Chỉ trưởng phòng chủ trì") {
		t.Fatalf("a member's assignment button: %q", got)
	}
	// The head's button of cv-kt-a, copied into another chat, is invalid.
	answers = len(h.srv.CallbackAnswers())
	h.srv.PressButton(staffAUser, staffAUser, toA.MessageID, buttonA.CallbackData)
	h.waitFor("answer", func() bool { return len(h.srv.CallbackAnswers()) > answers })
	if a := h.assigneeOf(task); a != "cv-kt-b" {
		t.Fatalf("assignee %q after refused presses, want cv-kt-b", a)
	}

	// The next reminder (3 days before) goes to the assignee, not the head.
	h.clk.Set(time.Date(2025, 3, 14, 9, 0, 0, 0, ict))
	h.remindRun(time.Date(2025, 3, 14, 8, 0, 0, 0, ict))
	if got := h.nextTo(staffBUser, 2).Plain(); !strings.Contains(got, "được giao thực hiện") {
		t.Fatalf("reminder to the assignee: %q", got)
	}
	// The assignee's /viec lists it.
	h.srv.SendCommand(staffBUser, staffBUser, "viec", "")
	if got := h.nextTo(staffBUser, 3).Plain(); !strings.Contains(got, deptTitle) {
		t.Fatalf("/viec of the assignee: %q", got)
	}
	h.settled()
	if got := len(h.srv.SentTo(headUser)); got != n {
		t.Fatalf("the head got %d messages after the assignment's, want %d", got, n)
	}
}

// idOf returns the id of the official key of the harness's unit.
func (h *harness) idOf(key string) int64 {
	h.t.Helper()
	var id int64
	if err := h.st.DB().Get(&id, `SELECT id FROM officials WHERE key = $1`, key); err != nil {
		h.t.Fatal(err)
	}
	return id
}

// messageAbout enqueues a reminder about the occurrence occ to the
// official's chat and returns it delivered.
func (h *harness) messageAbout(occ, official, chat int64, key string) telegramtest.SentMessage {
	h.t.Helper()
	before := len(h.srv.SentTo(chat))
	_, err := store.Enqueue(context.Background(), h.st, store.OutMessage{
		UnitID: &h.unit, OfficialID: &official, ChatID: chat, DedupeKey: key, Kind: "reminder", OccurrenceID: &occ,
		Payload: store.Payload{Text: "⏰ Nhắc việc: <b>" + deptTitle + "</b>"}, NotBefore: t0,
	})
	if err != nil {
		h.t.Fatal(err)
	}
	m := h.nextTo(chat, before+1)
	h.marked(m)
	return m
}

// TestViceChairmanSeesWhatTheChairmanSees: the manager commands answer a
// vice-chairman as they answer the chairman.
func TestViceChairmanSeesWhatTheChairmanSees(t *testing.T) {
	h := newHarness(t)
	h.department()
	h.srv.SendCommand(viceUser, viceUser, "chuabaocao", "")
	if got := h.nextTo(viceUser, 1).Plain(); strings.Contains(got, "Chủ tịch và Văn phòng") || !strings.Contains(got, "báo cáo") {
		t.Fatalf("/chuabaocao of the vice-chairman: %q", got)
	}
	h.srv.SendCommand(viceUser, viceUser, "trogiup", "")
	if got, chair := h.nextTo(viceUser, 2).Plain(), h.help(chairUser); got != chair {
		t.Fatalf("help of the vice-chairman:\n%s\nof the chairman:\n%s", got, chair)
	}
}

// help returns the /trogiup answer to user.
func (h *harness) help(user int64) string {
	h.t.Helper()
	n := len(h.srv.SentTo(user))
	h.srv.SendCommand(user, user, "trogiup", "")
	return h.nextTo(user, n+1).Plain()
}

package bot_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/nhacviec/nhacviec/callback"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/store/storetest"
	"github.com/nhacviec/nhacviec/telegramtest"
)

// weekdays is a calendar working Monday to Friday, without holidays.
func weekdays(t *testing.T) *plan.Calendar {
	t.Helper()
	cal, err := plan.NewCalendar([]int{1, 2, 3, 4, 5}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return cal
}

// extensionState is what an extension request may change: the requests
// and the occurrence's dates and escalation mark.
func (h *harness) extensionState() string {
	h.t.Helper()
	var out string
	err := storetest.SQLTx(context.Background(), h.st, func(tx *sqlx.Tx) error {
		return tx.GetContext(context.Background(), &out, `
			SELECT COALESCE((SELECT string_agg(id || ':' || status || ':' || requested_due || ':' || COALESCE(decided_by::text, '-'), ',' ORDER BY id)
			                 FROM extension_requests), '') || '|' ||
			       (SELECT due || ':' || COALESCE(original_due::text, '-') || ':' || (escalated_at IS NOT NULL)
			        FROM occurrences WHERE id = $1)`, h.occurrence)
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return out
}

// say sends a reply to message msg from user (their own chat) and
// returns the next message the chat gets.
func (h *harness) replyAndRead(user, msg int64, text string) telegramtest.SentMessage {
	h.t.Helper()
	n := len(h.srv.SentTo(user))
	h.srv.Reply(user, user, msg, text)
	return h.nextTo(user, n+1)
}

// pressAs presses, as user, the button with data under msg and returns its
// answer.
func (h *harness) pressAs(user, msg int64, data string) string {
	h.t.Helper()
	n := len(h.srv.CallbackAnswers())
	h.srv.PressButton(user, user, msg, data)
	h.waitFor("answer", func() bool { return len(h.srv.CallbackAnswers()) > n })
	return h.srv.CallbackAnswers()[n].Text
}

func TestExtensionAskedReplacedApproved(t *testing.T) {
	h := newHarness(t)
	reminder := h.remind(h.member, memberUser, "remind:ext")
	if _, ok := reminder.Button("⏳ Gia hạn"); !ok {
		t.Fatalf("reminder without the extension button: %+v", reminder.Buttons)
	}

	got := h.replyAndRead(memberUser, reminder.MessageID, "gia hạn 15/07/2025 chờ số liệu của Sở")
	if p := got.Plain(); !strings.Contains(p, "Đã gửi yêu cầu gia hạn") || !strings.Contains(p, "Vương Văn Toàn") {
		t.Fatalf("confirmation: %q", p)
	}
	first := h.nextTo(chairUser, 1)
	for _, want := range []string{"Đề nghị gia hạn", taskTitle, "Công chức Tư pháp - Hộ tịch", "30/06/2025", "15/07/2025", "chờ số liệu của Sở"} {
		if !strings.Contains(first.Plain(), want) {
			t.Errorf("approver's message lacks %q: %q", want, first.Plain())
		}
	}
	firstYes, ok := first.Button("Đồng ý")
	if _, no := first.Button("Không đồng ý"); !ok || !no {
		t.Fatalf("approver's buttons: %+v", first.Buttons)
	}
	h.marked(first)

	// A second pending request replaces the first (without diacritics).
	got = h.replyAndRead(memberUser, reminder.MessageID, "gia han 19/07/2025 can them thoi gian")
	if p := got.Plain(); !strings.Contains(p, "thay yêu cầu trước (gia hạn đến 15/07/2025)") {
		t.Fatalf("second confirmation: %q", p)
	}
	second := h.nextTo(chairUser, 2)
	h.marked(second)
	if a := h.pressAs(chairUser, first.MessageID, firstYes.CallbackData); !strings.Contains(a, "đã được thay bằng yêu cầu mới") {
		t.Fatalf("the replaced request's button: %q", a)
	}
	if s := h.extensionState(); !strings.Contains(s, ":replaced:2025-07-15:-,") || !strings.HasSuffix(s, "|2025-06-30:-:false") {
		t.Fatalf("after the replaced press: %s", s)
	}

	// Approval: 19/07/2025 is a Saturday, rolled to Monday 21/07/2025.
	yes, _ := second.Button("Đồng ý")
	if a := h.pressAs(chairUser, second.MessageID, yes.CallbackData); a != "Đã đồng ý gia hạn" {
		t.Fatalf("approve answer: %q", a)
	}
	told := h.nextTo(memberUser, 4).Plain()
	for _, want := range []string{"đồng ý", "hạn mới 21/07/2025", "hạn ban đầu 30/06/2025", "không phải ngày làm việc"} {
		if !strings.Contains(told, want) {
			t.Errorf("requester told %q, want %q", told, want)
		}
	}
	if o := h.occurrenceNow(); o.Due != plan.NewDate(2025, 7, 21) {
		t.Fatalf("due after approval: %s", o.Due)
	}
	state := h.extensionState()
	if !strings.HasSuffix(state, "|2025-07-21:2025-06-30:false") || !strings.Contains(state, fmt.Sprintf(":approved:2025-07-19:%d", h.chairman)) {
		t.Fatalf("after approval: %s", state)
	}
	// The decided request's buttons change nothing.
	no, _ := second.Button("Không đồng ý")
	if a := h.pressAs(chairUser, second.MessageID, no.CallbackData); !strings.Contains(a, "đã được quyết định") {
		t.Fatalf("decided request's button: %q", a)
	}
	if s := h.extensionState(); s != state {
		t.Fatalf("a press on a decided request changed %s to %s", state, s)
	}

	// The task's detail shows the history.
	n := len(h.srv.SentTo(memberUser))
	h.srv.SendCommand(memberUser, memberUser, "viec", "ra-soat-tthc")
	detail := h.nextTo(memberUser, n+1).Plain()
	for _, want := range []string{"Gia hạn:", "30/06/2025 (gia hạn đến 21/07/2025)", "xin gia hạn từ 30/06/2025 đến 15/07/2025", "được thay bằng yêu cầu mới",
		"đến 19/07/2025 (can them thoi gian): đồng ý bởi Vương Văn Toàn"} {
		if !strings.Contains(detail, want) {
			t.Errorf("detail lacks %q:\n%s", want, detail)
		}
	}
}

func TestExtensionByButtonRejected(t *testing.T) {
	h := newHarness(t)
	reminder := h.remind(h.member, memberUser, "remind:ext-button")
	extend, _ := reminder.Button("Gia hạn")
	n := len(h.srv.SentTo(memberUser))
	if a := h.pressAs(memberUser, reminder.MessageID, extend.CallbackData); !strings.Contains(a, "trả lời") {
		t.Fatalf("extend answer: %q", a)
	}
	prompt := h.nextTo(memberUser, n+1)
	if !strings.Contains(prompt.Plain(), "DD/MM/YYYY lý do") {
		t.Fatalf("prompt: %q", prompt.Plain())
	}
	h.marked(prompt)
	if got := h.replyAndRead(memberUser, prompt.MessageID, "ngày mai").Plain(); !strings.Contains(got, "Hãy trả lời tin nhắn hỏi gia hạn") {
		t.Fatalf("prompt answered without a date: %q", got)
	}
	if got := h.replyAndRead(memberUser, prompt.MessageID, "10/07/2025 chờ ý kiến của Phòng Tư pháp").Plain(); !strings.Contains(got, "Đã gửi yêu cầu") {
		t.Fatalf("prompt reply: %q", got)
	}
	ask := h.nextTo(chairUser, 1)
	h.marked(ask)
	no, _ := ask.Button("Không đồng ý")
	m := len(h.srv.SentTo(memberUser))
	if a := h.pressAs(chairUser, ask.MessageID, no.CallbackData); a != "Đã không đồng ý gia hạn" {
		t.Fatalf("reject answer: %q", a)
	}
	told := h.nextTo(memberUser, m+1).Plain()
	if !strings.Contains(told, "không đồng ý") || !strings.Contains(told, "hạn vẫn là 30/06/2025") {
		t.Fatalf("rejection told: %q", told)
	}
	if s := h.extensionState(); !strings.HasSuffix(s, "|2025-06-30:-:false") || !strings.Contains(s, ":rejected:2025-07-10:") {
		t.Fatalf("after rejection: %s", s)
	}
}

func TestExtensionBadInput(t *testing.T) {
	h := newHarness(t)
	reminder := h.remind(h.member, memberUser, "remind:ext-bad")
	outsiderReminder := h.remind(h.outsider, outsideUser, "remind:ext-outsider")
	long := "gia hạn 15/07/2025 " + strings.Repeat("x", 10000)
	for _, c := range []struct {
		name       string
		user, msg  int64
		text, want string
	}{
		{"no date", memberUser, reminder.MessageID, "gia hạn", "gia hạn DD/MM/YYYY lý do"},
		{"impossible date", memberUser, reminder.MessageID, "gia hạn 31/02/2026 chờ số liệu", "Ngày 31/02/2026 không hợp lệ"},
		{"before today", memberUser, reminder.MessageID, "gia hạn 01/03/2025", "phải sau hôm nay (10/03/2025)"},
		{"before the due date", memberUser, reminder.MessageID, "extend 20/06/2025 more time", "phải sau hạn hiện tại 30/06/2025"},
		{"10,000-character reason", memberUser, reminder.MessageID, long, "Lý do dài 10000 ký tự, tối đa 500"},
		{"not allowed", outsideUser, outsiderReminder.MessageID, "gia hạn 15/07/2025", "không thể cập nhật"},
	} {
		before := h.extensionState()
		got := h.replyAndRead(c.user, c.msg, c.text).Plain()
		if !strings.Contains(got, c.want) {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
		if after := h.extensionState(); after != before {
			t.Errorf("%s changed %s to %s", c.name, before, after)
		}
	}

	// A pending request, then presses that must change nothing.
	h.replyAndRead(memberUser, reminder.MessageID, "gia hạn 15/07/2025 chờ số liệu")
	ask := h.nextTo(chairUser, 1)
	h.marked(ask)
	yes, _ := ask.Button("Đồng ý")
	var reqID int
	if _, err := fmt.Sscanf(h.extensionState(), "%d:", &reqID); err != nil {
		t.Fatal(err)
	}
	// The member holds a validly signed approval of their own chat: the
	// signature is right, the presser is not the approver.
	own := h.signer.Encode(callback.Action{Kind: callback.KindApprove, OccurrenceID: h.occurrence, Value: reqID}, memberUser)
	before := h.extensionState()
	n := len(h.srv.SentTo(memberUser))
	if a := h.pressAs(memberUser, reminder.MessageID, own); !strings.Contains(a, "Chỉ người phê duyệt") {
		t.Errorf("non-approver press: %q", a)
	}
	if got := h.nextTo(memberUser, n+1).Plain(); !strings.Contains(got, "Chỉ người phê duyệt (đồng chí Vương Văn Toàn)") {
		t.Errorf("non-approver reply: %q", got)
	}
	forged := yes.CallbackData[:len(yes.CallbackData)-2] + "AA"
	if a := h.pressAs(chairUser, ask.MessageID, forged); !strings.Contains(a, "không hợp lệ") {
		t.Errorf("forged press: %q", a)
	}
	otherChat := h.signer.Encode(callback.Action{Kind: callback.KindApprove, OccurrenceID: h.occurrence, Value: reqID}, outsideUser)
	if a := h.pressAs(chairUser, ask.MessageID, otherChat); !strings.Contains(a, "không hợp lệ") {
		t.Errorf("another chat's button: %q", a)
	}
	wrongOcc := h.signer.Encode(callback.Action{Kind: callback.KindApprove, OccurrenceID: h.occurrence + 1, Value: reqID}, chairUser)
	if a := h.pressAs(chairUser, ask.MessageID, wrongOcc); !strings.Contains(a, "không hợp lệ") {
		t.Errorf("another occurrence's request: %q", a)
	}
	if after := h.extensionState(); after != before {
		t.Fatalf("refused presses changed %s to %s", before, after)
	}
	// Decided, then decided again: the second decision changes nothing.
	no, _ := ask.Button("Không đồng ý")
	h.pressAs(chairUser, ask.MessageID, no.CallbackData)
	decided := h.extensionState()
	if !strings.Contains(decided, ":rejected:") {
		t.Fatalf("not rejected: %s", decided)
	}
	if a := h.pressAs(chairUser, ask.MessageID, yes.CallbackData); !strings.Contains(a, "đã được quyết định (không đồng ý)") {
		t.Errorf("decision on a decided request: %q", a)
	}
	if after := h.extensionState(); after != decided {
		t.Fatalf("a second decision changed %s to %s", decided, after)
	}

	// After the due date: refused with the reason.
	h.settled()
	h.clk.Advance(130 * 24 * time.Hour)
	before = h.extensionState()
	if got := h.replyAndRead(memberUser, reminder.MessageID, "gia hạn 15/08/2025 chậm").Plain(); !strings.Contains(got, "đã quá hạn (hạn 30/06/2025)") {
		t.Errorf("after the due date: %q", got)
	}
	if after := h.extensionState(); after != before {
		t.Fatalf("a request after the due date changed %s to %s", before, after)
	}
}

// TestExtensionNumbered: "2 gia hạn …" to /viec listing two occurrences
// asks for the second one.
func TestExtensionNumbered(t *testing.T) {
	h := newHarness(t)
	var second int64
	if err := storetest.SQLTx(context.Background(), h.st, func(tx *sqlx.Tx) error {
		return tx.GetContext(context.Background(), &second, `INSERT INTO occurrences (task_id, key, nominal_due, due, created_at, updated_at)
			VALUES ($1, '2025-07-31', '2025-07-31', '2025-07-31', $2, $2) RETURNING id`, h.task, t0)
	}); err != nil {
		t.Fatal(err)
	}
	h.srv.SendCommand(memberUser, memberUser, "viec", "")
	list := h.nextTo(memberUser, 1)
	h.marked(list)
	if got := h.replyAndRead(memberUser, list.MessageID, "2 gia hạn 15/08/2025 chờ số liệu").Plain(); !strings.Contains(got, "đến 15/08/2025 (hạn hiện tại 31/07/2025)") {
		t.Fatalf("numbered request: %q", got)
	}
	var occ int64
	if err := storetest.SQLTx(context.Background(), h.st, func(tx *sqlx.Tx) error {
		return tx.GetContext(context.Background(), &occ, `SELECT occurrence_id FROM extension_requests`)
	}); err != nil || occ != second {
		t.Fatalf("request about occurrence %d (%v), want the second, %d", occ, err, second)
	}
}

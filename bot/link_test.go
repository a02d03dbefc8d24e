package bot_test

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/store"
)

// logBuffer collects the bot's log lines; the bot logs from its polling
// goroutine while a test reads.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// lines returns the log lines containing every one of want.
func (b *logBuffer) lines(want ...string) []string {
	var found []string
next:
	for _, l := range strings.Split(b.String(), "\n") {
		for _, w := range want {
			if !strings.Contains(l, w) {
				continue next
			}
		}
		found = append(found, l)
	}
	return found
}

// newCode issues a fresh invite for official at t0, with --relink when
// relink is set, and returns the code.
func (h *harness) newCode(official int64, relink bool) string {
	h.t.Helper()
	code, err := store.NewInviteCode()
	if err != nil {
		h.t.Fatal(err)
	}
	issue := h.st.IssueInvite
	if relink {
		issue = h.st.IssueRelinkInvite
	}
	if err := issue(context.Background(), official, code, t0, t0.Add(7*24*time.Hour)); err != nil {
		h.t.Fatal(err)
	}
	return code
}

// linkedChat returns the chat the official is linked to, 0 when none.
func (h *harness) linkedChat(key string) int64 {
	h.t.Helper()
	o, err := h.st.OfficialByKey(context.Background(), "pdp", key)
	if err != nil {
		h.t.Fatal(err)
	}
	if o.TelegramChatID == nil {
		return 0
	}
	return *o.TelegramChatID
}

// TestStartInGroupDoesNotLink checks that /start CODE in a group is
// refused (the official's reminders would reach everyone in it), and that
// the code, now seen by the whole group, is revoked.
func TestStartInGroupDoesNotLink(t *testing.T) {
	h := newHarness(t)
	const group, user = -5001, 3201
	code := h.newCode(h.unlinked, false)

	id := h.srv.SendCommand(group, user, "start", code)
	h.processed(id)
	got := h.nextTo(group, 1).Plain()
	if !strings.Contains(got, "tin nhắn riêng") || !strings.Contains(got, "thu hồi") {
		t.Fatalf("/start CODE in a group: %q, want the private-chat refusal saying the code is revoked", got)
	}
	if chat := h.linkedChat("dia-chinh-xd"); chat != 0 {
		t.Fatalf("a group linked the official: chat %d", chat)
	}
	if _, err := h.st.OfficialByChat(context.Background(), group); err == nil {
		t.Fatal("the group is linked")
	}
	// The code was seen by the group: it links nobody any more, not even in
	// a private chat.
	h.srv.SendCommand(user, user, "start", code)
	if got := h.nextTo(user, 1).Plain(); !strings.Contains(got, "thu hồi") {
		t.Fatalf("the group's code in a private chat: %q, want it refused as revoked", got)
	}
	if chat := h.linkedChat("dia-chinh-xd"); chat != 0 {
		t.Fatalf("the code shown in a group linked chat %d", chat)
	}
	// A supergroup is refused too, and /start without a code as well.
	h.srv.SendCommand(-1_000_000_005_002, user, "start", "")
	if got := h.nextTo(-1_000_000_005_002, 1).Plain(); !strings.Contains(got, "tin nhắn riêng") {
		t.Fatalf("/start in a supergroup: %q", got)
	}
	if l := h.logs.lines("link refused", "dia-chinh-xd", "chat=-5001"); len(l) == 0 {
		t.Errorf("no log of the refusal in the group:\n%s", h.logs.String())
	}
	if strings.Contains(h.logs.String(), code) {
		t.Errorf("the log holds the code:\n%s", h.logs.String())
	}
}

// TestStartCannotTakeOverLinkedOfficial checks that an unused code for the
// Chairman, redeemed from another account, links nothing: the Chairman
// stays linked, the other account gets no digest, and the office is told.
func TestStartCannotTakeOverLinkedOfficial(t *testing.T) {
	h := newHarness(t)
	const attacker = 3101
	code := h.newCode(h.chairman, false)

	h.srv.SendCommand(attacker, attacker, "start", code)
	if got := h.nextTo(attacker, 1).Plain(); !strings.Contains(got, "đã được kết nối với một tài khoản Telegram khác") {
		t.Fatalf("/start with a code of a linked official: %q", got)
	}
	if chat := h.linkedChat("chu-tich"); chat != chairUser {
		t.Fatalf("the Chairman is linked to chat %d, want %d", chat, chairUser)
	}
	h.srv.SendCommand(attacker, attacker, "tonghop", "")
	if got := h.nextTo(attacker, 2).Plain(); !strings.Contains(got, "chưa được kết nối") || strings.Contains(got, "TỔNG HỢP") {
		t.Fatalf("/tonghop from the other account: %q, want the unlinked explanation", got)
	}
	h.srv.SendCommand(chairUser, chairUser, "tonghop", "")
	if got := h.nextTo(chairUser, 1).Plain(); !strings.Contains(got, "TỔNG HỢP") {
		t.Fatalf("the Chairman's /tonghop: %q, want the digest", got)
	}
	notice := h.nextTo(officeUser, 1).Plain()
	for _, want := range []string{"Vương Văn Toàn", "chu-tich", "từ chối", "--relink"} {
		if !strings.Contains(notice, want) {
			t.Errorf("office notice %q lacks %q", notice, want)
		}
	}
	// The same account trying again does not tell the office twice.
	id := h.srv.SendCommand(attacker, attacker, "start", code)
	h.processed(id)
	h.nextTo(attacker, 3)
	h.settled()
	if n := h.outboxTo(officeUser); n != 1 {
		t.Errorf("%d messages enqueued to the office, want one notice", n)
	}
	if n := len(h.srv.SentTo(officeUser)); n != 1 {
		t.Errorf("office told %d times, want once", n)
	}
	for _, m := range h.srv.SentTo(attacker) {
		if strings.Contains(m.Plain(), "TỔNG HỢP") || strings.Contains(m.Plain(), taskTitle) {
			t.Errorf("the other account got plan data: %q", m.Plain())
		}
	}
	if l := h.logs.lines("link refused", "official=chu-tich", "chat=3101", "unit=pdp"); len(l) == 0 {
		t.Errorf("no log of the refusal:\n%s", h.logs.String())
	}
	if strings.Contains(h.logs.String(), code) {
		t.Errorf("the log holds the code:\n%s", h.logs.String())
	}
}

// TestRelinkMovesOfficialAndTellsBoth checks that a code issued with
// --relink moves a linked official to the new chat, tells the previous
// chat whom to contact and tells the office; and that re-sending a code
// from the chat already linked changes nothing.
func TestRelinkMovesOfficialAndTellsBoth(t *testing.T) {
	h := newHarness(t)
	const newPhone = 3301

	code := h.newCode(h.member, true)
	h.srv.SendCommand(newPhone, newPhone, "start", code)
	if got := h.nextTo(newPhone, 1).Plain(); !strings.Contains(got, "Đã kết nối tài khoản Telegram với Công chức Tư pháp - Hộ tịch") {
		t.Fatalf("/start with a relink code: %q", got)
	}
	if chat := h.linkedChat("tu-phap"); chat != newPhone {
		t.Fatalf("tu-phap linked to chat %d, want %d", chat, newPhone)
	}
	moved := h.nextTo(memberUser, 1).Plain()
	for _, want := range []string{"Công chức Tư pháp - Hộ tịch", "chuyển sang một tài khoản Telegram khác", "Công chức Văn phòng - Thống kê"} {
		if !strings.Contains(moved, want) {
			t.Errorf("message to the previous chat %q lacks %q", moved, want)
		}
	}
	notice := h.nextTo(officeUser, 1).Plain()
	for _, want := range []string{"Công chức Tư pháp - Hộ tịch", "tu-phap", "chuyển"} {
		if !strings.Contains(notice, want) {
			t.Errorf("office notice %q lacks %q", notice, want)
		}
	}
	// The previous chat is no longer anyone's.
	h.srv.SendCommand(memberUser, memberUser, "viec", "")
	if got := h.nextTo(memberUser, 2).Plain(); !strings.Contains(got, "chưa được kết nối") {
		t.Fatalf("/viec from the previous chat: %q", got)
	}

	// The new chat sending a fresh code for the same official again: no
	// change, no notice.
	again := h.newCode(h.member, false)
	h.processed(h.srv.SendCommand(newPhone, newPhone, "start", again))
	if got := h.nextTo(newPhone, 2).Plain(); !strings.Contains(got, "đã được kết nối với") {
		t.Fatalf("/start again from the linked chat: %q", got)
	}
	h.settled()
	if n := h.outboxTo(officeUser); n != 1 {
		t.Errorf("%d messages enqueued to the office, want one notice", n)
	}
	if n := len(h.srv.SentTo(officeUser)); n != 1 {
		t.Errorf("office told %d times, want once", n)
	}
	if chat := h.linkedChat("tu-phap"); chat != newPhone {
		t.Fatalf("tu-phap linked to chat %d after the same chat's code, want %d", chat, newPhone)
	}
	if l := h.logs.lines("official relinked", "official=tu-phap", "chat=3301", "previous_chat=1003"); len(l) != 1 {
		t.Errorf("%d relink log lines, want 1:\n%s", len(l), h.logs.String())
	}
	for _, c := range []string{code, again} {
		if strings.Contains(h.logs.String(), c) {
			t.Errorf("the log holds a code:\n%s", h.logs.String())
		}
	}
}

// TestOlderCodeRevokedByNewer checks that issuing a code revokes the
// official's older unused one: a code handed out earlier (and perhaps
// leaked) links nobody once a new one is issued.
func TestOlderCodeRevokedByNewer(t *testing.T) {
	h := newHarness(t)
	const holder, official = 3401, 3402
	old := h.newCode(h.unlinked, false)
	fresh := h.newCode(h.unlinked, false)
	h.srv.SendCommand(holder, holder, "start", old)
	if got := h.nextTo(holder, 1).Plain(); !strings.Contains(got, "thu hồi") {
		t.Fatalf("/start with the older code: %q, want it refused as revoked", got)
	}
	if chat := h.linkedChat("dia-chinh-xd"); chat != 0 {
		t.Fatalf("the older code linked chat %d", chat)
	}
	h.srv.SendCommand(official, official, "start", fresh)
	if got := h.nextTo(official, 1).Plain(); !strings.Contains(got, "Đã kết nối") {
		t.Fatalf("/start with the newer code: %q", got)
	}
	notice := h.nextTo(officeUser, 1).Plain()
	if !strings.Contains(notice, "Công chức Địa chính - xây dựng") || !strings.Contains(notice, "đã kết nối") {
		t.Errorf("office notice of the link: %q", notice)
	}
	if l := h.logs.lines("official linked", "unit=pdp", "official=dia-chinh-xd", "chat=3402"); len(l) != 1 {
		t.Errorf("%d link log lines, want 1:\n%s", len(l), h.logs.String())
	}
}

package bot_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/nhacviec/nhacviec/bot"
	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/telegram"
	"github.com/nhacviec/nhacviec/telegramtest"
)

// slowDown is a piece of the "slow down" notice (bot.slow_down).
const slowDown = "quá nhanh"

// settledAfter waits until update id is processed and every message
// enqueued by then is delivered, so that counting what a chat received is
// final.
func (h *harness) settledAfter(id int64) {
	h.t.Helper()
	h.processed(id)
	h.settled()
}

// count returns how many messages chat received that contain part.
func count(msgs []telegramtest.SentMessage, part string) int {
	n := 0
	for _, m := range msgs {
		if strings.Contains(m.Plain(), part) {
			n++
		}
	}
	return n
}

// TestUnlinkedFloodAnsweredOnce sends hundreds of messages from chats no
// official is linked to: each chat is answered once per window (5 min by
// default) however much it sends, a /start with a valid code still links
// in the middle of a flood, and a sender locked out by wrong codes gets
// one refusal per window.
func TestUnlinkedFloodAnsweredOnce(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	const flooder, linker, guesser = 4242, 4343, 4444

	var last int64
	for i := 0; i < 300; i++ {
		switch i % 3 {
		case 0:
			last = h.srv.SendText(flooder, flooder, fmt.Sprintf("xin chào %d", i))
		case 1:
			last = h.srv.SendCommand(flooder, flooder, "viec", "")
		default:
			last = h.srv.Reply(flooder, flooder, 1, "60%")
		}
	}
	// Another unlinked chat floods, then opens its invite link.
	code, err := store.NewInviteCode()
	if err != nil {
		t.Fatal(err)
	}
	if err := h.st.IssueInvite(ctx, h.unlinked, code, t0, t0.Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 50; i++ {
		h.srv.SendText(linker, linker, "cho tôi xem kế hoạch")
	}
	h.srv.SendCommand(linker, linker, "start", code)
	// A guesser: five wrong codes are answered one by one, then the lock
	// out is told once, not once per attempt.
	for i := 0; i < 55; i++ {
		last = h.srv.SendCommand(guesser, guesser, "start", fmt.Sprintf("doan-ma-%d", i))
	}
	h.settledAfter(last)

	got := h.srv.SentTo(flooder)
	if len(got) != 1 || !strings.Contains(got[0].Plain(), "chưa được kết nối") {
		t.Fatalf("300 messages from an unlinked chat got %d answers, want exactly one explanation", len(got))
	}
	linked := h.srv.SentTo(linker)
	if len(linked) != 2 || count(linked, "chưa được kết nối") != 1 || count(linked, "Đã kết nối tài khoản Telegram") != 1 {
		t.Fatalf("flood then /start CODE: %d answers, want the explanation once and the link confirmation", len(linked))
	}
	if o, err := h.st.OfficialByChat(ctx, linker); err != nil || o.ID != h.unlinked {
		t.Fatalf("/start CODE after a flood did not link: %+v, %v", o, err)
	}
	guessed := h.srv.SentTo(guesser)
	if len(guessed) != 6 || count(guessed, "không hợp lệ") != 5 || count(guessed, "quá nhiều lần") != 1 {
		t.Fatalf("55 wrong codes: %d answers, want 5 refusals and one lock-out notice", len(guessed))
	}
	var processed int
	if err := h.st.DB().Get(&processed, `SELECT count(*) FROM processed_updates`); err != nil || processed != 406 {
		t.Fatalf("processed updates %d (%v), want all 406 recorded", processed, err)
	}

	// After the window the chat is answered again, once.
	h.clk.Advance(5 * time.Minute)
	h.srv.SendText(flooder, flooder, "xin chào")
	last = h.srv.SendText(flooder, flooder, "xin chào")
	h.settledAfter(last)
	if got := h.srv.SentTo(flooder); len(got) != 2 {
		t.Fatalf("after the window: %d answers in all, want 2", len(got))
	}
}

// TestUnlinkedLimitSharedByReplicas handles one unlinked chat's flood in
// two bots sharing the database, as two serve processes behind a webhook
// would: the chat is still answered once.
func TestUnlinkedLimitSharedByReplicas(t *testing.T) {
	h := newHarness(t)
	const stranger = 4545
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for r := 0; r < 2; r++ {
		replica := bot.New(h.st, nil, bot.BotConfig{Language: i18n.VI, Location: ict, Signer: h.signer}, h.clk, log)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				id := int64(1_000_000 + r*1000 + i)
				errs <- replica.HandleUpdate(context.Background(), telegram.ToUpdate(&models.Update{ID: id, Message: &models.Message{
					ID:   int(id),
					Chat: models.Chat{ID: stranger, Type: models.ChatTypePrivate},
					From: &models.User{ID: stranger, FirstName: "Khách"},
					Text: "xin chào",
				}}))
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var answers int
	if err := h.st.DB().Get(&answers, `SELECT count(*) FROM outbox WHERE chat_id = $1`, stranger); err != nil {
		t.Fatal(err)
	}
	if answers != 1 {
		t.Fatalf("two replicas answered an unlinked chat %d times, want once", answers)
	}
}

// TestCommandFloodThrottlesOneChat floods commands from one official: the
// first ten (the burst) are answered, the chat is told once to slow down
// and the rest are dropped, while another official is answered as usual.
// A progress reply sent while throttled is recorded without confirmation,
// and the chat regains one command every 3 s.
func TestCommandFloodThrottlesOneChat(t *testing.T) {
	h := newHarness(t)
	reminder := h.remind(h.member, memberUser, "remind:flood") // message 1 to the member
	var last, office int64
	for i := 0; i < 60; i++ {
		last = h.srv.SendCommand(memberUser, memberUser, "viec", "")
		if i == 30 {
			office = h.srv.SendCommand(officeUser, officeUser, "viec", "")
		}
	}
	h.settledAfter(last)
	got := h.srv.SentTo(memberUser)
	if len(got) != 1+10+1 || count(got, "Nhiệm vụ đang thực hiện") != 10 || count(got, slowDown) != 1 {
		t.Fatalf("60 commands: %d messages to the chat (%d lists, %d notices), want the reminder, 10 lists and one notice",
			len(got), count(got, "Nhiệm vụ đang thực hiện"), count(got, slowDown))
	}
	h.settledAfter(office)
	if o := h.srv.SentTo(officeUser); len(o) != 1 || count(o, slowDown) != 0 {
		t.Fatalf("another chat during the flood: %d messages, want its one answer", len(o))
	}

	// Throttled, a progress reply is still recorded, but not confirmed,
	// and the chat is not told again within the minute.
	last = h.srv.Reply(memberUser, memberUser, reminder.MessageID, "60%")
	h.settledAfter(last)
	if o := h.occurrenceNow(); o.Percent != 60 {
		t.Fatalf("a progress reply while throttled was lost: percent %d", o.Percent)
	}
	if n := len(h.srv.SentTo(memberUser)); n != 12 {
		t.Fatalf("a throttled reply was answered: %d messages, want 12", n)
	}

	// 3 s later one more command gets through.
	h.clk.Advance(3 * time.Second)
	last = h.srv.SendCommand(memberUser, memberUser, "viec", "")
	h.srv.SendCommand(memberUser, memberUser, "viec", "")
	last = h.srv.SendCommand(memberUser, memberUser, "viec", "")
	h.settledAfter(last)
	got = h.srv.SentTo(memberUser)
	if len(got) != 13 || count(got, "Nhiệm vụ đang thực hiện") != 11 || count(got, slowDown) != 1 {
		t.Fatalf("3 s later: %d messages (%d lists, %d notices), want one more list and no new notice",
			len(got), count(got, "Nhiệm vụ đang thực hiện"), count(got, slowDown))
	}
}

// TestDigestCompiledOncePerMinute sends 300 /tonghop from 30 managers of
// one unit at once: the digest is compiled once and every one of them gets
// it; /chuabaocao reuses it; /quahan's list is computed once too. A minute
// later, with the commands handled concurrently (as webhook requests are),
// it is compiled once more.
func TestDigestCompiledOncePerMinute(t *testing.T) {
	h := newHarness(t)
	var digests, overdue atomic.Int64
	h.bot.SetOnCompile(func(what string) {
		switch what {
		case "digest":
			digests.Add(1)
		case "overdue":
			overdue.Add(1)
		}
	})
	managers := []int64{chairUser, officeUser}
	for i := 0; i < 28; i++ {
		user := int64(6000 + i)
		_, err := h.st.DB().Exec(`INSERT INTO officials (unit_id, key, name, position, roles, telegram_user_id, telegram_chat_id, linked_at, created_at, updated_at)
			VALUES ($1, $2, $3, 'Chuyên viên Văn phòng', ARRAY['office'], $4, $4, $5, $5, $5)`,
			h.unit, fmt.Sprintf("van-phong-%d", i), fmt.Sprintf("Chuyên viên %d", i), user, t0)
		if err != nil {
			t.Fatal(err)
		}
		managers = append(managers, user)
	}
	var last int64
	for round := 0; round < 10; round++ {
		for _, m := range managers {
			last = h.srv.SendCommand(m, m, "tonghop", "")
		}
	}
	h.settledAfter(last)
	for _, m := range managers {
		if got := h.srv.SentTo(m); len(got) != 10 || count(got, "TỔNG HỢP BÁO CÁO tháng 3/2025") != 10 {
			t.Fatalf("manager %d: %d messages (%d digests), want 10 digests", m, len(got), count(got, "TỔNG HỢP BÁO CÁO"))
		}
	}
	if n := digests.Load(); n != 1 {
		t.Fatalf("300 /tonghop compiled the digest %d times, want once", n)
	}

	h.clk.Advance(30 * time.Second)
	h.srv.SendCommand(chairUser, chairUser, "chuabaocao", "") // still within the minute: reused
	for _, m := range managers[1:] {
		last = h.srv.SendCommand(m, m, "quahan", "")
	}
	h.settledAfter(last)
	if n := digests.Load(); n != 1 {
		t.Fatalf("/chuabaocao within the minute compiled again (%d compiles)", n)
	}
	if n := overdue.Load(); n != 1 {
		t.Fatalf("29 /quahan computed the list %d times, want once", n)
	}
	if got := h.srv.SentTo(chairUser); len(got) != 11 || !strings.Contains(got[10].Plain(), "báo cáo") {
		t.Fatalf("/chuabaocao from the reused digest: %d messages", len(got))
	}

	// A minute after the compile, concurrent requests compile once more.
	h.clk.Advance(31 * time.Second)
	var wg sync.WaitGroup
	errs := make(chan error, 30)
	for i, m := range managers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := int64(2_000_000 + i)
			errs <- h.bot.HandleUpdate(context.Background(), telegram.ToUpdate(&models.Update{ID: id, Message: &models.Message{
				ID:   int(id),
				Chat: models.Chat{ID: m, Type: models.ChatTypePrivate},
				From: &models.User{ID: m, FirstName: "Cán bộ"},
				Text: "/tonghop",
			}}))
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := digests.Load(); n != 2 {
		t.Fatalf("30 concurrent /tonghop a minute later: %d compiles in all, want 2", n)
	}
	var answers int
	if err := h.st.DB().Get(&answers, `SELECT count(*) FROM outbox WHERE dedupe_key LIKE 'reply:20000%'`); err != nil || answers != 30 {
		t.Fatalf("concurrent /tonghop: %d answers (%v), want 30", answers, err)
	}
}

package bot_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/jmoiron/sqlx"

	"github.com/nhacviec/nhacviec/bot"
	"github.com/nhacviec/nhacviec/callback"
	"github.com/nhacviec/nhacviec/channel"
	"github.com/nhacviec/nhacviec/clock"
	"github.com/nhacviec/nhacviec/delivery"
	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/store/storetest"
	"github.com/nhacviec/nhacviec/telegram"
	"github.com/nhacviec/nhacviec/telegramtest"
)

var (
	ict = time.FixedZone("ICT", 7*3600)
	t0  = time.Date(2025, 3, 10, 9, 0, 0, 0, ict)
)

const (
	taskTitle   = "Rà soát, đề xuất cắt giảm, đơn giản hóa TTHC"
	targetText  = "100% hồ sơ TTHC được trả kết quả đúng và trước hạn"
	chairUser   = 1001
	officeUser  = 1002
	memberUser  = 1003
	outsideUser = 1004
)

func TestMain(m *testing.M) { storetest.Main(m) }

// harness runs the bot (polling) and the delivery worker against a fake
// Telegram and a fresh database holding a small plan.
type harness struct {
	t      *testing.T
	st     *store.Store
	srv    *telegramtest.Server
	bot    *bot.Bot
	signer *callback.Signer
	clk    *clock.Fake
	logs   logBuffer // what the bot and the worker logged

	unit, chairman, office, member, outsider, unlinked int64
	task, occurrence, target                           int64
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	h := &harness{t: t, st: storetest.New(t), clk: clock.NewFake(t0)}
	h.srv = telegramtest.New(telegramtest.WithMaxPollTimeout(200 * time.Millisecond))
	t.Cleanup(h.srv.Close)
	h.fixture()

	api, err := tgbot.New(h.srv.Token(), tgbot.WithServerURL(h.srv.URL()), tgbot.WithSkipGetMe())
	if err != nil {
		t.Fatal(err)
	}
	h.signer, err = callback.Load(context.Background(), h.st, h.clk, 60*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(&h.logs, nil))
	// Thursday 26/6/2025 is a holiday of the harness's calendar, for the
	// snooze tests.
	cal, err := plan.NewCalendar([]int{1, 2, 3, 4, 5}, []plan.Date{plan.MustParseDate("2025-06-26")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	h.bot = bot.New(h.st, telegram.NewAnswerer(api), bot.BotConfig{
		Language:    i18n.VI,
		Location:    ict,
		BotUsername: telegramtest.DefaultBotUsername,
		Signer:      h.signer,
		Calendar:    cal,
	}, h.clk, log)
	recv := telegram.NewReceiver(api, h.st, telegram.ReceiverConfig{
		APIURL:      h.srv.URL(),
		PollTimeout: time.Second,
	}, h.clk, log)
	worker := delivery.NewLane(h.st, telegram.NewSender(api), h.clk, log, delivery.Options{
		RatePerSecond: 1000, PerChatInterval: 5 * time.Millisecond, PollInterval: 50 * time.Millisecond,
	})
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); _ = recv.Receive(ctx, h.bot.HandleUpdate) }()
	go func() { defer wg.Done(); _ = worker.Run(ctx) }()
	t.Cleanup(func() { cancel(); wg.Wait() })
	return h
}

func (h *harness) fixture() {
	ctx := context.Background()
	err := storetest.SQLTx(ctx, h.st, func(tx *sqlx.Tx) error {
		get := func(dst *int64, q string, args ...any) {
			if err := tx.GetContext(ctx, dst, q, args...); err != nil {
				h.t.Fatalf("fixture %q: %v", q, err)
			}
		}
		get(&h.unit, `INSERT INTO units (code, name, created_at, updated_at)
			VALUES ('pdp', 'UBND phường Phan Đình Phùng', $1, $1) RETURNING id`, t0)
		official := func(key, name, position, role string, user int64) int64 {
			var id int64
			if user == 0 {
				get(&id, `INSERT INTO officials (unit_id, key, name, position, roles, created_at, updated_at)
					VALUES ($1, $2, $3, $4, ARRAY[$5], $6, $6) RETURNING id`, h.unit, key, name, position, role, t0)
				return id
			}
			get(&id, `INSERT INTO officials (unit_id, key, name, position, roles, telegram_user_id, telegram_chat_id, linked_at, created_at, updated_at)
				VALUES ($1, $2, $3, $4, ARRAY[$5], $6, $6, $7, $7, $7) RETURNING id`, h.unit, key, name, position, role, user, t0)
			return id
		}
		h.chairman = official("chu-tich", "Vương Văn Toàn", "Chủ tịch UBND phường", "chairman", chairUser)
		h.office = official("van-phong", "Công chức Văn phòng - Thống kê", "Công chức Văn phòng - Thống kê", "office", officeUser)
		h.member = official("tu-phap", "Công chức Tư pháp - Hộ tịch", "Công chức Tư pháp - Hộ tịch", "member", memberUser)
		h.outsider = official("tai-chinh", "Công chức Tài chính - Kế toán", "Công chức Tài chính - Kế toán", "member", outsideUser)
		h.unlinked = official("dia-chinh-xd", "Công chức Địa chính - xây dựng", "Công chức Địa chính - xây dựng", "member", 0)
		var planID, area int64
		get(&planID, `INSERT INTO plans (unit_id, code, title, year, created_at, updated_at)
			VALUES ($1, 'KH-CCHC-2025', 'Kế hoạch cải cách hành chính năm 2025', 2025, $2, $2) RETURNING id`, h.unit, t0)
		get(&area, `INSERT INTO areas (plan_id, code, name) VALUES ($1, '2', 'Cải cách thủ tục hành chính') RETURNING id`, planID)
		get(&h.task, `INSERT INTO tasks (plan_id, area_id, key, title, lead_id, due, created_at, updated_at)
			VALUES ($1, $2, 'ra-soat-tthc', $3, $4, '2025-06-30', $5, $5) RETURNING id`, planID, area, taskTitle, h.member, t0)
		if _, err := tx.ExecContext(ctx, `INSERT INTO task_supporters (task_id, official_id) VALUES ($1, $2)`, h.task, h.office); err != nil {
			h.t.Fatal(err)
		}
		get(&h.occurrence, `INSERT INTO occurrences (task_id, key, nominal_due, due, created_at, updated_at)
			VALUES ($1, '2025-06-30', '2025-06-30', '2025-06-30', $2, $2) RETURNING id`, h.task, t0)
		get(&h.target, `INSERT INTO targets (plan_id, area_id, key, text, measure, goal, comparator, owner_id, every, created_at, updated_at)
			VALUES ($1, $2, 'tthc-dung-han', $3, 'percent', 100, '>=', $4, 'monthly', $5, $5) RETURNING id`,
			planID, area, targetText, h.office, t0)
		return nil
	})
	if err != nil {
		h.t.Fatal(err)
	}
}

// waitFor waits for cond, re-checked on every event of the fake Telegram.
func (h *harness) waitFor(what string, cond func() bool) {
	h.t.Helper()
	h.srv.WaitFor(h.t, what, cond)
}

// nextTo waits for the n-th message (1-based) to chat and returns it.
func (h *harness) nextTo(chat int64, n int) telegramtest.SentMessage {
	h.t.Helper()
	return h.srv.WaitSentTo(h.t, chat, n)[n-1]
}

// processed waits until the bot confirmed update id to Telegram, which it
// does only after the update's transaction committed.
func (h *harness) processed(id int64) {
	h.t.Helper()
	h.srv.WaitProcessed(h.t, id)
	if ok, err := h.st.UpdateProcessed(context.Background(), id); err != nil || !ok {
		h.t.Fatalf("update %d confirmed but not recorded as processed (%v)", id, err)
	}
}

// settled waits until every message enqueued so far is delivered (sent or
// given up), so that what the fake Telegram received is final for every
// update already processed: an update's messages commit with it.
func (h *harness) settled() {
	h.t.Helper()
	storetest.WaitDelivered(h.t, h.st)
}

// outboxTo counts the outbox rows addressed to chat, whatever their state.
func (h *harness) outboxTo(chat int64) int {
	h.t.Helper()
	rows, err := h.st.OutboxRows(context.Background(), "")
	if err != nil {
		h.t.Fatal(err)
	}
	n := 0
	for _, r := range rows {
		if r.ChatID == chat {
			n++
		}
	}
	return n
}

// remind enqueues a reminder about the occurrence to chat and returns the
// delivered message.
func (h *harness) remind(official, chat int64, key string) telegramtest.SentMessage {
	h.t.Helper()
	occ := h.occurrence
	before := len(h.srv.SentTo(chat))
	_, err := store.Enqueue(context.Background(), h.st, store.OutMessage{
		UnitID: &h.unit, OfficialID: &official, ChatID: chat, DedupeKey: key, Kind: "reminder", OccurrenceID: &occ,
		Payload: store.Payload{
			Text:    "⏰ Nhắc việc: <b>" + taskTitle + "</b> — hạn 30/06/2025",
			Buttons: callback.Keyboard(h.signer, i18n.New(i18n.VI), occ, chat),
		},
		NotBefore: t0,
	})
	if err != nil {
		h.t.Fatal(err)
	}
	m := h.nextTo(chat, before+1)
	h.marked(m)
	return m
}

// marked waits until the worker recorded the Telegram id of m, which maps
// a reply back. A person replies seconds after a message arrives; a test
// replies at once.
func (h *harness) marked(m telegramtest.SentMessage) {
	h.t.Helper()
	storetest.WaitOutbox(h.t, h.st, fmt.Sprintf("message %d to %d to be marked sent", m.MessageID, m.ChatID),
		func(rows []store.OutboxRow) bool {
			for _, r := range rows {
				if r.ChatID == m.ChatID && r.TelegramMessageID != nil && *r.TelegramMessageID == m.MessageID {
					return true
				}
			}
			return false
		})
}

func (h *harness) occurrenceNow() store.ReportableOccurrence {
	h.t.Helper()
	o, err := store.ReportableOccurrenceByID(context.Background(), h.st, h.occurrence)
	if err != nil {
		h.t.Fatal(err)
	}
	return o
}

func (h *harness) reports() []plan.ProgressReport {
	h.t.Helper()
	rs, err := store.ProgressReports(context.Background(), h.st, h.occurrence)
	if err != nil {
		h.t.Fatal(err)
	}
	return rs
}

func TestLinkWithInviteCode(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	issue := func(official int64, now, expires time.Time) string {
		code, err := store.NewInviteCode()
		if err != nil {
			t.Fatal(err)
		}
		if err := h.st.IssueInvite(ctx, official, code, now, expires); err != nil {
			t.Fatal(err)
		}
		return code
	}
	valid := issue(h.unlinked, t0, t0.Add(7*24*time.Hour))
	expired := issue(h.unlinked, t0.Add(-10*24*time.Hour), t0.Add(-24*time.Hour))

	steps := []struct {
		user int64
		args string
		want string
	}{
		{3001, "", "cần mã kết nối"},
		{3001, valid, "Đã kết nối tài khoản Telegram với Công chức Địa chính - xây dựng"},
		{3002, valid, "đã được sử dụng"},
		{3003, expired, "đã hết hạn"},
	}
	for _, s := range steps {
		n := len(h.srv.SentTo(s.user))
		h.srv.SendCommand(s.user, s.user, "start", s.args)
		if got := h.nextTo(s.user, n+1).Plain(); !strings.Contains(got, s.want) {
			t.Fatalf("/start %q from %d: %q, want it to contain %q", s.args, s.user, got, s.want)
		}
	}
	o, err := h.st.OfficialByChat(ctx, 3001)
	if err != nil || o.ID != h.unlinked {
		t.Fatalf("chat 3001 linked to %+v, %v", o, err)
	}
	// The linked official now gets their tasks; /start again says so.
	h.srv.SendCommand(3001, 3001, "start", "")
	if got := h.nextTo(3001, 3).Plain(); !strings.Contains(got, "đã được kết nối") {
		t.Fatalf("second /start: %q", got)
	}

	// Guessing: five wrong codes are answered, the sixth attempt is refused
	// even with a good code.
	const guesser = 3004
	for i := 1; i <= 5; i++ {
		h.srv.SendCommand(guesser, guesser, "start", fmt.Sprintf("doan-ma-%d", i))
		if got := h.nextTo(guesser, i).Plain(); !strings.Contains(got, "không hợp lệ") {
			t.Fatalf("guess %d: %q", i, got)
		}
	}
	fresh := issue(h.outsider, t0, t0.Add(time.Hour))
	h.srv.SendCommand(guesser, guesser, "start", fresh)
	if got := h.nextTo(guesser, 6).Plain(); !strings.Contains(got, "quá nhiều lần") {
		t.Fatalf("sixth attempt: %q", got)
	}
	if _, err := h.st.OfficialByChat(ctx, guesser); err == nil {
		t.Fatal("a rate-limited user was linked")
	}
}

func TestUnlinkedChatLearnsNothing(t *testing.T) {
	h := newHarness(t)
	const stranger = 4242
	inputs := []func() int64{
		func() int64 { return h.srv.SendCommand(stranger, stranger, "viec", "") },
		func() int64 { return h.srv.SendCommand(stranger, stranger, "tonghop", "") },
		func() int64 { return h.srv.SendCommand(stranger, stranger, "quahan", "") },
		func() int64 { return h.srv.SendCommand(stranger, stranger, "baocao", "") },
		func() int64 { return h.srv.SendText(stranger, stranger, "xin chào") },
		func() int64 { return h.srv.Reply(stranger, stranger, 1, "60%") },
	}
	for i, send := range inputs {
		// An unlinked chat is answered once per window (Limits).
		h.clk.Advance(5 * time.Minute)
		send()
		got := h.nextTo(stranger, i+1).Plain()
		if !strings.Contains(got, "chưa được kết nối") {
			t.Errorf("reply %d: %q, want the unlinked explanation", i+1, got)
		}
		for _, secret := range []string{taskTitle, targetText, "Tư pháp", "Vương Văn Toàn", "30/06/2025"} {
			if strings.Contains(got, secret) {
				t.Errorf("reply %d to an unlinked chat reveals %q: %q", i+1, secret, got)
			}
		}
	}
	h.srv.PressButton(stranger, stranger, 1, h.signer.Encode(callback.Action{Kind: callback.KindDone, OccurrenceID: h.occurrence}, stranger))
	h.waitFor("button answer", func() bool { return len(h.srv.CallbackAnswers()) == 1 })
	if o := h.occurrenceNow(); o.Done() || len(h.reports()) != 0 {
		t.Fatal("an unlinked chat changed the occurrence")
	}
}

func TestReplyRecordsProgress(t *testing.T) {
	h := newHarness(t)
	reminder := h.remind(h.member, memberUser, "remind:a")
	if _, ok := reminder.Button("Hoàn thành"); !ok {
		t.Fatalf("reminder without ✅ Hoàn thành: %+v", reminder.Buttons)
	}
	steps := []struct {
		text        string
		wantReply   string
		wantPercent int
		wantNote    string
	}{
		{"60%", "60%", 60, ""},
		{"80% đã trình ký", "80%", 80, "đã trình ký"},
		{"Đang chờ ý kiến Phòng Tư pháp thị xã", "Đã ghi nhận ý kiến", 80, "Đang chờ ý kiến Phòng Tư pháp thị xã"},
		{"150%", "từ 0% đến 100%", 80, ""},
	}
	for i, s := range steps {
		h.srv.Reply(memberUser, memberUser, reminder.MessageID, s.text)
		got := h.nextTo(memberUser, i+2)
		if !strings.Contains(got.Plain(), s.wantReply) || got.ReplyToMessageID == 0 {
			t.Fatalf("reply %q answered %q (reply to %d), want %q", s.text, got.Plain(), got.ReplyToMessageID, s.wantReply)
		}
		if s.wantReply != "từ 0% đến 100%" && !strings.Contains(got.Plain(), taskTitle) {
			t.Errorf("confirmation does not name the task: %q", got.Plain())
		}
		if o := h.occurrenceNow(); o.Percent != s.wantPercent {
			t.Fatalf("after %q percent = %d, want %d", s.text, o.Percent, s.wantPercent)
		}
	}
	rs := h.reports()
	if len(rs) != 3 {
		t.Fatalf("%d reports, want 3 (the out-of-range reply records nothing)", len(rs))
	}
	r := rs[1]
	if r.Note != "đã trình ký" || r.Source != store.SourceTelegram || r.TelegramUpdateID == nil ||
		r.TelegramChatID == nil || *r.TelegramChatID != memberUser || r.OfficialID == nil || *r.OfficialID != h.member {
		t.Fatalf("report %+v", r)
	}

	// "xong" finishes it.
	h.srv.Reply(memberUser, memberUser, reminder.MessageID, "xong")
	if got := h.nextTo(memberUser, 6).Plain(); !strings.Contains(got, "hoàn thành") {
		t.Fatalf("done confirmation: %q", got)
	}
	if o := h.occurrenceNow(); !o.Done() || o.Percent != 100 || *o.DoneBy != h.member {
		t.Fatalf("occurrence not done: %+v", o)
	}
}

func TestOnlyLeadAndSupportersUpdate(t *testing.T) {
	h := newHarness(t)
	// The chairman is told about the task (an escalation) and replies.
	escalation := h.remind(h.chairman, chairUser, "escalate:1")
	h.srv.Reply(chairUser, chairUser, escalation.MessageID, "xong")
	if got := h.nextTo(chairUser, 2).Plain(); !strings.Contains(got, "không phải người chủ trì hoặc phối hợp") {
		t.Fatalf("refusal: %q", got)
	}
	kb := escalation.Buttons[1][0]
	h.srv.PressButton(chairUser, chairUser, escalation.MessageID, kb.CallbackData)
	h.waitFor("button answer", func() bool { return len(h.srv.CallbackAnswers()) == 1 })
	if a := h.srv.CallbackAnswers()[0]; !strings.Contains(a.Text, "không được cập nhật") {
		t.Fatalf("answer %q", a.Text)
	}
	if o := h.occurrenceNow(); o.Done() || o.Percent != 0 || len(h.reports()) != 0 {
		t.Fatal("a non-participant changed the task")
	}
	// The supporting office official may.
	reminder := h.remind(h.office, officeUser, "remind:office")
	h.srv.Reply(officeUser, officeUser, reminder.MessageID, "40%")
	h.nextTo(officeUser, 2)
	if o := h.occurrenceNow(); o.Percent != 40 {
		t.Fatalf("supporter's report not applied: %d", o.Percent)
	}
}

func TestButtons(t *testing.T) {
	h := newHarness(t)
	reminder := h.remind(h.member, memberUser, "remind:b")
	press := func(chat, user, msg int64, data string) telegramtest.CallbackAnswer {
		t.Helper()
		n := len(h.srv.CallbackAnswers())
		id := h.srv.PressButton(chat, user, msg, data)
		h.waitFor("answer", func() bool { return len(h.srv.CallbackAnswers()) > n })
		a := h.srv.CallbackAnswers()[n]
		if a.QueryID != id {
			t.Fatalf("answered %s, pressed %s", a.QueryID, id)
		}
		return a
	}
	fifty, _ := reminder.Button("50%")
	done, _ := reminder.Button("Hoàn thành")
	forged := done.CallbackData[:len(done.CallbackData)-2] + "AA"
	otherOcc := h.signer.Encode(callback.Action{Kind: callback.KindDone, OccurrenceID: h.occurrence + 1}, memberUser)

	// Forged data and another chat's buttons change nothing.
	outsiderReminder := h.remind(h.outsider, outsideUser, "remind:outsider")
	for _, c := range []struct {
		name            string
		chat, user, msg int64
		data            string
	}{
		{"forged", memberUser, memberUser, reminder.MessageID, forged},
		{"other chat", outsideUser, outsideUser, outsiderReminder.MessageID, done.CallbackData},
		{"unknown occurrence", memberUser, memberUser, reminder.MessageID, otherOcc},
		{"garbage", memberUser, memberUser, reminder.MessageID, "xin chào"},
	} {
		if a := press(c.chat, c.user, c.msg, c.data); a.Text != "Nút không hợp lệ." {
			t.Errorf("%s: answer %q", c.name, a.Text)
		}
	}
	if len(h.reports()) != 0 {
		t.Fatal("an invalid press recorded progress")
	}

	if a := press(memberUser, memberUser, reminder.MessageID, fifty.CallbackData); !strings.Contains(a.Text, "50%") {
		t.Fatalf("50%% press answered %q", a.Text)
	}
	if o := h.occurrenceNow(); o.Percent != 50 {
		t.Fatalf("percent %d after 50%% press", o.Percent)
	}
	// The same step again records nothing.
	press(memberUser, memberUser, reminder.MessageID, fifty.CallbackData)
	if n := len(h.reports()); n != 1 {
		t.Fatalf("%d reports after a repeated step, want 1", n)
	}
	if a := press(memberUser, memberUser, reminder.MessageID, done.CallbackData); !strings.Contains(a.Text, "hoàn thành") {
		t.Fatalf("done press answered %q", a.Text)
	}
	if o := h.occurrenceNow(); !o.Done() {
		t.Fatal("not done after ✅ Hoàn thành")
	}
	// Replayed: done already.
	if a := press(memberUser, memberUser, reminder.MessageID, done.CallbackData); a.Text != "Nhiệm vụ đã hoàn thành." {
		t.Fatalf("replayed press answered %q", a.Text)
	}
	if n := len(h.reports()); n != 2 {
		t.Fatalf("%d reports, want 2", n)
	}
	// The presses were confirmed in the chat too.
	h.waitFor("confirmations", func() bool { return len(h.srv.SentTo(memberUser)) == 3 })
}

func TestPhotoEvidence(t *testing.T) {
	h := newHarness(t)
	reminder := h.remind(h.member, memberUser, "remind:c")
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde")
	h.srv.SendPhoto(memberUser, memberUser, reminder.MessageID, "Biên bản họp rà soát", png)
	got := h.nextTo(memberUser, 2).Plain()
	if !strings.Contains(got, "minh chứng") {
		t.Fatalf("confirmation %q", got)
	}
	rs := h.reports()
	if len(rs) != 1 || rs[0].EvidenceKind != store.EvidencePhoto || rs[0].EvidenceFileID == "" || rs[0].Note != "Biên bản họp rà soát" {
		t.Fatalf("reports %+v", rs)
	}
	h.srv.SendDocument(memberUser, memberUser, reminder.MessageID, "du-thao.docx", "", []byte("PK dự thảo"))
	h.nextTo(memberUser, 3)
	if rs := h.reports(); len(rs) != 2 || rs[1].EvidenceKind != store.EvidenceDocument {
		t.Fatalf("document evidence: %+v", rs)
	}
}

func TestTasksListReplyByNumber(t *testing.T) {
	h := newHarness(t)
	h.srv.SendCommand(memberUser, memberUser, "viec", "")
	list := h.nextTo(memberUser, 1)
	h.marked(list)
	if !strings.Contains(list.Plain(), "1. "+taskTitle) || !strings.Contains(list.Plain(), "30/06/2025") {
		t.Fatalf("/viec: %q", list.Plain())
	}
	h.srv.Reply(memberUser, memberUser, list.MessageID, "1: 30%")
	h.nextTo(memberUser, 2)
	if o := h.occurrenceNow(); o.Percent != 30 {
		t.Fatalf("percent %d, want 30", o.Percent)
	}
	// English alias with the bot's username.
	h.srv.SendCommand(memberUser, memberUser, "tasks@"+telegramtest.DefaultBotUsername, "")
	if got := h.nextTo(memberUser, 3).Plain(); !strings.Contains(got, taskTitle) {
		t.Fatalf("/tasks@bot: %q", got)
	}
}

func TestManagerCommands(t *testing.T) {
	h := newHarness(t)
	for i, cmd := range []string{"tonghop", "digest", "chuabaocao", "missing"} {
		h.srv.SendCommand(memberUser, memberUser, cmd, "")
		got := h.nextTo(memberUser, i+1).Plain()
		if !strings.Contains(got, "chỉ dành cho Chủ tịch, Phó Chủ tịch và Văn phòng") || strings.Contains(got, taskTitle) {
			t.Fatalf("member /%s: %q", cmd, got)
		}
	}
	h.srv.SendCommand(chairUser, chairUser, "tonghop", "")
	if got := h.nextTo(chairUser, 1).Plain(); strings.Contains(got, "chỉ dành cho") || got == "" {
		t.Fatalf("chairman /tonghop: %q", got)
	}
	h.srv.SendCommand(officeUser, officeUser, "chuabaocao", "")
	if got := h.nextTo(officeUser, 1).Plain(); !strings.Contains(got, "báo cáo") {
		t.Fatalf("office /chuabaocao: %q", got)
	}
	// A vice-chairman may use what the chairman uses.
	if _, err := h.st.DB().Exec(`UPDATE officials SET roles = '{vice_chairman}' WHERE id = $1`, h.outsider); err != nil {
		t.Fatal(err)
	}
	h.srv.SendCommand(outsideUser, outsideUser, "tonghop", "")
	if got := h.nextTo(outsideUser, 1).Plain(); strings.Contains(got, "chỉ dành cho") || !strings.Contains(got, "TỔNG HỢP BÁO CÁO") {
		t.Fatalf("vice-chairman /tonghop: %q", got)
	}
	h.srv.SendCommand(outsideUser, outsideUser, "chuabaocao", "")
	if got := h.nextTo(outsideUser, 2).Plain(); strings.Contains(got, "chỉ dành cho") || !strings.Contains(got, "báo cáo") {
		t.Fatalf("vice-chairman /chuabaocao: %q", got)
	}
	h.srv.SendCommand(memberUser, memberUser, "trogiup", "")
	if got := h.nextTo(memberUser, 5).Plain(); !strings.Contains(got, "/viec") || strings.Contains(got, "/tonghop") {
		t.Fatalf("member help: %q", got)
	}
	h.srv.SendCommand(memberUser, memberUser, "khongco", "")
	if got := h.nextTo(memberUser, 6).Plain(); !strings.Contains(got, "Không có lệnh /khongco") {
		t.Fatalf("unknown command: %q", got)
	}
}

func TestOverdue(t *testing.T) {
	h := newHarness(t)
	h.clk.Set(time.Date(2025, 7, 3, 9, 0, 0, 0, ict)) // three days after the due date
	h.srv.SendCommand(memberUser, memberUser, "quahan", "")
	if got := h.nextTo(memberUser, 1).Plain(); !strings.Contains(got, taskTitle) || !strings.Contains(got, "quá hạn 3 ngày") {
		t.Fatalf("member /quahan: %q", got)
	}
	h.srv.SendCommand(outsideUser, outsideUser, "quahan", "")
	if got := h.nextTo(outsideUser, 1).Plain(); !strings.Contains(got, "Không có nhiệm vụ nào quá hạn") {
		t.Fatalf("outsider /quahan: %q", got)
	}
	h.srv.SendCommand(chairUser, chairUser, "overdue", "")
	if got := h.nextTo(chairUser, 1).Plain(); !strings.Contains(got, "toàn phường") || !strings.Contains(got, taskTitle) {
		t.Fatalf("chairman /overdue: %q", got)
	}
}

func TestReportTargetReading(t *testing.T) {
	h := newHarness(t)
	h.srv.SendCommand(officeUser, officeUser, "baocao", "")
	if got := h.nextTo(officeUser, 1).Plain(); !strings.Contains(got, "1. "+targetText) {
		t.Fatalf("/baocao: %q", got)
	}
	h.srv.SendText(officeUser, officeUser, "1")
	if got := h.nextTo(officeUser, 2).Plain(); !strings.Contains(got, "Nhập kết quả") {
		t.Fatalf("ask value: %q", got)
	}
	h.srv.SendText(officeUser, officeUser, "96,5")
	if got := h.nextTo(officeUser, 3).Plain(); !strings.Contains(got, "96,5%") || !strings.Contains(got, "chưa đạt") {
		t.Fatalf("recorded: %q", got)
	}
	rs, err := store.Readings(context.Background(), h.st, h.target)
	if err != nil || len(rs) != 1 || rs[0].Value != 96.5 || rs[0].PeriodKey != "2025-03" {
		t.Fatalf("readings %+v, %v (decree09: 10/03 is in month 2025-03)", rs, err)
	}

	// A reply to the scheduler's reading request, for its period; only the
	// owner may answer.
	target := h.target
	for _, c := range []struct {
		user, official int64
	}{{officeUser, h.office}, {memberUser, h.member}} {
		official := c.official
		if _, err := store.Enqueue(context.Background(), h.st, store.OutMessage{
			OfficialID: &official, ChatID: c.user, DedupeKey: fmt.Sprintf("reading:%d:2025-02:%d", target, official),
			Kind: "reading_request", TargetID: &target, Payload: store.Payload{Text: "Đề nghị báo cáo kết quả chỉ tiêu"}, NotBefore: t0,
		}); err != nil {
			t.Fatal(err)
		}
	}
	req := h.nextTo(officeUser, 4)
	h.marked(req)
	h.srv.Reply(officeUser, officeUser, req.MessageID, "100")
	if got := h.nextTo(officeUser, 5).Plain(); !strings.Contains(got, "đạt") {
		t.Fatalf("reading reply: %q", got)
	}
	memberReq := h.nextTo(memberUser, 1)
	h.marked(memberReq)
	h.srv.Reply(memberUser, memberUser, memberReq.MessageID, "100")
	if got := h.nextTo(memberUser, 2).Plain(); !strings.Contains(got, "Chỉ người phụ trách") {
		t.Fatalf("non-owner reading: %q", got)
	}
	rs, _ = store.Readings(context.Background(), h.st, h.target)
	if len(rs) != 2 || rs[1].PeriodKey != "2025-02" || rs[1].Value != 100 {
		t.Fatalf("readings %+v", rs)
	}
}

func TestBlockedUserMarkedUnreachable(t *testing.T) {
	h := newHarness(t)
	id := h.srv.Block(memberUser)
	h.processed(id)
	o, err := h.st.OfficialByChat(context.Background(), memberUser)
	if err != nil || o.UnreachableAt == nil {
		t.Fatalf("blocked official: %+v, %v", o, err)
	}
	if got := h.nextTo(officeUser, 1).Plain(); !strings.Contains(got, "Công chức Tư pháp - Hộ tịch") {
		t.Fatalf("office notice: %q", got)
	}
	// A reminder bouncing with 403 does not tell the office again.
	occ := h.occurrence
	if _, err := store.Enqueue(context.Background(), h.st, store.OutMessage{OccurrenceID: &occ, ChatID: memberUser,
		DedupeKey: "remind:blocked", Kind: "reminder", Payload: store.Payload{Text: "Nhắc việc"}, NotBefore: t0}); err != nil {
		t.Fatal(err)
	}
	h.waitFor("the bounce", func() bool {
		rows, _ := h.st.OutboxRows(context.Background(), "reminder")
		return len(rows) == 1 && rows[0].Status == store.OutboxDead
	})
	// The bounce killed the row and would have enqueued a notice in one
	// transaction: once everything enqueued is delivered, the office's
	// messages are final.
	h.settled()
	if n := h.outboxTo(officeUser); n != 1 {
		t.Fatalf("%d messages enqueued to the office, want one notice", n)
	}
	if n := len(h.srv.SentTo(officeUser)); n != 1 {
		t.Fatalf("office told %d times, want once", n)
	}
}

func TestPollRetriesUntilCommitted(t *testing.T) {
	h := newHarness(t)
	reminder := h.remind(h.member, memberUser, "remind:d")
	// The first attempt to record progress fails inside the transaction
	// (a sequence is not rolled back, so only the first one fails).
	_, err := h.st.DB().Exec(`
		CREATE SEQUENCE fail_once;
		CREATE FUNCTION fail_once() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF nextval('fail_once') = 1 THEN RAISE EXCEPTION 'injected failure'; END IF;
			RETURN NEW;
		END $$;
		CREATE TRIGGER fail_once BEFORE INSERT ON progress_reports FOR EACH ROW EXECUTE FUNCTION fail_once();`)
	if err != nil {
		t.Fatal(err)
	}
	id := h.srv.Reply(memberUser, memberUser, reminder.MessageID, "60%")
	if got := h.nextTo(memberUser, 2).Plain(); !strings.Contains(got, "60%") {
		t.Fatalf("confirmation %q", got)
	}
	h.processed(id)
	if rs := h.reports(); len(rs) != 1 {
		t.Fatalf("%d reports, want exactly 1", len(rs))
	}
	// The failed attempt rolled back and the update was fetched again: the
	// trigger ran twice, and two getUpdates did not confirm it.
	var calls int64
	if err := h.st.DB().Get(&calls, `SELECT last_value FROM fail_once`); err != nil || calls != 2 {
		t.Fatalf("processed %d times (%v), want 2: one failure, one success", calls, err)
	}
	asked := 0
	for _, c := range h.srv.CallLog() {
		if off, err := strconv.ParseInt(c.Params["offset"], 10, 64); c.Method == "getUpdates" && err == nil && off <= id {
			asked++
		}
	}
	if asked < 2 {
		t.Fatalf("update %d was fetched by %d getUpdates not confirming it, want at least 2", id, asked)
	}
	// The update is processed: its replies are in the outbox.
	h.settled()
	if n := h.outboxTo(memberUser); n != 2 {
		t.Fatalf("%d messages enqueued to the member, want 2 (one confirmation)", n)
	}
	if n := len(h.srv.SentTo(memberUser)); n != 2 {
		t.Fatalf("%d messages to the member, want 2 (one confirmation)", n)
	}
}

func TestDuplicateUpdateAndPanic(t *testing.T) {
	h := newHarness(t)
	reminder := h.remind(h.member, memberUser, "remind:e")
	ctx := context.Background()
	from := models.User{ID: memberUser, FirstName: "Tư pháp"}
	chat := models.Chat{ID: memberUser, Type: models.ChatTypePrivate}
	// The receiver reads where polling resumes once, when it starts: after
	// the update below it would skip the fake's own (smaller) ids.
	h.waitFor("polling", func() bool { return h.srv.Calls("getUpdates") > 0 })
	upd := &models.Update{ID: 900001, Message: &models.Message{
		ID: 9001, From: &from, Chat: chat, Text: "70%",
		ReplyToMessage: &models.Message{ID: int(reminder.MessageID), Chat: chat},
	}}
	for i := 0; i < 3; i++ {
		if err := h.bot.HandleUpdate(ctx, telegram.ToUpdate(upd)); err != nil {
			t.Fatal(err)
		}
	}
	if rs := h.reports(); len(rs) != 1 || h.occurrenceNow().Percent != 70 {
		t.Fatalf("duplicate update applied %d times", len(rs))
	}

	h.nextTo(memberUser, 2) // the confirmation of the first
	h.bot.SetBeforeDispatch(func(u channel.Update) {
		if u.Text == "gây lỗi" {
			panic("handler bug")
		}
	})
	n := len(h.srv.SentTo(memberUser))
	id := h.srv.SendText(memberUser, memberUser, "gây lỗi")
	if got := h.nextTo(memberUser, n+1).Plain(); !strings.Contains(got, "đã có lỗi") {
		t.Fatalf("after a panic: %q", got)
	}
	h.processed(id)
	// The bot keeps going.
	h.srv.SendCommand(memberUser, memberUser, "viec", "")
	if got := h.nextTo(memberUser, n+2).Plain(); !strings.Contains(got, taskTitle) {
		t.Fatalf("after the panic /viec answered %q", got)
	}
}

// TestExpiredButton: a button pressed after telegram.button_max_age, or
// signed by a key retired since, is answered with a hint to reply or use
// /viec, and changes nothing; a button of the key that replaced it works.
func TestExpiredButton(t *testing.T) {
	h := newHarness(t)
	reminder := h.remind(h.member, memberUser, "remind:expired")
	press := func(data string) string {
		t.Helper()
		n := len(h.srv.CallbackAnswers())
		h.srv.PressButton(memberUser, memberUser, reminder.MessageID, data)
		h.waitFor("answer", func() bool { return len(h.srv.CallbackAnswers()) > n })
		return h.srv.CallbackAnswers()[n].Text
	}
	const expired = "Nút này đã hết hạn. Hãy trả lời (reply) tin nhắn để báo tiến độ, hoặc dùng lệnh /viec."
	fifty, _ := reminder.Button("50%")
	h.clk.Advance(60*24*time.Hour + time.Hour)
	if got := press(fifty.CallbackData); got != expired {
		t.Errorf("press after 60 days answered %q, want %q", got, expired)
	}
	if len(h.reports()) != 0 {
		t.Fatal("an expired press recorded progress")
	}

	// A fresh button of the same key works; after a rotation retiring the
	// old key at once, it is expired and the new key's button works.
	fresh := h.remind(h.member, memberUser, "remind:fresh")
	freshDone, _ := fresh.Button("Hoàn thành")
	if _, err := h.st.RotateSigningKey(context.Background(), h.clk.Now(), 0); err != nil {
		t.Fatal(err)
	}
	if got := press(freshDone.CallbackData); got != expired {
		t.Errorf("press of a retired key's button answered %q", got)
	}
	signer, err := callback.Load(context.Background(), h.st, h.clk, 60*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if got := press(signer.Encode(callback.Action{Kind: callback.KindDone, OccurrenceID: h.occurrence}, memberUser)); !strings.Contains(got, "hoàn thành") {
		t.Errorf("press of the new key's button answered %q", got)
	}
	if o := h.occurrenceNow(); !o.Done() {
		t.Error("not done after the new key's ✅ Hoàn thành")
	}
}

// TestUpdatesFromNoPersonAreIgnored: a message from another bot, a channel
// post and a group's migration notice are recorded as processed and
// answered with nothing (the chat moves when the worker next sends to it).
func TestUpdatesFromNoPersonAreIgnored(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	group := models.Chat{ID: -5001, Type: models.ChatTypeGroup}
	updates := []*models.Update{
		{ID: 930001, Message: &models.Message{ID: 1, Chat: models.Chat{ID: memberUser, Type: models.ChatTypePrivate},
			From: &models.User{ID: 77, IsBot: true, FirstName: "Bot khác"}, Text: "/viec"}},
		{ID: 930002, Message: &models.Message{ID: 2, Chat: models.Chat{ID: -5002, Type: models.ChatTypeChannel}, Text: "/viec"}},
		{ID: 930003, Message: &models.Message{ID: 3, Chat: group, From: &models.User{ID: memberUser, FirstName: "Tư pháp"},
			MigrateToChatID: -1005001}},
	}
	for _, upd := range updates {
		if err := h.bot.HandleUpdate(ctx, telegram.ToUpdate(upd)); err != nil {
			t.Fatalf("update %d: %v", upd.ID, err)
		}
		if ok, err := h.st.UpdateProcessed(ctx, upd.ID); err != nil || !ok {
			t.Errorf("update %d not recorded as processed (%v)", upd.ID, err)
		}
	}
	for _, chat := range []int64{memberUser, -5002, group.ID, -1005001} {
		if n := h.outboxTo(chat); n != 0 {
			t.Errorf("%d messages enqueued to %d, want none", n, chat)
		}
	}
}

// TestAnyChannel: the bot answers an update of any channel, given in the
// neutral form; its reply goes to the outbox like every other.
func TestAnyChannel(t *testing.T) {
	h := newHarness(t)
	err := h.bot.HandleUpdate(context.Background(), channel.Update{
		Channel: "zalo", ID: 940001, ChatID: memberUser, PrivateChat: true, UserID: memberUser,
		MessageID: 5, Text: "/viec",
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := h.nextTo(memberUser, 1).Plain(); !strings.Contains(got, taskTitle) {
		t.Fatalf("/viec answered %q", got)
	}
}

// TestGiveUpAfterMaxFailures: an update that keeps failing is returned as
// an error MaxFailures-1 times, then recorded as processed with an apology
// and no effect; while the database cannot record even that, it stays
// unprocessed and keeps failing.
func TestGiveUpAfterMaxFailures(t *testing.T) {
	h := newHarness(t)
	reminder := h.remind(h.member, memberUser, "remind:poison")
	_, err := h.st.DB().Exec(`
		CREATE FUNCTION fail_always() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN RAISE EXCEPTION 'injected failure'; END $$;
		CREATE TRIGGER fail_always BEFORE INSERT ON progress_reports FOR EACH ROW EXECUTE FUNCTION fail_always();`)
	if err != nil {
		t.Fatal(err)
	}
	b := bot.New(h.st, nil, bot.BotConfig{Language: i18n.VI, Location: ict, Signer: h.signer, MaxFailures: 3},
		h.clk, slog.New(slog.NewTextHandler(io.Discard, nil)))
	ctx := context.Background()
	reply := func(id int64) channel.Update {
		return channel.Update{Channel: channel.Telegram, ID: id, ChatID: memberUser, PrivateChat: true, UserID: memberUser,
			MessageID: id % 1000, ReplyTo: reminder.MessageID, Text: "60%"}
	}
	for attempt := 1; attempt <= 2; attempt++ {
		if err := b.HandleUpdate(ctx, reply(950001)); err == nil {
			t.Fatalf("attempt %d succeeded", attempt)
		}
		if ok, _ := h.st.UpdateProcessed(ctx, 950001); ok {
			t.Fatalf("attempt %d: recorded as processed", attempt)
		}
	}
	if err := b.HandleUpdate(ctx, reply(950001)); err != nil {
		t.Fatalf("third attempt: %v, want it given up", err)
	}
	if ok, _ := h.st.UpdateProcessed(ctx, 950001); !ok {
		t.Fatal("given up but not recorded as processed")
	}
	if got := h.nextTo(memberUser, 2).Plain(); !strings.Contains(got, "đã có lỗi") {
		t.Fatalf("after giving up: %q, want the apology", got)
	}
	if rs := h.reports(); len(rs) != 0 {
		t.Fatalf("%d reports recorded by a given-up update", len(rs))
	}

	// The outbox refuses too: the apology cannot be recorded, so the update
	// is never given up.
	if _, err := h.st.DB().Exec(`CREATE TRIGGER fail_outbox BEFORE INSERT ON outbox FOR EACH ROW EXECUTE FUNCTION fail_always();`); err != nil {
		t.Fatal(err)
	}
	for attempt := 1; attempt <= 5; attempt++ {
		if err := b.HandleUpdate(ctx, reply(950002)); err == nil {
			t.Fatalf("attempt %d with the database refusing: nil error", attempt)
		}
	}
	if ok, _ := h.st.UpdateProcessed(ctx, 950002); ok {
		t.Fatal("recorded as processed while its apology could not be")
	}
}

// A cumulative target's reading is confirmed as the digest will judge it:
// 25% of a year's goal on 10 March is on track, not "chưa đạt".
func TestReportCumulativeReadingJudged(t *testing.T) {
	h := newHarness(t)
	if _, err := h.st.DB().ExecContext(context.Background(),
		`UPDATE targets SET kind = 'cumulative', comparator = '>=', goal = 100 WHERE id = $1`, h.target); err != nil {
		t.Fatal(err)
	}
	h.srv.SendCommand(officeUser, officeUser, "baocao", "")
	h.nextTo(officeUser, 1)
	h.srv.SendText(officeUser, officeUser, "1")
	h.nextTo(officeUser, 2)
	h.srv.SendText(officeUser, officeUser, "25")
	if got := h.nextTo(officeUser, 3).Plain(); !strings.Contains(got, "25%") || !strings.Contains(got, "đúng tiến độ") {
		t.Fatalf("recorded: %q, want the cumulative 25%% judged on track", got)
	}
	h.srv.SendCommand(officeUser, officeUser, "baocao", "")
	h.nextTo(officeUser, 4)
	h.srv.SendText(officeUser, officeUser, "1")
	h.nextTo(officeUser, 5)
	h.srv.SendText(officeUser, officeUser, "10")
	if got := h.nextTo(officeUser, 6).Plain(); !strings.Contains(got, "chậm tiến độ") {
		t.Fatalf("recorded: %q, want the cumulative 10%% judged behind", got)
	}
}

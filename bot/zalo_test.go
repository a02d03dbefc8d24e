package bot_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/nhacviec/nhacviec/bot"
	"github.com/nhacviec/nhacviec/callback"
	"github.com/nhacviec/nhacviec/channel"
	"github.com/nhacviec/nhacviec/clock"
	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/store/storetest"
)

// Zalo chats (and users) of the officials in zaloHarness: surrogates from
// store.ZaloChatBase.
const (
	zChair  = store.ZaloChatBase + 1001
	zOffice = store.ZaloChatBase + 1002
	zMember = store.ZaloChatBase + 1003
	zOther  = store.ZaloChatBase + 1004
)

// zaloHarness drives the bot as the Zalo receiver does: updates of
// channel.Zalo handed to HandleUpdate, replies read from the outbox and
// marked sent as the Zalo lane would. The chairman, the office and the
// member are linked on Zalo; the outsider stays on Telegram. A second
// occurrence, led by the member, makes two-item briefs.
type zaloHarness struct {
	*harness
	ctx    context.Context
	nextID int64
	seen   int64 // the last outbox id returned
	second int64 // the second occurrence
}

func newZaloHarness(t *testing.T) *zaloHarness {
	t.Helper()
	h := &harness{t: t, st: storetest.New(t), clk: clock.NewFake(t0)}
	h.fixture()
	ctx := context.Background()
	var err error
	h.signer, err = callback.Load(ctx, h.st, h.clk, 60*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	h.bot = bot.New(h.st, nil, bot.BotConfig{
		Language: i18n.VI, Location: ict, Signer: h.signer, Calendar: weekdays(t),
	}, h.clk, slog.New(slog.NewTextHandler(io.Discard, nil)))
	z := &zaloHarness{harness: h, ctx: ctx}
	err = storetest.SQLTx(ctx, h.st, func(tx *sqlx.Tx) error {
		for id, chat := range map[int64]int64{h.chairman: zChair, h.office: zOffice, h.member: zMember} {
			if _, err := tx.ExecContext(ctx, `UPDATE officials SET telegram_chat_id = $2, telegram_user_id = $2 WHERE id = $1`, id, chat); err != nil {
				return err
			}
		}
		var task int64
		if err := tx.GetContext(ctx, &task, `
			INSERT INTO tasks (plan_id, area_id, key, title, lead_id, due, created_at, updated_at)
			SELECT plan_id, area_id, 'bao-cao-quy', 'Báo cáo quý về cải cách hành chính', lead_id, '2025-07-31', created_at, updated_at
			FROM tasks WHERE id = $1 RETURNING id`, h.task); err != nil {
			return err
		}
		return tx.GetContext(ctx, &z.second, `
			INSERT INTO occurrences (task_id, key, nominal_due, due, created_at, updated_at)
			VALUES ($1, '2025-07-31', '2025-07-31', '2025-07-31', $2, $2) RETURNING id`, task, t0)
	})
	if err != nil {
		t.Fatal(err)
	}
	return z
}

// update hands the bot one Zalo update from chat (its own private chat)
// and returns the texts of the messages it enqueued to chat, which it
// marks sent, with those to every other Zalo chat.
func (z *zaloHarness) update(chat int64, u channel.Update) []string {
	z.t.Helper()
	z.nextID++
	z.clk.Advance(6 * time.Minute) // past the inbound limits
	u.Channel, u.ID, u.MessageID = channel.Zalo, -z.nextID, -z.nextID
	u.ChatID, u.UserID, u.PrivateChat = chat, chat, true
	if err := z.bot.HandleUpdate(z.ctx, u); err != nil {
		z.t.Fatalf("update %+v: %v", u, err)
	}
	return z.deliver(chat)
}

// say sends text from chat.
func (z *zaloHarness) say(chat int64, text string) []string {
	z.t.Helper()
	return z.update(chat, channel.Update{Text: text})
}

// sayOne sends text from chat and returns the one answer.
func (z *zaloHarness) sayOne(chat int64, text string) string {
	z.t.Helper()
	got := z.say(chat, text)
	if len(got) != 1 {
		z.t.Fatalf("%q from %d: %d answers %q, want one", text, chat, len(got), got)
	}
	return got[0]
}

// rows are the outbox rows of every channel, oldest first.
func (z *zaloHarness) rows() []store.OutboxRow {
	z.t.Helper()
	var rows []store.OutboxRow
	err := z.st.DB().Select(&rows, `SELECT id, channel, COALESCE(chat_id, 0) AS chat_id, dedupe_key, kind, occurrence_id, target_id, payload, status
		FROM outbox ORDER BY id`)
	if err != nil {
		z.t.Fatal(err)
	}
	return rows
}

// deliver marks every pending Zalo message sent, one second apart in
// order, and returns the texts of the new ones to chat.
func (z *zaloHarness) deliver(chat int64) []string {
	z.t.Helper()
	rows := z.rows()
	var out []string
	for _, r := range rows {
		if r.ID <= z.seen {
			continue
		}
		z.seen = max(z.seen, r.ID)
		if r.Channel != store.ChannelZalo {
			continue
		}
		z.clk.Advance(time.Second)
		if err := z.st.MarkOutboxSent(z.ctx, r.ID, 0, z.clk.Now()); err != nil {
			z.t.Fatal(err)
		}
		if r.ChatID == chat {
			p, err := r.Payload()
			if err != nil {
				z.t.Fatal(err)
			}
			out = append(out, p.Text)
		}
	}
	return out
}

// lastTo is the payload of the last outbox row to chat.
func (z *zaloHarness) lastTo(chat int64) store.Payload {
	z.t.Helper()
	rows := z.rows()
	for i := len(rows) - 1; i >= 0; i-- {
		if rows[i].ChatID == chat {
			p, err := rows[i].Payload()
			if err != nil {
				z.t.Fatal(err)
			}
			return p
		}
	}
	z.t.Fatalf("no message to %d", chat)
	return store.Payload{}
}

// send enqueues a message of the scheduler to chat and delivers it.
func (z *zaloHarness) send(chat int64, key string, occurrence *int64, refs []int64) {
	z.t.Helper()
	_, err := store.Enqueue(z.ctx, z.st, store.OutMessage{
		UnitID: &z.unit, OfficialID: &z.member, ChatID: chat, DedupeKey: key, Kind: "reminder", OccurrenceID: occurrence,
		Payload:   store.Payload{Text: "⏰ Nhắc việc", Refs: refs},
		NotBefore: z.clk.Now(),
	})
	if err != nil {
		z.t.Fatal(err)
	}
	z.deliver(chat)
}

// occ reads an occurrence.
func (z *zaloHarness) occ(id int64) store.ReportableOccurrence {
	z.t.Helper()
	o, err := store.ReportableOccurrenceByID(z.ctx, z.st, id)
	if err != nil {
		z.t.Fatal(err)
	}
	return o
}

// state is everything a typed message may change: progress, occurrences,
// extension requests, snoozes, links and assignments.
func (z *zaloHarness) state() string {
	z.t.Helper()
	var out string
	err := storetest.SQLTx(z.ctx, z.st, func(tx *sqlx.Tx) error {
		return tx.GetContext(z.ctx, &out, `
			SELECT concat_ws('|',
				(SELECT string_agg(concat_ws(':', id, occurrence_id, percent, done, note, evidence_kind, evidence_file_id), ',' ORDER BY id) FROM progress_reports),
				(SELECT string_agg(concat_ws(':', id, percent, done_at, due, original_due), ',' ORDER BY id) FROM occurrences),
				(SELECT string_agg(concat_ws(':', id, status, requested_due, decided_by), ',' ORDER BY id) FROM extension_requests),
				(SELECT string_agg(concat_ws(':', occurrence_id, official_id, until), ',' ORDER BY occurrence_id, official_id) FROM snoozes),
				(SELECT string_agg(concat_ws(':', id, telegram_chat_id, telegram_user_id), ',' ORDER BY id) FROM officials),
				(SELECT string_agg(concat_ws(':', id, assignee_id), ',' ORDER BY id) FROM tasks))`)
	})
	if err != nil {
		z.t.Fatal(err)
	}
	return out
}

func mustContain(t *testing.T, what, got string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("%s: %q lacks %q", what, got, w)
		}
	}
}

func TestZaloTypedReplies(t *testing.T) {
	z := newZaloHarness(t)

	// Nothing named yet.
	before := z.state()
	mustContain(t, "before any reminder", z.sayOne(zMember, "2 xong"), "Chưa có tin nhắc việc nào", "/viec")
	if s := z.state(); s != before {
		t.Fatalf("a typed answer without a reminder changed %s to %s", before, s)
	}

	// A brief of two items.
	z.send(zMember, "brief:1", nil, []int64{z.occurrence, z.second})
	mustContain(t, "2: 60%", z.sayOne(zMember, "2: 60%"), "60%", "Báo cáo quý")
	if o := z.occ(z.second); o.Percent != 60 {
		t.Fatalf("item 2 at %d%%, want 60", o.Percent)
	}
	// The confirmation is not what the next answer is about.
	mustContain(t, "1 40% note", z.sayOne(zMember, "1 40% chờ số liệu"), "40%", taskTitle)
	if o := z.occ(z.occurrence); o.Percent != 40 {
		t.Fatalf("item 1 at %d%%, want 40", o.Percent)
	}
	if rs := z.reports(); rs[len(rs)-1].Note != "chờ số liệu" {
		t.Fatalf("note %q", rs[len(rs)-1].Note)
	}
	before = z.state()
	mustContain(t, "bare xong to two items", z.sayOne(zMember, "xong"), "nhiều nhiệm vụ", "Báo cáo quý")
	mustContain(t, "item 3 of 2", z.sayOne(zMember, "3 xong"), "từ 1 đến 2", "số 3")
	mustContain(t, "chatter", z.sayOne(zMember, "chào bạn, hôm nay thế nào"), "gõ số thứ tự", "/viec")
	if s := z.state(); s != before {
		t.Fatalf("refused answers changed %s to %s", before, s)
	}

	// Snooze by typing: 1 or 3 working days.
	mustContain(t, "2 hoãn 3", z.sayOne(zMember, "2 hoãn 3"), "Đã hoãn nhắc việc", "14/03/2025")
	mustContain(t, "1 hoãn", z.sayOne(zMember, "1 hoan"), "Đã hoãn nhắc việc", "12/03/2025")
	var snoozes int
	if err := z.st.DB().Get(&snoozes, `SELECT count(*) FROM snoozes WHERE official_id = $1`, z.member); err != nil || snoozes != 2 {
		t.Fatalf("%d snoozes, %v", snoozes, err)
	}

	// An extension request by typing goes to the approver on Zalo with
	// what to type.
	mustContain(t, "gia hạn", z.sayOne(zMember, "1 gia hạn 15/07/2025 chờ số liệu của Sở"), "Đã gửi yêu cầu gia hạn", "Vương Văn Toàn")
	ask := z.lastTo(zChair)
	var id int64
	if err := z.st.DB().Get(&id, `SELECT max(id) FROM extension_requests`); err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("«đồng ý %d» hoặc «không đồng ý %d»", id, id); !strings.Contains(ask.Hint, want) {
		t.Fatalf("approver's hint %q, want %q", ask.Hint, want)
	}

	// A reminder about one task: bare answers apply to it, and the list's
	// numbers no longer do.
	occ := z.occurrence
	z.send(zMember, "remind:1", &occ, nil)
	mustContain(t, "bare 80%", z.sayOne(zMember, "80% đã trình ký"), "80%")
	mustContain(t, "item 2 of 1", z.sayOne(zMember, "2 xong"), "có 1 nhiệm vụ", "số 2")
	mustContain(t, "bare giao", z.sayOne(zMember, "giao"), "giao")
	mustContain(t, "1 xong", z.sayOne(zMember, "1 xong"), "hoàn thành")
	if o := z.occ(z.occurrence); !o.Done() || z.occ(z.second).Done() {
		t.Fatalf("after 1 xong: first done %v, second done %v", o.Done(), z.occ(z.second).Done())
	}

	// /viec is a list too.
	z.say(zMember, "/viec")
	mustContain(t, "xong after /viec", z.sayOne(zMember, "1 xong"), "Báo cáo quý", "hoàn thành")
	if !z.occ(z.second).Done() {
		t.Fatal("1 xong after /viec did not mark the listed task done")
	}
}

func TestZaloTypedApproval(t *testing.T) {
	z := newZaloHarness(t)
	occ := z.occurrence
	z.send(zMember, "remind:1", &occ, nil)
	z.sayOne(zMember, "gia han 15/07/2025 chờ số liệu")
	var id int64
	if err := z.st.DB().Get(&id, `SELECT max(id) FROM extension_requests`); err != nil {
		t.Fatal(err)
	}
	n := fmt.Sprint(id)

	before := z.state()
	mustContain(t, "non-approver", z.sayOne(zOffice, "đồng ý "+n), "Chỉ người phê duyệt", "Vương Văn Toàn")
	mustContain(t, "unknown id", z.sayOne(zChair, "Đồng Ý 999"), "Không có đề nghị gia hạn số 999")
	mustContain(t, "no id", z.sayOne(zChair, "đồng ý"), "đồng ý N")
	if s := z.state(); s != before {
		t.Fatalf("refused decisions changed %s to %s", before, s)
	}

	mustContain(t, "approve", z.sayOne(zChair, "DONG Y #"+n), "đồng ý", "hạn mới 15/07/2025")
	mustContain(t, "requester told", z.lastTo(zMember).Text, "đồng ý", "15/07/2025")
	if o := z.occ(z.occurrence); o.Due != plan.NewDate(2025, 7, 15) {
		t.Fatalf("due %s after approval", o.Due)
	}
	after := z.state()
	mustContain(t, "decided", z.sayOne(zChair, "không đồng ý "+n), "đã được quyết định")
	if s := z.state(); s != after {
		t.Fatalf("a second decision changed %s to %s", after, s)
	}

	// A rejection, in English.
	z.sayOne(zMember, "gia hạn 20/07/2025 thêm thời gian")
	if err := z.st.DB().Get(&id, `SELECT max(id) FROM extension_requests`); err != nil {
		t.Fatal(err)
	}
	mustContain(t, "reject", z.sayOne(zChair, fmt.Sprintf("reject %d", id)), "không đồng ý")
	if o := z.occ(z.occurrence); o.Due != plan.NewDate(2025, 7, 15) {
		t.Fatalf("due %s after rejection", o.Due)
	}
}

func TestZaloLinkingNamesTheMessenger(t *testing.T) {
	z := newZaloHarness(t)
	issue := func(official int64, relink bool) string {
		code, err := store.NewInviteCode()
		if err != nil {
			t.Fatal(err)
		}
		if relink {
			err = z.st.IssueRelinkInvite(z.ctx, official, code, z.clk.Now(), z.clk.Now().Add(24*time.Hour))
		} else {
			err = z.st.IssueInvite(z.ctx, official, code, z.clk.Now(), z.clk.Now().Add(24*time.Hour))
		}
		if err != nil {
			t.Fatal(err)
		}
		return code
	}
	const stranger = store.ZaloChatBase + 5000
	got := z.sayOne(stranger, "xin chào")
	mustContain(t, "unlinked", got, "Tài khoản Zalo này chưa được kết nối", "chỉ gõ mã")

	// The bare code links an unlinked private chat.
	code := issue(z.unlinked, false)
	got = z.sayOne(stranger+1, code)
	mustContain(t, "bare code", got, "Đã kết nối tài khoản Zalo với", "Công chức Địa chính - xây dựng", "1 xong")
	if strings.Contains(got, "reply") {
		t.Errorf("Zalo link confirmation speaks of replies: %q", got)
	}
	mustContain(t, "office told", z.lastTo(zOffice).Text, "qua tài khoản Zalo")
	mustContain(t, "already", z.sayOne(stranger+1, "/start"), "Tài khoản Zalo này đã được kết nối")

	// A code of an official linked on Telegram is refused, naming Telegram.
	got = z.sayOne(stranger+2, "/start "+issue(z.outsider, false))
	mustContain(t, "linked elsewhere", got, "đã được kết nối với một tài khoản Telegram,")
	// A relink code moves them to Zalo and tells the Telegram chat.
	got = z.sayOne(stranger+2, issue(z.outsider, true))
	mustContain(t, "relinked", got, "Đã kết nối tài khoản Zalo")
	mustContain(t, "moved away", z.lastTo(outsideUser).Text, "chuyển sang một tài khoản Zalo bằng", "tài khoản Telegram này không còn")
	if o, err := z.st.OfficialByChat(z.ctx, stranger+2); err != nil || o.ID != z.outsider {
		t.Fatalf("chat of the relinked official: %+v %v", o, err)
	}

	// A group chat never links, a bare code there is chatter.
	z.nextID++
	z.clk.Advance(6 * time.Minute)
	before := z.state()
	if err := z.bot.HandleUpdate(z.ctx, channel.Update{Channel: channel.Zalo, ID: -z.nextID, MessageID: -z.nextID,
		ChatID: stranger + 3, UserID: stranger + 4, Text: issue(z.unlinked, true)}); err != nil {
		t.Fatal(err)
	}
	if s := z.state(); s != before {
		t.Fatalf("a code in a group changed %s to %s", before, s)
	}
}

func TestZaloHelp(t *testing.T) {
	z := newZaloHarness(t)
	got := z.sayOne(zMember, "/trogiup")
	mustContain(t, "Zalo help", got, "2 xong", "2 hoãn", "đồng ý N", "/viec")
	for _, never := range []string{"reply", "Bấm", "bấm"} {
		if strings.Contains(got, never) {
			t.Errorf("Zalo help says %q: %q", never, got)
		}
	}
	// Telegram's help is as before.
	z.nextID++
	if err := z.bot.HandleUpdate(z.ctx, channel.Update{ID: z.nextID, MessageID: z.nextID, ChatID: outsideUser, UserID: outsideUser,
		PrivateChat: true, Text: "/trogiup"}); err != nil {
		t.Fatal(err)
	}
	mustContain(t, "Telegram help", z.lastTo(outsideUser).Text, "Trả lời (reply) tin nhắn nhắc việc", "Bấm các nút")
}

func TestZaloBadInput(t *testing.T) {
	z := newZaloHarness(t)
	z.send(zMember, "brief:1", nil, []int64{z.occurrence, z.second})
	z.sayOne(zMember, "1 gia hạn 15/07/2025 chờ số liệu")
	var id int64
	if err := z.st.DB().Get(&id, `SELECT max(id) FROM extension_requests`); err != nil {
		t.Fatal(err)
	}
	z.send(zMember, "brief:2", nil, []int64{z.occurrence, z.second})

	long := strings.Repeat("Đã làm việc với các bộ phận liên quan. ", 260) // ~10,000 characters
	cases := []struct {
		name string
		from int64
		upd  channel.Update
		want string // in the one answer; "" for none
	}{
		{"sticker", zMember, channel.Update{FileKind: bot.FileKindSticker}, "chỉ đọc được tin nhắn chữ và ảnh"},
		{"photo without caption", zMember, channel.Update{File: "https://example.invalid/a.jpg", FileKind: "photo"}, "chưa rõ là minh chứng"},
		{"photo with chatter", zMember, channel.Update{File: "https://example.invalid/a.jpg", FileKind: "photo", Caption: "ảnh đây"}, "chưa rõ là minh chứng"},
		{"withheld", zMember, channel.Update{}, ""},
		{"10,000 characters", zMember, channel.Update{Text: long}, "gõ số thứ tự"},
		{"10,000 characters of digits", zMember, channel.Update{Text: strings.Repeat("9", 10000)}, "gõ số thứ tự"},
		{"approval by the requester", zMember, channel.Update{Text: fmt.Sprintf("đồng ý %d", id)}, "Chỉ người phê duyệt"},
		{"approval by another official", zOffice, channel.Update{Text: fmt.Sprintf("Đồng ý %d", id)}, "Chỉ người phê duyệt"},
		{"approval of a huge number", zChair, channel.Update{Text: "đồng ý 99999999999999999999"}, "gõ số thứ tự"},
		{"percent out of range", zMember, channel.Update{Text: "2: 150%"}, "từ 0% đến 100%"},
		{"snooze by 2 days", zMember, channel.Update{Text: "2 hoãn 2"}, "gõ số thứ tự"},
		{"unlinked sticker", store.ZaloChatBase + 7000, channel.Update{FileKind: bot.FileKindSticker}, "chưa được kết nối"},
		{"unlinked withheld", store.ZaloChatBase + 7001, channel.Update{}, ""},
	}
	for _, c := range cases {
		before := z.state()
		got := z.update(c.from, c.upd)
		switch {
		case c.want == "" && len(got) != 0:
			t.Errorf("%s: answered %q", c.name, got)
		case c.want != "" && len(got) != 1:
			t.Errorf("%s: %d answers %q, want one", c.name, len(got), got)
		case c.want != "" && !strings.Contains(got[0], c.want):
			t.Errorf("%s: %q, want it to contain %q", c.name, got[0], c.want)
		}
		if s := z.state(); s != before {
			t.Errorf("%s changed %s to %s", c.name, before, s)
		}
		ok, err := z.st.UpdateProcessed(z.ctx, -z.nextID)
		if err != nil || !ok {
			t.Errorf("%s: not recorded as processed (%v)", c.name, err)
		}
	}

	// A photo captioned with an item's number and progress is evidence.
	got := z.update(zMember, channel.Update{File: "https://example.invalid/b.jpg", FileKind: "photo", Caption: "2 xong"})
	if len(got) != 1 {
		t.Fatalf("photo with a caption: %q", got)
	}
	mustContain(t, "photo 2 xong", got[0], "hoàn thành", "minh chứng")
	var kind, file string
	if err := z.st.DB().QueryRow(`SELECT evidence_kind, evidence_file_id FROM progress_reports WHERE occurrence_id = $1 ORDER BY id DESC LIMIT 1`,
		z.second).Scan(&kind, &file); err != nil || kind != "photo" || file != "https://example.invalid/b.jpg" {
		t.Fatalf("evidence %q %q, %v", kind, file, err)
	}
	// A photo captioned with a number only is evidence without progress.
	got = z.update(zMember, channel.Update{File: "https://example.invalid/c.jpg", FileKind: "photo", Caption: "1"})
	if len(got) != 1 || !strings.Contains(got[0], "minh chứng") {
		t.Fatalf("photo captioned 1: %q", got)
	}
	if o := z.occ(z.occurrence); o.Done() || o.Percent != 0 {
		t.Fatalf("evidence alone changed progress: %d%% done %v", o.Percent, o.Done())
	}
}

func TestZaloTypedReading(t *testing.T) {
	z := newZaloHarness(t)
	target := z.target
	if _, err := store.Enqueue(z.ctx, z.st, store.OutMessage{
		UnitID: &z.unit, OfficialID: &z.office, ChatID: zOffice, DedupeKey: "ask:1", Kind: "reading_request", TargetID: &target,
		Payload: store.Payload{Text: "📊 Nhập kết quả"}, NotBefore: z.clk.Now(),
	}); err != nil {
		t.Fatal(err)
	}
	z.deliver(zOffice)
	before := z.state()
	mustContain(t, "not a reading", z.sayOne(zOffice, "chưa có số liệu"), "Không đọc được kết quả")
	if s := z.state(); s != before {
		t.Fatalf("a bad reading changed %s to %s", before, s)
	}
	mustContain(t, "reading", z.sayOne(zOffice, "96,5"), "Đã ghi nhận kết quả chỉ tiêu", "96,5")
	var n int
	if err := z.st.DB().Get(&n, `SELECT count(*) FROM target_readings WHERE target_id = $1`, target); err != nil || n != 1 {
		t.Fatalf("%d readings, %v", n, err)
	}
}

package delivery_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/jmoiron/sqlx"

	"github.com/nhacviec/nhacviec/callback"
	"github.com/nhacviec/nhacviec/channel"
	"github.com/nhacviec/nhacviec/clock"
	"github.com/nhacviec/nhacviec/delivery"
	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/store/storetest"
	"github.com/nhacviec/nhacviec/telegram"
	"github.com/nhacviec/nhacviec/telegramtest"
)

var t0 = time.Date(2025, 3, 10, 8, 0, 0, 0, time.FixedZone("ICT", 7*3600))

// fixture is a unit with an office official and members, all linked; a
// private chat's id is its user's id.
type fixture struct {
	unit       int64
	office     int64
	officeChat int64
	members    []int64 // official ids
	chats      []int64 // their chats
	occurrence int64
}

func newFixture(t *testing.T, st *store.Store, members int) fixture {
	t.Helper()
	ctx := context.Background()
	var f fixture
	err := storetest.SQLTx(ctx, st, func(tx *sqlx.Tx) error {
		get := func(dst *int64, q string, args ...any) {
			if err := tx.GetContext(ctx, dst, q, args...); err != nil {
				t.Fatalf("fixture %q: %v", q, err)
			}
		}
		get(&f.unit, `INSERT INTO units (code, name, created_at, updated_at)
			VALUES ('pdp', 'UBND phường Phan Đình Phùng', $1, $1) RETURNING id`, t0)
		official := func(key, role string, chat int64) int64 {
			var id int64
			get(&id, `INSERT INTO officials (unit_id, key, name, roles, telegram_user_id, telegram_chat_id, linked_at, created_at, updated_at)
				VALUES ($1, $2, $3, ARRAY[$4], $5, $5, $6, $6, $6) RETURNING id`,
				f.unit, key, "Công chức "+key, role, chat, t0)
			return id
		}
		f.officeChat = 5000
		f.office = official("van-phong", "office", f.officeChat)
		for i := 0; i < members; i++ {
			chat := int64(6000 + i)
			f.members = append(f.members, official(fmt.Sprintf("can-bo-%d", i), "member", chat))
			f.chats = append(f.chats, chat)
		}
		var planID, area, task int64
		get(&planID, `INSERT INTO plans (unit_id, code, title, year, created_at, updated_at)
			VALUES ($1, 'KH-CCHC-2025', 'Kế hoạch cải cách hành chính năm 2025', 2025, $2, $2) RETURNING id`, f.unit, t0)
		get(&area, `INSERT INTO areas (plan_id, code, name) VALUES ($1, '2', 'Cải cách thủ tục hành chính') RETURNING id`, planID)
		get(&task, `INSERT INTO tasks (plan_id, area_id, key, title, lead_id, due, created_at, updated_at)
			VALUES ($1, $2, 'ra-soat-tthc', 'Rà soát, đề xuất cắt giảm, đơn giản hóa TTHC', $3, '2025-06-30', $4, $4) RETURNING id`,
			planID, area, f.office, t0)
		get(&f.occurrence, `INSERT INTO occurrences (task_id, key, nominal_due, due, created_at, updated_at)
			VALUES ($1, '2025-06-30', '2025-06-30', '2025-06-30', $2, $2) RETURNING id`, task, t0)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestMain(m *testing.M) { storetest.Main(m) }

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func newSender(t *testing.T, srv *telegramtest.Server) channel.Sender {
	t.Helper()
	b, err := tgbot.New(srv.Token(), tgbot.WithServerURL(srv.URL()), tgbot.WithSkipGetMe())
	if err != nil {
		t.Fatal(err)
	}
	return telegram.NewSender(b)
}

// fastOptions keeps tests quick: no per-chat wait to speak of, short
// backoff.
func fastOptions() delivery.Options {
	return delivery.Options{
		RatePerSecond:   1000,
		PerChatInterval: 5 * time.Millisecond,
		MaxAttempts:     4,
		BaseBackoff:     time.Second,
		MaxBackoff:      8 * time.Second,
		SendTimeout:     5 * time.Second,
		Lease:           time.Minute,
	}
}

func enqueue(t *testing.T, st *store.Store, m store.OutMessage) {
	t.Helper()
	if m.NotBefore.IsZero() {
		m.NotBefore = t0
	}
	if _, err := store.Enqueue(context.Background(), st, m); err != nil {
		t.Fatal(err)
	}
}

// drain runs DrainOnce, moving the fake clock on by step after each pass,
// until no row is pending or the deadline passes.
func drain(t *testing.T, st *store.Store, w *delivery.Lane, clk *clock.Fake, step time.Duration) {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := w.DrainOnce(ctx); err != nil {
			t.Fatal(err)
		}
		if pending(t, st) == 0 {
			return
		}
		clk.Advance(step)
		time.Sleep(10 * time.Millisecond) // let the per-chat interval pass
	}
	t.Fatalf("outbox still has %d pending rows", pending(t, st))
}

func pending(t *testing.T, st *store.Store) int {
	t.Helper()
	rows, err := st.OutboxRows(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range rows {
		if r.Status == store.OutboxPending {
			n++
		}
	}
	return n
}

func rowByKey(t *testing.T, st *store.Store, key string) store.OutboxRow {
	t.Helper()
	rows, err := st.OutboxRows(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.DedupeKey == key {
			return r
		}
	}
	t.Fatalf("no outbox row %q", key)
	return store.OutboxRow{}
}

func TestDeliverReminderWithKeyboard(t *testing.T) {
	st := storetest.New(t)
	srv := telegramtest.New()
	defer srv.Close()
	f := newFixture(t, st, 1)
	signer := callback.NewSigner([]store.SigningKey{{ID: 1, Secret: []byte("test key, 32 bytes long........")}}, clock.NewFake(t0), 0)
	occ, member := f.occurrence, f.members[0]
	enqueue(t, st, store.OutMessage{
		UnitID: &f.unit, OfficialID: &member, ChatID: f.chats[0], DedupeKey: "remind:1:3", Kind: "reminder",
		OccurrenceID: &occ,
		Payload: store.Payload{
			Text:    "⏰ <b>Rà soát, đề xuất cắt giảm, đơn giản hóa TTHC</b> — hạn 30/06/2025",
			Buttons: callback.Keyboard(signer, i18n.New(i18n.VI), occ, f.chats[0]),
		},
	})
	w := delivery.NewLane(st, newSender(t, srv), clock.NewFake(t0), discard(), fastOptions())
	n, err := w.DrainOnce(context.Background())
	if err != nil || n != 1 {
		t.Fatalf("DrainOnce = %d, %v; want 1 sent", n, err)
	}
	sent := srv.SentTo(f.chats[0])
	if len(sent) != 1 {
		t.Fatalf("%d messages to the member, want 1", len(sent))
	}
	m := sent[0]
	if m.ParseMode != "HTML" || !strings.Contains(m.Plain(), "Rà soát, đề xuất cắt giảm") {
		t.Fatalf("message %+v", m)
	}
	done, ok := m.Button("Hoàn thành")
	if !ok {
		t.Fatalf("no ✅ Hoàn thành button in %+v", m.Buttons)
	}
	a, err := signer.Decode(done.CallbackData, f.chats[0])
	if err != nil || a.Kind != callback.KindDone || a.OccurrenceID != occ {
		t.Fatalf("button decodes to %+v, %v", a, err)
	}
	row := rowByKey(t, st, "remind:1:3")
	if row.Status != store.OutboxSent || row.TelegramMessageID == nil || *row.TelegramMessageID != m.MessageID || row.SentAt == nil {
		t.Fatalf("row after delivery: %+v", row)
	}
	// The reply mapping works from the stored id.
	if got, err := store.OutboxByMessage(context.Background(), st, f.chats[0], m.MessageID); err != nil || got.ID != row.ID {
		t.Fatalf("OutboxByMessage = %+v, %v", got, err)
	}
	if s := w.Stats().Snapshot(); s.Sent != 1 || s.Failed != 0 {
		t.Fatalf("stats %+v", s)
	}
}

func TestServerErrors(t *testing.T) {
	tests := []struct {
		name         string
		failures     int
		wantStatus   string
		wantAttempts int
		wantSent     int
	}{
		{"5xx then success is delivered once", 2, store.OutboxSent, 3, 1},
		{"5xx past MaxAttempts is dead with its error", 10, store.OutboxDead, 4, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := storetest.New(t)
			srv := telegramtest.New()
			defer srv.Close()
			f := newFixture(t, st, 1)
			srv.FailNext("sendMessage", tt.failures, telegramtest.ServerError(502))
			enqueue(t, st, store.OutMessage{ChatID: f.chats[0], DedupeKey: "m", Kind: "notice", Payload: store.Payload{Text: "Thông báo"}})
			clk := clock.NewFake(t0)
			w := delivery.NewLane(st, newSender(t, srv), clk, discard(), fastOptions())

			if n, err := w.DrainOnce(context.Background()); n != 0 || err != nil {
				t.Fatalf("first DrainOnce = %d, %v", n, err)
			}
			r := rowByKey(t, st, "m")
			if r.Status != store.OutboxPending || r.Attempts != 1 || r.LastError == "" || !r.NextAttemptAt.After(t0) {
				t.Fatalf("after a 502: %+v; want pending, 1 attempt, error kept, retry later", r)
			}
			// Not due before its backoff.
			if n, _ := w.DrainOnce(context.Background()); n != 0 || srv.Calls("sendMessage") != 1 {
				t.Fatalf("retried before the backoff: %d calls", srv.Calls("sendMessage"))
			}
			drain(t, st, w, clk, 10*time.Second)

			r = rowByKey(t, st, "m")
			if r.Status != tt.wantStatus || r.Attempts != tt.wantAttempts || len(srv.Sent()) != tt.wantSent {
				t.Fatalf("final %s after %d attempts, %d sent; want %s, %d, %d", r.Status, r.Attempts, len(srv.Sent()), tt.wantStatus, tt.wantAttempts, tt.wantSent)
			}
			if tt.wantStatus == store.OutboxDead && !strings.Contains(r.LastError, "502") {
				t.Fatalf("dead row lost its error: %q", r.LastError)
			}
		})
	}
}

func TestTooManyRequestsAndBlockedUserLoseNothingElse(t *testing.T) {
	st := storetest.New(t)
	srv := telegramtest.New()
	defer srv.Close()
	f := newFixture(t, st, 4)
	blocked := f.chats[3]
	srv.Block(blocked)
	srv.FailNext("sendMessage", 3, telegramtest.TooManyRequests(1))
	for i, chat := range f.chats {
		official := f.members[i]
		for j := 0; j < 2; j++ {
			enqueue(t, st, store.OutMessage{UnitID: &f.unit, OfficialID: &official, ChatID: chat,
				DedupeKey: fmt.Sprintf("m:%d:%d", chat, j), Kind: "reminder",
				Payload: store.Payload{Text: fmt.Sprintf("Nhắc việc %d/%d", chat, j)}})
		}
	}
	clk := clock.NewFake(t0)
	w := delivery.NewLane(st, newSender(t, srv), clk, discard(), fastOptions())
	drain(t, st, w, clk, time.Second)

	for _, chat := range f.chats[:3] {
		sent := srv.SentTo(chat)
		if len(sent) != 2 {
			t.Errorf("chat %d got %d messages, want 2", chat, len(sent))
			continue
		}
		if sent[0].Text != fmt.Sprintf("Nhắc việc %d/0", chat) || sent[1].Text != fmt.Sprintf("Nhắc việc %d/1", chat) {
			t.Errorf("chat %d got %q, %q out of order", chat, sent[0].Text, sent[1].Text)
		}
	}
	rows, _ := st.OutboxRows(context.Background(), "")
	for _, r := range rows {
		switch {
		case r.ChatID == blocked:
			if r.Status != store.OutboxDead || !strings.Contains(r.LastError, "unreachable") {
				t.Errorf("row to the blocked chat: %s %q", r.Status, r.LastError)
			}
		case r.Status != store.OutboxSent:
			t.Errorf("row %s: %s %q", r.DedupeKey, r.Status, r.LastError)
		case r.Attempts != 1:
			t.Errorf("row %s took %d attempts; a 429 must not count", r.DedupeKey, r.Attempts)
		}
	}
	notices := srv.SentTo(f.officeChat)
	if len(notices) != 1 || !strings.Contains(notices[0].Plain(), "can-bo-3") {
		t.Fatalf("office got %d notices (%v), want exactly one about can-bo-3", len(notices), notices)
	}
	o, err := st.OfficialByChat(context.Background(), blocked)
	if err != nil || o.UnreachableAt == nil {
		t.Fatalf("blocked official not marked unreachable: %+v, %v", o, err)
	}
	if s := w.Stats().Snapshot(); s.TooManyRequests != 3 || s.Unreachable != 2 {
		t.Fatalf("stats %+v; want 3 429s and 2 403s", s)
	}
}

func TestMigratedChat(t *testing.T) {
	st := storetest.New(t)
	srv := telegramtest.New()
	defer srv.Close()
	f := newFixture(t, st, 1)
	const supergroup = -1009876543210
	srv.FailNext("sendMessage", 1, telegramtest.MigrateToChat(supergroup))
	enqueue(t, st, store.OutMessage{OfficialID: &f.members[0], ChatID: f.chats[0], DedupeKey: "m", Kind: "notice", Payload: store.Payload{Text: "Thông báo"}})
	clk := clock.NewFake(t0)
	w := delivery.NewLane(st, newSender(t, srv), clk, discard(), fastOptions())
	drain(t, st, w, clk, time.Second)
	if got := srv.SentTo(supergroup); len(got) != 1 {
		t.Fatalf("%d messages to the supergroup, want 1", len(got))
	}
	if o, err := st.OfficialByChat(context.Background(), supergroup); err != nil || o.ID != f.members[0] {
		t.Fatalf("official not moved: %+v %v", o, err)
	}
}

func TestCrashMidBurstThenRestart(t *testing.T) {
	st := storetest.New(t)
	srv := telegramtest.New()
	defer srv.Close()
	f := newFixture(t, st, 10)
	const perChat = 3
	for j := 0; j < perChat; j++ {
		for _, chat := range f.chats {
			enqueue(t, st, store.OutMessage{ChatID: chat, DedupeKey: fmt.Sprintf("%d:%d", chat, j), Kind: "notice",
				Payload: store.Payload{Text: fmt.Sprintf("tin %d/%d", chat, j)}})
		}
	}
	total := perChat * len(f.chats)
	// Slow sends so that the cancellation lands in the middle of a batch.
	srv.SetFault(func(telegramtest.Call) *telegramtest.Fault {
		d := telegramtest.Delay(20 * time.Millisecond)
		return &d
	})
	clk := clock.NewFake(t0)
	opts := fastOptions()
	opts.Batch = 4
	first := delivery.NewLane(st, newSender(t, srv), clk, discard(), opts)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := first.Run(ctx); err != nil {
			t.Error(err)
		}
	}()
	wctx, wcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer wcancel()
	if err := srv.WaitSent(wctx, 7); err != nil {
		t.Fatal(err)
	}
	cancel() // abrupt: sends in flight are cut
	wg.Wait()
	if n := len(srv.Sent()); n >= total {
		t.Fatalf("the first worker sent everything (%d) before it was stopped", n)
	}
	srv.SetFault(nil)

	// Leases of rows claimed by the first worker run out.
	clk.Advance(opts.Lease + time.Second)
	second := delivery.NewLane(st, newSender(t, srv), clk, discard(), opts)
	drain(t, st, second, clk, time.Second)

	count := map[string]int{}
	for _, m := range srv.Sent() {
		count[m.Text]++
	}
	dups := 0
	for _, chat := range f.chats {
		for j := 0; j < perChat; j++ {
			text := fmt.Sprintf("tin %d/%d", chat, j)
			switch c := count[text]; {
			case c == 0:
				t.Errorf("%q lost", text)
			case c > 2:
				t.Errorf("%q sent %d times", text, c)
			case c == 2:
				dups++
			}
		}
	}
	if dups > opts.Batch {
		t.Errorf("%d duplicates; at most the %d sends in flight may repeat", dups, opts.Batch)
	}
	if pending(t, st) != 0 {
		t.Fatal("rows left pending")
	}
}

func TestListenNotifyWakesWorker(t *testing.T) {
	st := storetest.New(t)
	srv := telegramtest.New()
	defer srv.Close()
	f := newFixture(t, st, 2)
	opts := fastOptions()
	opts.PollInterval = time.Hour // only a notification can wake it
	w := delivery.NewLane(st, newSender(t, srv), clock.NewFake(t0), discard(), opts)
	enqueue(t, st, store.OutMessage{ChatID: f.chats[0], DedupeKey: "first", Kind: "notice", Payload: store.Payload{Text: "một"}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = w.Run(ctx)
	}()
	defer func() { cancel(); <-done }()
	wctx, wcancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer wcancel()
	if err := srv.WaitSent(wctx, 1); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond) // let the worker go back to waiting

	// Another process enqueues, on a connection of its own.
	other, err := store.Open(context.Background(), st.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	start := time.Now()
	if _, err := store.Enqueue(context.Background(), other, store.OutMessage{ChatID: f.chats[1], DedupeKey: "second",
		Kind: "notice", Payload: store.Payload{Text: "hai"}, NotBefore: t0}); err != nil {
		t.Fatal(err)
	}
	dctx, dcancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer dcancel()
	if err := srv.WaitSent(dctx, 2); err != nil {
		t.Fatalf("not delivered within 2 s of the enqueue: %v", err)
	}
	t.Logf("delivered %v after the enqueue", time.Since(start))
}

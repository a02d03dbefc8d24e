package delivery_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/clock"
	"github.com/nhacviec/nhacviec/delivery"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/store/storetest"
	"github.com/nhacviec/nhacviec/telegramtest"
	"github.com/nhacviec/nhacviec/zalo"
	"github.com/nhacviec/nhacviec/zalotest"
)

// zaloLane is a Zalo lane on st: the fake platform, its chats' surrogates
// (issued by store.ZaloChats for the platform ids given) and a lane with
// fastOptions on clk.
type zaloLane struct {
	fake  *zalotest.Server
	lane  *delivery.Lane
	chats []int64 // surrogates, in the order of the platform ids
}

func newZaloLane(t *testing.T, st *store.Store, clk clock.Clock, cfg zalo.SenderConfig, platformIDs ...string) zaloLane {
	t.Helper()
	fake := zalotest.New()
	t.Cleanup(fake.Close)
	chats := st.ZaloChats()
	var ids []int64
	for _, p := range platformIDs {
		id, err := chats.Surrogate(context.Background(), p)
		if err != nil {
			t.Fatal(err)
		}
		if store.ChatChannel(id) != store.ChannelZalo {
			t.Fatalf("surrogate %d of %s is not a Zalo chat id", id, p)
		}
		ids = append(ids, id)
	}
	api := zalo.NewClient(fake.Token(), zalo.ClientConfig{APIURL: fake.URL(), Timeout: 5 * time.Second})
	sender := zalo.NewSender(api, chats, cfg)
	return zaloLane{fake: fake, lane: delivery.NewLane(st, sender, clk, discard(), fastOptions()), chats: ids}
}

// zaloRows returns the Zalo outbox rows by dedupe key.
func zaloRows(t *testing.T, st *store.Store) map[string]store.OutboxRow {
	t.Helper()
	var rows []store.OutboxRow
	err := st.DB().SelectContext(context.Background(), &rows,
		`SELECT dedupe_key, status, attempts FROM outbox WHERE channel = 'zalo'`)
	if err != nil {
		t.Fatal(err)
	}
	out := make(map[string]store.OutboxRow, len(rows))
	for _, r := range rows {
		out[r.DedupeKey] = r
	}
	return out
}

// zaloPending counts the pending Zalo rows.
func zaloPending(t *testing.T, st *store.Store) int {
	t.Helper()
	n := 0
	for _, r := range zaloRows(t, st) {
		if r.Status == store.OutboxPending {
			n++
		}
	}
	return n
}

// drainZalo runs DrainOnce until no Zalo row is pending, moving clk on by
// step after each pass.
func drainZalo(t *testing.T, st *store.Store, w *delivery.Lane, clk *clock.Fake, step time.Duration) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := w.DrainOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		if zaloPending(t, st) == 0 {
			return
		}
		clk.Advance(step)
		time.Sleep(10 * time.Millisecond) // let the per-chat interval pass
	}
	t.Fatalf("%d Zalo rows still pending", zaloPending(t, st))
}

// twoParts is a report of two Zalo messages: the first part opens with
// "Báo cáo", the second closes with "Hết báo cáo".
func twoParts() string {
	return "<b>Báo cáo tuần</b>\n" + strings.Repeat("Mục 1. Rà soát thủ tục hành chính của phường: đang thực hiện.\n", 40) + "Hết báo cáo"
}

// partsTo counts, for the messages the fake accepted for chat, those
// starting with "(1/2)" and those with "(2/2)".
func partsTo(fake *zalotest.Server, chat string) (first, second int) {
	for _, m := range fake.SentTo(chat) {
		switch {
		case strings.HasPrefix(m.Text, "(1/2)\n"):
			first++
		case strings.HasPrefix(m.Text, "(2/2)\n"):
			second++
		}
	}
	return first, second
}

// TestZaloLaneDelivers: the lane delivers Zalo rows (surrogate chat ids ≥
// 2^62) to the platform's chat ids, a long message in numbered parts in
// order, and marks them sent.
func TestZaloLaneDelivers(t *testing.T) {
	st := storetest.New(t)
	clk := clock.NewFake(t0)
	z := newZaloLane(t, st, clk, zalo.SenderConfig{}, "6ede9afa66b88fe6d6a9", "2d758cb5e222177a4e35")
	enqueue(t, st, store.OutMessage{ChatID: z.chats[0], DedupeKey: "ngan", Kind: "notice",
		Payload: store.Payload{Text: "Nhắc việc: <b>Rà soát TTHC</b>"}})
	enqueue(t, st, store.OutMessage{ChatID: z.chats[1], DedupeKey: "dai", Kind: "notice",
		Payload: store.Payload{Text: twoParts()}})
	drainZalo(t, st, z.lane, clk, time.Second)

	if got := z.fake.SentTo("6ede9afa66b88fe6d6a9"); len(got) != 1 || got[0].Text != "Nhắc việc: *Rà soát TTHC*" {
		t.Errorf("short message: %+v", got)
	}
	got := z.fake.SentTo("2d758cb5e222177a4e35")
	if len(got) != 2 || !strings.HasPrefix(got[0].Text, "(1/2)\n*Báo cáo tuần*") ||
		!strings.HasPrefix(got[1].Text, "(2/2)\n") || !strings.HasSuffix(got[1].Text, "Hết báo cáo") {
		t.Errorf("long message: %d parts %+v", len(got), got)
	}
	for key, r := range zaloRows(t, st) {
		if r.Status != store.OutboxSent {
			t.Errorf("row %s is %s, want sent", key, r.Status)
		}
	}
	if n := len(z.fake.Sent()); n != 3 {
		t.Errorf("%d messages accepted, want 3", n)
	}
}

// TestZaloCrashBetweenPartsResendsEarlierPartsOnce: a lane stopped while
// the second part of a message is in flight hands the row back; the next
// lane sends the message again from its first part, so the first part
// arrives twice (the one-duplicate bound of a crash, which here falls on
// the parts sent before it) and the second once.
func TestZaloCrashBetweenPartsResendsEarlierPartsOnce(t *testing.T) {
	st := storetest.New(t)
	clk := clock.NewFake(t0)
	z := newZaloLane(t, st, clk, zalo.SenderConfig{}, "6ede9afa66b88fe6d6a9")
	enqueue(t, st, store.OutMessage{ChatID: z.chats[0], DedupeKey: "dai", Kind: "notice",
		Payload: store.Payload{Text: twoParts()}})

	inFlight := make(chan struct{})
	z.fake.SetFault(func(c zalotest.Call) *zalotest.Fault {
		if strings.HasPrefix(c.Params["text"], "(2/2)") {
			close(inFlight)
			f := zalotest.Hang()
			return &f
		}
		return nil
	})
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { _, err := z.lane.DrainOnce(ctx); done <- err }()
	<-inFlight
	stop() // the process stops with the second part on its way
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if first, second := partsTo(z.fake, "6ede9afa66b88fe6d6a9"); first != 1 || second != 0 {
		t.Fatalf("before the restart: part 1 × %d, part 2 × %d; want 1, 0", first, second)
	}
	if r := zaloRows(t, st)["dai"]; r.Status != store.OutboxPending {
		t.Fatalf("the row is %s after the stop, want pending", r.Status)
	}

	// The next process: a new lane, sender and mapping of chats.
	z.fake.SetFault(nil)
	api := zalo.NewClient(z.fake.Token(), zalo.ClientConfig{APIURL: z.fake.URL(), Timeout: 5 * time.Second})
	restarted := delivery.NewLane(st, zalo.NewSender(api, st.ZaloChats(), zalo.SenderConfig{}), clk, discard(), fastOptions())
	drainZalo(t, st, restarted, clk, time.Second)
	first, second := partsTo(z.fake, "6ede9afa66b88fe6d6a9")
	if first != 2 || second != 1 {
		t.Errorf("after the restart: part 1 × %d, part 2 × %d; want 2 (one duplicate), 1", first, second)
	}
}

// TestZaloLaterPartFailureResendsEarlierParts: when a later part fails
// with a transient answer (408), the retry sends the message again from
// its first part: each failed attempt may add one copy of the parts sent
// before the failing one, and no more.
func TestZaloLaterPartFailureResendsEarlierParts(t *testing.T) {
	st := storetest.New(t)
	clk := clock.NewFake(t0)
	z := newZaloLane(t, st, clk, zalo.SenderConfig{}, "6ede9afa66b88fe6d6a9")
	enqueue(t, st, store.OutMessage{ChatID: z.chats[0], DedupeKey: "dai", Kind: "notice",
		Payload: store.Payload{Text: twoParts()}})
	failures := 2
	z.fake.SetFault(func(c zalotest.Call) *zalotest.Fault {
		if strings.HasPrefix(c.Params["text"], "(2/2)") && failures > 0 {
			failures--
			f := zalotest.RequestTimeout()
			return &f
		}
		return nil
	})
	drainZalo(t, st, z.lane, clk, time.Minute)
	r := zaloRows(t, st)["dai"]
	first, second := partsTo(z.fake, "6ede9afa66b88fe6d6a9")
	if r.Status != store.OutboxSent || second != 1 {
		t.Fatalf("row %s, part 2 × %d; want sent, once", r.Status, second)
	}
	if first < 1 || first > 1+2 {
		t.Errorf("part 1 × %d after 2 failed attempts; want at most one copy per failed attempt (≤ 3)", first)
	}
	t.Logf("part 1 arrived %d times after 2 failures of part 2 (attempts %d)", first, r.Attempts)
}

// TestZaloTooManyHoldsThatChatOnly: a 429 (no retry-after on Zalo) holds
// its chat for the sender's RetryAfter while the other Zalo chats go on;
// the chat's message then goes out once.
func TestZaloTooManyHoldsThatChatOnly(t *testing.T) {
	st := storetest.New(t)
	clk := clock.NewFake(t0)
	z := newZaloLane(t, st, clk, zalo.SenderConfig{RetryAfter: time.Minute}, "busy", "idle")
	for i := range 2 {
		enqueue(t, st, store.OutMessage{ChatID: z.chats[0], DedupeKey: fmt.Sprintf("busy-%d", i), Kind: "notice",
			Payload: store.Payload{Text: fmt.Sprintf("Thông báo %d", i)}})
		enqueue(t, st, store.OutMessage{ChatID: z.chats[1], DedupeKey: fmt.Sprintf("idle-%d", i), Kind: "notice",
			Payload: store.Payload{Text: fmt.Sprintf("Thông báo %d", i)}})
	}
	z.fake.SetFault(func(c zalotest.Call) *zalotest.Fault {
		if c.Method == "sendMessage" && c.Params["chat_id"] == "busy" {
			z.fake.SetFault(nil) // once
			f := zalotest.TooManyRequests()
			return &f
		}
		return nil
	})
	// Passes a few seconds apart, well within the minute.
	for range 5 {
		if _, err := z.lane.DrainOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		clk.Advance(5 * time.Second)
		time.Sleep(10 * time.Millisecond)
	}
	if n := len(z.fake.SentTo("idle")); n != 2 {
		t.Errorf("the other chat got %d messages while the busy one was held, want 2", n)
	}
	if n := len(z.fake.SentTo("busy")); n != 0 {
		t.Errorf("the held chat got %d messages within its minute, want 0", n)
	}
	rows := zaloRows(t, st)
	if r := rows["busy-0"]; r.Status != store.OutboxPending || r.Attempts != 0 {
		t.Errorf("the refused row is %s with %d attempts; want pending, the 429 not counted", r.Status, r.Attempts)
	}
	clk.Advance(time.Minute)
	drainZalo(t, st, z.lane, clk, 5*time.Second)
	if n := len(z.fake.SentTo("busy")); n != 2 {
		t.Errorf("the held chat got %d messages after its minute, want 2", n)
	}
	if s := z.lane.Stats().Snapshot(); s.TooManyRequests != 1 || s.Dead != 0 {
		t.Errorf("stats %+v; want one 429, none dead", s)
	}
}

// TestZaloUnauthorizedHoldsTheZaloLaneOnly: a 401 (token reset) holds the
// Zalo lane, counting no attempt, while the Telegram lane on the same
// outbox goes on; once the token works again every Zalo message goes out.
func TestZaloUnauthorizedHoldsTheZaloLaneOnly(t *testing.T) {
	st := storetest.New(t)
	clk := clock.NewFake(t0)
	z := newZaloLane(t, st, clk, zalo.SenderConfig{}, "6ede9afa66b88fe6d6a9")
	tg := telegramtest.New()
	defer tg.Close()
	tgLane := delivery.NewLane(st, newSender(t, tg), clk, discard(), fastOptions())
	for i := range 3 {
		enqueue(t, st, store.OutMessage{ChatID: z.chats[0], DedupeKey: fmt.Sprintf("z%d", i), Kind: "notice",
			Payload: store.Payload{Text: fmt.Sprintf("Thông báo %d", i)}})
		enqueue(t, st, store.OutMessage{ChatID: 6000 + int64(i), DedupeKey: fmt.Sprintf("t%d", i), Kind: "notice",
			Payload: store.Payload{Text: fmt.Sprintf("Thông báo %d", i)}})
	}
	down := zalotest.Unauthorized()
	z.fake.SetFault(func(zalotest.Call) *zalotest.Fault { return &down })
	ctx := context.Background()
	for range 20 {
		if _, err := z.lane.DrainOnce(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := tgLane.DrainOnce(ctx); err != nil {
			t.Fatal(err)
		}
		clk.Advance(time.Minute)
		time.Sleep(10 * time.Millisecond)
	}
	if n := len(tg.Sent()); n != 3 {
		t.Errorf("Telegram delivered %d messages while Zalo answered 401, want 3", n)
	}
	if !z.lane.Stats().Snapshot().Down || tgLane.Stats().Snapshot().Down {
		t.Errorf("down: Zalo %v, Telegram %v; want the Zalo lane only", z.lane.Stats().Snapshot().Down, tgLane.Stats().Snapshot().Down)
	}
	for key, r := range zaloRows(t, st) {
		if r.Status != store.OutboxPending || r.Attempts > 0 {
			t.Errorf("Zalo row %s is %s with %d attempts; want pending, none counted", key, r.Status, r.Attempts)
		}
	}
	z.fake.SetFault(nil)
	drainZalo(t, st, z.lane, clk, time.Minute)
	if n := len(z.fake.Sent()); n != 3 {
		t.Errorf("Zalo delivered %d messages once the token works, want 3", n)
	}
}

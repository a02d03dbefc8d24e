package delivery_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/clock"
	"github.com/nhacviec/nhacviec/delivery"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/store/storetest"
	"github.com/nhacviec/nhacviec/telegramtest"
)

// TestTelegramOutageKillsNothing: while Telegram as a whole answers 502
// (getMe too), failed sends are not counted as attempts, the worker probes
// with one message at a time, backing off, and after an outage many times
// longer than MaxAttempts' backoff every message is delivered once. Before,
// each message died after MaxAttempts failed sends.
func TestTelegramOutageKillsNothing(t *testing.T) {
	st := storetest.New(t)
	srv := telegramtest.New()
	defer srv.Close()
	f := newFixture(t, st, 3)
	for i := 0; i < 6; i++ {
		enqueue(t, st, store.OutMessage{ChatID: f.chats[i%3], DedupeKey: fmt.Sprintf("m%d", i), Kind: "notice",
			Payload: store.Payload{Text: fmt.Sprintf("Thông báo %d", i)}})
	}
	down := telegramtest.ServerError(502)
	srv.SetFault(func(telegramtest.Call) *telegramtest.Fault { return &down })

	clk := clock.NewFake(t0)
	w := delivery.NewLane(st, newSender(t, srv), clk, discard(), fastOptions())
	ctx := context.Background()

	// 40 passes, a minute apart: ten times MaxAttempts (4).
	for i := 0; i < 40; i++ {
		if _, err := w.DrainOnce(ctx); err != nil {
			t.Fatal(err)
		}
		clk.Advance(time.Minute)
	}
	if !w.Stats().Snapshot().Down {
		t.Error("the worker does not report Telegram down")
	}
	rows, err := st.OutboxRows(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.Status != store.OutboxPending || r.Attempts > 1 {
			t.Errorf("after the outage row %s is %s with %d attempts; want pending, at most 1 attempt", r.DedupeKey, r.Status, r.Attempts)
		}
	}
	// One probing message per pass once the first failure is seen, not the
	// whole batch: at most two sendMessage calls per pass.
	if n := srv.Calls("sendMessage"); n > 2*40 {
		t.Errorf("%d sendMessage calls in 40 passes while down; want one probe at a time", n)
	}

	srv.SetFault(nil)
	drain(t, st, w, clk, time.Minute)
	if got := len(srv.Sent()); got != 6 {
		t.Fatalf("delivered %d messages after the outage, want 6", got)
	}
	if w.Stats().Snapshot().Down {
		t.Error("the worker still reports Telegram down after a send went through")
	}
}

// TestOneFailingChatStillDies: a chat whose sends fail while Telegram
// answers getMe is the chat's problem, not an outage: its message dies
// after MaxAttempts as before.
func TestOneFailingChatStillDies(t *testing.T) {
	st := storetest.New(t)
	srv := telegramtest.New()
	defer srv.Close()
	f := newFixture(t, st, 2)
	bad := telegramtest.ServerError(500)
	srv.SetFault(func(c telegramtest.Call) *telegramtest.Fault {
		if c.Method == "sendMessage" && c.ChatID == f.chats[0] {
			return &bad
		}
		return nil
	})
	enqueue(t, st, store.OutMessage{ChatID: f.chats[0], DedupeKey: "bad", Kind: "notice", Payload: store.Payload{Text: "Không tới"}})
	enqueue(t, st, store.OutMessage{ChatID: f.chats[1], DedupeKey: "good", Kind: "notice", Payload: store.Payload{Text: "Tới nơi"}})
	clk := clock.NewFake(t0)
	w := delivery.NewLane(st, newSender(t, srv), clk, discard(), fastOptions())
	drain(t, st, w, clk, 10*time.Second)
	if r := rowByKey(t, st, "bad"); r.Status != store.OutboxDead || r.Attempts != 4 {
		t.Errorf("failing chat's row: %s after %d attempts, want dead after 4", r.Status, r.Attempts)
	}
	if r := rowByKey(t, st, "good"); r.Status != store.OutboxSent {
		t.Errorf("other chat's row: %s, want sent", r.Status)
	}
}

package delivery_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	tgbot "github.com/go-telegram/bot"

	"github.com/nhacviec/nhacviec/clock"
	"github.com/nhacviec/nhacviec/delivery"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/store/storetest"
	"github.com/nhacviec/nhacviec/telegram"
	"github.com/nhacviec/nhacviec/telegramtest"
)

// TestBotLanesAcrossReplicas: two processes ("replicas") share one
// PostgreSQL, each running a lane per bot (the default bot and a bot of
// telegram.bots) under one Worker. Every message goes out once, through
// its own bot only. Each fake enforces Telegram's limits; the per-chat
// pace is kept per process, so the two replicas may earn 429s for a chat
// (shared through chat_backoff and retried), never a lost or repeated
// message.
func TestBotLanesAcrossReplicas(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st := storetest.New(t)
	limits := telegramtest.WithRateLimits(30, 1)
	def := telegramtest.New(limits)
	defer def.Close()
	hn := telegramtest.New(limits, telegramtest.WithToken("7000000002:AAHanoiBotTokenForNhacviecTests"))
	defer hn.Close()
	mux := telegramtest.NewMux(def, hn)
	defer mux.Close()

	const perBot, chats = 40, 10
	var msgs []store.OutMessage
	for i := range perBot {
		for _, bot := range []string{store.DefaultBot, "hanoi"} {
			msgs = append(msgs, store.OutMessage{
				ChatID: int64(7000 + i%chats), DedupeKey: fmt.Sprintf("%s:%d", bot, i), Kind: "notice",
				Payload: store.Payload{Text: fmt.Sprintf("%s %d", bot, i)}, NotBefore: time.Now(), Bot: bot,
			})
		}
	}
	if _, err := store.EnqueueMany(ctx, st, msgs); err != nil {
		t.Fatal(err)
	}

	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	var runs []chan error
	for range 2 {
		var lanes []*delivery.Lane
		for _, b := range []struct {
			name string
			fake *telegramtest.Server
		}{{store.DefaultBot, def}, {"hanoi", hn}} {
			api, err := tgbot.New(b.fake.Token(), tgbot.WithServerURL(mux.URL()), tgbot.WithSkipGetMe())
			if err != nil {
				t.Fatal(err)
			}
			lanes = append(lanes, delivery.NewLane(st, telegram.NewSender(api), clock.Real{}, log,
				delivery.Options{Bot: b.name, PollInterval: 50 * time.Millisecond}))
		}
		w, err := delivery.NewWorker(lanes...)
		if err != nil {
			t.Fatal(err)
		}
		if w.BotLane("telegram", "hanoi") != lanes[1] || w.Lane("telegram") != lanes[0] {
			t.Fatal("BotLane/Lane do not find the lanes")
		}
		done := make(chan error, 1)
		go func() { done <- w.Run(ctx) }()
		runs = append(runs, done)
	}
	for _, f := range []*telegramtest.Server{def, hn} {
		f.WaitFor(t, "every message of the bot", func() bool { return len(f.Sent()) >= perBot })
	}
	cancel()
	for _, done := range runs {
		if err := <-done; err != nil {
			t.Errorf("worker: %v", err)
		}
	}
	for name, f := range map[string]*telegramtest.Server{store.DefaultBot: def, "hanoi": hn} {
		seen := map[string]int{}
		for _, m := range f.Sent() {
			seen[m.Text]++
		}
		for i := range perBot {
			if n := seen[fmt.Sprintf("%s %d", name, i)]; n != 1 {
				t.Errorf("bot %s sent %q %d times, want once", name, fmt.Sprintf("%s %d", name, i), n)
			}
		}
		if len(f.Sent()) != perBot {
			t.Errorf("bot %s sent %d messages, want %d (its own only)", name, len(f.Sent()), perBot)
		}
	}
	var dead int
	if err := st.DB().GetContext(context.Background(), &dead, `SELECT count(*) FROM outbox WHERE status = 'dead'`); err != nil || dead != 0 {
		t.Errorf("%d messages dead (%v)", dead, err)
	}
	if _, err := delivery.NewWorker(delivery.NewLane(st, telegram.NewSender(nil), clock.Real{}, log, delivery.Options{Bot: "hanoi"}),
		delivery.NewLane(st, telegram.NewSender(nil), clock.Real{}, log, delivery.Options{Bot: "hanoi"})); err == nil {
		t.Error("two lanes of one bot in one worker accepted")
	}
}

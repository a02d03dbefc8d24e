package chaos

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tgbot "github.com/go-telegram/bot"

	"github.com/nhacviec/nhacviec/clock"
	"github.com/nhacviec/nhacviec/delivery"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/telegram"
	"github.com/nhacviec/nhacviec/telegramtest"
)

// FaultOptions sizes the Telegram-faults scenario.
type FaultOptions struct {
	Messages int           // messages in the burst
	Chats    int           // chats they go to
	Faulty   time.Duration // how long Telegram misbehaves before it heals
}

// doomedChat answers 500 to every message, for ever: its one message must
// end dead after exactly MaxAttempts attempts, never before.
const doomedChat = 8999

// TelegramFaults runs an in-process delivery worker (delivery.Lane with a
// short send timeout) against a fake Telegram that, for o.Faulty, answers
// three calls in four with 502, 500 or a delay beyond the send timeout, and
// starts with a run of 429 answers; then heals. Every message must arrive;
// none may die except the doomed chat's, whose Telegram never heals, and
// that one only after MaxAttempts attempts.
func TelegramFaults(ctx context.Context, env Env, o FaultOptions) (Result, error) {
	start := time.Now()
	res := Result{Scenario: "Telegram 5xx, timeouts, 429, then healthy",
		Notes: fmt.Sprintf("%s of 502/500/timeout on 3 calls in 4, 3 × 429; %d messages to %d chats", o.Faulty, o.Messages, o.Chats)}
	url, err := env.Database(ctx)
	if err != nil {
		return res, err
	}
	st, err := store.Open(ctx, url)
	if err != nil {
		return res, fmt.Errorf("chaos: %w", err)
	}
	defer st.Close()
	tg := telegramtest.New()
	defer tg.Close()
	api, err := tgbot.New(tg.Token(), tgbot.WithServerURL(tg.URL()), tgbot.WithSkipGetMe())
	if err != nil {
		return res, fmt.Errorf("chaos: %w", err)
	}
	opts := delivery.Options{
		RatePerSecond:   200,
		PerChatInterval: 20 * time.Millisecond,
		MaxAttempts:     12,
		// The product's backoff (2 s doubling to 10 min, 12 attempts)
		// outlasts an outage many times over; scaled to the fault window,
		// the 12 attempts span at least twice the window even when
		// jittered short.
		BaseBackoff:  max(50*time.Millisecond, o.Faulty/40),
		MaxBackoff:   max(time.Second, o.Faulty/2),
		SendTimeout:  300 * time.Millisecond,
		Lease:        2 * time.Second,
		PollInterval: 50 * time.Millisecond,
	}

	var calls, delays atomic.Int64
	var mu sync.Mutex
	timedOut := make(map[string]int) // by message key: sends that timed out
	healAt := time.Now().Add(o.Faulty)
	tg.FailNext("sendMessage", 3, telegramtest.TooManyRequests(1))
	tg.SetFault(func(c telegramtest.Call) *telegramtest.Fault {
		if c.Method != "sendMessage" {
			return nil
		}
		if c.ChatID == doomedChat {
			f := telegramtest.ServerError(500)
			return &f
		}
		if time.Now().After(healAt) {
			return nil
		}
		var f telegramtest.Fault
		switch calls.Add(1) % 4 {
		case 0:
			return nil
		case 1:
			f = telegramtest.ServerError(502)
		case 2:
			delays.Add(1)
			if i := strings.Index(c.Params["text"], "tg-"); i >= 0 {
				mu.Lock()
				timedOut[strings.TrimSuffix(c.Params["text"][i:], "</b>")]++
				mu.Unlock()
			}
			f = telegramtest.Delay(time.Second)
		case 3:
			f = telegramtest.ServerError(500)
		}
		return &f
	})

	b, err := enqueueBurst(ctx, st, "tg", o.Messages, o.Chats, time.Now())
	if err != nil {
		return res, err
	}
	if _, err := store.Enqueue(ctx, st, store.OutMessage{
		ChatID: doomedChat, DedupeKey: "doomed", Kind: "notice",
		Payload: store.Payload{Text: "không bao giờ tới"}, NotBefore: time.Now(),
	}); err != nil {
		return res, fmt.Errorf("chaos: %w", err)
	}

	w := delivery.NewLane(st, telegram.NewSender(api), clock.Real{}, quietLog(nil), opts)
	wctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- w.Run(wctx) }()
	err = waitFor(ctx, 5*o.Faulty+60*time.Second, "every message after Telegram healed", func() (bool, error) {
		var open int
		qerr := st.DB().GetContext(ctx, &open, `SELECT count(*) FROM outbox WHERE status = 'pending'`)
		return open == 0, qerr
	})
	cancel()
	if werr := <-done; err == nil {
		err = werr
	}
	mu.Lock()
	res, rerr := b.resultWithTimeouts(ctx, st, tg, res, timedOut)
	mu.Unlock()
	res.Timeouts = int(delays.Load())
	if err == nil {
		err = rerr
	}
	res.Elapsed = time.Since(start)
	if err != nil {
		return res, err
	}

	var doomed store.OutboxRow
	if err := st.DB().GetContext(ctx, &doomed, `SELECT status, attempts FROM outbox WHERE dedupe_key = 'doomed'`); err != nil {
		return res, fmt.Errorf("chaos: %w", err)
	}
	if doomed.Status != store.OutboxDead || doomed.Attempts != opts.MaxAttempts {
		return res, fmt.Errorf("chaos: the doomed message is %s after %d attempts, want dead after %d",
			doomed.Status, doomed.Attempts, opts.MaxAttempts)
	}
	var dead int
	if err := st.DB().GetContext(ctx, &dead, `SELECT count(*) FROM outbox WHERE status = 'dead' AND dedupe_key <> 'doomed'`); err != nil {
		return res, fmt.Errorf("chaos: %w", err)
	}
	stats := w.Stats().Snapshot()
	res.Notes += fmt.Sprintf("; %d failed attempts, %d × 429 seen, doomed chat dead after %d attempts",
		stats.Failed, stats.TooManyRequests, doomed.Attempts)
	if dead != 0 {
		return res, fmt.Errorf("chaos: %d messages dead before MaxAttempts", dead)
	}
	return res, nil
}

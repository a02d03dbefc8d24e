package chaos

import (
	"context"
	"fmt"
	"strings"
	"time"

	tgbot "github.com/go-telegram/bot"

	"github.com/nhacviec/nhacviec/clock"
	"github.com/nhacviec/nhacviec/delivery"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/telegram"
	"github.com/nhacviec/nhacviec/telegramtest"
)

// ThrottleOptions sizes the one-chat-429 scenario.
type ThrottleOptions struct {
	Messages   int           // messages to the other chats
	Chats      int           // the other chats
	Replies    int           // replies queued to the throttled group
	Throttled  time.Duration // how long the group answers 429
	RetryAfter int           // the retry_after of its 429s, in seconds
	// MaxRatio is how much longer than without the 429s the other chats'
	// messages may take; 0 is 1.2.
	MaxRatio float64
}

// throttledChat is the group chat that answers 429 in ThrottledChat.
const throttledChat = -1009000000001

// ThrottledChat runs an in-process delivery worker with the product's
// limits (25 messages a second, 1 s per chat, 3 s per group) twice on the
// same messages: o.Messages to o.Chats chats and o.Replies replies to a
// group chat. In the first run Telegram answers everything; in the second
// the group answers 429 with retry_after o.RetryAfter for o.Throttled, then
// heals. The other chats' messages must arrive within o.MaxRatio of their
// time in the first run (a 429 delays its chat only), and every message,
// the group's included, must arrive after the group healed, none twice.
func ThrottledChat(ctx context.Context, env Env, o ThrottleOptions) (Result, error) {
	if o.MaxRatio == 0 {
		o.MaxRatio = 1.2
	}
	start := time.Now()
	res := Result{Scenario: "one chat answering 429",
		Notes: fmt.Sprintf("a group answers 429 retry_after %d for %s with %d replies queued to it; %d messages to %d other chats",
			o.RetryAfter, o.Throttled, o.Replies, o.Messages, o.Chats)}
	base, _, _, err := throttleRun(ctx, env, o, false)
	if err != nil {
		return res, err
	}
	throttled, r, tooMany, err := throttleRun(ctx, env, o, true)
	res.Decided, res.Delivered, res.Duplicated, res.Lost, res.MaxPerMessage, res.Excess =
		r.Decided, r.Delivered, r.Duplicated, r.Lost, r.MaxPerMessage, r.Excess
	res.Elapsed = time.Since(start)
	ratio := throttled.Seconds() / base.Seconds()
	res.Notes += fmt.Sprintf("; the other chats' messages took %s, %s without the 429s (%.2f×); %d × 429",
		throttled.Round(10*time.Millisecond), base.Round(10*time.Millisecond), ratio, tooMany)
	if err != nil {
		return res, err
	}
	if ratio > o.MaxRatio {
		return res, fmt.Errorf("chaos: one chat's 429s slowed the other chats %.2f× (%s against %s), at most %.2f× allowed",
			ratio, throttled, base, o.MaxRatio)
	}
	return res, nil
}

// throttleRun is one run of ThrottledChat: it returns how long the other
// chats' messages took to arrive (from the worker's start to the last
// one). With throttle, the group answers 429 for o.Throttled and the run
// waits until every message arrived, and measures them in r; without, it
// stops once the other chats' messages arrived.
func throttleRun(ctx context.Context, env Env, o ThrottleOptions, throttle bool) (others time.Duration, r Result, tooMany int, err error) {
	url, err := env.Database(ctx)
	if err != nil {
		return 0, r, 0, err
	}
	st, err := store.Open(ctx, url)
	if err != nil {
		return 0, r, 0, fmt.Errorf("chaos: %w", err)
	}
	defer st.Close()
	tg := telegramtest.New()
	defer tg.Close()
	api, err := tgbot.New(tg.Token(), tgbot.WithServerURL(tg.URL()), tgbot.WithSkipGetMe())
	if err != nil {
		return 0, r, 0, fmt.Errorf("chaos: %w", err)
	}

	prefix := "base"
	if throttle {
		prefix = "thr"
	}
	now := time.Now()
	var replies burst
	replies.prefix = prefix + "-group"
	for i := range o.Replies {
		key := fmt.Sprintf("%s-%04d", replies.prefix, i)
		if _, err := store.Enqueue(ctx, st, store.OutMessage{
			ChatID: throttledChat, DedupeKey: key, Kind: "reply",
			Payload: store.Payload{Text: "Đã ghi nhận tiến độ <b>" + key + "</b>"}, NotBefore: now,
		}); err != nil {
			return 0, r, 0, fmt.Errorf("chaos: enqueue: %w", err)
		}
		replies.keys = append(replies.keys, key)
	}
	b, err := enqueueBurst(ctx, st, prefix, o.Messages, o.Chats, now)
	if err != nil {
		return 0, r, 0, err
	}

	opts := delivery.Options{
		RatePerSecond: 25,
		// The product's backoff (2 s doubling to 10 min) once the group's
		// 429s count as attempts, capped so that the group is tried again
		// soon after it heals.
		MaxBackoff:   max(2*time.Second, o.Throttled/2),
		PollInterval: 50 * time.Millisecond,
	}
	started := time.Now()
	if throttle {
		healAt := started.Add(o.Throttled)
		tg.SetFault(func(c telegramtest.Call) *telegramtest.Fault {
			if c.ChatID != throttledChat || time.Now().After(healAt) {
				return nil
			}
			f := telegramtest.TooManyRequests(o.RetryAfter)
			return &f
		})
	}
	w := delivery.NewLane(st, telegram.NewSender(api), clock.Real{}, quietLog(nil), opts)
	wctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- w.Run(wctx) }()
	err = waitFor(ctx, time.Duration(o.Messages)*time.Second+time.Minute, "the other chats' messages", func() (bool, error) {
		return b.count(tg) == len(b.keys), nil
	})
	if err == nil {
		var last time.Time
		for _, m := range tg.Sent() {
			if m.ChatID != throttledChat && m.Date.After(last) {
				last = m.Date
			}
		}
		others = last.Sub(started)
	}
	if err == nil && throttle {
		err = waitFor(ctx, 3*o.Throttled+time.Duration(o.Replies)*5*time.Second+time.Minute, "every message after the group healed", func() (bool, error) {
			var open int
			qerr := st.DB().GetContext(ctx, &open, `SELECT count(*) FROM outbox WHERE status = 'pending'`)
			return open == 0, qerr
		})
	}
	cancel()
	if werr := <-done; err == nil {
		err = werr
	}
	if err != nil || !throttle {
		return others, r, tg.TooManyRequestsCount(), err
	}
	if r, err = b.result(ctx, st, tg, r); err != nil {
		return others, r, 0, err
	}
	if r, err = replies.result(ctx, st, tg, r); err != nil {
		return others, r, 0, err
	}
	for i, m := range tg.SentTo(throttledChat) {
		text := m.Plain()
		j := strings.Index(text, replies.prefix+"-")
		if j < 0 || i >= len(replies.keys) || text[j:] != replies.keys[i] {
			return others, r, 0, fmt.Errorf("chaos: the group's message %d is %q, want %s: out of order", i, text, replies.keys[min(i, len(replies.keys)-1)])
		}
	}
	return others, r, tg.TooManyRequestsCount(), nil
}

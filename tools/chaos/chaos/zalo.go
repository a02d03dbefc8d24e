package chaos

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/nhacviec/nhacviec/clock"
	"github.com/nhacviec/nhacviec/delivery"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/zalo"
	"github.com/nhacviec/nhacviec/zalotest"
)

// ZaloOptions sizes the Zalo-faults scenario.
type ZaloOptions struct {
	Messages int           // messages in the burst
	Chats    int           // Zalo chats they go to
	Faulty   time.Duration // how long every sendMessage answers 408 or 429
	// RetryAfter is how long a chat waits after a 429 (the platform gives
	// no retry-after; zalo.SenderConfig.RetryAfter, 60 s in serve); 0 is
	// Faulty, at most a minute.
	RetryAfter time.Duration
	// LongEvery makes every LongEvery-th message longer than one Zalo
	// message, so that it goes in two numbered parts; 0 is 5.
	LongEvery int
}

// ZaloFaults runs an in-process Zalo delivery lane (delivery.Lane,
// zalo.Sender, zalo.Client, real PostgreSQL) against the zalotest fake,
// which answers every sendMessage, for o.Faulty, with 408 (timeout) or
// 429 (quota exceeded, no retry-after), alternately; getMe keeps
// answering, as it does when the platform refuses messages but is up.
// Then the fake heals. Every message, parts and all, must arrive, none may
// be dead, and none may arrive twice: a 408 or 429 answer means the
// platform did not take the message, and while it fails every call no
// part goes through before a failing one (a message that fails after its
// first part is a separate bound, see docs/RELIABILITY.md).
//
// serve does not run Zalo yet; the scenario is built at the lane's level,
// as serve will build the lane (zalo.rate_per_second, the sender's pace
// per chat), with the backoff scaled to the fault window as in
// TelegramFaults.
func ZaloFaults(ctx context.Context, env Env, o ZaloOptions) (Result, error) {
	if o.RetryAfter <= 0 {
		o.RetryAfter = min(o.Faulty, time.Minute)
	}
	if o.LongEvery <= 0 {
		o.LongEvery = 5
	}
	start := time.Now()
	res := Result{Scenario: "Zalo 408 and 429 on every message, then healthy",
		Notes: fmt.Sprintf("%s of 408/429 on every sendMessage (429 holds its chat %s); %d messages (one in %d in two parts) to %d Zalo chats",
			o.Faulty, o.RetryAfter, o.Messages, o.LongEvery, o.Chats)}
	url, err := env.Database(ctx)
	if err != nil {
		return res, err
	}
	st, err := store.Open(ctx, url)
	if err != nil {
		return res, fmt.Errorf("chaos: %w", err)
	}
	defer st.Close()

	fake := zalotest.New()
	defer fake.Close()
	var failed, tooMany, timeouts atomic.Int64
	healAt := time.Now().Add(o.Faulty)
	fake.SetFault(func(c zalotest.Call) *zalotest.Fault {
		if c.Method != "sendMessage" || time.Now().After(healAt) {
			return nil
		}
		f := zalotest.RequestTimeout()
		if failed.Add(1)%2 == 0 {
			f = zalotest.TooManyRequests()
			tooMany.Add(1)
		} else {
			timeouts.Add(1)
		}
		return &f
	})

	chats := st.ZaloChats()
	ids := make([]int64, o.Chats)
	for i := range ids {
		if ids[i], err = chats.Surrogate(ctx, fmt.Sprintf("6ede9afa66b8%08x", i)); err != nil {
			return res, fmt.Errorf("chaos: %w", err)
		}
	}
	api := zalo.NewClient(fake.Token(), zalo.ClientConfig{APIURL: fake.URL(), Timeout: 2 * time.Second})
	sender := zalo.NewSender(api, chats, zalo.SenderConfig{PerSecond: 200, ChatEvery: 20 * time.Millisecond, RetryAfter: o.RetryAfter})
	opts := delivery.Options{
		RatePerSecond: 200,
		MaxAttempts:   12,
		// As in TelegramFaults: the 12 attempts span at least twice the
		// window even when jittered short.
		BaseBackoff:  max(50*time.Millisecond, o.Faulty/40),
		MaxBackoff:   max(time.Second, o.Faulty/2),
		SendTimeout:  time.Second,
		Lease:        3 * time.Second,
		PollInterval: 50 * time.Millisecond,
	}

	keys := make([]string, o.Messages)
	long := make(map[string]bool)
	for i := range keys {
		key := fmt.Sprintf("zl-%04d", i)
		keys[i] = key
		text := "Thông báo thử nghiệm <b>" + key + "</b>"
		if i%o.LongEvery == o.LongEvery-1 {
			// Two parts: the key opens the first and closes the second.
			long[key] = true
			text += "\n" + strings.Repeat("Nội dung báo cáo tuần của phường, mục đang theo dõi.\n", 45) + "Hết " + key
		}
		if _, err := store.Enqueue(ctx, st, store.OutMessage{
			ChatID: ids[i%o.Chats], DedupeKey: key, Kind: "notice",
			Payload: store.Payload{Text: text}, NotBefore: time.Now(),
		}); err != nil {
			return res, fmt.Errorf("chaos: enqueue: %w", err)
		}
	}

	lane := delivery.NewLane(st, sender, clock.Real{}, quietLog(nil), opts)
	wctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- lane.Run(wctx) }()
	err = waitFor(ctx, 5*o.Faulty+o.RetryAfter+60*time.Second, "every Zalo message after the platform healed", func() (bool, error) {
		var open int
		qerr := st.DB().GetContext(ctx, &open, `SELECT count(*) FROM outbox WHERE channel = 'zalo' AND status = 'pending'`)
		return open == 0, qerr
	})
	cancel()
	if werr := <-done; err == nil {
		err = werr
	}
	res.Elapsed = time.Since(start)

	// What arrived: a part opening with the key ("(1/2)\n" first when the
	// message went in parts), and the last part of a long one ("Hết key").
	first := make(map[string]int)
	last := make(map[string]int)
	numbered := make(map[string]bool) // a long message's first part is numbered (1/2)
	for _, m := range fake.Sent() {
		body := m.Text
		if i := strings.Index(body, "zl-"); i >= 0 && !strings.Contains(body[:i], "Hết ") {
			key := body[i : i+len("zl-0000")]
			first[key]++
			numbered[key] = strings.HasPrefix(body, "(1/2)\n")
		}
		if i := strings.Index(body, "Hết zl-"); i >= 0 {
			last[body[i+len("Hết "):i+len("Hết zl-0000")]]++
		}
	}
	for _, k := range keys {
		n := first[k]
		if long[k] {
			if last[k] != n {
				// A part missing or repeated apart from its message.
				res.Excess = max(res.Excess, 1)
			}
			n = min(n, last[k])
		}
		res.Decided++
		if n == 0 {
			continue
		}
		res.Delivered++
		res.Duplicated += n - 1
		res.MaxPerMessage = max(res.MaxPerMessage, n)
		res.Excess = max(res.Excess, n-1)
	}
	var notSent, dead int
	if qerr := st.DB().GetContext(ctx, &notSent, `SELECT count(*) FROM outbox WHERE channel = 'zalo' AND status <> 'sent'`); qerr != nil && err == nil {
		err = fmt.Errorf("chaos: count unsent: %w", qerr)
	}
	if qerr := st.DB().GetContext(ctx, &dead, `SELECT count(*) FROM outbox WHERE channel = 'zalo' AND status = 'dead'`); qerr != nil && err == nil {
		err = fmt.Errorf("chaos: count dead: %w", qerr)
	}
	res.Lost = max(res.Decided-res.Delivered, notSent)
	stats := lane.Stats().Snapshot()
	res.Notes += fmt.Sprintf("; the fake answered %d × 408 and %d × 429; the lane saw %d × 429, retried %d rows, %d dead",
		timeouts.Load(), tooMany.Load(), stats.TooManyRequests, stats.Retried, dead)
	if err != nil {
		return res, err
	}
	for k := range long {
		if !numbered[k] {
			return res, fmt.Errorf("chaos: %s did not go in two numbered parts", k)
		}
	}
	if failed.Load() == 0 {
		return res, fmt.Errorf("chaos: no message was refused in the fault window")
	}
	if dead != 0 {
		return res, fmt.Errorf("chaos: %d Zalo messages dead", dead)
	}
	return res, nil
}

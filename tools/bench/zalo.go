package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/nhacviec/nhacviec/clock"
	"github.com/nhacviec/nhacviec/delivery"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/zalo"
	"github.com/nhacviec/nhacviec/zalotest"
)

// zaloParams sizes the Zalo delivery run.
type zaloParams struct {
	Messages  int           // messages enqueued before the lane starts
	Chats     int           // Zalo chats they go to, round robin
	Rate      float64       // the fake's quota: messages a second across chats
	ChatEvery time.Duration // least gap per chat, the lane's and the fake's
	LaneRate  float64       // zalo.rate_per_second, the lane's budget
}

// zaloResult is what the Zalo delivery run measured.
type zaloResult struct {
	zaloParams
	ToLast     time.Duration // from the lane's start to the last message accepted
	Span       time.Duration // from the first message accepted to the last
	Achieved   float64       // messages per second between the first and the last accepted
	Ideal      time.Duration // the least time the rate allows: (Messages − burst) / Rate
	TooMany    int           // 429 answers of the fake
	Retried    int64         // rows rescheduled by the lane
	Dead       int           // rows dead at the end
	Accepted   int           // messages the fake accepted (duplicates included)
	MinChatGap time.Duration // shortest gap between two messages accepted for one chat
	Elapsed    time.Duration // the whole run, enqueueing included
	Enqueue    time.Duration // enqueueing the messages, one transaction each
}

// zaloPayload is a reminder as the reminder job words it: Telegram HTML
// the Zalo sender renders as plain text, in one part.
var zaloPayload = store.Payload{
	Text: "<b>Nhắc việc: còn 3 ngày đến hạn</b>\nNhiệm vụ: Tổng hợp báo cáo kết quả theo dõi CCHC hàng tuần về Chủ tịch UBND phường\nHạn: 21/11/2025\nTrạng thái: đang thực hiện trong hạn, 60%",
	Hint: "Trả lời: 1 xong, hoặc 1: 60%",
}

// measureZalo enqueues p.Messages messages to p.Chats Zalo chats (surrogate
// ids issued by store.ZaloChats), all pending before the lane starts, and
// delivers them through delivery.Lane, zalo.Sender and zalo.Client to the
// zalotest fake over HTTP on 127.0.0.1, which answers 429 "Quota exceeded"
// past p.Rate messages a second or one message per p.ChatEvery to a chat.
// The lane is configured as serve configures it from zalo.rate_per_second.
func measureZalo(ctx context.Context, st *store.Store, p zaloParams) (zaloResult, error) {
	res := zaloResult{zaloParams: p}
	begin := time.Now()
	fake := zalotest.New(zalotest.WithRateLimit(p.Rate, p.ChatEvery))
	defer fake.Close()
	chats := st.ZaloChats()
	ids := make([]int64, p.Chats)
	for i := range ids {
		id, err := chats.Surrogate(ctx, fmt.Sprintf("2d758cb5e222%08x", i))
		if err != nil {
			return res, err
		}
		if id < store.ZaloChatBase {
			return res, fmt.Errorf("zalo: surrogate %d below 2^62", id)
		}
		ids[i] = id
	}
	api := zalo.NewClient(fake.Token(), zalo.ClientConfig{APIURL: fake.URL()})
	sender := zalo.NewSender(api, chats, zalo.SenderConfig{PerSecond: p.LaneRate, ChatEvery: p.ChatEvery})
	lane := delivery.NewLane(st, sender, clock.Real{}, discard(), delivery.Options{RatePerSecond: p.LaneRate})
	// serve asks getMe at start; the connection is then open before the
	// first message, whose arrival the fake's bucket starts from.
	if err := sender.Probe(ctx); err != nil {
		return res, err
	}

	start := time.Now()
	for i := range p.Messages {
		_, err := store.Enqueue(ctx, st, store.OutMessage{
			ChatID:    ids[i%p.Chats],
			DedupeKey: fmt.Sprintf("bench:zalo:%g:%d", p.LaneRate, i),
			Kind:      "notice",
			Payload:   zaloPayload,
			NotBefore: time.Now(),
		})
		if err != nil {
			return res, err
		}
	}
	res.Enqueue = time.Since(start)

	wctx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan error, 1)
	start = time.Now()
	go func() { done <- lane.Run(wctx) }()
	limit := time.Duration(float64(p.Messages)/p.LaneRate*float64(time.Second)) + 2*time.Minute
	wait, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	for {
		var pending int
		if err := st.DB().GetContext(ctx, &pending, `SELECT count(*) FROM outbox WHERE channel = 'zalo' AND status = 'pending'`); err != nil {
			return res, err
		}
		if pending == 0 {
			break
		}
		if wait.Err() != nil {
			return res, fmt.Errorf("zalo delivery: %d rows still pending after %s (%d accepted, %d × 429)",
				pending, limit, len(fake.Sent()), fake.TooManyRequestsCount())
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	if err := <-done; err != nil {
		return res, err
	}

	sent := fake.Sent()
	res.Accepted = len(sent)
	if len(sent) == 0 {
		return res, fmt.Errorf("zalo delivery: nothing accepted")
	}
	first, last := time.UnixMilli(sent[0].Date), time.UnixMilli(sent[0].Date)
	lastTo := make(map[string]time.Time)
	res.MinChatGap = -1
	for _, m := range sent {
		at := time.UnixMilli(m.Date)
		first, last = minTime(first, at), maxTime(last, at)
		if prev, ok := lastTo[m.ChatID]; ok {
			if gap := at.Sub(prev); res.MinChatGap < 0 || gap < res.MinChatGap {
				res.MinChatGap = gap
			}
		}
		lastTo[m.ChatID] = at
	}
	res.ToLast = last.Sub(start)
	res.Span = last.Sub(first)
	if res.Span > 0 {
		res.Achieved = float64(len(sent)-1) / res.Span.Seconds()
	}
	burst := max(1, int(p.LaneRate))
	res.Ideal = time.Duration(float64(max(0, p.Messages-burst)) / p.LaneRate * float64(time.Second))
	res.TooMany = fake.TooManyRequestsCount()
	res.Retried = lane.Stats().Snapshot().Retried
	if err := st.DB().GetContext(ctx, &res.Dead, `
		SELECT count(*) FROM outbox WHERE channel = 'zalo' AND status = 'dead' AND starts_with(dedupe_key, $1)`,
		fmt.Sprintf("bench:zalo:%g:", p.LaneRate)); err != nil {
		return res, err
	}
	res.Elapsed = time.Since(begin)
	return res, nil
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// Markers of the Zalo section of the report file, which `-zalo` rewrites
// and the full run keeps (it lies after keptMarker).
const (
	zaloBegin = "<!-- bench:zalo:begin -->"
	zaloEnd   = "<!-- bench:zalo:end -->"
)

// zaloMarkdown renders the Zalo section: the run at the product's
// default and the run with a margin below the fake's quota.
func zaloMarkdown(runs []zaloResult, m machine, server, load0, load1 string, args []string, elapsed time.Duration) string {
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	r0 := runs[0]
	w("## Zalo delivery\n\n")
	w("Written by `go run ./tools/bench%s` on %s in %s (%s; %d cores; %s; PostgreSQL: %s; load average %s at the start, %s at the end); `make bench` keeps it.\n\n",
		argString(args), time.Now().UTC().Format("2006-01-02 15:04 UTC"), elapsed.Round(time.Second), m.CPU, m.Cores, m.Go, server, load0, load1)
	w("`delivery.Lane` → `zalo.Sender` → `zalo.Client` → `zalotest` over HTTP on 127.0.0.1, on real PostgreSQL. ")
	w("The fake enforces the product's pace as a quota: past %g messages a second across chats (a token bucket holding one second's worth, full at the start) or a second message to a chat within %s, it answers 429 \"Quota exceeded\" (`zalotest.WithRateLimit(%g, %s)`). ",
		r0.Rate, r0.ChatEvery, r0.Rate, r0.ChatEvery)
	w("The lane is built as serve builds it from zalo.rate_per_second (`delivery.NewLane(st, zalo.NewSender(…), clock, log, delivery.Options{RatePerSecond: zalo.LaneRate(rate)})`, 2 %% below the configured rate, the sender's %s per chat); one getMe first, so that the connection is open before the first message. The second run sets the lane at the quota itself, to show why it keeps the margin. ", r0.ChatEvery)
	w("The one-part reminders go to Zalo chats whose surrogate ids `store.ZaloChats` issued (≥ 2^62), each enqueued with `store.Enqueue` in its own transaction, all pending before the lane starts.\n\n")
	w("| zalo.rate_per_second (lane) | messages / chats | to the last accepted | least the rate allows | achieved rate, first to last accepted | 429 answers (must be 0) | accepted; dead; retried | shortest gap to one chat |\n|---|---|---|---|---|---|---|---|\n")
	for _, r := range runs {
		mark := "pass"
		if r.TooMany != 0 || r.Dead != 0 || r.Accepted != r.Messages {
			mark = "**miss**"
		}
		w("| %g | %d / %d | %s | %s | **%.2f/s** (%.3f of the quota) | **%d** (%s) | %d; %d; %d | %s |\n",
			r.LaneRate, r.Messages, r.Chats, r.ToLast.Round(time.Millisecond), r.Ideal.Round(time.Millisecond),
			r.Achieved, r.Achieved/r.Rate, r.TooMany, mark, r.Accepted, r.Dead, r.Retried, r.MinChatGap)
	}
	w("\n\"Least the rate allows\" is the messages less the lane's burst of a second's worth, at the lane's rate; the achieved rate counts that burst, so it can exceed the lane's rate a little. A chat's messages are 200 (then 100) messages apart, 40 s and more: a shortest gap near 1 s is a message held after a 429 and sent next to the chat's following one. ")
	w("At a rate equal to the quota the two token buckets are in step, and a request that reaches the fake a little sooner after the previous one than the lane's limiter released them (the jitter of the round trip: microseconds) finds less than a whole token: a 429. The lane then holds that chat for zalo's RetryAfter (60 s, the platform gives no retry-after) without counting an attempt (the first 5 are free), and the fake's bucket keeps the token the refused message did not take, so the rest of the run has that much margin. A lane a little below the quota (the Telegram lane runs at 29/s for Telegram's 30) leaves the margin from the start: serve's Zalo lane runs at `zalo.LaneRate`, 2 %% below zalo.rate_per_second.\n\n")
	w("Reproduce: `go run ./tools/bench -zalo` (a throwaway PostgreSQL; `-url` or TEST_DATABASE_URL for an existing server; `-zalo-messages`, `-zalo-chats` size the first run, the second is half of it). It rewrites this section only, between its markers.\n")
	return b.String()
}

// writeSection puts section between the markers begin and end of the
// report file at path (a section a run of its own rewrites), at the top of
// the kept part when they are missing.
func writeSection(path, begin, end, section string) error {
	old, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	s := string(old)
	block := begin + "\n" + section + end
	i, j := strings.Index(s, begin), strings.Index(s, end)
	switch {
	case i >= 0 && j > i:
		s = s[:i] + block + s[j+len(end):]
	case !strings.Contains(s, keptMarker):
		s = strings.TrimRight(s, "\n") + "\n\n" + keptMarker + " everything below this line is written by hand and kept by make bench -->\n\n" + block + "\n"
	default:
		// At the top of the kept part, after the marker's line.
		k := strings.Index(s, keptMarker)
		end := strings.Index(s[k:], "\n")
		if end < 0 {
			s += "\n"
			end = len(s) - k - 1
		}
		at := k + end + 1
		s = s[:at] + "\n" + block + "\n" + s[at:]
	}
	return os.WriteFile(path, []byte(s), 0o644)
}

// runZalo is the -zalo run: the Zalo delivery measurement on a fresh
// database bench_zalo, with the lane at the rate serve derives from the
// default zalo.rate_per_second (zalo.LaneRate, 2 % below the quota) and
// then at the quota itself, for comparison, written into its section of the report file at out. It fails when a
// message is lost or dead; 429 answers are reported, not failed.
func runZalo(ctx context.Context, open func(string) (*store.Store, error), out string, p zaloParams, rep *reportDoc, log *slog.Logger) error {
	started := time.Now()
	st, err := open("bench_zalo")
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.DB().GetContext(ctx, &rep.Machine.Postgres, `SELECT version()`); err != nil {
		return err
	}
	margin := p
	margin.LaneRate = p.Rate // at the quota itself, for comparison
	margin.Messages, margin.Chats = max(1, p.Messages/2), max(1, p.Chats/2)
	var runs []zaloResult
	for _, q := range []zaloParams{p, margin} {
		log.Info("measuring Zalo delivery", "messages", q.Messages, "chats", q.Chats, "quota", q.Rate, "lane", q.LaneRate)
		res, err := measureZalo(ctx, st, q)
		if err != nil {
			return err
		}
		log.Info("measured Zalo delivery", "to_last", res.ToLast, "achieved", res.Achieved, "429", res.TooMany,
			"accepted", res.Accepted, "dead", res.Dead, "retried", res.Retried, "min_chat_gap", res.MinChatGap)
		if res.Dead != 0 || res.Accepted < res.Messages {
			return fmt.Errorf("zalo delivery: %d dead, %d accepted of %d", res.Dead, res.Accepted, res.Messages)
		}
		runs = append(runs, res)
	}
	pg := rep.Machine.Postgres
	if f := strings.Fields(pg); len(f) >= 2 {
		pg = f[0] + " " + f[1]
	}
	section := zaloMarkdown(runs, rep.Machine, pg+", "+rep.Server, rep.Load0, loadAvg(), rep.Args, time.Since(started))
	if err := writeSection(out, zaloBegin, zaloEnd, section); err != nil {
		return err
	}
	log.Info("wrote the Zalo section of "+out, "elapsed", time.Since(started).Round(time.Second))
	return nil
}

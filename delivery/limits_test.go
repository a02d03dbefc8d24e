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
)

// throttledGroup is a group chat Telegram answers 429 in these tests.
const throttledGroup = -1001000000001

// sentMatching counts the messages the fake received whose text starts
// with prefix.
func sentMatching(srv *telegramtest.Server, prefix string) int {
	n := 0
	for _, m := range srv.Sent() {
		if strings.HasPrefix(m.Text, prefix) {
			n++
		}
	}
	return n
}

// TestTooManyRequestsHoldsBackThatChatOnly is the scenario at small
// scale: a group answers every message 429 retry_after 3 with 5 replies
// queued to it, and 40 reminders go to 20 other chats. The reminders go
// out at once, without waiting for the group (the worker used to pause
// every send for retry_after after each 429: 3 s per 429, 15 s for the
// issue's 5); the group is not tried again before retry_after has passed
// on the service's clock, its first 5 consecutive 429s do not count as
// attempts and the later ones do, until its head message is dead; when the
// group heals, its other replies arrive in order and its backoff is
// cleared.
func TestTooManyRequestsHoldsBackThatChatOnly(t *testing.T) {
	st := storetest.New(t)
	srv := telegramtest.New()
	defer srv.Close()
	f := newFixture(t, st, 20)
	srv.SetFault(func(c telegramtest.Call) *telegramtest.Fault {
		if c.ChatID == throttledGroup {
			f := telegramtest.TooManyRequests(3)
			return &f
		}
		return nil
	})
	for i := range 5 {
		enqueue(t, st, store.OutMessage{ChatID: throttledGroup, DedupeKey: fmt.Sprintf("reply:%d", i), Kind: "reply",
			Payload: store.Payload{Text: fmt.Sprintf("Đã ghi nhận %d", i)}})
	}
	for j := range 2 {
		for i, chat := range f.chats {
			official := f.members[i]
			enqueue(t, st, store.OutMessage{UnitID: &f.unit, OfficialID: &official, ChatID: chat,
				DedupeKey: fmt.Sprintf("remind:%d:%d", chat, j), Kind: "reminder",
				Payload: store.Payload{Text: fmt.Sprintf("Nhắc việc %d/%d", chat, j)}})
		}
	}
	clk := clock.NewFake(t0)
	opts := fastOptions()
	opts.GroupChatInterval = 5 * time.Millisecond
	w := delivery.NewLane(st, newSender(t, srv), clk, discard(), opts)

	// The reminders, on the service clock's one instant: a worker that
	// paused every send for the group's retry_after (3 s of wall time per
	// 429) cannot deliver them within 2.5 s.
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 2500*time.Millisecond)
	defer cancel()
	for sentMatching(srv, "Nhắc việc") < 2*len(f.chats) && ctx.Err() == nil {
		if _, err := w.DrainOnce(ctx); err != nil && ctx.Err() == nil {
			t.Fatal(err)
		}
		time.Sleep(10 * time.Millisecond) // the per-chat interval
	}
	elapsed := time.Since(start)
	t.Logf("40 reminders to 20 chats delivered in %v beside a group answering 429", elapsed)
	if got := sentMatching(srv, "Nhắc việc"); got != 2*len(f.chats) {
		t.Fatalf("%d of %d reminders delivered in %v: the group's 429 held back the other chats", got, 2*len(f.chats), elapsed)
	}
	for _, chat := range f.chats {
		sent := srv.SentTo(chat)
		if len(sent) != 2 || sent[0].Text != fmt.Sprintf("Nhắc việc %d/0", chat) || sent[1].Text != fmt.Sprintf("Nhắc việc %d/1", chat) {
			t.Errorf("chat %d got %v", chat, sent)
		}
	}
	groupCalls := func() int {
		n := 0
		for _, c := range srv.CallLog() {
			if c.Method == "sendMessage" && c.ChatID == throttledGroup {
				n++
			}
		}
		return n
	}
	if n := groupCalls(); n != 1 {
		t.Fatalf("%d sends to the group before its retry_after passed, want 1", n)
	}
	head := rowByKey(t, st, "reply:0")
	if head.Status != store.OutboxPending || head.Attempts != 0 || !head.NextAttemptAt.Equal(t0.Add(3*time.Second)) {
		t.Fatalf("the group's first reply after one 429: %+v; want pending, no attempt counted, due at +3 s", head)
	}

	// retry_after on the service clock: 2 s later the group still waits,
	// replies included; 3 s later it is tried again.
	clk.Advance(2 * time.Second)
	if _, err := w.DrainOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := groupCalls(); n != 1 {
		t.Fatalf("the group was tried again %v after a 429 retry_after 3", 2*time.Second)
	}
	// Consecutive 429s 2 to 5 are free, the 6th and later count, and the
	// head reply is dead at MaxAttempts (4): 9 429s in all.
	for want := 2; want <= 5+opts.MaxAttempts; want++ {
		clk.Advance(opts.MaxBackoff + time.Second) // past retry_after and any backoff
		time.Sleep(10 * time.Millisecond)
		if _, err := w.DrainOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		if n := groupCalls(); n != want {
			t.Fatalf("after %d steps: %d sends to the group", want, n)
		}
		r := rowByKey(t, st, "reply:0")
		wantAttempts := max(0, want-5) // FreeTooMany's default
		if r.Attempts != wantAttempts {
			t.Fatalf("after %d consecutive 429s the head reply has %d attempts, want %d", want, r.Attempts, wantAttempts)
		}
		if want < 5+opts.MaxAttempts && r.Status != store.OutboxPending {
			t.Fatalf("after %d consecutive 429s the head reply is %s", want, r.Status)
		}
	}
	head = rowByKey(t, st, "reply:0")
	if head.Status != store.OutboxDead || !strings.Contains(head.LastError, "Too Many Requests") || head.Attempts != opts.MaxAttempts {
		t.Fatalf("head reply after %d 429s: %s, %d attempts, %q; want dead after %d attempts with the 429 kept",
			5+opts.MaxAttempts, head.Status, head.Attempts, head.LastError, opts.MaxAttempts)
	}

	// The group heals: its other replies arrive, in order, and its
	// backoff is gone.
	srv.SetFault(nil)
	drain(t, st, w, clk, opts.MaxBackoff+time.Second)
	var texts []string
	for _, m := range srv.SentTo(throttledGroup) {
		texts = append(texts, m.Text)
	}
	if strings.Join(texts, "|") != "Đã ghi nhận 1|Đã ghi nhận 2|Đã ghi nhận 3|Đã ghi nhận 4" {
		t.Fatalf("the group got %q", texts)
	}
	var held int
	if err := st.DB().GetContext(context.Background(), &held, `SELECT count(*) FROM chat_backoff`); err != nil {
		t.Fatal(err)
	}
	if held != 0 {
		t.Fatalf("%d chats still backed off after delivering to them", held)
	}
	if s := w.Stats().Snapshot(); s.TooManyRequests != int64(5+opts.MaxAttempts) || s.Dead != 1 {
		t.Fatalf("stats %+v; want %d 429s, 1 dead", s, 5+opts.MaxAttempts)
	}
}

// TestTooManyRequestsBackoffSharedByWorkers: a 429 holds its chat back in
// the database, so a second worker (another replica, or serve after a
// restart) does not send to the chat before retry_after either, not even
// a reply enqueued meanwhile, which would otherwise go first.
func TestTooManyRequestsBackoffSharedByWorkers(t *testing.T) {
	st := storetest.New(t)
	srv := telegramtest.New()
	defer srv.Close()
	f := newFixture(t, st, 1)
	chat := f.chats[0]
	srv.FailNext("sendMessage", 1, telegramtest.TooManyRequests(30))
	enqueue(t, st, store.OutMessage{ChatID: chat, DedupeKey: "nag", Kind: "nag", Payload: store.Payload{Text: "Nhắc việc quá hạn"}})
	clk := clock.NewFake(t0)
	first := delivery.NewLane(st, newSender(t, srv), clk, discard(), fastOptions())
	if _, err := first.DrainOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	enqueue(t, st, store.OutMessage{ChatID: chat, DedupeKey: "reply", Kind: "reply", Payload: store.Payload{Text: "Đã ghi nhận"}})
	second := delivery.NewLane(st, newSender(t, srv), clk, discard(), fastOptions())
	clk.Advance(29 * time.Second)
	if n, err := second.DrainOnce(context.Background()); n != 0 || err != nil {
		t.Fatalf("second worker sent %d (%v) to a chat within its retry_after", n, err)
	}
	clk.Advance(time.Second)
	drain(t, st, second, clk, time.Second)
	sent := srv.SentTo(chat)
	if len(sent) != 2 || sent[0].Text != "Đã ghi nhận" || sent[1].Text != "Nhắc việc quá hạn" {
		t.Fatalf("after retry_after the chat got %v; want the reply, then the nag", sent)
	}
}

// TestGroupChatsPacedAt20PerMinute: by default a group chat (negative id)
// gets one message per 3 s (Telegram's 20 a minute) while private chats
// go on; scaled down against a fake Telegram that enforces the group
// limit, the worker's pacing draws no 429.
func TestGroupChatsPacedAt20PerMinute(t *testing.T) {
	t.Run("default 3 s", func(t *testing.T) {
		st := storetest.New(t)
		srv := telegramtest.New()
		defer srv.Close()
		const group = -1001000000002
		for i := range 2 {
			enqueue(t, st, store.OutMessage{ChatID: group, DedupeKey: fmt.Sprintf("g%d", i), Kind: "digest", Payload: store.Payload{Text: fmt.Sprintf("nhóm %d", i)}})
			enqueue(t, st, store.OutMessage{ChatID: 7001, DedupeKey: fmt.Sprintf("p%d", i), Kind: "digest", Payload: store.Payload{Text: fmt.Sprintf("riêng %d", i)}})
		}
		opts := fastOptions() // 5 ms per private chat; the group's interval left to its default
		w := delivery.NewLane(st, newSender(t, srv), clock.NewFake(t0), discard(), opts)
		for range 3 {
			if _, err := w.DrainOnce(context.Background()); err != nil {
				t.Fatal(err)
			}
			time.Sleep(20 * time.Millisecond)
		}
		if n := len(srv.SentTo(7001)); n != 2 {
			t.Fatalf("private chat got %d, want 2", n)
		}
		if n := len(srv.SentTo(group)); n != 1 {
			t.Fatalf("the group got %d messages within 60 ms, want 1 (20 a minute)", n)
		}
	})
	t.Run("scaled against the fake's group limit", func(t *testing.T) {
		st := storetest.New(t)
		// 600 a minute: one per 100 ms, as 20 a minute is one per 3 s.
		srv := telegramtest.New(telegramtest.WithGroupRateLimit(600))
		defer srv.Close()
		const group = -1001000000003
		for i := range 5 {
			enqueue(t, st, store.OutMessage{ChatID: group, DedupeKey: fmt.Sprintf("g%d", i), Kind: "digest", Payload: store.Payload{Text: fmt.Sprintf("nhóm %d", i)}})
			enqueue(t, st, store.OutMessage{ChatID: int64(7001 + i), DedupeKey: fmt.Sprintf("p%d", i), Kind: "digest", Payload: store.Payload{Text: fmt.Sprintf("riêng %d", i)}})
		}
		opts := fastOptions()
		opts.GroupChatInterval = 100 * time.Millisecond
		clk := clock.NewFake(t0)
		w := delivery.NewLane(st, newSender(t, srv), clk, discard(), opts)
		drain(t, st, w, clk, 0)
		if n := srv.TooManyRequestsCount(); n != 0 {
			t.Fatalf("%d 429 answers: the group was not paced", n)
		}
		var prev time.Time
		for _, c := range srv.CallLog() {
			if c.Method != "sendMessage" || c.ChatID != group {
				continue
			}
			if !prev.IsZero() && c.Time.Sub(prev) < 100*time.Millisecond {
				t.Errorf("two messages to the group %v apart", c.Time.Sub(prev))
			}
			prev = c.Time
		}
		if n := len(srv.SentTo(group)); n != 5 {
			t.Fatalf("the group got %d, want 5", n)
		}
	})
}

// TestScheduledShareUnderReplyFlood: 25 chats flooding replies (8 each)
// cannot hold back the reminders to 20 other chats: each claim of 25
// leaves at least a quarter (7 rows) to them, so they are all out within
// 3 claims while replies still arrive first in every batch.
func TestScheduledShareUnderReplyFlood(t *testing.T) {
	st := storetest.New(t)
	srv := telegramtest.New()
	defer srv.Close()
	for j := range 8 {
		for c := range 25 {
			enqueue(t, st, store.OutMessage{ChatID: int64(8000 + c), DedupeKey: fmt.Sprintf("reply:%d:%d", c, j), Kind: "reply",
				Payload: store.Payload{Text: fmt.Sprintf("Trả lời %d/%d", c, j)}})
		}
	}
	for c := range 20 {
		enqueue(t, st, store.OutMessage{ChatID: int64(9000 + c), DedupeKey: fmt.Sprintf("remind:%d", c), Kind: "reminder",
			Payload: store.Payload{Text: fmt.Sprintf("Nhắc việc %d", c)}})
	}
	opts := fastOptions() // Batch 25, ScheduledShare 0.25 by default
	w := delivery.NewLane(st, newSender(t, srv), clock.NewFake(t0), discard(), opts)
	var afterClaim []int
	for range 3 {
		if _, err := w.DrainOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		afterClaim = append(afterClaim, sentMatching(srv, "Nhắc việc"))
		time.Sleep(10 * time.Millisecond) // the per-chat interval
	}
	if afterClaim[0] < 7 || afterClaim[2] != 20 {
		t.Fatalf("reminders delivered after each of 3 claims: %v; want at least 7 after the first and all 20 after the third", afterClaim)
	}
	if n := sentMatching(srv, "Trả lời"); n < 3*18 {
		t.Fatalf("only %d replies sent in 3 claims, want at least 3 × 18", n)
	}
	// Within the first batch the replies went first.
	sent := srv.Sent()
	if !strings.HasPrefix(sent[0].Text, "Trả lời") {
		t.Fatalf("first message of the batch %q, want a reply", sent[0].Text)
	}
	t.Logf("reminders delivered after each claim: %v", afterClaim)
}

package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/store/storetest"
)

// TestClaimOutboxSharing: while scheduled messages wait, at most maxReplies
// of a claim are replies; replies fill the claim when fewer scheduled
// messages are ready, and still come first in it.
func TestClaimOutboxSharing(t *testing.T) {
	tests := []struct {
		name                   string
		replies, scheduled     int // chats with one pending message of each kind
		limit, maxReplies      int
		wantReplies, wantSched int
	}{
		{"flood of replies leaves the share", 30, 30, 10, 7, 7, 3},
		{"replies fill what scheduled cannot", 30, 2, 10, 7, 8, 2},
		{"no scheduled: replies take all", 30, 0, 10, 7, 10, 0},
		{"few replies: scheduled take the rest", 3, 30, 10, 7, 3, 7},
		{"maxReplies = limit: replies always first", 30, 30, 10, 10, 10, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := storetest.New(t)
			ctx := context.Background()
			for i := range tt.scheduled {
				enqueue(t, st, store.OutMessage{ChatID: int64(2000 + i), DedupeKey: fmt.Sprintf("nag%d", i), Kind: "nag",
					Payload: store.Payload{Text: "Nhắc việc quá hạn"}, NotBefore: t0})
			}
			for i := range tt.replies {
				enqueue(t, st, store.OutMessage{ChatID: int64(1000 + i), DedupeKey: fmt.Sprintf("reply%d", i), Kind: "reply",
					Payload: store.Payload{Text: "✅ Đã ghi nhận"}, NotBefore: t0})
			}
			rows, err := st.ClaimOutboxSharing(ctx, store.ChannelTelegram, t0, time.Minute, tt.limit, tt.maxReplies, nil)
			if err != nil {
				t.Fatal(err)
			}
			var replies, sched int
			for i, r := range rows {
				if r.Priority == store.PriorityReply {
					replies++
					if sched > 0 {
						t.Errorf("reply at position %d after a scheduled message", i)
					}
				} else {
					sched++
				}
			}
			if replies != tt.wantReplies || sched != tt.wantSched {
				t.Fatalf("claimed %d replies and %d scheduled, want %d and %d", replies, sched, tt.wantReplies, tt.wantSched)
			}
			// The rows considered but not picked are not leased.
			again, err := st.ClaimOutboxSharing(ctx, store.ChannelTelegram, t0, time.Minute, 100, 100, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(again)+len(rows) != tt.replies+tt.scheduled {
				t.Fatalf("second claim took %d, first %d, of %d", len(again), len(rows), tt.replies+tt.scheduled)
			}
		})
	}
}

// TestRecordTooManyRequests: a 429 holds back its chat (replies included)
// until retry_after, not other chats; the first Free consecutive 429s do
// not count as attempts, later ones do and wait the longer backoff, the
// row dies at MaxAttempts; a delivery to the chat clears the backoff.
func TestRecordTooManyRequests(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	const chat, other = 100, 200
	enqueue(t, st, store.OutMessage{ChatID: chat, DedupeKey: "a", Kind: "notice", Payload: store.Payload{Text: "a"}, NotBefore: t0})
	enqueue(t, st, store.OutMessage{ChatID: other, DedupeKey: "b", Kind: "notice", Payload: store.Payload{Text: "b"}, NotBefore: t0})
	claim := func(now time.Time) map[string]store.OutboxRow {
		t.Helper()
		rows, err := st.ClaimOutbox(ctx, store.ChannelTelegram, now, time.Second, 10, nil)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]store.OutboxRow{}
		for _, r := range rows {
			got[r.DedupeKey] = r
		}
		return got
	}
	tooMany := func(r store.OutboxRow, now time.Time) store.TooManyOutcome {
		t.Helper()
		out, err := st.RecordTooManyRequests(ctx, store.TooMany{ID: r.ID, ChatID: r.ChatID, Now: now, RetryAfter: 3 * time.Second,
			Free: 2, Backoff: 10 * time.Second, MaxAttempts: 2, Error: "429 Too Many Requests"})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	now := t0
	got := claim(now)
	out := tooMany(got["a"], now)
	if out.Consecutive != 1 || out.Counted || out.Dead || !out.NotBefore.Equal(now.Add(3*time.Second)) {
		t.Fatalf("first 429: %+v", out)
	}
	// A reply to the held chat is not claimed before retry_after either.
	enqueue(t, st, store.OutMessage{ChatID: chat, DedupeKey: "reply", Kind: "reply", Payload: store.Payload{Text: "r"}, NotBefore: now})
	now = now.Add(2 * time.Second) // the other chat's lease (1 s) ran out
	got = claim(now)
	if _, ok := got["b"]; !ok || len(got) != 1 {
		t.Fatalf("claim within retry_after: %v; want only the other chat", got)
	}
	if err := st.MarkOutboxSent(ctx, got["b"].ID, 1, now); err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Second)
	got = claim(now)
	r, ok := got["reply"]
	if !ok {
		t.Fatalf("claim after retry_after: %v; want the held chat's reply", got)
	}
	if out := tooMany(r, now); out.Consecutive != 2 || out.Counted {
		t.Fatalf("second 429: %+v; want 2 consecutive, not counted", out)
	}
	now = now.Add(3 * time.Second)
	r = claim(now)["reply"]
	out = tooMany(r, now)
	if out.Consecutive != 3 || !out.Counted || out.Dead || !out.NotBefore.Equal(now.Add(10*time.Second)) {
		t.Fatalf("third 429: %+v; want counted, backoff 10 s", out)
	}
	now = now.Add(9 * time.Second)
	if got := claim(now); len(got) != 0 {
		t.Fatalf("claimed %v within the backoff", got)
	}
	now = now.Add(time.Second)
	r = claim(now)["reply"]
	if r.Attempts != 2 {
		t.Fatalf("reply claimed with %d attempts, want 2", r.Attempts)
	}
	if out := tooMany(r, now); !out.Dead {
		t.Fatalf("fourth 429 at MaxAttempts: %+v; want dead", out)
	}
	// The chat's next message waits out the backoff, then its delivery
	// clears it.
	now = now.Add(10 * time.Second)
	r = claim(now)["a"]
	if r.ID == 0 {
		t.Fatal("the held chat's next message not claimed after the backoff")
	}
	if err := st.MarkOutboxSentMany(ctx, []store.Delivered{{ID: r.ID, MessageID: 9}}, now); err != nil {
		t.Fatal(err)
	}
	var held int
	if err := st.DB().GetContext(ctx, &held, `SELECT count(*) FROM chat_backoff`); err != nil {
		t.Fatal(err)
	}
	if held != 0 {
		t.Fatalf("%d chats backed off after a delivery", held)
	}
}

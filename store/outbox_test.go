package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/store/storetest"
)

func TestEnqueueMany(t *testing.T) {
	s := storetest.New(t)
	f := newFixture(t, s)
	ctx := t.Context()

	listener := pq.NewListener(s.URL(), 10*time.Millisecond, time.Second, nil)
	t.Cleanup(func() { listener.Close() })
	if err := listener.Listen(store.OutboxChannel); err != nil {
		t.Fatal(err)
	}

	msg := func(key string) store.OutMessage {
		return store.OutMessage{
			UnitID:       &f.unit,
			OfficialID:   &f.member,
			ChatID:       1001,
			DedupeKey:    key,
			Kind:         "reminder",
			OccurrenceID: &f.occurrence,
			Payload: store.Payload{
				Text:    "Nhắc việc: <b>Rà soát, đề xuất cắt giảm, đơn giản hóa TTHC</b> — " + key,
				Buttons: [][]store.Button{{{Text: "✅ Hoàn thành", Data: "d:1"}}},
			},
			NotBefore: f.now,
		}
	}
	// More rows than one statement takes, to cross a chunk boundary.
	var many []store.OutMessage
	for i := range 2500 {
		many = append(many, msg(fmt.Sprintf("many:%04d", i)))
	}
	notice := store.OutMessage{ChatID: 1002, DedupeKey: "notice:1", Kind: "notice",
		Payload: store.Payload{Text: "Thông báo"}, NotBefore: f.now}

	tests := []struct {
		name string
		msgs []store.OutMessage
		want int
	}{
		{"none", nil, 0},
		{"two", []store.OutMessage{msg("a"), msg("b")}, 2},
		{"one known, one new, one repeated in the batch", []store.OutMessage{msg("b"), msg("c"), msg("c")}, 1},
		{"no unit, official or occurrence", []store.OutMessage{notice}, 1},
		{"across chunks", many, len(many)},
		{"all known", many[:3], 0},
	}
	for _, tt := range tests {
		var n int
		err := s.Tx(ctx, func(tx *store.Tx) error {
			var err error
			n, err = store.EnqueueMany(ctx, tx, tt.msgs)
			return err
		})
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if n != tt.want {
			t.Errorf("%s: EnqueueMany = %d; want %d", tt.name, n, tt.want)
		}
	}

	var got []struct {
		DedupeKey    string    `db:"dedupe_key"`
		UnitID       *int64    `db:"unit_id"`
		OccurrenceID *int64    `db:"occurrence_id"`
		Text         string    `db:"text"`
		Status       string    `db:"status"`
		NextAttempt  time.Time `db:"next_attempt_at"`
	}
	err := s.DB().SelectContext(ctx, &got, `
		SELECT dedupe_key, unit_id, occurrence_id, payload->>'text' AS text, status, next_attempt_at
		FROM outbox ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4+len(many) {
		t.Fatalf("%d outbox rows; want %d", len(got), 4+len(many))
	}
	wantKeys := append([]string{"a", "b", "c", "notice:1"}, func() []string {
		var keys []string
		for _, m := range many {
			keys = append(keys, m.DedupeKey)
		}
		return keys
	}()...)
	for i, r := range got {
		if r.DedupeKey != wantKeys[i] {
			t.Fatalf("row %d is %q; want %q (rows in the order given)", i, r.DedupeKey, wantKeys[i])
		}
	}
	a := got[0]
	if a.UnitID == nil || *a.UnitID != f.unit || a.OccurrenceID == nil || *a.OccurrenceID != f.occurrence ||
		a.Text != msg("a").Payload.Text || a.Status != "pending" || !a.NextAttempt.Equal(f.now) {
		t.Errorf("row a = %+v; want the message's unit, occurrence, text, pending, due at %s", a, f.now)
	}
	if n := got[3]; n.UnitID != nil || n.OccurrenceID != nil {
		t.Errorf("notice row = %+v; want NULL unit and occurrence", n)
	}

	select {
	case n := <-listener.Notify:
		if n == nil || n.Channel != store.OutboxChannel {
			t.Errorf("notification %+v; want one on %s", n, store.OutboxChannel)
		}
	case <-time.After(10 * time.Second):
		t.Error("no notification on the outbox channel after a committed EnqueueMany")
	}

	if _, err := store.EnqueueMany(ctx, s, []store.OutMessage{msg("d"), {ChatID: 1, Kind: "notice"}}); err == nil {
		t.Error("EnqueueMany accepted an empty dedupe key")
	}
}

func TestMarkOutboxSentMany(t *testing.T) {
	s := storetest.New(t)
	f := newFixture(t, s)
	ctx := t.Context()
	for _, key := range []string{"a", "b", "c"} {
		if _, err := store.Enqueue(ctx, s, store.OutMessage{ChatID: 1001, DedupeKey: key, Kind: "notice",
			Payload: store.Payload{Text: key}, NotBefore: f.now}); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := s.OutboxRows(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	sentAt := f.now.Add(time.Minute)
	// a and b were delivered; b is marked twice (the second changes nothing).
	err = s.MarkOutboxSentMany(ctx, []store.Delivered{{ID: rows[0].ID, MessageID: 11}, {ID: rows[1].ID, MessageID: 12}}, sentAt)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.MarkOutboxSentMany(ctx, []store.Delivered{{ID: rows[1].ID, MessageID: 99}}, sentAt.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkOutboxSentMany(ctx, nil, sentAt); err != nil {
		t.Fatal(err)
	}
	rows, err = s.OutboxRows(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		key    string
		status string
		msgID  int64
	}{
		{"a", store.OutboxSent, 11},
		{"b", store.OutboxSent, 12},
		{"c", store.OutboxPending, 0},
	}
	for i, tt := range tests {
		r := rows[i]
		var msgID int64
		if r.TelegramMessageID != nil {
			msgID = *r.TelegramMessageID
		}
		if r.DedupeKey != tt.key || r.Status != tt.status || msgID != tt.msgID {
			t.Errorf("row %s: status %s, message %d; want %s, %d", r.DedupeKey, r.Status, msgID, tt.status, tt.msgID)
		}
		if tt.status == store.OutboxSent && (r.SentAt == nil || !r.SentAt.Equal(sentAt)) {
			t.Errorf("row %s: sent at %v; want %s", r.DedupeKey, r.SentAt, sentAt)
		}
	}
}

// TestEnqueueManyRanksMessagesPerChat: each message is ranked among the
// call's messages to its chat, so that the claim takes every chat's first
// message before any chat's second.
func TestEnqueueManyRanksMessagesPerChat(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	var msgs []store.OutMessage
	for i, chat := range []int64{7, 7, 8, 7, 9, 8} {
		msgs = append(msgs, store.OutMessage{ChatID: chat, DedupeKey: fmt.Sprintf("nag:%d", i), Kind: "nag",
			Payload: store.Payload{Text: "Nhắc việc quá hạn"}, NotBefore: time.Date(2025, 3, 10, 8, 0, 0, 0, time.UTC)})
	}
	if _, err := store.EnqueueMany(ctx, st, msgs); err != nil {
		t.Fatal(err)
	}
	var got []string
	if err := st.DB().SelectContext(ctx, &got, `
		SELECT chat_id || ':' || chat_rank FROM outbox ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	want := []string{"7:0", "7:1", "8:0", "7:2", "9:0", "8:1"}
	if !slices.Equal(got, want) {
		t.Errorf("chat:rank = %v, want %v", got, want)
	}
	// The claim goes by rank: the first message of each chat.
	rows, err := st.ClaimOutbox(ctx, store.ChannelTelegram, time.Date(2025, 3, 10, 8, 0, 0, 0, time.UTC), time.Minute, 10, nil)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, r := range rows {
		keys = append(keys, r.DedupeKey)
	}
	if !slices.Equal(keys, []string{"nag:0", "nag:2", "nag:4"}) {
		t.Errorf("claimed %v, want the first message of chats 7, 8 and 9", keys)
	}
}

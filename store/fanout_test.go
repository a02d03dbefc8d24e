package store_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/store/storetest"
)

// TestEnqueueManyIndexed checks the fan-out's enqueue against EnqueueMany's
// contract: rows in the order given, known and repeated dedupe keys
// skipped (the indexes returned are those of the rows inserted), payloads
// stored as given (HTML, line breaks, quotes, non-ASCII), instants to the
// microsecond, ranks per chat, NULL for absent ids, a notification per
// channel; and the bot: a Telegram row's is its official's, any other
// row's the default one.
func TestEnqueueManyIndexed(t *testing.T) {
	s := storetest.New(t)
	f := newFixture(t, s)
	ctx := t.Context()
	if _, err := s.DB().ExecContext(ctx, `UPDATE officials SET telegram_bot = 'bot-b' WHERE id = $1`, f.member); err != nil {
		t.Fatal(err)
	}

	listener := pq.NewListener(s.URL(), 10*time.Millisecond, time.Second, nil)
	t.Cleanup(func() { listener.Close() })
	if err := listener.Listen(store.OutboxChannel); err != nil {
		t.Fatal(err)
	}

	at := time.Date(2025, 3, 14, 8, 0, 0, 123456000, time.UTC)
	payload := store.Payload{
		Text:    "<b>Nhắc việc: còn 3 ngày</b>\nNhiệm vụ: \"Rà soát\" & <i>cắt giảm</i> \\ TTHC\t✅",
		Buttons: [][]store.Button{{{Text: "25%", Data: "p:1:25"}, {Text: "✅ Hoàn thành", Data: "p:1:100"}}},
		Hint:    "Trả lời: 12 50%",
	}
	msg := func(key string, official *int64, chat int64) store.OutMessage {
		return store.OutMessage{UnitID: &f.unit, OfficialID: official, ChatID: chat, DedupeKey: key,
			Kind: "reminder", OccurrenceID: &f.occurrence, Payload: payload, NotBefore: at}
	}
	zaloChat := store.ZaloChatBase + 5
	var many []store.OutMessage
	for i := range 5200 { // more than one statement takes
		many = append(many, msg(fmt.Sprintf("many:%04d", i), &f.chairman, 3000+int64(i%7)))
	}
	tests := []struct {
		name string
		msgs []store.OutMessage
		want []int
	}{
		{"none", nil, nil},
		{"two", []store.OutMessage{msg("a", &f.member, 1001), msg("b", &f.chairman, 1002)}, []int{0, 1}},
		{"one known, one new, one repeated", []store.OutMessage{msg("b", &f.chairman, 1002), msg("c", &f.member, 1001), msg("c", &f.member, 1001)}, []int{1}},
		{"no official; zalo", []store.OutMessage{{ChatID: 1003, DedupeKey: "notice:1", Kind: "notice",
			Payload: store.Payload{Text: "Thông báo"}, NotBefore: at}, msg("z", &f.member, zaloChat)}, []int{0, 1}},
		{"across chunks", many, func() []int {
			var all []int
			for i := range many {
				all = append(all, i)
			}
			return all
		}()},
	}
	for _, tt := range tests {
		var got []int
		err := s.Tx(ctx, func(tx *store.Tx) error {
			var err error
			got, err = store.EnqueueManyIndexed(ctx, tx, tt.msgs)
			return err
		})
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: EnqueueManyIndexed = %v; want %v", tt.name, got, tt.want)
		}
	}

	var rows []struct {
		Key        string    `db:"dedupe_key"`
		Channel    string    `db:"channel"`
		Bot        string    `db:"bot"`
		OfficialID *int64    `db:"official_id"`
		UnitID     *int64    `db:"unit_id"`
		Payload    []byte    `db:"payload"`
		Next       time.Time `db:"next_attempt_at"`
		Created    time.Time `db:"created_at"`
		Rank       int       `db:"chat_rank"`
		Priority   int       `db:"priority"`
	}
	if err := s.DB().SelectContext(ctx, &rows, `
		SELECT dedupe_key, channel, bot, official_id, unit_id, payload, next_attempt_at, created_at, chat_rank, priority
		FROM outbox ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	wantKeys := []string{"a", "b", "c", "notice:1", "z"}
	for _, m := range many {
		wantKeys = append(wantKeys, m.DedupeKey)
	}
	var keys []string
	for _, r := range rows {
		keys = append(keys, r.Key)
	}
	if !slices.Equal(keys, wantKeys) {
		t.Fatalf("rows %v…; want %v… (in the order given)", keys[:min(6, len(keys))], wantKeys[:6])
	}
	wantBots := map[string]string{"a": "bot-b", "b": "default", "c": "bot-b", "notice:1": "default", "z": "default"}
	for _, r := range rows[:5] {
		if r.Bot != wantBots[r.Key] {
			t.Errorf("row %s: bot %q; want %q", r.Key, r.Bot, wantBots[r.Key])
		}
	}
	if r := rows[4]; r.Channel != store.ChannelZalo {
		t.Errorf("row z: channel %q; want %q", r.Channel, store.ChannelZalo)
	}
	if r := rows[3]; r.OfficialID != nil || r.UnitID != nil {
		t.Errorf("row notice:1: official %v, unit %v; want NULL", r.OfficialID, r.UnitID)
	}
	a := rows[0]
	var p store.Payload
	if err := json.Unmarshal(a.Payload, &p); err != nil {
		t.Fatal(err)
	}
	if p.Text != payload.Text || !slices.EqualFunc(p.Buttons, payload.Buttons, slices.Equal) || p.Hint != payload.Hint {
		t.Errorf("payload %+v; want %+v", p, payload)
	}
	if !a.Next.Equal(at) || !a.Created.Equal(at) || a.Priority != store.PriorityScheduled {
		t.Errorf("row a: next attempt %s, created %s, priority %d; want %s, %s, %d", a.Next, a.Created, a.Priority, at, at, store.PriorityScheduled)
	}
	// The last of the 5,200 messages to chat 3000 + 5199%7 is its 743rd.
	if r := rows[len(rows)-1]; r.Rank != 5199/7 {
		t.Errorf("last row's chat rank %d; want %d", r.Rank, 5199/7)
	}

	select {
	case n := <-listener.Notify:
		if n == nil || n.Channel != store.OutboxChannel {
			t.Errorf("notification %+v; want one on %s", n, store.OutboxChannel)
		}
	case <-time.After(10 * time.Second):
		t.Error("no notification on the outbox channel after a committed EnqueueManyIndexed")
	}

	if _, err := store.EnqueueManyIndexed(ctx, s, []store.OutMessage{msg("d", &f.member, 1001), {ChatID: 1, Kind: "notice"}}); err == nil {
		t.Error("EnqueueManyIndexed accepted an empty dedupe key")
	}
}

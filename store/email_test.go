package store_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/store/storetest"
)

func TestEmailOutbox(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	now := time.Date(2025, 4, 15, 8, 0, 0, 0, time.UTC)
	workbook := []byte("PK\x03\x04 workbook bytes")
	msg := store.EmailMessage{
		DedupeKey: "digest-email:pdp:2025-Q1",
		To:        []string{"chutich@example.gov.vn", "vanphong@example.gov.vn"},
		Subject:   "Báo cáo tiến độ cải cách hành chính quý I/2025",
		Text:      "Kính gửi Chủ tịch UBND phường,\n…",
		Attachments: []store.Attachment{
			{Kind: "document", Filename: "bao-cao-2025-Q1.xlsx", Data: workbook},
		},
		NotBefore: now,
	}
	ok, err := store.EnqueueEmail(ctx, st, msg)
	if err != nil || !ok {
		t.Fatalf("enqueue = %v, %v; want true, nil", ok, err)
	}
	if ok, err := store.EnqueueEmail(ctx, st, msg); err != nil || ok {
		t.Fatalf("enqueue again = %v, %v; want false, nil", ok, err)
	}
	for _, bad := range []store.EmailMessage{
		{To: msg.To, NotBefore: now},
		{DedupeKey: "x", NotBefore: now},
	} {
		if _, err := store.EnqueueEmail(ctx, st, bad); err == nil {
			t.Errorf("enqueue %+v: no error", bad)
		}
	}

	// The same key names a Telegram message of its own: a decision
	// enqueues once per channel.
	if ok, err := store.Enqueue(ctx, st, store.OutMessage{ChatID: 501, DedupeKey: msg.DedupeKey, Kind: "digest",
		Payload: store.Payload{Text: "digest"}, NotBefore: now}); err != nil || !ok {
		t.Fatalf("enqueue a Telegram message with the e-mail's key = %v, %v; want true, nil", ok, err)
	}

	if rows, err := st.ClaimOutbox(ctx, store.ChannelEmail, now.Add(-time.Second), time.Minute, 10, nil); err != nil || len(rows) != 0 {
		t.Fatalf("claim before due = %d rows, %v; want none", len(rows), err)
	}
	rows, err := st.ClaimOutbox(ctx, store.ChannelEmail, now, time.Minute, 10, nil)
	if err != nil || len(rows) != 1 {
		t.Fatalf("claim = %d rows, %v; want 1", len(rows), err)
	}
	r := rows[0]
	p, err := r.Payload()
	if err != nil {
		t.Fatal(err)
	}
	att := p.Attachments
	if r.Channel != store.ChannelEmail || r.ChatID != 0 || p.Subject != msg.Subject || p.Text != msg.Text || len(p.To) != 2 || r.Attempts != 1 ||
		len(att) != 1 || att[0].Filename != "bao-cao-2025-Q1.xlsx" || !bytes.Equal(att[0].Data, workbook) || p.MessageKey == "" {
		t.Errorf("claimed row = %+v, payload %+v", r, p)
	}
	// The Telegram lane's claim takes only the Telegram message.
	tg, err := st.ClaimOutbox(ctx, store.ChannelTelegram, now, time.Minute, 10, nil)
	if err != nil || len(tg) != 1 || tg[0].Channel != store.ChannelTelegram || tg[0].ChatID != 501 {
		t.Fatalf("Telegram claim = %+v, %v; want the one Telegram message", tg, err)
	}
	// Leased: a second worker gets nothing until the lease runs out.
	if again, err := st.ClaimOutbox(ctx, store.ChannelEmail, now.Add(30*time.Second), time.Minute, 10, nil); err != nil || len(again) != 0 {
		t.Fatalf("claim while leased = %d rows, %v; want none", len(again), err)
	}
	if err := st.RetryOutbox(ctx, r.ID, now.Add(2*time.Minute), "dial tcp: connection refused", true); err != nil {
		t.Fatal(err)
	}
	rows, err = st.ClaimOutbox(ctx, store.ChannelEmail, now.Add(2*time.Minute), time.Minute, 10, nil)
	if err != nil || len(rows) != 1 || rows[0].Attempts != 2 || rows[0].LastError != "dial tcp: connection refused" {
		t.Fatalf("claim after retry = %+v, %v", rows, err)
	}
	if err := st.MarkOutboxSent(ctx, r.ID, 0, now.Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}

	msg2 := msg
	msg2.DedupeKey = "digest-email:pdp:2025-04"
	if _, err := store.EnqueueEmail(ctx, st, msg2); err != nil {
		t.Fatal(err)
	}
	rows, err = st.ClaimOutbox(ctx, store.ChannelEmail, now.Add(time.Hour), time.Minute, 10, nil)
	if err != nil || len(rows) != 1 {
		t.Fatalf("claim second = %d rows, %v", len(rows), err)
	}
	if err := st.KillOutbox(ctx, rows[0].ID, "550 mailbox unavailable"); err != nil {
		t.Fatal(err)
	}
	counts, err := st.OutboxCounts(ctx, store.ChannelEmail)
	if err != nil {
		t.Fatal(err)
	}
	if counts != (store.OutboxCounts{Sent: 1, Dead: 1}) {
		t.Errorf("counts = %+v, want 1 sent and 1 dead", counts)
	}
	all, err := st.EmailRows(ctx)
	if err != nil || len(all) != 2 {
		t.Fatalf("rows = %d, %v", len(all), err)
	}
	if all[0].Status != store.OutboxSent || all[0].SentAt == nil || all[0].LastError != "" || all[0].TelegramMessageID != nil {
		t.Errorf("first row = %+v, want sent with no error", all[0])
	}
	if all[1].Status != store.OutboxDead || all[1].LastError != "550 mailbox unavailable" {
		t.Errorf("second row = %+v, want dead keeping its error", all[1])
	}
}

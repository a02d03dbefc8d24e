package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/store/storetest"
)

// emailOutboxRow is a row of the e-mail outbox of migrations 00040–00064.
type emailOutboxRow struct {
	Key        string         `db:"dedupe_key"`
	To         pq.StringArray `db:"recipients"`
	Subject    string         `db:"subject"`
	Body       string         `db:"body"`
	Status     string         `db:"status"`
	Attempts   int            `db:"attempts"`
	LastError  string         `db:"last_error"`
	Attachment string         `db:"attachment"`
}

// TestOneOutboxMigration: migration 00070 moves the e-mails of email_outbox
// into the one outbox with their state, and its Down moves them back.
func TestOneOutboxMigration(t *testing.T) {
	ctx := context.Background()
	s := open(t, storetest.EmptyURL(t))
	if err := s.MigrateTo(ctx, 64); err != nil {
		t.Fatal(err)
	}
	created := time.Date(2025, 4, 15, 8, 0, 0, 0, time.UTC)
	for _, r := range []struct{ key, status, sentAt, lastError string }{
		{"digest:pdp:2025-Q1", "pending", "", "dial tcp: connection refused"},
		{"digest:pdp:2024-Q4", "sent", "2025-01-15T08:00:00Z", ""},
		{"digest:pdp:2024-Q3", "dead", "", "550 5.1.1 mailbox unavailable"},
	} {
		var sent any
		if r.sentAt != "" {
			sent = r.sentAt
		}
		if _, err := s.DB().ExecContext(ctx, `
			INSERT INTO email_outbox (dedupe_key, recipients, subject, body, attachments, status, attempts,
			                          next_attempt_at, last_error, created_at, sent_at)
			VALUES ($1, '{chutich@example.gov.vn,"Văn phòng <vanphong@example.gov.vn>"}', 'Báo cáo quý', 'Kính gửi',
			        '[{"kind":"document","filename":"bao-cao.xlsx","data":"UEsDBA=="}]', $2, 2, $3, $4, $3, $5)`,
			r.key, r.status, created, r.lastError, sent); err != nil {
			t.Fatal(err)
		}
	}
	// A Telegram message with an e-mail's key: both survive.
	if _, err := s.DB().ExecContext(ctx, `
		INSERT INTO outbox (chat_id, dedupe_key, kind, payload, next_attempt_at, created_at)
		VALUES (501, 'digest:pdp:2025-Q1:7', 'digest', '{"text":"x"}', $1, $1)`, created); err != nil {
		t.Fatal(err)
	}

	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var gone bool
	if err := s.DB().GetContext(ctx, &gone, `SELECT to_regclass('email_outbox') IS NULL`); err != nil || !gone {
		t.Fatalf("email_outbox dropped = %v, %v; want true", gone, err)
	}
	rows, err := s.EmailRows(ctx)
	if err != nil || len(rows) != 3 {
		t.Fatalf("e-mail rows = %d, %v; want 3", len(rows), err)
	}
	pending := rows[0]
	att, err := pending.Attachments()
	if err != nil {
		t.Fatal(err)
	}
	if pending.DedupeKey != "digest:pdp:2025-Q1" || pending.Status != store.OutboxPending || pending.Channel != store.ChannelEmail ||
		pending.ChatID != 0 || pending.Attempts != 2 || pending.LastError != "dial tcp: connection refused" ||
		len(pending.To) != 2 || pending.To[1] != "Văn phòng <vanphong@example.gov.vn>" || pending.Subject != "Báo cáo quý" ||
		pending.Text != "Kính gửi" || len(att) != 1 || att[0].Filename != "bao-cao.xlsx" || string(att[0].Data) != "PK\x03\x04" {
		t.Errorf("moved pending e-mail = %+v, attachments %+v", pending, att)
	}
	p, err := pending.Payload()
	if err != nil || p.MessageKey == "" {
		t.Errorf("moved e-mail's message key = %q, %v; want one", p.MessageKey, err)
	}
	if rows[1].Status != store.OutboxSent || rows[1].SentAt == nil || rows[2].Status != store.OutboxDead || rows[2].LastError == "" {
		t.Errorf("moved sent and dead e-mails = %+v, %+v", rows[1], rows[2])
	}
	if c, err := s.OutboxCounts(ctx, store.ChannelEmail); err != nil || c != (store.OutboxCounts{Pending: 1, Sent: 1, Dead: 1}) {
		t.Errorf("e-mail counts = %+v, %v", c, err)
	}
	if c, err := s.OutboxCounts(ctx, store.ChannelTelegram); err != nil || c != (store.OutboxCounts{Pending: 1}) {
		t.Errorf("Telegram counts = %+v, %v", c, err)
	}

	// Down: the e-mails go back to email_outbox, the Telegram message stays.
	if err := s.MigrateTo(ctx, 64); err != nil {
		t.Fatal(err)
	}
	var back []emailOutboxRow
	if err := s.DB().SelectContext(ctx, &back, `
		SELECT dedupe_key, recipients, subject, body, status, attempts, last_error, attachments->0->>'filename' AS attachment
		FROM email_outbox ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	if len(back) != 3 || back[0].Key != "digest:pdp:2025-Q1" || back[0].Status != "pending" || back[0].Attempts != 2 ||
		len(back[0].To) != 2 || back[0].Subject != "Báo cáo quý" || back[0].Body != "Kính gửi" || back[0].Attachment != "bao-cao.xlsx" ||
		back[2].Status != "dead" || back[2].LastError != "550 5.1.1 mailbox unavailable" {
		t.Errorf("email_outbox after Down = %+v", back)
	}
	var telegram int
	if err := s.DB().GetContext(ctx, &telegram, `SELECT count(*) FROM outbox`); err != nil || telegram != 1 {
		t.Errorf("outbox after Down = %d rows, %v; want the Telegram message", telegram, err)
	}
}

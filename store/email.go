package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// EmailMessage is an e-mail decided by a job (a digest copy with its
// workbook), to be delivered by the delivery worker's e-mail lane.
type EmailMessage struct {
	UnitID      *int64
	DedupeKey   string // unique among e-mails: the same decision twice enqueues once
	To          []string
	Subject     string
	Text        string // plain-text body
	Attachments []Attachment
	NotBefore   time.Time // first delivery attempt; the decision's "now"
}

// EnqueueEmail inserts m into the outbox as an e-mail row (channel
// ChannelEmail, no chat) through wr (a transaction, so that the e-mail
// commits with the decision that caused it). It reports false when an
// e-mail with the same dedupe key already exists, which is not an error.
// It is Enqueue with the e-mail's payload.
func EnqueueEmail(ctx context.Context, wr Writer, m EmailMessage) (bool, error) {
	if m.DedupeKey == "" {
		return false, fmt.Errorf("store: enqueue e-mail %q: empty dedupe key", m.Subject)
	}
	if len(m.To) == 0 {
		return false, fmt.Errorf("store: enqueue e-mail %s: no recipients", m.DedupeKey)
	}
	return Enqueue(ctx, wr, OutMessage{
		Channel:   ChannelEmail,
		UnitID:    m.UnitID,
		DedupeKey: m.DedupeKey,
		Kind:      "email",
		Payload: Payload{
			Text:        m.Text,
			To:          m.To,
			Subject:     m.Subject,
			Attachments: m.Attachments,
			MessageKey:  m.DedupeKey + "|" + m.NotBefore.UTC().Format(time.RFC3339Nano),
		},
		NotBefore: m.NotBefore,
	})
}

// EmailRow is an e-mail row of the outbox, with its payload's e-mail
// fields decoded: a view for tests and diagnostics.
type EmailRow struct {
	OutboxRow
	To      []string
	Subject string
	Text    string // plain-text body
	// RawAttachments is the JSON array of the e-mail's attachments.
	RawAttachments []byte
}

// Attachments decodes the row's attachments.
func (r EmailRow) Attachments() ([]Attachment, error) {
	var a []Attachment
	if err := json.Unmarshal(r.RawAttachments, &a); err != nil {
		return nil, fmt.Errorf("store: e-mail %d: decode attachments: %w", r.ID, err)
	}
	return a, nil
}

// EmailRows returns every e-mail row of the outbox, oldest first, for tests
// and diagnostics.
func (s *Store) EmailRows(ctx context.Context) ([]EmailRow, error) {
	rows, err := outboxRows(ctx, s.db, ChannelEmail, "")
	if err != nil {
		return nil, err
	}
	out := make([]EmailRow, 0, len(rows))
	for _, r := range rows {
		var p Payload
		if err := json.Unmarshal(r.RawPayload, &p); err != nil {
			return nil, fmt.Errorf("store: e-mail %d: decode payload: %w", r.ID, err)
		}
		att := p.Attachments
		if att == nil {
			att = []Attachment{}
		}
		raw, err := json.Marshal(att)
		if err != nil {
			return nil, fmt.Errorf("store: e-mail %d: encode attachments: %w", r.ID, err)
		}
		out = append(out, EmailRow{OutboxRow: r, To: p.To, Subject: p.Subject, Text: p.Text, RawAttachments: raw})
	}
	return out, nil
}

// outboxRows returns the outbox rows of channel (every channel when
// empty) and kind (every kind when empty), oldest first.
func outboxRows(ctx context.Context, q sqlx.QueryerContext, channel, kind string) ([]OutboxRow, error) {
	var rows []OutboxRow
	err := sqlx.SelectContext(ctx, q, &rows, `
		SELECT `+outboxColumns+`
		FROM outbox
		WHERE ($1 = '' OR channel = $1) AND ($2 = '' OR kind = $2)
		ORDER BY id`, channel, kind)
	if err != nil {
		return nil, fmt.Errorf("store: outbox rows: %w", err)
	}
	return rows, nil
}

package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// OutboxChannel is the LISTEN/NOTIFY channel signalled whenever a message is
// enqueued; the notification is delivered when the enqueuing transaction
// commits.
const OutboxChannel = "nhacviec_outbox"

// Button is one inline-keyboard button of an outgoing message.
type Button struct {
	Text string `json:"text"`
	Data string `json:"data"` // callback data, at most 64 bytes
}

// Attachment is a file sent with (or instead of) a message's text.
type Attachment struct {
	Kind     string `json:"kind"` // "photo" or "document"
	Filename string `json:"filename"`
	Data     []byte `json:"data"`
}

// Payload is what the delivery worker sends for an outbox row.
type Payload struct {
	Text       string      `json:"text"` // Telegram HTML, at most 4096 characters
	Buttons    [][]Button  `json:"buttons,omitempty"`
	ReplyTo    int64       `json:"reply_to,omitempty"` // Telegram message id to reply to
	Attachment *Attachment `json:"attachment,omitempty"`
	// Refs are the occurrence ids a message lists, in order, so that a reply
	// "2: 60%" to it maps back to the second one. A message about a single
	// occurrence uses OutMessage.OccurrenceID instead.
	Refs []int64 `json:"refs,omitempty"`
}

// OutMessage is a message decided by a job or the bot, to be delivered by
// the notify worker.
type OutMessage struct {
	UnitID       *int64
	OfficialID   *int64
	ChatID       int64
	DedupeKey    string // unique: the same decision twice enqueues once
	Kind         string // reminder, nag, escalation, progress_request, reading_request, digest, reply, notice
	OccurrenceID *int64
	TargetID     *int64
	Payload      Payload
	NotBefore    time.Time // first delivery attempt; the decision's "now"
}

// Enqueue inserts m into the outbox through q (a transaction, so that the
// message commits with the decision that caused it). It reports false when a
// message with the same dedupe key already exists, which is not an error.
func Enqueue(ctx context.Context, q sqlx.ExtContext, m OutMessage) (bool, error) {
	if m.DedupeKey == "" {
		return false, fmt.Errorf("store: enqueue %s: empty dedupe key", m.Kind)
	}
	payload, err := json.Marshal(m.Payload)
	if err != nil {
		return false, fmt.Errorf("store: enqueue %s: encode payload: %w", m.DedupeKey, err)
	}
	res, err := q.ExecContext(ctx, `
		INSERT INTO outbox (unit_id, official_id, chat_id, dedupe_key, kind, occurrence_id,
		                    target_id, payload, next_attempt_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)
		ON CONFLICT (dedupe_key) DO NOTHING`,
		m.UnitID, m.OfficialID, m.ChatID, m.DedupeKey, m.Kind, m.OccurrenceID,
		m.TargetID, payload, m.NotBefore)
	if err != nil {
		return false, fmt.Errorf("store: enqueue %s: %w", m.DedupeKey, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: enqueue %s: %w", m.DedupeKey, err)
	}
	if n == 0 {
		return false, nil
	}
	if _, err := q.ExecContext(ctx, `SELECT pg_notify($1, '')`, OutboxChannel); err != nil {
		return false, fmt.Errorf("store: enqueue %s: notify: %w", m.DedupeKey, err)
	}
	return true, nil
}

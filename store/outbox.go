package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
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

// enqueueChunk is the number of rows EnqueueMany inserts per statement.
const enqueueChunk = 2000

// EnqueueMany inserts msgs into the outbox through q (the transaction of
// the decisions that caused them), in order, with one INSERT per
// enqueueChunk rows; a message whose dedupe key already exists is skipped,
// which is not an error. It signals OutboxChannel once when any row was
// inserted and returns the number of rows inserted.
func EnqueueMany(ctx context.Context, q sqlx.ExtContext, msgs []OutMessage) (int, error) {
	inserted := 0
	for start := 0; start < len(msgs); start += enqueueChunk {
		n, err := enqueueChunkOf(ctx, q, msgs[start:min(start+enqueueChunk, len(msgs))])
		if err != nil {
			return inserted, err
		}
		inserted += n
	}
	if inserted == 0 {
		return 0, nil
	}
	if _, err := q.ExecContext(ctx, `SELECT pg_notify($1, '')`, OutboxChannel); err != nil {
		return inserted, fmt.Errorf("store: enqueue %d messages: notify: %w", inserted, err)
	}
	return inserted, nil
}

// enqueueChunkOf inserts msgs with one INSERT … SELECT FROM unnest(…) and
// returns the number of rows inserted.
func enqueueChunkOf(ctx context.Context, q sqlx.ExtContext, msgs []OutMessage) (int, error) {
	var (
		units    = make([]sql.NullInt64, len(msgs))
		offs     = make([]sql.NullInt64, len(msgs))
		chats    = make(pq.Int64Array, len(msgs))
		keys     = make(pq.StringArray, len(msgs))
		kinds    = make(pq.StringArray, len(msgs))
		occs     = make([]sql.NullInt64, len(msgs))
		targets  = make([]sql.NullInt64, len(msgs))
		payloads = make(pq.StringArray, len(msgs))
		ats      = make(pq.StringArray, len(msgs))
	)
	for i, m := range msgs {
		if m.DedupeKey == "" {
			return 0, fmt.Errorf("store: enqueue %s: empty dedupe key", m.Kind)
		}
		payload, err := json.Marshal(m.Payload)
		if err != nil {
			return 0, fmt.Errorf("store: enqueue %s: encode payload: %w", m.DedupeKey, err)
		}
		units[i] = nullInt64(m.UnitID)
		offs[i] = nullInt64(m.OfficialID)
		chats[i] = m.ChatID
		keys[i] = m.DedupeKey
		kinds[i] = m.Kind
		occs[i] = nullInt64(m.OccurrenceID)
		targets[i] = nullInt64(m.TargetID)
		payloads[i] = string(payload)
		ats[i] = m.NotBefore.Format(time.RFC3339Nano)
	}
	var n int
	err := sqlx.GetContext(ctx, q, &n, `
		WITH ins AS (
			INSERT INTO outbox (unit_id, official_id, chat_id, dedupe_key, kind, occurrence_id,
			                    target_id, payload, next_attempt_at, created_at)
			SELECT m.unit_id, m.official_id, m.chat_id, m.dedupe_key, m.kind, m.occurrence_id,
			       m.target_id, m.payload::jsonb, m.at, m.at
			FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::text[],
			            $6::bigint[], $7::bigint[], $8::text[], $9::timestamptz[])
			     WITH ORDINALITY AS m(unit_id, official_id, chat_id, dedupe_key, kind, occurrence_id,
			                          target_id, payload, at, n)
			ORDER BY m.n
			ON CONFLICT (dedupe_key) DO NOTHING
			RETURNING 1)
		SELECT count(*) FROM ins`,
		pq.Array(units), pq.Array(offs), chats, keys, kinds,
		pq.Array(occs), pq.Array(targets), payloads, ats)
	if err != nil {
		return 0, fmt.Errorf("store: enqueue %d messages (first %s): %w", len(msgs), msgs[0].DedupeKey, err)
	}
	return n, nil
}

// nullInt64 converts an optional id for an array parameter.
func nullInt64(v *int64) sql.NullInt64 {
	if v == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: *v, Valid: true}
}

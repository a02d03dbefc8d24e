package store

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Outbox statuses.
const (
	OutboxPending = "pending"
	OutboxSent    = "sent"
	OutboxDead    = "dead"
)

// OutboxRow is a stored outgoing message.
type OutboxRow struct {
	ID                int64      `db:"id"`
	UnitID            *int64     `db:"unit_id"`
	OfficialID        *int64     `db:"official_id"`
	ChatID            int64      `db:"chat_id"`
	DedupeKey         string     `db:"dedupe_key"`
	Kind              string     `db:"kind"`
	OccurrenceID      *int64     `db:"occurrence_id"`
	TargetID          *int64     `db:"target_id"`
	RawPayload        []byte     `db:"payload"`
	Status            string     `db:"status"`
	Attempts          int        `db:"attempts"`
	NextAttemptAt     time.Time  `db:"next_attempt_at"`
	Priority          int        `db:"priority"` // PriorityReply or PriorityScheduled
	LastError         string     `db:"last_error"`
	TelegramMessageID *int64     `db:"telegram_message_id"`
	CreatedAt         time.Time  `db:"created_at"`
	SentAt            *time.Time `db:"sent_at"`
}

// outboxColumns is the explicit column list matching OutboxRow.
const outboxColumns = `id, unit_id, official_id, chat_id, dedupe_key, kind, occurrence_id, target_id,
	payload, status, attempts, next_attempt_at, last_error, telegram_message_id, created_at, sent_at,
	priority`

// Payload decodes the row's payload.
func (r OutboxRow) Payload() (Payload, error) {
	var p Payload
	if err := json.Unmarshal(r.RawPayload, &p); err != nil {
		return Payload{}, fmt.Errorf("store: outbox %d: decode payload: %w", r.ID, err)
	}
	return p, nil
}

// ClaimOutbox leases up to limit pending rows due at now for delivery, at
// most one per chat and none for the chats in busy (chats the caller is
// still sending to or must not send to yet). The rows are locked with FOR
// UPDATE SKIP LOCKED, so concurrent workers claim disjoint rows; each
// claimed row's next_attempt_at moves to now+lease and its attempts grow by
// one, all in one statement committed before ClaimOutbox returns. A worker
// that dies after claiming leaves the row to be claimed again when the
// lease expires.
//
// Replies (PriorityReply) are claimed before scheduled messages, and a
// chat's pending reply before the chat's pending scheduled messages: an
// official who answers a reminder during the morning's backlog is answered
// at once. Within a priority, only the oldest pending row of a chat can be
// claimed: messages to one chat go out in the order they were enqueued
// (the parts of a long digest, a confirmation after the reply it
// confirms), even when an earlier one waits for a retry or is leased to
// another worker.
func (s *Store) ClaimOutbox(ctx context.Context, now time.Time, lease time.Duration, limit int, busy []int64) ([]OutboxRow, error) {
	if limit <= 0 {
		return nil, nil
	}
	if busy == nil {
		busy = []int64{}
	}
	// One autocommit statement: the ARRAY(…) sub-select runs once, locks
	// the rows it picks (skipping those other workers hold) and the UPDATE
	// leases them; the lease commits with the statement. "Oldest pending
	// row of its chat" is a scalar sub-select, one lookup in
	// outbox_pending_chat_idx per candidate: written as NOT EXISTS it
	// became an anti-join which, with statistics taken when nothing was
	// pending (the usual state of the table), the planner ran as a nested
	// loop over every pending row for every pending row — 4 s per claim
	// with 3,000 pending rows.
	var claimed []OutboxRow
	err := s.db.SelectContext(ctx, &claimed, `
		UPDATE outbox
		SET next_attempt_at = $4, attempts = attempts + 1
		WHERE id = ANY(ARRAY(
			SELECT o.id
			FROM outbox o
			WHERE o.status = 'pending' AND o.next_attempt_at <= $1 AND NOT (o.chat_id = ANY($2))
			  AND o.id = (SELECT e.id FROM outbox e
			              WHERE e.chat_id = o.chat_id AND e.status = 'pending'
			              ORDER BY e.priority DESC, e.id
			              LIMIT 1)
			ORDER BY o.priority DESC, o.next_attempt_at, o.chat_rank, o.id
			LIMIT $3
			FOR UPDATE SKIP LOCKED))
		RETURNING `+outboxColumns, now, pq.Array(busy), limit, now.Add(lease))
	if err != nil {
		return nil, fmt.Errorf("store: claim outbox: %w", err)
	}
	// RETURNING gives no order; restore the claim's: replies first, then
	// insertion order.
	sort.Slice(claimed, func(i, j int) bool {
		if claimed[i].Priority != claimed[j].Priority {
			return claimed[i].Priority > claimed[j].Priority
		}
		return claimed[i].ID < claimed[j].ID
	})
	return claimed, nil
}

// MarkOutboxSent records that row id was delivered as Telegram message
// messageID at now. A reply to that message maps back to the row through
// (chat_id, telegram_message_id).
func (s *Store) MarkOutboxSent(ctx context.Context, id, messageID int64, now time.Time) error {
	_, err := s.db.ExecContext(ctx, `
		UPDATE outbox
		SET status = 'sent', telegram_message_id = $2, sent_at = $3, last_error = ''
		WHERE id = $1 AND status = 'pending'`, id, messageID, now)
	if err != nil {
		return fmt.Errorf("store: mark outbox %d sent: %w", id, err)
	}
	return nil
}

// Delivered is an outbox row delivered as a Telegram message.
type Delivered struct {
	ID        int64 // outbox row
	MessageID int64 // Telegram message id
}

// MarkOutboxSentMany records, in one statement, that each of the rows was
// delivered as its Telegram message at now, as MarkOutboxSent does for
// one.
func (s *Store) MarkOutboxSentMany(ctx context.Context, sent []Delivered, now time.Time) error {
	if len(sent) == 0 {
		return nil
	}
	ids := make(pq.Int64Array, len(sent))
	msgIDs := make(pq.Int64Array, len(sent))
	for i, d := range sent {
		ids[i], msgIDs[i] = d.ID, d.MessageID
	}
	_, err := s.db.ExecContext(ctx, `
		UPDATE outbox o
		SET status = 'sent', telegram_message_id = d.message_id, sent_at = $3, last_error = ''
		FROM unnest($1::bigint[], $2::bigint[]) AS d(id, message_id)
		WHERE o.id = d.id AND o.status = 'pending'`, ids, msgIDs, now)
	if err != nil {
		return fmt.Errorf("store: mark %d outbox rows sent: %w", len(sent), err)
	}
	return nil
}

// RetryOutbox puts row id back to be attempted at next, keeping errText as
// its last error. When countAttempt is false (Telegram asked to slow down,
// the message itself is fine) the attempt taken by the claim is given back.
func (s *Store) RetryOutbox(ctx context.Context, id int64, next time.Time, errText string, countAttempt bool) error {
	_, err := s.db.ExecContext(ctx, `
		UPDATE outbox
		SET next_attempt_at = $2, last_error = $3,
		    attempts = CASE WHEN $4 THEN attempts ELSE greatest(attempts - 1, 0) END
		WHERE id = $1 AND status = 'pending'`, id, next, errText, countAttempt)
	if err != nil {
		return fmt.Errorf("store: retry outbox %d: %w", id, err)
	}
	return nil
}

// KillOutbox marks row id dead: it will not be attempted again; errText is
// kept as its last error.
func (s *Store) KillOutbox(ctx context.Context, id int64, errText string) error {
	_, err := s.db.ExecContext(ctx, `
		UPDATE outbox
		SET status = 'dead', last_error = $2
		WHERE id = $1 AND status = 'pending'`, id, errText)
	if err != nil {
		return fmt.Errorf("store: kill outbox %d: %w", id, err)
	}
	return nil
}

// UnreachableNotice builds, for the office official to, the notice that
// official who cannot be reached on Telegram any more.
type UnreachableNotice func(to, who Official) Payload

// MarkUnreachable records that chat chatID cannot be reached (the user
// blocked the bot): row id (when not zero) becomes dead with errText, and
// the active official linked to the chat gets unreachable_at = now. When
// that starts a new unreachable episode, every linked, reachable office
// official of the same unit is told once, with a message built by notice
// (dedupe key "unreachable:<official id>:<episode start>"). It returns the
// official marked, or ErrNotFound when no official is linked to chatID.
func (s *Store) MarkUnreachable(ctx context.Context, id, chatID int64, errText string, now time.Time, notice UnreachableNotice) (Official, error) {
	var who Official
	err := s.Tx(ctx, func(tx *sqlx.Tx) error {
		if id != 0 {
			if _, err := tx.ExecContext(ctx, `
				UPDATE outbox SET status = 'dead', last_error = $2
				WHERE id = $1 AND status = 'pending'`, id, errText); err != nil {
				return fmt.Errorf("kill row %d: %w", id, err)
			}
		}
		err := tx.GetContext(ctx, &who, `
			SELECT `+OfficialColumns+`
			FROM officials
			WHERE telegram_chat_id = $1 AND archived_at IS NULL
			FOR UPDATE`, chatID)
		if err != nil {
			return notFound(err)
		}
		if who.UnreachableAt != nil {
			return nil // episode already recorded and notified
		}
		if _, err := tx.ExecContext(ctx, `
			UPDATE officials SET unreachable_at = $2, unreachable_error = $3, updated_at = $2
			WHERE id = $1`, who.ID, now, errText); err != nil {
			return fmt.Errorf("mark official %d: %w", who.ID, err)
		}
		who.UnreachableAt = &now
		if notice == nil {
			return nil
		}
		var office []Official
		err = tx.SelectContext(ctx, &office, `
			SELECT `+OfficialColumns+`
			FROM officials
			WHERE unit_id = $1 AND 'office' = ANY(roles) AND id <> $2
			  AND telegram_chat_id IS NOT NULL AND unreachable_at IS NULL AND archived_at IS NULL
			ORDER BY id`, who.UnitID, who.ID)
		if err != nil {
			return fmt.Errorf("office officials of unit %d: %w", who.UnitID, err)
		}
		for _, o := range office {
			unit, to := who.UnitID, o.ID
			_, err := Enqueue(ctx, tx, OutMessage{
				UnitID:     &unit,
				OfficialID: &to,
				ChatID:     *o.TelegramChatID,
				DedupeKey:  "unreachable:" + strconv.FormatInt(who.ID, 10) + ":" + now.UTC().Format(time.RFC3339Nano) + ":" + strconv.FormatInt(o.ID, 10),
				Kind:       "notice",
				Payload:    notice(o, who),
				NotBefore:  now,
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Official{}, fmt.Errorf("store: mark chat %d unreachable: %w", chatID, err)
	}
	return who, nil
}

// MarkReachable clears the unreachable mark of the official linked to chat
// chatID (the user unblocked the bot). It is not an error when no official
// is linked to the chat.
func (s *Store) MarkReachable(ctx context.Context, q sqlx.ExecerContext, chatID int64, now time.Time) error {
	_, err := q.ExecContext(ctx, `
		UPDATE officials SET unreachable_at = NULL, unreachable_error = '', updated_at = $2
		WHERE telegram_chat_id = $1 AND unreachable_at IS NOT NULL`, chatID, now)
	if err != nil {
		return fmt.Errorf("store: mark chat %d reachable: %w", chatID, err)
	}
	return nil
}

// MigrateChat moves everything addressed to chat from to chat to (a group
// upgraded to a supergroup): the linked official and every pending outbox
// row. Row id (when not zero) is made due at now without counting the
// attempt that hit the migration.
func (s *Store) MigrateChat(ctx context.Context, id, from, to int64, now time.Time) error {
	err := s.Tx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `
			UPDATE officials SET telegram_chat_id = $2, updated_at = $3
			WHERE telegram_chat_id = $1`, from, to, now); err != nil {
			return fmt.Errorf("move official: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `
			UPDATE outbox SET chat_id = $2
			WHERE chat_id = $1 AND status = 'pending'`, from, to); err != nil {
			return fmt.Errorf("move pending messages: %w", err)
		}
		if id != 0 {
			if _, err := tx.ExecContext(ctx, `
				UPDATE outbox SET next_attempt_at = $2, attempts = greatest(attempts - 1, 0)
				WHERE id = $1 AND status = 'pending'`, id, now); err != nil {
				return fmt.Errorf("reschedule row %d: %w", id, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: migrate chat %d to %d: %w", from, to, err)
	}
	return nil
}

// OutboxByMessage returns the row delivered to chat chatID as Telegram
// message messageID, or ErrNotFound.
func OutboxByMessage(ctx context.Context, q sqlx.QueryerContext, chatID, messageID int64) (OutboxRow, error) {
	var r OutboxRow
	err := sqlx.GetContext(ctx, q, &r, `
		SELECT `+outboxColumns+`
		FROM outbox
		WHERE chat_id = $1 AND telegram_message_id = $2
		ORDER BY id DESC
		LIMIT 1`, chatID, messageID)
	if err != nil {
		return OutboxRow{}, fmt.Errorf("store: outbox message %d in chat %d: %w", messageID, chatID, notFound(err))
	}
	return r, nil
}

// OutboxRows returns every outbox row, oldest first, for tests and
// diagnostics; kind filters when not empty.
func (s *Store) OutboxRows(ctx context.Context, kind string) ([]OutboxRow, error) {
	var rows []OutboxRow
	err := s.db.SelectContext(ctx, &rows, `
		SELECT `+outboxColumns+`
		FROM outbox
		WHERE $1 = '' OR kind = $1
		ORDER BY id`, kind)
	if err != nil {
		return nil, fmt.Errorf("store: outbox rows: %w", err)
	}
	return rows, nil
}

// NextOutboxDue returns when the earliest pending row is due, and false when
// there is none.
func (s *Store) NextOutboxDue(ctx context.Context) (time.Time, bool, error) {
	var next *time.Time
	// One probe of outbox_pending_idx per priority.
	err := s.db.GetContext(ctx, &next, `
		SELECT LEAST(
			(SELECT min(next_attempt_at) FROM outbox WHERE status = 'pending' AND priority = $1),
			(SELECT min(next_attempt_at) FROM outbox WHERE status = 'pending' AND priority = $2))`,
		PriorityReply, PriorityScheduled)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("store: next outbox due: %w", err)
	}
	if next == nil {
		return time.Time{}, false, nil
	}
	return *next, true, nil
}

package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/nhacviec/nhacviec/plan"
)

// Outbox statuses.
const (
	OutboxPending = "pending"
	OutboxSent    = "sent"
	OutboxDead    = "dead"
)

// leaseStatement is the one statement that claims outbox rows: candidates,
// a SELECT of ids that locks them with FOR UPDATE SKIP LOCKED, picks the
// rows; each picked row's next_attempt_at moves to the lease's end (the
// parameter leaseParam) and its attempts grow by one, and the statement
// returns the rows' outboxColumns. The lease commits with the statement,
// which also releases the rows considered but not picked; concurrent
// workers claim disjoint rows, and a worker that dies after claiming leaves
// its rows to be claimed again when the lease runs out.
func leaseStatement(leaseParam, candidates string) string {
	return `
		UPDATE outbox
		SET next_attempt_at = ` + leaseParam + `, attempts = attempts + 1
		WHERE id = ANY(ARRAY(` + candidates + `))
		RETURNING ` + outboxColumns
}

// rowPending is the condition "still pending" of a statement that finds
// outbox rows by id. It says "neither sent nor dead" (the CHECK of
// outbox.status allows only the three) rather than status = 'pending', so
// that the planner cannot answer the statement from outbox_pending_idx or
// outbox_pending_chat_idx, whose predicate that is, and must take the row
// by its primary key. The outbox is usually almost empty of pending rows,
// and until the ANALYZE after a fan-out of thousands the statistics say
// so: the planner then took "row id, if pending" from the partial index,
// reading every pending row's entries for each row marked (156 ms and
// 9,000 blocks a mark, the bottleneck of the country's morning;
// store.TestMarkSentFindsRowsByID).
const rowPending = `status NOT IN ('sent', 'dead')`

// killRow marks pending outbox row id dead through ex: it will not be
// attempted again; errText is kept as its last error.
func killRow(ctx context.Context, ex sqlx.ExecerContext, id int64, errText string) error {
	_, err := ex.ExecContext(ctx, `
		UPDATE outbox
		SET status = 'dead', last_error = $2
		WHERE id = $1 AND `+rowPending, id, errText)
	if err != nil {
		return fmt.Errorf("kill outbox row %d: %w", id, err)
	}
	return nil
}

// OutboxRow is a stored outgoing message.
type OutboxRow struct {
	ID                int64      `db:"id"`
	Channel           string     `db:"channel"` // ChannelTelegram, ChannelEmail
	UnitID            *int64     `db:"unit_id"`
	OfficialID        *int64     `db:"official_id"`
	ChatID            int64      `db:"chat_id"` // 0 for none (an e-mail)
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
	Bot               string     `db:"bot"` // the Telegram bot sending it (DefaultBot on other channels)
}

// outboxColumns is the explicit column list matching OutboxRow.
const outboxColumns = `id, channel, unit_id, official_id, COALESCE(chat_id, 0) AS chat_id, dedupe_key, kind, occurrence_id, target_id,
	payload, status, attempts, next_attempt_at, last_error, telegram_message_id, created_at, sent_at,
	priority, bot`

// Payload decodes the row's payload.
func (r OutboxRow) Payload() (Payload, error) {
	var p Payload
	if err := json.Unmarshal(r.RawPayload, &p); err != nil {
		return Payload{}, fmt.Errorf("store: outbox %d: decode payload: %w", r.ID, err)
	}
	return p, nil
}

// ClaimOutbox leases up to limit pending rows of channel due at now for
// delivery, at most one per chat and none for the chats in busy (chats the
// caller is still sending to or must not send to yet); replies go first
// (ClaimOutboxSharing with maxReplies = limit).
func (s *Store) ClaimOutbox(ctx context.Context, channel string, now time.Time, lease time.Duration, limit int, busy []int64) ([]OutboxRow, error) {
	return s.ClaimOutboxSharing(ctx, channel, now, lease, limit, limit, busy)
}

// ClaimOutboxSharing is ClaimBotOutbox of DefaultBot: the rows of
// telegram.token's bot, or of a channel other than Telegram.
func (s *Store) ClaimOutboxSharing(ctx context.Context, channel string, now time.Time, lease time.Duration, limit, maxReplies int, busy []int64) ([]OutboxRow, error) {
	return s.ClaimBotOutbox(ctx, channel, DefaultBot, now, lease, limit, maxReplies, busy)
}

// claimCandidates is the candidate query of one priority (the parameter
// placeholder priority) of ClaimOutboxSharing: each ready chat's first
// pending message of channel $8, skipping the chats in $2 and those held
// back by a 429, at most $3 of them, locked unless another worker holds
// them. A row without a chat (an e-mail) is its own chat.
func claimCandidates(priority string) string {
	return `
				SELECT o.id, o.next_attempt_at, o.chat_rank
				FROM outbox o
				WHERE o.channel = $8 AND o.bot = $9 AND o.status = 'pending' AND o.priority = ` + priority + ` AND o.next_attempt_at <= $1
				  AND (o.chat_id IS NULL OR (
				       NOT (o.chat_id = ANY($2::bigint[] || ARRAY(SELECT b.chat_id FROM chat_backoff b WHERE b.channel = $8 AND b.not_before > $1)))
				       AND o.id = (SELECT e.id FROM outbox e
				                   WHERE e.channel = o.channel AND e.chat_id = o.chat_id AND e.status = 'pending'
				                     AND e.bot = o.bot
				                   ORDER BY e.priority DESC, e.id
				                   LIMIT 1)))
				ORDER BY o.priority DESC, o.next_attempt_at, o.chat_rank, o.id
				LIMIT $3
				FOR UPDATE SKIP LOCKED`
}

// ClaimBotOutbox leases up to limit pending rows of channel sent by bot due at now
// for delivery, at most one per chat, none for the chats in busy (chats the
// caller is still sending to or must not send to yet) and none for a chat
// held back by a 429 answer (RecordTooManyRequests) until its not_before.
// The rows are locked with FOR UPDATE SKIP LOCKED, so concurrent workers
// claim disjoint rows; each claimed row's next_attempt_at moves to
// now+lease and its attempts grow by one, all in one statement committed
// before ClaimOutboxSharing returns. A worker that dies after claiming
// leaves the row to be claimed again when the lease expires.
//
// Replies (PriorityReply) are claimed before scheduled messages, and a
// chat's pending reply before the chat's pending scheduled messages: an
// official who answers a reminder during the morning's backlog is answered
// at once. But while scheduled messages wait, at most maxReplies of the
// rows claimed are replies: the rest of limit is left to scheduled
// messages, so that a flood of replies cannot hold the reminders back for
// ever (telegram.scheduled_share). Replies fill the whole claim when no
// scheduled message is ready. Within a priority, only the oldest pending
// row of a chat can be claimed: messages to one chat go out in the order
// they were enqueued (the parts of a long digest, a confirmation after the
// reply it confirms), even when an earlier one waits for a retry or is
// leased to another worker.
//
// Each bot's rows are a queue of their own (outbox_pending_idx leads with
// channel and bot), so the bots' lanes claim side by side.
func (s *Store) ClaimBotOutbox(ctx context.Context, channel, bot string, now time.Time, lease time.Duration, limit, maxReplies int, busy []int64) ([]OutboxRow, error) {
	if limit <= 0 {
		return nil, nil
	}
	maxReplies = max(0, min(maxReplies, limit))
	if busy == nil {
		busy = []int64{}
	}
	// One autocommit statement: the ARRAY(…) sub-select runs once, locks
	// the rows it considers (skipping those other workers hold) and the
	// UPDATE leases those it picks; the lease commits with the statement,
	// which also releases the rows considered but not picked. "Oldest
	// pending row of its chat" is a scalar sub-select, one lookup in
	// outbox_pending_chat_idx per candidate: written as NOT EXISTS it
	// became an anti-join which, with statistics taken when nothing was
	// pending (the usual state of the table), the planner ran as a nested
	// loop over every pending row for every pending row — 4 s per claim
	// with 3,000 pending rows. Each priority is one range of
	// outbox_pending_idx, scanned for at most limit candidates; of the
	// replies, as many are picked as maxReplies allows, or more when fewer
	// scheduled candidates than the rest of limit are ready.
	var claimed []OutboxRow
	err := s.db.SelectContext(ctx, &claimed, leaseStatement("$4", `
			WITH replies AS MATERIALIZED (`+claimCandidates("$6")+`
			), scheduled AS MATERIALIZED (`+claimCandidates("$7")+`
			), share AS (
				SELECT least((SELECT count(*) FROM replies), greatest($5, $3 - (SELECT count(*) FROM scheduled))) AS replies
			)
			SELECT r.id
			FROM (SELECT id, row_number() OVER (ORDER BY next_attempt_at, chat_rank, id) AS k FROM replies) r
			WHERE r.k <= (SELECT replies FROM share)
			UNION ALL
			SELECT c.id
			FROM (SELECT id, row_number() OVER (ORDER BY next_attempt_at, chat_rank, id) AS k FROM scheduled) c
			WHERE c.k <= $3 - (SELECT replies FROM share)`), now, pq.Array(busy), limit, now.Add(lease), maxReplies,
		PriorityReply, PriorityScheduled, channel, bot)
	if err != nil {
		return nil, fmt.Errorf("store: claim %s outbox of bot %s: %w", channel, bot, err)
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

// MarkOutboxSent records that row id was delivered as the channel's message
// messageID (0 for none) at now (MarkOutboxSentMany of one row).
func (s *Store) MarkOutboxSent(ctx context.Context, id, messageID int64, now time.Time) error {
	return s.MarkOutboxSentMany(ctx, []Delivered{{ID: id, MessageID: messageID}}, now)
}

// Delivered is an outbox row delivered as a message of its channel.
type Delivered struct {
	ID        int64 // outbox row
	MessageID int64 // the channel's message id (Telegram's), 0 for none
}

// markSentSQL is the statement of MarkOutboxSentMany: rows $1, delivered
// as messages $2, at $3.
const markSentSQL = `
		WITH sent AS (
			UPDATE outbox o
			SET status = 'sent', telegram_message_id = nullif(d.message_id, 0), sent_at = $3, last_error = ''
			FROM unnest($1::bigint[], $2::bigint[]) AS d(id, message_id)
			WHERE o.id = d.id AND o.` + rowPending + `
			RETURNING o.channel, o.chat_id)
		DELETE FROM chat_backoff b USING sent s WHERE b.channel = s.channel AND b.chat_id = s.chat_id`

// MarkOutboxSentMany records, in one statement, that each of the rows was
// delivered as its channel's message at now. A reply to a Telegram message
// maps back to its row through (chat_id, telegram_message_id). A delivery
// ends its chat's 429 backoff (RecordTooManyRequests).
func (s *Store) MarkOutboxSentMany(ctx context.Context, sent []Delivered, now time.Time) error {
	if len(sent) == 0 {
		return nil
	}
	ids := make(pq.Int64Array, len(sent))
	msgIDs := make(pq.Int64Array, len(sent))
	for i, d := range sent {
		ids[i], msgIDs[i] = d.ID, d.MessageID
	}
	_, err := s.db.ExecContext(ctx, markSentSQL, ids, msgIDs, now)
	if err != nil {
		return fmt.Errorf("store: mark %d outbox rows sent: %w", len(sent), err)
	}
	return nil
}

// RetryOutbox puts pending row id back to be attempted at next, keeping
// errText as its last error. When countAttempt is false (the channel is
// down or was asked to slow down; the message itself is fine) the attempt
// taken by the claim is given back.
func (s *Store) RetryOutbox(ctx context.Context, id int64, next time.Time, errText string, countAttempt bool) error {
	_, err := s.db.ExecContext(ctx, `
		UPDATE outbox
		SET next_attempt_at = $2, last_error = $3,
		    attempts = CASE WHEN $4 THEN attempts ELSE greatest(attempts - 1, 0) END
		WHERE id = $1 AND `+rowPending, id, next, errText, countAttempt)
	if err != nil {
		return fmt.Errorf("store: retry outbox row %d: %w", id, err)
	}
	return nil
}

// TooMany describes a 429 Too Many Requests answer to an outbox row, for
// RecordTooManyRequests.
type TooMany struct {
	ID     int64 // the outbox row
	ChatID int64 // its chat
	Now    time.Time
	// RetryAfter is Telegram's retry_after: how long the chat must wait.
	RetryAfter time.Duration
	// Free is how many consecutive 429 answers a chat may get before each
	// further one counts as an attempt of the message it refused.
	Free int
	// Backoff is the wait after a counted 429 when it is longer than
	// RetryAfter: the backoff of any failed attempt.
	Backoff time.Duration
	// MaxAttempts is how many attempts make the row dead.
	MaxAttempts int
	// Error is kept as the row's and the chat's last error.
	Error string
}

// TooManyOutcome is what RecordTooManyRequests decided.
type TooManyOutcome struct {
	Consecutive int       // the chat's consecutive 429 answers, this one included
	Counted     bool      // the answer counted as an attempt of the row
	Dead        bool      // the row reached MaxAttempts and is dead
	NotBefore   time.Time // when the chat may be sent to again
}

// RecordTooManyRequests records, in one transaction, that Telegram answered
// 429 to row t.ID: its chat is held back (no message of the chat, replies
// included, is claimed before NotBefore; other chats go on), the chat's
// count of consecutive 429 answers grows by one, and the row is due again
// at NotBefore. The first t.Free consecutive answers of a chat give back
// the attempt the claim took and wait RetryAfter; each further one counts
// as an attempt and waits the longer of RetryAfter and t.Backoff, and makes
// the row dead at t.MaxAttempts attempts. A delivery to the chat
// (MarkOutboxSent, MarkOutboxSentMany) ends its backoff and resets the
// count.
func (s *Store) RecordTooManyRequests(ctx context.Context, t TooMany) (TooManyOutcome, error) {
	var out TooManyOutcome
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		out = TooManyOutcome{NotBefore: t.Now.Add(t.RetryAfter)}
		// The chat is held back in the row's channel.
		err := tx.GetContext(ctx, &out.Consecutive, `
			INSERT INTO chat_backoff (channel, chat_id, not_before, too_many, last_error, updated_at)
			SELECT o.channel, $1, $2, 1, $3, $4 FROM outbox o WHERE o.id = $5
			ON CONFLICT (channel, chat_id) DO UPDATE
			SET not_before = greatest(chat_backoff.not_before, EXCLUDED.not_before),
			    too_many = chat_backoff.too_many + 1,
			    last_error = EXCLUDED.last_error, updated_at = EXCLUDED.updated_at
			RETURNING too_many`, t.ChatID, out.NotBefore, t.Error, t.Now, t.ID)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // no such row: nothing to hold back or reschedule
		}
		if err != nil {
			return fmt.Errorf("hold chat: %w", err)
		}
		out.Counted = out.Consecutive > t.Free
		if out.Counted && t.Backoff > t.RetryAfter {
			out.NotBefore = t.Now.Add(t.Backoff)
			if _, err := tx.ExecContext(ctx, `
				UPDATE chat_backoff SET not_before = greatest(not_before, $2)
				WHERE chat_id = $1 AND channel = (SELECT channel FROM outbox WHERE id = $3)`, t.ChatID, out.NotBefore, t.ID); err != nil {
				return fmt.Errorf("back chat off: %w", err)
			}
		}
		var status string
		err = tx.GetContext(ctx, &status, `
			UPDATE outbox
			SET next_attempt_at = $2, last_error = $3,
			    attempts = CASE WHEN $4 THEN attempts ELSE greatest(attempts - 1, 0) END,
			    status = CASE WHEN $4 AND attempts >= $5 THEN 'dead' ELSE status END
			WHERE id = $1 AND `+rowPending+`
			RETURNING status`, t.ID, out.NotBefore, t.Error, out.Counted, t.MaxAttempts)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // no longer pending: nothing to reschedule
		}
		if err != nil {
			return fmt.Errorf("reschedule row %d: %w", t.ID, err)
		}
		out.Dead = status == OutboxDead
		return nil
	})
	if err != nil {
		return TooManyOutcome{}, fmt.Errorf("store: 429 for outbox %d (chat %d): %w", t.ID, t.ChatID, err)
	}
	return out, nil
}

// KillOutbox marks row id dead: it will not be attempted again; errText is
// kept as its last error.
func (s *Store) KillOutbox(ctx context.Context, id int64, errText string) error {
	if err := killRow(ctx, s.db, id, errText); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}

// UnreachableNotice builds, for the office official to, the notice that
// official who cannot be reached on Telegram any more.
type UnreachableNotice func(to, who plan.Official) Payload

// MarkUnreachable records that chat chatID cannot be reached (the user
// blocked the bot): row id (when not zero) becomes dead with errText, and
// the active official linked to the chat gets unreachable_at = now. When
// that starts a new unreachable episode, every linked, reachable office
// official of the same unit is told once, with a message built by notice
// (dedupe key "unreachable:<official id>:<episode start>"). It returns the
// official marked, or ErrNotFound when no official is linked to chatID.
//
// Every write (the dead row, the mark, the office's notices) commits in one
// transaction of its own: it is the delivery side's effect of a bounce.
func (s *Store) MarkUnreachable(ctx context.Context, id, chatID int64, errText string, now time.Time, notice UnreachableNotice) (plan.Official, error) {
	var who plan.Official
	err := s.Tx(ctx, func(tx *Tx) error {
		var err error
		who, err = MarkUnreachableTx(ctx, tx, id, chatID, errText, now, notice)
		return err
	})
	if err != nil {
		return plan.Official{}, err
	}
	return who, nil
}

// MarkUnreachableTx is MarkUnreachable in the caller's transaction stx: the
// bot marks a chat that blocked it in the transaction of that update. On
// ErrNotFound the caller must roll back when id is not zero (the row was
// killed).
func MarkUnreachableTx(ctx context.Context, stx *Tx, id, chatID int64, errText string, now time.Time, notice UnreachableNotice) (plan.Official, error) {
	tx := stx.tx
	var who plan.Official
	if err := markUnreachable(ctx, tx, id, chatID, errText, now, notice, &who); err != nil {
		return plan.Official{}, fmt.Errorf("store: mark chat %d unreachable: %w", chatID, err)
	}
	return who, nil
}

// markUnreachable does the writes of MarkUnreachableTx, filling who.
func markUnreachable(ctx context.Context, tx *sqlx.Tx, id, chatID int64, errText string, now time.Time, notice UnreachableNotice, who *plan.Official) error {
	if id != 0 {
		if err := killRow(ctx, tx, id, errText); err != nil {
			return err
		}
	}
	err := tx.GetContext(ctx, who, `
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
	var office []plan.Official
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
		_, err := Enqueue(ctx, &Tx{tx: tx}, OutMessage{
			UnitID:     &unit,
			OfficialID: &to,
			ChatID:     *o.TelegramChatID,
			DedupeKey:  "unreachable:" + strconv.FormatInt(who.ID, 10) + ":" + now.UTC().Format(time.RFC3339Nano) + ":" + strconv.FormatInt(o.ID, 10),
			Kind:       "notice",
			Payload:    notice(o, *who),
			NotBefore:  now,
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// MarkReachable clears the unreachable mark of the official linked to chat
// chatID (the user unblocked the bot). It is not an error when no official
// is linked to the chat.
func (s *Store) MarkReachable(ctx context.Context, wr Writer, chatID int64, now time.Time) error {
	q := wr.execer()
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
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `
			UPDATE officials SET telegram_chat_id = $2, updated_at = $3
			WHERE telegram_chat_id = $1`, from, to, now); err != nil {
			return fmt.Errorf("move official: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `
			UPDATE outbox SET chat_id = $2
			WHERE channel = 'telegram' AND chat_id = $1 AND status = 'pending'`, from, to); err != nil {
			return fmt.Errorf("move pending messages: %w", err)
		}
		if id != 0 {
			if _, err := tx.ExecContext(ctx, `
				UPDATE outbox SET next_attempt_at = $2, attempts = greatest(attempts - 1, 0)
				WHERE id = $1 AND `+rowPending, id, now); err != nil {
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
func OutboxByMessage(ctx context.Context, rd Reader, chatID, messageID int64) (OutboxRow, error) {
	q := rd.queryer()
	var r OutboxRow
	err := sqlx.GetContext(ctx, q, &r, `
		SELECT `+outboxColumns+`
		FROM outbox
		WHERE chat_id = $1 AND telegram_message_id = $2 AND channel = 'telegram'
		ORDER BY id DESC
		LIMIT 1`, chatID, messageID)
	if err != nil {
		return OutboxRow{}, fmt.Errorf("store: outbox message %d in chat %d: %w", messageID, chatID, notFound(err))
	}
	return r, nil
}

// OutboxRows returns every Telegram outbox row, oldest first, for tests and
// diagnostics; kind filters when not empty. EmailRows returns the e-mails.
func (s *Store) OutboxRows(ctx context.Context, kind string) ([]OutboxRow, error) {
	return outboxRows(ctx, s.db, ChannelTelegram, kind)
}

// NextOutboxDue returns when the earliest pending Telegram row is due, and
// false when there is none.
func (s *Store) NextOutboxDue(ctx context.Context) (time.Time, bool, error) {
	var next *time.Time
	// One probe of outbox_pending_idx per priority.
	err := s.db.GetContext(ctx, &next, `
		SELECT LEAST(
			(SELECT min(next_attempt_at) FROM outbox WHERE channel = $3 AND status = 'pending' AND priority = $1),
			(SELECT min(next_attempt_at) FROM outbox WHERE channel = $3 AND status = 'pending' AND priority = $2))`,
		PriorityReply, PriorityScheduled, ChannelTelegram)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("store: next outbox due: %w", err)
	}
	if next == nil {
		return time.Time{}, false, nil
	}
	return *next, true, nil
}

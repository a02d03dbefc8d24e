package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// updateIDReuseWindow bounds the processed updates UpdateOffset looks at:
// Telegram picks the next update_id at random after a week without updates,
// so an offset derived from older ids could hide new updates.
const updateIDReuseWindow = 6 * 24 * time.Hour

// MarkUpdateProcessed records, in the transaction that applies the
// update's effects, that Telegram update updateID is processed. It reports
// false when the update was already processed (the caller must then change
// nothing). A concurrent transaction recording the same id blocks until the
// first commits or rolls back.
func MarkUpdateProcessed(ctx context.Context, wr Writer, updateID int64, now time.Time) (bool, error) {
	return MarkBotUpdateProcessed(ctx, wr, DefaultBot, updateID, now)
}

// MarkBotUpdateProcessed is MarkUpdateProcessed of an update of bot:
// Telegram numbers each bot's updates on its own.
func MarkBotUpdateProcessed(ctx context.Context, wr Writer, bot string, updateID int64, now time.Time) (bool, error) {
	q := wr.execer()
	res, err := q.ExecContext(ctx, `
		INSERT INTO processed_updates (bot, update_id, processed_at) VALUES ($3, $1, $2)
		ON CONFLICT (bot, update_id) DO NOTHING`, updateID, now, bot)
	if err != nil {
		return false, fmt.Errorf("store: mark update %d processed: %w", updateID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: mark update %d processed: %w", updateID, err)
	}
	return n == 1, nil
}

// UpdateProcessed reports whether Telegram update updateID is processed.
func (s *Store) UpdateProcessed(ctx context.Context, updateID int64) (bool, error) {
	var ok bool
	err := s.db.GetContext(ctx, &ok, `
		SELECT EXISTS (SELECT 1 FROM processed_updates WHERE update_id = $1)`, updateID)
	if err != nil {
		return false, fmt.Errorf("store: update %d processed: %w", updateID, err)
	}
	return ok, nil
}

// UpdateOffset returns the getUpdates offset to resume polling from: one
// more than the largest update id processed in the last six days, or 0
// (every update Telegram still holds) when there is none. Updates
// re-delivered from an older offset are skipped by MarkUpdateProcessed.
func (s *Store) UpdateOffset(ctx context.Context, now time.Time) (int64, error) {
	return s.BotUpdateOffset(ctx, DefaultBot, now)
}

// BotUpdateOffset is UpdateOffset of the updates of bot.
func (s *Store) BotUpdateOffset(ctx context.Context, bot string, now time.Time) (int64, error) {
	var maxID *int64
	err := s.db.GetContext(ctx, &maxID, `
		SELECT max(update_id) FROM processed_updates WHERE bot = $2 AND processed_at >= $1`,
		now.Add(-updateIDReuseWindow), bot)
	if err != nil {
		return 0, fmt.Errorf("store: update offset: %w", err)
	}
	if maxID == nil {
		return 0, nil
	}
	return *maxID + 1, nil
}

// ChatState loads the conversation state of chat chatID into v. It
// reports false, leaving v alone, when the chat has no state or its state
// was last set before since (an abandoned conversation).
func ChatState(ctx context.Context, rd Reader, chatID int64, since time.Time, v any) (bool, error) {
	q := rd.queryer()
	var raw []byte
	err := sqlx.GetContext(ctx, q, &raw, `
		SELECT state FROM chat_states WHERE chat_id = $1 AND updated_at >= $2`, chatID, since)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return false, nil
		}
		return false, fmt.Errorf("store: chat state of %d: %w", chatID, err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return false, fmt.Errorf("store: chat state of %d: decode: %w", chatID, err)
	}
	return true, nil
}

// SetChatState stores v as the conversation state of chat chatID.
func SetChatState(ctx context.Context, wr Writer, chatID int64, v any, now time.Time) error {
	q := wr.execer()
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("store: set chat state of %d: encode: %w", chatID, err)
	}
	_, err = q.ExecContext(ctx, `
		INSERT INTO chat_states (chat_id, state, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (chat_id) DO UPDATE SET state = EXCLUDED.state, updated_at = EXCLUDED.updated_at`,
		chatID, raw, now)
	if err != nil {
		return fmt.Errorf("store: set chat state of %d: %w", chatID, err)
	}
	return nil
}

// ClearChatState forgets the conversation state of chat chatID.
func ClearChatState(ctx context.Context, wr Writer, chatID int64) error {
	q := wr.execer()
	if _, err := q.ExecContext(ctx, `DELETE FROM chat_states WHERE chat_id = $1`, chatID); err != nil {
		return fmt.Errorf("store: clear chat state of %d: %w", chatID, err)
	}
	return nil
}

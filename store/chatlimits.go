package store

import (
	"context"
	"fmt"
	"time"
)

// ChatLimit is the inbound rate-limit state of one chat (table
// chat_limits): its token bucket and when it was last answered while
// unlinked and last told to slow down.
type ChatLimit struct {
	ChatID int64 `db:"chat_id"`
	// Tokens is what the chat's bucket held at TokensAt.
	Tokens   float64   `db:"tokens"`
	TokensAt time.Time `db:"tokens_at"`
	// AnsweredAt is the last answer to the chat while it was unlinked (or
	// its sender was locked out of linking); nil when never.
	AnsweredAt *time.Time `db:"answered_at"`
	// NoticedAt is the last "slow down" notice; nil when never.
	NoticedAt *time.Time `db:"noticed_at"`
}

// LockChatLimit returns the limit state of chat chatID, locking its row
// until stx ends so that updates of one chat handled concurrently (two
// replicas) decide one after the other. A chat seen for the first time
// starts with tokens at now.
func LockChatLimit(ctx context.Context, stx *Tx, chatID int64, tokens float64, now time.Time) (ChatLimit, error) {
	tx := stx.tx
	var l ChatLimit
	// The no-op update locks an existing row and returns it as committed
	// by the transaction that held it before.
	err := tx.GetContext(ctx, &l, `
		INSERT INTO chat_limits (chat_id, tokens, tokens_at) VALUES ($1, $2, $3)
		ON CONFLICT (chat_id) DO UPDATE SET chat_id = EXCLUDED.chat_id
		RETURNING chat_id, tokens, tokens_at, answered_at, noticed_at`, chatID, tokens, now)
	if err != nil {
		return ChatLimit{}, fmt.Errorf("store: lock chat limit of %d: %w", chatID, err)
	}
	return l, nil
}

// SaveChatLimit writes back the limit state l locked by LockChatLimit.
func SaveChatLimit(ctx context.Context, stx *Tx, l ChatLimit) error {
	tx := stx.tx
	_, err := tx.ExecContext(ctx, `
		UPDATE chat_limits SET tokens = $2, tokens_at = $3, answered_at = $4, noticed_at = $5
		WHERE chat_id = $1`, l.ChatID, l.Tokens, l.TokensAt, l.AnsweredAt, l.NoticedAt)
	if err != nil {
		return fmt.Errorf("store: save chat limit of %d: %w", l.ChatID, err)
	}
	return nil
}

package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// LastActionableMessage is LastNamingMessage without the bot's own answers
// about one item (outbox kind "reply" without Refs: the confirmation of a
// progress report, of a reading, of an assignment): a typed answer on Zalo
// ("2 xong" after "1 xong") is about the reminder, brief or list the person
// is working through, not about the confirmation of their last answer. A
// list the bot sent as an answer (/viec, /quahan) counts. ErrNotFound when
// there is none (left).
func LastActionableMessage(ctx context.Context, rd Reader, chatID int64) (OutboxRow, error) {
	return lastActionable(ctx, rd, chatID, `occurrence_id IS NOT NULL OR target_id IS NOT NULL OR payload ? 'refs'`)
}

// LastTaskMessage is LastActionableMessage among the messages naming
// occurrences (not targets).
func LastTaskMessage(ctx context.Context, rd Reader, chatID int64) (OutboxRow, error) {
	return lastActionable(ctx, rd, chatID, `occurrence_id IS NOT NULL OR payload ? 'refs'`)
}

// lastActionable is the last sent Zalo message to chatID, not the bot's
// answer about one item, matching the condition names.
func lastActionable(ctx context.Context, rd Reader, chatID int64, names string) (OutboxRow, error) {
	var r OutboxRow
	err := sqlx.GetContext(ctx, rd.queryer(), &r, `
		SELECT `+outboxColumns+`
		FROM outbox
		WHERE channel = 'zalo' AND status = 'sent' AND chat_id = $1
		  AND (`+names+`)
		  AND (kind <> 'reply' OR payload ? 'refs')
		ORDER BY sent_at DESC, id DESC
		LIMIT 1`, chatID)
	if err != nil {
		return OutboxRow{}, fmt.Errorf("store: last message naming items in chat %d: %w", chatID, notFound(err))
	}
	return r, nil
}

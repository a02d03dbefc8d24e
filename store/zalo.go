package store

import (
	"context"
	"fmt"
	"sync"

	"github.com/jmoiron/sqlx"
)

// ChannelZalo is the channel of Zalo's outbox rows.
const ChannelZalo = "zalo"

// ZaloChatBase is the first surrogate id of a Zalo chat or user
// (migration 00078): Telegram's chat ids are far below it, so a chat id
// names its channel (ChatChannel).
const ZaloChatBase int64 = 1 << 62

// ChatChannel is the channel of a chat id: ChannelZalo for a Zalo
// surrogate, ChannelTelegram for any other id.
func ChatChannel(chatID int64) string {
	if chatID >= ZaloChatBase {
		return ChannelZalo
	}
	return ChannelTelegram
}

// ZaloChats keeps the surrogate ids of the Zalo platform's string ids of
// chats and users in zalo_chats, issued on first sight and never changed,
// with a cache in memory (the mapping never changes, so the cache is never
// stale). It implements zalo.Chats. It is safe for concurrent use.
type ZaloChats struct {
	st *Store

	mu   sync.Mutex
	ids  map[string]int64
	back map[int64]string
}

// ZaloChats returns the store's mapping of Zalo ids.
func (s *Store) ZaloChats() *ZaloChats {
	return &ZaloChats{st: s, ids: make(map[string]int64), back: make(map[int64]string)}
}

// zaloCacheMax bounds the cache: past it the cache is dropped and refilled
// as chats are seen (an office has a few hundred).
const zaloCacheMax = 100_000

func (z *ZaloChats) remember(id string, s int64) {
	z.mu.Lock()
	defer z.mu.Unlock()
	if len(z.ids) >= zaloCacheMax {
		z.ids, z.back = make(map[string]int64), make(map[int64]string)
	}
	z.ids[id], z.back[s] = s, id
}

// Surrogate returns the surrogate id of a platform id, issuing it on first
// sight. Issuing commits at once, outside any update's transaction: a
// surrogate issued for an update that then fails stays, unused, which is
// harmless.
func (z *ZaloChats) Surrogate(ctx context.Context, platformID string) (int64, error) {
	if platformID == "" {
		return 0, fmt.Errorf("store: zalo chat: empty id")
	}
	z.mu.Lock()
	s, ok := z.ids[platformID]
	z.mu.Unlock()
	if ok {
		return s, nil
	}
	err := sqlx.GetContext(ctx, z.st.db, &s, `
		WITH ins AS (
			INSERT INTO zalo_chats (platform_id) VALUES ($1)
			ON CONFLICT (platform_id) DO NOTHING
			RETURNING id)
		SELECT id FROM ins
		UNION ALL
		SELECT id FROM zalo_chats WHERE platform_id = $1
		LIMIT 1`, platformID)
	if err != nil {
		return 0, fmt.Errorf("store: zalo chat %q: %w", platformID, err)
	}
	z.remember(platformID, s)
	return s, nil
}

// PlatformID returns the platform id of a surrogate; ErrNotFound when it
// was never issued.
func (z *ZaloChats) PlatformID(ctx context.Context, surrogate int64) (string, error) {
	z.mu.Lock()
	id, ok := z.back[surrogate]
	z.mu.Unlock()
	if ok {
		return id, nil
	}
	err := sqlx.GetContext(ctx, z.st.db, &id, `SELECT platform_id FROM zalo_chats WHERE id = $1`, surrogate)
	if err != nil {
		return "", fmt.Errorf("store: zalo chat %d: %w", surrogate, notFound(err))
	}
	z.remember(id, surrogate)
	return id, nil
}

// LastActionableMessage returns the last message sent to a Zalo chat that
// names items a person can act on (an occurrence, a target, or a list of
// occurrences in Refs) — the platform has no reply-to, so a typed answer
// ("2 xong", "60%") is about it — leaving out the bot's own answers
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

// UnitsOnZalo returns the ids of the units with an active official linked
// on Zalo, in order: the units whose office is told when the Zalo
// platform refuses the bot's token.
func UnitsOnZalo(ctx context.Context, rd Reader) ([]int64, error) {
	var ids []int64
	err := sqlx.SelectContext(ctx, rd.queryer(), &ids, `
		SELECT DISTINCT unit_id FROM officials
		WHERE telegram_chat_id >= $1 AND archived_at IS NULL
		ORDER BY unit_id`, ZaloChatBase)
	if err != nil {
		return nil, fmt.Errorf("store: units with officials on zalo: %w", err)
	}
	return ids, nil
}

// OutboxRowsTo returns every outbox row to a chat, of any channel, oldest
// first: for tests and diagnostics.
func (s *Store) OutboxRowsTo(ctx context.Context, chatID int64) ([]OutboxRow, error) {
	var rows []OutboxRow
	err := s.db.SelectContext(ctx, &rows, `SELECT `+outboxColumns+` FROM outbox WHERE chat_id = $1 ORDER BY id`, chatID)
	if err != nil {
		return nil, fmt.Errorf("store: outbox rows to chat %d: %w", chatID, err)
	}
	return rows, nil
}

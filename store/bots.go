package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/nhacviec/nhacviec/plan"
)

// Several Telegram bots (config telegram.bots). Every unit is served by one
// bot (units.telegram_bot, written by AssignUnitBots from the
// configuration); a bot can only write to a chat that has started it, so an
// official is reached through the bot the official linked on
// (officials.telegram_bot), and every Telegram outbox row names the bot
// that sends it (outbox.bot, derived from the official of its chat when
// enqueued). When a unit's bot changes, its officials move to the new bot
// once they have started it (MoveToBot, StartBot); until then their
// messages keep going through the bot they linked on, or wait for them
// when that bot is no longer configured (StrandedMessages).

// AssignUnitBots records, for every unit, the bot that serves it: the bot
// listing the unit or its nearest listed ancestor (listed maps unit codes
// to bot names, config telegram.bots), DefaultBot when none does. It
// returns the listed codes that name no unit, sorted, and how many units
// changed bot. Several processes may run it at once: each writes the same.
func (s *Store) AssignUnitBots(ctx context.Context, listed map[string]string) (missing []string, changed int, err error) {
	codes := make(pq.StringArray, 0, len(listed))
	bots := make(pq.StringArray, 0, len(listed))
	for code, bot := range listed {
		codes = append(codes, code)
		bots = append(bots, bot)
	}
	res, err := s.db.ExecContext(ctx, `
		WITH RECURSIVE l AS (
			SELECT * FROM unnest($1::text[], $2::text[]) AS l(code, bot)
		), t AS (
			SELECT u.id, coalesce(l.bot, 'default') AS bot
			FROM units u LEFT JOIN l ON l.code = u.code
			WHERE u.parent_id IS NULL
			UNION ALL
			SELECT u.id, coalesce(l.bot, t.bot)
			FROM units u JOIN t ON u.parent_id = t.id LEFT JOIN l ON l.code = u.code
		)
		UPDATE units SET telegram_bot = t.bot
		FROM t
		WHERE units.id = t.id AND units.telegram_bot <> t.bot`, codes, bots)
	if err != nil {
		return nil, 0, fmt.Errorf("store: assign the units' bots: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return nil, 0, fmt.Errorf("store: assign the units' bots: %w", err)
	}
	err = s.db.SelectContext(ctx, &missing, `
		SELECT c FROM unnest($1::text[]) AS c
		WHERE NOT EXISTS (SELECT 1 FROM units u WHERE u.code = c)
		ORDER BY c`, codes)
	if err != nil {
		return nil, 0, fmt.Errorf("store: assign the units' bots: %w", err)
	}
	return missing, int(n), nil
}

// UnitBot returns the name of the bot serving unit id.
func UnitBot(ctx context.Context, rd Reader, unitID int64) (string, error) {
	var bot string
	if err := sqlx.GetContext(ctx, rd.queryer(), &bot, `SELECT telegram_bot FROM units WHERE id = $1`, unitID); err != nil {
		return "", fmt.Errorf("store: bot of unit %d: %w", unitID, notFound(err))
	}
	return bot, nil
}

// SaveBotUsername records the username Telegram gave bot (getMe), for
// invite links and for the bots to name each other.
func (s *Store) SaveBotUsername(ctx context.Context, bot, username string, now time.Time) error {
	_, err := s.db.ExecContext(ctx, `
		INSERT INTO telegram_bots (name, username, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO UPDATE SET username = EXCLUDED.username, updated_at = EXCLUDED.updated_at
		WHERE telegram_bots.username <> EXCLUDED.username`, bot, username, now)
	if err != nil {
		return fmt.Errorf("store: save the username of bot %s: %w", bot, err)
	}
	return nil
}

// BotUsernames returns the usernames of the bots serve has run, by name.
func BotUsernames(ctx context.Context, rd Reader) (map[string]string, error) {
	var rows []struct {
		Name     string `db:"name"`
		Username string `db:"username"`
	}
	if err := sqlx.SelectContext(ctx, rd.queryer(), &rows, `SELECT name, username FROM telegram_bots`); err != nil {
		return nil, fmt.Errorf("store: bots' usernames: %w", err)
	}
	m := make(map[string]string, len(rows))
	for _, r := range rows {
		m[r.Name] = r.Username
	}
	return m, nil
}

// BotMove is an official of a unit whose bot is not the one the official
// is linked through.
type BotMove struct {
	OfficialID int64  `db:"id"`
	UnitID     int64  `db:"unit_id"`
	Name       string `db:"name"`
	ChatID     int64  `db:"chat_id"`
	Language   string `db:"language"` // the official's own language, "" for the configured one
	From       string `db:"from_bot"` // the bot the official is linked through
	To         string `db:"to_bot"`   // the bot serving the official's unit
}

// MoveToBot moves to bot the officials of the units bot serves who are
// linked (on Telegram) through another bot and have started bot, with their
// pending Telegram messages, and returns them; it also returns the
// officials who have not started bot yet, who keep their bot until they
// do (StartBot moves them then). One transaction.
func (s *Store) MoveToBot(ctx context.Context, bot string) (moved, waiting []BotMove, err error) {
	err = s.Tx(ctx, func(tx *Tx) error {
		var all []struct {
			BotMove
			Started bool `db:"started"`
		}
		err := tx.tx.SelectContext(ctx, &all, `
			SELECT o.id, o.unit_id, o.name, o.telegram_chat_id AS chat_id, o.language, o.telegram_bot AS from_bot,
			       u.telegram_bot AS to_bot,
			       EXISTS (SELECT 1 FROM bot_starts b WHERE b.bot = u.telegram_bot AND b.chat_id = o.telegram_chat_id) AS started
			FROM officials o JOIN units u ON u.id = o.unit_id
			WHERE u.telegram_bot = $1 AND o.telegram_bot <> $1
			  AND o.telegram_chat_id IS NOT NULL AND o.telegram_chat_id < $2 AND o.archived_at IS NULL
			ORDER BY o.unit_id, o.id
			FOR UPDATE OF o`, bot, ZaloChatBase)
		if err != nil {
			return err
		}
		for _, m := range all {
			if !m.Started {
				waiting = append(waiting, m.BotMove)
				continue
			}
			if err := moveOfficialToBot(ctx, tx.tx, m.OfficialID, m.ChatID, bot); err != nil {
				return err
			}
			moved = append(moved, m.BotMove)
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("store: move officials to bot %s: %w", bot, err)
	}
	return moved, waiting, nil
}

// moveOfficialToBot makes bot the one official id (of Telegram chat chat)
// is reached through, with the chat's pending Telegram messages. A row
// leased to the old bot's lane keeps its lease: if that send fails, the
// new bot's lane takes the row.
func moveOfficialToBot(ctx context.Context, tx *sqlx.Tx, id, chat int64, bot string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE officials SET telegram_bot = $2 WHERE id = $1`, id, bot); err != nil {
		return fmt.Errorf("move official %d to bot %s: %w", id, bot, err)
	}
	if _, err := tx.ExecContext(ctx, `
		UPDATE outbox SET bot = $2
		WHERE channel = 'telegram' AND status = 'pending' AND chat_id = $1 AND bot <> $2`, chat, bot); err != nil {
		return fmt.Errorf("move the messages of chat %d to bot %s: %w", chat, bot, err)
	}
	return nil
}

// StartBot records, in the caller's transaction tx, that Telegram chat
// chat started bot (sent it /start). When the official linked to chat
// belongs to a unit bot serves but is linked through another bot, it
// moves the official and the chat's pending Telegram messages to bot and
// returns true.
func StartBot(ctx context.Context, tx *Tx, bot string, chat int64, now time.Time) (moved bool, err error) {
	if _, err := tx.tx.ExecContext(ctx, `
		INSERT INTO bot_starts (bot, chat_id, started_at) VALUES ($1, $2, $3)
		ON CONFLICT (bot, chat_id) DO NOTHING`, bot, chat, now); err != nil {
		return false, fmt.Errorf("store: record that chat %d started bot %s: %w", chat, bot, err)
	}
	var id int64
	err = tx.tx.GetContext(ctx, &id, `
		SELECT o.id
		FROM officials o JOIN units u ON u.id = o.unit_id
		WHERE o.telegram_chat_id = $1 AND u.telegram_bot = $2 AND o.telegram_bot <> $2 AND o.archived_at IS NULL
		FOR UPDATE OF o`, chat, bot)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return false, nil
		}
		return false, fmt.Errorf("store: official of chat %d: %w", chat, err)
	}
	if err := moveOfficialToBot(ctx, tx.tx, id, chat, bot); err != nil {
		return false, fmt.Errorf("store: %w", err)
	}
	return true, nil
}

// LinkBot records, in the caller's transaction tx, that the official
// linked to chat linked through bot: it is reached through bot from now on.
func LinkBot(ctx context.Context, tx *Tx, chat int64, bot string) error {
	if _, err := tx.tx.ExecContext(ctx, `UPDATE officials SET telegram_bot = $2 WHERE telegram_chat_id = $1`, chat, bot); err != nil {
		return fmt.Errorf("store: link chat %d through bot %s: %w", chat, bot, err)
	}
	return nil
}

// BotBacklog is how many pending Telegram messages wait for a bot.
type BotBacklog struct {
	Bot     string    `db:"bot"`
	Pending int       `db:"pending"`
	Oldest  time.Time `db:"oldest"`
}

// StrandedMessages returns, by bot, the pending Telegram messages of the
// bots not in bots (the bots removed from the configuration). They wait:
// each official's go out through the new bot of the official's unit once
// the official starts it (StartBot), or through the bot again if it is
// configured back.
func (s *Store) StrandedMessages(ctx context.Context, bots []string) ([]BotBacklog, error) {
	var out []BotBacklog
	err := s.db.SelectContext(ctx, &out, `
		SELECT bot, count(*) AS pending, min(created_at) AS oldest
		FROM outbox
		WHERE channel = 'telegram' AND status = 'pending' AND bot <> ALL($1::text[])
		GROUP BY bot`, pq.StringArray(bots))
	if err != nil {
		return nil, fmt.Errorf("store: messages waiting for a bot not configured: %w", err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Bot < out[j].Bot })
	return out, nil
}

// OfficeOutsideBot returns the office officials who can be told that bot
// does not work: those of the units bot serves and those of the top units
// (the office running the service), linked, reachable and not reached
// through bot itself (on Zalo, or through another bot).
func OfficeOutsideBot(ctx context.Context, rd Reader, bot string) ([]plan.Official, error) {
	var out []plan.Official
	err := sqlx.SelectContext(ctx, rd.queryer(), &out, `
		SELECT `+OfficialColumns+`
		FROM officials
		WHERE id IN (SELECT o.id
		             FROM officials o JOIN units u ON u.id = o.unit_id
		             WHERE (u.telegram_bot = $1 OR u.parent_id IS NULL) AND 'office' = ANY(o.roles)
		               AND o.telegram_chat_id IS NOT NULL AND o.unreachable_at IS NULL AND o.archived_at IS NULL
		               AND (o.telegram_chat_id >= $2 OR o.telegram_bot <> $1))
		ORDER BY unit_id, id`, bot, ZaloChatBase)
	if err != nil {
		return nil, fmt.Errorf("store: office officials outside bot %s: %w", bot, err)
	}
	return out, nil
}

// UnitsServedBy counts the units bot serves.
func UnitsServedBy(ctx context.Context, rd Reader, bot string) (int, error) {
	var n int
	if err := sqlx.GetContext(ctx, rd.queryer(), &n, `SELECT count(*) FROM units WHERE telegram_bot = $1`, bot); err != nil {
		return 0, fmt.Errorf("store: units of bot %s: %w", bot, err)
	}
	return n, nil
}

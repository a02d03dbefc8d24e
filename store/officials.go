package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// roleRank orders officials chairman first, then office, then members.
const roleRank = `CASE WHEN 'chairman' = ANY(o.roles) THEN 0
	WHEN 'office' = ANY(o.roles) THEN 1 ELSE 2 END`

// officialColumnsO is OfficialColumns qualified with the alias "o".
const officialColumnsO = `o.id, o.unit_id, o.key, o.name, o.position, o.roles, o.email, o.language,
	o.telegram_user_id, o.telegram_chat_id, o.telegram_username, o.linked_at, o.unreachable_at,
	o.archived_at`

// unitColumns is the explicit column list matching Unit.
const unitColumns = `id, code, name, parent_id, timezone`

// Officials returns every official of the unit with code unitCode, archived
// ones included (their ArchivedAt is set), ordered chairman first, then
// office, then members, and by key within a role. An unknown unit yields an
// empty list.
func (s *Store) Officials(ctx context.Context, unitCode string) ([]Official, error) {
	var officials []Official
	err := s.db.SelectContext(ctx, &officials, `
		SELECT `+officialColumnsO+`
		FROM officials o
		JOIN units u ON u.id = o.unit_id
		WHERE u.code = $1
		ORDER BY `+roleRank+`, o.key`, unitCode)
	if err != nil {
		return nil, fmt.Errorf("store: officials of unit %q: %w", unitCode, err)
	}
	return officials, nil
}

// OfficialByKey returns the official with the given key in the unit with
// code unitCode, archived or not. It returns ErrNotFound when there is none.
func (s *Store) OfficialByKey(ctx context.Context, unitCode, key string) (Official, error) {
	var o Official
	err := s.db.GetContext(ctx, &o, `
		SELECT `+officialColumnsO+`
		FROM officials o
		JOIN units u ON u.id = o.unit_id
		WHERE u.code = $1 AND o.key = $2`, unitCode, key)
	if err != nil {
		return Official{}, fmt.Errorf("store: official %s/%s: %w", unitCode, key, notFound(err))
	}
	return o, nil
}

// OfficialByChat returns the active official whose Telegram chat is chatID.
// It returns ErrNotFound when no official is linked to that chat or when the
// linked official has been archived (removed from the plan file): an
// archived official is treated as an unlinked chat and sees no plan data.
func (s *Store) OfficialByChat(ctx context.Context, chatID int64) (Official, error) {
	return OfficialOfChat(ctx, s, chatID)
}

// OfficialOfChat is OfficialByChat as seen by rd: the bot identifies the
// sender of an update in the update's transaction.
func OfficialOfChat(ctx context.Context, rd Reader, chatID int64) (Official, error) {
	q := rd.queryer()
	var o Official
	err := sqlx.GetContext(ctx, q, &o, `
		SELECT `+OfficialColumns+`
		FROM officials
		WHERE telegram_chat_id = $1 AND archived_at IS NULL`, chatID)
	if err != nil {
		return Official{}, fmt.Errorf("store: official of chat %d: %w", chatID, notFound(err))
	}
	return o, nil
}

// Units returns every unit ordered by code.
func (s *Store) Units(ctx context.Context) ([]Unit, error) {
	var units []Unit
	err := s.db.SelectContext(ctx, &units, `
		SELECT `+unitColumns+`
		FROM units
		ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("store: units: %w", err)
	}
	return units, nil
}

// UnitByCode returns the unit with the given code, or ErrNotFound.
func (s *Store) UnitByCode(ctx context.Context, code string) (Unit, error) {
	var u Unit
	err := s.db.GetContext(ctx, &u, `
		SELECT `+unitColumns+`
		FROM units
		WHERE code = $1`, code)
	if err != nil {
		return Unit{}, fmt.Errorf("store: unit %q: %w", code, notFound(err))
	}
	return u, nil
}

package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/nhacviec/nhacviec/plan"
)

// roleRank orders officials chairman first, then vice-chairmen, office,
// members and partners.
const roleRank = `CASE WHEN 'chairman' = ANY(o.roles) THEN 0
	WHEN 'vice_chairman' = ANY(o.roles) THEN 1
	WHEN 'office' = ANY(o.roles) THEN 2
	WHEN 'partner' = ANY(o.roles) THEN 4 ELSE 3 END`

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
func (s *Store) Officials(ctx context.Context, unitCode string) ([]plan.Official, error) {
	var officials []plan.Official
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
func (s *Store) OfficialByKey(ctx context.Context, unitCode, key string) (plan.Official, error) {
	var o plan.Official
	err := s.db.GetContext(ctx, &o, `
		SELECT `+officialColumnsO+`
		FROM officials o
		JOIN units u ON u.id = o.unit_id
		WHERE u.code = $1 AND o.key = $2`, unitCode, key)
	if err != nil {
		return plan.Official{}, fmt.Errorf("store: official %s/%s: %w", unitCode, key, notFound(err))
	}
	return o, nil
}

// OfficialByChat returns the active official whose Telegram chat is chatID.
// It returns ErrNotFound when no official is linked to that chat or when the
// linked official has been archived (removed from the plan file): an
// archived official is treated as an unlinked chat and sees no plan data.
func (s *Store) OfficialByChat(ctx context.Context, chatID int64) (plan.Official, error) {
	return OfficialOfChat(ctx, s, chatID)
}

// OfficialOfChat is OfficialByChat as seen by rd: the bot identifies the
// sender of an update in the update's transaction.
func OfficialOfChat(ctx context.Context, rd Reader, chatID int64) (plan.Official, error) {
	q := rd.queryer()
	var o plan.Official
	err := sqlx.GetContext(ctx, q, &o, `
		SELECT `+OfficialColumns+`
		FROM officials
		WHERE telegram_chat_id = $1 AND archived_at IS NULL`, chatID)
	if err != nil {
		return plan.Official{}, fmt.Errorf("store: official of chat %d: %w", chatID, notFound(err))
	}
	return o, nil
}

// OfficialColumns is the explicit column list matching Official.
const OfficialColumns = `id, unit_id, key, name, position, roles, email, language, telegram_user_id,
	telegram_chat_id, telegram_username, linked_at, unreachable_at, archived_at`

// OfficialsOf returns, in one query, every official of the units unitIDs,
// archived ones included, by unit id, each unit's ordered as Officials
// orders them (chairman first, then office, then members, by key within a
// role).
func OfficialsOf(ctx context.Context, rd Reader, unitIDs []int64) (map[int64][]plan.Official, error) {
	q := rd.queryer()
	out := make(map[int64][]plan.Official, len(unitIDs))
	if len(unitIDs) == 0 {
		return out, nil
	}
	var officials []plan.Official
	err := sqlx.SelectContext(ctx, q, &officials, `
		SELECT `+officialColumnsO+`
		FROM officials o
		WHERE o.unit_id = ANY($1)
		ORDER BY o.unit_id, `+roleRank+`, o.key`, pq.Int64Array(unitIDs))
	if err != nil {
		return nil, fmt.Errorf("store: officials of %s: %w", unitsLabel(unitIDs), err)
	}
	for _, o := range officials {
		out[o.UnitID] = append(out[o.UnitID], o)
	}
	return out, nil
}

// LinkedOfficeOfficials returns the office officials of the unit unitID
// who can be told something on Telegram (linked, reachable, active),
// other than the official except (0: none).
func LinkedOfficeOfficials(ctx context.Context, rd Reader, unitID, except int64) ([]plan.Official, error) {
	q := rd.queryer()
	var office []plan.Official
	err := sqlx.SelectContext(ctx, q, &office, `
		SELECT `+OfficialColumns+`
		FROM officials
		WHERE unit_id = $1 AND 'office' = ANY(roles) AND id <> $2
		  AND telegram_chat_id IS NOT NULL AND unreachable_at IS NULL AND archived_at IS NULL
		ORDER BY id`, unitID, except)
	if err != nil {
		return nil, fmt.Errorf("store: office officials of unit %d: %w", unitID, err)
	}
	return office, nil
}

// OfficeOfficials returns the active office officials of the unit unitID,
// linked or not (the people a chat that lost an official should contact).
func OfficeOfficials(ctx context.Context, rd Reader, unitID int64) ([]plan.Official, error) {
	q := rd.queryer()
	var office []plan.Official
	err := sqlx.SelectContext(ctx, q, &office, `
		SELECT `+OfficialColumns+`
		FROM officials
		WHERE unit_id = $1 AND 'office' = ANY(roles) AND archived_at IS NULL
		ORDER BY id`, unitID)
	if err != nil {
		return nil, fmt.Errorf("store: office officials of unit %d: %w", unitID, err)
	}
	return office, nil
}

// ActiveOfficials returns the officials of the unit unitID that are not
// archived, linked or not, ordered chairman first, then office, then
// members, and by key.
func ActiveOfficials(ctx context.Context, rd Reader, unitID int64) ([]plan.Official, error) {
	q := rd.queryer()
	var officials []plan.Official
	err := sqlx.SelectContext(ctx, q, &officials, `
		SELECT `+officialColumnsO+`
		FROM officials o
		WHERE o.unit_id = $1 AND o.archived_at IS NULL
		ORDER BY `+roleRank+`, o.key`, unitID)
	if err != nil {
		return nil, fmt.Errorf("store: active officials of unit %d: %w", unitID, err)
	}
	return officials, nil
}

// ActiveOfficialsIn returns, in one query, the officials of the units
// unitIDs that are not archived, linked or not, ordered by unit, then
// chairman first, then office, then members, and by key.
func ActiveOfficialsIn(ctx context.Context, rd Reader, unitIDs []int64) ([]plan.Official, error) {
	q := rd.queryer()
	if len(unitIDs) == 0 {
		return nil, nil
	}
	var officials []plan.Official
	err := sqlx.SelectContext(ctx, q, &officials, `
		SELECT `+officialColumnsO+`
		FROM officials o
		WHERE o.unit_id = ANY($1) AND o.archived_at IS NULL
		ORDER BY o.unit_id, `+roleRank+`, o.key`, pq.Int64Array(unitIDs))
	if err != nil {
		return nil, fmt.Errorf("store: active officials of %d units: %w", len(unitIDs), err)
	}
	return officials, nil
}

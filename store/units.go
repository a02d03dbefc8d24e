package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/nhacviec/nhacviec/plan"
)

// UnitOf returns the unit with id unitID, or ErrNotFound.
func UnitOf(ctx context.Context, rd Reader, unitID int64) (plan.Unit, error) {
	q := rd.queryer()
	var u plan.Unit
	err := sqlx.GetContext(ctx, q, &u, `
		SELECT id, code, name, parent_id, timezone FROM units WHERE id = $1`, unitID)
	if err != nil {
		return plan.Unit{}, fmt.Errorf("store: unit %d: %w", unitID, notFound(err))
	}
	return u, nil
}

// ChildUnits returns, through rd, the units whose parent is the unit
// parentID, by code (byte order), through units_parent_id_idx.
func ChildUnits(ctx context.Context, rd Reader, parentID int64) ([]plan.Unit, error) {
	q := rd.queryer()
	var units []plan.Unit
	err := sqlx.SelectContext(ctx, q, &units, `
		SELECT `+unitColumns+`
		FROM units
		WHERE parent_id = $1
		ORDER BY code COLLATE "C"`, parentID)
	if err != nil {
		return nil, fmt.Errorf("store: units of parent %d: %w", parentID, err)
	}
	return units, nil
}

// Units returns every unit ordered by code.
func (s *Store) Units(ctx context.Context) ([]plan.Unit, error) {
	var units []plan.Unit
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
func (s *Store) UnitByCode(ctx context.Context, code string) (plan.Unit, error) {
	var u plan.Unit
	err := s.db.GetContext(ctx, &u, `
		SELECT `+unitColumns+`
		FROM units
		WHERE code = $1`, code)
	if err != nil {
		return plan.Unit{}, fmt.Errorf("store: unit %q: %w", code, notFound(err))
	}
	return u, nil
}

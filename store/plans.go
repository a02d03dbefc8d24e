package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/nhacviec/nhacviec/plan"
)

// PlanAreasOf returns, in one query, the areas of the plans planIDs that
// are not archived, by plan id, each plan's in plan order.
func PlanAreasOf(ctx context.Context, rd Reader, planIDs []int64) (map[int64][]plan.Area, error) {
	q := rd.queryer()
	out := make(map[int64][]plan.Area, len(planIDs))
	if len(planIDs) == 0 {
		return out, nil
	}
	var areas []plan.Area
	err := sqlx.SelectContext(ctx, q, &areas, `
		SELECT id, plan_id, code, name, position
		FROM areas
		WHERE plan_id = ANY($1) AND archived_at IS NULL
		ORDER BY plan_id, position, code`, pq.Int64Array(planIDs))
	if err != nil {
		return nil, fmt.Errorf("store: areas of %s: %w", plansLabel(planIDs), err)
	}
	for _, a := range areas {
		out[a.PlanID] = append(out[a.PlanID], a)
	}
	return out, nil
}

// plansLabel names the plans of a query in an error: "plan 7" or "12 plans".
func plansLabel(ids []int64) string {
	if len(ids) == 1 {
		return fmt.Sprintf("plan %d", ids[0])
	}
	return fmt.Sprintf("%d plans", len(ids))
}

// PlansFor returns, in one query, the plan of each of the units unitIDs
// for the given year, chosen as PlanOf chooses (that year's, else the
// nearest year's, the later one on a tie), by unit id; units without a
// plan are absent. It looks each unit's plans up by the unit
// (plans_unit_id_id_key) instead of letting the planner scan every plan of
// the installation for a hundred units.
func PlansFor(ctx context.Context, rd Reader, unitIDs []int64, year int) (map[int64]plan.Plan, error) {
	q := rd.queryer()
	out := make(map[int64]plan.Plan, len(unitIDs))
	if len(unitIDs) == 0 {
		return out, nil
	}
	var plans []plan.Plan
	err := sqlx.SelectContext(ctx, q, &plans, `
		SELECT p.id, p.unit_id, p.code, p.title, p.year
		FROM unnest($1::bigint[]) AS u(id)
		CROSS JOIN LATERAL (
			SELECT id, unit_id, code, title, year
			FROM plans
			WHERE unit_id = u.id
			ORDER BY abs(year - $2), year DESC, id
			LIMIT 1
		) p`, pq.Int64Array(unitIDs), year)
	if err != nil {
		return nil, fmt.Errorf("store: plans of %s for %d: %w", unitsLabel(unitIDs), year, err)
	}
	for _, p := range plans {
		out[p.UnitID] = p
	}
	return out, nil
}

// PlanOf returns the plan of the unit unitID for the given year: the plan
// of that year, else the nearest year's (the later one on a tie). It returns
// ErrNotFound when the unit has no plan.
func PlanOf(ctx context.Context, rd Reader, unitID int64, year int) (plan.Plan, error) {
	q := rd.queryer()
	var p plan.Plan
	err := sqlx.GetContext(ctx, q, &p, `
		SELECT id, unit_id, code, title, year
		FROM plans
		WHERE unit_id = $1
		ORDER BY abs(year - $2), year DESC, id
		LIMIT 1`, unitID, year)
	if err != nil {
		return plan.Plan{}, fmt.Errorf("store: plan of unit %d for %d: %w", unitID, year, notFound(err))
	}
	return p, nil
}

// PlanByID returns the plan id.
func PlanByID(ctx context.Context, rd Reader, id int64) (plan.Plan, error) {
	var p plan.Plan
	err := sqlx.GetContext(ctx, rd.queryer(), &p, `SELECT id, unit_id, code, title, year FROM plans WHERE id = $1`, id)
	if err != nil {
		return plan.Plan{}, fmt.Errorf("store: plan %d: %w", id, notFound(err))
	}
	return p, nil
}

// PlanYears returns the years of the plans in the store, in order.
func (s *Store) PlanYears(ctx context.Context) ([]int, error) {
	var years []int
	if err := s.db.SelectContext(ctx, &years, `SELECT DISTINCT year FROM plans ORDER BY year`); err != nil {
		return nil, fmt.Errorf("store: plan years: %w", err)
	}
	return years, nil
}

package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/nhacviec/nhacviec/plan"
)

// activeTargets returns the targets, not archived, whose column equals id,
// in plan order (area, position, key).
func activeTargets(ctx context.Context, q sqlx.QueryerContext, column string, id int64) ([]plan.Target, error) {
	var targets []plan.Target
	err := sqlx.SelectContext(ctx, q, &targets, `
		SELECT t.id, t.plan_id, t.area_id, t.key, t.text, t.measure, t.goal, t.comparator,
		       t.owner_id, t.every, t.kind, t.due, t.position, t.archived_at
		FROM targets t
		JOIN areas a ON a.id = t.area_id
		WHERE `+column+` = $1 AND t.archived_at IS NULL
		ORDER BY a.position, a.code, t.position, t.key`, id)
	return targets, err
}

// TargetsOfPlans returns, in one query, the targets of the plans planIDs
// that are not archived, by plan id, each plan's in plan order (area,
// position, key).
func TargetsOfPlans(ctx context.Context, rd Reader, planIDs []int64) (map[int64][]plan.Target, error) {
	q := rd.queryer()
	var targets []plan.Target
	err := sqlx.SelectContext(ctx, q, &targets, `
		SELECT t.id, t.plan_id, t.area_id, t.key, t.text, t.measure, t.goal, t.comparator,
		       t.owner_id, t.every, t.kind, t.due, t.position, t.archived_at
		FROM targets t
		JOIN areas a ON a.id = t.area_id
		WHERE t.plan_id = ANY($1) AND t.archived_at IS NULL
		ORDER BY t.plan_id, a.position, a.code, t.position, t.key`, pq.Int64Array(planIDs))
	if err != nil {
		return nil, fmt.Errorf("store: targets of %d plans: %w", len(planIDs), err)
	}
	out := make(map[int64][]plan.Target, len(planIDs))
	for _, t := range targets {
		out[t.PlanID] = append(out[t.PlanID], t)
	}
	return out, nil
}

// TargetPeriod names the reading of one target for one period.
type TargetPeriod struct {
	TargetID  int64
	PeriodKey string
}

// HaveReadings returns, in one query, which of the given (target, period)
// pairs have at least one reading.
func HaveReadings(ctx context.Context, rd Reader, pairs []TargetPeriod) (map[TargetPeriod]bool, error) {
	q := rd.queryer()
	have := make(map[TargetPeriod]bool)
	if len(pairs) == 0 {
		return have, nil
	}
	ids := make(pq.Int64Array, len(pairs))
	keys := make(pq.StringArray, len(pairs))
	for i, p := range pairs {
		ids[i], keys[i] = p.TargetID, p.PeriodKey
	}
	rows, err := q.QueryxContext(ctx, `
		SELECT x.target_id, x.period_key
		FROM unnest($1::bigint[], $2::text[]) AS x(target_id, period_key)
		WHERE EXISTS (
			SELECT 1 FROM target_readings tr
			WHERE tr.target_id = x.target_id AND tr.period_key = x.period_key)`, ids, keys)
	if err != nil {
		return nil, fmt.Errorf("store: readings of %d target periods: %w", len(pairs), err)
	}
	defer rows.Close()
	for rows.Next() {
		var p TargetPeriod
		if err := rows.Scan(&p.TargetID, &p.PeriodKey); err != nil {
			return nil, fmt.Errorf("store: readings of %d target periods: %w", len(pairs), err)
		}
		have[p] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: readings of %d target periods: %w", len(pairs), err)
	}
	return have, nil
}

// targetColumns is the explicit column list matching Target.
const targetColumns = `id, plan_id, area_id, key, text, measure, goal, comparator, owner_id, every,
	kind, due, position, archived_at`

// TargetByID returns target id, or ErrNotFound.
func TargetByID(ctx context.Context, rd Reader, id int64) (plan.Target, error) {
	q := rd.queryer()
	var t plan.Target
	err := sqlx.GetContext(ctx, q, &t, `SELECT `+targetColumns+` FROM targets WHERE id = $1`, id)
	if err != nil {
		return plan.Target{}, fmt.Errorf("store: target %d: %w", id, notFound(err))
	}
	return t, nil
}

// OwnedTargets returns the targets, not archived, that the official
// officialID owns, in plan order.
func OwnedTargets(ctx context.Context, rd Reader, officialID int64) ([]plan.Target, error) {
	q := rd.queryer()
	targets, err := activeTargets(ctx, q, "t.owner_id", officialID)
	if err != nil {
		return nil, fmt.Errorf("store: targets of official %d: %w", officialID, err)
	}
	return targets, nil
}

// ReadingInput is one reading of a target for a period.
type ReadingInput struct {
	TargetID   int64
	PeriodKey  string
	Value      float64
	OfficialID int64
	Note       string
	Source     string
	// Where the reading came from on Telegram; zero when not from Telegram.
	ChatID, MessageID, UpdateID int64
	// Bot is the Telegram bot whose update it is; "" for DefaultBot.
	Bot string
	Now time.Time
}

// RecordReading appends a target reading. It reports false, changing
// nothing, when the Telegram update was already recorded.
func RecordReading(ctx context.Context, wr Writer, in ReadingInput) (bool, error) {
	q := wr.execer()
	res, err := q.ExecContext(ctx, `
		INSERT INTO target_readings (target_id, period_key, value, official_id, note, source,
		                             telegram_chat_id, telegram_message_id, telegram_update_id, reported_at, telegram_bot)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, coalesce(nullif($11, ''), 'default'))
		ON CONFLICT (telegram_bot, telegram_update_id) DO NOTHING`,
		in.TargetID, in.PeriodKey, in.Value, nullID(in.OfficialID), in.Note, in.Source,
		nullID(in.ChatID), nullID(in.MessageID), nullID(in.UpdateID), in.Now, in.Bot)
	if err != nil {
		return false, fmt.Errorf("store: record reading of target %d for %s: %w", in.TargetID, in.PeriodKey, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: record reading of target %d for %s: %w", in.TargetID, in.PeriodKey, err)
	}
	return n == 1, nil
}

// Reading is a stored target reading.
type Reading struct {
	ID         int64     `db:"id"`
	TargetID   int64     `db:"target_id"`
	PeriodKey  string    `db:"period_key"`
	Value      float64   `db:"value"`
	OfficialID *int64    `db:"official_id"`
	Note       string    `db:"note"`
	Source     string    `db:"source"`
	ReportedAt time.Time `db:"reported_at"`
}

// Readings returns the readings of target targetID, oldest first.
func Readings(ctx context.Context, rd Reader, targetID int64) ([]Reading, error) {
	q := rd.queryer()
	var rs []Reading
	err := sqlx.SelectContext(ctx, q, &rs, `
		SELECT id, target_id, period_key, value, official_id, note, source, reported_at
		FROM target_readings
		WHERE target_id = $1
		ORDER BY reported_at, id`, targetID)
	if err != nil {
		return nil, fmt.Errorf("store: readings of target %d: %w", targetID, err)
	}
	return rs, nil
}

// TargetByKey returns the target keyed key of plan planID, archived or
// not, or ErrNotFound.
func TargetByKey(ctx context.Context, rd Reader, planID int64, key string) (plan.Target, error) {
	q := rd.queryer()
	var t plan.Target
	err := sqlx.GetContext(ctx, q, &t, `SELECT `+targetColumns+` FROM targets WHERE plan_id = $1 AND key = $2`, planID, key)
	if err != nil {
		return plan.Target{}, fmt.Errorf("store: target %s of plan %d: %w", key, planID, notFound(err))
	}
	return t, nil
}

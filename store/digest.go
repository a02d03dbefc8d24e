package store

import (
	"context"
	"fmt"
	"time"

	"github.com/lib/pq"

	"github.com/nhacviec/nhacviec/plan"
)

// DigestOccurrence is one occurrence of a digest's set, with its task, area
// and lead, and what was known of it at the digest's "as of" instant.
type DigestOccurrence struct {
	ID         int64      `db:"id"`
	Key        string     `db:"key"`
	NominalDue plan.Date  `db:"nominal_due"`
	Due        plan.Date  `db:"due"`
	DoneAt     *time.Time `db:"done_at"`
	TaskID     int64      `db:"task_id"`
	TaskKey    string     `db:"task_key"`
	TaskTitle  string     `db:"task_title"`
	AreaCode   string     `db:"area_code"`
	AreaName   string     `db:"area_name"`
	LeadID     int64      `db:"lead_id"`
	LeadKey    string     `db:"lead_key"`
	LeadName   string     `db:"lead_name"`
	// Progress is the percent as of the "as of" instant: the occurrence's
	// percent when nothing was reported after that instant, else the latest
	// percent reported up to it (0 when none).
	Progress int `db:"progress"`
	// The latest progress report up to the "as of" instant, if any.
	LastNote       *string    `db:"last_note"`
	LastPercent    *int       `db:"last_percent"`
	LastDone       *bool      `db:"last_done"`
	LastReportedAt *time.Time `db:"last_reported_at"`
}

// DigestOccurrences returns, in one query, the occurrences of the unit
// unitID that a digest of the period [from, to] judged as of asOf covers:
// every occurrence due inside the period, plus every earlier one still open
// at start, the instant the period began (not done, or done at or after
// start). Archived occurrences and tasks are left out. Rows come in area,
// task and due order.
func (s *Store) DigestOccurrences(ctx context.Context, unitID int64, from, to plan.Date, start, asOf time.Time) ([]DigestOccurrence, error) {
	var occs []DigestOccurrence
	err := s.db.SelectContext(ctx, &occs, `
		SELECT o.id, o.key, o.nominal_due, o.due, o.done_at,
		       t.id AS task_id, t.key AS task_key, t.title AS task_title,
		       a.code AS area_code, a.name AS area_name,
		       l.id AS lead_id, l.key AS lead_key, l.name AS lead_name,
		       CASE WHEN o.last_report_at IS NULL OR o.last_report_at <= $5 THEN o.percent
		            ELSE COALESCE(lp.percent, 0) END AS progress,
		       lr.note AS last_note, lr.percent AS last_percent, lr.done AS last_done,
		       lr.reported_at AS last_reported_at
		FROM occurrences o
		JOIN tasks t ON t.id = o.task_id
		JOIN plans p ON p.id = t.plan_id
		JOIN areas a ON a.id = t.area_id
		JOIN officials l ON l.id = t.lead_id
		LEFT JOIN LATERAL (
			SELECT r.note, r.percent, r.done, r.reported_at
			FROM progress_reports r
			WHERE r.occurrence_id = o.id AND r.reported_at <= $5
			ORDER BY r.reported_at DESC, r.id DESC
			LIMIT 1
		) lr ON true
		LEFT JOIN LATERAL (
			SELECT CASE WHEN r.done THEN 100 ELSE r.percent END AS percent
			FROM progress_reports r
			WHERE r.occurrence_id = o.id AND r.reported_at <= $5
			  AND (r.percent IS NOT NULL OR r.done)
			ORDER BY r.reported_at DESC, r.id DESC
			LIMIT 1
		) lp ON o.last_report_at > $5
		WHERE p.unit_id = $1 AND o.archived_at IS NULL AND t.archived_at IS NULL
		  AND o.due <= $3
		  AND (o.due >= $2 OR o.done_at IS NULL OR o.done_at >= $4)
		ORDER BY a.position, a.code, t.position, t.key, o.due, o.key`,
		unitID, from, to, start, asOf)
	if err != nil {
		return nil, fmt.Errorf("store: digest occurrences of unit %d for %s..%s: %w", unitID, from, to, err)
	}
	return occs, nil
}

// PlanAreas returns the areas of the plan planID that are not archived, in
// plan order.
func (s *Store) PlanAreas(ctx context.Context, planID int64) ([]Area, error) {
	var areas []Area
	err := s.db.SelectContext(ctx, &areas, `
		SELECT id, plan_id, code, name, position
		FROM areas
		WHERE plan_id = $1 AND archived_at IS NULL
		ORDER BY position, code`, planID)
	if err != nil {
		return nil, fmt.Errorf("store: areas of plan %d: %w", planID, err)
	}
	return areas, nil
}

// DigestTarget is a target with its owner and its latest reading up to a
// digest's "as of" instant.
type DigestTarget struct {
	ID         int64   `db:"id"`
	Key        string  `db:"key"`
	Text       string  `db:"text"`
	Measure    string  `db:"measure"`
	Goal       float64 `db:"goal"`
	Comparator string  `db:"comparator"`
	Every      string  `db:"every"`
	AreaCode   string  `db:"area_code"`
	OwnerID    int64   `db:"owner_id"`
	OwnerKey   string  `db:"owner_key"`
	OwnerName  string  `db:"owner_name"`
	// The latest reading up to the "as of" instant, if any.
	Actual        *float64   `db:"actual"`
	ActualPeriod  *string    `db:"actual_period"`
	ActualAt      *time.Time `db:"actual_at"`
	ActualOwnerID *int64     `db:"actual_official_id"`
}

// DigestTargets returns, in one query, the targets of the plan planID that
// are not archived, each with its latest reading reported up to asOf, in
// plan order.
func (s *Store) DigestTargets(ctx context.Context, planID int64, asOf time.Time) ([]DigestTarget, error) {
	var targets []DigestTarget
	err := s.db.SelectContext(ctx, &targets, `
		SELECT t.id, t.key, t.text, t.measure, t.goal, t.comparator, t.every,
		       a.code AS area_code, w.id AS owner_id, w.key AS owner_key, w.name AS owner_name,
		       r.value AS actual, r.period_key AS actual_period, r.reported_at AS actual_at,
		       r.official_id AS actual_official_id
		FROM targets t
		JOIN areas a ON a.id = t.area_id
		JOIN officials w ON w.id = t.owner_id
		LEFT JOIN LATERAL (
			SELECT tr.value, tr.period_key, tr.reported_at, tr.official_id
			FROM target_readings tr
			WHERE tr.target_id = t.id AND tr.reported_at <= $2
			ORDER BY tr.reported_at DESC, tr.id DESC
			LIMIT 1
		) r ON true
		WHERE t.plan_id = $1 AND t.archived_at IS NULL
		ORDER BY a.position, a.code, t.position, t.key`, planID, asOf)
	if err != nil {
		return nil, fmt.Errorf("store: digest targets of plan %d: %w", planID, err)
	}
	return targets, nil
}

// ReportedOfficials returns the ids of the officials of the unit unitID who
// made a progress report or a target reading in [from, to).
func (s *Store) ReportedOfficials(ctx context.Context, unitID int64, from, to time.Time) (map[int64]bool, error) {
	var ids pq.Int64Array
	// Per official of the unit, through progress_reports_official_idx and
	// target_readings_official_idx: the cost follows the unit, not the
	// installation.
	err := s.db.GetContext(ctx, &ids, `
		SELECT COALESCE(array_agg(o.id ORDER BY o.id), '{}')
		FROM officials o
		WHERE o.unit_id = $1 AND (
		      EXISTS (SELECT 1 FROM progress_reports r
		              WHERE r.official_id = o.id AND r.reported_at >= $2 AND r.reported_at < $3)
		   OR EXISTS (SELECT 1 FROM target_readings tr
		              WHERE tr.official_id = o.id AND tr.reported_at >= $2 AND tr.reported_at < $3))`,
		unitID, from, to)
	if err != nil {
		return nil, fmt.Errorf("store: officials who reported in unit %d: %w", unitID, err)
	}
	out := make(map[int64]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/nhacviec/nhacviec/plan"
)

// ReminderItem is an occurrence not yet done, with what a reminder, a
// progress request or an overdue list says about it: its task, the lead,
// the supporting officials and the latest progress report.
type ReminderItem struct {
	ID           int64         `db:"id"`
	TaskID       int64         `db:"task_id"`
	Key          string        `db:"key"`
	Due          plan.Date     `db:"due"`
	Percent      int           `db:"percent"`
	TaskKey      string        `db:"task_key"`
	TaskTitle    string        `db:"task_title"`
	AreaCode     string        `db:"area_code"`
	LeadID       int64         `db:"lead_id"`
	LeadKey      string        `db:"lead_key"`
	LeadName     string        `db:"lead_name"`
	SupporterIDs pq.Int64Array `db:"supporter_ids"`
	// The latest progress report, when there is one.
	LastNote       *string    `db:"last_note"`
	LastPercent    *int       `db:"last_percent"`
	LastReportedAt *time.Time `db:"last_reported_at"`
}

// OpenOccurrences returns the occurrences of the unit unitID that are not
// done, not archived (nor their task) and not ongoing (which are never
// overdue), due on or before through, ordered
// by due date, task and key.
func OpenOccurrences(ctx context.Context, rd Reader, unitID int64, through plan.Date) ([]ReminderItem, error) {
	q := rd.queryer()
	var occs []ReminderItem
	err := sqlx.SelectContext(ctx, q, &occs, `
		SELECT o.id, o.task_id, o.key, o.due, o.percent,
		       t.key AS task_key, t.title AS task_title, a.code AS area_code,
		       l.id AS lead_id, l.key AS lead_key, l.name AS lead_name,
		       COALESCE((SELECT array_agg(ts.official_id ORDER BY ts.official_id)
		                 FROM task_supporters ts WHERE ts.task_id = t.id), '{}') AS supporter_ids,
		       lr.note AS last_note, lr.percent AS last_percent, lr.reported_at AS last_reported_at
		FROM occurrences o
		JOIN tasks t ON t.id = o.task_id
		JOIN plans p ON p.id = t.plan_id
		JOIN areas a ON a.id = t.area_id
		JOIN officials l ON l.id = t.lead_id
		LEFT JOIN LATERAL (
			SELECT r.note, r.percent, r.reported_at
			FROM progress_reports r
			WHERE r.occurrence_id = o.id
			ORDER BY r.reported_at DESC, r.id DESC
			LIMIT 1
		) lr ON true
		WHERE p.unit_id = $1
		  AND o.done_at IS NULL AND o.archived_at IS NULL AND t.archived_at IS NULL
		  AND NOT o.ongoing AND o.due <= $2
		ORDER BY o.due, t.position, t.key, o.key`, unitID, through)
	if err != nil {
		return nil, fmt.Errorf("store: open occurrences of unit %d: %w", unitID, err)
	}
	return occs, nil
}

// UnitReminderItem is an open occurrence with the unit whose plan it
// belongs to.
type UnitReminderItem struct {
	UnitID       int64 `db:"unit_id"`
	TaskPosition int   `db:"task_position"` // the task's order in its plan
	ReminderItem
}

// LastReport is the latest progress report of an occurrence.
type LastReport struct {
	OccurrenceID int64     `db:"occurrence_id"`
	Note         *string   `db:"note"`
	Percent      *int      `db:"percent"`
	ReportedAt   time.Time `db:"reported_at"`
}

// LastReports returns the latest progress report of each of the
// occurrences ids that has one, by occurrence id; it reads one index entry
// per occurrence, whatever the history.
func LastReports(ctx context.Context, rd Reader, ids []int64) (map[int64]LastReport, error) {
	q := rd.queryer()
	if len(ids) == 0 {
		return map[int64]LastReport{}, nil
	}
	var reports []LastReport
	err := sqlx.SelectContext(ctx, q, &reports, `
		SELECT x.id AS occurrence_id, lr.note, lr.percent, lr.reported_at
		FROM unnest($1::bigint[]) AS x(id)
		JOIN LATERAL (
			SELECT r.note, r.percent, r.reported_at
			FROM progress_reports r
			WHERE r.occurrence_id = x.id
			ORDER BY r.reported_at DESC, r.id DESC
			LIMIT 1
		) lr ON true`, pq.Int64Array(ids))
	if err != nil {
		return nil, fmt.Errorf("store: last reports of %d occurrences: %w", len(ids), err)
	}
	out := make(map[int64]LastReport, len(reports))
	for _, r := range reports {
		out[r.OccurrenceID] = r
	}
	return out, nil
}

// SetLast copies the report r into occ's latest-report fields.
func (occ *ReminderItem) SetLast(r LastReport) {
	at := r.ReportedAt
	occ.LastNote, occ.LastPercent, occ.LastReportedAt = r.Note, r.Percent, &at
}

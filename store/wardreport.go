package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// WardActivity is what was done in a ward over a window of time, for the
// "chỉ đạo, điều hành" part of its periodic report. The messages are
// counted from the outbox rows still held (the retention job sweeps sent
// messages older than retention.sent), the reports and escalations from
// history, which is kept.
type WardActivity struct {
	// Reminders counts the reminders, nags and escalation messages decided
	// for the ward's officials.
	Reminders int `db:"reminders"`
	// Requests counts the progress requests sent to them; Answered those
	// the official answered with a progress report (on the request's
	// occurrence when it names one) within seven days and the window.
	Requests int `db:"requests"`
	Answered int `db:"answered"`
	// Reports counts the progress reports received on the ward's
	// occurrences; Reporters the officials who sent them.
	Reports   int `db:"reports"`
	Reporters int `db:"reporters"`
	// Escalations counts the ward's occurrences escalated to the leaders.
	Escalations int `db:"escalations"`
}

// WardActivityIn returns the activity of unit unitID in [from, until).
// The messages are read through outbox_official_idx (the unit's officials,
// then the window), the reports through progress_reports_official_idx.
func WardActivityIn(ctx context.Context, rd Reader, unitID int64, from, until time.Time) (WardActivity, error) {
	var a WardActivity
	err := sqlx.GetContext(ctx, rd.queryer(), &a, `
		WITH officials_of AS (SELECT id FROM officials WHERE unit_id = $1),
		messages AS (
			SELECT m.kind, m.official_id, m.occurrence_id, m.created_at
			FROM outbox m JOIN officials_of o ON o.id = m.official_id
			WHERE m.created_at >= $2 AND m.created_at < $3
			  AND m.kind IN ('reminder', 'escalation', 'progress_request')
		),
		reports AS (
			SELECT r.official_id
			FROM progress_reports r JOIN occurrences oc ON oc.id = r.occurrence_id
			WHERE oc.unit_id = $1 AND r.reported_at >= $2 AND r.reported_at < $3
		)
		SELECT
			(SELECT count(*) FROM messages WHERE kind IN ('reminder', 'escalation')) AS reminders,
			(SELECT count(*) FROM messages WHERE kind = 'progress_request') AS requests,
			(SELECT count(*) FROM messages m WHERE m.kind = 'progress_request' AND EXISTS (
				SELECT 1 FROM progress_reports r
				WHERE r.official_id = m.official_id
				  AND (m.occurrence_id IS NULL OR r.occurrence_id = m.occurrence_id)
				  AND r.reported_at >= m.created_at
				  AND r.reported_at < LEAST($3, m.created_at + interval '7 days'))) AS answered,
			(SELECT count(*) FROM reports) AS reports,
			(SELECT count(DISTINCT official_id) FROM reports) AS reporters,
			(SELECT count(*) FROM occurrences
			 WHERE unit_id = $1 AND escalated_at >= $2 AND escalated_at < $3) AS escalations`,
		unitID, from, until)
	if err != nil {
		return WardActivity{}, fmt.Errorf("store: ward activity of unit %d: %w", unitID, err)
	}
	return a, nil
}

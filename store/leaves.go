package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/nhacviec/nhacviec/plan"
)

// Leave is an official's leave (nghỉ phép), From to To inclusive, with an
// optional stand-in of the same unit.
type Leave struct {
	ID           int64      `db:"id"`
	UnitID       int64      `db:"unit_id"`
	OfficialID   int64      `db:"official_id"`
	OfficialKey  string     `db:"official_key"`
	OfficialName string     `db:"official_name"`
	From         plan.Date  `db:"from_date"`
	To           plan.Date  `db:"to_date"`
	StandinID    *int64     `db:"standin_id"`
	StandinKey   *string    `db:"standin_key"`
	StandinName  *string    `db:"standin_name"`
	CreatedBy    *int64     `db:"created_by"`
	CancelledAt  *time.Time `db:"cancelled_at"`
	CreatedAt    time.Time  `db:"created_at"`
}

// leaveSelect selects Leave rows over leaves l; callers add the WHERE.
const leaveSelect = `
	SELECT l.id, l.unit_id, l.official_id, a.key AS official_key, a.name AS official_name,
	       l.from_date, l.to_date, l.standin_id, s.key AS standin_key, s.name AS standin_name,
	       l.created_by, l.cancelled_at, l.created_at
	FROM leaves l
	JOIN officials a ON a.id = l.official_id
	LEFT JOIN officials s ON s.id = l.standin_id`

// LeaveInput is a leave to record.
type LeaveInput struct {
	UnitID     int64
	OfficialID int64
	From, To   plan.Date
	StandinID  int64 // 0: none
	CreatedBy  int64 // the official who asked through the bot; 0: the command line
	Now        time.Time
}

// Reasons of a LeaveError.
const (
	LeaveBadDates      = "dates"            // To before From
	LeaveStandinSelf   = "standin_self"     // the stand-in is the official
	LeaveStandinUnit   = "standin_unit"     // the stand-in belongs to another unit
	LeaveStandinGone   = "standin_archived" // the stand-in left the plan
	LeaveOverlap       = "overlap"          // another active leave of the official overlaps
	LeaveStandinAbsent = "standin_on_leave" // the stand-in is on leave during the period
)

// LeaveError is a leave refused for Reason; Other is the leave in the
// way, for LeaveOverlap and LeaveStandinAbsent.
type LeaveError struct {
	Reason string
	Other  *Leave
}

func (e *LeaveError) Error() string {
	if e.Other != nil {
		return fmt.Sprintf("store: leave refused: %s (leave %d, %s to %s)", e.Reason, e.Other.ID, e.Other.From, e.Other.To)
	}
	return "store: leave refused: " + e.Reason
}

// CreateLeave records a leave in stx after checking it: To not before
// From; a stand-in other than the official, active, of the same unit and
// not on leave on any day of the period; no other active leave of the
// official overlapping it (also guarded by the table's exclusion
// constraint against concurrent requests). A refused leave is a
// *LeaveError and writes nothing.
func CreateLeave(ctx context.Context, stx *Tx, in LeaveInput) (Leave, error) {
	tx := stx.tx
	if in.To.Before(in.From) {
		return Leave{}, &LeaveError{Reason: LeaveBadDates}
	}
	if in.StandinID != 0 {
		if in.StandinID == in.OfficialID {
			return Leave{}, &LeaveError{Reason: LeaveStandinSelf}
		}
		var s struct {
			UnitID   int64      `db:"unit_id"`
			Archived *time.Time `db:"archived_at"`
		}
		if err := sqlx.GetContext(ctx, tx, &s, `SELECT unit_id, archived_at FROM officials WHERE id = $1`, in.StandinID); err != nil {
			return Leave{}, fmt.Errorf("store: leave: stand-in %d: %w", in.StandinID, notFound(err))
		}
		if s.UnitID != in.UnitID {
			return Leave{}, &LeaveError{Reason: LeaveStandinUnit}
		}
		if s.Archived != nil {
			return Leave{}, &LeaveError{Reason: LeaveStandinGone}
		}
	}
	// Serialise the leaves of the official (and of the stand-in) so that
	// the checks below see every committed leave.
	if _, err := tx.ExecContext(ctx, `SELECT id FROM officials WHERE id = ANY($1) ORDER BY id FOR UPDATE`,
		pq.Int64Array{in.OfficialID, in.StandinID}); err != nil {
		return Leave{}, fmt.Errorf("store: leave: lock officials: %w", err)
	}
	if other, err := activeLeaveOverlapping(ctx, stx, in.OfficialID, in.From, in.To); err == nil {
		return Leave{}, &LeaveError{Reason: LeaveOverlap, Other: &other}
	} else if !errors.Is(err, ErrNotFound) {
		return Leave{}, err
	}
	if in.StandinID != 0 {
		if other, err := activeLeaveOverlapping(ctx, stx, in.StandinID, in.From, in.To); err == nil {
			return Leave{}, &LeaveError{Reason: LeaveStandinAbsent, Other: &other}
		} else if !errors.Is(err, ErrNotFound) {
			return Leave{}, err
		}
	}
	var id int64
	err := sqlx.GetContext(ctx, tx, &id, `
		INSERT INTO leaves (unit_id, official_id, from_date, to_date, standin_id, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		RETURNING id`, in.UnitID, in.OfficialID, in.From, in.To, nullID(in.StandinID), nullID(in.CreatedBy), in.Now)
	var pqErr *pq.Error
	if errors.As(err, &pqErr) && pqErr.Code == "23P01" {
		return Leave{}, &LeaveError{Reason: LeaveOverlap}
	}
	if err != nil {
		return Leave{}, fmt.Errorf("store: insert leave of official %d: %w", in.OfficialID, err)
	}
	return leaveByID(ctx, stx, id)
}

// activeLeaveOverlapping returns the earliest active leave of the
// official overlapping [from, to], or ErrNotFound.
func activeLeaveOverlapping(ctx context.Context, rd Reader, officialID int64, from, to plan.Date) (Leave, error) {
	var l Leave
	err := sqlx.GetContext(ctx, rd.queryer(), &l, leaveSelect+`
		WHERE l.official_id = $1 AND l.cancelled_at IS NULL AND l.from_date <= $3 AND l.to_date >= $2
		ORDER BY l.from_date LIMIT 1`, officialID, from, to)
	if err != nil {
		return Leave{}, fmt.Errorf("store: leaves of official %d: %w", officialID, notFound(err))
	}
	return l, nil
}

func leaveByID(ctx context.Context, rd Reader, id int64) (Leave, error) {
	var l Leave
	if err := sqlx.GetContext(ctx, rd.queryer(), &l, leaveSelect+` WHERE l.id = $1`, id); err != nil {
		return Leave{}, fmt.Errorf("store: leave %d: %w", id, notFound(err))
	}
	return l, nil
}

// EndLeave ends, in stx, the official's current or next active leave as
// of today: one that has begun ends yesterday (the official is back
// today; the days taken stay recorded), one that has not is cancelled at
// now. It returns the leave as it was and whether it was cancelled
// rather than shortened, or ErrNotFound when there is none.
func EndLeave(ctx context.Context, stx *Tx, officialID int64, today plan.Date, now time.Time) (Leave, bool, error) {
	tx := stx.tx
	var l Leave
	err := sqlx.GetContext(ctx, tx, &l, leaveSelect+`
		WHERE l.official_id = $1 AND l.cancelled_at IS NULL AND l.to_date >= $2
		ORDER BY l.from_date LIMIT 1
		FOR UPDATE OF l`, officialID, today)
	if err != nil {
		return Leave{}, false, fmt.Errorf("store: current leave of official %d: %w", officialID, notFound(err))
	}
	cancelled := !l.From.Before(today)
	if cancelled {
		_, err = tx.ExecContext(ctx, `UPDATE leaves SET cancelled_at = $2 WHERE id = $1`, l.ID, now)
	} else {
		_, err = tx.ExecContext(ctx, `UPDATE leaves SET to_date = $2 WHERE id = $1`, l.ID, today.AddDays(-1))
	}
	if err != nil {
		return Leave{}, false, fmt.Errorf("store: end leave %d: %w", l.ID, err)
	}
	return l, cancelled, nil
}

// LeavesFrom returns the active leaves of the unit that end on or after
// day (current and future ones), by start date and official.
func LeavesFrom(ctx context.Context, rd Reader, unitID int64, day plan.Date) ([]Leave, error) {
	var out []Leave
	err := sqlx.SelectContext(ctx, rd.queryer(), &out, leaveSelect+`
		WHERE l.unit_id = $1 AND l.cancelled_at IS NULL AND l.to_date >= $2
		ORDER BY l.from_date, a.key`, unitID, day)
	if err != nil {
		return nil, fmt.Errorf("store: leaves of unit %d from %s: %w", unitID, day, err)
	}
	return out, nil
}

// Absence is an official on leave on Day, as the reminder fan-out routes
// their messages: StandinID is the leave's stand-in when they are present
// that day (active and not on leave themselves); CoverID, for an absent
// chairman or vice-chairman (who may supervise areas) only, another
// official with role chairman or vice_chairman
// present that day (a chairman first), who receives the escalations when
// there is no stand-in.
type Absence struct {
	UnitID       int64     `db:"unit_id"`
	Day          plan.Date `db:"day"`
	OfficialID   int64     `db:"official_id"`
	OfficialName string    `db:"official_name"`
	To           plan.Date `db:"to_date"`
	StandinID    *int64    `db:"standin_id"`
	CoverID      *int64    `db:"cover_id"`
}

// onLeaveOn is the condition that official id x is on leave on day d.
const onLeaveOn = `EXISTS (SELECT 1 FROM leaves x WHERE x.official_id = %s AND x.cancelled_at IS NULL
	AND %s BETWEEN x.from_date AND x.to_date)`

// AbsencesOn returns the officials on leave in each unit units[i] on its
// day days[i], with their present stand-in and, for a chairman or a
// vice-chairman, a present
// chairman or vice-chairman. One statement driven by the small leaves
// table, whatever the number of officials.
func AbsencesOn(ctx context.Context, rd Reader, units []int64, days []plan.Date) ([]Absence, error) {
	if len(units) == 0 {
		return nil, nil
	}
	dayStrs := make(pq.StringArray, len(days))
	for i, d := range days {
		dayStrs[i] = d.String()
	}
	var out []Absence
	err := sqlx.SelectContext(ctx, rd.queryer(), &out, `
		SELECT l.unit_id, d.day, l.official_id, a.name AS official_name, l.to_date,
		       CASE WHEN s.id IS NOT NULL AND NOT `+fmt.Sprintf(onLeaveOn, "s.id", "d.day")+`
		            THEN s.id END AS standin_id,
		       CASE WHEN a.roles && ARRAY['chairman', 'vice_chairman']::text[] THEN (
		            SELECT c.id FROM officials c
		            WHERE c.unit_id = l.unit_id AND c.id <> l.official_id AND c.archived_at IS NULL
		              AND c.roles && ARRAY['chairman', 'vice_chairman']::text[]
		              AND NOT `+fmt.Sprintf(onLeaveOn, "c.id", "d.day")+`
		            ORDER BY ('chairman' = ANY(c.roles)) DESC, c.telegram_chat_id IS NULL, c.id
		            LIMIT 1) END AS cover_id
		FROM unnest($1::bigint[], $2::date[]) AS d(unit_id, day)
		JOIN leaves l ON l.unit_id = d.unit_id AND l.cancelled_at IS NULL
		              AND d.day BETWEEN l.from_date AND l.to_date
		JOIN officials a ON a.id = l.official_id
		LEFT JOIN officials s ON s.id = l.standin_id AND s.archived_at IS NULL`,
		pq.Int64Array(units), dayStrs)
	if err != nil {
		return nil, fmt.Errorf("store: absences of %s: %w", unitsLabel(units), err)
	}
	return out, nil
}

// CoveredBy returns the leaves, covering day, for which the official
// standinID is the stand-in.
func CoveredBy(ctx context.Context, rd Reader, standinID int64, day plan.Date) ([]Leave, error) {
	var out []Leave
	err := sqlx.SelectContext(ctx, rd.queryer(), &out, leaveSelect+`
		WHERE l.standin_id = $1 AND l.cancelled_at IS NULL AND $2 BETWEEN l.from_date AND l.to_date
		ORDER BY a.key`, standinID, day)
	if err != nil {
		return nil, fmt.Errorf("store: leaves covered by official %d on %s: %w", standinID, day, err)
	}
	return out, nil
}

// Kinds of a HeldReminder.
const (
	HeldTeam       = "team"       // a reminder or a nag to the lead or a supporter
	HeldEscalation = "escalation" // an escalation to a chairman or office official
)

// HeldReminder is a message kept back because its recipient was on leave
// without a stand-in present.
type HeldReminder struct {
	ID           int64  `db:"id"`
	UnitID       int64  `db:"unit_id"`
	OfficialID   int64  `db:"official_id"`
	OccurrenceID int64  `db:"occurrence_id"`
	Kind         string `db:"kind"`
}

// HoldReminders records, through wr (the fan-out's transaction), the
// messages held; one already pending for the same official, occurrence
// and kind is kept as it is.
func HoldReminders(ctx context.Context, wr Writer, held []HeldReminder, now time.Time) error {
	if len(held) == 0 {
		return nil
	}
	units := make(pq.Int64Array, len(held))
	officials := make(pq.Int64Array, len(held))
	occs := make(pq.Int64Array, len(held))
	kinds := make(pq.StringArray, len(held))
	for i, h := range held {
		units[i], officials[i], occs[i], kinds[i] = h.UnitID, h.OfficialID, h.OccurrenceID, h.Kind
	}
	_, err := wr.execer().ExecContext(ctx, `
		INSERT INTO held_reminders (unit_id, official_id, occurrence_id, kind, held_at)
		SELECT h.unit_id, h.official_id, h.occurrence_id, h.kind, $5
		FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[]) AS h(unit_id, official_id, occurrence_id, kind)
		ON CONFLICT (official_id, occurrence_id, kind) WHERE released_at IS NULL DO NOTHING`,
		units, officials, occs, kinds, now)
	if err != nil {
		return fmt.Errorf("store: hold %d reminders: %w", len(held), err)
	}
	return nil
}

// HeldToRelease returns the pending held messages of each unit units[i]
// that someone can receive on its day days[i]: their official is not on
// leave that day, or is on a leave whose stand-in is present. A chain of
// leaves keeps them pending until then, however many leaves follow.
func HeldToRelease(ctx context.Context, rd Reader, units []int64, days []plan.Date) ([]HeldReminder, error) {
	if len(units) == 0 {
		return nil, nil
	}
	dayStrs := make(pq.StringArray, len(days))
	for i, d := range days {
		dayStrs[i] = d.String()
	}
	var out []HeldReminder
	err := sqlx.SelectContext(ctx, rd.queryer(), &out, `
		SELECT h.id, h.unit_id, h.official_id, h.occurrence_id, h.kind
		FROM unnest($1::bigint[], $2::date[]) AS d(unit_id, day)
		JOIN held_reminders h ON h.unit_id = d.unit_id AND h.released_at IS NULL
		WHERE NOT EXISTS (
		        SELECT 1 FROM leaves l
		        LEFT JOIN officials s ON s.id = l.standin_id AND s.archived_at IS NULL
		        WHERE l.official_id = h.official_id AND l.cancelled_at IS NULL
		          AND d.day BETWEEN l.from_date AND l.to_date
		          AND (s.id IS NULL OR `+fmt.Sprintf(onLeaveOn, "s.id", "d.day")+`))
		ORDER BY h.unit_id, h.id`, pq.Int64Array(units), dayStrs)
	if err != nil {
		return nil, fmt.Errorf("store: held reminders of %s: %w", unitsLabel(units), err)
	}
	return out, nil
}

// ReleaseHeld marks, through wr, the held messages ids released at now.
func ReleaseHeld(ctx context.Context, wr Writer, ids []int64, now time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := wr.execer().ExecContext(ctx, `
		UPDATE held_reminders SET released_at = $2 WHERE id = ANY($1) AND released_at IS NULL`,
		pq.Int64Array(ids), now)
	if err != nil {
		return fmt.Errorf("store: release %d held reminders: %w", len(ids), err)
	}
	return nil
}

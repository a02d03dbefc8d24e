package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/lib/pq"

	"github.com/nhacviec/nhacviec/plan"
)

// calendarFingerprintKey is the settings row holding the fingerprint of
// the calendar the open occurrences were last dated by.
const calendarFingerprintKey = "calendar_fingerprint"

// RedateBatch is how many occurrence ids one re-dating statement (and
// transaction) covers: each holds its rows' locks for a few milliseconds,
// so the reminder run and the bot, which touch the same rows, never wait
// long behind it.
const RedateBatch = 10000

// RedateResult says what RedateOccurrences did.
type RedateResult struct {
	// Changed reports that the calendar differs from the one the open
	// occurrences were dated by (or none was recorded yet).
	Changed bool
	// Redated counts the open occurrences whose due date moved.
	Redated int64
}

// CalendarFingerprint returns the fingerprint of the calendar the open
// occurrences were last dated by, or "" when none is recorded.
func (s *Store) CalendarFingerprint(ctx context.Context) (string, error) {
	var v []byte
	err := s.db.GetContext(ctx, &v, `SELECT value FROM settings WHERE key = $1`, calendarFingerprintKey)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: read calendar fingerprint: %w", err)
	}
	return string(v), nil
}

// RedateOccurrences re-dates the open occurrences when cal is not the
// calendar they were dated by (its fingerprint differs from the one
// recorded): each one's due date becomes its nominal due date rolled to a
// working day of cal. Done and archived occurrences keep their dates, so
// their history (on time or late) stands, and so do extended ones (an
// approved extension request set their due date). The fingerprint is recorded last,
// so a run cut short is done again, from the start, by the next call.
//
// The distinct nominal due dates of the open occurrences are rolled here
// (a plan has a few hundred), then one UPDATE joins them per batch of
// RedateBatch ids, each in its own transaction, touching only the rows
// whose due date moves.
func (s *Store) RedateOccurrences(ctx context.Context, cal *plan.Calendar, now time.Time) (RedateResult, error) {
	want := cal.Fingerprint()
	have, err := s.CalendarFingerprint(ctx)
	if err != nil {
		return RedateResult{}, err
	}
	if have == want {
		return RedateResult{}, nil
	}
	res := RedateResult{Changed: true}
	var nominals []plan.Date
	if err := s.db.SelectContext(ctx, &nominals, `
		SELECT DISTINCT nominal_due FROM occurrences
		WHERE done_at IS NULL AND archived_at IS NULL`); err != nil {
		return res, fmt.Errorf("store: re-date: read nominal due dates: %w", err)
	}
	from := make([]string, len(nominals))
	to := make([]string, len(nominals))
	for i, d := range nominals {
		from[i], to[i] = d.String(), cal.Roll(d).String()
	}
	var bounds struct {
		Lo sql.NullInt64 `db:"lo"`
		Hi sql.NullInt64 `db:"hi"`
	}
	if err := s.db.GetContext(ctx, &bounds, `
		SELECT min(id) AS lo, max(id) AS hi FROM occurrences
		WHERE done_at IS NULL AND archived_at IS NULL`); err != nil {
		return res, fmt.Errorf("store: re-date: read id range: %w", err)
	}
	for lo := bounds.Lo.Int64; bounds.Lo.Valid && lo <= bounds.Hi.Int64; lo += RedateBatch {
		r, err := s.db.ExecContext(ctx, `
			UPDATE occurrences o SET due = m.due, updated_at = $3
			FROM unnest($1::date[], $2::date[]) AS m (nominal, due)
			WHERE o.nominal_due = m.nominal AND o.due <> m.due
			  AND o.original_due IS NULL AND o.done_at IS NULL AND o.archived_at IS NULL
			  AND o.id >= $4 AND o.id < $5`,
			pq.Array(from), pq.Array(to), now, lo, lo+RedateBatch)
		if err != nil {
			return res, fmt.Errorf("store: re-date occurrences %d..%d: %w", lo, lo+RedateBatch-1, err)
		}
		n, err := r.RowsAffected()
		if err != nil {
			return res, fmt.Errorf("store: re-date: %w", err)
		}
		res.Redated += n
	}
	if _, err := s.db.ExecContext(ctx, `
		INSERT INTO settings (key, value) VALUES ($1, $2)
		ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, calendarFingerprintKey, []byte(want)); err != nil {
		return res, fmt.Errorf("store: record calendar fingerprint: %w", err)
	}
	return res, nil
}

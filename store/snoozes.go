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

// Snooze is an official's postponement of an occurrence's reminders: none
// reaches them on days before Until.
type Snooze struct {
	OccurrenceID int64
	OfficialID   int64
	Until        plan.Date
	// OverdueUsed: the official has snoozed the occurrence's overdue nags
	// (once per occurrence).
	OverdueUsed bool
}

// SnoozeOf returns the official's snooze of the occurrence, with ok false
// when there is none.
func SnoozeOf(ctx context.Context, rd Reader, occurrenceID, officialID int64) (Snooze, bool, error) {
	var s Snooze
	err := rd.queryer().QueryRowxContext(ctx, `
		SELECT occurrence_id, official_id, until, overdue_used FROM snoozes
		WHERE occurrence_id = $1 AND official_id = $2`, occurrenceID, officialID).
		Scan(&s.OccurrenceID, &s.OfficialID, &s.Until, &s.OverdueUsed)
	if errors.Is(err, sql.ErrNoRows) {
		return Snooze{}, false, nil
	}
	if err != nil {
		return Snooze{}, false, fmt.Errorf("store: snooze of occurrence %d by official %d: %w", occurrenceID, officialID, err)
	}
	return s, true, nil
}

// SaveSnooze records s (replacing the official's earlier snooze of the
// occurrence; OverdueUsed, once set, stays set).
func SaveSnooze(ctx context.Context, wr Writer, s Snooze, now time.Time) error {
	_, err := wr.execer().ExecContext(ctx, `
		INSERT INTO snoozes (occurrence_id, official_id, until, overdue_used, created_at)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (occurrence_id, official_id) DO UPDATE
		SET until = EXCLUDED.until, overdue_used = snoozes.overdue_used OR EXCLUDED.overdue_used,
		    created_at = EXCLUDED.created_at`,
		s.OccurrenceID, s.OfficialID, s.Until, s.OverdueUsed, now)
	if err != nil {
		return fmt.Errorf("store: snooze occurrence %d for official %d: %w", s.OccurrenceID, s.OfficialID, err)
	}
	return nil
}

// SnoozedOn returns, with one statement, the snoozes that hold on days[i]
// (their until after it) of each occurrence occurrences[i]; Until is
// what each holds until.
func SnoozedOn(ctx context.Context, rd Reader, occurrences []int64, days []plan.Date) ([]SnoozeOn, error) {
	if len(occurrences) == 0 {
		return nil, nil
	}
	ds := make(pq.StringArray, len(days))
	for i, d := range days {
		ds[i] = d.String()
	}
	rows, err := rd.queryer().QueryxContext(ctx, `
		SELECT s.occurrence_id, s.official_id, s.until, q.day
		FROM unnest($1::bigint[], $2::date[]) AS q(occurrence_id, day)
		JOIN snoozes s ON s.occurrence_id = q.occurrence_id AND s.until > q.day`,
		pq.Int64Array(occurrences), ds)
	if err != nil {
		return nil, fmt.Errorf("store: snoozes of %d occurrences: %w", len(occurrences), err)
	}
	defer rows.Close()
	var out []SnoozeOn
	for rows.Next() {
		var s SnoozeOn
		if err := rows.Scan(&s.OccurrenceID, &s.OfficialID, &s.Until, &s.Day); err != nil {
			return nil, fmt.Errorf("store: snoozes: %w", err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: snoozes: %w", err)
	}
	return out, nil
}

// SnoozeOn is a snooze holding on Day.
type SnoozeOn struct {
	Snooze
	Day plan.Date
}

// PartnerPair is a partner official and an occurrence they are reminded of.
type PartnerPair struct {
	OccurrenceID int64
	OfficialID   int64
}

// ClaimPartnerReminders records that each partner of pairs is reminded of
// its occurrence, with one statement, and returns the pairs claimed now:
// those already reminded are left out.
func ClaimPartnerReminders(ctx context.Context, wr Writer, pairs []PartnerPair, now time.Time) (map[PartnerPair]bool, error) {
	out := make(map[PartnerPair]bool, len(pairs))
	if len(pairs) == 0 {
		return out, nil
	}
	occs := make(pq.Int64Array, len(pairs))
	officials := make(pq.Int64Array, len(pairs))
	for i, p := range pairs {
		occs[i], officials[i] = p.OccurrenceID, p.OfficialID
	}
	rows, err := wr.execer().QueryxContext(ctx, `
		INSERT INTO partner_reminders (occurrence_id, official_id, reminded_at)
		SELECT DISTINCT p.occurrence_id, p.official_id, $3::timestamptz
		FROM unnest($1::bigint[], $2::bigint[]) AS p(occurrence_id, official_id)
		ON CONFLICT DO NOTHING
		RETURNING occurrence_id, official_id`, occs, officials, now)
	if err != nil {
		return nil, fmt.Errorf("store: claim %d partner reminders: %w", len(pairs), err)
	}
	defer rows.Close()
	for rows.Next() {
		var p PartnerPair
		if err := rows.Scan(&p.OccurrenceID, &p.OfficialID); err != nil {
			return nil, fmt.Errorf("store: claim partner reminders: %w", err)
		}
		out[p] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: claim partner reminders: %w", err)
	}
	return out, nil
}

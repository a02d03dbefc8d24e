package plan

import "fmt"

// Recurrence is the schedule of a recurring task: one occurrence per
// calendar period of the cadence Every, due on DueDay of that period, for
// the occurrences whose nominal due date lies within [Start, End].
//
// DueDay is the ISO weekday (1 = Monday .. 7 = Sunday) for weekly tasks.
// For the other cadences it is the day of the period's last month: 5 is the
// 5th, -1 the last day, -2 the day before it. A day beyond the length of the
// month is clamped to its last day (a quarterly task due on the 31st is due
// 2025-06-30 in Q2), and a negative day reaching before the 1st is clamped
// to the 1st.
//
// Occurrence periods are calendar periods whatever the reporting cut-off:
// a monthly task's March occurrence is due in March and keyed 2025-03.
type Recurrence struct {
	Every  Cadence
	DueDay int
	Start  Date // first day an occurrence may be due; zero: no lower bound
	End    Date // last day an occurrence may be due; zero: open-ended
}

// OccurrenceSpec names one occurrence of a task: its key (the period key
// of a recurring task's occurrence, the due date of a one-off task's) and
// its nominal due date, before rolling to a working day.
type OccurrenceSpec struct {
	Key        string
	NominalDue Date
	// Period is the occurrence's plan period: the period key of a
	// recurring task's occurrence, the key a one-off task gives as its
	// due, "" for a task due on a date.
	Period string
}

// OneOff returns the single occurrence of a one-off task due on due, keyed
// by the date itself (2025-06-30).
func OneOff(due Date) OccurrenceSpec {
	due = due.normalize()
	return OccurrenceSpec{Key: due.String(), NominalDue: due}
}

// Validate reports whether r is a schedule: a known cadence, a due day in
// range (1..7 for weekly, -31..31 but not 0 for the others) and an End, if
// any, not before Start.
func (r Recurrence) Validate() error {
	if !r.Every.Valid() {
		return fmt.Errorf("invalid cadence %q: want weekly, monthly, quarterly, half-yearly or yearly", r.Every)
	}
	if r.Every == Weekly {
		if r.DueDay < 1 || r.DueDay > 7 {
			return fmt.Errorf("invalid due_day %d for a weekly task: want an ISO weekday, 1 (Monday) to 7 (Sunday)", r.DueDay)
		}
	} else if r.DueDay == 0 || r.DueDay < -31 || r.DueDay > 31 {
		return fmt.Errorf("invalid due_day %d for a %s task: want a day of the month 1..31, or -1 (last day) .. -31", r.DueDay, r.Every)
	}
	if !r.Start.IsZero() && !r.End.IsZero() && r.End.Before(r.Start) {
		return fmt.Errorf("invalid recurrence: end %s is before start %s", r.End, r.Start)
	}
	return nil
}

// Occurrences returns, in date order, the occurrences whose nominal due
// date lies in [from, to] and in [Start, End]. It returns nil when r is not
// valid (see Validate) or no occurrence falls in the range. Weekly
// occurrences are keyed by ISO week: a task due on Fridays has the
// occurrence 2025-W01 due 2025-01-03.
func (r Recurrence) Occurrences(from, to Date) []OccurrenceSpec {
	if r.Validate() != nil {
		return nil
	}
	from, to = from.normalize(), to.normalize()
	if !r.Start.IsZero() && from.Before(r.Start) {
		from = r.Start.normalize()
	}
	if !r.End.IsZero() && to.After(r.End) {
		to = r.End.normalize()
	}
	if to.Before(from) {
		return nil
	}
	// Every nominal due date lies inside its own calendar period, so the
	// periods containing from and to bound the search.
	var out []OccurrenceSpec
	kind := r.Every.Kind()
	for p := PeriodContaining(kind, from, CutoffCalendar); !p.From.After(to); p = p.Next() {
		due := r.nominalDue(p)
		if due.Before(from) || due.After(to) {
			continue
		}
		out = append(out, OccurrenceSpec{Key: p.Key, NominalDue: due, Period: p.Key})
	}
	return out
}

// nominalDue returns the due date of r's occurrence in the calendar period
// p of r's cadence.
func (r Recurrence) nominalDue(p Period) Date {
	if r.Every == Weekly {
		return p.From.AddDays(r.DueDay - 1)
	}
	y, m := p.To.Year, p.To.Month
	n := DaysIn(y, m)
	day := r.DueDay
	if day < 0 {
		day = n + 1 + day
	}
	day = min(max(day, 1), n)
	return Date{Year: y, Month: m, Day: day}
}

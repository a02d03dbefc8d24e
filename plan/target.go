package plan

import (
	"fmt"
	"time"
)

// TargetKind says how a target's readings are judged against its goal.
type TargetKind string

// The kinds of a target.
const (
	// KindLevel: the latest reading against the goal (the default).
	KindLevel TargetKind = "level"
	// KindCumulative: readings are year-to-date totals toward a year goal;
	// before the deadline judged against the goal pro-rated to the elapsed
	// part of the year.
	KindCumulative TargetKind = "cumulative"
	// KindYearEnd: judged only from the end of the plan year.
	KindYearEnd TargetKind = "year_end"
	// KindExternal: measured by others (PAR INDEX, SIPAS); never asked of
	// its owner, judged once read.
	KindExternal TargetKind = "external"
)

// Valid reports whether k is a known kind.
func (k TargetKind) Valid() bool {
	switch k {
	case KindLevel, KindCumulative, KindYearEnd, KindExternal:
		return true
	}
	return false
}

// Asked reports whether the owner of a target of kind k is asked for its
// readings: every kind but external is.
func (k TargetKind) Asked() bool { return k != KindExternal }

// CheckRule reports, as an error saying what to write instead, a kind that
// makes no sense with the comparator c or the measure m: a cumulative
// target's year-to-date total only grows, so it is compared with >= or >,
// and a yes/no answer does not add up.
func (k TargetKind) CheckRule(c Comparator, m Measure) error {
	if k != KindCumulative {
		return nil
	}
	if m == MeasureYesNo {
		return fmt.Errorf("a yes/no target cannot be cumulative: write kind: level (or year_end when it is judged at the year's end)")
	}
	if c != CmpGE && c != CmpGT {
		return fmt.Errorf("a cumulative target's year-to-date total only grows toward its goal, so comparator %q makes no sense: write comparator: \">=\", or kind: level for a ceiling or an exact value", string(c))
	}
	return nil
}

// Judgement is how a target stands in a digest.
type Judgement string

// The judgements of a target.
const (
	JudgedMet     Judgement = "met"      // the reading meets the goal
	JudgedNotMet  Judgement = "not_met"  // the reading misses the goal at or after its deadline
	JudgedOnTrack Judgement = "on_track" // cumulative: at or above the pro-rated goal
	JudgedBehind  Judgement = "behind"   // cumulative: below the pro-rated goal
	JudgedNotDue  Judgement = "not_due"  // the digest's period ends before the deadline
	JudgedNoData  Judgement = "no_data"  // no reading yet
)

// Judgements lists every judgement in the order digests count them.
var Judgements = [...]Judgement{JudgedMet, JudgedNotMet, JudgedOnTrack, JudgedBehind, JudgedNotDue, JudgedNoData}

// Unmet reports whether a target so judged is listed as unmet: not met, or
// behind its pro-rated goal. No data and not due are not.
func (j Judgement) Unmet() bool { return j == JudgedNotMet || j == JudgedBehind }

// TargetRule is what judging a target needs of it.
type TargetRule struct {
	Kind       TargetKind // "" is level
	Comparator Comparator
	Goal       float64
	Year       int  // the plan year
	Due        Date // the optional deadline; zero for none
}

// Deadline returns the day from which the target is judged against its
// whole goal: Due when set, else the plan year's last day for cumulative
// and year-end targets, else zero (judged in every digest).
func (r TargetRule) Deadline() Date {
	switch {
	case !r.Due.IsZero():
		return r.Due
	case r.Kind == KindCumulative || r.Kind == KindYearEnd:
		return NewDate(r.Year, time.December, 31)
	}
	return Date{}
}

// Judge judges the target by its latest reading actual (nil for none) in a
// digest whose period ends on periodEnd, the last day of the calendar
// period the digest's key names (31 March for 2025-Q1 under either
// cut-off), with readings known up to the day known (the end of the
// digest's window, or its "as of" day when earlier: 14 March for a
// decree09 2025-Q1 digest).
//
//   - Before the deadline a cumulative target is met when its total already
//     meets the whole goal, else on track when it meets the goal times the
//     elapsed part of the year at known (Elapsed), else behind; with no
//     reading, no data.
//   - Before the deadline any other target is not due, read or not.
//   - Otherwise a reading is met or not met, and no reading is no data.
func (r TargetRule) Judge(actual *float64, periodEnd, known Date) Judgement {
	deadline := r.Deadline()
	early := !deadline.IsZero() && periodEnd.Before(deadline)
	if early && r.Kind != KindCumulative {
		return JudgedNotDue
	}
	if actual == nil {
		return JudgedNoData
	}
	if r.Comparator.Met(*actual, r.Goal) {
		return JudgedMet
	}
	if !early {
		return JudgedNotMet
	}
	if r.Comparator.Met(*actual, r.Goal*r.Elapsed(known)) {
		return JudgedOnTrack
	}
	return JudgedBehind
}

// Elapsed returns the part of the way from 1 January of the plan year to
// the deadline covered by the day known (both days counted), between 0
// and 1; 1 when the target has no deadline.
func (r TargetRule) Elapsed(known Date) float64 {
	deadline := r.Deadline()
	if deadline.IsZero() {
		return 1
	}
	start := NewDate(r.Year, time.January, 1)
	total := start.DaysUntil(deadline) + 1
	done := start.DaysUntil(known) + 1
	switch {
	case total <= 0 || done >= total:
		return 1
	case done <= 0:
		return 0
	}
	return float64(done) / float64(total)
}

// CalendarEnd returns the last day of the calendar period named by p's key
// (31 March for 2025-Q1 whatever p's cut-off): the day a digest of p is
// about, by which targets are judged.
func CalendarEnd(p Period) Date {
	if q, err := ParsePeriod(p.Key, CutoffCalendar); err == nil {
		return q.To
	}
	return p.To
}

// ParseTargetDue reads a target's due: a date (2026-06-30) or a period key
// (2026-Q2, 2026-H1, 2026-06, 2026), meaning the last day of that calendar
// period.
func ParseTargetDue(s string) (Date, error) {
	if d, err := ParseDate(s); err == nil {
		return d, nil
	}
	p, err := ParsePeriod(s, CutoffCalendar)
	if err != nil {
		return Date{}, fmt.Errorf("due %q is neither a date (2026-06-30) nor a period key (2026-Q2, 2026-H1, 2026-06, 2026)", s)
	}
	return p.To, nil
}

package plan

import (
	"math"
	"time"
)

// Deadline returns the instant an occurrence due on due becomes overdue:
// the end of the due day, that is local midnight after it in loc.
func Deadline(due Date, loc *time.Location) time.Time {
	return due.AddDays(1).In(loc)
}

// StatusAt judges an occurrence due on due, done at doneAt (nil while open),
// as of the instant asOf in the unit's location loc. Done before the
// deadline (see Deadline) is DoneOnTime, done at or after it DoneLate; open
// once the deadline has come is OpenOverdue, open before it OpenOnTime. A
// doneAt later than asOf counts as open, so that a digest of a past period
// reads the occurrence as it stood then.
func StatusAt(due Date, doneAt *time.Time, asOf time.Time, loc *time.Location) Status {
	return statusAt(due, doneAt, asOf, loc)
}

// Ongoing is the status of an occurrence of an ongoing task (thường
// xuyên): it has no deadline, so it is neither on time nor overdue, and it
// stays out of the on-time rate.
const Ongoing Status = "ongoing"

// OccurrenceStatus judges an occurrence as StatusAt does, except that the
// occurrence of an ongoing task (ongoing true) is always Ongoing, done or
// not: it has no deadline to be judged against.
func OccurrenceStatus(ongoing bool, due Date, doneAt *time.Time, asOf time.Time, loc *time.Location) Status {
	if ongoing {
		return Ongoing
	}
	return statusAt(due, doneAt, asOf, loc)
}

func statusAt(due Date, doneAt *time.Time, asOf time.Time, loc *time.Location) Status {
	deadline := Deadline(due, loc)
	if doneAt != nil && !doneAt.After(asOf) {
		if doneAt.Before(deadline) {
			return DoneOnTime
		}
		return DoneLate
	}
	if asOf.Before(deadline) {
		return OpenOnTime
	}
	return OpenOverdue
}

// DaysOverdue returns how many calendar days the local date of asOf in loc
// lies after due: 1 on the day after the due date, 0 when not overdue.
func DaysOverdue(due Date, asOf time.Time, loc *time.Location) int {
	return max(due.DaysUntil(DateIn(asOf, loc)), 0)
}

// Totals counts occurrences by status, for a digest, an area or an official.
type Totals struct {
	DoneOnTime  int `json:"done_on_time"`
	DoneLate    int `json:"done_late"`
	OpenOnTime  int `json:"open_on_time"`
	OpenOverdue int `json:"open_overdue"`
	// Ongoing counts the occurrences of ongoing tasks (thường xuyên),
	// which have no deadline and are not in the on-time rate.
	Ongoing int `json:"ongoing"`
	// Extended counts, among them, the occurrences whose due date an
	// approved extension request moved (gia hạn); they are judged against
	// the approved date. It is not a status: Total does not add it.
	Extended int `json:"extended"`
}

// Add counts one occurrence of status s. Unknown statuses are not counted.
func (t *Totals) Add(s Status) {
	switch s {
	case DoneOnTime:
		t.DoneOnTime++
	case DoneLate:
		t.DoneLate++
	case OpenOnTime:
		t.OpenOnTime++
	case OpenOverdue:
		t.OpenOverdue++
	case Ongoing:
		t.Ongoing++
	}
}

// Merge adds the counts of o to t, as when summing areas into a plan.
func (t *Totals) Merge(o Totals) {
	t.DoneOnTime += o.DoneOnTime
	t.DoneLate += o.DoneLate
	t.OpenOnTime += o.OpenOnTime
	t.OpenOverdue += o.OpenOverdue
	t.Ongoing += o.Ongoing
	t.Extended += o.Extended
}

// Total returns the number of occurrences counted, whatever their status.
func (t Totals) Total() int {
	return t.DoneOnTime + t.DoneLate + t.OpenOnTime + t.OpenOverdue + t.Ongoing
}

// OnTimeRate returns the share of occurrences done on time among those
// whose deadline has been judged — done on time, done late or open and
// overdue — rounded to 4 decimals (0.6667). Occurrences open within their
// deadline are not yet judged and do not count, nor do ongoing ones. It is 0 when nothing has
// been judged.
func (t Totals) OnTimeRate() float64 {
	judged := t.DoneOnTime + t.DoneLate + t.OpenOverdue
	if judged == 0 {
		return 0
	}
	return math.Round(float64(t.DoneOnTime)/float64(judged)*1e4) / 1e4
}

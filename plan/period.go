package plan

import (
	"errors"
	"fmt"
	"time"
)

// PeriodKind is the length of a reporting period (kỳ báo cáo).
type PeriodKind string

// The period kinds, named as on the command line (`digest --period quarter`).
const (
	Week    PeriodKind = "week"
	Month   PeriodKind = "month"
	Quarter PeriodKind = "quarter"
	Half    PeriodKind = "half"
	Year    PeriodKind = "year"
)

// Cutoff is the convention that sets where monthly, quarterly, half-yearly
// and yearly periods begin and end.
type Cutoff string

// The cut-off conventions.
const (
	// CutoffCalendar: the 1st to the last day.
	CutoffCalendar Cutoff = "calendar"
	// CutoffDecree09: Nghị định 09/2019/NĐ-CP art. 12, the 15th of the previous
	// month to the 14th.
	CutoffDecree09 Cutoff = "decree09"
)

// Period is one reporting period: its kind, its key (2025-W07, 2025-03,
// 2025-Q1, 2025-H1, 2025) and its first and last days, both inclusive.
type Period struct {
	Kind PeriodKind
	Key  string
	From Date
	To   Date
}

// decree09Day is the first day of a period under CutoffDecree09: periods run
// from the 15th of the month before their first month to the 14th of their
// last month.
const decree09Day = 15

// ParseKind parses a period kind as written on the command line: week,
// month, quarter, half or year.
func ParseKind(s string) (PeriodKind, error) {
	k := PeriodKind(s)
	if !k.Valid() {
		return "", fmt.Errorf("invalid period kind %q: want week, month, quarter, half or year", s)
	}
	return k, nil
}

// Valid reports whether k is a known period kind.
func (k PeriodKind) Valid() bool {
	switch k {
	case Week, Month, Quarter, Half, Year:
		return true
	}
	return false
}

// Cadence returns the cadence whose occurrences fall one per period of kind
// k (the inverse of Cadence.Kind), or "" when k is unknown.
func (k PeriodKind) Cadence() Cadence {
	switch k {
	case Week:
		return Weekly
	case Month:
		return Monthly
	case Quarter:
		return Quarterly
	case Half:
		return HalfYearly
	case Year:
		return Yearly
	}
	return ""
}

// monthsPer returns how many calendar months a period of kind k spans, or 0
// for weeks and unknown kinds.
func (k PeriodKind) monthsPer() int {
	switch k {
	case Month:
		return 1
	case Quarter:
		return 3
	case Half:
		return 6
	case Year:
		return 12
	}
	return 0
}

// ParseCutoff parses a cut-off convention as written in the configuration:
// calendar or decree09.
func ParseCutoff(s string) (Cutoff, error) {
	c := Cutoff(s)
	if !c.Valid() {
		return "", fmt.Errorf("invalid period cutoff %q: want decree09 or calendar", s)
	}
	return c, nil
}

// Valid reports whether c is a known cut-off convention.
func (c Cutoff) Valid() bool {
	return c == CutoffCalendar || c == CutoffDecree09
}

// PeriodContaining returns the period of kind k that contains d under the
// cut-off convention c. Weeks are ISO 8601 weeks (Monday to Sunday, keyed by
// the ISO year) whatever the cut-off. Any cut-off other than CutoffDecree09,
// the zero Cutoff included, is read as CutoffCalendar. An unknown kind gives
// the zero Period; validate kinds with ParseKind first.
//
// Under CutoffDecree09 a day from the 15th on belongs to the next month's
// periods: 2025-12-20 lies in month 2026-01, quarter 2026-Q1, half 2026-H1
// and year 2026.
func PeriodContaining(k PeriodKind, d Date, c Cutoff) Period {
	d = d.normalize()
	if k == Week {
		y, w := d.Time().ISOWeek()
		return isoWeek(y, w)
	}
	n := k.monthsPer()
	if n == 0 {
		return Period{}
	}
	y, m := d.Year, d.Month
	if c == CutoffDecree09 && d.Day >= decree09Day {
		next := NewDate(y, m+1, 1)
		y, m = next.Year, next.Month
	}
	return monthPeriod(k, y, (int(m)-1)/n+1, c)
}

// isoWeek returns ISO week w of ISO year y. The 4th of January always lies in
// week 1.
func isoWeek(y, w int) Period {
	jan4 := NewDate(y, time.January, 4)
	from := jan4.AddDays(1 - jan4.ISOWeekday() + 7*(w-1))
	return Period{
		Kind: Week,
		Key:  fmt.Sprintf("%04d-W%02d", y, w),
		From: from,
		To:   from.AddDays(6),
	}
}

// isoWeeksIn returns the number of ISO weeks of ISO year y, 52 or 53. The
// 28th of December always lies in the last week of its ISO year.
func isoWeeksIn(y int) int {
	_, w := NewDate(y, time.December, 28).Time().ISOWeek()
	return w
}

// monthPeriod returns the index-th period of kind k (month 1..12, quarter
// 1..4, half 1..2, year 1) of year y under c. k must span whole months.
func monthPeriod(k PeriodKind, y, index int, c Cutoff) Period {
	n := k.monthsPer()
	first := time.Month((index-1)*n + 1)
	last := first + time.Month(n-1)

	var key string
	switch k {
	case Month:
		key = fmt.Sprintf("%04d-%02d", y, index)
	case Quarter:
		key = fmt.Sprintf("%04d-Q%d", y, index)
	case Half:
		key = fmt.Sprintf("%04d-H%d", y, index)
	default:
		key = fmt.Sprintf("%04d", y)
	}

	p := Period{Kind: k, Key: key}
	if c == CutoffDecree09 {
		p.From = NewDate(y, first-1, decree09Day)
		p.To = NewDate(y, last, decree09Day-1)
	} else {
		p.From = NewDate(y, first, 1)
		p.To = NewDate(y, last+1, 0)
	}
	return p
}

// ParsePeriod parses a period key — 2025-W07 (ISO week), 2025-03 (month),
// 2025-Q1 (quarter), 2025-H1 (half-year) or 2025 (year) — and returns the
// period under the cut-off convention c (read as in PeriodContaining). The
// year has exactly four digits, 0001 to 9999. Malformed and impossible keys
// (2025-13, 2025-Q5, 2025-W53: 2025 has 52 ISO weeks) are rejected with an
// error naming the key and the reason.
func ParsePeriod(key string, c Cutoff) (Period, error) {
	p, err := parsePeriod(key, c)
	if err != nil {
		return Period{}, fmt.Errorf("invalid period key %q: %w", key, err)
	}
	return p, nil
}

func parsePeriod(key string, c Cutoff) (Period, error) {
	if len(key) < 4 {
		return Period{}, errPeriodSyntax
	}
	y, ok := digits(key[:4])
	if !ok {
		return Period{}, errPeriodSyntax
	}
	if y == 0 {
		return Period{}, errors.New("year 0000 is out of range 0001..9999")
	}
	rest := key[4:]
	switch {
	case rest == "":
		return monthPeriod(Year, y, 1, c), nil

	case len(rest) == 4 && rest[:2] == "-W":
		w, ok := digits(rest[2:])
		if !ok {
			return Period{}, errPeriodSyntax
		}
		if n := isoWeeksIn(y); w < 1 || w > n {
			return Period{}, fmt.Errorf("ISO year %04d has weeks 01..%02d", y, n)
		}
		return isoWeek(y, w), nil

	case len(rest) == 3 && rest[:2] == "-Q":
		q, ok := digits(rest[2:])
		if !ok {
			return Period{}, errPeriodSyntax
		}
		if q < 1 || q > 4 {
			return Period{}, errors.New("quarter must be Q1..Q4")
		}
		return monthPeriod(Quarter, y, q, c), nil

	case len(rest) == 3 && rest[:2] == "-H":
		h, ok := digits(rest[2:])
		if !ok {
			return Period{}, errPeriodSyntax
		}
		if h < 1 || h > 2 {
			return Period{}, errors.New("half-year must be H1 or H2")
		}
		return monthPeriod(Half, y, h, c), nil

	case len(rest) == 3 && rest[0] == '-':
		m, ok := digits(rest[1:])
		if !ok {
			return Period{}, errPeriodSyntax
		}
		if m < 1 || m > 12 {
			return Period{}, errors.New("month must be 01..12")
		}
		return monthPeriod(Month, y, m, c), nil
	}
	return Period{}, errPeriodSyntax
}

var errPeriodSyntax = errors.New("want 2025-W07 (week), 2025-03 (month), 2025-Q1 (quarter), 2025-H1 (half-year) or 2025 (year)")

// digits parses s, which must consist of ASCII digits only (no sign, no
// spaces), as a decimal number.
func digits(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch < '0' || ch > '9' {
			return 0, false
		}
		n = n*10 + int(ch-'0')
	}
	return n, true
}

// PeriodFor resolves a --period argument: either a kind (week, month,
// quarter, half, year), meaning the period of that kind containing the date
// of at in loc, or a period key as accepted by ParsePeriod. A nil loc means
// at's own location.
func PeriodFor(kindOrKey string, at time.Time, loc *time.Location, c Cutoff) (Period, error) {
	if k := PeriodKind(kindOrKey); k.Valid() {
		if loc == nil {
			loc = at.Location()
		}
		return PeriodContaining(k, DateIn(at, loc), c), nil
	}
	p, err := parsePeriod(kindOrKey, c)
	if err != nil {
		return Period{}, fmt.Errorf("invalid period %q: neither a kind (week, month, quarter, half, year) nor a valid key: %w", kindOrKey, err)
	}
	return p, nil
}

// String returns the period's key.
func (p Period) String() string { return p.Key }

// Contains reports whether d lies within p, both ends included.
func (p Period) Contains(d Date) bool {
	return !d.Before(p.From) && !d.After(p.To)
}

// Start returns the instant p begins in loc: local midnight starting p.From.
func (p Period) Start(loc *time.Location) time.Time { return p.From.In(loc) }

// End returns the instant p ends in loc, exclusive: local midnight after
// p.To, which is also the Start of p.Next().
func (p Period) End(loc *time.Location) time.Time { return p.To.AddDays(1).In(loc) }

// Next returns the period of the same kind and cut-off convention that
// immediately follows p: p.Next().From is the day after p.To. The zero
// Period's Next is the zero Period.
func (p Period) Next() Period {
	if p.Kind == "" {
		return Period{}
	}
	return PeriodContaining(p.Kind, p.To.AddDays(1), p.cutoff())
}

// Prev returns the period of the same kind and cut-off convention that
// immediately precedes p: p.Prev().To is the day before p.From. The zero
// Period's Prev is the zero Period.
func (p Period) Prev() Period {
	if p.Kind == "" {
		return Period{}
	}
	return PeriodContaining(p.Kind, p.From.AddDays(-1), p.cutoff())
}

// cutoff recovers the convention p was made under: only CutoffDecree09
// periods start on the 15th (weeks ignore the convention).
func (p Period) cutoff() Cutoff {
	if p.Kind != Week && p.From.Day == decree09Day {
		return CutoffDecree09
	}
	return CutoffCalendar
}

// Calendar returns the calendar period that p's key names, whatever the
// cut-off p was made under: the quarter 2026-Q1 under CutoffDecree09 runs
// 2025-12-15..2026-03-14, its calendar period 2026-01-01..2026-03-31. A
// zero Period gives the zero Period.
func (p Period) Calendar() Period {
	if p.Kind == "" {
		return Period{}
	}
	q, err := parsePeriod(p.Key, CutoffCalendar)
	if err != nil {
		return Period{}
	}
	return q
}

// PeriodDue returns the calendar period a task's `due` names by a period
// key (2026-Q1, 2026-H1, 2026-03, 2026, 2026-W07). The task's nominal due
// date is its last day, To; the calendar then rolls it to a working day.
func PeriodDue(key string) (Period, error) {
	return ParsePeriod(key, CutoffCalendar)
}

// Within reports whether the calendar period named by the plan-period key
// lies within the calendar period p names: 2026-03 lies within 2026-Q1,
// 2026-H1 and 2026, but not within 2026-Q2 or 2026-02. A malformed key
// lies within nothing.
func Within(key string, p Period) bool {
	k, err := parsePeriod(key, CutoffCalendar)
	if err != nil {
		return false
	}
	c := p.Calendar()
	if c.Kind == "" {
		return false
	}
	return !k.From.Before(c.From) && !k.To.After(c.To)
}

// PeriodKeysWithin returns the keys of every period — year, half-years,
// quarters, months and ISO weeks — whose calendar span lies within the
// calendar period p names, in no particular order: the plan periods a
// digest of p covers whatever their due dates. For 2026-Q1 they are
// 2026-Q1, 2026-01..03 and the ISO weeks 2026-W02..W13 (2026-W01 begins on
// 2025-12-29).
func PeriodKeysWithin(p Period) []string {
	c := p.Calendar()
	if c.Kind == "" {
		return nil
	}
	var keys []string
	for _, k := range []PeriodKind{Year, Half, Quarter, Month, Week} {
		for q := PeriodContaining(k, c.From, CutoffCalendar); !q.From.After(c.To); q = q.Next() {
			if !q.From.Before(c.From) && !q.To.After(c.To) {
				keys = append(keys, q.Key)
			}
		}
	}
	return keys
}

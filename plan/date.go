package plan

import (
	"database/sql/driver"
	"fmt"
	"time"
)

// Date is a calendar date without a time of day or a time zone, as used
// for due dates, holidays and period boundaries. The zero Date is invalid.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateLayout is the textual form of a Date: 2025-06-30.
const DateLayout = "2006-01-02"

// NewDate returns the date y-m-d, normalising out-of-range values the way
// time.Date does (2025-02-29 becomes 2025-03-01). Use ParseDate to reject
// impossible dates instead.
func NewDate(y int, m time.Month, d int) Date {
	return DateOf(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}

// DateOf returns the calendar date of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// DateIn returns the calendar date of the instant t as seen in loc.
func DateIn(t time.Time, loc *time.Location) Date {
	return DateOf(t.In(loc))
}

// ParseDate parses a date in the form 2025-06-30 and rejects impossible
// dates such as 2025-02-30.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return Date{}, fmt.Errorf("invalid date %q: want YYYY-MM-DD, a real calendar date", s)
	}
	return DateOf(t), nil
}

// MustParseDate is ParseDate for constants in tests and examples; it panics
// on a bad date.
func MustParseDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// String formats the date as 2025-06-30.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// Time returns midnight at the start of d in UTC.
func (d Date) Time() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
}

// In returns the instant at which d starts (local midnight) in loc.
func (d Date) In(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// AddDays returns d plus n days (n may be negative).
func (d Date) AddDays(n int) Date { return NewDate(d.Year, d.Month, d.Day+n) }

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday { return d.Time().Weekday() }

// ISOWeekday returns 1 for Monday through 7 for Sunday.
func (d Date) ISOWeekday() int {
	wd := int(d.Weekday())
	if wd == 0 {
		return 7
	}
	return wd
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int { return d.Time().Compare(e.Time()) }

// DaysUntil returns the number of days from d to e (negative when e is
// before d).
func (d Date) DaysUntil(e Date) int {
	// Whole seconds rather than a time.Duration, which overflows beyond
	// about 292 years.
	return int((e.Time().Unix() - d.Time().Unix()) / secondsPerDay)
}

const secondsPerDay = 24 * 60 * 60

// DaysIn returns the number of days of month m of year y (28 to 31).
func DaysIn(y int, m time.Month) int {
	return NewDate(y, m+1, 0).Day
}

// normalize returns d with out-of-range fields carried over the way NewDate
// does, so that normalised Dates can be compared with == and used as map
// keys.
func (d Date) normalize() Date {
	if d.Day >= 1 && d.Day <= 28 && d.Month >= time.January && d.Month <= time.December {
		return d
	}
	return NewDate(d.Year, d.Month, d.Day)
}

// Value implements driver.Valuer, storing a Date in a PostgreSQL date column.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Scan implements sql.Scanner for PostgreSQL date columns.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
		return nil
	case time.Time:
		*d = Date{Year: v.Year(), Month: v.Month(), Day: v.Day()}
		return nil
	case []byte:
		return d.scanString(string(v))
	case string:
		return d.scanString(v)
	default:
		return fmt.Errorf("plan: cannot scan %T into Date", src)
	}
}

func (d *Date) scanString(s string) error {
	if len(s) > len(DateLayout) {
		s = s[:len(DateLayout)]
	}
	p, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = p
	return nil
}

// MarshalText implements encoding.TextMarshaler (JSON and YAML).
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	p, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = p
	return nil
}

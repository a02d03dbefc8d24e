package plan

import (
	"errors"
	"fmt"
	"sort"
	"sync"
)

// maxRoll bounds every search for a working day: no real calendar has a
// year without one, so a search that finds none in 366 days gives up rather
// than loop for ever (see Roll and AddWorkdays).
const maxRoll = 366

// Calendar is the working-day calendar of an office (lịch làm việc): the
// working weekdays, the public holidays (ngày nghỉ lễ, Tết) and the official
// make-up working days (ngày làm bù), such as a Saturday worked to bridge a
// holiday. A holiday is never a working day; a make-up day always is; any
// other day is a working day when its weekday is.
//
// With RulesVietnam the holidays of any year are computed (see
// VietnamDays); the days given to NewCalendar or BuildCalendar add to them.
// A Calendar computes each year once, when first asked, and is safe for
// concurrent use. Create it with NewCalendar or BuildCalendar: the zero
// Calendar has no working days at all.
type Calendar struct {
	workdays [8]bool // indexed by ISO weekday, 1 (Monday) to 7 (Sunday)
	rules    Rules
	config   map[Date]Day // the days given, source config

	mu    sync.Mutex
	years map[int]map[Date]Day // each year's days, computed once
}

// CalendarConfig says how to build a Calendar.
type CalendarConfig struct {
	// Workdays are the working ISO weekdays (1 for Monday to 7 for
	// Sunday; at least one, no repeats).
	Workdays []int
	// Rules computes the holidays of any year (RulesVietnam) or none
	// (RulesNone, the zero value's meaning).
	Rules Rules
	// Holidays and MakeupWorkdays add to (and override) what Rules
	// computes. A date may not be in both.
	Holidays, MakeupWorkdays []Date
}

// NewCalendar returns the calendar working on the given ISO weekdays (1 for
// Monday to 7 for Sunday; at least one, no repeats), closed on holidays and
// open on the make-up working days whatever their weekday, with no computed
// holidays (RulesNone). A date may not be both a holiday and a make-up
// working day.
func NewCalendar(workdays []int, holidays, makeupWorkdays []Date) (*Calendar, error) {
	return BuildCalendar(CalendarConfig{Workdays: workdays, Rules: RulesNone, Holidays: holidays, MakeupWorkdays: makeupWorkdays})
}

// BuildCalendar returns the calendar cfg describes.
func BuildCalendar(cfg CalendarConfig) (*Calendar, error) {
	if len(cfg.Workdays) == 0 {
		return nil, errors.New("calendar: workdays: want at least one ISO weekday (1 = Monday .. 7 = Sunday)")
	}
	rules := cfg.Rules
	if rules == "" {
		rules = RulesNone
	}
	if _, err := ParseRules(string(rules)); err != nil {
		return nil, fmt.Errorf("calendar: %w", err)
	}
	c := &Calendar{
		rules:  rules,
		config: make(map[Date]Day, len(cfg.Holidays)+len(cfg.MakeupWorkdays)),
		years:  make(map[int]map[Date]Day),
	}
	for _, wd := range cfg.Workdays {
		if wd < 1 || wd > 7 {
			return nil, fmt.Errorf("calendar: workdays: %d is not an ISO weekday (1 = Monday .. 7 = Sunday)", wd)
		}
		if c.workdays[wd] {
			return nil, fmt.Errorf("calendar: workdays: weekday %d is listed twice", wd)
		}
		c.workdays[wd] = true
	}
	for _, d := range cfg.Holidays {
		if d.IsZero() {
			return nil, errors.New("calendar: holidays: empty date")
		}
		d = d.normalize()
		c.config[d] = Day{Date: d, Kind: DayHoliday, Name: "Ngày nghỉ theo cấu hình", NameEN: "Day off (configured)", Source: SourceConfig}
	}
	for _, d := range cfg.MakeupWorkdays {
		if d.IsZero() {
			return nil, errors.New("calendar: make-up working days: empty date")
		}
		d = d.normalize()
		if c.config[d].Kind == DayHoliday {
			return nil, fmt.Errorf("calendar: %s is listed both as a holiday and as a make-up working day", d)
		}
		c.config[d] = Day{Date: d, Kind: DayMakeupWorkday, Name: "Ngày làm bù theo cấu hình", NameEN: "Make-up working day (configured)", Source: SourceConfig}
	}
	return c, nil
}

// Rules returns the rules the calendar computes holidays by.
func (c *Calendar) Rules() Rules { return c.rules }

// year returns the days of year y that are not what their weekday says:
// those the rules compute, overridden by the configured ones.
func (c *Calendar) year(y int) map[Date]Day {
	c.mu.Lock()
	defer c.mu.Unlock()
	if days, ok := c.years[y]; ok {
		return days
	}
	if c.years == nil {
		c.years = make(map[int]map[Date]Day)
	}
	days := make(map[Date]Day)
	if c.rules == RulesVietnam {
		for _, d := range VietnamDays(y, c.workdays) {
			days[d.Date] = d
		}
	}
	for d, day := range c.config {
		if d.Year == y {
			days[d] = day
		}
	}
	c.years[y] = days
	return days
}

// Day returns what the calendar says of d when d is not what its weekday
// says (a holiday or a make-up working day), and false otherwise.
func (c *Calendar) Day(d Date) (Day, bool) {
	d = d.normalize()
	day, ok := c.year(d.Year)[d]
	return day, ok
}

// Days returns the holidays and make-up working days of year y, in date
// order.
func (c *Calendar) Days(y int) []Day {
	days := c.year(y)
	out := make([]Day, 0, len(days))
	for _, d := range days {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Date.Before(out[j].Date) })
	return out
}

// IsWorkday reports whether d is a working day.
func (c *Calendar) IsWorkday(d Date) bool {
	d = d.normalize()
	if day, ok := c.year(d.Year)[d]; ok {
		return day.Kind == DayMakeupWorkday
	}
	return c.workdays[d.ISOWeekday()]
}

// IsHoliday reports whether d is a public holiday (computed or listed).
func (c *Calendar) IsHoliday(d Date) bool {
	day, ok := c.Day(d)
	return ok && day.Kind == DayHoliday
}

// Roll returns d when it is a working day, else the next working day after
// it: a deadline that falls on a weekend or a holiday moves to the next
// working day (Bộ luật Dân sự 2015, art. 148). A deadline on 2025-01-25,
// the Saturday before Tết Ất Tỵ, rolls over the weekend and the holidays of
// 2025-01-27..31 to Monday 2025-02-03.
//
// Should no working day follow within 366 days (only possible with a
// calendar made of holidays), Roll gives up and returns d unchanged.
func (c *Calendar) Roll(d Date) Date {
	d = d.normalize()
	for i := 0; i <= maxRoll; i++ {
		if e := d.AddDays(i); c.IsWorkday(e) {
			return e
		}
	}
	return d
}

// AddWorkdays returns the n-th working day after d (n > 0) or before d
// (n < 0); d itself is not counted and need not be a working day. For n = 0
// it returns d unchanged. For n >= 0, WorkdaysBetween(d, AddWorkdays(d, n))
// is n.
//
// Like Roll, each step searches at most 366 days; when it finds no working
// day it stops and returns the last working day reached (d when none).
func (c *Calendar) AddWorkdays(d Date, n int) Date {
	d = d.normalize()
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for ; n > 0; n-- {
		next, ok := c.seek(d, step)
		if !ok {
			return d
		}
		d = next
	}
	return d
}

// seek returns the first working day strictly after d (step 1) or strictly
// before it (step -1), searching at most maxRoll days.
func (c *Calendar) seek(d Date, step int) (Date, bool) {
	for i := 1; i <= maxRoll; i++ {
		if e := d.AddDays(i * step); c.IsWorkday(e) {
			return e, true
		}
	}
	return Date{}, false
}

// WorkdaysBetween returns the number of working days in (a, b]: after a, up
// to and including b. It is 0 when a == b and, when b is before a, the
// negation of WorkdaysBetween(b, a).
func (c *Calendar) WorkdaysBetween(a, b Date) int {
	a, b = a.normalize(), b.normalize()
	if b.Before(a) {
		return -c.WorkdaysBetween(b, a)
	}
	n := 0
	for d := a.AddDays(1); !d.After(b); d = d.AddDays(1) {
		if c.IsWorkday(d) {
			n++
		}
	}
	return n
}

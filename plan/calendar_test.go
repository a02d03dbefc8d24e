package plan

import (
	"strings"
	"testing"
)

// calendar2025 is the office calendar of 2025: Monday to Friday, New Year's
// Day, Tết Ất Tỵ (27–31 January), the 30/4–1/5 break bridged by taking
// Friday 2 May off in exchange for working Saturday 26 April, and Quốc
// khánh (1–2 September).
func calendar2025(t testing.TB) *Calendar {
	t.Helper()
	d := MustParseDate
	c, err := NewCalendar(
		[]int{1, 2, 3, 4, 5},
		[]Date{
			d("2025-01-01"),
			d("2025-01-27"), d("2025-01-28"), d("2025-01-29"), d("2025-01-30"), d("2025-01-31"),
			d("2025-04-30"), d("2025-05-01"), d("2025-05-02"),
			d("2025-09-01"), d("2025-09-02"),
		},
		[]Date{d("2025-04-26")},
	)
	if err != nil {
		t.Fatalf("NewCalendar: %v", err)
	}
	return c
}

func TestCalendarIsWorkday(t *testing.T) {
	c := calendar2025(t)
	tests := []struct {
		date string
		want bool
	}{
		{"2025-01-02", true},  // Thursday
		{"2025-01-01", false}, // Tết Dương lịch
		{"2025-01-24", true},  // the last Friday before Tết
		{"2025-01-25", false}, // Saturday
		{"2025-01-26", false}, // Sunday
		{"2025-01-29", false}, // mùng 1 Tết
		{"2025-02-03", true},  // back to work
		{"2025-04-26", true},  // make-up Saturday (ngày làm bù)
		{"2025-04-27", false}, // Sunday
		{"2025-05-02", false}, // the Friday swapped for 26 April
		{"2025-05-03", false}, // an ordinary Saturday
		{"2025-09-02", false}, // Quốc khánh
	}
	for _, tt := range tests {
		if got := c.IsWorkday(MustParseDate(tt.date)); got != tt.want {
			t.Errorf("IsWorkday(%s) = %v, want %v", tt.date, got, tt.want)
		}
	}
	if !c.IsHoliday(MustParseDate("2025-01-29")) || c.IsHoliday(MustParseDate("2025-01-25")) {
		t.Error("IsHoliday confuses a holiday with a weekend")
	}
	// A date given out of range is normalised before the look-up.
	if c.IsWorkday(Date{Year: 2025, Month: 1, Day: 60}) { // 2025-03-01, a Saturday
		t.Error("IsWorkday(2025-01-60) = true, want the Saturday 2025-03-01")
	}
}

func TestCalendarRoll(t *testing.T) {
	c := calendar2025(t)
	tests := []struct {
		name string
		date string
		want string
	}{
		{"working day stays", "2025-01-24", "2025-01-24"},
		{"Saturday before Tết rolls over Tết", "2025-01-25", "2025-02-03"},
		{"Sunday before Tết", "2025-01-26", "2025-02-03"},
		{"first day of Tết", "2025-01-27", "2025-02-03"},
		{"mùng 1 Tết", "2025-01-29", "2025-02-03"},
		{"last day of Tết", "2025-01-31", "2025-02-03"},
		{"Saturday after Tết", "2025-02-01", "2025-02-03"},
		{"New Year's Day", "2025-01-01", "2025-01-02"},
		{"make-up Saturday is worked", "2025-04-26", "2025-04-26"},
		{"Sunday after the make-up Saturday", "2025-04-27", "2025-04-28"},
		{"30/4 break", "2025-04-30", "2025-05-05"},
		{"swapped Friday", "2025-05-02", "2025-05-05"},
		{"Quốc khánh weekend", "2025-08-30", "2025-09-03"},
		{"over the year end", "2025-12-27", "2025-12-29"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := MustParseDate(tt.date)
			got := c.Roll(d)
			if got.String() != tt.want {
				t.Fatalf("Roll(%s) = %v, want %s", tt.date, got, tt.want)
			}
			for e := d; e.Before(got); e = e.AddDays(1) {
				if c.IsWorkday(e) {
					t.Errorf("Roll(%s) = %v skips the working day %v", tt.date, got, e)
				}
			}
		})
	}
}

func TestCalendarAddWorkdays(t *testing.T) {
	c := calendar2025(t)
	tests := []struct {
		date string
		n    int
		want string
	}{
		{"2025-01-24", 0, "2025-01-24"},
		{"2025-01-25", 0, "2025-01-25"}, // n = 0 does not roll
		{"2025-01-24", 1, "2025-02-03"}, // over Tết
		{"2025-01-25", 1, "2025-02-03"},
		{"2025-01-23", 5, "2025-02-06"},
		{"2025-02-03", -1, "2025-01-24"},
		{"2025-02-03", -2, "2025-01-23"},
		{"2025-02-01", -1, "2025-01-24"},
		{"2025-04-25", 1, "2025-04-26"}, // the make-up Saturday counts
		{"2025-04-25", 2, "2025-04-28"},
		{"2025-04-29", 1, "2025-05-05"},
		{"2025-01-02", 10, "2025-01-16"},
		{"2025-12-31", 1, "2026-01-01"}, // 2026's holidays are not in this calendar
	}
	for _, tt := range tests {
		d := MustParseDate(tt.date)
		if got := c.AddWorkdays(d, tt.n); got.String() != tt.want {
			t.Errorf("AddWorkdays(%s, %d) = %v, want %s", tt.date, tt.n, got, tt.want)
		}
	}
}

func TestCalendarWorkdaysBetween(t *testing.T) {
	c := calendar2025(t)
	tests := []struct {
		a, b string
		want int
	}{
		{"2025-01-24", "2025-01-24", 0},
		{"2025-01-24", "2025-02-03", 1},  // the whole of Tết in between
		{"2025-01-23", "2025-01-24", 1},  // b counts
		{"2025-01-24", "2025-01-25", 0},  // a does not
		{"2025-01-01", "2025-01-31", 17}, // January 2025 after New Year's Day
		{"2025-01-31", "2025-01-01", -17},
		{"2025-04-24", "2025-05-05", 5}, // 25, 26 (make-up), 28, 29 April, 5 May
		// 2025: 261 weekdays, 11 of them holidays, plus the make-up Saturday.
		{"2024-12-31", "2025-12-31", 251},
	}
	for _, tt := range tests {
		a, b := MustParseDate(tt.a), MustParseDate(tt.b)
		if got := c.WorkdaysBetween(a, b); got != tt.want {
			t.Errorf("WorkdaysBetween(%s, %s) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestCalendarProperties checks, for every day of 2025 and small steps
// either way, that Roll lands on the first working day and that
// AddWorkdays and WorkdaysBetween agree.
func TestCalendarProperties(t *testing.T) {
	c := calendar2025(t)
	for d := MustParseDate("2025-01-01"); d.Year == 2025; d = d.AddDays(1) {
		r := c.Roll(d)
		if !c.IsWorkday(r) || r.Before(d) || c.WorkdaysBetween(d, r) != boolInt(r != d) {
			t.Fatalf("Roll(%v) = %v, not the first working day on or after it", d, r)
		}
		for n := -12; n <= 12; n++ {
			e := c.AddWorkdays(d, n)
			if n != 0 && !c.IsWorkday(e) {
				t.Fatalf("AddWorkdays(%v, %d) = %v, not a working day", d, n, e)
			}
			if n >= 0 {
				if got := c.WorkdaysBetween(d, e); got != n {
					t.Fatalf("WorkdaysBetween(%v, AddWorkdays(%v, %d) = %v) = %d", d, d, n, e, got)
				}
			}
			if got := c.WorkdaysBetween(e, d); got != -c.WorkdaysBetween(d, e) {
				t.Fatalf("WorkdaysBetween is not antisymmetric on %v, %v", d, e)
			}
		}
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestCalendarSixDayWeek(t *testing.T) {
	c, err := NewCalendar([]int{6, 1, 2, 3, 4, 5}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Roll(MustParseDate("2025-01-25")); got.String() != "2025-01-25" {
		t.Errorf("Roll(Saturday) on a six-day week = %v, want the Saturday itself", got)
	}
	if got := c.Roll(MustParseDate("2025-01-26")); got.String() != "2025-01-27" {
		t.Errorf("Roll(Sunday) = %v, want Monday 2025-01-27", got)
	}
}

func TestNewCalendarRejects(t *testing.T) {
	d := MustParseDate
	tests := []struct {
		name     string
		workdays []int
		holidays []Date
		makeup   []Date
		want     string
	}{
		{"no workdays", nil, nil, nil, "at least one"},
		{"weekday 0", []int{0, 1, 2}, nil, nil, "0 is not an ISO weekday"},
		{"weekday 8", []int{1, 8}, nil, nil, "8 is not an ISO weekday"},
		{"duplicate", []int{1, 2, 2}, nil, nil, "weekday 2 is listed twice"},
		{"empty holiday", []int{1}, []Date{{}}, nil, "holidays: empty date"},
		{"empty make-up day", []int{1}, nil, []Date{{}}, "make-up working days: empty date"},
		{"both", []int{1}, []Date{d("2025-04-26")}, []Date{d("2025-04-26")}, "2025-04-26 is listed both"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := NewCalendar(tt.workdays, tt.holidays, tt.makeup)
			if err == nil {
				t.Fatalf("NewCalendar = %+v, want an error", c)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
		})
	}
}

// TestCalendarWithoutWorkdays checks that a calendar with no working day
// ends its searches instead of looping for ever.
func TestCalendarWithoutWorkdays(t *testing.T) {
	var c Calendar
	d := MustParseDate("2025-01-27")
	if got := c.Roll(d); got != d {
		t.Errorf("Roll = %v, want %v unchanged", got, d)
	}
	if got := c.AddWorkdays(d, 3); got != d {
		t.Errorf("AddWorkdays(+3) = %v, want %v unchanged", got, d)
	}
	if got := c.AddWorkdays(d, -3); got != d {
		t.Errorf("AddWorkdays(-3) = %v, want %v unchanged", got, d)
	}
	if got := c.WorkdaysBetween(d, d.AddDays(400)); got != 0 {
		t.Errorf("WorkdaysBetween = %d, want 0", got)
	}

	// Sundays only, and every Sunday for two years a holiday: no working
	// day within reach of 2025-01-01.
	var sundays []Date
	for s := MustParseDate("2025-01-05"); s.Year < 2027; s = s.AddDays(7) {
		sundays = append(sundays, s)
	}
	sun, err := NewCalendar([]int{7}, sundays, nil)
	if err != nil {
		t.Fatal(err)
	}
	start := MustParseDate("2025-01-01")
	if got := sun.Roll(start); got != start {
		t.Errorf("Roll on a calendar of holidays = %v, want %v unchanged", got, start)
	}
	if got := sun.AddWorkdays(MustParseDate("2026-12-01"), 1); got.String() != "2027-01-03" {
		t.Errorf("AddWorkdays past the holidays = %v, want the first free Sunday 2027-01-03", got)
	}
}

package plan

import (
	"fmt"
	"strings"
	"testing"
)

var monToFri = [8]bool{1: true, 2: true, 3: true, 4: true, 5: true}

// dayList renders days one a line: "2026-02-16 holiday decision Tết Nguyên đán (29 tháng Chạp)".
func dayList(days []Day) string {
	var b strings.Builder
	for _, d := range days {
		fmt.Fprintf(&b, "%s %s %s %s\n", d.Date, d.Kind, d.Source, d.Name)
	}
	return b.String()
}

func TestVietnamDays2026AsAnnounced(t *testing.T) {
	want := `2026-01-01 holiday law Tết Dương lịch
2026-01-02 holiday decision Nghỉ hoán đổi dịp Tết Dương lịch
2026-01-10 makeup_workday decision Làm bù cho ngày 2/1/2026
2026-02-16 holiday decision Tết Nguyên đán (29 tháng Chạp)
2026-02-17 holiday decision Tết Nguyên đán (mùng 1)
2026-02-18 holiday decision Tết Nguyên đán (mùng 2)
2026-02-19 holiday decision Tết Nguyên đán (mùng 3)
2026-02-20 holiday decision Tết Nguyên đán (mùng 4)
2026-04-26 holiday law Giỗ Tổ Hùng Vương (10/3 âm lịch)
2026-04-27 holiday law Nghỉ bù Giỗ Tổ Hùng Vương (10/3 âm lịch)
2026-04-30 holiday law Ngày Chiến thắng (30/4)
2026-05-01 holiday law Ngày Quốc tế Lao động (1/5)
2026-09-01 holiday law Quốc khánh (ngày liền kề)
2026-09-02 holiday law Quốc khánh (2/9)
`
	if got := dayList(VietnamDays(2026, monToFri)); got != want {
		t.Errorf("2026:\n%s\nwant:\n%s", got, want)
	}
}

func TestVietnamDays2025AsAnnounced(t *testing.T) {
	want := `2025-01-01 holiday law Tết Dương lịch
2025-01-27 holiday decision Tết Nguyên đán (28 tháng Chạp)
2025-01-28 holiday decision Tết Nguyên đán (29 tháng Chạp)
2025-01-29 holiday decision Tết Nguyên đán (mùng 1)
2025-01-30 holiday decision Tết Nguyên đán (mùng 2)
2025-01-31 holiday decision Tết Nguyên đán (mùng 3)
2025-04-07 holiday law Giỗ Tổ Hùng Vương (10/3 âm lịch)
2025-04-26 makeup_workday decision Làm bù cho ngày 2/5/2025
2025-04-30 holiday law Ngày Chiến thắng (30/4)
2025-05-01 holiday law Ngày Quốc tế Lao động (1/5)
2025-05-02 holiday decision Nghỉ hoán đổi dịp 30/4 – 1/5
2025-09-01 holiday law Quốc khánh (ngày liền kề)
2025-09-02 holiday law Quốc khánh (2/9)
`
	if got := dayList(VietnamDays(2025, monToFri)); got != want {
		t.Errorf("2025:\n%s\nwant:\n%s", got, want)
	}
}

// TestVietnamDays2027Statutory: nothing announced for 2027, so the
// statutory pattern: Tết Đinh Mùi is Saturday 6/2/2027, so the last day of
// the lunar year is Friday 5/2, mùng 1–4 are 6/2–9/2, and the Saturday and
// Sunday give Wednesday 10/2 and Thursday 11/2 off; 1/5 is a Saturday
// (Monday 3/5 off); Giỗ Tổ is Friday 16/4; 2/9 is a Thursday (3/9 with it).
func TestVietnamDays2027Statutory(t *testing.T) {
	want := `2027-01-01 holiday law Tết Dương lịch
2027-02-05 holiday law Tết Nguyên đán (29 tháng Chạp)
2027-02-06 holiday law Tết Nguyên đán (mùng 1)
2027-02-07 holiday law Tết Nguyên đán (mùng 2)
2027-02-08 holiday law Tết Nguyên đán (mùng 3)
2027-02-09 holiday law Tết Nguyên đán (mùng 4)
2027-02-10 holiday law Nghỉ bù Tết Nguyên đán (mùng 1)
2027-02-11 holiday law Nghỉ bù Tết Nguyên đán (mùng 2)
2027-04-16 holiday law Giỗ Tổ Hùng Vương (10/3 âm lịch)
2027-04-30 holiday law Ngày Chiến thắng (30/4)
2027-05-01 holiday law Ngày Quốc tế Lao động (1/5)
2027-05-03 holiday law Nghỉ bù Ngày Quốc tế Lao động (1/5)
2027-09-02 holiday law Quốc khánh (2/9)
2027-09-03 holiday law Quốc khánh (ngày liền kề)
`
	if got := dayList(VietnamDays(2027, monToFri)); got != want {
		t.Errorf("2027:\n%s\nwant:\n%s", got, want)
	}
	if HasAnnouncedSchedule(2027) || !HasAnnouncedSchedule(2026) || !HasAnnouncedSchedule(2025) {
		t.Error("announced schedules: want 2025 and 2026 only")
	}
}

// TestVietnamDaysEveryYear checks the law's shape for every year the
// lunar calendar covers around today: eleven statutory days, all off.
func TestVietnamDaysEveryYear(t *testing.T) {
	for y := 1990; y <= 2100; y++ {
		days := VietnamDays(y, monToFri)
		law := 0
		for _, d := range days {
			if d.Date.Year != y {
				t.Fatalf("%d: day %s of another year", y, d.Date)
			}
			if d.Kind == DayHoliday && !strings.HasPrefix(d.Name, "Nghỉ") {
				law++
			}
		}
		if law != 11 {
			t.Errorf("%d: %d holidays, want 11 (art. 112):\n%s", y, law, dayList(days))
		}
		cal, err := BuildCalendar(CalendarConfig{Workdays: []int{1, 2, 3, 4, 5}, Rules: RulesVietnam})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range days {
			if cal.IsWorkday(d.Date) != (d.Kind == DayMakeupWorkday) {
				t.Errorf("%s %s: IsWorkday = %v", d.Date, d.Name, cal.IsWorkday(d.Date))
			}
		}
	}
}

func TestCalendarRulesAndConfig(t *testing.T) {
	none, err := BuildCalendar(CalendarConfig{Workdays: []int{1, 2, 3, 4, 5}, Rules: RulesNone})
	if err != nil {
		t.Fatal(err)
	}
	vn, err := BuildCalendar(CalendarConfig{
		Workdays:       []int{1, 2, 3, 4, 5},
		Rules:          RulesVietnam,
		Holidays:       []Date{MustParseDate("2027-12-31")},
		MakeupWorkdays: []Date{MustParseDate("2027-02-11"), MustParseDate("2027-02-13")},
	})
	if err != nil {
		t.Fatal(err)
	}
	tet := MustParseDate("2026-02-16")
	if !none.IsWorkday(tet) || vn.IsWorkday(tet) {
		t.Errorf("2026-02-16: none %v, vietnam %v; want a working day only without rules", none.IsWorkday(tet), vn.IsWorkday(tet))
	}
	if got := vn.Roll(MustParseDate("2026-02-14")); got != MustParseDate("2026-02-23") {
		t.Errorf("Roll(2026-02-14) = %s, want 2026-02-23 (after Tết)", got)
	}
	for _, c := range []struct {
		date   string
		work   bool
		source DaySource
	}{
		{"2027-12-31", false, SourceConfig},
		{"2027-02-11", true, SourceConfig},   // configured make-up overrides the computed day off
		{"2027-02-13", true, SourceConfig},   // a Saturday worked
		{"2027-02-10", false, SourceLaw},     // compensatory
		{"2026-01-10", true, SourceDecision}, // announced make-up Saturday
	} {
		d := MustParseDate(c.date)
		day, ok := vn.Day(d)
		if !ok || day.Source != c.source || vn.IsWorkday(d) != c.work {
			t.Errorf("%s: %+v %v, workday %v; want source %s, workday %v", c.date, day, ok, vn.IsWorkday(d), c.source, c.work)
		}
	}
	if none.Fingerprint() == vn.Fingerprint() {
		t.Error("fingerprints of different calendars are equal")
	}
	again, _ := BuildCalendar(CalendarConfig{Workdays: []int{1, 2, 3, 4, 5}, Rules: RulesNone})
	if again.Fingerprint() != none.Fingerprint() {
		t.Error("fingerprints of equal calendars differ")
	}
	if _, err := BuildCalendar(CalendarConfig{Workdays: []int{1}, Rules: "china"}); err == nil || !strings.Contains(err.Error(), "want vietnam") {
		t.Errorf("rules china: %v", err)
	}
}

// BenchmarkVietnamYear computes one year's holidays from scratch (lunar
// calendar included), as a Calendar does the first time it is asked about
// a year.
func BenchmarkVietnamYear(b *testing.B) {
	for i := 0; i < b.N; i++ {
		VietnamDays(2000+i%100, monToFri)
	}
}

// BenchmarkCalendarFingerprint builds a calendar and takes its
// fingerprint (101 years computed), as serve and import do at start.
func BenchmarkCalendarFingerprint(b *testing.B) {
	for i := 0; i < b.N; i++ {
		cal, err := BuildCalendar(CalendarConfig{Workdays: []int{1, 2, 3, 4, 5}, Rules: RulesVietnam})
		if err != nil {
			b.Fatal(err)
		}
		cal.Fingerprint()
	}
}

// TestCalendarConcurrentYears: goroutines asking about years not computed
// yet (run with -race) all get the same answers.
func TestCalendarConcurrentYears(t *testing.T) {
	cal, err := BuildCalendar(CalendarConfig{Workdays: []int{1, 2, 3, 4, 5}, Rules: RulesVietnam})
	if err != nil {
		t.Fatal(err)
	}
	results := make(chan string, 8)
	for g := 0; g < 8; g++ {
		go func() {
			var b strings.Builder
			for y := 2030; y < 2040; y++ {
				fmt.Fprintf(&b, "%v %s;", cal.IsWorkday(NewDate(y, 2, 5)), cal.Roll(NewDate(y, 1, 1)))
			}
			results <- b.String()
		}()
	}
	first := <-results
	for g := 1; g < 8; g++ {
		if got := <-results; got != first {
			t.Fatalf("goroutines disagree:\n%s\n%s", first, got)
		}
	}
}

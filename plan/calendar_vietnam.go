package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"time"

	"github.com/nhacviec/nhacviec/lunar"
)

// Rules says which holidays a Calendar computes for every year.
type Rules string

// The calendar rules (config calendar.rules).
const (
	// RulesVietnam computes the statutory holidays of Việt Nam (Bộ luật
	// Lao động 2019, art. 111–112) for any year, with the Government's
	// announced schedules for the years they are known.
	RulesVietnam Rules = "vietnam"
	// RulesNone computes no holidays: only the listed ones count.
	RulesNone Rules = "none"
)

// ParseRules parses a calendar.rules value.
func ParseRules(s string) (Rules, error) {
	switch Rules(s) {
	case RulesVietnam, RulesNone:
		return Rules(s), nil
	}
	return "", fmt.Errorf("rules %q: want vietnam (holidays of Bộ luật Lao động 2019 computed for every year) or none (only the listed holidays)", s)
}

// DayKind says what a Day is.
type DayKind string

// The kinds of Day.
const (
	// DayHoliday is a non-working day other than a plain weekend:
	// a public holiday, a compensatory day off or a day moved off.
	DayHoliday DayKind = "holiday"
	// DayMakeupWorkday is a working day on a weekly rest day (ngày làm bù).
	DayMakeupWorkday DayKind = "makeup_workday"
)

// DaySource says where a Day comes from.
type DaySource string

// The sources of a Day.
const (
	// SourceLaw is Bộ luật Lao động 2019: art. 112 (the holidays) and
	// art. 111(3) (a holiday on a weekly rest day gives the next working
	// day off).
	SourceLaw DaySource = "law"
	// SourceDecision is a schedule announced by the Government for one
	// year (days moved, make-up working days).
	SourceDecision DaySource = "decision"
	// SourceConfig is calendar.holidays or calendar.makeup_workdays.
	SourceConfig DaySource = "config"
)

// Day is a day that is not what its weekday says: a holiday on a working
// weekday or a weekend, or a make-up working day.
type Day struct {
	Date Date
	Kind DayKind
	// Name is the day's name in Vietnamese ("Tết Nguyên đán (mùng 3)"),
	// NameEN in English; both are the names the law and the
	// announcements use, data rather than interface text.
	Name, NameEN string
	Source       DaySource
	// Document is the announcement a SourceDecision day comes from.
	Document string
}

// holidayGroup names the holidays an announcement may fix differently
// from the statutory pattern.
type holidayGroup int

const (
	groupNewYear holidayGroup = iota + 1
	groupTet
	groupHung
	groupReunification
	groupLabour
	groupNational
)

// lawDay is a statutory holiday before compensatory days are added.
type lawDay struct {
	date         Date
	group        holidayGroup
	name, nameEN string
}

// statutory returns the holidays of Bộ luật Lao động 2019 art. 112 in
// year y, with the pattern used when the Government has announced nothing:
// Tết on the last day of the lunar year and mùng 1 to 4, and Quốc khánh
// with the adjacent day that joins it to a weekend or, mid-week, 1/9.
func statutory(y int) []lawDay {
	days := []lawDay{
		{NewDate(y, time.January, 1), groupNewYear, "Tết Dương lịch", "New Year's Day"},
	}
	days = append(days, tetDays(y)...)
	if hung, err := lunar.ToSolar(lunar.Date{Year: y, Month: 3, Day: 10}); err == nil {
		days = append(days, lawDay{Date(hung), groupHung, "Giỗ Tổ Hùng Vương (10/3 âm lịch)", "Hùng Kings' Commemoration Day"})
	}
	days = append(days,
		lawDay{NewDate(y, time.April, 30), groupReunification, "Ngày Chiến thắng (30/4)", "Reunification Day"},
		lawDay{NewDate(y, time.May, 1), groupLabour, "Ngày Quốc tế Lao động (1/5)", "International Labour Day"},
	)
	national := NewDate(y, time.September, 2)
	adjacent := national.AddDays(-1)
	switch national.Weekday() {
	case time.Monday, time.Thursday, time.Sunday:
		// 1/9 is a Sunday, or 3/9 is a Friday (or Monday): the day after
		// joins the holiday to a weekend.
		adjacent = national.AddDays(1)
	}
	days = append(days,
		lawDay{national, groupNational, "Quốc khánh (2/9)", "National Day"},
		lawDay{adjacent, groupNational, "Quốc khánh (ngày liền kề)", "National Day (adjacent day)"},
	)
	return days
}

// tetDays returns the statutory pattern of Tết Nguyên đán in solar year y:
// the last day of the lunar year and mùng 1 to 4 (none for a year outside
// the lunar calendar's range).
func tetDays(y int) []lawDay {
	tet, err := lunar.Tet(y)
	if err != nil {
		return nil
	}
	first := Date(tet)
	out := make([]lawDay, 0, 5)
	for i := -1; i <= 3; i++ {
		out = append(out, tetDay(first.AddDays(i)))
	}
	return out
}

// tetDay names a day of Tết by its lunar date.
func tetDay(d Date) lawDay {
	l, err := lunar.FromSolar(lunar.Solar(d))
	name, nameEN := "Tết Nguyên đán", "Lunar New Year"
	switch {
	case err != nil:
	case l.Month == 12:
		name = fmt.Sprintf("Tết Nguyên đán (%d tháng Chạp)", l.Day)
		nameEN = fmt.Sprintf("Lunar New Year (day %d of the 12th month)", l.Day)
	case l.Month == 1:
		name = fmt.Sprintf("Tết Nguyên đán (mùng %d)", l.Day)
		nameEN = fmt.Sprintf("Lunar New Year (day %d)", l.Day)
	}
	return lawDay{d, groupTet, name, nameEN}
}

// announcement is a schedule the Government announced for one year: the
// holiday groups it fixes differently from the statutory pattern (their
// days replace the pattern's, compensatory days included), the days moved
// off and the make-up working days.
type announcement struct {
	document string
	fixed    map[holidayGroup][]Date
	movedOff []movedDay // working days given off, worked on a make-up day
}

// movedDay is a working day given off in exchange for a make-up day.
type movedDay struct {
	off, makeup  Date
	name, nameEN string
}

// announcements are the Government's schedules for the years they are
// known. Each says where it comes from; what could not be checked against
// the text of the document is said beside it.
func announcements(y int) (announcement, bool) {
	switch y {
	case 2025:
		// Văn bản 8726/VPCP-KGVX of 26/11/2024 (Văn phòng Chính phủ,
		// transmitting the Prime Minister's decision on Tết Âm lịch and some
		// holidays of 2025; number and date as the press reported them):
		// Tết Ất Tỵ nine days in a row, Saturday 25/1 to Sunday 2/2, so its
		// five days are the weekdays Monday 27/1 to Friday 31/1 (28 tháng
		// Chạp to mùng 3). Not verified against the document's text: the
		// exchange of Friday 2/5 (off) for Saturday 26/4 (worked) around
		// 30/4–1/5, and Monday 1/9 as Quốc khánh's adjacent day (which is
		// also the statutory pattern).
		return announcement{
			document: "8726/VPCP-KGVX",
			fixed: map[holidayGroup][]Date{
				groupTet: dates(2025, time.January, 27, 28, 29, 30, 31),
			},
			movedOff: []movedDay{{
				off: NewDate(2025, time.May, 2), makeup: NewDate(2025, time.April, 26),
				name: "Nghỉ hoán đổi dịp 30/4 – 1/5", nameEN: "Day off moved for 30 April – 1 May",
			}},
		}, true
	case 2026:
		// The Prime Minister's approvals, transmitted by Văn phòng Chính
		// phủ, of Bộ Nội vụ's proposals: Tết Dương lịch four days, Thursday
		// 1/1 to Sunday 4/1, Friday 2/1 worked instead on Saturday 10/1
		// (letter of 25/12/2025, as the press reported it); Tết Bính Ngọ
		// nine days, Saturday 14/2 (27 tháng Chạp) to Sunday 22/2 (mùng 6),
		// its five days Monday 16/2 to Friday 20/2. The numbers of these
		// letters could not be verified, so Document names them by sender
		// and date. Giỗ Tổ on Sunday 26/4 gives Monday 27/4 off by the law
		// (art. 111(3)), not by a decision. Quốc khánh 2026 (Wednesday 2/9):
		// a five-day break was proposed, but the adjacent day and any
		// exchange could not be verified; the statutory pattern (Tuesday
		// 1/9) is used until they are.
		return announcement{
			document: "Văn phòng Chính phủ, thông báo ý kiến Thủ tướng (25/12/2025; Tết Bính Ngọ)",
			fixed: map[holidayGroup][]Date{
				groupTet: dates(2026, time.February, 16, 17, 18, 19, 20),
			},
			movedOff: []movedDay{{
				off: NewDate(2026, time.January, 2), makeup: NewDate(2026, time.January, 10),
				name: "Nghỉ hoán đổi dịp Tết Dương lịch", nameEN: "Day off moved for New Year",
			}},
		}, true
	}
	return announcement{}, false
}

func dates(y int, m time.Month, days ...int) []Date {
	out := make([]Date, len(days))
	for i, d := range days {
		out[i] = NewDate(y, m, d)
	}
	return out
}

// HasAnnouncedSchedule reports whether the Government's schedule for year
// y (days moved, make-up working days) ships with this version; for other
// years RulesVietnam uses the statutory pattern.
func HasAnnouncedSchedule(y int) bool {
	_, ok := announcements(y)
	return ok
}

// VietnamDays returns the holidays and make-up working days of year y under
// RulesVietnam for an office working on the ISO weekdays marked in
// workdays: the statutory holidays (or, for a holiday group the
// Government fixed otherwise, the announced days), a compensatory day off
// on the next working day for each holiday on a weekly rest day, and the
// announced days moved off with their make-up working days. The result is
// in date order.
func VietnamDays(y int, workdays [8]bool) []Day {
	ann, announced := announcements(y)
	var law []lawDay
	for _, d := range statutory(y) {
		if _, ok := ann.fixed[d.group]; !ok {
			law = append(law, d)
		}
	}
	byDate := make(map[Date]Day)
	add := func(d Day) {
		if _, ok := byDate[d.Date]; !ok {
			byDate[d.Date] = d
		}
	}
	for _, d := range law {
		add(Day{Date: d.date, Kind: DayHoliday, Name: d.name, NameEN: d.nameEN, Source: SourceLaw})
	}
	if announced {
		for group, ds := range ann.fixed {
			for _, d := range ds {
				ld := lawDay{date: d, group: group}
				if group == groupTet {
					ld = tetDay(d)
				}
				add(Day{Date: d, Kind: DayHoliday, Name: ld.name, NameEN: ld.nameEN, Source: SourceDecision, Document: ann.document})
			}
		}
		for _, m := range ann.movedOff {
			add(Day{Date: m.off, Kind: DayHoliday, Name: m.name, NameEN: m.nameEN, Source: SourceDecision, Document: ann.document})
			add(Day{Date: m.makeup, Kind: DayMakeupWorkday, Name: "Làm bù cho ngày " + m.off.dm(), NameEN: "Make-up working day for " + m.off.String(), Source: SourceDecision, Document: ann.document})
		}
	}
	// Compensatory days: a statutory holiday on a weekly rest day gives
	// the next working day off (Bộ luật Lao động 2019, art. 111(3)); the
	// days the Government fixed already include theirs.
	sort.Slice(law, func(i, j int) bool { return law[i].date.Before(law[j].date) })
	for _, d := range law {
		if workdays[d.date.ISOWeekday()] {
			continue
		}
		for next := d.date.AddDays(1); next.Before(d.date.AddDays(31)); next = next.AddDays(1) {
			if _, taken := byDate[next]; taken || !workdays[next.ISOWeekday()] {
				continue
			}
			byDate[next] = Day{Date: next, Kind: DayHoliday, Name: "Nghỉ bù " + d.name, NameEN: "Day off in lieu of " + d.nameEN, Source: SourceLaw}
			break
		}
	}
	out := make([]Day, 0, len(byDate))
	for _, d := range byDate {
		if d.Date.Year == y {
			out = append(out, d)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Date.Before(out[j].Date) })
	return out
}

// dm formats d as 2/1/2026, the way Vietnamese documents write dates.
func (d Date) dm() string { return fmt.Sprintf("%d/%d/%d", d.Day, int(d.Month), d.Year) }

// Fingerprint identifies what the calendar says of the years 2000–2100:
// the working weekdays and every holiday and make-up working day, whatever
// produced them (the rules, their version, the announcements shipped, the
// configuration). Two calendars with the same fingerprint give every
// deadline of those years the same working day.
func (c *Calendar) Fingerprint() string {
	h := sha256.New()
	fmt.Fprintf(h, "workdays %v\n", c.workdays)
	for y := 2000; y <= 2100; y++ {
		for _, d := range c.Days(y) {
			fmt.Fprintf(h, "%s %s\n", d.Date, d.Kind)
		}
	}
	// Configured days outside those years count too.
	cfg := make([]Day, 0, len(c.config))
	for _, d := range c.config {
		if d.Date.Year < 2000 || d.Date.Year > 2100 {
			cfg = append(cfg, d)
		}
	}
	sort.Slice(cfg, func(i, j int) bool { return cfg[i].Date.Before(cfg[j].Date) })
	for _, d := range cfg {
		fmt.Fprintf(h, "%s %s\n", d.Date, d.Kind)
	}
	return hex.EncodeToString(h.Sum(nil))
}

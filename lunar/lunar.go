// Package lunar converts between the Gregorian calendar and the Vietnamese
// lunar calendar (âm lịch), computed for the time zone of Việt Nam, UTC+7.
//
// The calendar is the one Hồ Ngọc Đức describes in "Thuật toán tính âm
// lịch" (Computing the Vietnamese lunar calendar, published with his
// amlich tables, informatik.uni-leipzig.de/~duc/amlich/, 2001–2004), which
// rests on the astronomical rules of the calendar:
//
//   - a lunar month begins on the day (in UTC+7) that holds a new moon;
//   - the 11th month is the month holding the winter solstice (the solar
//     longitude 270°);
//   - in a lunar year with 13 months (from one 11th month to the next) the
//     first month after the 11th that holds no major solar term (trung khí,
//     a multiple of 30° of solar longitude) is the leap month, and takes
//     the number of the month before it.
//
// The times of the new moons and the solar longitude are computed with the
// abridged series of Jean Meeus, "Astronomical Algorithms" (1998), ch. 25
// and 49, as in Hồ Ngọc Đức's description; they are accurate to a few
// minutes for the years 1800–2199, which the package accepts. The code is
// written for this package from those descriptions.
//
// Because the day of a new moon depends on the time zone, the Vietnamese
// calendar differs from the Chinese one (computed for UTC+8) whenever a new
// moon falls between 23:00 and midnight in Hà Nội: Tết Đinh Hợi was on
// 17 February 2007 in Việt Nam and on 18 February in China.
package lunar

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// TimeZone is the offset from UTC, in hours, for which the Vietnamese
// calendar is computed.
const TimeZone = 7.0

// MinYear and MaxYear bound the years (solar and lunar) the package
// accepts: the series it uses are accurate for them.
const (
	MinYear = 1800
	MaxYear = 2199
)

// Date is a day of the lunar calendar: Year is the solar year in which the
// lunar year begins (Tết Bính Ngọ, 17 February 2026, begins lunar year
// 2026), Month 1 to 12, Day 1 to 30, and Leap marks the leap month (tháng
// nhuận) that repeats Month.
type Date struct {
	Year  int
	Month int
	Day   int
	Leap  bool
}

// String formats d the Vietnamese way: 10/3/2026, or 15/6 nhuận/2025.
func (d Date) String() string {
	if d.Leap {
		return fmt.Sprintf("%d/%d nhuận/%d", d.Day, d.Month, d.Year)
	}
	return fmt.Sprintf("%d/%d/%d", d.Day, d.Month, d.Year)
}

// Solar is a day of the Gregorian calendar.
type Solar struct {
	Year  int
	Month time.Month
	Day   int
}

// String formats s as 2026-02-17.
func (s Solar) String() string { return fmt.Sprintf("%04d-%02d-%02d", s.Year, s.Month, s.Day) }

// ErrOutOfRange is returned for a year outside MinYear..MaxYear.
var ErrOutOfRange = fmt.Errorf("lunar: year outside %d..%d", MinYear, MaxYear)

// FromSolar returns the Vietnamese lunar date of the solar day s. It
// returns ErrOutOfRange for a year outside MinYear..MaxYear and an error
// for a day that does not exist (such as 2026-02-30).
func FromSolar(s Solar) (Date, error) {
	if err := checkSolar(s); err != nil {
		return Date{}, err
	}
	return fromJDN(jdn(s), TimeZone), nil
}

// ToSolar returns the solar day of the Vietnamese lunar date d. A date that
// cannot exist is an error saying why: a month outside 1..12, a day
// outside 1..30, the 30th of a short (29-day) month, or a leap month in a
// year whose leap month is another one (or that has none).
func ToSolar(d Date) (Solar, error) {
	return toSolar(d, TimeZone)
}

// Tet returns the solar day of Tết Nguyên đán (mùng 1 tháng Giêng) of the
// lunar year that begins in the solar year year.
func Tet(year int) (Solar, error) {
	return ToSolar(Date{Year: year, Month: 1, Day: 1})
}

// LeapMonth returns the number of the month repeated as a leap month in
// the lunar year that begins in year, or 0 when the year has none.
func LeapMonth(year int) (int, error) {
	if year < MinYear || year > MaxYear {
		return 0, ErrOutOfRange
	}
	for _, m := range yearMonths(year, TimeZone) {
		if m.leap {
			return m.month, nil
		}
	}
	return 0, nil
}

// MonthLength returns the number of days (29 or 30) of lunar month month
// (the leap one when leap) of the lunar year that begins in year.
func MonthLength(year, month int, leap bool) (int, error) {
	m, err := findMonth(Date{Year: year, Month: month, Day: 1, Leap: leap}, TimeZone)
	if err != nil {
		return 0, err
	}
	return m.length, nil
}

func checkSolar(s Solar) error {
	if s.Year < MinYear || s.Year > MaxYear {
		return ErrOutOfRange
	}
	if s.Month < 1 || s.Month > 12 || s.Day < 1 || s.Day > time.Date(s.Year, s.Month+1, 0, 0, 0, 0, 0, time.UTC).Day() {
		return fmt.Errorf("lunar: %s is not a day of the Gregorian calendar", s)
	}
	return nil
}

func toSolar(d Date, tz float64) (Solar, error) {
	if d.Day < 1 || d.Day > 30 {
		return Solar{}, fmt.Errorf("lunar: %s: a lunar month has days 1 to 30", d)
	}
	m, err := findMonth(d, tz)
	if err != nil {
		return Solar{}, err
	}
	if d.Day > m.length {
		return Solar{}, fmt.Errorf("lunar: %s cannot exist: month %s of %d has %d days (write %d/%s/%d for its last day)",
			d, monthName(d.Month, d.Leap), d.Year, m.length, m.length, monthName(d.Month, d.Leap), d.Year)
	}
	return solarOf(m.start + d.Day - 1), nil
}

func monthName(month int, leap bool) string {
	if leap {
		return fmt.Sprintf("%d nhuận", month)
	}
	return fmt.Sprint(month)
}

// findMonth returns the lunar month d names (its Day is not looked at).
func findMonth(d Date, tz float64) (lunarMonth, error) {
	if d.Year < MinYear || d.Year > MaxYear {
		return lunarMonth{}, ErrOutOfRange
	}
	if d.Month < 1 || d.Month > 12 {
		return lunarMonth{}, fmt.Errorf("lunar: %s: a lunar month is numbered 1 to 12", d)
	}
	months := yearMonths(d.Year, tz)
	leapMonth := 0
	for _, m := range months {
		if m.month == d.Month && m.leap == d.Leap {
			return m, nil
		}
		if m.leap {
			leapMonth = m.month
		}
	}
	if leapMonth == 0 {
		return lunarMonth{}, fmt.Errorf("lunar: %s cannot exist: lunar year %d has no leap month (write %d/%d/%d)",
			d, d.Year, d.Day, d.Month, d.Year)
	}
	return lunarMonth{}, fmt.Errorf("lunar: %s cannot exist: the leap month of lunar year %d is month %d",
		d, d.Year, leapMonth)
}

// lunarMonth is one month of a lunar year: its number, whether it is the
// leap month, the Julian day number of its first day and its length.
type lunarMonth struct {
	month  int
	leap   bool
	start  int
	length int
}

// yearMonths returns the months of the lunar year that begins in the solar
// year year, from month 1 to month 12 (13 entries in a leap year).
func yearMonths(year int, tz float64) []lunarMonth {
	// From the 11th month before Tết (in solar year-1) to the next 11th
	// month come months 11 and 12 of the previous lunar year, then months
	// 1 to 10 of this one; from that 11th month to the one after come
	// months 11 and 12 of this lunar year.
	prev, cur, next := month11(year-1, tz), month11(year, tz), month11(year+1, tz)
	var out []lunarMonth
	for _, m := range spanMonths(prev, cur, tz) {
		if m.month <= 10 {
			out = append(out, m)
		}
	}
	for _, m := range spanMonths(cur, next, tz) {
		if m.month >= 11 {
			out = append(out, m)
		}
	}
	return out
}

// spanMonths numbers the months from the 11th month starting on day a11 up
// to (not including) the next 11th month starting on day b11: 11, 12, 1,
// …, 10, with the leap month of a 13-month span repeating the number of
// the month before it.
func spanMonths(a11, b11 int, tz float64) []lunarMonth {
	k := newMoonIndex(a11)
	n := int(math.Floor(float64(b11-a11)/29.530588853 + 0.5)) // 12 or 13 months
	leapAt := -1
	if n == 13 {
		leapAt = leapMonthOffset(a11, tz)
	}
	out := make([]lunarMonth, 0, n)
	month := 11
	for i := 0; i < n; i++ {
		leap := i == leapAt
		if i > 0 && !leap {
			month = month%12 + 1
		}
		start := newMoonDay(k+i, tz)
		out = append(out, lunarMonth{month: month, leap: leap, start: start, length: newMoonDay(k+i+1, tz) - start})
	}
	return out
}

// fromJDN returns the lunar date of Julian day number day.
func fromJDN(day int, tz float64) Date {
	s := solarOf(day)
	// The lunar year containing day begins in s.Year or s.Year-1.
	for _, y := range []int{s.Year, s.Year - 1} {
		months := yearMonths(y, tz)
		for _, m := range months {
			if day >= m.start && day < m.start+m.length {
				return Date{Year: y, Month: m.month, Day: day - m.start + 1, Leap: m.leap}
			}
		}
	}
	// Unreachable for a day in range: every day belongs to the lunar year
	// that began in its own solar year or the year before.
	panic(errors.New("lunar: day not in any lunar year"))
}

// month11 returns the Julian day number of the first day of the 11th lunar
// month of solar year year: the month holding the winter solstice.
func month11(year int, tz float64) int {
	off := jdn(Solar{Year: year, Month: 12, Day: 31}) - 2415021
	k := int(math.Floor(float64(off) / 29.530588853))
	nm := newMoonDay(k, tz)
	if sunSector(nm, tz) >= 9 { // the solstice came before this new moon: take the one before
		nm = newMoonDay(k-1, tz)
	}
	return nm
}

// leapMonthOffset returns the position, counted from the 11th month
// starting on day a11 (position 0), of the first month holding no major
// solar term: the leap month of a 13-month span.
func leapMonthOffset(a11 int, tz float64) int {
	k := newMoonIndex(a11)
	last := 0
	i := 1
	arc := sunSector(newMoonDay(k+i, tz), tz)
	for {
		last = arc
		i++
		arc = sunSector(newMoonDay(k+i, tz), tz)
		if arc == last || i >= 14 {
			break
		}
	}
	return i - 1
}

// newMoonIndex returns k such that new moon k starts on day (counting new
// moons from the one of 1900-01-01).
func newMoonIndex(day int) int {
	return int(math.Floor((float64(day)-2415021.076998695)/29.530588853 + 0.5))
}

// newMoonDay returns the Julian day number, in time zone tz, of the day
// holding the k-th new moon after the one of 1900-01-01.
func newMoonDay(k int, tz float64) int {
	return int(math.Floor(newMoon(k) + 0.5 + tz/24))
}

// sunSector returns which 30° sector (0 to 11) of solar longitude the sun
// is in at the start of day in time zone tz; sector 9 begins at the winter
// solstice (270°).
func sunSector(day int, tz float64) int {
	return int(math.Floor(sunLongitude(float64(day)-0.5-tz/24) / math.Pi * 6))
}

const rad = math.Pi / 180

// newMoon returns the Julian date (Universal Time) of the k-th new moon
// after the one of 1900-01-01 13:52 UT (Meeus, ch. 49, abridged).
func newMoon(k int) float64 {
	kf := float64(k)
	t := kf / 1236.85 // Julian centuries since 1900-01-01
	t2, t3 := t*t, t*t*t
	jd := 2415020.75933 + 29.53058868*kf + 0.0001178*t2 - 0.000000155*t3
	jd += 0.00033 * math.Sin((166.56+132.87*t-0.009173*t2)*rad)
	m := (359.2242 + 29.10535608*kf - 0.0000333*t2 - 0.00000347*t3) * rad   // sun's mean anomaly
	mp := (306.0253 + 385.81691806*kf + 0.0107306*t2 + 0.00001236*t3) * rad // moon's mean anomaly
	f := (21.2964 + 390.67050646*kf - 0.0016528*t2 - 0.00000239*t3) * rad   // moon's argument of latitude
	c := (0.1734-0.000393*t)*math.Sin(m) + 0.0021*math.Sin(2*m) -
		0.4068*math.Sin(mp) + 0.0161*math.Sin(2*mp) - 0.0004*math.Sin(3*mp) +
		0.0104*math.Sin(2*f) - 0.0051*math.Sin(m+mp) - 0.0074*math.Sin(m-mp) +
		0.0004*math.Sin(2*f+m) - 0.0004*math.Sin(2*f-m) - 0.0006*math.Sin(2*f+mp) +
		0.0010*math.Sin(2*f-mp) + 0.0005*math.Sin(2*mp+m)
	var deltaT float64 // TT − UT, in days
	if t < -11 {
		deltaT = 0.001 + 0.000839*t + 0.0002261*t2 - 0.00000845*t3 - 0.000000081*t*t3
	} else {
		deltaT = -0.000278 + 0.000265*t + 0.000262*t2
	}
	return jd + c - deltaT
}

// sunLongitude returns the sun's apparent longitude, in radians in
// [0, 2π), at Julian date jd (Meeus, ch. 25, low accuracy).
func sunLongitude(jd float64) float64 {
	t := (jd - 2451545.0) / 36525 // Julian centuries since J2000.0
	t2 := t * t
	m := 357.52910 + 35999.05030*t - 0.0001559*t2 - 0.00000048*t*t2 // mean anomaly
	l0 := 280.46645 + 36000.76983*t + 0.0003032*t2                  // mean longitude
	dl := (1.914600-0.004817*t-0.000014*t2)*math.Sin(m*rad) +
		(0.019993-0.000101*t)*math.Sin(2*m*rad) + 0.000290*math.Sin(3*m*rad)
	l := (l0 + dl) * rad
	return l - 2*math.Pi*math.Floor(l/(2*math.Pi))
}

// jdn returns the Julian day number of the Gregorian day s.
func jdn(s Solar) int {
	a := (14 - int(s.Month)) / 12
	y := s.Year + 4800 - a
	m := int(s.Month) + 12*a - 3
	return s.Day + (153*m+2)/5 + 365*y + y/4 - y/100 + y/400 - 32045
}

// solarOf returns the Gregorian day of Julian day number day.
func solarOf(day int) Solar {
	a := day + 32044
	b := (4*a + 3) / 146097
	c := a - b*146097/4
	d := (4*c + 3) / 1461
	e := c - 1461*d/4
	m := (5*e + 2) / 153
	return Solar{
		Year:  b*100 + d - 4800 + m/10,
		Month: time.Month(m + 3 - 12*(m/10)),
		Day:   e - (153*m+2)/5 + 1,
	}
}

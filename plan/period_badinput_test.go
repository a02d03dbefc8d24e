package plan

import "testing"

// FuzzPeriodArithmetic checks the period arithmetic on any day of years 1
// to 9998, for every kind and cut-off: the period containing a day
// contains it, follows its predecessor without gap or overlap, and parses
// back from its key.
func FuzzPeriodArithmetic(f *testing.F) {
	f.Add(2025, 0, uint8(0), false)   // 1/1/2025, week, calendar
	f.Add(2024, 365, uint8(1), true)  // 31/12/2024, month, decree09
	f.Add(2020, 362, uint8(0), false) // 28/12/2020, ISO week 53
	f.Add(2025, 348, uint8(4), true)  // 15/12/2025, year, decree09
	f.Add(2025, 165, uint8(3), true)  // 15/6/2025, half, decree09
	f.Add(1, 0, uint8(2), true)       // 1/1/0001, quarter, decree09
	kinds := []PeriodKind{Week, Month, Quarter, Half, Year}
	f.Fuzz(func(t *testing.T, year, day int, kind uint8, decree bool) {
		if year < 2 || year > 9998 || day < 0 || day > 365 {
			return
		}
		k := kinds[int(kind)%len(kinds)]
		c := CutoffCalendar
		if decree {
			c = CutoffDecree09
		}
		d := NewDate(year, 1, 1).AddDays(day)
		p := PeriodContaining(k, d, c)
		if !p.Contains(d) || p.Kind != k {
			t.Fatalf("PeriodContaining(%s, %v, %s) = %+v does not contain the day", k, d, c, p)
		}
		if p.To.Before(p.From) {
			t.Fatalf("%+v ends before it starts", p)
		}
		next, prev := p.Next(), p.Prev()
		if next.From != p.To.AddDays(1) || prev.To != p.From.AddDays(-1) {
			t.Fatalf("%+v: next %+v, prev %+v leave a gap or overlap", p, next, prev)
		}
		if next.Prev() != p || prev.Next() != p {
			t.Fatalf("%+v: Next and Prev are not inverse", p)
		}
		back, err := ParsePeriod(p.Key, c)
		if err != nil || back != p {
			t.Fatalf("ParsePeriod(%q, %s) = %+v, %v; want %+v", p.Key, c, back, err, p)
		}
	})
}

package plan

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// per builds an expected Period.
func per(k PeriodKind, key, from, to string) Period {
	return Period{Kind: k, Key: key, From: MustParseDate(from), To: MustParseDate(to)}
}

func TestPeriodContaining(t *testing.T) {
	tests := []struct {
		name   string
		kind   PeriodKind
		date   string
		cutoff Cutoff
		want   Period
	}{
		// ISO weeks: Monday to Sunday, keyed by the ISO year.
		{"week mid-February", Week, "2025-02-12", CutoffCalendar, per(Week, "2025-W07", "2025-02-10", "2025-02-16")},
		{"week 30 Dec belongs to the next ISO year", Week, "2024-12-30", CutoffCalendar, per(Week, "2025-W01", "2024-12-30", "2025-01-05")},
		{"week first Sunday", Week, "2025-01-05", CutoffCalendar, per(Week, "2025-W01", "2024-12-30", "2025-01-05")},
		{"week first Monday after", Week, "2025-01-06", CutoffCalendar, per(Week, "2025-W02", "2025-01-06", "2025-01-12")},
		{"week 52 of 2025 is its last", Week, "2025-12-28", CutoffCalendar, per(Week, "2025-W52", "2025-12-22", "2025-12-28")},
		{"week 29 Dec 2025 is 2026-W01", Week, "2025-12-29", CutoffCalendar, per(Week, "2026-W01", "2025-12-29", "2026-01-04")},
		{"week 2020-W53", Week, "2020-12-31", CutoffCalendar, per(Week, "2020-W53", "2020-12-28", "2021-01-03")},
		{"week 3 Jan 2021 still in 2020-W53", Week, "2021-01-03", CutoffCalendar, per(Week, "2020-W53", "2020-12-28", "2021-01-03")},
		{"week 1 Jan 2027 in 2026-W53", Week, "2027-01-01", CutoffCalendar, per(Week, "2026-W53", "2026-12-28", "2027-01-03")},
		{"week leap day", Week, "2024-02-29", CutoffCalendar, per(Week, "2024-W09", "2024-02-26", "2024-03-03")},
		{"week ignores decree09", Week, "2025-01-15", CutoffDecree09, per(Week, "2025-W03", "2025-01-13", "2025-01-19")},

		// Calendar months.
		{"month leap February", Month, "2024-02-29", CutoffCalendar, per(Month, "2024-02", "2024-02-01", "2024-02-29")},
		{"month common February", Month, "2025-02-14", CutoffCalendar, per(Month, "2025-02", "2025-02-01", "2025-02-28")},
		{"month first day", Month, "2025-03-01", CutoffCalendar, per(Month, "2025-03", "2025-03-01", "2025-03-31")},
		{"month year end", Month, "2025-12-31", CutoffCalendar, per(Month, "2025-12", "2025-12-01", "2025-12-31")},
		{"month zero cutoff is calendar", Month, "2025-01-20", "", per(Month, "2025-01", "2025-01-01", "2025-01-31")},

		// Decree 09 months: 15th of the previous month to the 14th.
		{"decree09 month 14 Jan", Month, "2025-01-14", CutoffDecree09, per(Month, "2025-01", "2024-12-15", "2025-01-14")},
		{"decree09 month 15 Jan", Month, "2025-01-15", CutoffDecree09, per(Month, "2025-02", "2025-01-15", "2025-02-14")},
		{"decree09 month 15 Dec opens next year's January", Month, "2024-12-15", CutoffDecree09, per(Month, "2025-01", "2024-12-15", "2025-01-14")},
		{"decree09 month 14 Dec", Month, "2024-12-14", CutoffDecree09, per(Month, "2024-12", "2024-11-15", "2024-12-14")},
		{"decree09 month 20 Dec 2025", Month, "2025-12-20", CutoffDecree09, per(Month, "2026-01", "2025-12-15", "2026-01-14")},
		{"decree09 month leap day", Month, "2024-02-29", CutoffDecree09, per(Month, "2024-03", "2024-02-15", "2024-03-14")},
		{"decree09 month 1st", Month, "2025-03-01", CutoffDecree09, per(Month, "2025-03", "2025-02-15", "2025-03-14")},

		// Calendar quarters.
		{"quarter Q1 last day", Quarter, "2025-03-31", CutoffCalendar, per(Quarter, "2025-Q1", "2025-01-01", "2025-03-31")},
		{"quarter Q2 first day", Quarter, "2025-04-01", CutoffCalendar, per(Quarter, "2025-Q2", "2025-04-01", "2025-06-30")},
		{"quarter Q3", Quarter, "2025-08-15", CutoffCalendar, per(Quarter, "2025-Q3", "2025-07-01", "2025-09-30")},
		{"quarter Q4 year end", Quarter, "2024-12-31", CutoffCalendar, per(Quarter, "2024-Q4", "2024-10-01", "2024-12-31")},

		// Decree 09 quarters: 15th of the month before to the 14th of the last month.
		{"decree09 Q1 starts 15 Dec", Quarter, "2024-12-15", CutoffDecree09, per(Quarter, "2025-Q1", "2024-12-15", "2025-03-14")},
		{"decree09 Q4 ends 14 Dec", Quarter, "2024-12-14", CutoffDecree09, per(Quarter, "2024-Q4", "2024-09-15", "2024-12-14")},
		{"decree09 Q1 last day", Quarter, "2025-03-14", CutoffDecree09, per(Quarter, "2025-Q1", "2024-12-15", "2025-03-14")},
		{"decree09 Q2 first day", Quarter, "2025-03-15", CutoffDecree09, per(Quarter, "2025-Q2", "2025-03-15", "2025-06-14")},
		{"decree09 Q3 mid", Quarter, "2025-07-01", CutoffDecree09, per(Quarter, "2025-Q3", "2025-06-15", "2025-09-14")},
		{"decree09 quarter 20 Dec 2025", Quarter, "2025-12-20", CutoffDecree09, per(Quarter, "2026-Q1", "2025-12-15", "2026-03-14")},

		// Half-years.
		{"half H1 last day", Half, "2025-06-30", CutoffCalendar, per(Half, "2025-H1", "2025-01-01", "2025-06-30")},
		{"half H2 first day", Half, "2025-07-01", CutoffCalendar, per(Half, "2025-H2", "2025-07-01", "2025-12-31")},
		{"decree09 H1 ends 14 Jun", Half, "2025-06-14", CutoffDecree09, per(Half, "2025-H1", "2024-12-15", "2025-06-14")},
		{"decree09 H2 starts 15 Jun", Half, "2025-06-15", CutoffDecree09, per(Half, "2025-H2", "2025-06-15", "2025-12-14")},
		{"decree09 H2 ends 14 Dec", Half, "2025-12-14", CutoffDecree09, per(Half, "2025-H2", "2025-06-15", "2025-12-14")},
		{"decree09 H1 of next year starts 15 Dec", Half, "2025-12-15", CutoffDecree09, per(Half, "2026-H1", "2025-12-15", "2026-06-14")},

		// Years.
		{"year last day", Year, "2024-12-31", CutoffCalendar, per(Year, "2024", "2024-01-01", "2024-12-31")},
		{"year first day", Year, "2025-01-01", CutoffCalendar, per(Year, "2025", "2025-01-01", "2025-12-31")},
		{"decree09 year 14 Dec", Year, "2024-12-14", CutoffDecree09, per(Year, "2024", "2023-12-15", "2024-12-14")},
		{"decree09 year 15 Dec", Year, "2024-12-15", CutoffDecree09, per(Year, "2025", "2024-12-15", "2025-12-14")},
		{"decree09 year 1 Jan", Year, "2025-01-01", CutoffDecree09, per(Year, "2025", "2024-12-15", "2025-12-14")},
		{"decree09 year 20 Dec 2025", Year, "2025-12-20", CutoffDecree09, per(Year, "2026", "2025-12-15", "2026-12-14")},

		{"unknown kind", "fortnight", "2025-01-01", CutoffCalendar, Period{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := PeriodContaining(tt.kind, MustParseDate(tt.date), tt.cutoff)
			if got != tt.want {
				t.Fatalf("PeriodContaining(%s, %s, %s) = %+v, want %+v", tt.kind, tt.date, tt.cutoff, got, tt.want)
			}
			if tt.want.Kind != "" && !got.Contains(MustParseDate(tt.date)) {
				t.Errorf("%v does not contain %s", got, tt.date)
			}
		})
	}
}

func TestParsePeriod(t *testing.T) {
	tests := []struct {
		key    string
		cutoff Cutoff
		want   Period
	}{
		{"2025-W07", CutoffDecree09, per(Week, "2025-W07", "2025-02-10", "2025-02-16")},
		{"2025-W01", CutoffCalendar, per(Week, "2025-W01", "2024-12-30", "2025-01-05")},
		{"2025-W52", CutoffCalendar, per(Week, "2025-W52", "2025-12-22", "2025-12-28")},
		{"2020-W53", CutoffCalendar, per(Week, "2020-W53", "2020-12-28", "2021-01-03")},
		{"2026-W53", CutoffCalendar, per(Week, "2026-W53", "2026-12-28", "2027-01-03")},
		{"2015-W53", CutoffCalendar, per(Week, "2015-W53", "2015-12-28", "2016-01-03")},
		{"2025-03", CutoffCalendar, per(Month, "2025-03", "2025-03-01", "2025-03-31")},
		{"2025-03", CutoffDecree09, per(Month, "2025-03", "2025-02-15", "2025-03-14")},
		{"2024-02", CutoffCalendar, per(Month, "2024-02", "2024-02-01", "2024-02-29")},
		{"2025-01", CutoffDecree09, per(Month, "2025-01", "2024-12-15", "2025-01-14")},
		{"2025-12", CutoffDecree09, per(Month, "2025-12", "2025-11-15", "2025-12-14")},
		{"2025-Q1", CutoffCalendar, per(Quarter, "2025-Q1", "2025-01-01", "2025-03-31")},
		{"2025-Q1", CutoffDecree09, per(Quarter, "2025-Q1", "2024-12-15", "2025-03-14")},
		{"2025-Q4", CutoffDecree09, per(Quarter, "2025-Q4", "2025-09-15", "2025-12-14")},
		{"2025-H1", CutoffCalendar, per(Half, "2025-H1", "2025-01-01", "2025-06-30")},
		{"2025-H1", CutoffDecree09, per(Half, "2025-H1", "2024-12-15", "2025-06-14")},
		{"2025-H2", CutoffDecree09, per(Half, "2025-H2", "2025-06-15", "2025-12-14")},
		{"2025", CutoffCalendar, per(Year, "2025", "2025-01-01", "2025-12-31")},
		{"2025", CutoffDecree09, per(Year, "2025", "2024-12-15", "2025-12-14")},
		{"2024", "", per(Year, "2024", "2024-01-01", "2024-12-31")},
	}
	for _, tt := range tests {
		t.Run(tt.key+"/"+string(tt.cutoff), func(t *testing.T) {
			got, err := ParsePeriod(tt.key, tt.cutoff)
			if err != nil {
				t.Fatalf("ParsePeriod(%q, %s): %v", tt.key, tt.cutoff, err)
			}
			if got != tt.want {
				t.Errorf("ParsePeriod(%q, %s) = %+v, want %+v", tt.key, tt.cutoff, got, tt.want)
			}
			if got.String() != tt.key {
				t.Errorf("String() = %q, want %q", got.String(), tt.key)
			}
		})
	}
}

func TestParsePeriodRejects(t *testing.T) {
	tests := []struct {
		key    string
		reason string // part of the error message
	}{
		{"", "want 2025-W07"},
		{"25", "want 2025-W07"},
		{"25-03", "want 2025-W07"},
		{"2025-", "want 2025-W07"},
		{"2025-3", "want 2025-W07"},
		{"2025-003", "want 2025-W07"},
		{"2025-1a", "want 2025-W07"},
		{"2025/03", "want 2025-W07"},
		{"2025-13", "month must be 01..12"},
		{"2025-00", "month must be 01..12"},
		{"2025-Q0", "quarter must be Q1..Q4"},
		{"2025-Q5", "quarter must be Q1..Q4"},
		{"2025-q1", "want 2025-W07"},
		{"2025-Q1x", "want 2025-W07"},
		{"2025-H0", "half-year must be H1 or H2"},
		{"2025-H3", "half-year must be H1 or H2"},
		{"2025-h1", "want 2025-W07"},
		{"2025-W00", "ISO year 2025 has weeks 01..52"},
		{"2025-W53", "ISO year 2025 has weeks 01..52"},
		{"2026-W54", "ISO year 2026 has weeks 01..53"},
		{"2025-W7", "want 2025-W07"},
		{"2025-W007", "want 2025-W07"},
		{"2025-w07", "want 2025-W07"},
		{"2025-W-1", "want 2025-W07"},
		{"0000", "year 0000 is out of range"},
		{"+025", "want 2025-W07"},
		{"-025", "want 2025-W07"},
		{" 2025", "want 2025-W07"},
		{"2025 ", "want 2025-W07"},
		{"20250", "want 2025-W07"},
		{"２０２５", "want 2025-W07"},
		{"quarter", "want 2025-W07"},
		{"2025-06-30", "want 2025-W07"},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			got, err := ParsePeriod(tt.key, CutoffDecree09)
			if err == nil {
				t.Fatalf("ParsePeriod(%q) = %+v, want an error", tt.key, got)
			}
			msg := err.Error()
			if !strings.Contains(msg, fmt.Sprintf("%q", tt.key)) {
				t.Errorf("error %q does not name the key %q", msg, tt.key)
			}
			if !strings.Contains(msg, tt.reason) {
				t.Errorf("error %q does not say %q", msg, tt.reason)
			}
			if got != (Period{}) {
				t.Errorf("ParsePeriod(%q) returned %+v with its error", tt.key, got)
			}
		})
	}
}

// TestPeriodChain walks every period of every kind under both conventions
// from 2019 to 2031 and checks that the periods tile the days: each day lies
// in exactly the period the chain has reached, Next and Prev are inverse and
// contiguous, keys round-trip through ParsePeriod, and each year has the
// right number of periods (ISO years 2020 and 2026 have 53 weeks).
func TestPeriodChain(t *testing.T) {
	first, last := MustParseDate("2019-01-01"), MustParseDate("2031-12-31")
	perYear := map[PeriodKind]int{Month: 12, Quarter: 4, Half: 2, Year: 1}
	for _, c := range []Cutoff{CutoffCalendar, CutoffDecree09} {
		for _, k := range []PeriodKind{Week, Month, Quarter, Half, Year} {
			t.Run(string(k)+"/"+string(c), func(t *testing.T) {
				count := map[string]int{} // periods per year of key
				p := PeriodContaining(k, first, c)
				count[p.Key[:4]]++
				checkPeriod(t, p, c)
				for d := first; !d.After(last); d = d.AddDays(1) {
					if !p.Contains(d) {
						next := p.Next()
						if next.From != p.To.AddDays(1) {
							t.Fatalf("%v.Next() = %+v, does not start the day after %v", p, next, p.To)
						}
						if back := next.Prev(); back != p {
							t.Fatalf("%v.Next().Prev() = %+v, want %+v", p, back, p)
						}
						if !next.Start(time.UTC).Equal(p.End(time.UTC)) {
							t.Fatalf("%v ends at %v but %v starts at %v", p, p.End(time.UTC), next, next.Start(time.UTC))
						}
						p = next
						count[p.Key[:4]]++
						checkPeriod(t, p, c)
					}
					if !p.Contains(d) {
						t.Fatalf("%v is in neither %v nor the period before", d, p)
					}
					if got := PeriodContaining(k, d, c); got != p {
						t.Fatalf("PeriodContaining(%s, %v, %s) = %+v, want %+v", k, d, c, got, p)
					}
				}
				for y := 2020; y <= 2030; y++ { // whole years inside the walk
					want := perYear[k]
					if k == Week {
						want = 52
						if y == 2020 || y == 2026 {
							want = 53
						}
					}
					if got := count[fmt.Sprint(y)]; got != want {
						t.Errorf("%d has %d %s periods, want %d", y, got, k, want)
					}
				}
			})
		}
	}
}

// checkPeriod checks what holds for every period: its key parses back to
// it, it contains its ends, its length suits its kind and its convention
// shows in its first day.
func checkPeriod(t *testing.T, p Period, c Cutoff) {
	t.Helper()
	back, err := ParsePeriod(p.Key, c)
	if err != nil {
		t.Fatalf("ParsePeriod(%q, %s): %v", p.Key, c, err)
	}
	if back != p {
		t.Fatalf("ParsePeriod(%q, %s) = %+v, want %+v", p.Key, c, back, p)
	}
	if !p.Contains(p.From) || !p.Contains(p.To) || p.Contains(p.From.AddDays(-1)) || p.Contains(p.To.AddDays(1)) {
		t.Fatalf("%+v does not contain exactly [From, To]", p)
	}
	days := p.From.DaysUntil(p.To) + 1
	lengths := map[PeriodKind][2]int{Week: {7, 7}, Month: {28, 31}, Quarter: {89, 92}, Half: {181, 184}, Year: {365, 366}}
	if l := lengths[p.Kind]; days < l[0] || days > l[1] {
		t.Fatalf("%v lasts %d days, want %d..%d", p, days, l[0], l[1])
	}
	switch {
	case p.Kind == Week:
		if p.From.ISOWeekday() != 1 {
			t.Fatalf("%v starts on ISO weekday %d, want Monday", p, p.From.ISOWeekday())
		}
	case c == CutoffDecree09:
		if p.From.Day != 15 || p.To.Day != 14 {
			t.Fatalf("decree09 %v runs %v..%v, want the 15th to the 14th", p, p.From, p.To)
		}
	default:
		if p.From.Day != 1 || p.To.AddDays(1).Day != 1 {
			t.Fatalf("calendar %v runs %v..%v, want whole months", p, p.From, p.To)
		}
	}
}

func TestPeriodStartEnd(t *testing.T) {
	hcm := mustLoad(t, "Asia/Ho_Chi_Minh")
	p, err := ParsePeriod("2025-Q1", CutoffDecree09)
	if err != nil {
		t.Fatal(err)
	}
	wantStart := time.Date(2024, time.December, 14, 17, 0, 0, 0, time.UTC)
	wantEnd := time.Date(2025, time.March, 14, 17, 0, 0, 0, time.UTC)
	if got := p.Start(hcm); !got.Equal(wantStart) || got.Location() != hcm {
		t.Errorf("Start = %v, want %v in Asia/Ho_Chi_Minh", got, wantStart)
	}
	if got := p.End(hcm); !got.Equal(wantEnd) {
		t.Errorf("End = %v, want %v", got, wantEnd)
	}
	if got := p.Next().Start(hcm); !got.Equal(p.End(hcm)) {
		t.Errorf("Next().Start = %v, want End %v", got, p.End(hcm))
	}
	if got, want := p.End(time.UTC), time.Date(2025, time.March, 15, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("End(UTC) = %v, want %v", got, want)
	}
}

func TestPeriodFor(t *testing.T) {
	hcm := mustLoad(t, "Asia/Ho_Chi_Minh")
	// 00:30 on 15 December 2025 in Hà Nội, still the 14th in UTC.
	edge := time.Date(2025, time.December, 14, 17, 30, 0, 0, time.UTC)
	digestAt := time.Date(2025, time.March, 15, 8, 0, 0, 0, hcm)
	tests := []struct {
		name    string
		arg     string
		at      time.Time
		loc     *time.Location
		cutoff  Cutoff
		want    Period
		wantErr string
	}{
		{"kind quarter on the 15th", "quarter", digestAt, hcm, CutoffDecree09, per(Quarter, "2025-Q2", "2025-03-15", "2025-06-14"), ""},
		{"kind quarter calendar", "quarter", digestAt, hcm, CutoffCalendar, per(Quarter, "2025-Q1", "2025-01-01", "2025-03-31"), ""},
		{"kind week", "week", digestAt, hcm, CutoffDecree09, per(Week, "2025-W11", "2025-03-10", "2025-03-16"), ""},
		{"kind year local date", "year", edge, hcm, CutoffDecree09, per(Year, "2026", "2025-12-15", "2026-12-14"), ""},
		{"kind year UTC date", "year", edge, time.UTC, CutoffDecree09, per(Year, "2025", "2024-12-15", "2025-12-14"), ""},
		{"kind month nil loc uses at's", "month", edge.In(hcm), nil, CutoffDecree09, per(Month, "2026-01", "2025-12-15", "2026-01-14"), ""},
		{"kind half", "half", digestAt, hcm, CutoffDecree09, per(Half, "2025-H1", "2024-12-15", "2025-06-14"), ""},
		{"key ignores at", "2025-Q1", edge, hcm, CutoffDecree09, per(Quarter, "2025-Q1", "2024-12-15", "2025-03-14"), ""},
		{"key week", "2026-W53", digestAt, hcm, CutoffDecree09, per(Week, "2026-W53", "2026-12-28", "2027-01-03"), ""},
		{"unknown kind", "fortnight", digestAt, hcm, CutoffDecree09, Period{}, `invalid period "fortnight"`},
		{"bad key", "2025-Q5", digestAt, hcm, CutoffDecree09, Period{}, "quarter must be Q1..Q4"},
		{"capitalised kind", "Quarter", digestAt, hcm, CutoffDecree09, Period{}, "neither a kind"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := PeriodFor(tt.arg, tt.at, tt.loc, tt.cutoff)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("PeriodFor(%q) = %+v, %v; want an error saying %q", tt.arg, got, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("PeriodFor(%q): %v", tt.arg, err)
			}
			if got != tt.want {
				t.Errorf("PeriodFor(%q, %v) = %+v, want %+v", tt.arg, tt.at, got, tt.want)
			}
		})
	}
}

func TestParseKind(t *testing.T) {
	for _, k := range []PeriodKind{Week, Month, Quarter, Half, Year} {
		got, err := ParseKind(string(k))
		if err != nil || got != k {
			t.Errorf("ParseKind(%q) = %q, %v", k, got, err)
		}
		if c := k.Cadence(); c.Kind() != k {
			t.Errorf("%s.Cadence() = %q, whose Kind is %q", k, c, c.Kind())
		}
	}
	for _, c := range []Cadence{Weekly, Monthly, Quarterly, HalfYearly, Yearly} {
		if got := c.Kind().Cadence(); got != c {
			t.Errorf("%s.Kind().Cadence() = %q", c, got)
		}
	}
	for _, s := range []string{"", "Week", "weekly", "fortnight", "half-year", "2025-Q1"} {
		if got, err := ParseKind(s); err == nil {
			t.Errorf("ParseKind(%q) = %q, want an error", s, got)
		} else if !strings.Contains(err.Error(), fmt.Sprintf("%q", s)) {
			t.Errorf("error %q does not name %q", err, s)
		}
	}
	if got := PeriodKind("fortnight").Cadence(); got != "" {
		t.Errorf("unknown kind's Cadence() = %q, want \"\"", got)
	}
}

func TestParseCutoff(t *testing.T) {
	tests := []struct {
		in      string
		want    Cutoff
		wantErr bool
	}{
		{"decree09", CutoffDecree09, false},
		{"calendar", CutoffCalendar, false},
		{"", "", true},
		{"Decree09", "", true},
		{"nd09", "", true},
	}
	for _, tt := range tests {
		got, err := ParseCutoff(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseCutoff(%q) = %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestZeroPeriodNextPrev(t *testing.T) {
	var zero Period
	if got := zero.Next(); got != zero {
		t.Errorf("zero Period's Next() = %+v", got)
	}
	if got := zero.Prev(); got != zero {
		t.Errorf("zero Period's Prev() = %+v", got)
	}
}

func FuzzParsePeriod(f *testing.F) {
	for _, key := range []string{
		"2025-W07", "2020-W53", "2025-W53", "2025-03", "2025-13", "2025-Q1",
		"2025-H2", "2025", "0001", "9999-W52", "0001-01", "9999-12", "2025-Q",
	} {
		f.Add(key)
	}
	f.Fuzz(func(t *testing.T, key string) {
		for _, c := range []Cutoff{CutoffCalendar, CutoffDecree09} {
			p, err := ParsePeriod(key, c)
			if err != nil {
				continue
			}
			if p.Key != key || p.String() != key {
				t.Fatalf("ParsePeriod(%q, %s) has key %q", key, c, p.Key)
			}
			if p.To.Before(p.From) {
				t.Fatalf("ParsePeriod(%q, %s) = %+v ends before it starts", key, c, p)
			}
			if !p.Contains(p.From) || !p.Contains(p.To) {
				t.Fatalf("ParsePeriod(%q, %s) = %+v does not contain its own ends", key, c, p)
			}
			for _, d := range []Date{p.From, p.To} {
				if got := PeriodContaining(p.Kind, d, c); got != p {
					t.Fatalf("PeriodContaining(%s, %v, %s) = %+v, want %+v", p.Kind, d, c, got, p)
				}
			}
		}
	})
}

func BenchmarkPeriodContaining(b *testing.B) {
	d := MustParseDate("2025-12-20")
	for _, k := range []PeriodKind{Week, Month, Quarter, Half, Year} {
		b.Run(string(k), func(b *testing.B) {
			for b.Loop() {
				PeriodContaining(k, d, CutoffDecree09)
			}
		})
	}
}

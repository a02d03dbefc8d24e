package plan

import (
	"reflect"
	"strings"
	"testing"
)

// occ builds expected occurrences of a recurrence from key, due pairs;
// each occurrence's plan period is its key.
func occ(pairs ...string) []OccurrenceSpec {
	var out []OccurrenceSpec
	for i := 0; i < len(pairs); i += 2 {
		out = append(out, OccurrenceSpec{Key: pairs[i], NominalDue: MustParseDate(pairs[i+1]), Period: pairs[i]})
	}
	return out
}

func TestRecurrenceOccurrences(t *testing.T) {
	d := MustParseDate
	tests := []struct {
		name     string
		r        Recurrence
		from, to string
		want     []OccurrenceSpec
	}{
		{
			name: "weekly Friday from the plan's start",
			r:    Recurrence{Every: Weekly, DueDay: 5, Start: d("2025-01-06")},
			from: "2025-01-01", to: "2025-01-31",
			want: occ("2025-W02", "2025-01-10", "2025-W03", "2025-01-17", "2025-W04", "2025-01-24", "2025-W05", "2025-01-31"),
		},
		{
			name: "weekly W01 is due in the ISO year's first week",
			r:    Recurrence{Every: Weekly, DueDay: 5},
			from: "2024-12-30", to: "2025-01-05",
			want: occ("2025-W01", "2025-01-03"),
		},
		{
			name: "weekly Monday of W01 falls in the previous calendar year",
			r:    Recurrence{Every: Weekly, DueDay: 1},
			from: "2025-12-22", to: "2026-01-11",
			want: occ("2025-W52", "2025-12-22", "2026-W01", "2025-12-29", "2026-W02", "2026-01-05"),
		},
		{
			name: "weekly Sunday through 2020-W53",
			r:    Recurrence{Every: Weekly, DueDay: 7},
			from: "2020-12-21", to: "2021-01-10",
			want: occ("2020-W52", "2020-12-27", "2020-W53", "2021-01-03", "2021-W01", "2021-01-10"),
		},
		{
			name: "weekly start mid-week before the due day",
			r:    Recurrence{Every: Weekly, DueDay: 5, Start: d("2025-01-08")},
			from: "2025-01-01", to: "2025-01-17",
			want: occ("2025-W02", "2025-01-10", "2025-W03", "2025-01-17"),
		},
		{
			name: "weekly start mid-week after the due day",
			r:    Recurrence{Every: Weekly, DueDay: 5, Start: d("2025-01-11")},
			from: "2025-01-01", to: "2025-01-17",
			want: occ("2025-W03", "2025-01-17"),
		},
		{
			name: "monthly last day, leap February",
			r:    Recurrence{Every: Monthly, DueDay: -1},
			from: "2024-01-01", to: "2024-03-31",
			want: occ("2024-01", "2024-01-31", "2024-02", "2024-02-29", "2024-03", "2024-03-31"),
		},
		{
			name: "monthly last day, common February",
			r:    Recurrence{Every: Monthly, DueDay: -1},
			from: "2025-02-01", to: "2025-02-28",
			want: occ("2025-02", "2025-02-28"),
		},
		{
			name: "monthly -28 is the 1st in February 2025 and the 2nd in 2024",
			r:    Recurrence{Every: Monthly, DueDay: -28},
			from: "2024-02-01", to: "2025-02-28",
			want: occ("2024-02", "2024-02-02", "2024-03", "2024-03-04", "2024-04", "2024-04-03",
				"2024-05", "2024-05-04", "2024-06", "2024-06-03", "2024-07", "2024-07-04",
				"2024-08", "2024-08-04", "2024-09", "2024-09-03", "2024-10", "2024-10-04",
				"2024-11", "2024-11-03", "2024-12", "2024-12-04", "2025-01", "2025-01-04",
				"2025-02", "2025-02-01"),
		},
		{
			name: "monthly -31 clamps to the 1st",
			r:    Recurrence{Every: Monthly, DueDay: -31},
			from: "2025-02-01", to: "2025-04-30",
			want: occ("2025-02", "2025-02-01", "2025-03", "2025-03-01", "2025-04", "2025-04-01"),
		},
		{
			name: "monthly 31 clamps to the month's end",
			r:    Recurrence{Every: Monthly, DueDay: 31},
			from: "2025-02-01", to: "2025-04-30",
			want: occ("2025-02", "2025-02-28", "2025-03", "2025-03-31", "2025-04", "2025-04-30"),
		},
		{
			name: "monthly start mid-month after the due day",
			r:    Recurrence{Every: Monthly, DueDay: 15, Start: d("2025-03-20")},
			from: "2025-01-01", to: "2025-05-31",
			want: occ("2025-04", "2025-04-15", "2025-05", "2025-05-15"),
		},
		{
			name: "monthly start mid-month before the due day",
			r:    Recurrence{Every: Monthly, DueDay: 15, Start: d("2025-03-10")},
			from: "2025-01-01", to: "2025-04-30",
			want: occ("2025-03", "2025-03-15", "2025-04", "2025-04-15"),
		},
		{
			name: "monthly end is inclusive",
			r:    Recurrence{Every: Monthly, DueDay: 5, Start: d("2025-01-01"), End: d("2025-03-05")},
			from: "2025-01-01", to: "2025-12-31",
			want: occ("2025-01", "2025-01-05", "2025-02", "2025-02-05", "2025-03", "2025-03-05"),
		},
		{
			name: "monthly end the day before a due day",
			r:    Recurrence{Every: Monthly, DueDay: 5, Start: d("2025-01-01"), End: d("2025-03-04")},
			from: "2025-01-01", to: "2025-12-31",
			want: occ("2025-01", "2025-01-05", "2025-02", "2025-02-05"),
		},
		{
			name: "quarterly 31 in 30-day last months",
			r:    Recurrence{Every: Quarterly, DueDay: 31},
			from: "2025-01-01", to: "2025-12-31",
			want: occ("2025-Q1", "2025-03-31", "2025-Q2", "2025-06-30", "2025-Q3", "2025-09-30", "2025-Q4", "2025-12-31"),
		},
		{
			name: "quarterly 15 of the last month, start mid-quarter",
			r:    Recurrence{Every: Quarterly, DueDay: 15, Start: d("2025-05-01")},
			from: "2025-01-01", to: "2025-12-31",
			want: occ("2025-Q2", "2025-06-15", "2025-Q3", "2025-09-15", "2025-Q4", "2025-12-15"),
		},
		{
			name: "quarterly start after the due day in the last month",
			r:    Recurrence{Every: Quarterly, DueDay: 15, Start: d("2025-06-16")},
			from: "2025-01-01", to: "2025-09-30",
			want: occ("2025-Q3", "2025-09-15"),
		},
		{
			name: "half-yearly 20",
			r:    Recurrence{Every: HalfYearly, DueDay: 20},
			from: "2025-01-01", to: "2025-12-31",
			want: occ("2025-H1", "2025-06-20", "2025-H2", "2025-12-20"),
		},
		{
			name: "half-yearly -1",
			r:    Recurrence{Every: HalfYearly, DueDay: -1},
			from: "2025-01-01", to: "2025-12-31",
			want: occ("2025-H1", "2025-06-30", "2025-H2", "2025-12-31"),
		},
		{
			name: "yearly last day over three years",
			r:    Recurrence{Every: Yearly, DueDay: -1},
			from: "2024-06-01", to: "2026-12-31",
			want: occ("2024", "2024-12-31", "2025", "2025-12-31", "2026", "2026-12-31"),
		},
		{
			name: "range of one day on the due date",
			r:    Recurrence{Every: Monthly, DueDay: 10},
			from: "2025-07-10", to: "2025-07-10",
			want: occ("2025-07", "2025-07-10"),
		},
		{
			name: "range of one day off the due date",
			r:    Recurrence{Every: Monthly, DueDay: 10},
			from: "2025-07-11", to: "2025-07-11",
		},
		{
			name: "range before the start",
			r:    Recurrence{Every: Weekly, DueDay: 5, Start: d("2025-01-06")},
			from: "2024-01-01", to: "2025-01-05",
		},
		{
			name: "range after the end",
			r:    Recurrence{Every: Weekly, DueDay: 5, Start: d("2025-01-06"), End: d("2025-03-31")},
			from: "2025-04-01", to: "2025-12-31",
		},
		{
			name: "from after to",
			r:    Recurrence{Every: Monthly, DueDay: 1},
			from: "2025-12-31", to: "2025-01-01",
		},
		{
			name: "invalid recurrence",
			r:    Recurrence{Every: Weekly, DueDay: 0},
			from: "2025-01-01", to: "2025-12-31",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.r.Occurrences(d(tt.from), d(tt.to))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Occurrences(%s, %s) =\n\t%v\nwant\n\t%v", tt.from, tt.to, got, tt.want)
			}
		})
	}
}

// TestRecurrenceEveryDueDay checks every cadence with every due day over
// 2019–2031: one occurrence per calendar period, keyed by that period,
// due inside it, on the right weekday or day of its last month.
func TestRecurrenceEveryDueDay(t *testing.T) {
	from, to := MustParseDate("2019-01-01"), MustParseDate("2031-12-31")
	for _, every := range []Cadence{Weekly, Monthly, Quarterly, HalfYearly, Yearly} {
		days := []int{1, 2, 3, 4, 5, 6, 7}
		if every != Weekly {
			days = nil
			for dd := -31; dd <= 31; dd++ {
				if dd != 0 {
					days = append(days, dd)
				}
			}
		}
		for _, dd := range days {
			r := Recurrence{Every: every, DueDay: dd}
			specs := r.Occurrences(from, to)
			if len(specs) == 0 {
				t.Fatalf("%+v: no occurrences", r)
			}
			seen := map[string]bool{}
			for i, s := range specs {
				p, err := ParsePeriod(s.Key, CutoffCalendar)
				if err != nil {
					t.Fatalf("%+v: key %q: %v", r, s.Key, err)
				}
				if p.Kind != every.Kind() {
					t.Fatalf("%+v: key %q is a %s", r, s.Key, p.Kind)
				}
				if !p.Contains(s.NominalDue) {
					t.Fatalf("%+v: %s is due %v, outside %v..%v", r, s.Key, s.NominalDue, p.From, p.To)
				}
				if seen[s.Key] {
					t.Fatalf("%+v: key %s twice", r, s.Key)
				}
				seen[s.Key] = true
				if i > 0 && !specs[i-1].NominalDue.Before(s.NominalDue) {
					t.Fatalf("%+v: occurrences out of order at %s", r, s.Key)
				}
				if i > 0 && specs[i-1].Key != p.Prev().Key {
					t.Fatalf("%+v: %s follows %s, not its previous period", r, s.Key, specs[i-1].Key)
				}
				if every == Weekly {
					if s.NominalDue.ISOWeekday() != dd {
						t.Fatalf("%+v: %s due on weekday %d", r, s.Key, s.NominalDue.ISOWeekday())
					}
					continue
				}
				if s.NominalDue.Month != p.To.Month {
					t.Fatalf("%+v: %s due %v, not in the period's last month", r, s.Key, s.NominalDue)
				}
				n := DaysIn(p.To.Year, p.To.Month)
				want := dd
				if dd < 0 {
					want = n + 1 + dd
				}
				want = min(max(want, 1), n)
				if s.NominalDue.Day != want {
					t.Fatalf("%+v: %s due on day %d, want %d", r, s.Key, s.NominalDue.Day, want)
				}
			}
		}
	}
}

func TestRecurrenceValidate(t *testing.T) {
	d := MustParseDate
	tests := []struct {
		name string
		r    Recurrence
		want string // "" for valid
	}{
		{"weekly Monday", Recurrence{Every: Weekly, DueDay: 1}, ""},
		{"weekly Sunday", Recurrence{Every: Weekly, DueDay: 7}, ""},
		{"weekly 0", Recurrence{Every: Weekly, DueDay: 0}, "invalid due_day 0 for a weekly task"},
		{"weekly 8", Recurrence{Every: Weekly, DueDay: 8}, "invalid due_day 8 for a weekly task"},
		{"weekly -1", Recurrence{Every: Weekly, DueDay: -1}, "invalid due_day -1 for a weekly task"},
		{"monthly 31", Recurrence{Every: Monthly, DueDay: 31}, ""},
		{"monthly -31", Recurrence{Every: Monthly, DueDay: -31}, ""},
		{"monthly 0", Recurrence{Every: Monthly, DueDay: 0}, "invalid due_day 0 for a monthly task"},
		{"monthly 32", Recurrence{Every: Monthly, DueDay: 32}, "invalid due_day 32"},
		{"quarterly -32", Recurrence{Every: Quarterly, DueDay: -32}, "invalid due_day -32 for a quarterly task"},
		{"half-yearly 15", Recurrence{Every: HalfYearly, DueDay: 15}, ""},
		{"yearly -1", Recurrence{Every: Yearly, DueDay: -1}, ""},
		{"no cadence", Recurrence{DueDay: 1}, `invalid cadence ""`},
		{"daily", Recurrence{Every: "daily", DueDay: 1}, `invalid cadence "daily"`},
		{"end before start", Recurrence{Every: Weekly, DueDay: 5, Start: d("2025-01-06"), End: d("2025-01-05")}, "end 2025-01-05 is before start 2025-01-06"},
		{"end on start", Recurrence{Every: Weekly, DueDay: 5, Start: d("2025-01-06"), End: d("2025-01-06")}, ""},
		{"end without start", Recurrence{Every: Weekly, DueDay: 5, End: d("2025-01-06")}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.r.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Validate() = %v, want nil", err)
			case tt.want != "" && err == nil:
				t.Errorf("Validate() = nil, want an error saying %q", tt.want)
			case tt.want != "" && !strings.Contains(err.Error(), tt.want):
				t.Errorf("Validate() = %q, want it to say %q", err, tt.want)
			}
		})
	}
}

func TestOneOff(t *testing.T) {
	got := OneOff(MustParseDate("2025-06-30"))
	want := OccurrenceSpec{Key: "2025-06-30", NominalDue: MustParseDate("2025-06-30")}
	if got != want {
		t.Errorf("OneOff = %+v, want %+v", got, want)
	}
}

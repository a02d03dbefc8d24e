package plan

import (
	"encoding/json"
	"testing"
	"time"
)

func TestDeadline(t *testing.T) {
	hcm := mustLoad(t, "Asia/Ho_Chi_Minh")
	tests := []struct {
		due  string
		loc  *time.Location
		want time.Time
	}{
		{"2025-06-30", hcm, time.Date(2025, time.June, 30, 17, 0, 0, 0, time.UTC)},
		{"2025-06-30", time.UTC, time.Date(2025, time.July, 1, 0, 0, 0, 0, time.UTC)},
		{"2024-02-28", hcm, time.Date(2024, time.February, 29, 0, 0, 0, 0, hcm)},
		{"2024-02-29", hcm, time.Date(2024, time.March, 1, 0, 0, 0, 0, hcm)},
		{"2025-12-31", hcm, time.Date(2026, time.January, 1, 0, 0, 0, 0, hcm)},
	}
	for _, tt := range tests {
		got := Deadline(MustParseDate(tt.due), tt.loc)
		if !got.Equal(tt.want) {
			t.Errorf("Deadline(%s, %v) = %v, want %v", tt.due, tt.loc, got, tt.want)
		}
	}
}

func TestStatusAt(t *testing.T) {
	hcm := mustLoad(t, "Asia/Ho_Chi_Minh")
	due := MustParseDate("2025-06-30")
	deadline := time.Date(2025, time.July, 1, 0, 0, 0, 0, hcm) // 2025-06-30T17:00Z
	justBefore := deadline.Add(-time.Nanosecond)
	// 00:30 on 1 July in Hà Nội, 17:30 on 30 June in UTC.
	halfPast := time.Date(2025, time.June, 30, 17, 30, 0, 0, time.UTC)
	later := time.Date(2025, time.July, 15, 8, 0, 0, 0, hcm)
	ptr := func(t time.Time) *time.Time { return &t }

	tests := []struct {
		name   string
		doneAt *time.Time
		asOf   time.Time
		loc    *time.Location
		want   Status
	}{
		{"open a nanosecond before midnight", nil, justBefore, hcm, OpenOnTime},
		{"open at local midnight", nil, deadline, hcm, OpenOverdue},
		{"open, same instant read in UTC", nil, deadline.UTC(), hcm, OpenOverdue},
		{"open, the nanosecond before read in UTC", nil, justBefore.UTC(), hcm, OpenOnTime},
		{"open well before", nil, time.Date(2025, time.June, 1, 8, 0, 0, 0, hcm), hcm, OpenOnTime},
		{"open on the due day itself", nil, time.Date(2025, time.June, 30, 23, 59, 0, 0, hcm), hcm, OpenOnTime},
		{"open 00:30 local is overdue in Hà Nội", nil, halfPast, hcm, OpenOverdue},
		{"open 17:30 UTC is on time for a UTC unit", nil, halfPast, time.UTC, OpenOnTime},
		{"done a nanosecond before midnight", ptr(justBefore), later, hcm, DoneOnTime},
		{"done at local midnight", ptr(deadline), later, hcm, DoneLate},
		{"done the nanosecond before, in UTC", ptr(justBefore.UTC()), later, hcm, DoneOnTime},
		{"done at midnight, in UTC", ptr(deadline.UTC()), later, hcm, DoneLate},
		{"done 00:30 local is late in Hà Nội", ptr(halfPast), later, hcm, DoneLate},
		{"done 17:30 UTC is on time for a UTC unit", ptr(halfPast), later, time.UTC, DoneOnTime},
		{"done exactly as of", ptr(justBefore), justBefore, hcm, DoneOnTime},
		{"done late exactly as of", ptr(later), later, hcm, DoneLate},
		{"done after as of, still in time then", ptr(justBefore), justBefore.Add(-time.Hour), hcm, OpenOnTime},
		{"done after as of, overdue then", ptr(later), deadline, hcm, OpenOverdue},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := StatusAt(due, tt.doneAt, tt.asOf, tt.loc); got != tt.want {
				t.Errorf("StatusAt(%v, %v, %v, %v) = %s, want %s", due, tt.doneAt, tt.asOf, tt.loc, got, tt.want)
			}
		})
	}
}

func TestDaysOverdue(t *testing.T) {
	hcm := mustLoad(t, "Asia/Ho_Chi_Minh")
	tests := []struct {
		name string
		due  string
		asOf time.Time
		loc  *time.Location
		want int
	}{
		{"before the due date", "2025-06-30", time.Date(2025, time.June, 20, 8, 0, 0, 0, hcm), hcm, 0},
		{"on the due date", "2025-06-30", time.Date(2025, time.June, 30, 23, 59, 59, 999999999, hcm), hcm, 0},
		{"at local midnight", "2025-06-30", time.Date(2025, time.July, 1, 0, 0, 0, 0, hcm), hcm, 1},
		{"00:30 local is a day over", "2025-06-30", time.Date(2025, time.June, 30, 17, 30, 0, 0, time.UTC), hcm, 1},
		{"17:30 UTC is not over in UTC", "2025-06-30", time.Date(2025, time.June, 30, 17, 30, 0, 0, time.UTC), time.UTC, 0},
		{"three days", "2025-06-30", time.Date(2025, time.July, 3, 10, 0, 0, 0, hcm), hcm, 3},
		{"over a leap day", "2024-02-28", time.Date(2024, time.March, 1, 8, 0, 0, 0, hcm), hcm, 2},
		{"over the year end", "2024-12-31", time.Date(2025, time.January, 3, 8, 0, 0, 0, hcm), hcm, 3},
		{"a year", "2025-01-01", time.Date(2026, time.January, 1, 8, 0, 0, 0, hcm), hcm, 365},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DaysOverdue(MustParseDate(tt.due), tt.asOf, tt.loc); got != tt.want {
				t.Errorf("DaysOverdue(%s, %v, %v) = %d, want %d", tt.due, tt.asOf, tt.loc, got, tt.want)
			}
		})
	}
}

// TestStatusAgreesWithDaysOverdue sweeps an open occurrence across its
// deadline in steps of 37 minutes, in Hà Nội and in zones either side of
// it: it is overdue exactly when it is at least a day overdue.
func TestStatusAgreesWithDaysOverdue(t *testing.T) {
	due := MustParseDate("2025-06-30")
	for _, name := range []string{"Asia/Ho_Chi_Minh", "UTC", "Pacific/Kiritimati", "America/Los_Angeles"} {
		loc := mustLoad(t, name)
		start := due.AddDays(-2).In(loc)
		for at := start; at.Before(start.Add(96 * time.Hour)); at = at.Add(37 * time.Minute) {
			overdue := StatusAt(due, nil, at, loc) == OpenOverdue
			days := DaysOverdue(due, at, loc)
			if overdue != (days > 0) {
				t.Fatalf("%s at %v: status overdue %v but %d days overdue", name, at, overdue, days)
			}
		}
	}
}

func TestTotals(t *testing.T) {
	var tot Totals
	for _, s := range []Status{DoneOnTime, DoneOnTime, DoneLate, OpenOnTime, OpenOnTime, OpenOnTime, OpenOverdue, "unknown", ""} {
		tot.Add(s)
	}
	want := Totals{DoneOnTime: 2, DoneLate: 1, OpenOnTime: 3, OpenOverdue: 1}
	if tot != want {
		t.Fatalf("after Add: %+v, want %+v", tot, want)
	}
	if got := tot.Total(); got != 7 {
		t.Errorf("Total() = %d, want 7 (unknown statuses not counted)", got)
	}

	tot.Merge(Totals{DoneOnTime: 1, DoneLate: 2, OpenOnTime: 3, OpenOverdue: 4})
	want = Totals{DoneOnTime: 3, DoneLate: 3, OpenOnTime: 6, OpenOverdue: 5}
	if tot != want {
		t.Errorf("after Merge: %+v, want %+v", tot, want)
	}

	// Extended is merged like a status but is not one: Total leaves it out.
	ext := Totals{OpenOnTime: 2, Extended: 1}
	ext.Merge(Totals{OpenOverdue: 1, Extended: 1})
	if ext.Extended != 2 || ext.Total() != 3 {
		t.Errorf("extended after Merge: %+v, total %d; want 2 extended of 3", ext, ext.Total())
	}

	b, err := json.Marshal(Totals{DoneOnTime: 1, DoneLate: 2, OpenOnTime: 3, OpenOverdue: 4})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"done_on_time":1,"done_late":2,"open_on_time":3,"open_overdue":4,"ongoing":0,"extended":0}`; got != want {
		t.Errorf("JSON = %s, want %s", got, want)
	}
}

func TestOnTimeRate(t *testing.T) {
	tests := []struct {
		name string
		t    Totals
		want float64
	}{
		{"nothing", Totals{}, 0},
		{"nothing judged yet", Totals{OpenOnTime: 5}, 0},
		{"all on time", Totals{DoneOnTime: 4, OpenOnTime: 9}, 1},
		{"two of three", Totals{DoneOnTime: 2, DoneLate: 1}, 0.6667},
		{"one of three", Totals{DoneOnTime: 1, OpenOverdue: 2}, 0.3333},
		{"open on time does not count", Totals{DoneOnTime: 1, DoneLate: 1, OpenOnTime: 5, OpenOverdue: 2}, 0.25},
		{"all late", Totals{DoneLate: 3, OpenOverdue: 1}, 0},
		{"eighths need no rounding", Totals{DoneOnTime: 1, DoneLate: 7}, 0.125},
		{"five in six", Totals{DoneOnTime: 5, DoneLate: 1}, 0.8333},
		{"one in seven", Totals{DoneOnTime: 1, OpenOverdue: 6}, 0.1429},
	}
	for _, tt := range tests {
		if got := tt.t.OnTimeRate(); got != tt.want {
			t.Errorf("%s: OnTimeRate(%+v) = %v, want %v", tt.name, tt.t, got, tt.want)
		}
	}
}

func BenchmarkStatusAt(b *testing.B) {
	hcm := mustLoad(b, "Asia/Ho_Chi_Minh")
	due := MustParseDate("2025-06-30")
	asOf := time.Date(2025, time.July, 15, 8, 0, 0, 0, hcm)
	doneAt := time.Date(2025, time.June, 30, 16, 0, 0, 0, hcm)
	b.Run("open", func(b *testing.B) {
		for b.Loop() {
			StatusAt(due, nil, asOf, hcm)
		}
	})
	b.Run("done", func(b *testing.B) {
		for b.Loop() {
			StatusAt(due, &doneAt, asOf, hcm)
		}
	})
}

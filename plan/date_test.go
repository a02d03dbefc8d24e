package plan

import (
	"encoding/json"
	"testing"
	"time"

	// The tests read Asia/Ho_Chi_Minh whatever the machine has installed.
	_ "time/tzdata"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in      string
		want    Date
		wantErr bool
	}{
		{in: "2025-06-30", want: Date{2025, time.June, 30}},
		{in: "2024-02-29", want: Date{2024, time.February, 29}},
		{in: "2000-02-29", want: Date{2000, time.February, 29}},
		{in: "2025-12-31", want: Date{2025, time.December, 31}},
		{in: "2025-02-29", wantErr: true}, // 2025 is not a leap year
		{in: "1900-02-29", wantErr: true}, // nor is 1900
		{in: "2025-04-31", wantErr: true},
		{in: "2025-13-01", wantErr: true},
		{in: "2025-6-30", wantErr: true},
		{in: "30/06/2025", wantErr: true},
		{in: "", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDate(tt.in)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("ParseDate(%q) = %v, want an error", tt.in, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseDate(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("ParseDate(%q) = %v, want %v", tt.in, got, tt.want)
			}
			if got.String() != tt.in {
				t.Errorf("ParseDate(%q).String() = %q", tt.in, got.String())
			}
		})
	}
}

func TestNewDateNormalises(t *testing.T) {
	tests := []struct {
		y    int
		m    time.Month
		d    int
		want string
	}{
		{2025, time.February, 29, "2025-03-01"},
		{2024, time.February, 29, "2024-02-29"},
		{2025, time.January, 0, "2024-12-31"},
		{2025, time.March, 0, "2025-02-28"},
		{2024, time.March, 0, "2024-02-29"},
		{2025, time.December, 32, "2026-01-01"},
		{2025, 0, 15, "2024-12-15"},
		{2025, 13, 14, "2026-01-14"},
	}
	for _, tt := range tests {
		if got := NewDate(tt.y, tt.m, tt.d).String(); got != tt.want {
			t.Errorf("NewDate(%d, %d, %d) = %s, want %s", tt.y, tt.m, tt.d, got, tt.want)
		}
	}
}

func TestDateArithmetic(t *testing.T) {
	d := MustParseDate
	tests := []struct {
		name string
		a, b Date
		days int
	}{
		{"same day", d("2025-06-30"), d("2025-06-30"), 0},
		{"next day", d("2025-06-30"), d("2025-07-01"), 1},
		{"back", d("2025-07-01"), d("2025-06-30"), -1},
		{"over a leap day", d("2024-02-28"), d("2024-03-01"), 2},
		{"over no leap day", d("2025-02-28"), d("2025-03-01"), 1},
		{"over the year end", d("2024-12-31"), d("2025-01-01"), 1},
		{"leap year", d("2024-01-01"), d("2025-01-01"), 366},
		{"common year", d("2025-01-01"), d("2026-01-01"), 365},
		// Beyond the ~292 years a time.Duration can hold.
		{"the whole four-digit range", d("0001-01-01"), d("9999-12-31"), 3652058},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.a.DaysUntil(tt.b); got != tt.days {
				t.Errorf("%v.DaysUntil(%v) = %d, want %d", tt.a, tt.b, got, tt.days)
			}
			if got := tt.a.AddDays(tt.days); got != tt.b {
				t.Errorf("%v.AddDays(%d) = %v, want %v", tt.a, tt.days, got, tt.b)
			}
			wantCmp := 0
			switch {
			case tt.days > 0:
				wantCmp = -1
			case tt.days < 0:
				wantCmp = 1
			}
			if got := tt.a.Compare(tt.b); got != wantCmp {
				t.Errorf("%v.Compare(%v) = %d, want %d", tt.a, tt.b, got, wantCmp)
			}
			if tt.a.Before(tt.b) != (wantCmp < 0) || tt.a.After(tt.b) != (wantCmp > 0) {
				t.Errorf("Before/After disagree with Compare for %v, %v", tt.a, tt.b)
			}
		})
	}
}

func TestDaysIn(t *testing.T) {
	tests := []struct {
		y    int
		m    time.Month
		want int
	}{
		{2024, time.February, 29},
		{2025, time.February, 28},
		{2000, time.February, 29},
		{1900, time.February, 28},
		{2025, time.January, 31},
		{2025, time.April, 30},
		{2025, time.June, 30},
		{2025, time.September, 30},
		{2025, time.December, 31},
	}
	for _, tt := range tests {
		if got := DaysIn(tt.y, tt.m); got != tt.want {
			t.Errorf("DaysIn(%d, %v) = %d, want %d", tt.y, tt.m, got, tt.want)
		}
	}
}

func TestISOWeekday(t *testing.T) {
	d := MustParseDate
	tests := []struct {
		date Date
		want int
	}{
		{d("2025-01-27"), 1}, // Monday, 28 tháng Chạp
		{d("2025-01-29"), 3}, // Wednesday, mùng 1 Tết Ất Tỵ
		{d("2025-01-25"), 6},
		{d("2025-01-26"), 7},
		{d("2024-12-30"), 1},
	}
	for _, tt := range tests {
		if got := tt.date.ISOWeekday(); got != tt.want {
			t.Errorf("%v.ISOWeekday() = %d, want %d", tt.date, got, tt.want)
		}
	}
}

func TestDateIn(t *testing.T) {
	hcm := mustLoad(t, "Asia/Ho_Chi_Minh")
	// 17:00 UTC on the 30th is midnight starting the 1st in Hà Nội.
	at := time.Date(2025, time.June, 30, 17, 0, 0, 0, time.UTC)
	if got, want := DateIn(at, hcm), MustParseDate("2025-07-01"); got != want {
		t.Errorf("DateIn(%v, Asia/Ho_Chi_Minh) = %v, want %v", at, got, want)
	}
	if got, want := DateIn(at.Add(-time.Nanosecond), hcm), MustParseDate("2025-06-30"); got != want {
		t.Errorf("DateIn(%v, Asia/Ho_Chi_Minh) = %v, want %v", at.Add(-time.Nanosecond), got, want)
	}
	if got, want := DateIn(at, time.UTC), MustParseDate("2025-06-30"); got != want {
		t.Errorf("DateIn(%v, UTC) = %v, want %v", at, got, want)
	}
	if got, want := MustParseDate("2025-07-01").In(hcm), at; !got.Equal(want) {
		t.Errorf("2025-07-01 starts at %v in Asia/Ho_Chi_Minh, want %v", got, want)
	}
}

func TestDateScanValue(t *testing.T) {
	want := MustParseDate("2024-02-29")
	v, err := want.Value()
	if err != nil || v != "2024-02-29" {
		t.Fatalf("Value() = %v, %v; want \"2024-02-29\"", v, err)
	}
	if v, err := (Date{}).Value(); v != nil || err != nil {
		t.Errorf("zero Date Value() = %v, %v; want NULL", v, err)
	}

	sources := []any{
		time.Date(2024, time.February, 29, 0, 0, 0, 0, time.UTC),
		[]byte("2024-02-29"),
		"2024-02-29",
		"2024-02-29T00:00:00Z",
	}
	for _, src := range sources {
		var got Date
		if err := got.Scan(src); err != nil {
			t.Errorf("Scan(%#v): %v", src, err)
			continue
		}
		if got != want {
			t.Errorf("Scan(%#v) = %v, want %v", src, got, want)
		}
	}
	got := want
	if err := got.Scan(nil); err != nil || !got.IsZero() {
		t.Errorf("Scan(nil) = %v, %v; want the zero Date", got, err)
	}
	if err := got.Scan(42); err == nil {
		t.Error("Scan(42) succeeded, want an error")
	}
	if err := got.Scan("2025-02-30"); err == nil {
		t.Error(`Scan("2025-02-30") succeeded, want an error`)
	}
}

func TestDateJSON(t *testing.T) {
	type doc struct {
		Due  Date `json:"due"`
		Open Date `json:"open"`
	}
	b, err := json.Marshal(doc{Due: MustParseDate("2025-06-30")})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"due":"2025-06-30","open":""}`; got != want {
		t.Errorf("json.Marshal = %s, want %s", got, want)
	}
	var back doc
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Due != MustParseDate("2025-06-30") || !back.Open.IsZero() {
		t.Errorf("round trip = %+v", back)
	}
	if err := json.Unmarshal([]byte(`{"due":"2025-02-29"}`), &back); err == nil {
		t.Error("unmarshalling 2025-02-29 succeeded, want an error")
	}
}

// mustLoad loads a time zone from the embedded database, so that tests do
// not depend on the machine's.
func mustLoad(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("load time zone %s: %v", name, err)
	}
	return loc
}

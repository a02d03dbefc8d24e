package plan

import (
	"slices"
	"testing"
	"time"
)

func TestWithin(t *testing.T) {
	q1 := PeriodContaining(Quarter, MustParseDate("2026-02-01"), CutoffDecree09)
	if q1.Key != "2026-Q1" || q1.From != MustParseDate("2025-12-15") {
		t.Fatalf("decree09 quarter = %+v", q1)
	}
	y, _ := ParsePeriod("2026", CutoffDecree09)
	h1, _ := ParsePeriod("2026-H1", CutoffDecree09)
	q2, _ := ParsePeriod("2026-Q2", CutoffDecree09)
	feb, _ := ParsePeriod("2026-02", CutoffDecree09)
	tests := []struct {
		key  string
		p    Period
		want bool
	}{
		{"2026-03", q1, true}, {"2026-03", h1, true}, {"2026-03", y, true},
		{"2026-03", q2, false}, {"2026-03", feb, false},
		{"2026-Q1", q1, true}, {"2026-Q1", y, true}, {"2026", q1, false},
		{"2025-12", q1, false},                          // in the decree09 window, not in the calendar quarter
		{"2026-W05", q1, true}, {"2026-W01", q1, false}, // W01 begins 2025-12-29
		{"bad", q1, false},
	}
	for _, tt := range tests {
		if got := Within(tt.key, tt.p); got != tt.want {
			t.Errorf("Within(%s, %s) = %v, want %v", tt.key, tt.p.Key, got, tt.want)
		}
	}
	keys := PeriodKeysWithin(q1)
	for _, k := range keys {
		if !Within(k, q1) {
			t.Errorf("PeriodKeysWithin(2026-Q1) lists %s, which does not lie within it", k)
		}
	}
	for _, k := range []string{"2026-Q1", "2026-01", "2026-02", "2026-03", "2026-W02", "2026-W13"} {
		if !slices.Contains(keys, k) {
			t.Errorf("PeriodKeysWithin(2026-Q1) = %v, missing %s", keys, k)
		}
	}
	if len(keys) != 1+3+12 {
		t.Errorf("PeriodKeysWithin(2026-Q1) has %d keys, want 16: %v", len(keys), keys)
	}
	// ISO weeks 2026-W02..W52: W01 begins in 2025, W53 ends in 2027.
	if n := len(PeriodKeysWithin(y)); n != 1+2+4+12+51 {
		t.Errorf("PeriodKeysWithin(2026) has %d keys, want 70", n)
	}
}

func TestPeriodDue(t *testing.T) {
	for key, want := range map[string]string{
		"2026-Q1": "2026-03-31", "2026-H1": "2026-06-30", "2026-H2": "2026-12-31",
		"2026-03": "2026-03-31", "2026": "2026-12-31", "2026-02": "2026-02-28",
	} {
		p, err := PeriodDue(key)
		if err != nil || p.To != MustParseDate(want) || p.Key != key {
			t.Errorf("PeriodDue(%s) = %+v, %v; want last day %s", key, p, err, want)
		}
	}
	if _, err := PeriodDue("2026-Q5"); err == nil {
		t.Error("PeriodDue(2026-Q5) accepted")
	}
}

func TestOngoingStatus(t *testing.T) {
	loc := time.FixedZone("ICT", 7*3600)
	due := MustParseDate("2026-12-31")
	after := time.Date(2027, 1, 10, 8, 0, 0, 0, loc)
	done := time.Date(2026, 5, 1, 8, 0, 0, 0, loc)
	if s := OccurrenceStatus(true, due, nil, after, loc); s != Ongoing {
		t.Errorf("open ongoing after its year = %s, want ongoing", s)
	}
	if s := OccurrenceStatus(true, due, &done, after, loc); s != Ongoing {
		t.Errorf("done ongoing = %s, want ongoing", s)
	}
	if s := OccurrenceStatus(false, due, nil, after, loc); s != OpenOverdue {
		t.Errorf("dated = %s, want open_overdue", s)
	}
	var tot Totals
	tot.Add(Ongoing)
	tot.Add(Ongoing)
	tot.Add(DoneOnTime)
	tot.Add(OpenOverdue)
	if tot.Ongoing != 2 || tot.Total() != 4 || tot.OnTimeRate() != 0.5 {
		t.Errorf("totals = %+v, total %d, rate %v; want 2 ongoing, 4 in all, rate 0.5 (ongoing not judged)", tot, tot.Total(), tot.OnTimeRate())
	}
	var only Totals
	only.Add(Ongoing)
	if only.OnTimeRate() != 0 {
		t.Errorf("rate of ongoing alone = %v, want 0 (nothing judged)", only.OnTimeRate())
	}
}

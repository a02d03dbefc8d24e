package plan

import (
	"strings"
	"testing"
)

func readingOf(v float64) *float64 { return &v }

func TestJudgeTarget(t *testing.T) {
	q1 := MustParseDate("2026-03-31")
	year := MustParseDate("2026-12-31")
	for _, c := range []struct {
		name   string
		rule   TargetRule
		actual *float64
		end    Date
		want   Judgement
	}{
		{"level met", TargetRule{Comparator: CmpGE, Goal: 90, Year: 2026}, readingOf(95), q1, JudgedMet},
		{"level not met", TargetRule{Kind: KindLevel, Comparator: CmpGE, Goal: 90, Year: 2026}, readingOf(80), q1, JudgedNotMet},
		{"level no data", TargetRule{Kind: KindLevel, Comparator: CmpGE, Goal: 90, Year: 2026}, nil, q1, JudgedNoData},
		{"level ceiling", TargetRule{Kind: KindLevel, Comparator: CmpLE, Goal: 5, Year: 2026}, readingOf(3), q1, JudgedMet},
		// Budget collected: 25% of the year goal at the end of Q1 (90 of 365 days) is on track.
		{"cumulative on track in Q1", TargetRule{Kind: KindCumulative, Comparator: CmpGE, Goal: 100, Year: 2026}, readingOf(25), q1, JudgedOnTrack},
		{"cumulative behind in Q1", TargetRule{Kind: KindCumulative, Comparator: CmpGE, Goal: 100, Year: 2026}, readingOf(8), q1, JudgedBehind},
		{"cumulative reached early", TargetRule{Kind: KindCumulative, Comparator: CmpGE, Goal: 100, Year: 2026}, readingOf(100), q1, JudgedMet},
		{"cumulative no data", TargetRule{Kind: KindCumulative, Comparator: CmpGE, Goal: 100, Year: 2026}, nil, q1, JudgedNoData},
		{"cumulative at year end missed", TargetRule{Kind: KindCumulative, Comparator: CmpGE, Goal: 100, Year: 2026}, readingOf(96), year, JudgedNotMet},
		{"cumulative count with due", TargetRule{Kind: KindCumulative, Comparator: CmpGE, Goal: 40, Year: 2026, Due: MustParseDate("2026-06-30")}, readingOf(20), q1, JudgedOnTrack},
		{"year_end before the end", TargetRule{Kind: KindYearEnd, Comparator: CmpGE, Goal: 90, Year: 2026}, readingOf(10), q1, JudgedNotDue},
		{"year_end unread before the end", TargetRule{Kind: KindYearEnd, Comparator: CmpGE, Goal: 90, Year: 2026}, nil, q1, JudgedNotDue},
		{"year_end at the end", TargetRule{Kind: KindYearEnd, Comparator: CmpGE, Goal: 90, Year: 2026}, readingOf(91), year, JudgedMet},
		{"year_end after the end", TargetRule{Kind: KindYearEnd, Comparator: CmpGE, Goal: 90, Year: 2026}, readingOf(80), MustParseDate("2027-01-03"), JudgedNotMet},
		{"external unread", TargetRule{Kind: KindExternal, Comparator: CmpGE, Goal: 85, Year: 2026}, nil, q1, JudgedNoData},
		{"external read", TargetRule{Kind: KindExternal, Comparator: CmpGE, Goal: 85, Year: 2026}, readingOf(86.2), q1, JudgedMet},
		{"level with due before it", TargetRule{Kind: KindLevel, Comparator: CmpGE, Goal: 1, Year: 2026, Due: MustParseDate("2026-06-30")}, readingOf(0), q1, JudgedNotDue},
		{"level with due on it", TargetRule{Kind: KindLevel, Comparator: CmpGE, Goal: 1, Year: 2026, Due: MustParseDate("2026-06-30")}, readingOf(0), MustParseDate("2026-06-30"), JudgedNotMet},
	} {
		if got := c.rule.Judge(c.actual, c.end, c.end); got != c.want {
			t.Errorf("%s: Judge = %s, want %s", c.name, got, c.want)
		}
	}
}

// TestJudgeKnownDay: a decree09 Q1 digest (window to 14 March) judges a
// cumulative total against the share of the year elapsed by 14 March
// (73 of 365 days, 20%), not by 31 March (24.66%); the deadline is still
// compared with the calendar period's end.
func TestJudgeKnownDay(t *testing.T) {
	r := TargetRule{Kind: KindCumulative, Comparator: CmpGE, Goal: 100, Year: 2026}
	end, known := MustParseDate("2026-03-31"), MustParseDate("2026-03-14")
	if got := r.Judge(readingOf(21), end, known); got != JudgedOnTrack {
		t.Errorf("21%% by 14/3 = %s, want on_track", got)
	}
	if got := r.Judge(readingOf(21), end, end); got != JudgedBehind {
		t.Errorf("21%% by 31/3 = %s, want behind", got)
	}
	y := TargetRule{Kind: KindYearEnd, Comparator: CmpGE, Goal: 90, Year: 2026}
	if got := y.Judge(readingOf(91), MustParseDate("2026-12-31"), MustParseDate("2026-12-14")); got != JudgedMet {
		t.Errorf("year_end in the decree09 yearly digest = %s, want met", got)
	}
}

func TestJudgementUnmet(t *testing.T) {
	for _, j := range Judgements {
		want := j == JudgedNotMet || j == JudgedBehind
		if j.Unmet() != want {
			t.Errorf("%s.Unmet() = %v, want %v", j, j.Unmet(), want)
		}
	}
}

func TestElapsed(t *testing.T) {
	r := TargetRule{Kind: KindCumulative, Year: 2026}
	if got := r.Elapsed(MustParseDate("2026-03-31")); got < 0.2465 || got > 0.2466 {
		t.Errorf("Elapsed(31/3/2026) = %v, want 90/365", got)
	}
	if got := r.Elapsed(MustParseDate("2025-12-31")); got != 0 {
		t.Errorf("Elapsed before the year = %v, want 0", got)
	}
	if got := r.Elapsed(MustParseDate("2027-01-31")); got != 1 {
		t.Errorf("Elapsed after the year = %v, want 1", got)
	}
}

func TestCalendarEnd(t *testing.T) {
	for key, want := range map[string]string{"2026-Q1": "2026-03-31", "2026": "2026-12-31", "2026-H2": "2026-12-31", "2026-W10": "2026-03-08", "2026-02": "2026-02-28"} {
		p, err := ParsePeriod(key, CutoffDecree09)
		if err != nil {
			t.Fatal(err)
		}
		if got := CalendarEnd(p).String(); got != want {
			t.Errorf("CalendarEnd(%s) = %s, want %s", key, got, want)
		}
	}
}

func TestTargetKindCheckRule(t *testing.T) {
	for _, c := range []struct {
		kind    TargetKind
		cmp     Comparator
		measure Measure
		want    string
	}{
		{KindCumulative, CmpGE, MeasurePercent, ""},
		{KindCumulative, CmpGT, MeasureCount, ""},
		{KindCumulative, CmpLE, MeasurePercent, `comparator: ">="`},
		{KindCumulative, CmpEQ, MeasureCount, "kind: level"},
		{KindCumulative, CmpGE, MeasureYesNo, "cannot be cumulative"},
		{KindLevel, CmpLE, MeasurePercent, ""},
		{KindYearEnd, CmpEQ, MeasureYesNo, ""},
		{KindExternal, CmpGE, MeasurePercent, ""},
	} {
		err := c.kind.CheckRule(c.cmp, c.measure)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s %s %s: %v, want nil", c.kind, c.cmp, c.measure, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s %s %s: %v, want an error saying %q", c.kind, c.cmp, c.measure, err, c.want)
		}
	}
}

func TestParseTargetDue(t *testing.T) {
	for in, want := range map[string]string{"2026-06-15": "2026-06-15", "2026-Q2": "2026-06-30", "2026-H1": "2026-06-30", "2026-09": "2026-09-30", "2026": "2026-12-31"} {
		got, err := ParseTargetDue(in)
		if err != nil || got.String() != want {
			t.Errorf("ParseTargetDue(%q) = %v, %v; want %s", in, got, err, want)
		}
	}
	for _, in := range []string{"Quý II", "2026-Q5", "30/6/2026", ""} {
		if _, err := ParseTargetDue(in); err == nil {
			t.Errorf("ParseTargetDue(%q): no error", in)
		}
	}
	if !KindExternal.Valid() || TargetKind("yearly").Valid() || KindExternal.Asked() || !KindLevel.Asked() {
		t.Error("TargetKind Valid/Asked wrong")
	}
}

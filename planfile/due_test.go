package planfile

import (
	"strings"
	"testing"

	"github.com/nhacviec/nhacviec/plan"
)

func TestParseDueForms(t *testing.T) {
	tests := []struct {
		due, wantDue, wantPeriod string
		ongoing                  bool
	}{
		{"2025-06-30", "2025-06-30", "", false},
		{"2025-Q1", "2025-03-31", "2025-Q1", false},
		{`"2025-Q1"`, "2025-03-31", "2025-Q1", false},
		{"2025-H1", "2025-06-30", "2025-H1", false},
		{"2025-H2", "2025-12-31", "2025-H2", false},
		{"2025-03", "2025-03-31", "2025-03", false},
		{"2025", "2025-12-31", "2025", false},
		{`"2025"`, "2025-12-31", "2025", false},
		{"ongoing", "2025-12-31", "2025", true},
	}
	for _, tt := range tests {
		src := edit(13, `      - {key: a, title: "A", lead: tu-phap, due: `+tt.due+`}`)
		f, err := Parse("plan.yaml", []byte(src))
		if err != nil {
			t.Errorf("due %s: %v", tt.due, err)
			continue
		}
		task := f.Areas[0].Tasks[0]
		if task.Due != plan.MustParseDate(tt.wantDue) || task.DuePeriod != tt.wantPeriod || task.Ongoing != tt.ongoing {
			t.Errorf("due %s: Due %s, DuePeriod %q, Ongoing %v; want %s, %q, %v",
				tt.due, task.Due, task.DuePeriod, task.Ongoing, tt.wantDue, tt.wantPeriod, tt.ongoing)
		}
		if spec := task.OneOff(); spec.Period != tt.wantPeriod || spec.Key != tt.wantDue {
			t.Errorf("due %s: occurrence %+v, want key %s, plan period %q", tt.due, spec, tt.wantDue, tt.wantPeriod)
		}
	}
}

func TestParseDueBadInput(t *testing.T) {
	for _, due := range []string{"2025-Q5", "2025-13", "Quý I/2025", "thuong xuyen", "2025-H3", "soon"} {
		src := edit(13, `      - {key: a, title: "A", lead: tu-phap, due: "`+due+`"}`)
		_, err := Parse("plan.yaml", []byte(src))
		if err == nil {
			t.Errorf("due %q accepted", due)
			continue
		}
		msg := err.Error()
		for _, part := range []string{"plan.yaml:13:", "areas[0].tasks[0].due", `"` + due + `"`, "2026-Q1", "ongoing"} {
			if !strings.Contains(msg, part) {
				t.Errorf("due %q: error %q does not say %q", due, msg, part)
			}
		}
	}
}

// A recurring task ends with its plan year unless until says otherwise: a
// 2025 plan's weekly report produces no 2026 occurrences.
func TestRecurringEndsWithPlanYear(t *testing.T) {
	f, err := Parse("plan.yaml", []byte(base))
	if err != nil {
		t.Fatal(err)
	}
	task := f.Areas[0].Tasks[1]
	if task.Until != plan.MustParseDate("2025-12-31") {
		t.Errorf("until = %s, want 2025-12-31", task.Until)
	}
	if occs := task.Recurrence().Occurrences(plan.MustParseDate("2026-01-01"), plan.MustParseDate("2026-12-31")); len(occs) != 0 {
		t.Errorf("a 2025 plan's weekly task has 2026 occurrences: %v", occs)
	}
	last := task.Recurrence().Occurrences(plan.MustParseDate("2025-12-01"), plan.MustParseDate("2026-01-31"))
	if n := len(last); n == 0 || last[n-1].NominalDue.Year != 2025 {
		t.Errorf("December 2025 occurrences = %v, want the last one in 2025", last)
	}

	f, err = Parse("plan.yaml", []byte(edit(14, `      - {key: bao-cao-tuan, title: "T", lead: van-phong, every: monthly, due_day: 5, until: 2026-03-31}`)))
	if err != nil {
		t.Fatal(err)
	}
	if occs := f.Areas[0].Tasks[1].Recurrence().Occurrences(plan.MustParseDate("2026-01-01"), plan.MustParseDate("2026-12-31")); len(occs) != 3 {
		t.Errorf("until 2026-03-31 gives %d 2026 occurrences, want 3", len(occs))
	}

	_, err = Parse("plan.yaml", []byte(edit(14, `      - {key: bao-cao-tuan, title: "T", lead: van-phong, every: monthly, due_day: 5, start: 2026-02-01}`)))
	if err == nil || !strings.Contains(err.Error(), "areas[0].tasks[1].start") || !strings.Contains(err.Error(), "add until") {
		t.Errorf("a start after the plan year without until: error %v, want a located error asking for until", err)
	}
}

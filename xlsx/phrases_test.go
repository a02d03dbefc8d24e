package xlsx_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/planfile"
	"github.com/nhacviec/nhacviec/xlsx"
)

// percentTarget returns the key of the example plan's first percent target.
func percentTarget(t *testing.T) string {
	t.Helper()
	for _, a := range examplePlan(t).Areas {
		for _, tg := range a.Targets {
			if tg.Measure == plan.MeasurePercent {
				return tg.Key
			}
		}
	}
	t.Fatal("the example plan has no percent target")
	return ""
}

// targetGoal returns the goal of the target key in f.
func targetGoal(t *testing.T, f *planfile.File, key string) float64 {
	t.Helper()
	for _, a := range f.Areas {
		for _, tg := range a.Targets {
			if tg.Key == key {
				return tg.Goal
			}
		}
	}
	t.Fatalf("no target %s", key)
	return 0
}

// A goal typed 80% in a percent-formatted cell is stored by Excel as 0.8;
// it imports as 80, not as 0.8 (a goal always met).
func TestParsePlanPercentCell(t *testing.T) {
	key := percentTarget(t)
	tests := []struct {
		name  string
		value any
		style *excelize.Style // nil: the template's text style
		want  float64
	}{
		{"0% format", 0.8, &excelize.Style{NumFmt: 9}, 80},
		{"0.00% format", 0.955, &excelize.Style{NumFmt: 10}, 95.5},
		{"custom percent format", 0.9, &excelize.Style{CustomNumFmt: strPtr("0.0%")}, 90},
		{"typed as text", "95%", nil, 95},
		{"typed as text with a space", "95 %", nil, 95},
		{"a number in a general cell", 80, &excelize.Style{NumFmt: 0}, 80},
		{"a quoted % in a custom format is no percent", 80, &excelize.Style{CustomNumFmt: strPtr(`0" %"`)}, 80},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := edit(t, func(wb *excelize.File) {
				cell := "E" + rowOf(t, wb, xlsx.SheetTargets, key)
				if tt.style != nil {
					id, err := wb.NewStyle(tt.style)
					if err != nil {
						t.Fatal(err)
					}
					if err := wb.SetCellStyle(xlsx.SheetTargets, cell, cell, id); err != nil {
						t.Fatal(err)
					}
				}
				set(t, wb, xlsx.SheetTargets, cell, tt.value)
				if tt.style != nil && tt.style.NumFmt == 9 {
					// What the office sees: the cell shows 80%.
					if shown, _ := wb.GetCellValue(xlsx.SheetTargets, cell); shown != "80%" {
						t.Fatalf("the cell shows %q, want 80%%", shown)
					}
				}
			})
			f, err := xlsx.ParsePlan("plan.xlsx", data)
			if err != nil {
				t.Fatal(err)
			}
			if got := targetGoal(t, f, key); got != tt.want {
				t.Errorf("goal = %v, want %v", got, tt.want)
			}
		})
	}
}

func strPtr(s string) *string { return &s }

// taskOf returns the task key of f.
func taskOf(t *testing.T, f *planfile.File, key string) planfile.Task {
	t.Helper()
	for _, a := range f.Areas {
		for _, tk := range a.Tasks {
			if tk.Key == key {
				return tk
			}
		}
	}
	t.Fatalf("no task %s", key)
	return planfile.Task{}
}

// setTask sets the deadline cells (Hạn F, Định kỳ G, Ngày hạn trong kỳ H)
// and, when not empty, the lead (D) and support (E) of the task key.
func setTask(t *testing.T, wb *excelize.File, key string, due, every any, lead, support string) string {
	t.Helper()
	row := rowOf(t, wb, xlsx.SheetTasks, key)
	set(t, wb, xlsx.SheetTasks, "F"+row, due)
	set(t, wb, xlsx.SheetTasks, "G"+row, every)
	for _, col := range []string{"H", "I", "J"} {
		set(t, wb, xlsx.SheetTasks, col+row, "")
	}
	if lead != "" {
		set(t, wb, xlsx.SheetTasks, "D"+row, lead)
	}
	if support != "" {
		set(t, wb, xlsx.SheetTasks, "E"+row, support)
	}
	return row
}

func TestParsePlanDeadlinePhrases(t *testing.T) {
	const key = "ra-soat-tthc"
	tests := []struct {
		due, every any
		want       planfile.Task // Due, DuePeriod, Ongoing, Every, DueDay
	}{
		{"Quý I/2025", "", planfile.Task{Due: d("2025-03-31"), DuePeriod: "2025-Q1"}},
		{"quý 1/2025", "", planfile.Task{Due: d("2025-03-31"), DuePeriod: "2025-Q1"}},
		{"Quý IV năm 2025", "", planfile.Task{Due: d("2025-12-31"), DuePeriod: "2025-Q4"}},
		{"Quý III", "", planfile.Task{Due: d("2025-09-30"), DuePeriod: "2025-Q3"}},
		{"6 tháng đầu năm 2025", "", planfile.Task{Due: d("2025-06-30"), DuePeriod: "2025-H1"}},
		{"6 tháng cuối năm 2025", "", planfile.Task{Due: d("2025-12-31"), DuePeriod: "2025-H2"}},
		{"Tháng 3/2025", "", planfile.Task{Due: d("2025-03-31"), DuePeriod: "2025-03"}},
		{"Năm 2025", "", planfile.Task{Due: d("2025-12-31"), DuePeriod: "2025"}},
		{"Trong năm 2025", "", planfile.Task{Due: d("2025-12-31"), DuePeriod: "2025"}},
		{2025, "", planfile.Task{Due: d("2025-12-31"), DuePeriod: "2025"}},
		{"2025-Q2", "", planfile.Task{Due: d("2025-06-30"), DuePeriod: "2025-Q2"}},
		{"30/6/2025", "", planfile.Task{Due: d("2025-06-30")}},
		{"Thường xuyên", "", planfile.Task{Due: d("2025-12-31"), DuePeriod: "2025", Ongoing: true}},
		{"", "Hàng tuần", planfile.Task{Every: plan.Weekly, DueDay: 5}},
		{"", "Hàng tháng", planfile.Task{Every: plan.Monthly, DueDay: -1}},
		{"", "Hàng quý", planfile.Task{Every: plan.Quarterly, DueDay: -1}},
		{"", "6 tháng", planfile.Task{Every: plan.HalfYearly, DueDay: -1}},
		{"", "Hàng năm", planfile.Task{Every: plan.Yearly, DueDay: -1}},
		{"", "Hàng tháng, trước ngày 15", planfile.Task{Every: plan.Monthly, DueDay: 14}},
		{"Hàng quý; trước ngày 15", "", planfile.Task{Every: plan.Quarterly, DueDay: 14}},
		{"trước ngày 15", "Hàng tháng", planfile.Task{Every: plan.Monthly, DueDay: 14}},
		{"", "Hằng tháng\nngày 5", planfile.Task{Every: plan.Monthly, DueDay: 5}},
	}
	for _, tt := range tests {
		data := edit(t, func(wb *excelize.File) { setTask(t, wb, key, tt.due, tt.every, "", "") })
		f, err := xlsx.ParsePlan("plan.xlsx", data)
		if err != nil {
			t.Errorf("Hạn %q, Định kỳ %q: %v", tt.due, tt.every, err)
			continue
		}
		got := taskOf(t, f, key)
		if got.Due != tt.want.Due || got.DuePeriod != tt.want.DuePeriod || got.Ongoing != tt.want.Ongoing ||
			got.Every != tt.want.Every || got.DueDay != tt.want.DueDay {
			t.Errorf("Hạn %q, Định kỳ %q: due %s, period %q, ongoing %v, every %q, due_day %d; want %s, %q, %v, %q, %d",
				tt.due, tt.every, got.Due, got.DuePeriod, got.Ongoing, got.Every, got.DueDay,
				tt.want.Due, tt.want.DuePeriod, tt.want.Ongoing, tt.want.Every, tt.want.DueDay)
		}
	}
}

func d(s string) plan.Date { return plan.MustParseDate(s) }

func TestParsePlanOfficialWords(t *testing.T) {
	const key = "ra-soat-tthc"
	data := edit(t, func(wb *excelize.File) {
		setTask(t, wb, key, "2025-06-30", "", "Chủ tịch", "Công chức Tư pháp - Hộ tịch;\nvan-phong, tai-chinh")
	})
	f, err := xlsx.ParsePlan("plan.xlsx", data)
	if err != nil {
		t.Fatal(err)
	}
	got := taskOf(t, f, key)
	if got.Lead != "chu-tich" || !slices.Equal(got.Support, []string{"tu-phap", "van-phong", "tai-chinh"}) {
		t.Errorf("lead %q, support %v; want chu-tich, [tu-phap van-phong tai-chinh]", got.Lead, got.Support)
	}
}

func TestParsePlanBadPhrases(t *testing.T) {
	const key = "ra-soat-tthc"
	tests := []struct {
		name              string
		due, every, lead  string
		cell, field, want string // the error's cell column, field and part of its message
	}{
		{"unknown phrase", "sớm nhất có thể", "", "", "F", "due", `"Quý I/2026"`},
		{"unknown phrase names the others", "Quý V/2025", "", "", "F", "due", `"Thường xuyên"`},
		{"unknown cadence", "", "Thỉnh thoảng", "", "G", "every", `"Hàng tháng"`},
		{"no such day", "", "Hàng tháng, trước ngày 40", "", "G", "every", "names no day"},
		{"deadline and cadence", "Quý I/2025", "Hàng tháng", "", "F", "due", "not both"},
		{"a day without a cadence", "trước ngày 15", "", "", "F", "due", "needs a cadence"},
		{"two deadlines", "Quý I/2025, Quý II/2025", "", "", "F", "due", "two deadlines"},
		{"ambiguous position", "2025-06-30", "", "Công chức Văn hóa - xã hội", "D", "lead", "several officials"},
		{"a lead named twice", "2025-06-30", "", "tu-phap, tu-phap", "D", "lead", "listed twice as lead"},
		{"unknown position", "2025-06-30", "", "Trưởng thôn", "D", "lead", "write the key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var row string
			data := edit(t, func(wb *excelize.File) { row = setTask(t, wb, key, tt.due, tt.every, tt.lead, "") })
			_, err := xlsx.ParsePlan("plan.xlsx", data)
			var errs xlsx.Errors
			if !errors.As(err, &errs) {
				t.Fatalf("error %v, want xlsx.Errors", err)
			}
			for _, e := range errs {
				if e.Sheet == xlsx.SheetTasks && e.Cell == tt.cell+row && e.Field == tt.field && strings.Contains(e.Msg, tt.want) {
					return
				}
			}
			t.Errorf("errors:\n%v\nwant one at %s!%s%s (%s) saying %q", err, xlsx.SheetTasks, tt.cell, row, tt.field, tt.want)
		})
	}
}

// The template's notes list the phrases the import accepts.
func TestTemplateNotesListPhrases(t *testing.T) {
	data, err := xlsx.Template(nil)
	if err != nil {
		t.Fatal(err)
	}
	wb, err := excelize.OpenReader(strings.NewReader(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	rows, err := wb.GetRows(xlsx.SheetGuide)
	if err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	for _, r := range rows {
		all.WriteString(strings.Join(r, " ") + "\n")
	}
	for _, phrase := range []string{"Hàng tuần", "Hàng tháng", "Hàng quý", "6 tháng", "Hàng năm", "Quý I/2026",
		"6 tháng đầu năm 2026", "6 tháng cuối năm 2026", "Năm 2026", "Trong năm 2026", "Thường xuyên",
		"trước ngày 15", "Chủ tịch", "95%", "chấm phẩy"} {
		if !strings.Contains(all.String(), phrase) {
			t.Errorf("the template's notes do not mention %q", phrase)
		}
	}
}

package xlsx_test

import (
	"context"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/nhacviec/nhacviec/examples"
	"github.com/nhacviec/nhacviec/planfile"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/store/storetest"
	"github.com/nhacviec/nhacviec/xlsx"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// examplePlan parses the shipped example plan.
func examplePlan(t *testing.T) *planfile.File {
	t.Helper()
	f, err := planfile.Parse(examples.PlanFile, examples.Plan())
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// withoutPositions returns a copy of f without positions and name, which
// differ between a YAML file and a workbook.
func withoutPositions(f *planfile.File) planfile.File {
	c := *f
	c.Name = ""
	c.Unit.Pos = planfile.Pos{}
	c.Plan.Pos = planfile.Pos{}
	c.Officials = append([]planfile.Official(nil), f.Officials...)
	for i := range c.Officials {
		c.Officials[i].Pos = planfile.Pos{}
	}
	c.Departments = append([]planfile.Department(nil), f.Departments...)
	for i := range c.Departments {
		c.Departments[i].Pos = planfile.Pos{}
	}
	c.Areas = append([]planfile.Area(nil), f.Areas...)
	for i := range c.Areas {
		a := &c.Areas[i]
		a.Pos = planfile.Pos{}
		a.Targets = append([]planfile.Target(nil), a.Targets...)
		for j := range a.Targets {
			a.Targets[j].Pos = planfile.Pos{}
		}
		a.Tasks = append([]planfile.Task(nil), a.Tasks...)
		for j := range a.Tasks {
			a.Tasks[j].Pos = planfile.Pos{}
		}
	}
	return c
}

func TestTemplateRoundTrip(t *testing.T) {
	want := examplePlan(t)
	data, err := xlsx.Template(want)
	if err != nil {
		t.Fatal(err)
	}
	got, err := xlsx.ParsePlan("plan.xlsx", data)
	if err != nil {
		t.Fatalf("ParsePlan of the exported template: %v", err)
	}
	if g, w := withoutPositions(got), withoutPositions(want); !reflect.DeepEqual(g, w) {
		t.Fatalf("round trip changed the plan:\n got %+v\nwant %+v", g, w)
	}
	if got.Name != "plan.xlsx" {
		t.Errorf("Name = %q, want plan.xlsx", got.Name)
	}

	// The same plan in the database: importing the workbook over the YAML
	// changes nothing.
	st := storetest.New(t)
	ctx := context.Background()
	now := time.Date(2025, 1, 2, 8, 0, 0, 0, time.UTC)
	if _, err := st.ImportPlan(ctx, want, store.ImportOptions{Now: now, Source: examples.PlanFile}); err != nil {
		t.Fatal(err)
	}
	sum, err := st.ImportPlan(ctx, got, store.ImportOptions{Now: now.Add(time.Hour), Source: "plan.xlsx"})
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]store.ImportCounts{
		"officials": sum.Officials, "areas": sum.Areas, "targets": sum.Targets, "tasks": sum.Tasks, "occurrences": sum.Occurrences,
	} {
		if c.Created != 0 || c.Updated != 0 || c.Archived != 0 {
			t.Errorf("%s: importing the workbook after the YAML changed rows: %s", name, c)
		}
	}
	if sum.Tasks.Unchanged != countTasks(want) {
		t.Errorf("tasks unchanged = %d, want %d", sum.Tasks.Unchanged, countTasks(want))
	}
}

func countTasks(f *planfile.File) int {
	n := 0
	for _, a := range f.Areas {
		n += len(a.Tasks)
	}
	return n
}

func TestEmptyTemplate(t *testing.T) {
	data, err := xlsx.Template(nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = xlsx.ParsePlan("empty.xlsx", data)
	var errs xlsx.Errors
	if !errors.As(err, &errs) {
		t.Fatalf("ParsePlan of the empty template: %v, want Errors", err)
	}
	for _, want := range []string{
		"empty.xlsx: Đơn vị!B2: unit.code: missing required field",
		"empty.xlsx: Cán bộ: list at least one official",
		"empty.xlsx: Lĩnh vực: list at least one area",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("errors lack %q:\n%v", want, err)
		}
	}
}

// edit opens the example template, applies change and returns the bytes.
func edit(t *testing.T, change func(wb *excelize.File)) []byte {
	t.Helper()
	data, err := xlsx.Template(examplePlan(t))
	if err != nil {
		t.Fatal(err)
	}
	wb, err := excelize.OpenReader(strings.NewReader(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	change(wb)
	buf, err := wb.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func set(t *testing.T, wb *excelize.File, sheet, cell string, v any) {
	t.Helper()
	if err := wb.SetCellValue(sheet, cell, v); err != nil {
		t.Fatal(err)
	}
}

// rowOf returns the row number of the row of sheet whose column B is key.
func rowOf(t *testing.T, wb *excelize.File, sheet, key string) string {
	t.Helper()
	rows, err := wb.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		if len(r) > 1 && r[1] == key {
			return strconv.Itoa(i + 1)
		}
	}
	t.Fatalf("no row %q in %s", key, sheet)
	return ""
}

func TestParsePlanErrors(t *testing.T) {
	tests := []struct {
		name   string
		change func(t *testing.T, wb *excelize.File)
		want   []string // every error, in order
	}{
		{
			name: "unknown lead",
			change: func(t *testing.T, wb *excelize.File) {
				set(t, wb, xlsx.SheetTasks, "D7", "tu-phapp")
			},
			want: []string{`plan.xlsx: Nhiệm vụ!D7: lead: unknown official "tu-phapp"`},
		},
		{
			name: "three mistakes on three sheets, all reported",
			change: func(t *testing.T, wb *excelize.File) {
				set(t, wb, xlsx.SheetUnit, "B8", "năm nay")     // plan.year
				set(t, wb, xlsx.SheetOfficials, "D3", "thu-ky") // roles of row 3
				set(t, wb, xlsx.SheetTargets, "E2", 120)        // a percent goal
				set(t, wb, xlsx.SheetTasks, "F"+rowOf(t, wb, xlsx.SheetTasks, "ra-soat-tthc"), "2025-02-30")
				set(t, wb, xlsx.SheetTasks, "E5", "tai-chinh, khong-co")
			},
			want: []string{
				`plan.xlsx: Đơn vị!B8: plan.year: want a whole number, found a string`,
				`plan.xlsx: Cán bộ!D3: roles: unknown role "thu-ky": want chairman, vice_chairman, office, member or partner`,
				`plan.xlsx: Chỉ tiêu!E2: goal: a percent goal lies in 0..100, found 120`,
				`plan.xlsx: Nhiệm vụ!F9: due: impossible date "2025-02-30": want YYYY-MM-DD, a real calendar date`,
				`plan.xlsx: Nhiệm vụ!E5: support: unknown official "khong-co"`,
			},
		},
		{
			name: "unknown area and unknown column",
			change: func(t *testing.T, wb *excelize.File) {
				set(t, wb, xlsx.SheetTasks, "A3", "9")
				set(t, wb, xlsx.SheetTasks, "L1", "Hạn chót (deadline)")
			},
			want: []string{
				`plan.xlsx: Nhiệm vụ!L1: unknown column "Hạn chót (deadline)" (known: area, key, title, lead, support, due, every, due_day, start, until, note)`,
				`plan.xlsx: Nhiệm vụ!A3: area: unknown area "9" (not in Lĩnh vực)`,
			},
		},
		{
			name: "missing lead and duplicate key",
			change: func(t *testing.T, wb *excelize.File) {
				if err := wb.SetCellValue(xlsx.SheetTasks, "D6", ""); err != nil {
					t.Fatal(err)
				}
				v, err := wb.GetCellValue(xlsx.SheetTasks, "B2")
				if err != nil {
					t.Fatal(err)
				}
				set(t, wb, xlsx.SheetTasks, "B4", v)
			},
			want: []string{
				`plan.xlsx: Nhiệm vụ!B4: key: duplicate task key "the-che-quyen-con-nguoi" (first in row 2)`,
				`plan.xlsx: Nhiệm vụ!D6: lead: missing required field`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := edit(t, func(wb *excelize.File) { tt.change(t, wb) })
			f, err := xlsx.ParsePlan("plan.xlsx", data)
			if err == nil {
				t.Fatalf("no error, got plan %s", f.Plan.Code)
			}
			var errs xlsx.Errors
			if !errors.As(err, &errs) {
				t.Fatalf("error %v is not Errors", err)
			}
			var got []string
			for _, e := range errs {
				got = append(got, e.Error())
			}
			missing := false
			for _, w := range tt.want {
				found := false
				for _, g := range got {
					if strings.HasPrefix(g, w) {
						found = true
					}
				}
				if !found {
					t.Errorf("missing error %q", w)
					missing = true
				}
			}
			if missing || len(got) != len(tt.want) {
				t.Errorf("got %d errors, want %d:\n%s", len(got), len(tt.want), strings.Join(got, "\n"))
			}
		})
	}
}

func TestParsePlanNotAWorkbook(t *testing.T) {
	_, err := xlsx.ParsePlan("plan.xlsx", []byte("unit: {code: pdp}\n"))
	if err == nil || !strings.HasPrefix(err.Error(), "plan.xlsx: not an Excel workbook") {
		t.Fatalf("err = %v", err)
	}
}

func TestParsePlanDateCells(t *testing.T) {
	want := examplePlan(t)
	data := edit(t, func(wb *excelize.File) {
		// Row 2 of Nhiệm vụ as a real date cell, as Excel makes when one
		// types a date.
		cell := "F" + rowOf(t, wb, xlsx.SheetTasks, "ra-soat-tthc")
		due, err := wb.GetCellValue(xlsx.SheetTasks, cell)
		if err != nil || due != "2025-06-30" {
			t.Fatalf("%s = %q, %v, want 2025-06-30", cell, due, err)
		}
		d, err := time.Parse("2006-01-02", due)
		if err != nil {
			t.Fatal(err)
		}
		style, err := wb.NewStyle(&excelize.Style{NumFmt: 14})
		if err != nil {
			t.Fatal(err)
		}
		set(t, wb, xlsx.SheetTasks, cell, d)
		if err := wb.SetCellStyle(xlsx.SheetTasks, cell, cell, style); err != nil {
			t.Fatal(err)
		}
	})
	got, err := xlsx.ParsePlan("plan.xlsx", data)
	if err != nil {
		t.Fatal(err)
	}
	if g, w := withoutPositions(got), withoutPositions(want); !reflect.DeepEqual(g, w) {
		t.Errorf("a due date in a date cell changed the plan:\n got %+v\nwant %+v", g, w)
	}
}

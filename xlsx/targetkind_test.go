package xlsx_test

import (
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/xlsx"
)

// TestTemplateTargetKinds: the targets sheet's kind column takes the plan
// file's words and the office's ("Lũy kế", "Cấp trên đánh giá"), its due
// column a date or a period key; a workbook without those columns (an
// older template) gives level targets; a nonsensical kind is located.
func TestTemplateTargetKinds(t *testing.T) {
	data := edit(t, func(wb *excelize.File) {
		set(t, wb, xlsx.SheetTargets, "I2", "Lũy kế")
		set(t, wb, xlsx.SheetTargets, "J2", "2025-Q3")
		set(t, wb, xlsx.SheetTargets, "I3", " cấp trên  đánh giá")
		set(t, wb, xlsx.SheetTargets, "I4", "year_end")
	})
	f, err := xlsx.ParsePlan("plan.xlsx", data)
	if err != nil {
		t.Fatal(err)
	}
	ts := f.Areas[0].Targets
	if ts[0].Kind != plan.KindCumulative || ts[0].Due.String() != "2025-09-30" ||
		ts[1].Kind != plan.KindExternal || ts[2].Kind != plan.KindYearEnd || ts[3].Kind != plan.KindLevel {
		t.Errorf("kinds %q %q %q %q, due %s", ts[0].Kind, ts[1].Kind, ts[2].Kind, ts[3].Kind, ts[0].Due)
	}

	old := edit(t, func(wb *excelize.File) {
		if err := wb.RemoveCol(xlsx.SheetTargets, "J"); err != nil {
			t.Fatal(err)
		}
		if err := wb.RemoveCol(xlsx.SheetTargets, "I"); err != nil {
			t.Fatal(err)
		}
	})
	f, err = xlsx.ParsePlan("old.xlsx", old)
	if err != nil {
		t.Fatal(err)
	}
	if k := f.Areas[0].Targets[0].Kind; k != plan.KindLevel {
		t.Errorf("kind without the column = %q, want level", k)
	}

	bad := edit(t, func(wb *excelize.File) {
		set(t, wb, xlsx.SheetTargets, "I2", "hàng năm")
		set(t, wb, xlsx.SheetTargets, "I3", "lũy kế")
		set(t, wb, xlsx.SheetTargets, "F3", "<=")
		set(t, wb, xlsx.SheetTargets, "J4", "Quý II")
	})
	_, err = xlsx.ParsePlan("plan.xlsx", bad)
	for _, want := range []string{
		`plan.xlsx: Chỉ tiêu!I2: kind: unknown kind "hàng năm": want level, cumulative, year_end or external`,
		`plan.xlsx: Chỉ tiêu!F3: comparator: a cumulative target's year-to-date total only grows`,
		`plan.xlsx: Chỉ tiêu!J4: due: due "Quý II" is neither a date`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("errors lack %q:\n%v", want, err)
		}
	}
}

// TestTemplateParentNote: the note of unit.parent speaks of the unit a
// ward reports to, not of the abolished town level.
func TestTemplateParentNote(t *testing.T) {
	data, err := xlsx.Template(nil)
	if err != nil {
		t.Fatal(err)
	}
	wb, err := excelize.OpenReader(strings.NewReader(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	rows, err := wb.GetRows(xlsx.SheetUnit)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range rows {
		if len(r) > 2 && r[0] == "unit.parent" || len(r) > 2 && strings.Contains(r[0], "unit.parent") {
			found = true
			if strings.Contains(r[2], "thị xã") || !strings.Contains(r[2], "tỉnh") {
				t.Errorf("unit.parent note = %q", r[2])
			}
		}
	}
	if !found {
		t.Errorf("no unit.parent row in %v", rows)
	}
}

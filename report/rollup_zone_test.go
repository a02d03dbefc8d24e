package report_test

import (
	"testing"

	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/report"
)

// TestCompileRollupWardZone checks that a ward's period is placed in the
// ward's own zone when the town's digest reads all wards at once, as
// Compile places it for the ward alone. Phường B keeps Tokyo time (two
// hours ahead of the town): its 2025-Q1 starts at 22:00 on 14/12/2024,
// town time, so b3, due 10/12 and done at 23:30 town time (01:30 on 15/12
// in Tokyo), is carried over and done late, and b-chu-tich, who reported
// at 23:00 town time, reported within the period.
func TestCompileRollupWardZone(t *testing.T) {
	f := rollupFixture(t) // f.unit, f.plan: phường B
	f.exec(`UPDATE units SET timezone = 'Asia/Tokyo' WHERE id = $1 RETURNING id`, f.unit)
	f.task("b3", "Tổng kết năm 2024", "2", "b-chu-tich", "2024-12-10", "2024-12-14 23:30", 0)
	f.progress("b3", "b-chu-tich", "2024-12-14 23:00", 100, true, "")
	p, err := plan.ParsePeriod("2025-Q1", plan.CutoffDecree09)
	if err != nil {
		t.Fatal(err)
	}
	asOf := at("2025-03-12 08:00")

	ward, err := compileWard(t.Context(), f.st, "phuong-b", p, asOf)
	if err != nil {
		t.Fatal(err)
	}
	if want := tot(2, 1, 0, 0, 0.6667); ward.Totals != want {
		t.Errorf("phuong-b alone: totals = %+v, want %+v", ward.Totals, want)
	}
	if len(ward.MissingReports) != 0 {
		t.Errorf("phuong-b alone: missing reports %v, want none", ward.MissingReports)
	}

	d, err := compileRollup(t.Context(), f.st, "my-hoa", p, asOf)
	if err != nil {
		t.Fatal(err)
	}
	want := []report.RollupLine{
		{Unit: "pdp", Name: "UBND phường Phan Đình Phùng", Totals: tot(1, 1, 1, 1, 0.3333), Overdue: 1, MissingReports: 1},
		{Unit: "phuong-b", Name: "UBND phường B", Totals: tot(2, 1, 0, 0, 0.6667), Overdue: 0, MissingReports: 0},
	}
	if len(d.ByUnit) != len(want) {
		t.Fatalf("by unit = %+v, want %+v", d.ByUnit, want)
	}
	for i := range want {
		if d.ByUnit[i] != want[i] {
			t.Errorf("by unit[%d] = %+v, want %+v", i, d.ByUnit[i], want[i])
		}
	}
	if want := tot(3, 2, 1, 1, 0.5); d.Totals != want {
		t.Errorf("totals = %+v, want %+v", d.Totals, want)
	}
}

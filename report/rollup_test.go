package report_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/message"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/report"
)

// rollupFixture is UBND tỉnh Mỹ Hòa (no plan of its own) with two wards:
//
//	pdp:      on time, late, overdue, open on time; tu-phap never reported
//	phuong-b: two done on time; its lead reported
//
// judged on 12/3/2025 for 2025-Q1 (decree 09: 15/12/2024 – 14/03/2025).
func rollupFixture(t *testing.T) *fixture {
	f := newFixture(t) // unit pdp
	parent := f.exec(`INSERT INTO units (code, name, timezone, created_at, updated_at)
		VALUES ('my-hoa', 'UBND tỉnh Mỹ Hòa', 'Asia/Ho_Chi_Minh', $1, $1) RETURNING id`, f.stamp)
	f.exec(`UPDATE units SET parent_id = $1 WHERE id = $2 RETURNING id`, parent, f.unit)
	f.official("chu-tich", "Vương Văn Toàn", "chairman")
	f.official("tu-phap", "Công chức Tư pháp - Hộ tịch", "member")
	f.area("2", "Cải cách thủ tục hành chính", 1)
	f.task("a1", "Rà soát TTHC", "2", "tu-phap", "2025-01-10", "2025-01-09 10:00", 0)
	f.task("a2", "Công khai TTHC", "2", "tu-phap", "2025-02-10", "2025-02-20 10:00", 0)
	f.task("a3", "Cập nhật một cửa", "2", "tu-phap", "2025-03-10", "", 30)
	f.task("a4", "Báo cáo kiểm soát TTHC", "2", "tu-phap", "2025-03-13", "", 0)

	f.unit = f.exec(`INSERT INTO units (code, name, timezone, parent_id, created_at, updated_at)
		VALUES ('phuong-b', 'UBND phường B', 'Asia/Ho_Chi_Minh', $1, $2, $2) RETURNING id`, parent, f.stamp)
	f.plan = f.exec(`INSERT INTO plans (unit_id, code, title, year, created_at, updated_at)
		VALUES ($1, 'KH-CCHC-2025', 'Kế hoạch cải cách hành chính năm 2025', 2025, $2, $2) RETURNING id`, f.unit, f.stamp)
	f.official("b-chu-tich", "Chủ tịch phường B", "chairman")
	f.official("b-van-phong", "Văn phòng phường B", "office")
	f.area("2", "Cải cách thủ tục hành chính", 1)
	f.task("b1", "Rà soát TTHC", "2", "b-van-phong", "2025-01-20", "2025-01-15 10:00", 0)
	f.task("b2", "Công khai TTHC", "2", "b-van-phong", "2025-02-28", "2025-02-27 10:00", 0)
	f.progress("b2", "b-van-phong", "2025-02-27 10:00", 100, true, "")
	return f
}

func TestCompileRollup(t *testing.T) {
	f := rollupFixture(t)
	p, err := plan.ParsePeriod("2025-Q1", plan.CutoffDecree09)
	if err != nil {
		t.Fatal(err)
	}
	d, err := compileRollup(t.Context(), f.st, "my-hoa", p, at("2025-03-12 08:00"))
	if err != nil {
		t.Fatal(err)
	}
	if want := tot(3, 1, 1, 1, 0.6); d.Totals != want {
		t.Errorf("totals = %+v, want %+v", d.Totals, want)
	}
	want := []report.RollupLine{
		{Unit: "pdp", Name: "UBND phường Phan Đình Phùng", Totals: tot(1, 1, 1, 1, 0.3333), Overdue: 1, MissingReports: 1},
		{Unit: "phuong-b", Name: "UBND phường B", Totals: tot(2, 0, 0, 0, 1), Overdue: 0, MissingReports: 0},
	}
	if !reflect.DeepEqual(d.ByUnit, want) {
		t.Errorf("by unit =\n%+v\nwant\n%+v", d.ByUnit, want)
	}

	text := message.DigestText(report.Result{Rollup: d}, i18n.New(i18n.VI))
	for _, s := range []string{
		"TỔNG HỢP BÁO CÁO quý I/2025 (15/12/2024 – 14/03/2025)",
		"UBND tỉnh Mỹ Hòa — số liệu đến 08:00 12/03/2025",
		"Tổng số: 6 nhiệm vụ",
		"Tỷ lệ hoàn thành đúng hạn: 60%",
		"1. UBND phường Phan Đình Phùng: 1 / 2 / 1; 33,3%; 1 nhiệm vụ quá hạn; 1 cán bộ chưa báo cáo",
		"2. UBND phường B: 2 / 0 / 0; 100%",
	} {
		if !strings.Contains(text, s) {
			t.Errorf("text lacks %q:\n%s", s, text)
		}
	}
	if html := message.DigestTelegram(report.Result{Rollup: d}, i18n.New(i18n.EN)); !strings.Contains(html, "<b>On-time rate: 60%</b>") {
		t.Errorf("telegram:\n%s", html)
	}

	raw, err := report.RenderRollupJSON(d)
	if err != nil {
		t.Fatal(err)
	}
	var j struct {
		Unit   string `json:"unit"`
		Period struct{ Key, From, To string }
		AsOf   string `json:"as_of"`
		Totals map[string]float64
		ByUnit []struct {
			Unit           string
			Name           string
			Totals         map[string]float64
			Overdue        int
			MissingReports int `json:"missing_reports"`
		} `json:"by_unit"`
	}
	if err := json.Unmarshal(raw, &j); err != nil {
		t.Fatal(err)
	}
	if j.Unit != "my-hoa" || j.Period.Key != "2025-Q1" || j.Period.From != "2024-12-15" || j.AsOf != "2025-03-12T08:00:00+07:00" ||
		j.Totals["on_time_rate"] != 0.6 || len(j.ByUnit) != 2 || j.ByUnit[0].Unit != "pdp" || j.ByUnit[0].MissingReports != 1 ||
		j.ByUnit[0].Totals["open_overdue"] != 1 {
		t.Errorf("JSON:\n%s", raw)
	}

	if _, err := compileRollup(t.Context(), f.st, "pdp", p, at("2025-03-12 08:00")); err == nil {
		t.Error("a ward compiled as a roll-up")
	}
}

func TestHistory(t *testing.T) {
	f := rollupFixture(t)
	p, err := plan.ParsePeriod("2025-03", plan.CutoffDecree09)
	if err != nil {
		t.Fatal(err)
	}
	res, err := compileCode(t.Context(), f.st, "pdp", p, at("2025-03-12 08:00"), report.Options{History: 4})
	if err != nil {
		t.Fatal(err)
	}
	h := res.History
	// 2024-12 (15/11–14/12): nothing; 2025-01 (15/12–14/1): a1 on time;
	// 2025-02 (15/1–14/2): a2 done late on 20/2, after the period's end,
	// so open and overdue as of its end; 2025-03: a2 done late, a3
	// overdue, a4 open on time.
	want := []report.HistoryPoint{
		{Key: "2024-12", Totals: tot(0, 0, 0, 0, 0)},
		{Key: "2025-01", Totals: tot(1, 0, 0, 0, 1)},
		{Key: "2025-02", Totals: tot(0, 0, 0, 1, 0)},
		{Key: "2025-03", Totals: tot(0, 1, 1, 1, 0)},
	}
	if !reflect.DeepEqual(h, want) {
		t.Errorf("history =\n%+v\nwant\n%+v", h, want)
	}
}

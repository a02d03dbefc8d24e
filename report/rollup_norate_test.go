package report_test

import (
	"strings"
	"testing"

	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/message"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/report"
)

// TestRollupUnitWithNothingDue: a ward with nothing due in the period is
// a line of its province's roll-up with no rate, not 0 %, ranked after the
// wards that have one.
func TestRollupUnitWithNothingDue(t *testing.T) {
	f := rollupFixture(t)
	f.exec(`INSERT INTO units (code, name, timezone, parent_id, created_at, updated_at)
		SELECT 'phuong-c', 'UBND phường C', 'Asia/Ho_Chi_Minh', id, $1, $1 FROM units WHERE code = 'my-hoa' RETURNING id`, f.stamp)
	p, err := plan.ParsePeriod("2025-Q1", plan.CutoffDecree09)
	if err != nil {
		t.Fatal(err)
	}
	d, err := compileRollup(t.Context(), f.st, "my-hoa", p, at("2025-03-12 08:00"))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.ByUnit) != 3 || d.ByUnit[2].Unit != "phuong-c" || report.Judged(d.ByUnit[2].Totals) {
		t.Fatalf("by unit = %+v, want phuong-c last with nothing judged", d.ByUnit)
	}
	for lang, want := range map[i18n.Lang]string{
		i18n.VI: "3. UBND phường C: 0 / 0 / 0; chưa có nhiệm vụ đến hạn",
		i18n.EN: "3. UBND phường C: 0 / 0 / 0; nothing due yet",
	} {
		text := message.DigestText(report.Result{Rollup: d}, i18n.New(lang))
		if !strings.Contains(text, want) || strings.Contains(text, "UBND phường C: 0 / 0 / 0; 0%") {
			t.Errorf("%s text lacks %q:\n%s", lang, want, text)
		}
	}
}

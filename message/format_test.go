package message

import (
	"testing"

	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/plan"
)

func TestPeriodLabel(t *testing.T) {
	vi := i18n.New(i18n.VI)
	tests := []struct {
		key    string
		cutoff plan.Cutoff
		want   string
	}{
		{"2025-W07", plan.CutoffDecree09, "tuần 7/2025 (10/02/2025 – 16/02/2025)"},
		{"2025-03", plan.CutoffDecree09, "tháng 3/2025 (15/02/2025 – 14/03/2025)"},
		{"2025-Q4", plan.CutoffCalendar, "quý IV/2025 (01/10/2025 – 31/12/2025)"},
		{"2025-H1", plan.CutoffDecree09, "6 tháng đầu năm 2025 (15/12/2024 – 14/06/2025)"},
		{"2025-H2", plan.CutoffCalendar, "6 tháng cuối năm 2025 (01/07/2025 – 31/12/2025)"},
		{"2025", plan.CutoffDecree09, "năm 2025 (15/12/2024 – 14/12/2025)"},
	}
	for _, tc := range tests {
		p, err := plan.ParsePeriod(tc.key, tc.cutoff)
		if err != nil {
			t.Fatal(err)
		}
		if got := PeriodLabel(p, vi); got != tc.want {
			t.Errorf("PeriodLabel(%s) = %q, want %q", tc.key, got, tc.want)
		}
	}
}

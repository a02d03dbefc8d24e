package message

import (
	"fmt"
	"testing"

	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/plan"
)

// BenchmarkBrief renders a morning brief of n items, in Vietnamese, as the
// fan-out does for each official (about ten items on an ordinary morning,
// up to a message's worth after a month of unreported work).
func BenchmarkBrief(b *testing.B) {
	due := plan.NewDate(2025, 11, 14)
	vi := i18n.New(i18n.VI)
	for _, n := range []int{10, 40} {
		items := make([]BriefItem, n)
		for i := range items {
			items[i] = BriefItem{
				Task:    Task{Title: fmt.Sprintf("Rà soát, đơn giản hóa thủ tục hành chính lĩnh vực %d", i), Due: due.AddDays(i%5 - 2), Percent: 10 * (i % 10), LeadName: "Nguyễn Văn An"},
				Days:    i%5 - 2,
				Overdue: max(0, 2-i%5),
				As:      AsSupport,
			}
		}
		b.Run(fmt.Sprint(n, "items"), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Brief(vi, items, 0)
			}
		})
	}
}

package plan

// PeriodKind is the length of a reporting period (kỳ báo cáo).
type PeriodKind string

// The period kinds, named as on the command line (`digest --period quarter`).
const (
	Week    PeriodKind = "week"
	Month   PeriodKind = "month"
	Quarter PeriodKind = "quarter"
	Half    PeriodKind = "half"
	Year    PeriodKind = "year"
)

// Cutoff is the convention that sets where monthly, quarterly, half-yearly
// and yearly periods begin and end.
type Cutoff string

// The cut-off conventions.
const (
	// CutoffCalendar: the 1st to the last day.
	CutoffCalendar Cutoff = "calendar"
	// CutoffDecree09: Nghị định 09/2019/NĐ-CP art. 12, the 15th of the previous
	// month to the 14th.
	CutoffDecree09 Cutoff = "decree09"
)

// Period is one reporting period: its kind, its key (2025-W07, 2025-03,
// 2025-Q1, 2025-H1, 2025) and its first and last days, both inclusive.
type Period struct {
	Kind PeriodKind
	Key  string
	From Date
	To   Date
}

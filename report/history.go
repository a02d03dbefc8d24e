package report

import (
	"context"
	"fmt"
	"time"

	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/store"
)

// HistoryPoint is the totals of one period of a unit, for a trend.
type HistoryPoint struct {
	Key    string `json:"key"`
	Totals Totals `json:"totals"`
}

// periodTotals returns the totals of the unit unitID for the period q as a
// digest of it judged as of its end, or as of asOf when that is earlier,
// would count them: q's occurrences read through q (inside the digest's
// snapshot), judged in the unit's zone loc.
func periodTotals(ctx context.Context, sq store.Reader, unitID int64, q plan.Period, loc *time.Location, asOf time.Time) (HistoryPoint, error) {
	judged := q.End(loc)
	if asOf.Before(judged) {
		judged = asOf
	}
	scope := []store.DigestScope{{UnitID: unitID, Start: q.Start(loc)}}
	occs, err := store.DigestOccurrencesOf(ctx, sq, scope, q, judged)
	if err != nil {
		return HistoryPoint{}, fmt.Errorf("totals of %s: %w", q.Key, err)
	}
	var t plan.Totals
	for _, o := range occs[unitID] {
		t.Add(plan.OccurrenceStatus(o.Ongoing, o.Due, o.DoneAt, judged, loc))
	}
	return HistoryPoint{Key: q.Key, Totals: newTotals(t)}, nil
}

// history returns the totals of the unit unitID for the n periods ending
// with p (p included), oldest first, each as periodTotals judges it;
// periods that start after asOf are left out. known holds totals already
// read in the same snapshot, by period key (the previous period's).
func history(ctx context.Context, sq store.Reader, unitID int64, p plan.Period, n int, loc *time.Location, asOf time.Time, known map[string]HistoryPoint) ([]HistoryPoint, error) {
	periods := make([]plan.Period, 0, n)
	for q := p; len(periods) < n && q.Kind != ""; q = q.Prev() {
		periods = append(periods, q)
	}
	out := make([]HistoryPoint, 0, len(periods))
	for i := len(periods) - 1; i >= 0; i-- {
		q := periods[i]
		if q.Start(loc).After(asOf) {
			continue
		}
		point, ok := known[q.Key]
		if !ok {
			var err error
			if point, err = periodTotals(ctx, sq, unitID, q, loc, asOf); err != nil {
				return nil, err
			}
		}
		out = append(out, point)
	}
	return out, nil
}

// NewTotals completes the counts t with their on-time rate and total.
func NewTotals(t plan.Totals) Totals { return newTotals(t) }

// NewDigest returns an empty digest of the unit code (named name) for the
// period p judged as of asOf, for callers that fill one by hand, such as a
// chart's tests.
func NewDigest(code, name string, p plan.Period, asOf time.Time) *Digest {
	return &Digest{
		Unit:           code,
		UnitName:       name,
		Period:         Period{Key: p.Key, From: p.From, To: p.To},
		AsOf:           asOf.Format(time.RFC3339),
		ByArea:         []AreaLine{},
		ByDepartment:   []DepartmentLine{},
		ByOfficial:     []OfficialLine{},
		Tasks:          []TaskLine{},
		Targets:        []TargetLine{},
		MissingReports: []string{},
		period:         p,
		asOf:           asOf,
	}
}

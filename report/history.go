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

// History returns the totals of the unit unitCode for the n periods ending
// with p (p included), oldest first. Each period is judged as of its end,
// or as of asOf when that is earlier, as a digest of it sent then would
// have been; periods that start after asOf are left out.
func History(ctx context.Context, st *store.Store, unitCode string, p plan.Period, n int, asOf time.Time) ([]HistoryPoint, error) {
	unit, err := st.UnitByCode(ctx, unitCode)
	if err != nil {
		return nil, fmt.Errorf("report: history of %s: %w", unitCode, err)
	}
	loc := UnitLocation(unit, asOf.Location())
	periods := make([]plan.Period, 0, n)
	for q := p; len(periods) < n && q.Kind != ""; q = q.Prev() {
		periods = append(periods, q)
	}
	out := make([]HistoryPoint, 0, len(periods))
	for i := len(periods) - 1; i >= 0; i-- {
		q := periods[i]
		start := q.Start(loc)
		if start.After(asOf) {
			continue
		}
		judged := q.End(loc)
		if asOf.Before(judged) {
			judged = asOf
		}
		occs, err := st.DigestOccurrences(ctx, unit.ID, q.From, q.To, start, judged)
		if err != nil {
			return nil, fmt.Errorf("report: history of %s %s: %w", unitCode, q.Key, err)
		}
		var t plan.Totals
		for _, o := range occs {
			t.Add(plan.StatusAt(o.Due, o.DoneAt, judged, loc))
		}
		out = append(out, HistoryPoint{Key: q.Key, Totals: newTotals(t)})
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
		ByOfficial:     []OfficialLine{},
		Tasks:          []TaskLine{},
		Targets:        []TargetLine{},
		MissingReports: []string{},
		period:         p,
		asOf:           asOf,
	}
}

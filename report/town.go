package report

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/store"
)

// TownDigest is the digest of a parent unit (UBND thị xã) aggregated over
// its wards: the totals of every child unit, and of the town's own plan
// when it has one, with a line per unit, worst first.
//
// Its JSON form (digest --unit TOWN --format json):
//
//	{"unit": "my-hoa", "unit_name": "UBND thị xã Mỹ Hòa",
//	 "period": {"key": "2025-Q1", "from": "2024-12-15", "to": "2025-03-14"},
//	 "as_of": "2025-03-15T08:00:00+07:00",
//	 "totals": {"done_on_time": 0, "done_late": 0, "open_on_time": 0, "open_overdue": 0, "on_time_rate": 0.0, "total": 0},
//	 "by_unit": [{"unit": "pdp", "name": "UBND phường Phan Đình Phùng", "totals": {...},
//	              "overdue": 3, "missing_reports": 2}]}
type TownDigest struct {
	Unit     string     `json:"unit"`
	UnitName string     `json:"unit_name"`
	Period   Period     `json:"period"`
	AsOf     string     `json:"as_of"`
	Totals   Totals     `json:"totals"`
	ByUnit   []TownLine `json:"by_unit"`

	period plan.Period
	asOf   time.Time
}

// TownLine is one unit of a town digest.
type TownLine struct {
	Unit           string `json:"unit"`
	Name           string `json:"name"`
	Totals         Totals `json:"totals"`
	Overdue        int    `json:"overdue"`         // occurrences open and overdue
	MissingReports int    `json:"missing_reports"` // officials who did not report in the period
}

// PeriodValue returns the digest's period.
func (d *TownDigest) PeriodValue() plan.Period { return d.period }

// AsOfTime returns the instant the digest was judged at, in the town's zone.
func (d *TownDigest) AsOfTime() time.Time { return d.asOf }

// compileTown builds, through q (inside the digest's snapshot), the digest
// of the town for the period p, judged as of asOf in the town's zone: each
// child unit's digest summed up, plus the town's own when it has
// occurrences in the period. It returns the town's own digest too.
//
// The rows of the town and all its wards are read together, a handful of
// queries whatever the number of wards (loadDigests), and each unit's
// digest is built from them as a ward's own is built (buildDigest), so a
// line of the town digest is what Compile gives for that ward alone (the
// previous period aside, which the town digest does not show).
func compileTown(ctx context.Context, q store.Reader, town store.Unit, children []store.Unit, p plan.Period, asOf time.Time) (*TownDigest, *Digest, error) {
	loc := UnitLocation(town, asOf.Location())
	asOf = asOf.In(loc)
	td := &TownDigest{
		Unit:     town.Code,
		UnitName: town.Name,
		Period:   Period{Key: p.Key, From: p.From, To: p.To},
		AsOf:     asOf.Format(time.RFC3339),
		ByUnit:   []TownLine{},
		period:   p,
		asOf:     asOf,
	}
	// The town first, then its wards by code. A ward's zone falls back to
	// the town's, as when Compile is given the town's "as of".
	units := append([]store.Unit{town}, children...)
	inputs, err := loadDigests(ctx, q, units, p, asOf)
	if err != nil {
		return nil, nil, err
	}
	var own *Digest
	var total plan.Totals
	for i, in := range inputs {
		d := buildDigest(in, p)
		if i == 0 {
			own = d
			if d.Totals.Total == 0 {
				continue // the town's own plan, when it has one, only if it counts
			}
		}
		total.DoneOnTime += d.Totals.DoneOnTime
		total.DoneLate += d.Totals.DoneLate
		total.OpenOnTime += d.Totals.OpenOnTime
		total.OpenOverdue += d.Totals.OpenOverdue
		total.Ongoing += d.Totals.Ongoing
		td.ByUnit = append(td.ByUnit, townLine(d))
	}
	td.Totals = newTotals(total)
	slices.SortStableFunc(td.ByUnit, worstFirst)
	return td, own, nil
}

// townLine is the line of the unit digest d in a town digest.
func townLine(d *Digest) TownLine {
	return TownLine{
		Unit:           d.Unit,
		Name:           d.UnitName,
		Totals:         d.Totals,
		Overdue:        d.Totals.OpenOverdue,
		MissingReports: len(d.MissingReports),
	}
}

// worstFirst orders town lines by overdue occurrences (most first), then
// on-time rate (lowest first, units with nothing judged last), then
// missing reports (most first), then code.
func worstFirst(a, b TownLine) int {
	if c := cmp.Compare(b.Overdue, a.Overdue); c != 0 {
		return c
	}
	aj, bj := Judged(a.Totals), Judged(b.Totals)
	if aj != bj {
		if aj {
			return -1
		}
		return 1
	}
	if c := cmp.Compare(a.Totals.OnTimeRate, b.Totals.OnTimeRate); aj && c != 0 {
		return c
	}
	if c := cmp.Compare(b.MissingReports, a.MissingReports); c != 0 {
		return c
	}
	return cmp.Compare(a.Unit, b.Unit)
}

// Judged reports whether any occurrence counts towards the on-time rate.
func Judged(t Totals) bool { return t.DoneOnTime+t.DoneLate+t.OpenOverdue > 0 }

// RenderTownJSON renders d as indented JSON (see TownDigest).
func RenderTownJSON(d *TownDigest) ([]byte, error) {
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("report: encode town digest %s %s: %w", d.Unit, d.Period.Key, err)
	}
	return append(b, '\n'), nil
}

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

// RollupDigest is the digest of a parent unit (since 1 July 2025 usually a
// province: UBND tỉnh) aggregated over the units that report to it (wards,
// communes): the totals of every child unit, and of the parent's own plan
// when it has one, with a line per unit, worst first.
//
// Its JSON form (digest --unit PARENT --format json); its field names are
// the contract's and no field is named after the abolished town level:
//
//	{"unit": "thai-nguyen", "unit_name": "UBND tỉnh Thái Nguyên",
//	 "period": {"key": "2025-Q1", "from": "2024-12-15", "to": "2025-03-14"},
//	 "as_of": "2025-03-15T08:00:00+07:00",
//	 "totals": {"done_on_time": 0, "done_late": 0, "open_on_time": 0, "open_overdue": 0, "on_time_rate": 0.0, "total": 0},
//	 "by_unit": [{"unit": "pdp", "name": "UBND phường Phan Đình Phùng", "totals": {...},
//	              "overdue": 3, "missing_reports": 2}]}
type RollupDigest struct {
	Unit     string       `json:"unit"`
	UnitName string       `json:"unit_name"`
	Period   Period       `json:"period"`
	AsOf     string       `json:"as_of"`
	Totals   Totals       `json:"totals"`
	ByUnit   []RollupLine `json:"by_unit"`

	period plan.Period
	asOf   time.Time
}

// RollupLine is one unit of a roll-up digest.
type RollupLine struct {
	Unit           string `json:"unit"`
	Name           string `json:"name"`
	Totals         Totals `json:"totals"`
	Overdue        int    `json:"overdue"`         // occurrences open and overdue
	MissingReports int    `json:"missing_reports"` // officials who did not report in the period
}

// PeriodValue returns the digest's period.
func (d *RollupDigest) PeriodValue() plan.Period { return d.period }

// AsOfTime returns the instant the digest was judged at, in the parent's zone.
func (d *RollupDigest) AsOfTime() time.Time { return d.asOf }

// compileRollup builds, through q (inside the digest's snapshot), the digest
// of the parent for the period p, judged as of asOf in the parent's zone: each
// child unit's digest summed up, plus the parent's own when it has
// occurrences in the period. It returns the parent's own digest too.
//
// The rows of the parent and all its wards are read together, a handful of
// queries whatever the number of wards (loadDigests), and each unit's
// digest is built from them as a ward's own is built (buildDigest), so a
// line of the roll-up digest is what Compile gives for that ward alone (the
// previous period aside, which the roll-up digest does not show).
func compileRollup(ctx context.Context, q store.Reader, parent plan.Unit, children []plan.Unit, p plan.Period, asOf time.Time) (*RollupDigest, *Digest, error) {
	loc := parent.Location(asOf.Location())
	asOf = asOf.In(loc)
	td := &RollupDigest{
		Unit:     parent.Code,
		UnitName: parent.Name,
		Period:   Period{Key: p.Key, From: p.From, To: p.To},
		AsOf:     asOf.Format(time.RFC3339),
		ByUnit:   []RollupLine{},
		period:   p,
		asOf:     asOf,
	}
	// The parent first, then its wards by code. A ward's zone falls back to
	// the parent's, as when Compile is given the parent's "as of".
	units := append([]plan.Unit{parent}, children...)
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
				continue // the parent's own plan, when it has one, only if it counts
			}
		}
		total.DoneOnTime += d.Totals.DoneOnTime
		total.DoneLate += d.Totals.DoneLate
		total.OpenOnTime += d.Totals.OpenOnTime
		total.OpenOverdue += d.Totals.OpenOverdue
		total.Ongoing += d.Totals.Ongoing
		td.ByUnit = append(td.ByUnit, rollupLine(d))
	}
	td.Totals = newTotals(total)
	slices.SortStableFunc(td.ByUnit, worstFirst)
	return td, own, nil
}

// rollupLine is the line of the unit digest d in a roll-up digest.
func rollupLine(d *Digest) RollupLine {
	return RollupLine{
		Unit:           d.Unit,
		Name:           d.UnitName,
		Totals:         d.Totals,
		Overdue:        d.Totals.OpenOverdue,
		MissingReports: len(d.MissingReports),
	}
}

// worstFirst orders parent lines by overdue occurrences (most first), then
// on-time rate (lowest first, units with nothing judged last), then
// missing reports (most first), then code.
func worstFirst(a, b RollupLine) int {
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

// RenderRollupJSON renders d as indented JSON (see RollupDigest).
func RenderRollupJSON(d *RollupDigest) ([]byte, error) {
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("report: encode roll-up digest %s %s: %w", d.Unit, d.Period.Key, err)
	}
	return append(b, '\n'), nil
}

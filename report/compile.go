package report

import (
	"context"
	"fmt"
	"time"

	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/store"
)

// Options says what Compile loads besides the digest itself.
type Options struct {
	// History is how many periods of a ward's totals, the digest's
	// included, Compile loads for a trend (Result.History); 0 loads none.
	History int
}

// Result is a compiled digest: a ward's, or a parent unit's
// aggregated over its wards. Rollup tells which.
type Result struct {
	// Unit is the digest of the unit's own plan and officials. For a ward
	// it is the digest, with the previous period; for a parent it is the
	// parent's own part (without the previous period), which Rollup counts
	// when it has occurrences.
	Unit *Digest
	// Rollup is the digest aggregated over the unit's wards when the unit
	// has wards, else nil.
	Rollup *RollupDigest
	// History is a ward's totals of the Options.History periods ending with
	// the digest's, oldest first (see history); nil for a parent.
	History []HistoryPoint
}

// IsRollup reports whether the result is a parent unit's digest aggregated over its
// wards.
func (r Result) IsRollup() bool { return r.Rollup != nil }

// UnitName returns the name of the unit the digest is of.
func (r Result) UnitName() string {
	if r.Rollup != nil {
		return r.Rollup.UnitName
	}
	return r.Unit.UnitName
}

// PeriodValue returns the digest's period.
func (r Result) PeriodValue() plan.Period {
	if r.Rollup != nil {
		return r.Rollup.PeriodValue()
	}
	return r.Unit.PeriodValue()
}

// JSON renders the digest as indented JSON (RenderJSON or RenderRollupJSON).
func (r Result) JSON() ([]byte, error) {
	if r.Rollup != nil {
		return RenderRollupJSON(r.Rollup)
	}
	return RenderJSON(r.Unit)
}

// Compile builds the digest of unit for the period p, judged as of asOf:
// the one function that compiles any digest, for the digest jobs, the
// bot's /tonghop and /chuabaocao and the digest command alike. The unit's
// own time zone places the period's boundaries and the deadlines.
//
// It decides the kind once: a unit some unit names as its parent (a parent unit: a province, or any unit wards report to)
// gets the digest aggregated over its wards (Result.Rollup), any other unit
// its own digest with the previous period and, when opts ask for it, the
// history of a trend. Everything is read in one read-only snapshot
// (store.DigestRead), the children, the period, the previous period and
// the history alike, and nothing is written, so callers compile before
// they open a transaction of their own, not inside it.
func Compile(ctx context.Context, st *store.Store, unit plan.Unit, p plan.Period, asOf time.Time, opts Options) (Result, error) {
	var res Result
	err := st.DigestRead(ctx, func(q store.Reader) error {
		children, err := store.ChildUnits(ctx, q, unit.ID)
		if err != nil {
			return err
		}
		if len(children) > 0 {
			res.Rollup, res.Unit, err = compileRollup(ctx, q, unit, children, p, asOf)
			return err
		}
		res.Unit, res.History, err = compileWard(ctx, q, unit, p, asOf, opts)
		return err
	})
	if err != nil {
		return Result{}, fmt.Errorf("report: compile %s %s: %w", unit.Code, p.Key, err)
	}
	return res, nil
}

// compileWard builds, through q, the digest of a unit without wards with
// its previous period (judged as of that period's end, or the digest's "as
// of" when earlier) and the history opts ask for. The previous period's
// totals are read once and serve both.
func compileWard(ctx context.Context, q store.Reader, unit plan.Unit, p plan.Period, asOf time.Time, opts Options) (*Digest, []HistoryPoint, error) {
	inputs, err := loadDigests(ctx, q, []plan.Unit{unit}, p, asOf)
	if err != nil {
		return nil, nil, err
	}
	in := inputs[0]
	d := buildDigest(in, p)
	known := make(map[string]HistoryPoint)
	if prev := p.Prev(); prev.Kind != "" {
		point, err := periodTotals(ctx, q, unit.ID, prev, in.loc, in.asOf)
		if err != nil {
			return nil, nil, err
		}
		setPrevious(d, point, prev)
		known[prev.Key] = point
	}
	if opts.History <= 0 {
		return d, nil, nil
	}
	h, err := history(ctx, q, unit.ID, p, opts.History, in.loc, in.asOf, known)
	if err != nil {
		return nil, nil, err
	}
	return d, h, nil
}

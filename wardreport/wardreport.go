// Package wardreport drafts a unit's own periodic report on its
// administrative reform work ("Báo cáo kết quả thực hiện công tác cải cách
// hành chính"), as a ward office files it with the province: a Word
// document in the layout of Nghị định 30/2020/NĐ-CP (package docx), whose
// figures are those of report.Compile's digest of the same unit, period and
// instant, so the report and the digest JSON never disagree.
//
// A ward's report follows the outline such reports use: I. direction
// (occurrences, reminders and requests sent, reports received,
// escalations); II. results by area (the statuses, the tasks done and
// overdue with their leads, the targets with their readings); III.
// assessment (the on-time rate and its change, who reported, and marked
// blanks "[…]" for the office); IV. the next period's tasks; V. proposals
// (blank). A parent unit's (a province over its wards) has a table of the
// wards, worst first, with the totals.
package wardreport

import (
	"context"
	"fmt"
	"time"

	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/report"
	"github.com/nhacviec/nhacviec/store"
)

// Report is what a unit's periodic report is drafted from.
type Report struct {
	// Result is the digest of the unit for the period, as report.Compile
	// gives it.
	Result report.Result
	// Unit is the unit reporting; Parent the unit it reports to, nil when
	// it has none.
	Unit   plan.Unit
	Parent *plan.Unit
	// Chairman is the name of the unit's chairman, "" when it has none.
	Chairman string
	// AsOf is the instant the figures are judged at, in the unit's zone.
	AsOf time.Time
	// Activity is what was done in the period (a ward's report only).
	Activity store.WardActivity
	// Next is the digest of the next period as known at AsOf, for the
	// tasks due then (a ward's report only; nil for a parent unit's).
	Next *report.Digest
}

// Compile compiles the digest of unit for the period p judged as of asOf
// (report.Compile) and gathers the rest of its report (From).
func Compile(ctx context.Context, st *store.Store, unit plan.Unit, p plan.Period, asOf time.Time) (*Report, error) {
	res, err := report.Compile(ctx, st, unit, p, asOf, report.Options{})
	if err != nil {
		return nil, err
	}
	return From(ctx, st, unit, res, asOf)
}

// From gathers, around the digest res already compiled for unit as of
// asOf, what the report needs besides: the parent unit, the chairman, a
// ward's activity in the period and the digest of the next period.
func From(ctx context.Context, st *store.Store, unit plan.Unit, res report.Result, asOf time.Time) (*Report, error) {
	loc := unit.Location(asOf.Location())
	r := &Report{Result: res, Unit: unit, AsOf: asOf.In(loc)}
	if unit.ParentID != nil {
		parent, err := store.UnitOf(ctx, st, *unit.ParentID)
		if err != nil {
			return nil, fmt.Errorf("wardreport: parent of %s: %w", unit.Code, err)
		}
		r.Parent = &parent
	}
	officials, err := store.ActiveOfficials(ctx, st, unit.ID)
	if err != nil {
		return nil, fmt.Errorf("wardreport: officials of %s: %w", unit.Code, err)
	}
	for _, o := range officials {
		if o.HasRole(plan.RoleChairman) {
			r.Chairman = o.Name
			break
		}
	}
	if res.IsRollup() {
		return r, nil
	}
	p := res.PeriodValue()
	until := p.End(loc)
	if r.AsOf.Before(until) {
		until = r.AsOf
	}
	if r.Activity, err = store.WardActivityIn(ctx, st, unit.ID, p.Start(loc), until); err != nil {
		return nil, err
	}
	next, err := report.Compile(ctx, st, unit, p.Next(), asOf, report.Options{})
	if err != nil {
		return nil, fmt.Errorf("wardreport: next period of %s: %w", unit.Code, err)
	}
	r.Next = next.Unit
	return r, nil
}

// FileName is the name of a report's file: bao-cao-cchc-pdp-2026-Q1.docx.
func FileName(unit, period string) string {
	return "bao-cao-cchc-" + unit + "-" + period + ".docx"
}

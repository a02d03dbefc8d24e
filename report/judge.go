package report

import (
	"math"
	"time"

	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/store"
)

// judgeTarget sets the kind, judgement, met, due and expected value of the
// line of target t in a digest of the period p judged as of asOf (in the
// unit's zone): the target is judged (plan.TargetRule.Judge) by the last
// day of the calendar period p's key names, so that a quarter's digest
// judges by the quarter's end under either cut-off, and a year's digest by
// 31 December, the end of the plan year; a cumulative total is compared
// with the share of the goal due by the end of p's window, or asOf's day
// when earlier. Met is true only
// for the judgement met.
func judgeTarget(line *TargetLine, t store.DigestTarget, p plan.Period, asOf time.Time) {
	kind := plan.TargetKind(t.Kind)
	if kind == "" {
		kind = plan.KindLevel
	}
	rule := plan.TargetRule{
		Kind: kind, Comparator: plan.Comparator(t.Comparator), Goal: t.Goal,
		Year: t.PlanYear, Due: t.Due,
	}
	end, known := plan.CalendarEnd(p), p.To
	if d := plan.DateIn(asOf, asOf.Location()); d.Before(known) {
		known = d
	}
	j := rule.Judge(t.Actual, end, known)
	line.Kind = string(kind)
	line.Judgement = string(j)
	line.Met = j == plan.JudgedMet
	if !t.Due.IsZero() {
		due := t.Due
		line.Due = &due
	}
	if j == plan.JudgedOnTrack || j == plan.JudgedBehind {
		e := math.Round(t.Goal*rule.Elapsed(known)*100) / 100
		line.Expected = &e
	}
}

// UnmetTargets returns the target lines listed as unmet: not met at or
// after their deadline, or behind their pro-rated goal. Targets without a
// reading or not yet due are not unmet (see TargetCounts).
func (d *Digest) UnmetTargets() []TargetLine {
	var out []TargetLine
	for _, t := range d.Targets {
		if plan.Judgement(t.Judgement).Unmet() {
			out = append(out, t)
		}
	}
	return out
}

// JudgementCount is how many targets of a digest have one judgement.
type JudgementCount struct {
	Judgement plan.Judgement
	Count     int
}

// TargetCounts returns, in the order of plan.Judgements, the number of the
// digest's targets with each judgement that is not unmet (met, on track,
// not due, no data), leaving out judgements no target has.
func (d *Digest) TargetCounts() []JudgementCount {
	var out []JudgementCount
	for _, c := range d.JudgementCounts() {
		if !c.Judgement.Unmet() {
			out = append(out, c)
		}
	}
	return out
}

// JudgementCounts returns, in the order of plan.Judgements, the number of
// the digest's targets with each judgement, leaving out judgements no
// target has.
func (d *Digest) JudgementCounts() []JudgementCount {
	n := make(map[plan.Judgement]int)
	for _, t := range d.Targets {
		n[plan.Judgement(t.Judgement)]++
	}
	var out []JudgementCount
	for _, j := range plan.Judgements {
		if n[j] > 0 {
			out = append(out, JudgementCount{Judgement: j, Count: n[j]})
		}
	}
	return out
}

package message

import (
	"strings"

	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/report"
)

// renderTargets writes the targets of a digest: those not met or behind
// their pro-rated goal by name, the rest only counted by judgement ("3 đúng
// tiến độ, 2 chưa đến kỳ đánh giá, 4 chưa có số liệu"), so that targets
// without a reading or not yet due are never listed as unmet.
func renderTargets(w *writer, d *report.Digest, pr *i18n.Printer) {
	unmet := d.UnmetTargets()
	rest := TargetCountsText(d.TargetCounts(), pr)
	switch {
	case len(unmet) == 0 && len(d.TargetCounts()) == 1 && d.TargetCounts()[0].Judgement == plan.JudgedMet:
		w.line(pr.T("digest.targets_ok", len(d.Targets)))
		return
	case len(unmet) == 0:
		w.line(pr.T("targets.summary", len(d.Targets), rest))
		return
	}
	w.head(pr.T("targets.unmet_head", len(unmet)))
	for i, tg := range unmet {
		if i == maxListed {
			w.line(pr.T("digest.more", len(unmet)-maxListed))
			break
		}
		actual := pr.T("digest.target_none")
		if tg.Actual != nil {
			actual = FormatValue(*tg.Actual, tg.Measure, pr)
		}
		goal := GoalText(tg.Goal, tg.Comparator, tg.Measure, pr)
		if tg.Judgement == string(plan.JudgedBehind) && tg.Expected != nil {
			w.line(pr.T("targets.behind_item", Shorten(tg.Text, MaxText), actual, FormatValue(*tg.Expected, tg.Measure, pr), goal))
			continue
		}
		w.line(pr.T("digest.target_item", Shorten(tg.Text, MaxText), actual, goal))
	}
	if rest != "" {
		w.line(pr.T("targets.rest", rest))
	}
}

// TargetCountsText writes counts of targets by judgement as "3 đạt, 2 đúng
// tiến độ, 4 chưa có số liệu"; "" for none.
func TargetCountsText(counts []report.JudgementCount, pr *i18n.Printer) string {
	parts := make([]string, 0, len(counts))
	for _, c := range counts {
		parts = append(parts, pr.T("targets.count", c.Count, JudgementLabel(c.Judgement, pr)))
	}
	return strings.Join(parts, ", ")
}

// JudgementLabel names a target's judgement ("đúng tiến độ").
func JudgementLabel(j plan.Judgement, pr *i18n.Printer) string {
	return pr.T(i18n.Key("judgement." + string(j)))
}

// TargetKindLabel names a target's kind ("lũy kế").
func TargetKindLabel(k string, pr *i18n.Printer) string {
	if k == "" {
		k = string(plan.KindLevel)
	}
	return pr.T(i18n.Key("target_kind." + k))
}

// TargetJudgementsText writes every target of d counted by judgement,
// unmet ones included: "Chỉ tiêu (9): 3 đạt, 1 chậm tiến độ, 5 chưa có
// số liệu." (the chart's line on targets).
func TargetJudgementsText(d *report.Digest, pr *i18n.Printer) string {
	return pr.T("targets.summary", len(d.Targets), TargetCountsText(d.JudgementCounts(), pr))
}

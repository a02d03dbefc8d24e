package bot

import (
	"strings"

	"github.com/nhacviec/nhacviec/message"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/tghtml"
	"github.com/nhacviec/nhacviec/wardreport"
)

// reportKinds are the arguments /baocaoky (/periodreport) takes, in both
// languages, with the kind of period they name.
var reportKinds = map[string]plan.PeriodKind{
	"":        plan.Quarter,
	"thang":   plan.Month,
	"tháng":   plan.Month,
	"month":   plan.Month,
	"quy":     plan.Quarter,
	"quý":     plan.Quarter,
	"quarter": plan.Quarter,
	"6thang":  plan.Half,
	"6tháng":  plan.Half,
	"half":    plan.Half,
	"nam":     plan.Year,
	"năm":     plan.Year,
	"year":    plan.Year,
}

// onPeriodReport sends the unit's own periodic report (package
// wardreport, .docx) of the period of the kind args names that closed last
// (the quarter by default), or of the period key args gives (2026-Q1),
// judged as of now, to the chairman and the office; anyone else is
// refused. A parent unit gets its report over its wards.
func (t *turn) onPeriodReport(args string) error {
	o := t.official
	if !o.HasRole(plan.RoleChairman) && !o.HasRole(plan.RoleOffice) {
		return t.reply(message.ReportForbidden(t.p))
	}
	arg := strings.ToLower(strings.Join(strings.Fields(args), ""))
	var p plan.Period
	if kind, ok := reportKinds[arg]; ok {
		p = plan.PeriodContaining(kind, t.today(), t.b.cfg.Cutoff).Prev()
	} else {
		var err error
		if p, err = plan.ParsePeriod(strings.ToUpper(arg), t.b.cfg.Cutoff); err != nil || p.Kind == plan.Week {
			return t.reply(message.ReportUsage(t.p))
		}
	}
	unit, err := store.UnitOf(t.ctx, t.tx, o.UnitID)
	if err != nil {
		return err
	}
	r, err := wardreport.Compile(t.ctx, t.b.st, unit, p, t.now)
	if err != nil {
		return err
	}
	doc, err := r.DOCX(t.p)
	if err != nil {
		return err
	}
	return t.send(store.Payload{
		Text:       tghtml.Escape(message.ReportCaption(t.p, p, r.Result.UnitName())),
		ReplyTo:    t.messageID,
		Attachment: &store.Attachment{Kind: "document", Filename: wardreport.FileName(unit.Code, p.Key), Data: doc},
	}, nil, nil)
}

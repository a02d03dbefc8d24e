package message

import (
	"slices"
	"strings"

	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/report"
	"github.com/nhacviec/nhacviec/tghtml"
)

// DigestText renders a compiled digest as plain text, for the terminal,
// a phone or an e-mail: a ward's (see wardText) or a parent unit's (rollupText).
func DigestText(res report.Result, pr *i18n.Printer) string {
	if res.Rollup != nil {
		return rollupText(res.Rollup, pr)
	}
	return wardText(res.Unit, pr)
}

// DigestTelegram renders a compiled digest in Telegram HTML; it may exceed
// a Telegram message, so send it through tghtml.Messages.
func DigestTelegram(res report.Result, pr *i18n.Printer) string {
	if res.Rollup != nil {
		return rollupTelegram(res.Rollup, pr)
	}
	return wardTelegram(res.Unit, pr)
}

// writer accumulates a rendered digest as plain text or Telegram HTML.
type writer struct {
	html bool
	b    strings.Builder
}

func (w *writer) text(s string) string {
	if w.html {
		return tghtml.Escape(s)
	}
	return s
}

func (w *writer) line(s string) { w.b.WriteString(w.text(s) + "\n") }

func (w *writer) head(s string) {
	if w.html {
		w.b.WriteString("<b>" + tghtml.Escape(s) + "</b>\n")
		return
	}
	w.b.WriteString(s + "\n")
}

func (w *writer) blank() { w.b.WriteString("\n") }

// wardText renders d as plain text for the terminal or a phone: numbers
// first (the four statuses, the on-time rate and its change since the
// previous period), then the worst items by name: overdue tasks with their
// days overdue and lead, unmet targets, officials who did not report; then
// the totals per area.
func wardText(d *report.Digest, pr *i18n.Printer) string {
	w := &writer{}
	render(w, d, pr)
	return w.b.String()
}

// wardTelegram renders the same content as wardText in Telegram HTML,
// escaped, with bold headings. The result may exceed Telegram's limit;
// split it with tghtml.Messages.
func wardTelegram(d *report.Digest, pr *i18n.Printer) string {
	w := &writer{html: true}
	render(w, d, pr)
	return strings.TrimRight(w.b.String(), "\n")
}

// rollupText renders the roll-up digest as plain text: the totals with
// the on-time rate, then one line per unit, worst first.
func rollupText(d *report.RollupDigest, pr *i18n.Printer) string {
	w := &writer{}
	renderRollup(w, d, pr)
	return w.b.String()
}

// rollupTelegram renders the same content as rollupText in
// Telegram HTML; split it with tghtml.Messages.
func rollupTelegram(d *report.RollupDigest, pr *i18n.Printer) string {
	w := &writer{html: true}
	renderRollup(w, d, pr)
	return strings.TrimRight(w.b.String(), "\n")
}

func render(w *writer, d *report.Digest, pr *i18n.Printer) {
	w.head(pr.T("digest.title", PeriodLabel(d.PeriodValue(), pr)))
	w.line(pr.T("digest.unit_as_of", d.UnitName, d.AsOfTime().Format("15:04")+" "+FormatDate(plan.DateOf(d.AsOfTime()))))
	w.blank()

	t := d.Totals
	if t.Total == 0 {
		w.line(pr.T("digest.empty"))
	} else {
		w.head(pr.T("digest.total", t.Total))
		w.line("✅ " + pr.T("digest.count", pr.T("status.done_on_time"), t.DoneOnTime))
		w.line("☑️ " + pr.T("digest.count", pr.T("status.done_late"), t.DoneLate))
		w.line("⏳ " + pr.T("digest.count", pr.T("status.open_on_time"), t.OpenOnTime))
		w.line("❗ " + pr.T("digest.count", pr.T("status.open_overdue"), t.OpenOverdue))
		if t.Ongoing > 0 {
			w.line("🔁 " + pr.T("digest.count", pr.T("status.ongoing"), t.Ongoing))
		}
		if t.Extended > 0 {
			w.line("📅 " + pr.T("digest.count", pr.T("digest.extended"), t.Extended))
		}
	}
	judged := t.DoneOnTime + t.DoneLate + t.OpenOverdue
	if judged > 0 {
		w.head(pr.T("digest.rate", FormatRate(t.OnTimeRate, pr)))
	} else {
		w.line(pr.T("digest.rate_none"))
	}
	if d.Previous != nil {
		pt := d.Previous.Totals
		if pt.DoneOnTime+pt.DoneLate+pt.OpenOverdue > 0 {
			w.line(pr.T("digest.change", d.Previous.Key, FormatRate(pt.OnTimeRate, pr), FormatPoints(d.Change.OnTimeRate, pr)))
		} else {
			w.line(pr.T("digest.change_none", d.Previous.Key))
		}
	}

	if overdue := d.Overdue(); len(overdue) > 0 {
		w.blank()
		w.head(pr.T("digest.overdue_head", len(overdue)))
		for i, o := range overdue {
			if i == maxListed {
				w.line(pr.T("digest.more", len(overdue)-maxListed))
				break
			}
			lead := o.LeadName
			if o.AssigneeName != "" {
				lead += pr.T("digest.overdue_assignee", o.AssigneeName)
			}
			item := pr.T("digest.overdue_item", i+1, Shorten(o.Title, MaxText), lead, o.DaysOverdue, o.Progress)
			if o.OriginalDue != nil {
				item += " " + ExtendedTo(pr, o.Due)
			}
			w.line(item)
		}
	}

	if extended := d.Extended(); len(extended) > 0 {
		w.blank()
		w.head(pr.T("digest.extended_head", len(extended)))
		for i, o := range extended {
			if i == maxListed {
				w.line(pr.T("digest.more", len(extended)-maxListed))
				break
			}
			w.line(pr.T("digest.extended_item", i+1, Shorten(o.Title, MaxText), o.LeadName, FormatDate(*o.OriginalDue)) + " " + ExtendedTo(pr, o.Due))
		}
	}

	if len(d.Targets) > 0 {
		w.blank()
		renderTargets(w, d, pr)
	}

	if len(d.ByOfficial) > 0 {
		w.blank()
		if len(d.MissingReports) == 0 {
			w.line(pr.T("digest.missing_none"))
		} else {
			w.head(pr.T("digest.missing_head", len(d.MissingReports)))
			for _, o := range d.ByOfficial {
				// Partners do not report: they are not in MissingReports.
				if !o.Reported && slices.Contains(d.MissingReports, o.Key) {
					w.line("- " + o.Name)
				}
			}
		}
	}

	if t.Total > 0 && len(d.ByArea) > 0 {
		w.blank()
		w.head(pr.T("digest.areas_head"))
		for _, a := range d.ByArea {
			at := a.Totals
			w.line(pr.T("digest.area_item", a.Code, a.Name, at.DoneOnTime, at.DoneLate+at.OpenOverdue, at.OpenOnTime))
		}
	}

	if t.Total > 0 && len(d.ByDepartment) > 0 {
		w.blank()
		w.head(pr.T("digest.departments_head"))
		for _, dep := range d.ByDepartment {
			dt := dep.Totals
			w.line(pr.T("digest.department_item", dep.Name, dt.DoneOnTime, dt.DoneLate+dt.OpenOverdue, dt.OpenOnTime))
		}
	}
}

func renderRollup(w *writer, d *report.RollupDigest, pr *i18n.Printer) {
	w.head(pr.T("digest.title", PeriodLabel(d.PeriodValue(), pr)))
	w.line(pr.T("digest.unit_as_of", d.UnitName, d.AsOfTime().Format("15:04")+" "+FormatDate(plan.DateOf(d.AsOfTime()))))
	w.line(pr.T("rollup.unit_count", len(d.ByUnit)))
	w.blank()
	t := d.Totals
	if t.Total == 0 {
		w.line(pr.T("digest.empty"))
	} else {
		w.head(pr.T("digest.total", t.Total))
		w.line("✅ " + pr.T("digest.count", pr.T("status.done_on_time"), t.DoneOnTime))
		w.line("☑️ " + pr.T("digest.count", pr.T("status.done_late"), t.DoneLate))
		w.line("⏳ " + pr.T("digest.count", pr.T("status.open_on_time"), t.OpenOnTime))
		w.line("❗ " + pr.T("digest.count", pr.T("status.open_overdue"), t.OpenOverdue))
		if t.Ongoing > 0 {
			w.line("🔁 " + pr.T("digest.count", pr.T("status.ongoing"), t.Ongoing))
		}
	}
	if report.Judged(t) {
		w.head(pr.T("digest.rate", FormatRate(t.OnTimeRate, pr)))
	} else {
		w.line(pr.T("digest.rate_none"))
	}
	w.blank()
	w.head(pr.T("rollup.units_head"))
	for i, u := range d.ByUnit {
		ut := u.Totals
		rate := pr.T("rollup.rate_none")
		if report.Judged(ut) {
			rate = FormatRate(ut.OnTimeRate, pr)
		}
		s := pr.T("rollup.unit_item", i+1, u.Name, ut.DoneOnTime, ut.DoneLate+ut.OpenOverdue, ut.OpenOnTime, rate)
		if u.Overdue > 0 {
			s += pr.T("rollup.overdue", u.Overdue)
		}
		if u.MissingReports > 0 {
			s += pr.T("rollup.missing", u.MissingReports)
		}
		w.line(s)
	}
}

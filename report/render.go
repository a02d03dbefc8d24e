package report

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/message"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/tghtml"
)

// maxListed bounds the overdue tasks and unmet targets a rendered digest
// names; the rest are counted ("… và 3 mục khác").
const maxListed = 20

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

// RenderText renders d as plain text for the terminal or a phone: numbers
// first (the four statuses, the on-time rate and its change since the
// previous period), then the worst items by name: overdue tasks with their
// days overdue and lead, unmet targets, officials who did not report; then
// the totals per area.
func RenderText(d *Digest, pr *i18n.Printer) string {
	w := &writer{}
	render(w, d, pr)
	return w.b.String()
}

// RenderTelegram renders the same content as RenderText in Telegram HTML,
// escaped, with bold headings. The result may exceed Telegram's limit;
// split it with tghtml.Messages.
func RenderTelegram(d *Digest, pr *i18n.Printer) string {
	w := &writer{html: true}
	render(w, d, pr)
	return strings.TrimRight(w.b.String(), "\n")
}

// RenderJSON renders d as indented JSON (the digest JSON of the README).
func RenderJSON(d *Digest) ([]byte, error) {
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("report: encode digest %s %s: %w", d.Unit, d.Period.Key, err)
	}
	return append(b, '\n'), nil
}

func render(w *writer, d *Digest, pr *i18n.Printer) {
	w.head(pr.T("digest.title", message.PeriodLabel(d.period, pr)))
	w.line(pr.T("digest.unit_as_of", d.UnitName, d.asOf.Format("15:04")+" "+message.FormatDate(plan.DateOf(d.asOf))))
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
	}
	judged := t.DoneOnTime + t.DoneLate + t.OpenOverdue
	if judged > 0 {
		w.head(pr.T("digest.rate", message.FormatRate(t.OnTimeRate, pr)))
	} else {
		w.line(pr.T("digest.rate_none"))
	}
	if d.Previous != nil {
		pt := d.Previous.Totals
		if pt.DoneOnTime+pt.DoneLate+pt.OpenOverdue > 0 {
			w.line(pr.T("digest.change", d.Previous.Key, message.FormatRate(pt.OnTimeRate, pr), message.FormatPoints(d.Change.OnTimeRate, pr)))
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
			w.line(pr.T("digest.overdue_item", i+1, message.Shorten(o.Title, message.MaxText), o.LeadName, o.DaysOverdue, o.Progress))
		}
	}

	if len(d.Targets) > 0 {
		w.blank()
		unmet := d.UnmetTargets()
		if len(unmet) == 0 {
			w.line(pr.T("digest.targets_ok", len(d.Targets)))
		} else {
			w.head(pr.T("digest.targets_head", len(unmet)))
			for i, tg := range unmet {
				if i == maxListed {
					w.line(pr.T("digest.more", len(unmet)-maxListed))
					break
				}
				actual := pr.T("digest.target_none")
				if tg.Actual != nil {
					actual = message.FormatValue(*tg.Actual, tg.Measure, pr)
				}
				w.line(pr.T("digest.target_item", message.Shorten(tg.Text, message.MaxText), actual, message.GoalText(tg.Goal, tg.Comparator, tg.Measure, pr)))
			}
		}
	}

	if len(d.ByOfficial) > 0 {
		w.blank()
		if len(d.MissingReports) == 0 {
			w.line(pr.T("digest.missing_none"))
		} else {
			w.head(pr.T("digest.missing_head", len(d.MissingReports)))
			for _, o := range d.ByOfficial {
				if !o.Reported {
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
}

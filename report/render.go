package report

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/tghtml"
)

// maxListed bounds the overdue tasks and unmet targets a rendered digest
// names; the rest are counted ("… và 3 mục khác").
const maxListed = 20

// FormatDate formats d the Vietnamese way, dd/mm/yyyy (30/06/2025).
func FormatDate(d plan.Date) string {
	return fmt.Sprintf("%02d/%02d/%04d", d.Day, int(d.Month), d.Year)
}

// PeriodLabel names the period p for people: "quý I/2025 (15/12/2024 –
// 14/03/2025)", "tuần 7/2025 (10/02/2025 – 16/02/2025)".
func PeriodLabel(p plan.Period, pr *i18n.Printer) string {
	from, to := FormatDate(p.From), FormatDate(p.To)
	year, _ := strconv.Atoi(p.Key[:min(4, len(p.Key))])
	index := 0
	if i := strings.LastIndexAny(p.Key, "-WQH"); i >= 0 && i+1 < len(p.Key) {
		index, _ = strconv.Atoi(p.Key[i+1:])
	}
	switch p.Kind {
	case plan.Week:
		return pr.T("digest.period.week", index, year, from, to)
	case plan.Month:
		return pr.T("digest.period.month", index, year, from, to)
	case plan.Quarter:
		q := strconv.Itoa(index)
		if pr.Lang() == i18n.VI && index >= 1 && index <= 4 {
			q = []string{"I", "II", "III", "IV"}[index-1]
		}
		return pr.T("digest.period.q", q, year, from, to)
	case plan.Half:
		if index == 2 {
			return pr.T("digest.period.h2", year, from, to)
		}
		return pr.T("digest.period.h1", year, from, to)
	case plan.Year:
		return pr.T("digest.period.year", year, from, to)
	}
	return p.Key
}

// FormatNumber formats v with the decimal separator of the printer's
// language (96,5 in Vietnamese, 96.5 in English) and no trailing zeros.
func FormatNumber(v float64, pr *i18n.Printer) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if pr.Lang() == i18n.VI {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// FormatRate formats a rate in [0, 1] as a percentage with one decimal:
// 0.8111 → "81,1%".
func FormatRate(rate float64, pr *i18n.Printer) string {
	return FormatNumber(math.Round(rate*1000)/10, pr) + "%"
}

// formatPoints formats a change of rate in percentage points with a sign:
// 0.056 → "+5,6".
func formatPoints(delta float64, pr *i18n.Printer) string {
	v := math.Round(delta*1000) / 10
	s := FormatNumber(math.Abs(v), pr)
	switch {
	case v > 0:
		return "+" + s
	case v < 0:
		return "−" + s
	}
	return "0"
}

// FormatValue formats a target value of the given measure: "96,5%", "12",
// "có".
func FormatValue(v float64, measure string, pr *i18n.Printer) string {
	switch plan.Measure(measure) {
	case plan.MeasurePercent:
		return FormatNumber(v, pr) + "%"
	case plan.MeasureYesNo:
		if v >= 1 {
			return pr.T("jobs.reading.yes")
		}
		return pr.T("jobs.reading.no")
	}
	return FormatNumber(v, pr)
}

// ComparatorSign returns the mathematical sign of a comparator: ≥, ≤, =, >, <.
func ComparatorSign(c string) string {
	switch plan.Comparator(c) {
	case plan.CmpGE:
		return "≥"
	case plan.CmpLE:
		return "≤"
	}
	return c
}

// GoalText formats a target's goal with its comparator: "≥ 90%", "≤ 5";
// a yes/no goal is just its value ("có").
func GoalText(goal float64, comparator, measure string, pr *i18n.Printer) string {
	v := FormatValue(goal, measure, pr)
	if plan.Measure(measure) == plan.MeasureYesNo {
		return v
	}
	return ComparatorSign(comparator) + " " + v
}

// maxText is the length, in characters, a task title or target text is cut
// to in a list.
const maxText = 120

// Shorten cuts s to at most n characters, ending it with "…" when cut, and
// drops a final full stop so that the text can be followed by more words.
func Shorten(s string, n int) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) > n {
		return strings.TrimRight(string(r[:n-1]), " ,.;:") + "…"
	}
	return strings.TrimRight(string(r), ".")
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
// split it with tghtml.Split.
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
	w.head(pr.T("digest.title", PeriodLabel(d.period, pr)))
	w.line(pr.T("digest.unit_as_of", d.UnitName, d.asOf.Format("15:04")+" "+FormatDate(plan.DateOf(d.asOf))))
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
		w.head(pr.T("digest.rate", FormatRate(t.OnTimeRate, pr)))
	} else {
		w.line(pr.T("digest.rate_none"))
	}
	if d.Previous != nil {
		pt := d.Previous.Totals
		if pt.DoneOnTime+pt.DoneLate+pt.OpenOverdue > 0 {
			w.line(pr.T("digest.change", d.Previous.Key, FormatRate(pt.OnTimeRate, pr), formatPoints(d.Change.OnTimeRate, pr)))
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
			w.line(pr.T("digest.overdue_item", i+1, Shorten(o.Title, maxText), o.LeadName, o.DaysOverdue, o.Progress))
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
					actual = FormatValue(*tg.Actual, tg.Measure, pr)
				}
				w.line(pr.T("digest.target_item", Shorten(tg.Text, maxText), actual, GoalText(tg.Goal, tg.Comparator, tg.Measure, pr)))
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

// Package message writes every text a person reads: reminders, nags,
// escalations, progress and reading requests, the bot's lists and
// confirmations, delivery notices and the digest, in Telegram HTML and
// plain text (the e-mail's body and subject). The words come from the
// i18n catalog; this package owns how they are put together (dates,
// numbers, periods, shortened titles, escaping) and its formatting helpers
// serve the chart and the workbook too. Callers decide what to say and
// pass plain data.
package message

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/plan"
)

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

// FormatPoints formats a change of rate in percentage points with a sign:
// 0.056 → "+5,6".
func FormatPoints(delta float64, pr *i18n.Printer) string {
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

// MaxText is the length, in characters, a task title or target text is cut
// to in a list.
const MaxText = 120

// Shorten cuts s to at most n characters, ending it with "…" when cut, and
// drops a final full stop so that the text can be followed by more words.
func Shorten(s string, n int) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) > n {
		return strings.TrimRight(string(r[:n-1]), " ,.;:") + "…"
	}
	return strings.TrimRight(string(r), ".")
}

// StatusName names a status: "Đang thực hiện quá hạn".
func StatusName(pr *i18n.Printer, s plan.Status) string {
	return pr.T(i18n.Key("status." + string(s)))
}

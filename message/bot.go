package message

import (
	"strconv"
	"strings"

	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/tghtml"
)

// maxListed bounds the tasks one /viec or /quahan message lists, and the
// overdue tasks and unmet targets a digest names (the rest are counted:
// "… và 3 mục khác").
const maxListed = 20

// ListedTask is one occurrence in the bot's list of an official's tasks.
type ListedTask struct {
	Title   string
	Due     plan.Date
	Percent int
	Status  plan.Status // now
	// OnBehalf is the name of the official on leave a stand-in lists the
	// task for; empty for one's own.
	OnBehalf string
}

// Tasks is the Telegram HTML list of an official's open occurrences (at
// least one): a header counting them all, the earliest due that fit in one
// message, a note counting the rest, and how to reply. shown is how many
// it lists, the first ones.
func Tasks(pr *i18n.Printer, tasks []ListedTask) (text string, shown int) {
	return list(pr, pr.T("bot.tasks_header", len(tasks)), len(tasks), func(i int) string {
		o := tasks[i]
		line := pr.T("bot.tasks_line", i+1, tghtml.Escape(Shorten(o.Title, MaxText)),
			FormatDate(o.Due), o.Percent, StatusName(pr, o.Status))
		if o.OnBehalf != "" {
			line += "\n<i>" + tghtml.Escape(pr.T("bot.tasks_on_behalf", o.OnBehalf)) + "</i>"
		}
		return line
	}, pr.T("bot.tasks_footer"))
}

// UnassignedTasks is the Telegram HTML list, for a department's head, of
// the open occurrences of the department's tasks assigned to nobody (at
// least one), with how to assign one. shown is how many it lists.
func UnassignedTasks(pr *i18n.Printer, tasks []ListedTask) (text string, shown int) {
	return list(pr, pr.T("bot.tasks_unassigned", len(tasks)), len(tasks), func(i int) string {
		o := tasks[i]
		return pr.T("bot.tasks_line", i+1, tghtml.Escape(Shorten(o.Title, MaxText)),
			FormatDate(o.Due), o.Percent, StatusName(pr, o.Status))
	}, pr.T("bot.tasks_unassigned_hint"))
}

// OverdueTask is one occurrence in the bot's list of overdue tasks.
type OverdueTask struct {
	Title       string
	LeadName    string
	Due         plan.Date
	DaysOverdue int
	Percent     int
}

// Overdue is the Telegram HTML list of overdue occurrences (at least one):
// the unit's when all is true (for the chairman and the office), else the
// official's own. shown is how many it lists, the first ones.
func Overdue(pr *i18n.Printer, all bool, tasks []OverdueTask) (text string, shown int) {
	header := i18n.Key("bot.overdue_header_mine")
	if all {
		header = "bot.overdue_header_all"
	}
	return list(pr, pr.T(header, len(tasks)), len(tasks), func(i int) string {
		o := tasks[i]
		return pr.T("bot.overdue_line", i+1, tghtml.Escape(Shorten(o.Title, MaxText)),
			tghtml.Escape(o.LeadName), FormatDate(o.Due), o.DaysOverdue, o.Percent)
	}, "")
}

// list renders a numbered list of total items as one Telegram message:
// header, then the lines line(0), line(1)… for as many items as fit (at
// most maxListed), then, when some are left out, the note counting them,
// then footer (when not empty) after a blank line. It returns the text and
// how many items it lists.
//
// One message, not several: a reply "2: 60%" maps back through the message
// it answers, and only the list's own message carries its Refs; a list
// split by the sender would leave its first part unanswerable.
func list(pr *i18n.Printer, header string, total int, line func(i int) string, footer string) (string, int) {
	if footer != "" {
		footer = "\n\n" + footer
	}
	var b tghtml.Builder
	b.WriteString(header)
	room := tghtml.MaxMessage - tghtml.Len(footer) // the footer always follows
	n := 0
	for ; n < total && n < maxListed; n++ {
		next := "\n" + line(n)
		rest := ""
		if n+1 < total {
			rest = "\n" + pr.T("bot.tasks_more", total-n-1)
		}
		if !b.Append(room, next, rest) {
			break
		}
	}
	if n < total {
		b.WriteString("\n" + pr.T("bot.tasks_more", total-n))
	}
	b.WriteString(footer)
	return b.String(), n
}

// PickNumber asks which of the numbered tasks titles a reply to a list
// meant.
func PickNumber(pr *i18n.Printer, titles []string) string {
	lines := make([]string, 0, len(titles))
	for i, title := range titles {
		lines = append(lines, strconv.Itoa(i+1)+". "+tghtml.Escape(title))
	}
	return pr.T("bot.reply_pick_number", strings.Join(lines, "\n"))
}

// Progress is what a progress report changed on an occurrence, for its
// confirmation.
type Progress struct {
	Title   string
	Due     plan.Date
	Status  plan.Status // after the report
	Percent int         // of the occurrence after the report
	WasDone bool        // the occurrence was already done: nothing changed
	// What the report said.
	Done         bool
	HasPercent   bool
	Reported     int // the reported percent, when HasPercent
	Note         string
	EvidenceKind string // "photo", "document" or empty
}

// ProgressConfirmation is the Telegram HTML reply confirming a progress
// report.
func ProgressConfirmation(pr *i18n.Printer, p Progress) string {
	title, due := tghtml.Escape(p.Title), FormatDate(p.Due)
	status := StatusName(pr, p.Status)
	var text string
	switch {
	case p.WasDone:
		text = pr.T("bot.progress_already_done", title)
	case p.Done:
		text = pr.T("bot.progress_done", title, due, status)
	case p.HasPercent:
		text = pr.T("bot.progress_percent", title, due, p.Reported, status)
	default:
		text = pr.T("bot.progress_note", title, due, p.Percent, status)
	}
	if p.Note != "" {
		text += "\n" + pr.T("bot.progress_note_line", tghtml.Escape(p.Note))
	}
	if p.EvidenceKind != "" {
		text += "\n" + pr.T("bot.progress_evidence", pr.T(i18n.Key("bot.evidence_"+p.EvidenceKind)))
	}
	return text
}

// Missing is the Telegram HTML list of the officials (by name) who have
// not reported in period p, or the note that everyone has.
func Missing(pr *i18n.Printer, p plan.Period, names []string) string {
	label := PeriodLabel(p, pr)
	if len(names) == 0 {
		return pr.T("bot.missing_none", tghtml.Escape(label))
	}
	var b strings.Builder
	b.WriteString(pr.T("bot.missing_header", tghtml.Escape(label), len(names)))
	for _, name := range names {
		b.WriteString("\n• " + tghtml.Escape(name))
	}
	return b.String()
}

// TargetGoal formats a target's goal with its comparator's sign, as the
// bot shows it: "≥ 90%".
func TargetGoal(pr *i18n.Printer, goal float64, comparator, measure string) string {
	return ComparatorSign(comparator) + " " + FormatValue(goal, measure, pr)
}

// ReadingRecorded is the Telegram HTML reply confirming the reading value
// of a target (text, goal, comparator, measure) for period p, and whether
// it meets the goal.
func ReadingRecorded(pr *i18n.Printer, text string, goal float64, comparator, measure string, p plan.Period, value float64, j plan.Judgement) string {
	verdict := JudgementLabel(j, pr)
	return pr.T("bot.report_recorded", tghtml.Escape(text), tghtml.Escape(PeriodLabel(p, pr)),
		FormatValue(value, measure, pr), TargetGoal(pr, goal, comparator, measure), verdict)
}

// OwnedTarget is one target in the list /baocao offers its owner.
type OwnedTarget struct {
	Text       string
	Goal       float64
	Comparator string
	Measure    string
	PeriodKey  string // the period a reading would now be for
	Latest     *Reading
}

// Reading is a recorded reading of a target: its value and period.
type Reading struct {
	Value     float64
	PeriodKey string
}

// ChooseTarget is the Telegram HTML list of the official's targets, each
// with its goal, the period to report and its latest reading, asking which
// one to report.
func ChooseTarget(pr *i18n.Printer, targets []OwnedTarget) string {
	lines := make([]string, 0, len(targets))
	for i, tg := range targets {
		latest := pr.T("bot.report_no_reading")
		if tg.Latest != nil {
			latest = pr.T("bot.report_latest", FormatValue(tg.Latest.Value, tg.Measure, pr)+" ("+tg.Latest.PeriodKey+")")
		}
		lines = append(lines, pr.T("bot.report_target_line", i+1, tghtml.Escape(tg.Text),
			TargetGoal(pr, tg.Goal, tg.Comparator, tg.Measure), tg.PeriodKey, latest))
	}
	return pr.T("bot.report_choose", strings.Join(lines, "\n"))
}

// HTML is text that already is Telegram HTML (a catalog hint with <code>):
// Say uses it as it is.
type HTML string

// Say is one of the bot's one-sentence replies: the catalog's text for key
// with its string arguments escaped for Telegram HTML, so that a name or a
// title can never break the markup. HTML and other arguments (numbers) are
// used as they are. The bot decides which sentence to say; Say writes it.
func Say(pr *i18n.Printer, key i18n.Key, args ...any) string {
	escaped := make([]any, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case string:
			a = tghtml.Escape(v)
		case HTML:
			a = string(v)
		}
		escaped[i] = a
	}
	return pr.T(key, escaped...)
}

package message

import (
	"strings"
	"unicode/utf8"

	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/tghtml"
)

// Task is what a reminder, a nag or an escalation says about one open
// occurrence of a task.
type Task struct {
	Title    string
	Due      plan.Date
	Status   plan.Status // at the time of sending
	Percent  int
	LeadName string
	// Department is the name of the lead department the recipient
	// answers for (AsAssignee, AsUnassignedHead); empty otherwise.
	Department string
	// Departments are the lead departments, with their heads and
	// assignees, an escalation names.
	Departments []DepartmentLine
}

// DepartmentLine is a lead department as an escalation names it: its head
// and the assignee ("" when the task is unassigned).
type DepartmentLine struct {
	Name     string
	Head     string
	Assignee string
}

// Recipient is the capacity in which a reminder or nag reaches a person.
type Recipient int

// The capacities of a reminder's recipient.
const (
	AsLead           Recipient = iota // an official lead
	AsSupport                         // a supporting official or department head
	AsAssignee                        // the assignee of a department's task
	AsUnassignedHead                  // the head of a department whose task is unassigned
	AsPartner                         // a partner body, reminded once
)

// LastReport is the latest progress report on an occurrence: the day it
// was given and, when given, its percent and note.
type LastReport struct {
	Day     plan.Date
	Percent *int
	Note    *string
}

// Reminder is the Telegram HTML reminder of t sent days before its due
// date (0: due today), to its lead when lead is true, else to a supporter.
func Reminder(pr *i18n.Printer, t Task, days int, lead bool) string {
	return teamMessage(pr, dueHead(pr, days), t, asOf(lead))
}

// ReminderTo is Reminder to a recipient in the capacity as.
func ReminderTo(pr *i18n.Printer, t Task, days int, as Recipient) string {
	return teamMessage(pr, dueHead(pr, days), t, as)
}

// NagTo is Nag to a recipient in the capacity as.
func NagTo(pr *i18n.Printer, t Task, daysOverdue int, as Recipient) string {
	return teamMessage(pr, pr.T("jobs.nag.head", daysOverdue), t, as)
}

// asOf is the capacity of a lead (true) or a supporter.
func asOf(lead bool) Recipient {
	if lead {
		return AsLead
	}
	return AsSupport
}

// Nag is the Telegram HTML reminder of t sent while it is daysOverdue days
// overdue, to its lead when lead is true, else to a supporter.
func Nag(pr *i18n.Printer, t Task, daysOverdue int, lead bool) string {
	return teamMessage(pr, pr.T("jobs.nag.head", daysOverdue), t, asOf(lead))
}

// teamMessage is a reminder or a nag under head.
func teamMessage(pr *i18n.Printer, head string, t Task, as Recipient) string {
	var b strings.Builder
	b.WriteString("<b>" + tghtml.Escape(head) + "</b>\n")
	b.WriteString(tghtml.Escape(pr.T("jobs.task.title", reminderTitle(t.Title))) + "\n")
	b.WriteString(tghtml.Escape(pr.T("jobs.task.due", FormatDate(t.Due))) + "\n")
	b.WriteString(tghtml.Escape(pr.T("jobs.task.status", StatusName(pr, t.Status), t.Percent)) + "\n")
	switch as {
	case AsLead:
		b.WriteString(tghtml.Escape(pr.T("jobs.task.as_lead")) + "\n")
	case AsAssignee:
		b.WriteString(tghtml.Escape(pr.T("jobs.task.as_assignee", t.Department)) + "\n")
	case AsUnassignedHead:
		b.WriteString(tghtml.Escape(pr.T("jobs.task.as_lead")) + "\n")
		b.WriteString(tghtml.Escape(pr.T("jobs.task.unassigned", t.Department)) + "\n")
	case AsPartner:
		b.WriteString(tghtml.Escape(pr.T("jobs.task.as_partner", t.LeadName)) + "\n")
	default:
		b.WriteString(tghtml.Escape(pr.T("jobs.task.as_support", t.LeadName)) + "\n")
	}
	b.WriteString("<i>" + tghtml.Escape(pr.T("jobs.remind.hint")) + "</i>")
	return b.String()
}

// Escalation is the Telegram HTML message telling a chairman or an office
// official that t is daysOverdue days overdue: the task, the lead, the
// days overdue and last, the latest progress report (nil when none).
func Escalation(pr *i18n.Printer, t Task, daysOverdue int, last *LastReport) string {
	return EscalationTo(pr, t, daysOverdue, last, false)
}

// EscalationTo is Escalation, headed for the area's supervisor when
// supervisor is true; each of t.Departments is named with its head and
// assignee.
func EscalationTo(pr *i18n.Printer, t Task, daysOverdue int, last *LastReport, supervisor bool) string {
	var b strings.Builder
	head := pr.T("jobs.escalate.head")
	if supervisor {
		head = pr.T("jobs.escalate.head_supervisor")
	}
	b.WriteString("<b>" + tghtml.Escape(head) + "</b>\n")
	b.WriteString(tghtml.Escape(pr.T("jobs.task.title", reminderTitle(t.Title))) + "\n")
	b.WriteString(tghtml.Escape(pr.T("jobs.escalate.lead", t.LeadName)) + "\n")
	for _, d := range t.Departments {
		assignee := d.Assignee
		if assignee == "" {
			assignee = pr.T("jobs.escalate.nobody")
		}
		b.WriteString(tghtml.Escape(pr.T("jobs.escalate.department", d.Name, d.Head, assignee)) + "\n")
	}
	b.WriteString(tghtml.Escape(pr.T("jobs.escalate.overdue", FormatDate(t.Due), daysOverdue)) + "\n")
	b.WriteString(tghtml.Escape(pr.T("jobs.task.status", StatusName(pr, plan.OpenOverdue), t.Percent)) + "\n")
	b.WriteString(tghtml.Escape(lastReportLine(pr, last)))
	return b.String()
}

// maxReminderTitle is the longest task title, in characters, a reminder,
// nag or escalation shows whole: a longer one is cut ("…") so that the
// message stays one Telegram message (4,096 characters), the one a reply
// refers to.
const maxReminderTitle = 1000

// reminderTitle is title, cut to maxReminderTitle characters.
func reminderTitle(title string) string {
	if utf8.RuneCountInString(title) <= maxReminderTitle {
		return title
	}
	return Shorten(title, maxReminderTitle)
}

// dueHead is the heading of a reminder days before the due date.
func dueHead(pr *i18n.Printer, days int) string {
	switch days {
	case 0:
		return pr.T("jobs.remind.due_today")
	case 1:
		return pr.T("jobs.remind.due_1")
	}
	return pr.T("jobs.remind.due_in", days)
}

// lastReportLine describes the latest progress report, or says there is
// none ("chưa có báo cáo").
func lastReportLine(pr *i18n.Printer, last *LastReport) string {
	if last == nil {
		return pr.T("jobs.escalate.no_report")
	}
	var parts []string
	if last.Percent != nil {
		parts = append(parts, pr.T("jobs.progress_text", *last.Percent))
	}
	if last.Note != nil && *last.Note != "" {
		parts = append(parts, *last.Note)
	}
	return pr.T("jobs.escalate.last", FormatDate(last.Day), strings.Join(parts, " — "))
}

// ProgressItem is one open occurrence in a weekly progress request.
type ProgressItem struct {
	Title   string
	Due     plan.Date
	Percent int
	Overdue bool // due before the day of the request
	Ongoing bool // an ongoing task (thường xuyên): no deadline to show
}

// ProgressRequest is the Telegram HTML request for progress on items in
// the week: one numbered line each, as many as fit in one Telegram
// message, then a count of the rest. shown is how many items it lists,
// the first ones.
func ProgressRequest(pr *i18n.Printer, week plan.Period, items []ProgressItem) (text string, shown int) {
	var b tghtml.Builder
	b.WriteString("<b>" + tghtml.Escape(pr.T("jobs.progress.head", PeriodLabel(week, pr))) + "</b>\n")
	b.WriteString(tghtml.Escape(pr.T("jobs.progress.intro", len(items))) + "\n")
	hint := "<i>" + tghtml.Escape(pr.T("jobs.progress.hint")) + "</i>"
	room := tghtml.MaxMessage - tghtml.Len(hint) // the closing line always follows
	for i, it := range items {
		item := i18n.Key("jobs.progress.item")
		if it.Overdue {
			item = "jobs.progress.item_overdue"
		}
		line := tghtml.Escape(pr.T(item, i+1, Shorten(it.Title, MaxText), FormatDate(it.Due), it.Percent)) + "\n"
		if it.Ongoing {
			line = tghtml.Escape(pr.T("jobs.progress.item_ongoing", i+1, Shorten(it.Title, MaxText), it.Percent)) + "\n"
		}
		more := tghtml.Escape(pr.T("jobs.progress.more", len(items)-i)) + "\n"
		if !b.Append(room, line, more) {
			b.WriteString(more)
			break
		}
		shown++
	}
	b.WriteString(hint)
	return b.String(), shown
}

// ReadingRequest is the Telegram HTML request for the reading of a target
// (its text, goal, comparator and measure) for period p.
func ReadingRequest(pr *i18n.Printer, text string, goal float64, comparator, measure string, p plan.Period) string {
	hint := i18n.Key("jobs.reading.hint_number")
	if plan.Measure(measure) == plan.MeasureYesNo {
		hint = "jobs.reading.hint_yesno"
	}
	var b strings.Builder
	b.WriteString("<b>" + tghtml.Escape(pr.T("jobs.reading.head")) + "</b>\n")
	b.WriteString(tghtml.Escape(pr.T("jobs.reading.target", text)) + "\n")
	b.WriteString(tghtml.Escape(pr.T("jobs.reading.goal", GoalText(goal, comparator, measure, pr))) + "\n")
	b.WriteString(tghtml.Escape(pr.T("jobs.reading.period", PeriodLabel(p, pr))) + "\n")
	b.WriteString("<i>" + tghtml.Escape(pr.T(hint)) + "</i>")
	return b.String()
}

// DigestCaption is the short text that goes with the chart and workbook of
// the digest of unitName for period p, and the subject of its e-mail.
func DigestCaption(pr *i18n.Printer, p plan.Period, unitName string) string {
	return pr.T("digest.title", PeriodLabel(p, pr)) + " — " + unitName
}

// OnBehalf is the Telegram HTML line heading a message sent to a stand-in
// for the official name, on leave until to: "Thay đồng chí … (nghỉ phép
// đến dd/mm/yyyy)".
func OnBehalf(pr *i18n.Printer, name string, to plan.Date) string {
	return "<i>" + tghtml.Escape(pr.T("jobs.leave.on_behalf", name, FormatDate(to))) + "</i>"
}

package message

import (
	"strings"

	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/tghtml"
)

// BriefGroup is the group of a morning brief an item is listed under.
type BriefGroup int

// The groups of a brief, most urgent first.
const (
	BriefOverdue  BriefGroup = iota // quá hạn
	BriefDueToday                   // đến hạn hôm nay
	BriefDueSoon                    // sắp đến hạn
)

// BriefItem is one occurrence in an official's morning brief.
type BriefItem struct {
	Task Task
	// Days is the days until the due date (0: due today); Overdue the
	// days past it, when Days is negative.
	Days    int
	Overdue int
	As      Recipient
	// OnBehalf is the line (Telegram HTML, OnBehalf) marking an item sent
	// to a stand-in for an official on leave; empty for the official's own.
	OnBehalf string
}

// Group is the group the item is listed under.
func (it BriefItem) Group() BriefGroup {
	switch {
	case it.Days < 0:
		return BriefOverdue
	case it.Days == 0:
		return BriefDueToday
	}
	return BriefDueSoon
}

// Brief is the Telegram HTML morning brief listing items, already in
// order (by group, most urgent first, then as the unit lists them),
// numbered 1., 2., … across the groups, in at most limit characters
// (tghtml.Len; 0: one Telegram message): the items that fit in full,
// then a count of the rest with a pointer to /viec. shown is how many
// items it lists, the first ones.
func Brief(pr *i18n.Printer, items []BriefItem, limit int) (text string, shown int) {
	return brief(pr, items, limit, "jobs.brief.hint")
}

// TypedBrief is Brief for a channel without buttons and replies (Zalo):
// its last line says what to type instead ("2 xong", "2 hoãn", …).
func TypedBrief(pr *i18n.Printer, items []BriefItem, limit int) (text string, shown int) {
	return brief(pr, items, limit, "jobs.brief.hint_typed")
}

// brief writes Brief with the closing line hintKey.
func brief(pr *i18n.Printer, items []BriefItem, limit int, hintKey i18n.Key) (text string, shown int) {
	if limit <= 0 {
		limit = tghtml.MaxMessage
	}
	var b tghtml.Builder
	b.WriteString("<b>" + tghtml.Escape(pr.T("jobs.brief.head", len(items))) + "</b>\n")
	hint := "<i>" + tghtml.Escape(pr.T(hintKey)) + "</i>"
	room := limit - tghtml.Len("\n"+hint) // the closing line always follows
	group := BriefGroup(-1)
	for i, it := range items {
		var part strings.Builder
		if g := it.Group(); g != group {
			part.WriteString("\n<b>" + tghtml.Escape(pr.T(groupKey(g))) + "</b>\n")
		}
		part.WriteString(briefLine(pr, i+1, it))
		more := "\n" + tghtml.Escape(pr.T("jobs.brief.more", len(items)-i)) + "\n"
		if !b.Append(room, part.String(), more) {
			b.WriteString(more)
			break
		}
		group = it.Group()
		shown++
	}
	b.WriteString("\n" + hint)
	return b.String(), shown
}

// groupKey is the heading of a brief's group.
func groupKey(g BriefGroup) i18n.Key {
	switch g {
	case BriefOverdue:
		return "jobs.brief.overdue"
	case BriefDueToday:
		return "jobs.brief.due_today"
	}
	return "jobs.brief.due_soon"
}

// briefLine is item n of a brief: the task, its due date, its progress,
// the capacity the recipient has when not the lead, and the stand-in mark.
func briefLine(pr *i18n.Printer, n int, it BriefItem) string {
	t := it.Task
	title := Shorten(t.Title, MaxText)
	var line string
	switch it.Group() {
	case BriefOverdue:
		line = pr.T("jobs.brief.item_overdue", n, title, FormatDate(t.Due), it.Overdue, t.Percent)
	case BriefDueToday:
		line = pr.T("jobs.brief.item_today", n, title, FormatDate(t.Due), t.Percent)
	default:
		line = pr.T("jobs.brief.item_soon", n, title, FormatDate(t.Due), it.Days, t.Percent)
	}
	out := tghtml.Escape(line) + "\n"
	var as string
	switch it.As {
	case AsSupport:
		as = pr.T("jobs.brief.as_support", t.LeadName)
	case AsPartner:
		as = pr.T("jobs.brief.as_partner", t.LeadName)
	case AsAssignee:
		as = pr.T("jobs.brief.as_assignee", t.Department)
	case AsUnassignedHead:
		as = pr.T("jobs.brief.as_unassigned", t.Department)
	}
	if as != "" {
		out += "    " + tghtml.Escape(as) + "\n"
	}
	if it.OnBehalf != "" {
		out += "    " + it.OnBehalf + "\n"
	}
	return out
}

// EscalationItem is one overdue occurrence in an escalation listing
// several.
type EscalationItem struct {
	Task    Task
	Overdue int
	Last    *LastReport
	// OnBehalf marks an item sent to a stand-in, as BriefItem.OnBehalf.
	OnBehalf string
}

// EscalationBrief is the Telegram HTML escalation listing items, numbered,
// to one recipient (worded for the area's supervisor when supervisor is
// true), in at most limit characters as Brief; shown is how many it lists.
func EscalationBrief(pr *i18n.Printer, items []EscalationItem, supervisor bool, limit int) (text string, shown int) {
	if limit <= 0 {
		limit = tghtml.MaxMessage
	}
	head := i18n.Key("jobs.brief.escalate_head")
	if supervisor {
		head = "jobs.brief.escalate_head_supervisor"
	}
	var b tghtml.Builder
	b.WriteString("<b>" + tghtml.Escape(pr.T(head, len(items))) + "</b>\n")
	for i, it := range items {
		t := it.Task
		part := tghtml.Escape(pr.T("jobs.brief.escalate_item", i+1, Shorten(t.Title, MaxText), t.LeadName,
			FormatDate(t.Due), it.Overdue, t.Percent)) + "\n"
		for _, d := range t.Departments {
			assignee := d.Assignee
			if assignee == "" {
				assignee = pr.T("jobs.escalate.nobody")
			}
			part += "    " + tghtml.Escape(pr.T("jobs.escalate.department", d.Name, d.Head, assignee)) + "\n"
		}
		part += "    " + tghtml.Escape(lastReportLine(pr, it.Last)) + "\n"
		if it.OnBehalf != "" {
			part += "    " + it.OnBehalf + "\n"
		}
		more := tghtml.Escape(pr.T("jobs.brief.more", len(items)-i))
		if !b.Append(limit, part, more) {
			b.WriteString(more)
			return b.String(), shown
		}
		shown++
	}
	return strings.TrimSuffix(b.String(), "\n"), shown
}

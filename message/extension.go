package message

import (
	"strings"
	"time"

	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/tghtml"
)

// ExtensionAsk is what the approver's message about an extension request
// names.
type ExtensionAsk struct {
	Title      string
	Lead       string
	CurrentDue plan.Date
	Requested  plan.Date
	Reason     string
	Requester  string
	// For names the official on leave the approver stands in for; empty
	// when the approver decides in their own right.
	For string
}

// ExtensionRequest is the approver's message: the task, its lead, the
// dates, the reason and the requester (Telegram HTML).
func ExtensionRequest(pr *i18n.Printer, a ExtensionAsk) string {
	reason := a.Reason
	if strings.TrimSpace(reason) == "" {
		reason = pr.T("bot.ext.no_reason")
	}
	text := Say(pr, "bot.ext.ask", Shorten(a.Title, MaxText), a.Lead, FormatDate(a.CurrentDue),
		FormatDate(a.Requested), reason, a.Requester)
	if a.For != "" {
		text += "\n" + Say(pr, "bot.ext.ask_for", a.For)
	}
	return text
}

// ExtensionSent confirms to the requester that the request went to the
// approver; replaced is the requested date of the pending request it
// replaced, nil when none.
func ExtensionSent(pr *i18n.Printer, title string, requested, due plan.Date, approver string, replaced *plan.Date) string {
	text := Say(pr, "bot.ext.sent", Shorten(title, MaxText), FormatDate(requested), FormatDate(due), approver)
	if replaced != nil {
		text += "\n" + Say(pr, "bot.ext.sent_replaced", FormatDate(*replaced))
	}
	return text
}

// ExtensionApproved tells the requester and the leads that the approver
// moved the due date to due (the requested date, rolled to a working day
// when it was not one), from original.
func ExtensionApproved(pr *i18n.Printer, approver, title string, requested, due, original plan.Date) string {
	text := Say(pr, "bot.ext.approved", approver, Shorten(title, MaxText), FormatDate(due), FormatDate(original))
	if due != requested {
		text += "\n" + Say(pr, "bot.ext.rolled", FormatDate(requested))
	}
	return text
}

// ExtensionRejected tells the requester and the leads that the approver
// rejected the request: the due date stays due.
func ExtensionRejected(pr *i18n.Printer, approver, title string, requested, due plan.Date) string {
	return Say(pr, "bot.ext.rejected", approver, Shorten(title, MaxText), FormatDate(requested), FormatDate(due))
}

// ExtensionStatus names a request's status (store.Extension*).
func ExtensionStatus(pr *i18n.Printer, status string) string {
	return pr.T(i18n.Key("ext.status." + status))
}

// ExtendedTo is the mark of an extended task in a digest's text:
// "(gia hạn đến 15/07/2025)".
func ExtendedTo(pr *i18n.Printer, due plan.Date) string {
	return pr.T("ext.extended_to", FormatDate(due))
}

// DetailOccurrence is one occurrence of a task's detail (/viec KEY).
type DetailOccurrence struct {
	Key     string
	Due     plan.Date
	Status  plan.Status
	Percent int
	// OriginalDue is the plan's due date of an extended occurrence.
	OriginalDue *plan.Date
	Progress    []DetailProgress
	Extensions  []DetailExtension
}

// DetailProgress is one progress report of a task's detail.
type DetailProgress struct {
	At   time.Time
	Who  string
	What string // "60%", "✅", with the note
}

// DetailExtension is one extension request of a task's detail.
type DetailExtension struct {
	At        time.Time
	Requester string
	From, To  plan.Date
	Reason    string
	Status    string // store.Extension*
	DecidedBy string
	DecidedAt *time.Time
}

// TaskDetail is the detail of a task (/viec KEY): its occurrences with
// their progress and extension history, in loc's time (Telegram HTML).
func TaskDetail(pr *i18n.Printer, title, key, lead string, occs []DetailOccurrence, loc *time.Location) string {
	var b strings.Builder
	b.WriteString(Say(pr, "bot.detail.head", Shorten(title, MaxText), key, lead))
	at := func(t time.Time) string { return t.In(loc).Format("15:04 02/01/2006") }
	for _, o := range occs {
		due := FormatDate(o.Due)
		if o.OriginalDue != nil {
			due = FormatDate(*o.OriginalDue) + " " + ExtendedTo(pr, o.Due)
		}
		b.WriteString("\n\n" + pr.T("bot.detail.occurrence", tghtml.Escape(o.Key), due, StatusName(pr, o.Status), o.Percent))
		b.WriteString("\n" + pr.T("bot.detail.progress_head"))
		if len(o.Progress) == 0 {
			b.WriteString("\n" + pr.T("bot.detail.none"))
		}
		for _, p := range o.Progress {
			b.WriteString("\n" + Say(pr, "bot.detail.progress", at(p.At), p.Who, Shorten(p.What, 200)))
		}
		b.WriteString("\n" + pr.T("bot.detail.extension_head"))
		if len(o.Extensions) == 0 {
			b.WriteString("\n" + pr.T("bot.detail.none"))
		}
		for _, e := range o.Extensions {
			status := ExtensionStatus(pr, e.Status)
			if e.DecidedAt != nil {
				status += " " + pr.T("bot.detail.decision", tghtml.Escape(e.DecidedBy), at(*e.DecidedAt))
			}
			reason := e.Reason
			if strings.TrimSpace(reason) == "" {
				reason = pr.T("bot.ext.no_reason")
			}
			b.WriteString("\n" + pr.T("bot.detail.extension", at(e.At), tghtml.Escape(e.Requester),
				FormatDate(e.From), FormatDate(e.To), tghtml.Escape(Shorten(reason, 200)), status))
		}
	}
	return b.String()
}

package jobs

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/nhacviec/nhacviec/callback"
	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/message"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/tghtml"
)

// remind decides, for the run's local date D in each unit, the deadline
// reminders (D is reminders.before_days calendar days before an open
// occurrence's due date), the overdue nags (every
// reminders.overdue_every_days working days past due) and the escalations
// to the chairman and office officials (once per occurrence, when it is
// reminders.escalate_after_days working days overdue). Nothing is sent on
// a non-working day unless reminders.on_non_working_days; nags never are.
//
// The run's transaction writes the decisions, one remind batch per unit,
// with the run's claim; FanOut then turns the batches into outbox messages
// (see fanout.go). The decisions read one row per open occurrence due by
// the furthest reminder and write one row per unit, so the run's
// transaction stays short whatever the number of messages.
func (s *Scheduler) remind(ctx context.Context, r *runState) error {
	units, err := s.units(ctx)
	if err != nil {
		return err
	}
	rc := s.cfg.Reminders
	maxBefore := slices.Max(append([]int{0}, rc.BeforeDays...))
	// The units reminded today, each on its own local date; the open
	// occurrences of all of them are read in one query, through the latest
	// of their horizons, and each unit keeps those within its own.
	type unitDay struct {
		day     plan.Date
		workday bool
	}
	days := make(map[int64]unitDay, len(units))
	var through plan.Date
	for _, u := range units {
		day := plan.DateIn(r.at, u.loc)
		workday := s.cal.IsWorkday(day)
		if !workday && !rc.OnNonWorkingDays {
			continue
		}
		days[u.ID] = unitDay{day: day, workday: workday}
		if last := day.AddDays(maxBefore); through.IsZero() || last.After(through) {
			through = last
		}
	}
	if len(days) == 0 {
		return nil
	}
	open, err := store.OpenDueThrough(ctx, r.tx, through)
	if err != nil {
		return err
	}

	var batches []store.RemindBatch
	var cur *store.RemindBatch
	for _, occ := range open {
		u, ok := days[occ.UnitID]
		if !ok || occ.Due.After(u.day.AddDays(maxBefore)) {
			continue
		}
		d := store.RemindDecision{OccurrenceID: occ.ID}
		if until := u.day.DaysUntil(occ.Due); until >= 0 {
			if !slices.Contains(rc.BeforeDays, until) {
				continue
			}
			d.Kind, d.Prefix = "reminder", fmt.Sprintf("remind:%d:%d", occ.ID, until)
		} else {
			overdue := s.cal.WorkdaysBetween(occ.Due, u.day)
			if u.workday && rc.OverdueEveryDays > 0 && overdue > 0 && overdue%rc.OverdueEveryDays == 0 {
				d.Kind, d.Prefix = "nag", fmt.Sprintf("nag:%d:%s", occ.ID, u.day)
			}
			d.Escalate = !occ.Escalated && rc.EscalateAfterDays > 0 && overdue >= rc.EscalateAfterDays
			if d.Kind == "" && !d.Escalate {
				continue
			}
		}
		if cur == nil || cur.UnitID != occ.UnitID {
			batches = append(batches, store.RemindBatch{UnitID: occ.UnitID, RunAt: r.at, DecidedAt: r.now, Day: u.day})
			cur = &batches[len(batches)-1]
		}
		cur.Decisions = append(cur.Decisions, d)
	}
	n, err := store.InsertRemindBatches(ctx, r.tx, r.jobRunID, batches)
	r.batches += n
	return err
}

// reminder builds the messages about one open occurrence.
type reminder struct {
	s        *Scheduler
	at       time.Time // the run's scheduled instant
	unlinked *int      // recipients left out for having no linked chat
	unit     unitZone
	occ      store.OpenOccurrence
	byID     map[int64]store.Official
	signer   *callback.Signer
	day      plan.Date
}

// team returns the lead and, with reminders.notify_support, the supporting
// officials, as ids.
func (m reminder) team() []int64 {
	ids := []int64{m.occ.LeadID}
	if m.s.cfg.Reminders.NotifySupport {
		for _, id := range m.occ.SupporterIDs {
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	return ids
}

// toTeam appends to out a reminder or a nag to the lead and the
// supporters, each with the inline keyboard of the occurrence; keyPrefix +
// ":<official>" is the dedupe key.
func (m reminder) toTeam(out []store.OutMessage, kind, keyPrefix string) []store.OutMessage {
	for _, id := range m.team() {
		o, ok := m.byID[id]
		if !ok {
			continue // archived
		}
		if !o.Linked() {
			*m.unlinked++
			continue
		}
		pr := m.s.printer(o)
		var head string
		if kind == "nag" {
			head = pr.T("jobs.nag.head", plan.DaysOverdue(m.occ.Due, m.at, m.unit.loc))
		} else {
			head = dueHead(pr, m.day.DaysUntil(m.occ.Due))
		}
		var b strings.Builder
		b.WriteString("<b>" + tghtml.Escape(head) + "</b>\n")
		m.taskLines(&b, pr)
		if id == m.occ.LeadID {
			b.WriteString(tghtml.Escape(pr.T("jobs.task.as_lead")) + "\n")
		} else {
			b.WriteString(tghtml.Escape(pr.T("jobs.task.as_support", m.occ.LeadName)) + "\n")
		}
		b.WriteString("<i>" + tghtml.Escape(pr.T("jobs.remind.hint")) + "</i>")
		out = append(out, store.OutMessage{
			UnitID:       int64p(m.unit.ID),
			OfficialID:   int64p(o.ID),
			ChatID:       *o.TelegramChatID,
			DedupeKey:    fmt.Sprintf("%s:%d", keyPrefix, o.ID),
			Kind:         kind,
			OccurrenceID: int64p(m.occ.ID),
			Payload: store.Payload{
				Text:    b.String(),
				Buttons: callback.Keyboard(m.signer, pr, m.occ.ID, *o.TelegramChatID),
			},
		})
	}
	return out
}

// taskLines writes the task's title, due date, status and percent.
func (m reminder) taskLines(b *strings.Builder, pr *i18n.Printer) {
	status := plan.StatusAt(m.occ.Due, nil, m.at, m.unit.loc)
	b.WriteString(tghtml.Escape(pr.T("jobs.task.title", reminderTitle(m.occ.TaskTitle))) + "\n")
	b.WriteString(tghtml.Escape(pr.T("jobs.task.due", message.FormatDate(m.occ.Due))) + "\n")
	b.WriteString(tghtml.Escape(pr.T("jobs.task.status", pr.T(i18n.Key("status."+string(status))), m.occ.Percent)) + "\n")
}

// escalate appends to out the messages that tell every chairman and
// office official of the unit, once per occurrence (by dedupe key), that
// the occurrence is overdue: the task, the lead, the days overdue and the
// last progress report.
func (m reminder) escalate(out []store.OutMessage, managers []store.Official) []store.OutMessage {
	for _, o := range managers {
		if !o.Linked() {
			*m.unlinked++
			continue
		}
		pr := m.s.printer(o)
		var b strings.Builder
		b.WriteString("<b>" + tghtml.Escape(pr.T("jobs.escalate.head")) + "</b>\n")
		b.WriteString(tghtml.Escape(pr.T("jobs.task.title", reminderTitle(m.occ.TaskTitle))) + "\n")
		b.WriteString(tghtml.Escape(pr.T("jobs.escalate.lead", m.occ.LeadName)) + "\n")
		b.WriteString(tghtml.Escape(pr.T("jobs.escalate.overdue", message.FormatDate(m.occ.Due),
			plan.DaysOverdue(m.occ.Due, m.at, m.unit.loc))) + "\n")
		b.WriteString(tghtml.Escape(pr.T("jobs.task.status", pr.T(i18n.Key("status."+string(plan.OpenOverdue))), m.occ.Percent)) + "\n")
		b.WriteString(tghtml.Escape(lastReportLine(pr, m.occ, m.unit.loc)))
		out = append(out, store.OutMessage{
			UnitID:       int64p(m.unit.ID),
			OfficialID:   int64p(o.ID),
			ChatID:       *o.TelegramChatID,
			DedupeKey:    fmt.Sprintf("escalate:%d:%d", m.occ.ID, o.ID),
			Kind:         "escalation",
			OccurrenceID: int64p(m.occ.ID),
			Payload:      store.Payload{Text: b.String()},
		})
	}
	return out
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
	return message.Shorten(title, maxReminderTitle)
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

// lastReportLine describes the latest progress report of occ, or says
// there is none ("chưa có báo cáo").
func lastReportLine(pr *i18n.Printer, occ store.OpenOccurrence, loc *time.Location) string {
	if occ.LastReportedAt == nil {
		return pr.T("jobs.escalate.no_report")
	}
	var parts []string
	if occ.LastPercent != nil {
		parts = append(parts, pr.T("jobs.progress_text", *occ.LastPercent))
	}
	if occ.LastNote != nil && *occ.LastNote != "" {
		parts = append(parts, *occ.LastNote)
	}
	return pr.T("jobs.escalate.last", message.FormatDate(plan.DateIn(*occ.LastReportedAt, loc)), strings.Join(parts, " — "))
}

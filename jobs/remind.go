package jobs

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nhacviec/nhacviec/callback"
	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/report"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/tghtml"
)

// remind decides, for the run's local date D in each unit, the deadline
// reminders (D is reminders.before_days calendar days before an open
// occurrence's due date), the overdue nags (every
// reminders.overdue_every_days working days past due) and the escalations
// to the chairman and office officials (once, when an occurrence is
// reminders.escalate_after_days working days overdue). Nothing is sent on a
// non-working day unless reminders.on_non_working_days; nags never are.
func (s *Scheduler) remind(ctx context.Context, r *runState) error {
	key, err := s.st.CallbackKey(ctx)
	if err != nil {
		return err
	}
	signer := callback.NewSigner(key)
	units, err := s.units(ctx)
	if err != nil {
		return err
	}
	rc := s.cfg.Reminders
	maxBefore := 0
	for _, d := range rc.BeforeDays {
		maxBefore = max(maxBefore, d)
	}
	for _, u := range units {
		day := plan.DateIn(r.at, u.loc)
		workday := s.cal.IsWorkday(day)
		if !workday && !rc.OnNonWorkingDays {
			continue
		}
		officials, err := store.ActiveOfficials(ctx, r.tx, u.ID)
		if err != nil {
			return err
		}
		byID := make(map[int64]store.Official, len(officials))
		var managers []store.Official
		for _, o := range officials {
			byID[o.ID] = o
			if o.Manager() {
				managers = append(managers, o)
			}
		}
		occs, err := store.OpenOccurrences(ctx, r.tx, u.ID, day.AddDays(maxBefore))
		if err != nil {
			return err
		}
		for _, occ := range occs {
			m := reminder{s: s, r: r, unit: u, occ: occ, byID: byID, signer: signer, day: day}
			days := day.DaysUntil(occ.Due)
			if days >= 0 {
				if slices.Contains(rc.BeforeDays, days) {
					if err := m.toTeam(ctx, "reminder", fmt.Sprintf("remind:%d:%d", occ.ID, days)); err != nil {
						return err
					}
				}
				continue
			}
			overdue := s.cal.WorkdaysBetween(occ.Due, day)
			if workday && rc.OverdueEveryDays > 0 && overdue > 0 && overdue%rc.OverdueEveryDays == 0 {
				if err := m.toTeam(ctx, "nag", fmt.Sprintf("nag:%d:%s", occ.ID, day)); err != nil {
					return err
				}
			}
			if rc.EscalateAfterDays > 0 && overdue >= rc.EscalateAfterDays {
				if err := m.escalate(ctx, managers); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// reminder builds the messages about one open occurrence.
type reminder struct {
	s      *Scheduler
	r      *runState
	unit   unitZone
	occ    store.OpenOccurrence
	byID   map[int64]store.Official
	signer *callback.Signer
	day    plan.Date
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

// toTeam sends a reminder or a nag to the lead and the supporters, each
// with the inline keyboard of the occurrence; keyPrefix + ":<official>" is
// the dedupe key.
func (m reminder) toTeam(ctx context.Context, kind, keyPrefix string) error {
	for _, id := range m.team() {
		o, ok := m.byID[id]
		if !ok {
			continue // archived
		}
		if !o.Linked() {
			m.r.unlinked++
			continue
		}
		pr := m.s.printer(o)
		var head string
		if kind == "nag" {
			head = pr.T("jobs.nag.head", plan.DaysOverdue(m.occ.Due, m.r.at, m.unit.loc))
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
		err := m.r.send(ctx, store.OutMessage{
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
		if err != nil {
			return err
		}
	}
	return nil
}

// taskLines writes the task's title, due date, status and percent.
func (m reminder) taskLines(b *strings.Builder, pr *i18n.Printer) {
	status := plan.StatusAt(m.occ.Due, nil, m.r.at, m.unit.loc)
	b.WriteString(tghtml.Escape(pr.T("jobs.task.title", m.occ.TaskTitle)) + "\n")
	b.WriteString(tghtml.Escape(pr.T("jobs.task.due", report.FormatDate(m.occ.Due))) + "\n")
	b.WriteString(tghtml.Escape(pr.T("jobs.task.status", pr.T(i18n.Key("status."+string(status))), m.occ.Percent)) + "\n")
}

// escalate tells every chairman and office official of the unit, once per
// occurrence, that the occurrence is overdue: the task, the lead, the days
// overdue and the last progress report.
func (m reminder) escalate(ctx context.Context, managers []store.Official) error {
	for _, o := range managers {
		if !o.Linked() {
			m.r.unlinked++
			continue
		}
		pr := m.s.printer(o)
		var b strings.Builder
		b.WriteString("<b>" + tghtml.Escape(pr.T("jobs.escalate.head")) + "</b>\n")
		b.WriteString(tghtml.Escape(pr.T("jobs.task.title", m.occ.TaskTitle)) + "\n")
		b.WriteString(tghtml.Escape(pr.T("jobs.escalate.lead", m.occ.LeadName)) + "\n")
		b.WriteString(tghtml.Escape(pr.T("jobs.escalate.overdue", report.FormatDate(m.occ.Due),
			plan.DaysOverdue(m.occ.Due, m.r.at, m.unit.loc))) + "\n")
		b.WriteString(tghtml.Escape(pr.T("jobs.task.status", pr.T(i18n.Key("status."+string(plan.OpenOverdue))), m.occ.Percent)) + "\n")
		b.WriteString(tghtml.Escape(lastReportLine(pr, m.occ, m.unit.loc)))
		err := m.r.send(ctx, store.OutMessage{
			UnitID:       int64p(m.unit.ID),
			OfficialID:   int64p(o.ID),
			ChatID:       *o.TelegramChatID,
			DedupeKey:    fmt.Sprintf("escalate:%d:%d", m.occ.ID, o.ID),
			Kind:         "escalation",
			OccurrenceID: int64p(m.occ.ID),
			Payload:      store.Payload{Text: b.String()},
		})
		if err != nil {
			return err
		}
	}
	return nil
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
	return pr.T("jobs.escalate.last", report.FormatDate(plan.DateIn(*occ.LastReportedAt, loc)), strings.Join(parts, " — "))
}

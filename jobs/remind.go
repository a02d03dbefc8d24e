package jobs

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/nhacviec/nhacviec/callback"
	"github.com/nhacviec/nhacviec/message"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/store"
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
	// The messages held for officials on leave that someone can receive
	// today, on working days only.
	workdays := make(map[int64]plan.Date, len(days))
	for id, u := range days {
		if u.workday {
			workdays[id] = u.day
		}
	}
	batches, err = releaseHeld(ctx, r, batches, workdays)
	if err != nil {
		return err
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
	occ      store.ReminderItem
	byID     map[int64]plan.Official
	signer   *callback.Signer
	day      plan.Date
	leaves   leaveBook             // who is on leave on day (leave.go)
	held     *[]store.HeldReminder // messages held for officials on leave
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
// ":<official>" is the dedupe key. One on leave has it sent to their
// stand-in or held (leave.go).
func (m reminder) toTeam(out []store.OutMessage, kind, keyPrefix string) []store.OutMessage {
	for _, id := range m.team() {
		if _, ok := m.byID[id]; !ok {
			continue // archived
		}
		r := m.leaves.teamRoute(m.unit.ID, m.day, id)
		if r.held() {
			m.hold(id, store.HeldTeam)
			continue
		}
		out = m.teamMessage(out, kind, keyPrefix, id, r)
	}
	return out
}

// teamMessage appends to out the reminder or nag meant for official id,
// sent where r routes it: to a stand-in, headed "on behalf of" and keyed
// keyPrefix + ":<stand-in>:for:<official>".
func (m reminder) teamMessage(out []store.OutMessage, kind, keyPrefix string, id int64, r route) []store.OutMessage {
	o, ok := m.byID[r.to]
	if !ok {
		return out // archived
	}
	if !o.Linked() {
		*m.unlinked++
		return out
	}
	pr := m.s.printer(o)
	suffix, head := r.onBehalf(pr)
	var text string
	if kind == "nag" {
		text = message.Nag(pr, m.task(), plan.DaysOverdue(m.occ.Due, m.at, m.unit.loc), id == m.occ.LeadID)
	} else {
		text = message.Reminder(pr, m.task(), m.day.DaysUntil(m.occ.Due), id == m.occ.LeadID)
	}
	return append(out, store.OutMessage{
		UnitID:       int64p(m.unit.ID),
		OfficialID:   int64p(o.ID),
		ChatID:       *o.TelegramChatID,
		DedupeKey:    fmt.Sprintf("%s:%d%s", keyPrefix, o.ID, suffix),
		Kind:         kind,
		OccurrenceID: int64p(m.occ.ID),
		Payload: store.Payload{
			Text:    head + text,
			Buttons: callback.Keyboard(m.signer, pr, m.occ.ID, *o.TelegramChatID),
		},
	})
}

// task is what the messages say about the occurrence.
func (m reminder) task() message.Task {
	return message.Task{
		Title:    m.occ.TaskTitle,
		Due:      m.occ.Due,
		Status:   plan.StatusAt(m.occ.Due, nil, m.at, m.unit.loc),
		Percent:  m.occ.Percent,
		LeadName: m.occ.LeadName,
	}
}

// lastReport is the occurrence's latest progress report, nil when none.
func (m reminder) lastReport() *message.LastReport {
	if m.occ.LastReportedAt == nil {
		return nil
	}
	return &message.LastReport{
		Day:     plan.DateIn(*m.occ.LastReportedAt, m.unit.loc),
		Percent: m.occ.LastPercent,
		Note:    m.occ.LastNote,
	}
}

// escalate appends to out the messages that tell every chairman and
// office official of the unit, once per occurrence (by dedupe key), that
// the occurrence is overdue: the task, the lead, the days overdue and the
// last progress report. One on leave has it sent to their stand-in, to a
// chairman or vice-chairman present for a chairman, or held (leave.go).
func (m reminder) escalate(out []store.OutMessage, managers []plan.Official) []store.OutMessage {
	for _, o := range managers {
		r := m.leaves.escalationRoute(m.unit.ID, m.day, o.ID)
		if r.held() {
			m.hold(o.ID, store.HeldEscalation)
			continue
		}
		out = m.escalation(out, r)
	}
	return out
}

// escalation appends to out the escalation sent where r routes it, keyed
// "escalate:<occurrence>:<recipient>" (plus ":for:<official>" when on
// behalf of an absent one).
func (m reminder) escalation(out []store.OutMessage, r route) []store.OutMessage {
	o, ok := m.byID[r.to]
	if !ok {
		return out // archived
	}
	if !o.Linked() {
		*m.unlinked++
		return out
	}
	pr := m.s.printer(o)
	suffix, head := r.onBehalf(pr)
	text := message.Escalation(pr, m.task(), plan.DaysOverdue(m.occ.Due, m.at, m.unit.loc), m.lastReport())
	return append(out, store.OutMessage{
		UnitID:       int64p(m.unit.ID),
		OfficialID:   int64p(o.ID),
		ChatID:       *o.TelegramChatID,
		DedupeKey:    fmt.Sprintf("escalate:%d:%d%s", m.occ.ID, o.ID, suffix),
		Kind:         "escalation",
		OccurrenceID: int64p(m.occ.ID),
		Payload:      store.Payload{Text: head + text},
	})
}

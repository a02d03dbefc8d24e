package jobs

import (
	"context"
	"fmt"
	"slices"
	"strings"
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
		num     int64 // day's number (days since 1970-01-01)
		horizon int64 // the number of the last due date reminded of
	}
	days := make(map[int64]unitDay, len(units))
	var through plan.Date
	for _, u := range units {
		day := plan.DateIn(r.at, u.loc)
		workday := s.cal.IsWorkday(day)
		if !workday && !rc.OnNonWorkingDays {
			continue
		}
		num := dayNumber(day)
		days[u.ID] = unitDay{day: day, workday: workday, num: num, horizon: num + int64(maxBefore)}
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

	// Some 50,000 open occurrences at 3,300 units share a few hundred
	// (due date, unit's date) pairs: their working days overdue are
	// counted once per pair.
	type dueOn struct{ due, day plan.Date }
	overdueDays := make(map[dueOn]int)
	var batches []store.RemindBatch
	var cur *store.RemindBatch
	for _, occ := range open {
		u, ok := days[occ.UnitID]
		if !ok {
			continue
		}
		due := dayNumber(occ.Due)
		if due > u.horizon {
			continue
		}
		d := store.RemindDecision{OccurrenceID: occ.ID}
		if until := int(due - u.num); until >= 0 {
			if !slices.Contains(rc.BeforeDays, until) {
				continue
			}
			d.Kind, d.Prefix = "reminder", fmt.Sprintf("remind:%d:%s:%d", occ.ID, occ.Due, until)
		} else {
			k := dueOn{occ.Due, u.day}
			overdue, ok := overdueDays[k]
			if !ok {
				overdue = s.cal.WorkdaysBetween(occ.Due, u.day)
				overdueDays[k] = overdue
			}
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
	route    store.TaskRoute           // who the task's messages go to (routing.go)
	rosters  map[int64][]plan.Official // lead departments' members, by department
	leaves   leaveBook                 // who is on leave on day (leave.go)
	held     *[]store.HeldReminder     // messages held for officials on leave
	// snoozed is, by occurrence then official, the snoozes holding on day:
	// their reminders and nags are left out.
	snoozed map[int64]map[int64]plan.Date
	// items describes each message appended, in step with it, for the
	// morning brief (brief.go); nil: not collected.
	items *[]fanItem
}

// toTeam appends to out a reminder or a nag to each recipient of the
// occurrence (recipients, routing.go), each with the inline keyboard of
// the occurrence; keyPrefix + ":<official>" is the dedupe key. One on
// leave has it sent to their stand-in or held (leave.go).
func (m reminder) toTeam(out []store.OutMessage, kind, keyPrefix string) []store.OutMessage {
	for _, r := range m.recipients() {
		if _, ok := m.byID[r.id]; !ok {
			continue // archived
		}
		lr := m.leaves.teamRoute(m.unit.ID, m.day, r.id)
		if lr.held() {
			if !m.byID[r.id].Partner() || kind != "nag" {
				m.hold(r.id, store.HeldTeam)
			}
			continue
		}
		out = m.teamMessage(out, kind, keyPrefix, r, lr)
	}
	return out
}

// teamMessage appends to out the reminder or nag meant for recipient r,
// sent where lr routes it: to r, or to a stand-in, headed "on behalf of"
// and keyed keyPrefix + ":<stand-in>:for:<official>". A partner gets a
// reminder once per occurrence (the key "partner:<occurrence>:<official>")
// and never a nag; the head of a department whose task is unassigned also
// gets a button per linked member to assign it.
func (m reminder) teamMessage(out []store.OutMessage, kind, keyPrefix string, r recipient, lr route) []store.OutMessage {
	o, ok := m.byID[lr.to]
	if !ok {
		return out // archived
	}
	if _, ok := m.snoozed[m.occ.ID][o.ID]; ok {
		return out // snoozed by its recipient
	}
	pr := m.s.printer(o)
	suffix, head := lr.onBehalf(pr)
	as, key := r.as, fmt.Sprintf("%s:%d%s", keyPrefix, o.ID, suffix)
	partner := m.byID[r.id].Partner()
	if partner {
		if kind == "nag" {
			return out
		}
		as, key = message.AsPartner, fmt.Sprintf("partner:%d:%d%s", m.occ.ID, o.ID, suffix)
	}
	if !o.Linked() {
		*m.unlinked++
		return out
	}
	task := m.task()
	if r.lead != nil {
		task.Department = r.lead.DepartmentName
	}
	var assign [][]store.Button
	var options []message.AssignOption
	if as == message.AsUnassignedHead {
		assign = m.assignButtons(r.lead, *o.TelegramChatID)
		options = m.assignOptions(r.lead)
	}
	var text, hint string
	var buttons [][]store.Button
	if m.items != nil {
		// The brief writes the text and the buttons (brief.go).
		item := message.BriefItem{Task: task, Days: m.day.DaysUntil(m.occ.Due), As: as, OnBehalf: strings.TrimSuffix(head, "\n")}
		if kind == "nag" || item.Days < 0 {
			item.Days = min(item.Days, -1)
			item.Overdue = plan.DaysOverdue(m.occ.Due, m.at, m.unit.loc)
		}
		*m.items = append(*m.items, fanItem{to: o, occ: m.occ.ID, partner: partner, kind: kind, head: head,
			assign: assign, options: options, team: item})
	} else {
		if kind == "nag" {
			text = message.NagTo(pr, task, plan.DaysOverdue(m.occ.Due, m.at, m.unit.loc), as)
		} else {
			text = message.ReminderTo(pr, task, m.day.DaysUntil(m.occ.Due), as)
		}
		buttons = append(assign, callback.Keyboard(m.signer, pr, m.occ.ID, *o.TelegramChatID)...)
		hint = message.HintFor(*o.TelegramChatID, message.ReminderHint(pr, options))
	}
	return append(out, store.OutMessage{
		UnitID:       int64p(m.unit.ID),
		OfficialID:   int64p(o.ID),
		ChatID:       *o.TelegramChatID,
		DedupeKey:    key,
		Kind:         kind,
		OccurrenceID: int64p(m.occ.ID),
		Payload:      store.Payload{Text: head + text, Buttons: buttons, Hint: hint},
	})
}

// recipientFor returns the capacity in which official id receives the
// occurrence's reminders, for a held one released: as routed today, or as
// a lead when routing no longer names them.
func (m reminder) recipientFor(id int64) recipient {
	for _, r := range m.recipients() {
		if r.id == id {
			return r
		}
	}
	return recipient{id: id, as: message.AsLead}
}

// task is what the messages say about the occurrence: the lead is named
// by its department when the first lead is one.
func (m reminder) task() message.Task {
	t := message.Task{
		Title:    m.occ.TaskTitle,
		Due:      m.occ.Due,
		Status:   plan.StatusAt(m.occ.Due, nil, m.at, m.unit.loc),
		Percent:  m.occ.Percent,
		LeadName: m.occ.LeadName,
	}
	if len(m.route.Leads) > 0 && m.route.Leads[0].Department() {
		t.LeadName = m.route.Leads[0].DepartmentName
	}
	return t
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

// escalate appends to out the messages that tell, once per occurrence (by
// dedupe key), that the occurrence is overdue: the task, the lead (each
// lead department with its head and assignee), the days overdue and the
// last progress report. They go to the area's supervisor and the office
// officials when the area has a supervisor, else to every manager of the
// unit (chairman, vice-chairmen, office); see escalationRecipients. One on
// leave has it sent to their stand-in, to a chairman or vice-chairman
// present for an absent chairman or supervisor, or held (leave.go).
func (m reminder) escalate(out []store.OutMessage, managers []plan.Official) []store.OutMessage {
	recipients, _ := m.escalationRecipients(managers)
	for _, o := range recipients {
		r := m.leaves.escalationRoute(m.unit.ID, m.day, o.ID)
		if r.held() {
			m.hold(o.ID, store.HeldEscalation)
			continue
		}
		out = m.escalation(out, o.ID, r)
	}
	return out
}

// escalation appends to out the escalation meant for official id, sent
// where r routes it, keyed "escalate:<occurrence>:<due>:<recipient>" (plus
// ":for:<official>" when on behalf of an absent one). It is worded for a
// supervisor when id is the area's supervisor.
func (m reminder) escalation(out []store.OutMessage, id int64, r route) []store.OutMessage {
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
	task := m.task()
	task.Departments = m.departmentLines()
	supervisor := m.route.SupervisorID != nil && id == *m.route.SupervisorID
	text := message.EscalationTo(pr, task, plan.DaysOverdue(m.occ.Due, m.at, m.unit.loc), m.lastReport(), supervisor)
	if m.items != nil {
		*m.items = append(*m.items, fanItem{to: o, occ: m.occ.ID, escalation: true, supervisor: supervisor,
			esc: message.EscalationItem{Task: task, Overdue: plan.DaysOverdue(m.occ.Due, m.at, m.unit.loc),
				Last: m.lastReport(), OnBehalf: strings.TrimSuffix(head, "\n")}})
	}
	return append(out, store.OutMessage{
		UnitID:       int64p(m.unit.ID),
		OfficialID:   int64p(o.ID),
		ChatID:       *o.TelegramChatID,
		DedupeKey:    fmt.Sprintf("escalate:%d:%s:%d%s", m.occ.ID, m.occ.Due, o.ID, suffix),
		Kind:         "escalation",
		OccurrenceID: int64p(m.occ.ID),
		Payload:      store.Payload{Text: head + text},
	})
}

// dayNumber is d's number of days since 1970-01-01.
func dayNumber(d plan.Date) int64 {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Unix() / (24 * 60 * 60)
}

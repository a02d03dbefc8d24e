package jobs

import (
	"context"
	"slices"

	"github.com/nhacviec/nhacviec/callback"
	"github.com/nhacviec/nhacviec/message"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/store"
)

// This file routes an occurrence's messages to people: the recipients of
// its reminders and nags (each lead: an official, or a department's
// assignee or head; the supporters), of its escalation (the area's
// supervisor or the unit's managers), and the buttons a head assigns with.

// recipient is one person a reminder or nag goes to, in a capacity.
type recipient struct {
	id   int64
	as   message.Recipient
	lead *store.LeadRoute // the lead department answered for, nil for none
}

// recipients returns who the occurrence's reminders and nags go to, each
// once, in order: for each lead, an official lead itself, a department
// its assignee when the task is assigned within it, else its head (told
// the task is unassigned); then, with reminders.notify_support, the
// supporting officials and the heads of the supporting departments.
// Partners among them are reminded once and never nagged (toTeam).
func (m reminder) recipients() []recipient {
	var out []recipient
	add := func(r recipient) {
		if r.id == 0 || slices.ContainsFunc(out, func(x recipient) bool { return x.id == r.id }) {
			return
		}
		out = append(out, r)
	}
	for i := range m.route.Leads {
		l := &m.route.Leads[i]
		switch {
		case !l.Department():
			add(recipient{id: *l.OfficialID, as: message.AsLead})
		case m.route.AssignedIn(*l.DepartmentID):
			add(recipient{id: *m.route.AssigneeID, as: message.AsAssignee, lead: l})
		default:
			add(recipient{id: l.HeadID, as: message.AsUnassignedHead, lead: l})
		}
	}
	if len(m.route.Leads) == 0 {
		add(recipient{id: m.occ.LeadID, as: message.AsLead})
	}
	if m.s.cfg.Reminders.NotifySupport {
		for _, id := range m.occ.SupporterIDs {
			add(recipient{id: id, as: message.AsSupport})
		}
		for _, id := range m.route.SupportHeadIDs {
			add(recipient{id: id, as: message.AsSupport})
		}
	}
	return out
}

// escalationRecipients returns who the occurrence's escalation goes to:
// when its area has a supervisor (and the supervisor is an active
// official), the supervisor and the office officials, and supervisor is
// true; else the unit's managers (chairman, vice-chairmen, office), as
// before areas had supervisors. Partners never receive one.
func (m reminder) escalationRecipients(managers []plan.Official) (out []plan.Official, supervisor bool) {
	if id := m.route.SupervisorID; id != nil {
		if sup, ok := m.byID[*id]; ok {
			out = append(out, sup)
			for _, o := range managers {
				if o.HasRole(plan.RoleOffice) && o.ID != sup.ID && !o.Partner() {
					out = append(out, o)
				}
			}
			return out, true
		}
	}
	for _, o := range managers {
		if !o.Partner() {
			out = append(out, o)
		}
	}
	return out, false
}

// departmentLines names, for an escalation, each lead department with its
// head and its assignee (empty when unassigned within it).
func (m reminder) departmentLines() []message.DepartmentLine {
	var out []message.DepartmentLine
	for _, l := range m.route.Leads {
		if !l.Department() {
			continue
		}
		d := message.DepartmentLine{Name: l.DepartmentName, Head: m.byID[l.HeadID].Name}
		if m.route.AssignedIn(*l.DepartmentID) {
			d.Assignee = m.byID[*m.route.AssigneeID].Name
		}
		out = append(out, d)
	}
	return out
}

// assignButtons returns the rows of buttons assigning the task to one of
// the linked members of the lead department l (its head excepted), sent to
// chat chatID.
func (m reminder) assignButtons(l *store.LeadRoute, chatID int64) [][]store.Button {
	if l == nil || l.DepartmentID == nil {
		return nil
	}
	var members []callback.Assignee
	for _, o := range m.rosters[*l.DepartmentID] {
		if o.Linked() && !o.Partner() {
			members = append(members, callback.Assignee{ID: o.ID, Name: o.Name})
		}
	}
	return callback.AssignKeyboard(m.signer, m.occ.ID, chatID, members)
}

// assignOptions are the officials of assignButtons as a hint names them,
// for a channel without buttons: their keys and names.
func (m reminder) assignOptions(l *store.LeadRoute) []message.AssignOption {
	if l == nil || l.DepartmentID == nil {
		return nil
	}
	var opts []message.AssignOption
	for _, o := range m.rosters[*l.DepartmentID] {
		if o.Linked() && !o.Partner() {
			opts = append(opts, message.AssignOption{Key: o.Key, Name: o.Name})
		}
	}
	return opts
}

// rosterDepartments returns the lead departments of routes whose tasks are
// unassigned within them: the departments whose members the fan-out reads
// for the assignment buttons.
func rosterDepartments(routes map[int64]store.TaskRoute) []int64 {
	seen := make(map[int64]bool)
	var ids []int64
	for _, r := range routes {
		for _, l := range r.Leads {
			if l.Department() && !r.AssignedIn(*l.DepartmentID) && !seen[*l.DepartmentID] {
				seen[*l.DepartmentID] = true
				ids = append(ids, *l.DepartmentID)
			}
		}
	}
	slices.Sort(ids)
	return ids
}

// leadRecipients returns who answers for the leads of a task routed by
// route, as the progress request asks them: each official lead, and for
// each lead department its assignee when assigned within it, else its
// head; lead (tasks.lead_id) when the route names no lead.
func leadRecipients(route store.TaskRoute, lead int64) []int64 {
	var out []int64
	for _, l := range route.Leads {
		id := l.HeadID
		switch {
		case !l.Department():
			id = *l.OfficialID
		case route.AssignedIn(*l.DepartmentID):
			id = *route.AssigneeID
		}
		if id != 0 && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	if len(out) == 0 {
		out = append(out, lead)
	}
	return out
}

// requestRoutes reads the routes of the tasks of the occurrences a
// progress request lists.
func requestRoutes(ctx context.Context, tx *store.Tx, lists ...map[int64][]store.ReminderItem) (map[int64]store.TaskRoute, error) {
	seen := make(map[int64]bool)
	var ids []int64
	for _, byUnit := range lists {
		for _, occs := range byUnit {
			for _, o := range occs {
				if !seen[o.TaskID] {
					seen[o.TaskID] = true
					ids = append(ids, o.TaskID)
				}
			}
		}
	}
	return store.TaskRoutes(ctx, tx, ids)
}

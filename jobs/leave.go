package jobs

import (
	"context"
	"fmt"

	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/message"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/store"
)

// Leave routing. During an official's leave (the run's local date within
// its from and to dates), the reminders, nags and escalations meant for
// them go to their stand-in, marked as sent on their behalf; without a
// stand-in present an escalation for an absent chairman goes to another
// chairman or a vice-chairman present, and anything else is held
// (held_reminders) and sent by the first run of a working day when
// someone can receive it. The holds and the releases are written in the
// fan-out's transaction, with the messages and the batches' marks.

// unitDay is a unit's local date of a reminder run.
type unitDay struct {
	unit int64
	day  plan.Date
}

// leaveBook is who is on leave in the units of one fan-out, by unit and
// day, then official.
type leaveBook map[unitDay]map[int64]store.Absence

// readLeaves reads, with one statement, the absences on the days of the
// batches.
func readLeaves(ctx context.Context, tx *store.Tx, batches []store.RemindBatch) (leaveBook, error) {
	seen := make(map[unitDay]bool, len(batches))
	var units []int64
	var days []plan.Date
	for _, b := range batches {
		k := unitDay{b.UnitID, b.Day}
		if !seen[k] {
			seen[k] = true
			units, days = append(units, b.UnitID), append(days, b.Day)
		}
	}
	abs, err := store.AbsencesOn(ctx, tx, units, days)
	if err != nil {
		return nil, err
	}
	book := make(leaveBook)
	for _, a := range abs {
		k := unitDay{a.UnitID, a.Day}
		if book[k] == nil {
			book[k] = make(map[int64]store.Absence)
		}
		book[k][a.OfficialID] = a
	}
	return book, nil
}

// route is where a message meant for an official goes.
type route struct {
	to     int64          // the recipient; 0 when held
	absent *store.Absence // the absent official it is sent on behalf of; nil when sent to them
}

// held reports whether the message waits for the official's return.
func (r route) held() bool { return r.to == 0 }

// teamRoute routes a reminder or a nag meant for official id: to them
// when present, else to their stand-in present, else held.
func (b leaveBook) teamRoute(unit int64, day plan.Date, id int64) route {
	a, ok := b[unitDay{unit, day}][id]
	if !ok {
		return route{to: id}
	}
	if a.StandinID != nil {
		return route{to: *a.StandinID, absent: &a}
	}
	return route{}
}

// escalationRoute routes an escalation meant for official id: as
// teamRoute, except that an absent chairman without a stand-in present is
// replaced by a chairman or vice-chairman present (sent in their own
// right, so that one who is told already gets it once).
func (b leaveBook) escalationRoute(unit int64, day plan.Date, id int64) route {
	r := b.teamRoute(unit, day, id)
	if r.held() {
		if a := b[unitDay{unit, day}][id]; a.CoverID != nil {
			return route{to: *a.CoverID}
		}
	}
	return r
}

// onBehalf is the dedupe key suffix and the text header of a message
// sent to a stand-in for r.absent; empty for a message sent to its own
// official.
func (r route) onBehalf(pr *i18n.Printer) (suffix, head string) {
	if r.absent == nil {
		return "", ""
	}
	return fmt.Sprintf(":for:%d", r.absent.OfficialID),
		message.OnBehalf(pr, r.absent.OfficialName, r.absent.To) + "\n"
}

// hold records in the fan-out that the message of kind meant for id is
// held.
func (m reminder) hold(id int64, kind string) {
	*m.held = append(*m.held, store.HeldReminder{
		UnitID: m.unit.ID, OfficialID: id, OccurrenceID: m.occ.ID, Kind: kind,
	})
}

// release appends to out the message of a held decision d, routed as
// today's leaves say: the occurrence as it stands on the run's day (a nag
// when overdue, else a reminder with the days left), under the dedupe key
// today's own reminder or nag would have, so that the official gets it
// once. It reports whether the message could be routed; when not, the
// decision stays held.
func (m reminder) release(out []store.OutMessage, d store.RemindDecision) ([]store.OutMessage, bool) {
	if d.HeldKind == store.HeldEscalation {
		r := m.leaves.escalationRoute(m.unit.ID, m.day, d.Official)
		if r.held() {
			return out, false
		}
		return m.escalation(out, d.Official, r), true
	}
	r := m.leaves.teamRoute(m.unit.ID, m.day, d.Official)
	if r.held() {
		return out, false
	}
	until := m.day.DaysUntil(m.occ.Due)
	kind, prefix := "reminder", fmt.Sprintf("remind:%d:%s:%d", m.occ.ID, m.occ.Due, until)
	if until < 0 {
		kind, prefix = "nag", fmt.Sprintf("nag:%d:%s", m.occ.ID, m.day)
	}
	return m.teamMessage(out, kind, prefix, m.recipientFor(d.Official), r), true
}

// releaseHeld adds to batches the held messages that someone can receive
// on each unit's day, one decision each, in the unit's batch (created
// when the unit has no other decision).
func releaseHeld(ctx context.Context, r *runState, batches []store.RemindBatch, days map[int64]plan.Date) ([]store.RemindBatch, error) {
	units := make([]int64, 0, len(days))
	dates := make([]plan.Date, 0, len(days))
	for u, d := range days {
		units, dates = append(units, u), append(dates, d)
	}
	held, err := store.HeldToRelease(ctx, r.tx, units, dates)
	if err != nil || len(held) == 0 {
		return batches, err
	}
	index := make(map[int64]int, len(batches))
	for i, b := range batches {
		index[b.UnitID] = i
	}
	for _, h := range held {
		i, ok := index[h.UnitID]
		if !ok {
			batches = append(batches, store.RemindBatch{UnitID: h.UnitID, RunAt: r.at, DecidedAt: r.now, Day: days[h.UnitID]})
			i = len(batches) - 1
			index[h.UnitID] = i
		}
		batches[i].Decisions = append(batches[i].Decisions, store.RemindDecision{
			OccurrenceID: h.OccurrenceID, Kind: store.KindHeld, HeldID: h.ID, Official: h.OfficialID, HeldKind: h.Kind,
		})
	}
	return batches, nil
}

package jobs

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/nhacviec/nhacviec/message"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/store"
)

// readingGraceDays is how long after a period's end a target reading is
// still asked for when the period's last working day had no run (a tick
// missed over a long holiday such as Tết). Earlier periods are not asked
// for, so a plan imported mid-year is not met with a flood of requests.
const readingGraceDays = 10

// unitWeek is a unit asked for progress, with its local date and ISO week.
type unitWeek struct {
	unitZone
	day  plan.Date
	week plan.Period
}

// progressRequest asks every linked official with open occurrences — as
// lead or supporter — due by the end of the run's ISO week, or overdue, for
// their progress: one numbered message whose Payload.Refs lists the
// occurrences in order, so that a reply "2: 60%" maps back. Like
// reminders, requests are not sent on non-working days unless
// reminders.on_non_working_days.
func (s *Scheduler) progressRequest(ctx context.Context, r *runState) error {
	units, err := s.units(ctx)
	if err != nil {
		return err
	}
	// The units asked today, each for its own local ISO week; the open
	// occurrences of all of them due through the latest week's end are
	// found with one index-only query, and each unit keeps those of its
	// own week.
	var weeks []unitWeek
	var through plan.Date
	for _, u := range units {
		day := plan.DateIn(r.at, u.loc)
		if !s.cal.IsWorkday(day) && !s.cfg.Reminders.OnNonWorkingDays {
			continue
		}
		week := plan.PeriodContaining(plan.Week, day, s.cutoff)
		weeks = append(weeks, unitWeek{unitZone: u, day: day, week: week})
		if through.IsZero() || week.To.After(through) {
			through = week.To
		}
	}
	if len(weeks) == 0 {
		return nil
	}
	// The ids of every unit's open occurrences are small; their tasks,
	// leads and officials are read a chunk of units at a time, so that a
	// run over many units (a catch-up after a year of overdue work holds
	// some 150,000 at 3,300 units) holds one chunk's at a time.
	due, err := store.OpenDueThrough(ctx, r.tx, through)
	if err != nil {
		return err
	}
	dueOf := make(map[int64][]int64)
	for _, d := range due {
		dueOf[d.UnitID] = append(dueOf[d.UnitID], d.ID)
	}
	var msgs []store.OutMessage
	for chunk := range slices.Chunk(weeks, requestUnits) {
		var ids []int64
		for _, u := range chunk {
			ids = append(ids, dueOf[u.ID]...)
		}
		if msgs, err = s.requestChunk(ctx, r, chunk, ids, msgs); err != nil {
			return err
		}
	}
	return r.sendAll(ctx, msgs)
}

// requestUnits is how many units' progress requests are built from one
// read of their occurrences and officials.
const requestUnits = 100

// requestChunk appends to msgs the progress requests of the units weeks,
// whose open occurrences with a deadline through the latest week's end
// are ids, enqueueing every sendBatch messages, and returns what is left
// to enqueue.
func (s *Scheduler) requestChunk(ctx context.Context, r *runState, weeks []unitWeek, ids []int64, msgs []store.OutMessage) ([]store.OutMessage, error) {
	byUnit, err := openByUnit(ctx, r, ids)
	if err != nil {
		return msgs, err
	}
	// Ongoing tasks have no deadline: their lead is asked once a month,
	// in the request of the week holding the month's last day, while that
	// day lies in the task's plan year.
	monthEnds := make(map[plan.Date][]int64)
	for _, u := range weeks {
		if end, ok := monthEndIn(u.week); ok {
			monthEnds[end] = append(monthEnds[end], u.ID)
		}
	}
	ongoing := make(map[int64][]store.ReminderItem)
	for end, ids := range monthEnds {
		got, err := store.OpenOngoingOf(ctx, r.tx, ids, end)
		if err != nil {
			return msgs, err
		}
		maps.Copy(ongoing, got)
	}
	var unitIDs []int64
	for _, u := range weeks {
		if len(byUnit[u.ID]) > 0 || len(ongoing[u.ID]) > 0 {
			unitIDs = append(unitIDs, u.ID)
		}
	}
	routes, err := requestRoutes(ctx, r.tx, byUnit, ongoing)
	if err != nil {
		return msgs, err
	}
	all, err := store.ActiveOfficialsIn(ctx, r.tx, unitIDs)
	if err != nil {
		return msgs, err
	}
	officialsOf := make(map[int64][]plan.Official, len(unitIDs))
	for _, o := range all {
		officialsOf[o.UnitID] = append(officialsOf[o.UnitID], o)
	}
	for _, u := range weeks {
		day, week := u.day, u.week
		mine := make(map[int64][]store.ReminderItem)
		for _, occ := range byUnit[u.ID] {
			if occ.Due.After(week.To) {
				break // ordered by due date
			}
			leads := leadRecipients(routes[occ.TaskID], occ.LeadID)
			for _, id := range leads {
				mine[id] = append(mine[id], occ)
			}
			for _, id := range occ.SupporterIDs {
				if !slices.Contains(leads, id) {
					mine[id] = append(mine[id], occ)
				}
			}
		}
		isOngoing := make(map[int64]bool)
		for _, occ := range ongoing[u.ID] {
			for _, id := range leadRecipients(routes[occ.TaskID], occ.LeadID) {
				mine[id] = append(mine[id], occ)
			}
			isOngoing[occ.ID] = true
		}
		for _, o := range officialsOf[u.ID] {
			list := mine[o.ID]
			if len(list) == 0 || o.Partner() {
				continue // partners are reminded once, never asked
			}
			if !o.Linked() {
				r.unlinked++
				continue
			}
			pr := s.printer(o)
			items := make([]message.ProgressItem, len(list))
			for i, occ := range list {
				items[i] = message.ProgressItem{Title: occ.TaskTitle, Due: occ.Due, Percent: occ.Percent,
					Overdue: !isOngoing[occ.ID] && occ.Due.Before(day), Ongoing: isOngoing[occ.ID]}
			}
			text, shown := message.ProgressRequest(pr, week, items)
			refs := make([]int64, 0, shown)
			for _, occ := range list[:shown] {
				refs = append(refs, occ.ID)
			}
			msgs = append(msgs, store.OutMessage{
				UnitID:     int64p(u.ID),
				OfficialID: int64p(o.ID),
				ChatID:     *o.TelegramChatID,
				DedupeKey:  fmt.Sprintf("progress:%s:%d", week.Key, o.ID),
				Kind:       "progress_request",
				Payload:    store.Payload{Text: text, Refs: refs},
			})
			if len(msgs) >= sendBatch {
				if err := r.sendAll(ctx, msgs); err != nil {
					return msgs, err
				}
				msgs = msgs[:0]
			}
		}
	}
	return msgs, nil
}

// targetReadings asks the owner of each target for the reading of the
// target's period (of its cadence, under periods.cutoff) on the period's
// last working day, or on the first run after it within readingGraceDays
// when that day had none, unless a reading for the period exists. The
// dedupe key asks once per target, period and owner.
//
// Units are taken requestUnits at a time: the plans, targets and
// officials of the whole country read at once held some 30 MB live, the
// largest heap of a morning's runs (docs/BENCHMARKS.md).
func (s *Scheduler) targetReadings(ctx context.Context, r *runState) error {
	units, err := s.units(ctx)
	if err != nil {
		return err
	}
	var msgs []store.OutMessage
	for chunk := range slices.Chunk(units, requestUnits) {
		if msgs, err = s.readingChunk(ctx, r, chunk, msgs); err != nil {
			return err
		}
	}
	return r.sendAll(ctx, msgs)
}

// readingChunk appends to msgs the reading requests of units, enqueueing
// every sendBatch messages, and returns what is left to enqueue.
func (s *Scheduler) readingChunk(ctx context.Context, r *runState, units []unitZone, msgs []store.OutMessage) ([]store.OutMessage, error) {
	// The plan of each unit for the year of its local date: units are
	// grouped by that year (one group but around New Year) and each group's
	// plans, targets and officials are read in one query each.
	byYear := make(map[int][]unitZone)
	var years []int
	for _, u := range units {
		y := plan.DateIn(r.at, u.loc).Year
		if _, ok := byYear[y]; !ok {
			years = append(years, y)
		}
		byYear[y] = append(byYear[y], u)
	}
	plans := make(map[int64]plan.Plan, len(units))
	for _, y := range years {
		ids := make([]int64, len(byYear[y]))
		for i, u := range byYear[y] {
			ids[i] = u.ID
		}
		ps, err := store.PlansFor(ctx, r.tx, ids, y)
		if err != nil {
			return msgs, err
		}
		maps.Copy(plans, ps)
	}
	var planIDs, unitIDs []int64
	for _, u := range units {
		if p, ok := plans[u.ID]; ok {
			planIDs = append(planIDs, p.ID)
			unitIDs = append(unitIDs, u.ID)
		}
	}
	if len(planIDs) == 0 {
		return msgs, nil
	}
	targets, err := store.TargetsOfPlans(ctx, r.tx, planIDs)
	if err != nil {
		return msgs, err
	}
	officials, err := store.ActiveOfficialsIn(ctx, r.tx, unitIDs)
	if err != nil {
		return msgs, err
	}
	byID := make(map[int64]plan.Official, len(officials))
	for _, o := range officials {
		byID[o.ID] = o
	}

	// The readings due today, then those of them already made.
	type ask struct {
		u      unitZone
		target plan.Target
		period plan.Period
	}
	var asks []ask
	var pairs []store.TargetPeriod
	for _, u := range units {
		p, ok := plans[u.ID]
		if !ok {
			continue
		}
		day := plan.DateIn(r.at, u.loc)
		for _, t := range targets[p.ID] {
			if !t.Kind.Asked() {
				continue // external: measured by others, recorded by the office
			}
			kind := plan.Cadence(t.Every).Kind()
			if kind == "" {
				continue
			}
			cur := plan.PeriodContaining(kind, day, s.cutoff)
			for _, p := range []plan.Period{cur.Prev(), cur} {
				if !day.Before(s.lastWorkday(p)) && !day.After(p.To.AddDays(readingGraceDays)) {
					asks = append(asks, ask{u: u, target: t, period: p})
					pairs = append(pairs, store.TargetPeriod{TargetID: t.ID, PeriodKey: p.Key})
				}
			}
		}
	}
	have, err := store.HaveReadings(ctx, r.tx, pairs)
	if err != nil {
		return msgs, err
	}
	for _, a := range asks {
		if have[store.TargetPeriod{TargetID: a.target.ID, PeriodKey: a.period.Key}] {
			continue
		}
		owner, ok := byID[a.target.OwnerID]
		if !ok || owner.UnitID != a.u.ID {
			continue // archived
		}
		if !owner.Linked() {
			r.unlinked++
			continue
		}
		msgs = append(msgs, s.askReading(a.u, a.target, a.period, owner))
		if len(msgs) >= sendBatch {
			if err := r.sendAll(ctx, msgs); err != nil {
				return msgs, err
			}
			msgs = msgs[:0]
		}
	}
	return msgs, nil
}

// askReading builds the request for the reading of target t for period p
// to its owner.
func (s *Scheduler) askReading(u unitZone, t plan.Target, p plan.Period, owner plan.Official) store.OutMessage {
	pr := s.printer(owner)
	text := message.ReadingRequest(pr, t.Text, t.Goal, string(t.Comparator), t.Measure, p)
	return store.OutMessage{
		UnitID:     int64p(u.ID),
		OfficialID: int64p(owner.ID),
		ChatID:     *owner.TelegramChatID,
		DedupeKey:  fmt.Sprintf("reading:%d:%s:%d", t.ID, p.Key, owner.ID),
		Kind:       "reading_request",
		TargetID:   int64p(t.ID),
		Payload:    store.Payload{Text: text},
	}
}

// lastWorkday returns the last working day of p, or p.To when p has none.
func (s *Scheduler) lastWorkday(p plan.Period) plan.Date {
	if s.cal.IsWorkday(p.To) {
		return p.To
	}
	d := s.cal.AddWorkdays(p.To, -1)
	if d.Before(p.From) || d == p.To {
		return p.To
	}
	return d
}

// monthEndIn returns the last day of a month that lies in the week, if
// one does: one week a month holds it.
func monthEndIn(week plan.Period) (plan.Date, bool) {
	for d := week.From; !d.After(week.To); d = d.AddDays(1) {
		if d.AddDays(1).Month != d.Month {
			return d, true
		}
	}
	return plan.Date{}, false
}

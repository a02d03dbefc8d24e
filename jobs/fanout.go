package jobs

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/nhacviec/nhacviec/callback"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/store"
)

// fanOutUnits is how many units' remind batches one fan-out transaction
// turns into messages (about 18 messages a unit in a generated ward, so
// some 3,600 outbox rows a transaction). Each transaction runs some
// fifteen statements whatever its size: 100 units a transaction ran 33
// transactions at 3,300 units.
const fanOutUnits = 200

// fanOutDecisions bounds the decisions (items to remind of) one fan-out
// transaction takes, whatever its units: an ordinary morning has about 10
// a unit, so 200 units take some 2,000; a morning after a month of
// unreported work has many more a unit, and its transactions take fewer
// units, so that the messages held until the transaction's insert stay
// about the same (serve under 100 MiB; docs/BENCHMARKS.md).
const fanOutDecisions = 2000

// analyzeAfter is how many messages a FanOut enqueues before it refreshes
// the outbox's statistics.
const analyzeAfter = 10000

// FanOutReport tells what a FanOut did.
type FanOutReport struct {
	Batches  int                    // remind batches fanned out
	Messages int                    // messages enqueued
	Unlinked int                    // recipients left out for having no linked chat
	ByRun    map[int64]FanOutCounts // by job run id
}

// FanOutCounts is what the fan-out enqueued for one job run.
type FanOutCounts struct {
	Messages int
	Unlinked int
}

func (r *FanOutReport) add(o FanOutReport) {
	r.Batches += o.Batches
	r.Messages += o.Messages
	r.Unlinked += o.Unlinked
	for id, c := range o.ByRun {
		if r.ByRun == nil {
			r.ByRun = make(map[int64]FanOutCounts)
		}
		have := r.ByRun[id]
		r.ByRun[id] = FanOutCounts{Messages: have.Messages + c.Messages, Unlinked: have.Unlinked + c.Unlinked}
	}
}

// FanOut turns every remind batch not yet fanned out (the decisions of
// reminder runs, one batch per unit) into outbox messages, fanOutUnits
// units per transaction: the reminders and nags to each occurrence's lead
// and supporting officials, and the escalations to the unit's chairman and
// office officials. Each transaction locks its batches (FOR UPDATE SKIP
// LOCKED, so replicas share the work), enqueues their messages, records
// the escalations on the occurrences and marks the batches fanned out;
// after a crash, the batches of the transaction that did not commit are
// fanned out by the next FanOut. Messages are built from the occurrences as
// they are now: an occurrence done since the decision gets nothing.
func (s *Scheduler) FanOut(ctx context.Context) (FanOutReport, error) {
	pending, err := store.PendingRemindBatches(ctx, s.st)
	if err != nil || pending == 0 {
		return FanOutReport{}, err
	}
	signer, err := callback.Load(ctx, s.st, s.clk, s.cfg.Telegram.ButtonMaxAge)
	if err != nil {
		return FanOutReport{}, err
	}
	units, err := s.units(ctx)
	if err != nil {
		return FanOutReport{}, err
	}
	byID := make(map[int64]unitZone, len(units))
	for _, u := range units {
		byID[u.ID] = u
	}

	// One transaction at a time: the fan-out of a large run (a catch-up
	// after downtime can decide hundreds of thousands of messages) then
	// leaves a core to the delivery worker and the bot, whose replies must
	// not wait for it; running transactions in parallel finishes sooner
	// but stalls delivery meanwhile (docs/BENCHMARKS.md).
	var total FanOutReport
	for ctx.Err() == nil {
		var rep FanOutReport
		err := s.st.Tx(ctx, func(tx *store.Tx) error {
			var err error
			rep, err = s.fanOutOnce(ctx, tx, byID, signer)
			return err
		})
		if err != nil {
			return total, err
		}
		total.add(rep)
		if rep.Batches == 0 {
			break
		}
	}
	if total.Messages >= analyzeAfter {
		// The delivery claim is planned from these statistics; taken when
		// nothing was pending, they make it scan the whole backlog per
		// message (store migration 00052).
		if err := s.st.AnalyzeOutboxClaim(ctx); err != nil {
			return total, err
		}
	}
	return total, ctx.Err()
}

// fanOutOnce fans out, in tx, up to fanOutUnits remind batches holding up
// to about fanOutDecisions decisions.
func (s *Scheduler) fanOutOnce(ctx context.Context, tx *store.Tx, units map[int64]unitZone, signer *callback.Signer) (FanOutReport, error) {
	rep := FanOutReport{ByRun: make(map[int64]FanOutCounts)}
	batches, err := store.ClaimRemindBatches(ctx, tx, fanOutUnits, fanOutDecisions)
	if err != nil || len(batches) == 0 {
		return rep, err
	}
	var occIDs, unitIDs, escalate []int64
	for _, b := range batches {
		unitIDs = append(unitIDs, b.UnitID)
		for _, d := range b.Decisions {
			occIDs = append(occIDs, d.OccurrenceID)
			if d.Escalate || d.HeldKind == store.HeldEscalation {
				escalate = append(escalate, d.OccurrenceID)
			}
		}
	}
	occs, err := store.OpenOccurrencesByID(ctx, tx, occIDs)
	if err != nil {
		return rep, err
	}
	officials, err := store.ActiveOfficialsIn(ctx, tx, unitIDs)
	if err != nil {
		return rep, err
	}
	last, err := store.LastReports(ctx, tx, escalate)
	if err != nil {
		return rep, err
	}
	routes, rosters, err := taskRoutes(ctx, tx, occs)
	if err != nil {
		return rep, err
	}
	leaves, err := readLeaves(ctx, tx, batches)
	if err != nil {
		return rep, err
	}
	snoozed, err := readSnoozes(ctx, tx, batches)
	if err != nil {
		return rep, err
	}
	staffOf := make(map[int64]*staff, len(unitIDs))
	for _, o := range officials {
		st := staffOf[o.UnitID]
		if st == nil {
			st = &staff{byID: make(map[int64]plan.Official)}
			staffOf[o.UnitID] = st
		}
		st.byID[o.ID] = o
		if o.Manager() {
			st.managers = append(st.managers, o)
		}
	}

	// Build the messages of every batch, in the order of its decisions,
	// remembering which batch each message belongs to.
	var (
		msgs      []store.OutMessage
		batchOf   []int // index in batches of msgs[i]
		escalated []int64
		unlinked  = make([]int, len(batches))
		held      []store.HeldReminder // for officials on leave (leave.go)
		released  []int64              // held messages sent, or moot
		items     *[]fanItem           // what each message is about, for the briefs
	)
	if s.brief() {
		items = new([]fanItem)
	}
	for bi, b := range batches {
		// The order of the messages: by due date, then the task's order
		// in the plan.
		slices.SortStableFunc(b.Decisions, func(x, y store.RemindDecision) int {
			return occurrenceOrder(occs[x.OccurrenceID], occs[y.OccurrenceID])
		})
		u, ok := units[b.UnitID]
		if !ok {
			continue // the unit is gone: nothing to send
		}
		st := staffOf[b.UnitID]
		if st == nil {
			st = &staff{}
		}
		for _, d := range b.Decisions {
			uo, ok := occs[d.OccurrenceID]
			if !ok {
				if d.HeldID != 0 {
					released = append(released, d.HeldID) // nothing left to say
				}
				continue // done or archived since the decision
			}
			occ := uo.ReminderItem
			if lr, ok := last[occ.ID]; ok {
				occ.SetLast(lr)
			}
			m := reminder{s: s, at: b.RunAt, unlinked: &unlinked[bi], unit: u, occ: occ,
				byID: st.byID, signer: signer, day: b.Day, route: routes[occ.TaskID], rosters: rosters,
				leaves: leaves, held: &held, snoozed: snoozed[unitDay{b.UnitID, b.Day}], items: items}
			n := len(msgs)
			switch d.Kind {
			case store.KindHeld:
				var sent bool
				if msgs, sent = m.release(msgs, d); sent {
					released = append(released, d.HeldID)
				}
			case "":
			default:
				msgs = m.toTeam(msgs, d.Kind, d.Prefix)
			}
			if d.Escalate {
				before, heldBefore := len(msgs), len(held)
				msgs = m.escalate(msgs, st.managers)
				if len(msgs) > before || len(held) > heldBefore {
					escalated = append(escalated, occ.ID)
				}
			}
			for i := n; i < len(msgs); i++ {
				msgs[i].NotBefore = b.DecidedAt
				batchOf = append(batchOf, bi)
			}
		}
	}
	if items != nil {
		if msgs, batchOf, err = s.briefs(ctx, tx, batches, msgs, batchOf, *items, signer); err != nil {
			return rep, err
		}
	}
	inserted, err := store.EnqueueManyIndexed(ctx, tx, msgs)
	if err != nil {
		return rep, err
	}
	counts := make([]int, len(batches))
	for _, i := range inserted {
		counts[batchOf[i]]++
	}
	if err := store.MarkEscalated(ctx, tx, escalated, s.clk.Now()); err != nil {
		return rep, err
	}
	if err := store.HoldReminders(ctx, tx, held, s.clk.Now()); err != nil {
		return rep, err
	}
	if err := store.ReleaseHeld(ctx, tx, released, s.clk.Now()); err != nil {
		return rep, err
	}
	for i, b := range batches {
		c := rep.ByRun[b.JobRunID]
		rep.ByRun[b.JobRunID] = FanOutCounts{Messages: c.Messages + counts[i], Unlinked: c.Unlinked + unlinked[i]}
		rep.Messages += counts[i]
		rep.Unlinked += unlinked[i]
	}
	rep.Batches = len(batches)
	if err := store.FinishRemindBatches(ctx, tx, batches, counts, s.clk.Now()); err != nil {
		return rep, err
	}
	return rep, nil
}

// occurrenceOrder orders the occurrences of a unit as its messages and
// lists show them: by due date, then by the task's order in the plan.
func occurrenceOrder(a, b store.UnitReminderItem) int {
	return cmp.Or(a.Due.Compare(b.Due), cmp.Compare(a.TaskPosition, b.TaskPosition),
		cmp.Compare(a.TaskKey, b.TaskKey), cmp.Compare(a.Key, b.Key))
}

// openByUnit reads the occurrences ids that are still open, with their
// tasks, grouped by unit, each unit's in occurrenceOrder.
func openByUnit(ctx context.Context, r *runState, ids []int64) (map[int64][]store.ReminderItem, error) {
	occs, err := store.OpenOccurrencesByID(ctx, r.tx, ids)
	if err != nil {
		return nil, err
	}
	all := make([]store.UnitReminderItem, 0, len(occs))
	for _, o := range occs {
		all = append(all, o)
	}
	slices.SortFunc(all, func(a, b store.UnitReminderItem) int {
		return cmp.Or(cmp.Compare(a.UnitID, b.UnitID), occurrenceOrder(a, b))
	})
	byUnit := make(map[int64][]store.ReminderItem)
	for _, o := range all {
		byUnit[o.UnitID] = append(byUnit[o.UnitID], o.ReminderItem)
	}
	return byUnit, nil
}

// staff is the officials of a unit a reminder may go to: by id, and the
// chairman and office officials an escalation goes to.
type staff struct {
	byID     map[int64]plan.Official
	managers []plan.Official
}

// fanOutAfterRun fans out what a run decided and adds, to run, the
// messages and unlinked recipients of its own batches. A failed fan-out
// leaves the run done (its decisions are committed and fanned out later)
// and reports the error.
func (s *Scheduler) fanOutAfterRun(ctx context.Context, run *Run, jobRunID int64) {
	rep, err := s.FanOut(ctx)
	c := rep.ByRun[jobRunID]
	run.Messages += c.Messages
	run.Unlinked += c.Unlinked
	if err != nil {
		run.Err = fmt.Errorf("jobs: %s at %s: fan-out: %w", run.Job, run.At.Format(time.RFC3339), err)
		s.log.Error("fan-out of reminder decisions failed; the next run or start retries it",
			"job", run.Job, "at", run.At.Format(time.RFC3339), "err", err)
	}
}

// taskRoutes reads the routes of the tasks of occs (store.TaskRoutes) and
// the members of their lead departments that have unassigned tasks.
func taskRoutes(ctx context.Context, tx *store.Tx, occs map[int64]store.UnitReminderItem) (map[int64]store.TaskRoute, map[int64][]plan.Official, error) {
	seen := make(map[int64]bool, len(occs))
	taskIDs := make([]int64, 0, len(occs))
	for _, o := range occs {
		if !seen[o.TaskID] {
			seen[o.TaskID] = true
			taskIDs = append(taskIDs, o.TaskID)
		}
	}
	routes, err := store.TaskRoutes(ctx, tx, taskIDs)
	if err != nil {
		return nil, nil, err
	}
	rosters, err := store.DepartmentRosters(ctx, tx, rosterDepartments(routes))
	if err != nil {
		return nil, nil, err
	}
	return routes, rosters, nil
}

package jobs

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/report"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/tghtml"
)

// readingGraceDays is how long after a period's end a target reading is
// still asked for when the period's last working day had no run (a tick
// missed over a long holiday such as Tết). Earlier periods are not asked
// for, so a plan imported mid-year is not met with a flood of requests.
const readingGraceDays = 10

// maxTitle is the length, in characters, a task title is cut to in a list.
const maxTitle = 120

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
	for _, u := range units {
		day := plan.DateIn(r.at, u.loc)
		if !s.cal.IsWorkday(day) && !s.cfg.Reminders.OnNonWorkingDays {
			continue
		}
		week := plan.PeriodContaining(plan.Week, day, s.cutoff)
		officials, err := store.ActiveOfficials(ctx, r.tx, u.ID)
		if err != nil {
			return err
		}
		occs, err := store.OpenOccurrences(ctx, r.tx, u.ID, week.To)
		if err != nil {
			return err
		}
		mine := make(map[int64][]store.OpenOccurrence)
		for _, occ := range occs {
			mine[occ.LeadID] = append(mine[occ.LeadID], occ)
			for _, id := range occ.SupporterIDs {
				if id != occ.LeadID {
					mine[id] = append(mine[id], occ)
				}
			}
		}
		for _, o := range officials {
			list := mine[o.ID]
			if len(list) == 0 {
				continue
			}
			if !o.Linked() {
				r.unlinked++
				continue
			}
			pr := s.printer(o)
			var b strings.Builder
			b.WriteString("<b>" + tghtml.Escape(pr.T("jobs.progress.head", report.PeriodLabel(week, pr))) + "</b>\n")
			b.WriteString(tghtml.Escape(pr.T("jobs.progress.intro", len(list))) + "\n")
			hint := "<i>" + tghtml.Escape(pr.T("jobs.progress.hint")) + "</i>"
			refs := make([]int64, 0, len(list))
			for i, occ := range list {
				item := i18n.Key("jobs.progress.item")
				if occ.Due.Before(day) {
					item = "jobs.progress.item_overdue"
				}
				line := tghtml.Escape(pr.T(item, i+1, report.Shorten(occ.TaskTitle, maxTitle), report.FormatDate(occ.Due), occ.Percent)) + "\n"
				more := tghtml.Escape(pr.T("jobs.progress.more", len(list)-i)) + "\n"
				if tghtml.Len(b.String()+line+more+hint) > tghtml.MaxMessage {
					b.WriteString(more)
					break
				}
				b.WriteString(line)
				refs = append(refs, occ.ID)
			}
			b.WriteString(hint)
			err := r.send(ctx, store.OutMessage{
				UnitID:     int64p(u.ID),
				OfficialID: int64p(o.ID),
				ChatID:     *o.TelegramChatID,
				DedupeKey:  fmt.Sprintf("progress:%s:%d", week.Key, o.ID),
				Kind:       "progress_request",
				Payload:    store.Payload{Text: b.String(), Refs: refs},
			})
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// targetReadings asks the owner of each target for the reading of the
// target's period (of its cadence, under periods.cutoff) on the period's
// last working day, or on the first run after it within readingGraceDays
// when that day had none, unless a reading for the period exists. The
// dedupe key asks once per target, period and owner.
func (s *Scheduler) targetReadings(ctx context.Context, r *runState) error {
	units, err := s.units(ctx)
	if err != nil {
		return err
	}
	for _, u := range units {
		day := plan.DateIn(r.at, u.loc)
		pl, err := store.PlanOf(ctx, r.tx, u.ID, day.Year)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		targets, err := store.PlanTargets(ctx, r.tx, pl.ID)
		if err != nil {
			return err
		}
		officials, err := store.ActiveOfficials(ctx, r.tx, u.ID)
		if err != nil {
			return err
		}
		byID := make(map[int64]store.Official, len(officials))
		for _, o := range officials {
			byID[o.ID] = o
		}
		for _, t := range targets {
			kind := plan.Cadence(t.Every).Kind()
			if kind == "" {
				continue
			}
			cur := plan.PeriodContaining(kind, day, s.cutoff)
			var due []plan.Period
			for _, p := range []plan.Period{cur.Prev(), cur} {
				if !day.Before(s.lastWorkday(p)) && !day.After(p.To.AddDays(readingGraceDays)) {
					due = append(due, p)
				}
			}
			if len(due) == 0 {
				continue
			}
			keys := make([]string, len(due))
			for i, p := range due {
				keys[i] = p.Key
			}
			have, err := store.ReadingPeriods(ctx, r.tx, t.ID, keys)
			if err != nil {
				return err
			}
			owner, ok := byID[t.OwnerID]
			if !ok {
				continue // archived
			}
			for _, p := range due {
				if have[p.Key] {
					continue
				}
				if !owner.Linked() {
					r.unlinked++
					continue
				}
				if err := s.askReading(ctx, r, u, t, p, owner); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// askReading enqueues the request for the reading of target t for period p
// to its owner.
func (s *Scheduler) askReading(ctx context.Context, r *runState, u unitZone, t store.Target, p plan.Period, owner store.Official) error {
	pr := s.printer(owner)
	hint := i18n.Key("jobs.reading.hint_number")
	if plan.Measure(t.Measure) == plan.MeasureYesNo {
		hint = "jobs.reading.hint_yesno"
	}
	var b strings.Builder
	b.WriteString("<b>" + tghtml.Escape(pr.T("jobs.reading.head")) + "</b>\n")
	b.WriteString(tghtml.Escape(pr.T("jobs.reading.target", t.Text)) + "\n")
	b.WriteString(tghtml.Escape(pr.T("jobs.reading.goal", report.GoalText(t.Goal, t.Comparator, t.Measure, pr))) + "\n")
	b.WriteString(tghtml.Escape(pr.T("jobs.reading.period", report.PeriodLabel(p, pr))) + "\n")
	b.WriteString("<i>" + tghtml.Escape(pr.T(hint)) + "</i>")
	return r.send(ctx, store.OutMessage{
		UnitID:     int64p(u.ID),
		OfficialID: int64p(owner.ID),
		ChatID:     *owner.TelegramChatID,
		DedupeKey:  fmt.Sprintf("reading:%d:%s:%d", t.ID, p.Key, owner.ID),
		Kind:       "reading_request",
		TargetID:   int64p(t.ID),
		Payload:    store.Payload{Text: b.String()},
	})
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

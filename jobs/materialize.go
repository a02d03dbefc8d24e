package jobs

import (
	"context"

	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/store"
)

// materialize creates the occurrences of every recurring task that is not
// archived for the current and the next calendar period of its cadence
// (occurrence periods are calendar periods whatever the reporting
// cut-off), due dates rolled to working days. Existing occurrences are left
// as they are, so the job is idempotent.
func (s *Scheduler) materialize(ctx context.Context, r *runState) error {
	units, err := s.units(ctx)
	if err != nil {
		return err
	}
	for _, u := range units {
		day := plan.DateIn(r.at, u.loc)
		tasks, err := store.RecurringTasks(ctx, r.tx, u.ID)
		if err != nil {
			return err
		}
		for _, t := range tasks {
			if t.Every == nil || t.DueDay == nil {
				continue
			}
			rec := plan.Recurrence{Every: plan.Cadence(*t.Every), DueDay: *t.DueDay, Start: t.StartDate, End: t.EndDate}
			kind := rec.Every.Kind()
			if kind == "" {
				continue
			}
			cur := plan.PeriodContaining(kind, day, plan.CutoffCalendar)
			specs := rec.Occurrences(cur.From, cur.Next().To)
			if len(specs) == 0 {
				continue
			}
			n, err := s.st.MaterializeOccurrences(ctx, r.tx, t.ID, specs, s.cal, r.now)
			if err != nil {
				return err
			}
			r.created += n
		}
	}
	return nil
}

package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/store"
)

func runReading(ctx context.Context, e env, args []string) (err error) {
	fs, cfgPath := newFlags(e, "reading", "TARGET_KEY VALUE [--unit CODE] [--at RFC3339] [--note TEXT]",
		"Record a target reading as the office: for an external target (measured by others, such as\n"+
			"PAR INDEX or SIPAS) or on an official's behalf. The reading is for the period of the target's\n"+
			"cadence containing --at, in the plan of --at's year. VALUE is a number with a decimal comma or\n"+
			"point (96,5 or 96.5; thousands grouped by threes: 1.234,5), with an optional % for a percent\n"+
			"target, or có/không (yes/no) for a yes/no target.")
	unit := fs.String("unit", "", "unit `CODE` (default: the only unit)")
	at := fs.String("at", "", "when the reading is made, RFC3339 (default: now)")
	note := fs.String("note", "", "a note kept with the reading (its source, e.g. the province's decision)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usageError{"want TARGET_KEY VALUE, e.g. nhacviec reading par-index 86,5"}
	}
	key, value := pos[0], pos[1]
	a, err := openApp(ctx, e, fs, *cfgPath)
	if err != nil {
		return err
	}
	defer closeApp(a, &err)
	now, err := instant(*at, a.Clock.Now())
	if err != nil {
		return err
	}
	u, err := pickUnit(ctx, a.Store, *unit)
	if err != nil {
		return err
	}
	loc := u.Location(a.Loc)
	day := plan.DateIn(now, loc)
	plans, err := store.PlansFor(ctx, a.Store, []int64{u.ID}, day.Year)
	if err != nil {
		return err
	}
	pl, ok := plans[u.ID]
	if !ok || pl.Year != day.Year {
		return fmt.Errorf("unit %s has no plan for %d: import it first, or give --at in the plan's year", u.Code, day.Year)
	}
	tg, err := store.TargetByKey(ctx, a.Store, pl.ID, key)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("unknown target %q in plan %s of %s: use a targets[].key of the plan file", key, pl.Code, u.Code)
	}
	if err != nil {
		return err
	}
	if tg.ArchivedAt != nil {
		return fmt.Errorf("target %q was archived on %s (it is no longer in the plan file): re-import a plan file that has it to record readings",
			key, plan.DateIn(*tg.ArchivedAt, loc))
	}
	v, err := plan.ParseReadingValue(value, plan.Measure(tg.Measure), tg.Kind)
	if err != nil {
		return usageError{err.Error()}
	}
	p := plan.PeriodContaining(plan.Cadence(tg.Every).Kind(), day, a.Cfg.Cutoff())
	if _, err := store.RecordReading(ctx, a.Store, store.ReadingInput{
		TargetID: tg.ID, PeriodKey: p.Key, Value: v, Note: *note, Source: store.SourceCLI, Now: now,
	}); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "reading of %s for %s recorded: %g (goal %s %g)\n", key, p.Key, v, tg.Comparator, tg.Goal)
	return nil
}

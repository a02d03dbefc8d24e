package main

import (
	"context"
	"errors"
	"fmt"
	"text/tabwriter"

	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/store"
)

func runLeave(ctx context.Context, e env, args []string) (err error) {
	fs, cfgPath := newFlags(e, "leave", "KEY --from DATE --to DATE [--standin KEY] | KEY --cancel | --list  [--unit CODE]",
		"Record an official's leave (nghỉ phép), end it, or list the current and future leaves.\n"+
			"Dates are DD/MM/YYYY or YYYY-MM-DD, both days included. During the leave the official's\n"+
			"reminders and nags go to the stand-in, marked as on their behalf; without a stand-in they\n"+
			"are held and sent on the first working day back. --cancel ends the current leave (the\n"+
			"official is back today) or cancels the next one.")
	from := fs.String("from", "", "first day of leave, `DATE`")
	to := fs.String("to", "", "last day of leave, `DATE` (inclusive)")
	standin := fs.String("standin", "", "the stand-in's official `KEY` (same unit; optional)")
	cancel := fs.Bool("cancel", false, "end the official's current leave, or cancel the next one")
	list := fs.Bool("list", false, "list the current and future leaves")
	unit := fs.String("unit", "", "unit `CODE` (default: the only unit)")
	at := fs.String("at", "", "the instant that is \"today\", RFC3339 (default: now)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	switch {
	case *list && (len(pos) != 0 || *cancel || *from != "" || *to != "" || *standin != ""):
		return usageError{"--list takes no KEY and no other flag but --unit"}
	case !*list && len(pos) != 1:
		return usageError{"want one official KEY, e.g. nhacviec leave tu-phap --from 05/01/2026 --to 09/01/2026"}
	case *cancel && (*from != "" || *to != "" || *standin != ""):
		return usageError{"--cancel takes no --from, --to or --standin"}
	case !*list && !*cancel && (*from == "" || *to == ""):
		return usageError{"want --from DATE and --to DATE (or --cancel, or --list)"}
	}
	var fromDate, toDate plan.Date
	if !*list && !*cancel {
		if fromDate, err = plan.ParseDayDate(*from); err != nil {
			return usageError{"--from: " + err.Error()}
		}
		if toDate, err = plan.ParseDayDate(*to); err != nil {
			return usageError{"--to: " + err.Error()}
		}
		if toDate.Before(fromDate) {
			return usageError{fmt.Sprintf("--to %s is before --from %s", toDate, fromDate)}
		}
	}
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
	today := plan.DateIn(now, u.Location(a.Loc))
	if *list {
		leaves, err := store.LeavesFrom(ctx, a.Store, u.ID, today)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "KEY\tNAME\tFROM\tTO\tSTAND-IN")
		for _, l := range leaves {
			s := "-"
			if l.StandinKey != nil {
				s = *l.StandinKey
			}
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", l.OfficialKey, l.OfficialName, l.From, l.To, s)
		}
		return w.Flush()
	}
	official, err := activeOfficial(ctx, a.Store, u, pos[0], "")
	if err != nil {
		return err
	}
	if *cancel {
		var l store.Leave
		var cancelled bool
		err := a.Store.Tx(ctx, func(tx *store.Tx) error {
			var err error
			l, cancelled, err = store.EndLeave(ctx, tx, official.ID, today, now)
			return err
		})
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("official %q has no current or future leave in unit %s", official.Key, u.Code)
		}
		if err != nil {
			return err
		}
		if cancelled {
			fmt.Fprintf(e.stdout, "leave of %s from %s to %s cancelled\n", official.Key, l.From, l.To)
		} else {
			fmt.Fprintf(e.stdout, "leave of %s from %s ended: last day %s, back %s\n", official.Key, l.From, today.AddDays(-1), today)
		}
		return nil
	}
	in := store.LeaveInput{UnitID: u.ID, OfficialID: official.ID, From: fromDate, To: toDate, Now: now}
	if *standin != "" {
		s, err := activeOfficial(ctx, a.Store, u, *standin, "--standin ")
		if err != nil {
			return err
		}
		in.StandinID = s.ID
	}
	var l store.Leave
	err = a.Store.Tx(ctx, func(tx *store.Tx) error {
		var err error
		l, err = store.CreateLeave(ctx, tx, in)
		return err
	})
	if le := (*store.LeaveError)(nil); errors.As(err, &le) {
		return errors.New(leaveRefusal(le, official.Key, *standin))
	}
	if err != nil {
		return err
	}
	s := "none (reminders are held until the first working day back)"
	if l.StandinKey != nil {
		s = *l.StandinKey
	}
	fmt.Fprintf(e.stdout, "leave of %s recorded: %s to %s, stand-in %s\n", official.Key, l.From, l.To, s)
	return nil
}

// activeOfficial returns the active official key of unit u, or an error
// naming what (a flag, in what) was wrong.
func activeOfficial(ctx context.Context, st *store.Store, u plan.Unit, key, what string) (plan.Official, error) {
	o, err := st.OfficialByKey(ctx, u.Code, key)
	if errors.Is(err, store.ErrNotFound) {
		// Another unit's official as a stand-in says so.
		if what != "" {
			if units, uerr := st.Units(ctx); uerr == nil {
				for _, other := range units {
					if other.ID == u.ID {
						continue
					}
					if _, oerr := st.OfficialByKey(ctx, other.Code, key); oerr == nil {
						return plan.Official{}, fmt.Errorf("%sofficial %q belongs to unit %s, not %s: a stand-in must be of the same unit", what, key, other.Code, u.Code)
					}
				}
			}
		}
		return plan.Official{}, fmt.Errorf("%sunknown official %q in unit %s: run nhacviec officials for the keys", what, key, u.Code)
	}
	if err != nil {
		return plan.Official{}, err
	}
	if o.ArchivedAt != nil {
		return plan.Official{}, fmt.Errorf("%sofficial %q was archived (no longer in the plan file)", what, key)
	}
	return o, nil
}

// leaveRefusal is the one-line message of a refused leave.
func leaveRefusal(le *store.LeaveError, key, standin string) string {
	switch le.Reason {
	case store.LeaveBadDates:
		return "the leave ends before it starts: nothing recorded"
	case store.LeaveStandinSelf:
		return fmt.Sprintf("--standin %s is the official on leave: a stand-in must be someone else", standin)
	case store.LeaveStandinUnit:
		return fmt.Sprintf("--standin %s belongs to another unit: a stand-in must be of the same unit", standin)
	case store.LeaveStandinGone:
		return fmt.Sprintf("--standin %s was archived (no longer in the plan file)", standin)
	case store.LeaveOverlap:
		if le.Other != nil {
			return fmt.Sprintf("%s already has a leave from %s to %s overlapping this one: end it first with nhacviec leave %s --cancel",
				key, le.Other.From, le.Other.To, key)
		}
		return fmt.Sprintf("%s already has a leave overlapping this one", key)
	case store.LeaveStandinAbsent:
		return fmt.Sprintf("--standin %s is on leave from %s to %s, during this leave: choose another stand-in", standin, le.Other.From, le.Other.To)
	}
	return le.Error()
}

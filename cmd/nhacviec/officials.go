package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/nhacviec/nhacviec/store"
)

// pickUnit returns the unit named code, or the only unit when code is empty.
func pickUnit(ctx context.Context, st *store.Store, code string) (store.Unit, error) {
	if code != "" {
		u, err := st.UnitByCode(ctx, code)
		if errors.Is(err, store.ErrNotFound) {
			return store.Unit{}, fmt.Errorf("unknown unit %q", code)
		}
		return u, err
	}
	units, err := st.Units(ctx)
	if err != nil {
		return store.Unit{}, err
	}
	switch len(units) {
	case 0:
		return store.Unit{}, errors.New("no plan imported yet: run nhacviec import PLAN.yaml first")
	case 1:
		return units[0], nil
	}
	codes := make([]string, len(units))
	for i, u := range units {
		codes[i] = u.Code
	}
	return store.Unit{}, usageError{fmt.Sprintf("several units (%s): choose one with --unit", strings.Join(codes, ", "))}
}

func runOfficials(ctx context.Context, e env, args []string) (err error) {
	fs, cfgPath := newFlags(e, "officials", "[--unit CODE]",
		"List the officials of a unit: roles, and whether each is linked to Telegram.")
	unit := fs.String("unit", "", "unit `CODE` (default: the only unit)")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	a, err := openApp(ctx, e, fs, *cfgPath)
	if err != nil {
		return err
	}
	defer closeApp(a, &err)
	u, err := pickUnit(ctx, a.Store, *unit)
	if err != nil {
		return err
	}
	officials, err := a.Store.Officials(ctx, u.Code)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KEY\tNAME\tROLES\tTELEGRAM")
	linked := 0
	active := 0
	for _, o := range officials {
		if o.ArchivedAt != nil {
			continue
		}
		active++
		state := "not linked"
		switch {
		case o.Linked() && o.UnreachableAt != nil:
			state = "unreachable (blocked the bot?)"
			linked++
		case o.Linked():
			state = "linked"
			if o.TelegramUsername != "" {
				state += " @" + o.TelegramUsername
			}
			linked++
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", o.Key, o.Name, strings.Join(o.Roles, ","), state)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%d of %d officials linked to Telegram\n", linked, active)
	return nil
}

package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/store"
)

// pickUnit returns the unit named code, or the only unit when code is empty.
func pickUnit(ctx context.Context, st *store.Store, code string) (plan.Unit, error) {
	if code != "" {
		u, err := st.UnitByCode(ctx, code)
		if errors.Is(err, store.ErrNotFound) {
			return plan.Unit{}, fmt.Errorf("unknown unit %q", code)
		}
		return u, err
	}
	units, err := st.Units(ctx)
	if err != nil {
		return plan.Unit{}, err
	}
	switch len(units) {
	case 0:
		return plan.Unit{}, errors.New("no plan imported yet: run nhacviec import PLAN.yaml first")
	case 1:
		return units[0], nil
	}
	return plan.Unit{}, usageError{severalUnits(units)}
}

// maxUnitsNamed is how many unit codes the error of a missing --unit names.
const maxUnitsNamed = 5

// severalUnits is the message of a missing --unit: the number of units and
// a few of their codes, on one line however many there are.
func severalUnits(units []plan.Unit) string {
	codes := make([]string, 0, maxUnitsNamed)
	for i, u := range units {
		if i == maxUnitsNamed {
			codes = append(codes, fmt.Sprintf("… %d more", len(units)-maxUnitsNamed))
			break
		}
		codes = append(codes, u.Code)
	}
	return fmt.Sprintf("%d units (%s): choose one with --unit CODE (nhacviec units lists them)", len(units), strings.Join(codes, ", "))
}

// runUnits lists the units: code, name and the code of the unit above.
func runUnits(ctx context.Context, e env, args []string) (err error) {
	fs, cfgPath := newFlags(e, "units", "",
		"List the units (People's Committees) imported: CODE<TAB>NAME<TAB>PARENT per line,\n"+
			"PARENT being - for a unit with none above it. Their codes are what --unit takes.")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	a, err := openApp(ctx, e, fs, *cfgPath)
	if err != nil {
		return err
	}
	defer closeApp(a, &err)
	units, err := a.Store.Units(ctx)
	if err != nil {
		return err
	}
	codes := make(map[int64]string, len(units))
	for _, u := range units {
		codes[u.ID] = u.Code
	}
	for _, u := range units {
		parent := "-"
		if u.ParentID != nil {
			parent = codes[*u.ParentID]
		}
		fmt.Fprintf(e.stdout, "%s\t%s\t%s\n", u.Code, u.Name, parent)
	}
	return nil
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
	fmt.Fprintln(tw, "KEY\tNAME\tROLES\tCHANNEL\tSTATE")
	byChannel := map[string]int{}
	linked := 0
	active := 0
	for _, o := range officials {
		if o.ArchivedAt != nil {
			continue
		}
		active++
		ch, state := "-", "not linked"
		if o.Linked() {
			ch = store.ChatChannel(*o.TelegramChatID)
			byChannel[ch]++
			linked++
			state = "linked"
			if o.TelegramUsername != "" {
				if ch == store.ChannelTelegram {
					state += " @" + o.TelegramUsername
				} else {
					state += " (" + o.TelegramUsername + ")"
				}
			}
			if o.UnreachableAt != nil {
				state = "unreachable (blocked the bot?)"
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", o.Key, o.Name, o.Roles.String(), ch, state)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%d of %d officials linked (Telegram %d, Zalo %d)\n", linked, active,
		byChannel[store.ChannelTelegram], byChannel[store.ChannelZalo])
	return nil
}

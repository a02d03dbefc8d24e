package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

func runRotateKey(ctx context.Context, e env, args []string) (err error) {
	fs, cfgPath := newFlags(e, "rotate-key", "[--keep-old DURATION]",
		"Create a new key signing the inline buttons of new messages. The older keys\n"+
			"keep verifying the buttons they signed for --keep-old (default\n"+
			"telegram.button_max_age, after which those buttons have expired anyway),\n"+
			"then answer them as expired. --keep-old 0 retires them at once (a leaked\n"+
			"key). Running serve processes use the new key at once.")
	keepOldFlag := fs.String("keep-old", "", "how long older keys still verify, e.g. `720h` or 30d (default telegram.button_max_age)")
	positional, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(positional) > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", positional[0])}
	}
	var keepOld time.Duration
	if *keepOldFlag != "" {
		if keepOld, err = parseDays(*keepOldFlag); err != nil || keepOld < 0 {
			return usageError{fmt.Sprintf("--keep-old %q is not a duration such as 720h or 30d", *keepOldFlag)}
		}
	}
	a, err := openApp(ctx, e, fs, *cfgPath)
	if err != nil {
		return err
	}
	defer closeApp(a, &err)
	if *keepOldFlag == "" {
		keepOld = a.Cfg.Telegram.ButtonMaxAge
	}
	now := a.Clock.Now()
	keys, err := a.Store.RotateSigningKey(ctx, now, keepOld)
	if err != nil {
		return err
	}
	const layout = "2006-01-02 15:04 MST"
	fmt.Fprintf(e.stdout, "key %d created: it signs the buttons of every new message\n", keys[0].ID)
	for _, k := range keys[1:] {
		switch {
		case k.RetireAt == nil: // not reached: a rotation dates every older key
		case k.Retired(now):
			fmt.Fprintf(e.stdout, "key %d retired %s: its buttons are answered as expired\n", k.ID, k.RetireAt.In(a.Loc).Format(layout))
		default:
			fmt.Fprintf(e.stdout, "key %d verifies its buttons until %s\n", k.ID, k.RetireAt.In(a.Loc).Format(layout))
		}
	}
	return nil
}

// parseDays parses a Go duration or a whole number of days ("30d").
func parseDays(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil {
			return 0, err
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	return time.ParseDuration(s)
}

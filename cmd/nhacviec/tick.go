package main

import (
	"context"
	"fmt"
	"time"

	"github.com/nhacviec/nhacviec/jobs"
)

func runTick(ctx context.Context, e env, args []string) (err error) {
	fs, cfgPath := newFlags(e, "tick", "--at RFC3339",
		"Run, once, every scheduled job whose cron spec fires at the minute of --at, as if the\n"+
			"clock read that instant. Messages are enqueued for a running `nhacviec serve` to deliver.\n"+
			"Running it twice for the same instant enqueues nothing new.")
	at := fs.String("at", "", "the instant, e.g. 2025-03-15T08:00:00+07:00 (required)")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *at == "" {
		return usageError{"--at is required"}
	}
	instant, err := time.Parse(time.RFC3339, *at)
	if err != nil {
		return usageError{fmt.Sprintf("--at %q is not an RFC3339 instant (e.g. 2025-03-15T08:00:00+07:00)", *at)}
	}
	a, err := openApp(ctx, e, fs, *cfgPath)
	if err != nil {
		return err
	}
	defer closeApp(a, &err)
	s, err := jobs.New(a.Store, a.Cfg, a.Clock, a.Log)
	if err != nil {
		return err
	}
	rep, err := s.RunAt(ctx, instant)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, rep.String())
	return nil
}

package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/nhacviec/nhacviec/app"
	"github.com/nhacviec/nhacviec/server"
)

func runServe(ctx context.Context, e env, args []string) (err error) {
	fs, cfgPath := newFlags(e, "serve", "",
		"Run the scheduler, the Telegram bot and the outbox delivery worker in one process until\n"+
			"SIGINT or SIGTERM. Jobs missed while the service was down are caught up on start\n"+
			"(schedule.catch_up). It needs telegram.token, unless telegram.mode is console (messages\n"+
			"are then printed instead of sent). While Telegram is unreachable the jobs run and the\n"+
			"messages wait; /healthz (http.listen) says why.")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(e, fs, *cfgPath)
	if err != nil {
		return err
	}
	if err := cfg.ValidateServe(); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	a, err := openAppWith(ctx, e, cfg)
	if err != nil {
		return err
	}
	defer closeApp(a, &err)
	years, err := a.Store.PlanYears(ctx)
	if err != nil {
		return err
	}
	if err := syncCalendar(ctx, a, years); err != nil {
		return err
	}
	redact := app.NewRedactor(nil, a.Cfg.Secrets()...)
	s, err := server.New(ctx, a, server.Options{Stdout: e.stdout})
	if err != nil {
		return errors.New(redact.String(err.Error()))
	}
	if err := s.Run(ctx); err != nil {
		return errors.New(redact.String(err.Error()))
	}
	return nil
}

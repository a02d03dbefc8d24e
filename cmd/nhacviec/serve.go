package main

import (
	"context"
	"errors"

	"github.com/nhacviec/nhacviec/app"
	"github.com/nhacviec/nhacviec/server"
)

func runServe(ctx context.Context, e env, args []string) (err error) {
	fs, cfgPath := newFlags(e, "serve", "",
		"Run the scheduler, the Telegram bot and the outbox delivery worker in one process until\n"+
			"SIGINT or SIGTERM. Jobs missed while the service was down are caught up on start\n"+
			"(schedule.catch_up). Without telegram.token, messages are printed instead of sent.")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	a, err := openApp(ctx, e, fs, *cfgPath)
	if err != nil {
		return err
	}
	defer closeApp(a, &err)
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

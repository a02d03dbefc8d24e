package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/nhacviec/nhacviec/app"
	"github.com/nhacviec/nhacviec/clock"
	"github.com/nhacviec/nhacviec/config"
)

// loadConfig loads the configuration named by --config. A file given
// explicitly must exist; the default ./config.yaml may be absent.
func loadConfig(e env, fs *flag.FlagSet, path string) (config.Config, error) {
	explicit := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "config" {
			explicit = true
		}
	})
	cfg, err := config.Load(path, explicit, e.getenv)
	if err == nil && e.redact != nil {
		e.redact.Add(cfg.Secrets()...)
	}
	return cfg, err
}

// openApp loads the configuration and opens the database.
func openApp(ctx context.Context, e env, fs *flag.FlagSet, path string) (*app.App, error) {
	cfg, err := loadConfig(e, fs, path)
	if err != nil {
		return nil, err
	}
	return app.Open(ctx, cfg, app.NewLogger(cfg, e.stderr), clock.Real{})
}

// closeApp closes a and reports a close error only when the command itself
// succeeded.
func closeApp(a *app.App, err *error) {
	if cerr := a.Close(); cerr != nil && *err == nil {
		*err = fmt.Errorf("close: %w", cerr)
	}
}

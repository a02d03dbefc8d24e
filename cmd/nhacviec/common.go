package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/nhacviec/nhacviec/app"
	"github.com/nhacviec/nhacviec/clock"
	"github.com/nhacviec/nhacviec/config"
)

// loadConfig loads the configuration named by --config. A file given
// explicitly (--config or NHACVIEC_CONFIG) must exist; the default
// ./config.yaml may be absent.
func loadConfig(e env, fs *flag.FlagSet, path string) (config.Config, error) {
	cfg, err := config.Load(path, configExplicit(e, fs), e.getenv)
	if err == nil && e.redact != nil {
		e.redact.Add(cfg.Secrets()...)
	}
	return cfg, err
}

// configExplicit reports whether the config file was named by --config or
// NHACVIEC_CONFIG.
func configExplicit(e env, fs *flag.FlagSet) bool {
	explicit := e.getenv("NHACVIEC_CONFIG") != ""
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "config" {
			explicit = true
		}
	})
	return explicit
}

// openApp loads the configuration and opens the database.
func openApp(ctx context.Context, e env, fs *flag.FlagSet, path string) (*app.App, error) {
	cfg, err := loadConfig(e, fs, path)
	if err != nil {
		return nil, err
	}
	return openAppWith(ctx, e, cfg)
}

// openAppWith opens the database of a loaded configuration.
func openAppWith(ctx context.Context, e env, cfg config.Config) (*app.App, error) {
	return app.Open(ctx, cfg, app.NewLogger(cfg, e.stderr), clock.Real{})
}

// closeApp closes a and reports a close error only when the command itself
// succeeded.
func closeApp(a *app.App, err *error) {
	if cerr := a.Close(); cerr != nil && *err == nil {
		*err = fmt.Errorf("close: %w", cerr)
	}
}

// instant reads an --at flag: an RFC3339 instant, or now when the flag is
// empty.
func instant(flag string, now time.Time) (time.Time, error) {
	if flag == "" {
		return now, nil
	}
	t, err := time.Parse(time.RFC3339, flag)
	if err != nil {
		return time.Time{}, usageError{fmt.Sprintf("--at %q is not an RFC3339 instant (e.g. 2026-03-15T08:00:00+07:00)", flag)}
	}
	return t, nil
}

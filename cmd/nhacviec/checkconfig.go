package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/goccy/go-yaml"

	"github.com/nhacviec/nhacviec/app"
	"github.com/nhacviec/nhacviec/config"
)

func runCheckConfig(ctx context.Context, e env, args []string) error {
	fs, cfgPath := newFlags(e, "check-config", "",
		"Load the configuration (file, then NHACVIEC_* environment), validate it for every command\n"+
			"and for serve (which needs telegram.token unless telegram.mode is console), and print the\n"+
			"effective values with secrets masked (the database URL with only its password masked),\n"+
			"then the database that will be used. Exits non-zero listing every problem, one per line.")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := config.Read(*cfgPath, configExplicit(e, fs), e.getenv)
	if err != nil {
		return err
	}
	if err := errors.Join(cfg.Validate(), cfg.ValidateServe()); err != nil {
		return fmt.Errorf("config %s: %w", *cfgPath, err)
	}
	shown := cfg.Masked()
	// The database URL says which server and database are used: only its
	// password is hidden.
	shown.Database.URL = app.MaskURL(cfg.Database.URL)
	out, err := yaml.Marshal(shown)
	if err != nil {
		return fmt.Errorf("print config: %w", err)
	}
	fmt.Fprintf(e.stdout, "%s", out)
	if cfg.File != "" {
		fmt.Fprintf(e.stdout, "# config file: %s\n", cfg.File)
	} else {
		fmt.Fprintf(e.stdout, "# config file: none (built-in defaults and environment)\n")
	}
	if cfg.Database.URL != "" {
		fmt.Fprintf(e.stdout, "# database: %s\n", app.DescribeURL(cfg.Database.URL))
	} else {
		dir, err := cfg.DataDir()
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "# database: managed cluster at %s, database %s\n", dir, app.DatabaseName)
	}
	if cfg.Telegram.Mode == "console" {
		fmt.Fprintf(e.stdout, "# telegram.mode console: serve prints messages instead of sending them\n")
	}
	// The plans being written are this year's and next year's.
	if loc, err := cfg.Location(); err == nil {
		y := time.Now().In(loc).Year()
		for _, w := range cfg.CalendarWarnings(y, y+1) {
			fmt.Fprintf(e.stdout, "# warning: %s\n", w)
		}
	}
	fmt.Fprintf(e.stdout, "# configuration is valid\n")
	return nil
}

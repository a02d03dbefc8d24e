package main

import (
	"context"
	"fmt"

	"github.com/goccy/go-yaml"

	"github.com/nhacviec/nhacviec/app"
)

func runCheckConfig(ctx context.Context, e env, args []string) error {
	fs, cfgPath := newFlags(e, "check-config", "",
		"Load the configuration (file, then NHACVIEC_* environment), validate it and print\n"+
			"the effective values with secrets masked (the database URL with only its\n"+
			"password masked). Exits non-zero listing every problem.")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(e, fs, *cfgPath)
	if err != nil {
		return err
	}
	shown := cfg.Masked()
	// The database URL says which server and database are used: only its
	// password is hidden.
	shown.Database.URL = app.MaskURL(cfg.Database.URL)
	out, err := yaml.Marshal(shown)
	if err != nil {
		return fmt.Errorf("print config: %w", err)
	}
	fmt.Fprintf(e.stdout, "%s# configuration is valid\n", out)
	return nil
}

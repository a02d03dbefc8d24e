package main

import (
	"context"
	"fmt"
)

func runMigrate(ctx context.Context, e env, args []string) (err error) {
	fs, cfgPath := newFlags(e, "migrate", "", "Apply the embedded schema migrations and list each one applied. Safe to run from several\n"+
		"processes at once.")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	// app.Open applies the migrations; report what it did.
	a, err := openApp(ctx, e, fs, *cfgPath)
	if err != nil {
		return err
	}
	defer closeApp(a, &err)
	version, err := a.Store.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	for _, m := range a.Migrated {
		fmt.Fprintf(e.stdout, "applied %s\n", m)
	}
	if len(a.Migrated) == 0 {
		fmt.Fprintf(e.stdout, "schema up to date at version %d: nothing to apply\n", version)
		return nil
	}
	fmt.Fprintf(e.stdout, "schema up to date at version %d (%d applied now)\n", version, len(a.Migrated))
	return nil
}

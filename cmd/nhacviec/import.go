package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/nhacviec/nhacviec/planfile"
	"github.com/nhacviec/nhacviec/store"
)

func runImport(ctx context.Context, e env, args []string) (err error) {
	fs, cfgPath := newFlags(e, "import", "PLAN.yaml [--dry-run]",
		"Validate a plan file, then create or update the plan by its keys in one transaction.\n"+
			"Every error is reported with file:line:column and field; nothing is written when any exists.\n"+
			"Tasks and officials removed from the file are archived, never deleted; progress history is kept.")
	dryRun := fs.Bool("dry-run", false, "validate and show what would change, write nothing")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"want exactly one plan file"}
	}
	path := pos[0]
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read plan: %w", err)
	}
	f, err := planfile.Parse(filepath.Base(path), data)
	if err != nil {
		var perrs planfile.Errors
		if errors.As(err, &perrs) {
			for _, pe := range perrs {
				fmt.Fprintln(e.stderr, pe.Error())
			}
			return fmt.Errorf("%s: %d error(s), nothing imported", path, len(perrs))
		}
		return err
	}
	a, err := openApp(ctx, e, fs, *cfgPath)
	if err != nil {
		return err
	}
	defer closeApp(a, &err)
	sum, err := a.Store.ImportPlan(ctx, f, store.ImportOptions{
		DryRun:   *dryRun,
		Source:   filepath.Base(path),
		Now:      a.Clock.Now(),
		Calendar: a.Calendar,
	})
	if err != nil {
		return err
	}
	if *dryRun {
		fmt.Fprintln(e.stdout, "dry run: nothing written")
	}
	fmt.Fprintf(e.stdout, "%s %s (%s)\n", f.Unit.Code, f.Plan.Code, path)
	fmt.Fprintln(e.stdout, sum.String())
	return nil
}

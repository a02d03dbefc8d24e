package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/nhacviec/nhacviec/planfile"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/xlsx"
)

func runImport(ctx context.Context, e env, args []string) (err error) {
	fs, cfgPath := newFlags(e, "import", "PLAN.yaml|PLAN.xlsx [--dry-run]",
		"Validate a plan file, then create or update the plan by its keys in one transaction.\n"+
			"Every error is reported with file:line:column and field (file: sheet!cell: field for an Excel\n"+
			"workbook made from the template of export-template); nothing is written when any exists.\n"+
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
	f, err := parsePlan(e, path, data)
	if err != nil {
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
		for _, w := range a.Cfg.CalendarWarnings(f.Plan.Year) {
			a.Log.Warn(w)
		}
		fmt.Fprintln(e.stdout, "dry run: nothing written")
	} else if err := syncCalendar(ctx, a, []int{f.Plan.Year}); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s %s (%s)\n", f.Unit.Code, f.Plan.Code, path)
	fmt.Fprintln(e.stdout, sum.String())
	return nil
}

// parsePlan validates the plan file at path, a workbook when its name ends
// in .xlsx, else YAML. Each mistake goes to stderr on a line of its own.
func parsePlan(e env, path string, data []byte) (*planfile.File, error) {
	name := filepath.Base(path)
	var f *planfile.File
	var err error
	if strings.EqualFold(filepath.Ext(path), ".xlsx") {
		f, err = xlsx.ParsePlan(name, data)
	} else {
		f, err = planfile.Parse(name, data)
	}
	if err == nil {
		return f, nil
	}
	var perrs planfile.Errors
	var xerrs xlsx.Errors
	var lines []string
	switch {
	case errors.As(err, &perrs):
		for _, pe := range perrs {
			lines = append(lines, pe.Error())
		}
	case errors.As(err, &xerrs):
		for _, xe := range xerrs {
			lines = append(lines, xe.Error())
		}
	default:
		return nil, err
	}
	for _, l := range lines {
		fmt.Fprintln(e.stderr, l)
	}
	return nil, fmt.Errorf("%s: %d error(s), nothing imported", path, len(lines))
}

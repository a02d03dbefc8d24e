package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/nhacviec/nhacviec/message"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/report"
	"github.com/nhacviec/nhacviec/xlsx"
)

func runDigest(ctx context.Context, e env, args []string) (err error) {
	fs, cfgPath := newFlags(e, "digest", "--period P [--unit CODE] [--at RFC3339] [--format text|json|xlsx] [-o FILE]",
		"Compile the digest of a period: every occurrence due in it plus earlier ones still open at its\n"+
			"start, judged as of --at. P is a key (2025-W07, 2025-03, 2025-Q1, 2025-H1, 2025) or a kind\n"+
			"(week, month, quarter, half, year: the period of that kind containing --at). --format xlsx\n"+
			"writes the period report workbook (summary, tasks, targets, missing reports) to -o FILE.\n"+
			"A unit with wards under it (a parent unit: a province, or any unit wards report to) gets the digest aggregated over them, one line per ward.")
	period := fs.String("period", "", "period key or kind (required)")
	unit := fs.String("unit", "", "unit `CODE` (default: the only unit)")
	at := fs.String("at", "", "judge as of this RFC3339 instant (default: now)")
	format := fs.String("format", "text", "text | json | xlsx")
	out := fs.String("o", "", "write to `FILE` instead of standard output")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *period == "" {
		return usageError{"--period is required"}
	}
	switch *format {
	case "text", "json":
	case "xlsx":
		if *out == "" {
			return usageError{"--format xlsx needs -o FILE"}
		}
	default:
		return usageError{fmt.Sprintf("--format %q is not text, json or xlsx", *format)}
	}
	a, err := openApp(ctx, e, fs, *cfgPath)
	if err != nil {
		return err
	}
	defer closeApp(a, &err)
	asOf, err := instant(*at, a.Clock.Now())
	if err != nil {
		return err
	}
	u, err := pickUnit(ctx, a.Store, *unit)
	if err != nil {
		return err
	}
	loc := u.Location(a.Loc)
	p, err := plan.PeriodFor(*period, asOf, loc, a.Cfg.Cutoff())
	if err != nil {
		return usageError{err.Error()}
	}
	res, err := report.Compile(ctx, a.Store, u, p, asOf, report.Options{})
	if err != nil {
		return err
	}
	var data []byte
	switch *format {
	case "xlsx":
		if res.IsRollup() {
			return usageError{fmt.Sprintf("--format xlsx is for a ward's digest; %s has wards, use text or json", u.Code)}
		}
		if data, err = xlsx.Digest(res.Unit, a.Printer); err != nil {
			return err
		}
	case "json":
		if data, err = res.JSON(); err != nil {
			return err
		}
	default:
		data = []byte(message.DigestText(res, a.Printer))
	}
	var w io.Writer = e.stdout
	if *out != "" {
		if err := os.WriteFile(*out, data, 0o644); err != nil {
			return fmt.Errorf("write digest: %w", err)
		}
		fmt.Fprintf(e.stdout, "digest %s of %s written to %s\n", p.Key, u.Code, *out)
		return nil
	}
	_, err = w.Write(data)
	return err
}

package main

import (
	"context"
	"fmt"
	"os"

	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/wardreport"
)

func runReport(ctx context.Context, e env, args []string) (err error) {
	fs, cfgPath := newFlags(e, "report", "--period P [--unit CODE] [--at RFC3339] [--lang vi|en] -o FILE.docx",
		"Draft the unit's own periodic report on its administrative reform work, as the office files it:\n"+
			"a Word document in the layout of Nghị định 30/2020/NĐ-CP (issuing body, Quốc hiệu, \"Số: …/BC-UBND\",\n"+
			"place and date, \"BÁO CÁO\" and its subject line, sections I-V, \"Nơi nhận\", signature block).\n"+
			"Its figures are those of `digest` for the same --period and --at. P is a key (2026-Q1, 2026-H1,\n"+
			"2026-03, 2026) or a kind (month, quarter, half, year: the period containing --at). A unit with\n"+
			"wards under it gets a table of its wards, worst first, with the totals.")
	period := fs.String("period", "", "period key or kind (required)")
	unit := fs.String("unit", "", "unit `CODE` (default: the only unit)")
	at := fs.String("at", "", "judge as of this RFC3339 instant (default: now)")
	lang := fs.String("lang", "", "language of the report: vi or en (default: the configured language)")
	out := fs.String("o", "", "write the report to `FILE`.docx (required)")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *period == "" {
		return usageError{"--period is required"}
	}
	if *out == "" {
		return usageError{"-o FILE.docx is required"}
	}
	a, err := openApp(ctx, e, fs, *cfgPath)
	if err != nil {
		return err
	}
	defer closeApp(a, &err)
	pr := a.Printer
	if *lang != "" {
		l, err := i18n.ParseLang(*lang)
		if err != nil {
			return usageError{"--lang: " + err.Error()}
		}
		pr = i18n.New(l)
	}
	asOf, err := instant(*at, a.Clock.Now())
	if err != nil {
		return err
	}
	u, err := pickUnit(ctx, a.Store, *unit)
	if err != nil {
		return err
	}
	p, err := plan.PeriodFor(*period, asOf, u.Location(a.Loc), a.Cfg.Cutoff())
	if err != nil {
		return usageError{err.Error()}
	}
	r, err := wardreport.Compile(ctx, a.Store, u, p, asOf)
	if err != nil {
		return err
	}
	data, err := r.DOCX(pr)
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, data, 0o644); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	fmt.Fprintf(e.stdout, "report %s of %s written to %s\n", p.Key, u.Code, *out)
	return nil
}

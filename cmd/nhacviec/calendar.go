package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"

	"github.com/nhacviec/nhacviec/app"
	"github.com/nhacviec/nhacviec/lunar"
	"github.com/nhacviec/nhacviec/plan"
)

func runCalendar(ctx context.Context, e env, args []string) error {
	fs, cfgPath := newFlags(e, "calendar", "YEAR [--format text|json]",
		"Print the year's holidays (non-working days other than a plain weekend: public holidays,\n"+
			"compensatory days off, days moved off) and make-up working days, by the configured\n"+
			"calendar: calendar.rules (vietnam: computed from Bộ luật Lao động 2019 and the Government's\n"+
			"announced schedules; none) plus calendar.holidays and calendar.makeup_workdays.")
	format := fs.String("format", "text", "text | json")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"want exactly one YEAR, e.g. nhacviec calendar 2027"}
	}
	year, err := strconv.Atoi(pos[0])
	if err != nil || year < lunar.MinYear || year > lunar.MaxYear {
		return usageError{fmt.Sprintf("YEAR %q: want a year from %d to %d, e.g. 2027", pos[0], lunar.MinYear, lunar.MaxYear)}
	}
	if *format != "text" && *format != "json" {
		return usageError{fmt.Sprintf("--format %q is not text or json", *format)}
	}
	cfg, err := loadConfig(e, fs, *cfgPath)
	if err != nil {
		return err
	}
	cal, err := cfg.WorkCalendar()
	if err != nil {
		return fmt.Errorf("config: calendar: %w", err)
	}
	for _, w := range cfg.CalendarWarnings(year) {
		fmt.Fprintln(e.stderr, "warning: "+w)
	}
	days := cal.Days(year)
	if *format == "json" {
		return writeCalendarJSON(e.stdout, year, days)
	}
	return writeCalendarText(e.stdout, year, cal.Rules(), days)
}

// calendarJSON is the JSON of nhacviec calendar.
type calendarJSON struct {
	Year int               `json:"year"`
	Days []calendarDayJSON `json:"days"`
}

type calendarDayJSON struct {
	Date   string `json:"date"`
	Kind   string `json:"kind"`
	Name   string `json:"name"`
	Source string `json:"source"`
}

func writeCalendarJSON(w io.Writer, year int, days []plan.Day) error {
	out := calendarJSON{Year: year, Days: make([]calendarDayJSON, 0, len(days))}
	for _, d := range days {
		out.Days = append(out.Days, calendarDayJSON{Date: d.Date.String(), Kind: string(d.Kind), Name: d.Name, Source: string(d.Source)})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func writeCalendarText(w io.Writer, year int, rules plan.Rules, days []plan.Day) error {
	switch {
	case rules == plan.RulesNone:
		fmt.Fprintf(w, "Calendar %d (calendar.rules: none: only the configured days)\n\n", year)
	case plan.HasAnnouncedSchedule(year):
		fmt.Fprintf(w, "Calendar %d (calendar.rules: vietnam, with the Government's announced schedule)\n\n", year)
	default:
		fmt.Fprintf(w, "Calendar %d (calendar.rules: vietnam; no announced schedule ships for %d: the statutory pattern)\n\n", year, year)
	}
	if len(days) == 0 {
		fmt.Fprintf(w, "No holiday and no make-up working day in %d: every working weekday is worked.\n", year)
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "DATE\tDAY\tKIND\tSOURCE\tNAME\tENGLISH")
	for _, d := range days {
		source := string(d.Source)
		if d.Document != "" {
			source += " (" + d.Document + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", d.Date, d.Date.Weekday().String()[:3], d.Kind, source, d.Name, d.NameEN)
	}
	return tw.Flush()
}

// syncCalendar logs the calendar's warnings for the plans' years and, when
// the calendar changed since the open occurrences were dated (a new
// version, an edited configuration), re-dates them.
func syncCalendar(ctx context.Context, a *app.App, years []int) error {
	for _, w := range a.Cfg.CalendarWarnings(years...) {
		a.Log.Warn(w)
	}
	res, err := a.Store.RedateOccurrences(ctx, a.Calendar, a.Clock.Now())
	if err != nil {
		return err
	}
	if res.Changed {
		a.Log.Info("calendar changed: open occurrences re-dated", "redated", res.Redated)
	}
	return nil
}

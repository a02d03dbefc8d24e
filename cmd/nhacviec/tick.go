package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/nhacviec/nhacviec/jobs"
)

func runTick(ctx context.Context, e env, args []string) (err error) {
	fs, cfgPath := newFlags(e, "tick", "--at RFC3339",
		"Run, once, every scheduled job whose cron spec fires at the minute of --at, as if the\n"+
			"clock read that instant. Messages are enqueued for a running `nhacviec serve` to deliver.\n"+
			"Running it twice for the same instant enqueues nothing new.")
	at := fs.String("at", "", "the instant, e.g. 2025-03-15T08:00:00+07:00 (required)")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *at == "" {
		return usageError{"--at is required"}
	}
	instant, err := time.Parse(time.RFC3339, *at)
	if err != nil {
		return usageError{fmt.Sprintf("--at %q is not an RFC3339 instant (e.g. 2025-03-15T08:00:00+07:00)", *at)}
	}
	a, err := openApp(ctx, e, fs, *cfgPath)
	if err != nil {
		return err
	}
	defer closeApp(a, &err)
	s, err := jobs.New(a.Store, a.Cfg, a.Clock, a.Log)
	if err != nil {
		return err
	}
	rep, err := s.RunAt(ctx, instant)
	fmt.Fprint(e.stdout, tickSummary(s, instant.In(a.Loc), rep))
	return err
}

// tickSummary is what tick prints: the report's lines, or when no job
// fires at that minute a sentence saying so and when the next one does,
// and what "taken" means when a run was.
func tickSummary(s *jobs.Scheduler, at time.Time, rep jobs.Report) string {
	if len(rep.Runs) == 0 {
		minute := at.Truncate(time.Minute)
		msg := fmt.Sprintf("no job fires at %s: nothing to do", minute.Format("2006-01-02 15:04 MST"))
		if next := s.Next(minute); !next.IsZero() {
			var names []string
			for _, f := range s.Fires(next.Add(-time.Second), next) {
				names = append(names, f.Job)
			}
			msg += fmt.Sprintf(" (next: %s at %s)", strings.Join(names, ", "), next.In(at.Location()).Format(time.RFC3339))
		}
		return msg + "\n"
	}
	out := rep.String()
	for _, r := range rep.Runs {
		if r.Status == jobs.StatusTaken {
			out += "taken: that run was already claimed (by an earlier tick or a running serve); nothing was done again\n"
			break
		}
	}
	return out
}

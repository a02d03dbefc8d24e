package main

import (
	"context"
	"fmt"
	"time"

	"github.com/nhacviec/nhacviec/demo"
	"github.com/nhacviec/nhacviec/examples"
)

func runDemo(ctx context.Context, e env, args []string) error {
	fs, _ := newFlags(e, "demo", "[--plan 2025|2026] [--out DIR] [--lang vi|en] [--verbose]",
		"Replay the first quarter of an example plan: 2025, the seed's Phan Đình Phùng plan (default),\n"+
			"or 2026, an illustrative ward of the two-tier government (\"Quý I/2026\", \"Thường xuyên\",\n"+
			"cumulative and external targets, Tết 2026 off):\n"+
			"a managed PostgreSQL in a temporary folder, an in-process fake Telegram Bot API,\n"+
			"simulated officials (some on time, some late, one never), the same scheduler, delivery\n"+
			"and bot code as `serve`. Prints who received what and ends with the Chairman's\n"+
			"quarterly digest, also written to files. Needs no token and no network.")
	planName := fs.String("plan", "2025", "the example plan to replay: 2025 or 2026")
	out := fs.String("out", "demo-output", "write the transcript and digest files to `DIR`")
	lang := fs.String("lang", "vi", "language of the messages: vi or en")
	verbose := fs.Bool("verbose", false, "print every message whole")
	from := fs.String("from", "", "start of the replay, RFC3339 (default 1 January of the plan's year, 00:00+07:00)")
	to := fs.String("to", "", "end of the replay, RFC3339 (default 15 March of the plan's year, 08:00+07:00)")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if _, err := examples.Lookup(*planName); err != nil {
		return usageError{err.Error()}
	}
	opts := demo.Options{Plan: *planName, Out: e.stdout, Dir: *out, Language: *lang, Verbose: *verbose,
		DatabaseURL: e.getenv("NHACVIEC_DEMO_DATABASE_URL")}
	for _, f := range []struct {
		flag string
		dst  *time.Time
	}{{*from, &opts.From}, {*to, &opts.To}} {
		if f.flag == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339, f.flag)
		if err != nil {
			return usageError{fmt.Sprintf("%q is not an RFC3339 instant", f.flag)}
		}
		*f.dst = t
	}
	start := time.Now()
	res, err := demo.Run(ctx, opts)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Demo finished in %s: %d messages, %d answers.\n", time.Since(start).Round(time.Second), res.Sent, res.Replies)
	return nil
}

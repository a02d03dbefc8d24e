package main

import (
	"context"
	"fmt"
	"time"

	"github.com/nhacviec/nhacviec/demo"
)

func runDemo(ctx context.Context, e env, args []string) error {
	fs, _ := newFlags(e, "demo", "[--out DIR] [--lang vi|en] [--verbose]",
		"Replay the first quarter of 2025 of the example plan (the seed's Phan Đình Phùng plan):\n"+
			"a managed PostgreSQL in a temporary folder, an in-process fake Telegram Bot API,\n"+
			"simulated officials (some on time, some late, one never), the same scheduler, delivery\n"+
			"and bot code as `serve`. Prints who received what and ends with the Chairman's\n"+
			"quarterly digest, also written to files. Needs no token and no network.")
	out := fs.String("out", "demo-output", "write the transcript and digest files to `DIR`")
	lang := fs.String("lang", "vi", "language of the messages: vi or en")
	verbose := fs.Bool("verbose", false, "print every message whole")
	from := fs.String("from", "", "start of the replay, RFC3339 (default 2025-01-01T00:00:00+07:00)")
	to := fs.String("to", "", "end of the replay, RFC3339 (default 2025-03-15T08:00:00+07:00)")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	opts := demo.Options{Out: e.stdout, Dir: *out, Language: *lang, Verbose: *verbose,
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

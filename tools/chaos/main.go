// Command chaos runs nhacviec's fault-injection scenarios in their long
// form (`make chaos`): 20 SIGKILLs of serve mid-burst, minutes of Telegram
// errors, PostgreSQL restarts, two replicas, clock jumps, a minute of 429
// answers from one chat, a minute of Zalo answering 408 and 429 to every
// message. It prints a table of what each scenario decided,
// delivered, duplicated and lost, and with -doc writes it into that
// Markdown file between the marker comments "<!-- chaos:begin -->" and
// "<!-- chaos:end -->", so that reruns replace it.
//
// It builds nhacviec and starts a throwaway PostgreSQL cluster of its own.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/nhacviec/nhacviec/pgcluster"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/tools/chaos/chaos"
)

const (
	beginMarker = "<!-- chaos:begin -->"
	endMarker   = "<!-- chaos:end -->"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:])
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "chaos:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("chaos", flag.ContinueOnError)
	doc := fs.String("doc", "", "Markdown file to write the table into (between the chaos markers)")
	kills := fs.Int("kills", 20, "SIGKILLs of serve, one per burst")
	messages := fs.Int("messages", 300, "messages per burst")
	chats := fs.Int("chats", 30, "chats a burst goes to")
	faulty := fs.Duration("faulty", 2*time.Minute, "how long Telegram answers 5xx, timeouts and 429")
	restarts := fs.Int("pg-restarts", 5, "PostgreSQL restarts under serve")
	throttled := fs.Duration("throttled", time.Minute, "how long one group chat answers 429 (retry_after 3)")
	zaloFaulty := fs.Duration("zalo-faulty", time.Minute, "how long Zalo answers 408 and 429 to every message")
	verbose := fs.Bool("v", false, "log progress")
	only := fs.String("only", "", "run only these scenarios, comma-separated: kill, postgres, telegram, replicas, clock, throttle, zalo")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *only != "" && *doc != "" {
		return errors.New("-only runs part of the table: it cannot write -doc")
	}

	root, err := os.MkdirTemp("", "nhacviec-chaos-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(root)
	n := 0
	tempDir := func() string {
		n++
		dir := filepath.Join(root, fmt.Sprint(n))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			panic(err) // the root was just made; only a full disk gets here
		}
		return dir
	}
	logf := func(string, ...any) {}
	if *verbose {
		logf = func(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) }
	}

	bin := filepath.Join(root, "nhacviec")
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/nhacviec").CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %w\n%s", err, out)
	}
	cluster, err := pgcluster.Start(ctx, pgcluster.Options{DataDir: tempDir(), Ephemeral: true, Logf: logf})
	if err != nil {
		return err
	}
	defer func() { _ = cluster.Stop(context.WithoutCancel(ctx)) }()
	dbs := 0
	env := chaos.Env{
		Bin:     bin,
		TempDir: tempDir,
		Logf:    logf,
		Database: func(ctx context.Context) (string, error) {
			dbs++
			name := fmt.Sprintf("chaos_%d", dbs)
			if err := cluster.CreateDatabase(ctx, name); err != nil {
				return "", err
			}
			st, err := store.Open(ctx, cluster.URL(name))
			if err != nil {
				return "", err
			}
			defer st.Close()
			if _, err := st.Migrate(ctx); err != nil {
				return "", err
			}
			return cluster.URL(name), nil
		},
	}

	scenarios := []struct {
		name   string
		maxDup func(chaos.Result) int
		run    func() (chaos.Result, error)
	}{
		{"kill", perCrash, func() (chaos.Result, error) {
			return chaos.KillServe(ctx, env, chaos.KillOptions{Rounds: *kills, Messages: *messages, Chats: *chats})
		}},
		{"postgres", perCrash, func() (chaos.Result, error) {
			return chaos.PostgresRestart(ctx, env, chaos.PostgresOptions{Restarts: *restarts, Messages: *messages, Chats: *chats, Down: 3 * time.Second})
		}},
		{"telegram", perTimeout, func() (chaos.Result, error) {
			return chaos.TelegramFaults(ctx, env, chaos.FaultOptions{Messages: *messages, Chats: *chats, Faulty: *faulty})
		}},
		{"replicas", none, func() (chaos.Result, error) {
			return chaos.Replicas(ctx, env, chaos.ReplicaOptions{Messages: *messages, Chats: *chats, Days: 31})
		}},
		{"clock", decisionsOnly, func() (chaos.Result, error) { return chaos.ClockJumps(ctx, env) }},
		{"throttle", none, func() (chaos.Result, error) {
			return chaos.ThrottledChat(ctx, env, chaos.ThrottleOptions{Messages: *messages, Chats: *chats, Replies: 5, Throttled: *throttled, RetryAfter: 3})
		}},
		{"zalo", none, func() (chaos.Result, error) {
			return chaos.ZaloFaults(ctx, env, chaos.ZaloOptions{Messages: *messages, Chats: *chats, Faulty: *zaloFaulty})
		}},
	}
	var (
		results []chaos.Result
		errs    []error
	)
	for _, s := range scenarios {
		if *only != "" && !slices.Contains(strings.Split(*only, ","), s.name) {
			continue
		}
		res, err := s.run()
		if err == nil {
			err = check(res, s.maxDup)
		}
		if err != nil {
			errs = append(errs, err)
			res.Notes += " — FAILED: " + err.Error()
		}
		fmt.Fprintf(os.Stderr, "%s: decided %d, delivered %d, duplicated %d, lost %d (%s)\n",
			res.Scenario, res.Decided, res.Delivered, res.Duplicated, res.Lost, res.Elapsed.Round(time.Second))
		results = append(results, res)
	}
	table := chaos.Table(results)
	fmt.Print(table)
	if *doc != "" {
		stamp := fmt.Sprintf("Last `make chaos`: %s.\n\n", time.Now().Format("2006-01-02"))
		if err := replaceBetweenMarkers(*doc, stamp+table); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// perCrash allows one duplicate per crash: with telegram.max_in_flight 1
// (the default) one message at most is between Telegram's answer and its
// "sent" mark.
func perCrash(r chaos.Result) int { return r.Crashes }

// perTimeout allows one duplicate per send that timed out: it may have
// reached Telegram.
func perTimeout(r chaos.Result) int { return r.Timeouts }

// decisionsOnly marks the scheduler scenarios, whose runs may be skipped
// or taken by another claimant (that is the point): only duplicate
// decisions and failed runs count.
func decisionsOnly(chaos.Result) int { return -1 }

// check applies the scenario's rule to res.
func check(res chaos.Result, maxDup func(chaos.Result) int) error {
	if n := maxDup(res); n >= 0 {
		return res.Check(n)
	}
	if res.Duplicated != 0 || res.Lost != 0 {
		return fmt.Errorf("%s: %d duplicate decisions, %d failed runs", res.Scenario, res.Duplicated, res.Lost)
	}
	return nil
}

// none allows no duplicate.
func none(chaos.Result) int { return 0 }

// replaceBetweenMarkers replaces the text between the chaos markers of the
// file at path with text.
func replaceBetweenMarkers(path, text string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	s := string(b)
	i := strings.Index(s, beginMarker)
	j := strings.Index(s, endMarker)
	if i < 0 || j < i {
		return fmt.Errorf("%s: no %s … %s markers", path, beginMarker, endMarker)
	}
	s = s[:i+len(beginMarker)] + "\n" + text + s[j:]
	return os.WriteFile(path, []byte(s), 0o644)
}

// Command nhacviec turns a People's Committee's administrative-reform plan
// into Telegram reminders, progress replies and periodic digests.
//
// main stays thin: it parses the command line and hands a context, the
// standard streams and the environment to run, which tests call directly.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	_ "time/tzdata" // time zones on machines without zone files

	"github.com/nhacviec/nhacviec/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// env is what every command receives.
type env struct {
	stdout io.Writer
	// stderr redacts secrets: every error and log line goes through it.
	stderr io.Writer
	getenv func(string) string
	// redact is stderr's redactor; loading the configuration adds its
	// secrets.
	redact *app.Redactor
}

// command is one subcommand of nhacviec.
type command struct {
	name    string
	args    string // argument synopsis for usage
	summary string
	run     func(ctx context.Context, e env, args []string) error
}

func commands() []command {
	return []command{
		{"migrate", "", "apply the embedded schema migrations (safe to run concurrently)", runMigrate},
		{"import", "PLAN.yaml", "validate a plan file, then create or update the plan by its keys", runImport},
		{"export-template", "[-o FILE]", "write the Excel plan template, filled with the example plan", runExportTemplate},
		{"invite", "KEY... [--relink] | --all | revoke KEY...", "issue (or revoke) single-use Telegram link codes for officials", runInvite},
		{"officials", "", "list officials and whether they are linked to Telegram", runOfficials},
		{"units", "", "list the units imported, with their codes", runUnits},
		{"reading", "TARGET_KEY VALUE", "record a target reading as the office (external targets, or on an official's behalf)", runReading},
		{"leave", "KEY --from DATE --to DATE [--standin KEY] | KEY --cancel | --list", "record, end or list officials' leave and their stand-ins", runLeave},
		{"tick", "--at RFC3339", "run once every scheduled job that fires at that minute", runTick},
		{"digest", "--period P", "compile a digest (text, json)", runDigest},
		{"report", "--period P -o FILE.docx", "draft the unit's periodic reform report (Word, Nghị định 30/2020)", runReport},
		{"serve", "", "run the scheduler, the Telegram bot and the delivery worker", runServe},
		{"demo", "", "replay a quarter of the example plan with simulated officials", runDemo},
		{"calendar", "YEAR [--format text|json]", "print a year's holidays and make-up working days", runCalendar},
		{"check-config", "", "load and validate the configuration, print it without secrets", runCheckConfig},
		{"healthcheck", "", "ask the running serve's /healthz (for Docker and monitoring); exit 0 when healthy", runHealthcheck},
		{"rotate-key", "[--keep-old DURATION]", "create a new inline-button signing key; older keys verify until they retire", runRotateKey},
	}
}

// usageError is an error after which the command's usage helps.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// run runs the command of args. Everything it writes to stderr — the
// final error included — goes through a Redactor, so a secret quoted by an
// error (a database URL with its password, the bot token in a Bot API URL)
// is never printed.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	redact := app.NewRedactor(stderr)
	stderr = redact
	e := env{stdout: stdout, stderr: stderr, getenv: getenv, redact: redact}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printUsage(stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, e, args[1:])
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.As(err, new(usageError)):
			fmt.Fprintf(stderr, "nhacviec %s: %v (see nhacviec %s --help)\n", c.name, err, c.name)
			return 2
		default:
			fmt.Fprintf(stderr, "nhacviec %s: %v\n", c.name, oneLine(err.Error()))
			return 1
		}
	}
	fmt.Fprintf(stderr, "nhacviec: unknown command %q (see nhacviec --help)\n", args[0])
	return 2
}

// oneLine keeps multi-line errors readable on one line unless they are a
// list of located errors, which read best one per line.
func oneLine(s string) string {
	if strings.Count(s, "\n") > 0 && !strings.Contains(s, ":") {
		return strings.Join(strings.Fields(s), " ")
	}
	return s
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "nhacviec — nhắc việc: reminders and digests for an administrative-reform plan")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage: nhacviec COMMAND [--config FILE] [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-15s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Every command takes --config FILE (default $NHACVIEC_CONFIG, else ./config.yaml; when")
	fmt.Fprintln(w, "that is absent, built-in defaults and NHACVIEC_* environment variables). Run nhacviec")
	fmt.Fprintln(w, "COMMAND --help for its flags.")
}

// newFlags returns a FlagSet for a command with the shared --config flag.
func newFlags(e env, name, args, summary string) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	// A parse error is reported by run on one line; only --help prints
	// the usage (parseFlags).
	fs.SetOutput(io.Discard)
	def := "config.yaml"
	if v := e.getenv("NHACVIEC_CONFIG"); v != "" {
		def = v
	}
	cfgPath := fs.String("config", def, "configuration `FILE` (default from NHACVIEC_CONFIG, else config.yaml)")
	fs.Usage = func() {
		fmt.Fprintf(e.stdout, "Usage: nhacviec %s [--config FILE] %s\n\n%s\n\nFlags:\n", name, args, summary)
		fs.SetOutput(e.stdout)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	return fs, cfgPath
}

// parseFlags parses args, allowing flags after positional arguments
// (nhacviec import plan.yaml --dry-run). A bad flag is a usageError: one
// line, pointing to --help.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	// The flag package prints the usage on any parse error; only --help
	// should.
	usage := fs.Usage
	fs.Usage = func() {}
	defer func() { fs.Usage = usage }()
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				usage()
				return nil, err
			}
			return nil, usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

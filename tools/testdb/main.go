// Command testdb runs a command against one throwaway PostgreSQL cluster,
// so that every test package of "go test ./..." shares a server instead of
// starting its own:
//
//	go run ./tools/testdb -- go test -race -count=1 ./...
//
// It starts an ephemeral cluster (package pgcluster) in a temporary
// directory, runs the command with TEST_DATABASE_URL set to the server,
// then stops the cluster, removes the directory and exits with the
// command's exit status. Without a command it prints the URL and keeps the
// server running until interrupted. When TEST_DATABASE_URL is already set,
// it runs the command against that server and starts nothing.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"

	"github.com/nhacviec/nhacviec/pgcluster"
)

// envURL is the variable package storetest reads (storetest.EnvURL; not
// imported, to keep the testing package out of this program).
const envURL = "TEST_DATABASE_URL"

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

// run does the work of main and returns the exit status.
func run(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("testdb", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", "", "cluster directory (default: a new temporary directory, removed at the end)")
	install := fs.Bool("install", false, "install the Debian package postgresql when the server binaries are missing (as root)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: testdb [-dir DIR] [-install] [--] [COMMAND [ARG...]]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	logf := func(format string, args ...any) {
		fmt.Fprintf(stderr, "testdb: "+format+"\n", args...)
	}

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(signals)

	if url := os.Getenv(envURL); url != "" {
		logf("using the server of %s", envURL)
		return runCommand(fs.Args(), url, signals, logf)
	}

	clusterDir := *dir
	if clusterDir == "" {
		tmp, err := os.MkdirTemp("", "nhacviec-testdb-")
		if err != nil {
			logf("%v", err)
			return 1
		}
		defer os.RemoveAll(tmp)
		clusterDir = tmp
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	c, err := pgcluster.Start(ctx, pgcluster.Options{
		DataDir:   clusterDir,
		Logf:      logf,
		Install:   *install,
		Ephemeral: true,
	})
	cancel()
	if err != nil {
		logf("%v", err)
		return 1
	}
	url := c.URL("postgres")
	logf("%s=%s", envURL, url)

	var status int
	if fs.NArg() == 0 {
		logf("server running; interrupt to stop it")
		<-signals
	} else {
		status = runCommand(fs.Args(), url, signals, logf)
	}

	stopCtx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := c.Stop(stopCtx); err != nil {
		logf("%v", err)
		if status == 0 {
			status = 1
		}
	}
	return status
}

// runCommand runs argv with TEST_DATABASE_URL=url, passing on the signals
// testdb receives, and returns its exit status.
func runCommand(argv []string, url string, signals <-chan os.Signal, logf func(string, ...any)) int {
	if len(argv) == 0 {
		logf("no command given")
		return 2
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), envURL+"="+url)
	if err := cmd.Start(); err != nil {
		logf("%v", err)
		return 1
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for {
		select {
		case sig := <-signals:
			_ = cmd.Process.Signal(sig)
		case err := <-done:
			var exit *exec.ExitError
			switch {
			case err == nil:
				return 0
			case errors.As(err, &exit) && exit.ExitCode() > 0:
				return exit.ExitCode()
			default:
				logf("%s: %v", argv[0], err)
				return 1
			}
		}
	}
}

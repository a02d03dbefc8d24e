package chaos

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/telegramtest"
)

// serveProc is a `nhacviec serve` child process.
type serveProc struct {
	cmd  *exec.Cmd
	logf string
	done chan error
}

// writeConfig writes a config file for serve against dbURL and the fake
// Telegram tg into dir and returns its path.
func writeConfig(dir, dbURL string, tg *telegramtest.Server) (string, error) {
	path := filepath.Join(dir, "config.yaml")
	text := fmt.Sprintf(`database:
  url: %q
telegram:
  token: %q
  api_url: %q
  rate_per_second: 30
log:
  level: info
`, dbURL, tg.Token(), tg.URL())
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		return "", fmt.Errorf("chaos: write config: %w", err)
	}
	return path, nil
}

// startServe starts `bin serve --config cfg`, its output appended to
// logPath.
func startServe(bin, cfg, logPath string) (*serveProc, error) {
	out, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("chaos: serve log: %w", err)
	}
	cmd := exec.Command(bin, "serve", "--config", cfg)
	cmd.Stdout = out
	cmd.Stderr = out
	cmd.Env = filterEnv(os.Environ())
	if err := cmd.Start(); err != nil {
		out.Close()
		return nil, fmt.Errorf("chaos: start serve: %w", err)
	}
	p := &serveProc{cmd: cmd, logf: logPath, done: make(chan error, 1)}
	go func() {
		p.done <- cmd.Wait()
		out.Close()
	}()
	return p, nil
}

// filterEnv drops the NHACVIEC_ variables of the host so that only the
// config file speaks.
func filterEnv(env []string) []string {
	out := env[:0]
	for _, kv := range env {
		if !strings.HasPrefix(kv, "NHACVIEC_") {
			out = append(out, kv)
		}
	}
	return out
}

// kill sends SIGKILL and waits for the process to be gone.
func (p *serveProc) kill() {
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// stop sends SIGTERM and waits up to 20 s for a clean exit.
func (p *serveProc) stop() error {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.done:
		if err != nil {
			return fmt.Errorf("chaos: serve exited: %w (log: %s)", err, tailFile(p.logf))
		}
		return nil
	case <-time.After(20 * time.Second):
		p.kill()
		return errors.New("chaos: serve did not stop within 20 s of SIGTERM")
	}
}

// exited reports whether the process has ended, and how.
func (p *serveProc) exited() (bool, error) {
	select {
	case err := <-p.done:
		p.done <- err // keep it for kill and stop
		return true, err
	default:
		return false, nil
	}
}

// tailFile returns the last lines of a log file.
func tailFile(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

// KillOptions sizes the kill -9 scenario.
type KillOptions struct {
	Rounds   int // bursts, each with one SIGKILL of serve mid-burst
	Messages int // messages per burst
	Chats    int // chats they go to
}

// KillServe runs `nhacviec serve` against a fresh database and a fake
// Telegram; each round enqueues a burst, SIGKILLs serve once part of it has
// arrived, lets the killed worker's leases run out, restarts serve and
// waits for the rest. Every message must arrive, at most twice.
func KillServe(ctx context.Context, env Env, o KillOptions) (Result, error) {
	start := time.Now()
	res := Result{Scenario: "kill -9 of serve mid-burst",
		Notes: fmt.Sprintf("%d × SIGKILL, %d messages to %d chats each", o.Rounds, o.Messages, o.Chats)}
	url, err := env.Database(ctx)
	if err != nil {
		return res, err
	}
	st, err := store.Open(ctx, url)
	if err != nil {
		return res, fmt.Errorf("chaos: %w", err)
	}
	defer st.Close()
	tg := telegramtest.New(telegramtest.WithMaxPollTimeout(200 * time.Millisecond))
	defer tg.Close()
	dir := env.TempDir()
	cfg, err := writeConfig(dir, url, tg)
	if err != nil {
		return res, err
	}
	logPath := filepath.Join(dir, "serve.log")

	for round := range o.Rounds {
		prefix := fmt.Sprintf("kill%02d", round)
		b, err := enqueueBurst(ctx, st, prefix, o.Messages, o.Chats, time.Now())
		if err != nil {
			return res, err
		}
		p, err := startServe(env.Bin, cfg, logPath)
		if err != nil {
			return res, err
		}
		// Kill somewhere between a fifth and four fifths of the burst.
		killAt := o.Messages * (1 + round%4) / 5
		err = waitFor(ctx, 30*time.Second, "first part of the burst", func() (bool, error) {
			if done, werr := p.exited(); done {
				return false, fmt.Errorf("chaos: serve exited early: %v: %s", werr, tailFile(logPath))
			}
			return b.count(tg) >= max(killAt, 1), nil
		})
		if err != nil {
			p.kill()
			return res, err
		}
		p.kill()
		res.Crashes++
		env.logf("round %d: killed serve after %d of %d delivered (%s)", round, b.count(tg), o.Messages, time.Since(start).Round(time.Millisecond))
		// A claim the killed process had sent may still be running in its
		// backend, which commits it (a single statement) before it notices
		// the client is gone: its rows would then be leased for a minute
		// after the leases below were expired. Wait for such backends first.
		if err := waitBackendsIdle(ctx, st); err != nil {
			return res, err
		}
		if err := expireLeases(ctx, st, prefix, time.Now()); err != nil {
			return res, err
		}
		p, err = startServe(env.Bin, cfg, logPath)
		if err != nil {
			return res, err
		}
		err = waitFor(ctx, 60*time.Second, "whole burst after restart", func() (bool, error) {
			return b.count(tg) >= o.Messages, nil
		})
		if err != nil {
			// Say whether the rows left were leased (claimed and not marked)
			// or due and not taken.
			var leased, due int
			_ = st.DB().QueryRowContext(ctx, `
				SELECT count(*) FILTER (WHERE next_attempt_at > now()), count(*) FILTER (WHERE next_attempt_at <= now())
				FROM outbox WHERE starts_with(dedupe_key, $1) AND status = 'pending'`, prefix+"-").Scan(&leased, &due)
			err = fmt.Errorf("%w (pending rows: %d leased, %d due)", err, leased, due)
		}
		// Let marks of the last sends commit before the count.
		if err == nil {
			err = waitFor(ctx, 10*time.Second, "outbox marked sent", func() (bool, error) {
				var pending int
				qerr := st.DB().GetContext(ctx, &pending, `
					SELECT count(*) FROM outbox WHERE starts_with(dedupe_key, $1) AND status = 'pending'`, prefix+"-")
				return pending == 0, qerr
			})
		}
		if serr := p.stop(); err == nil {
			err = serr
		}
		res, _ = b.result(ctx, st, tg, res)
		if err != nil {
			return res, fmt.Errorf("%w (serve log: %s)", err, tailFile(logPath))
		}
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

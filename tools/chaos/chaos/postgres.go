package chaos

import (
	"context"
	"fmt"
	"net/url"
	"path/filepath"
	"strconv"
	"time"

	"github.com/nhacviec/nhacviec/pgcluster"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/telegramtest"
)

// PostgresOptions sizes the PostgreSQL-restart scenario.
type PostgresOptions struct {
	Restarts int           // PostgreSQL stops and starts while serve runs
	Messages int           // messages per burst (one burst before each restart, one after the last)
	Chats    int           // chats they go to
	Down     time.Duration // how long PostgreSQL stays down each time
}

// PostgresRestart runs `nhacviec serve` against a PostgreSQL cluster of its
// own, stops the cluster mid-burst and starts it again on the same data
// directory and port, o.Restarts times. Serve may ride it out or exit
// non-zero (it is then started again, counted as a crash); either way every
// message of every burst must arrive once PostgreSQL is back.
func PostgresRestart(ctx context.Context, env Env, o PostgresOptions) (Result, error) {
	start := time.Now()
	res := Result{Scenario: "PostgreSQL restarted under serve",
		Notes: fmt.Sprintf("%d × stop/start of PostgreSQL, %s down, %d messages to %d chats per burst", o.Restarts, o.Down, o.Messages, o.Chats)}
	dir := env.TempDir()
	popts := pgcluster.Options{DataDir: filepath.Join(dir, "pg"), Ephemeral: true, Logf: env.Logf}
	cluster, err := pgcluster.Start(ctx, popts)
	if err != nil {
		return res, fmt.Errorf("chaos: %w", err)
	}
	defer func() { _ = cluster.Stop(context.WithoutCancel(ctx)) }()
	if err := cluster.CreateDatabase(ctx, "chaos"); err != nil {
		return res, fmt.Errorf("chaos: %w", err)
	}
	dbURL := cluster.URL("chaos")
	u, err := url.Parse(dbURL)
	if err != nil {
		return res, fmt.Errorf("chaos: %w", err)
	}
	popts.Port, err = strconv.Atoi(u.Port())
	if err != nil {
		return res, fmt.Errorf("chaos: port of %s: %w", u.Redacted(), err)
	}
	st, err := store.Open(ctx, dbURL)
	if err != nil {
		return res, fmt.Errorf("chaos: %w", err)
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		return res, fmt.Errorf("chaos: %w", err)
	}

	tg := telegramtest.New(telegramtest.WithMaxPollTimeout(200 * time.Millisecond))
	defer tg.Close()
	cfg, err := writeConfig(dir, dbURL, tg)
	if err != nil {
		return res, err
	}
	logPath := filepath.Join(dir, "serve.log")
	p, err := startServe(env.Bin, cfg, logPath)
	if err != nil {
		return res, err
	}
	defer func() {
		if p != nil {
			p.kill()
		}
	}()

	var bursts []burst
	for round := 0; round <= o.Restarts; round++ {
		b, err := enqueueBurst(ctx, st, fmt.Sprintf("pg%02d", round), o.Messages, o.Chats, time.Now())
		if err != nil {
			return res, err
		}
		bursts = append(bursts, b)
		if round == o.Restarts {
			break
		}
		err = waitFor(ctx, 30*time.Second, "part of the burst before the restart", func() (bool, error) {
			return b.count(tg) >= o.Messages/3, nil
		})
		if err != nil {
			return res, fmt.Errorf("%w: %s", err, tailFile(logPath))
		}
		if err := cluster.Stop(ctx); err != nil {
			return res, fmt.Errorf("chaos: stop PostgreSQL: %w", err)
		}
		res.Crashes++
		env.logf("round %d: PostgreSQL stopped after %d of %d delivered", round, b.count(tg), o.Messages)
		time.Sleep(o.Down) // an outage, not a schedule: wall time is what is injected
		cluster, err = pgcluster.Start(ctx, popts)
		if err != nil {
			return res, fmt.Errorf("chaos: start PostgreSQL again: %w", err)
		}
		if done, werr := p.exited(); done {
			env.logf("round %d: serve exited (%v); starting it again", round, werr)
			if p, err = startServe(env.Bin, cfg, logPath); err != nil {
				return res, err
			}
		}
		// Rows whose "sent" mark failed while PostgreSQL was down stay
		// leased; let those leases run out now rather than in a minute.
		for _, b := range bursts {
			if err := waitFor(ctx, 10*time.Second, "database back", func() (bool, error) {
				return expireLeases(ctx, st, b.prefix, time.Now()) == nil, nil
			}); err != nil {
				return res, err
			}
		}
	}
	err = waitFor(ctx, 60*time.Second, "every burst after the restarts", func() (bool, error) {
		var pending int
		qerr := st.DB().GetContext(ctx, &pending, `SELECT count(*) FROM outbox WHERE status = 'pending'`)
		return pending == 0, qerr
	})
	if done, werr := p.exited(); done && err == nil {
		err = fmt.Errorf("chaos: serve exited after PostgreSQL came back: %v", werr)
	}
	for _, b := range bursts {
		res, _ = b.result(ctx, st, tg, res)
	}
	if err == nil {
		err = p.stop()
	} else {
		err = fmt.Errorf("%w: %s", err, tailFile(logPath))
	}
	p = nil
	res.Elapsed = time.Since(start)
	return res, err
}

// Command bench measures nhacviec at the scale of the whole country and
// writes docs/BENCHMARKS.md: the machine, the commands, every figure and
// its ratio to the limit it is held to.
//
//	go run ./tools/bench            # the full run (3,300 units), also `make bench`
//	go run ./tools/bench -quick     # a small run to try things out
//	go run ./tools/bench -zalo      # the Zalo delivery run alone (its section)
//	go run ./tools/bench -country   # the country's morning, a bot per province (its section)
//
// It starts a throwaway PostgreSQL (package pgcluster) in a temporary
// directory, or uses the server of TEST_DATABASE_URL (or -url), where it
// creates its own databases bench_full, bench_hist1 and bench_hist10. It
// fills them with tools/gen/gen, then measures the remind job, the
// delivery worker against the fake Telegram server, digest compilation and
// the memory of `nhacviec serve`: idle, under a burst, and while a
// morning's jobs (`nhacviec tick --at`, the reminder run and a weekly
// digest of every unit, some ten minutes) run beside it.
//
//	go run ./tools/bench -serve-only -reuse -profiles /tmp/prof -url …   # serve's memory alone, with heap profiles
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/lib/pq"

	"github.com/nhacviec/nhacviec/pgcluster"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/tools/gen/gen"
	"github.com/nhacviec/nhacviec/zalo"
)

// params is the size of a run.
type params struct {
	Units       int // units of the main database
	HistUnits   int // units of the history comparison
	HistoryX    int // history multiplier of the comparison
	TickReps    int // remind runs on the main database
	HistReps    int // remind runs on each history database (small, so noisier)
	FreeMsgs    int // messages of the unlimited delivery run
	LimitedMsgs int // messages of the rate-limited run
	BareRows    int
	DigestReps  int
	BurstMsgs   int // messages of the serve burst
	RedateOccs  int // open occurrences re-dated after a calendar change
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run() error {
	var (
		quick   = flag.Bool("quick", false, "a small run: 100 units, shorter measurements")
		units   = flag.Int("units", 0, "units of the main database (default 3300, -quick 100)")
		out     = flag.String("o", "docs/BENCHMARKS.md", "report file to write")
		dbURL   = flag.String("url", os.Getenv("TEST_DATABASE_URL"), "PostgreSQL server to use (default $TEST_DATABASE_URL; empty: start a throwaway one)")
		durable = flag.Bool("durable", false, "with the throwaway server: keep fsync and synchronous commit on")
		noServe = flag.Bool("no-serve", false, "skip the memory measurement of nhacviec serve")
		onlyMem = flag.Bool("serve-only", false, "only the main database and the memory of nhacviec serve; prints the figures, writes no report")
		reuse   = flag.Bool("reuse", false, "with -serve-only and a server kept between runs (-url): generate the main database once, as bench_full_seed_<units>, and copy it for each run")
		profDir = flag.String("profiles", "", "write serve's heap profiles, idle and at the burst's peak, to this directory (and their top entries to the report)")
		styles  = flag.Bool("styles", false, "only the reminder run and its fan-out on the main database, with reminders.style each then brief; prints the figures, writes no report")
		zaloRun = flag.Bool("zalo", false, "only the Zalo delivery runs (about 2.5 minutes): rewrites the Zalo section of the report file, which the full run keeps")
		zaloN   = flag.Int("zalo-messages", 500, "messages of the Zalo delivery run")
		zaloC   = flag.Int("zalo-chats", 200, "Zalo chats of the Zalo delivery run")
		cpuProf = flag.String("cpuprofile", "", "with -country: write a CPU profile of the morning with a bot per province to this file")
		country = flag.Bool("country", false, "only the country's morning (about 10 minutes): a bot per province, then one bot; rewrites the country section of the report file, which the full run keeps")
	)
	flag.Parse()
	p := params{Units: 3300, HistUnits: 50, HistoryX: 10, TickReps: 2, HistReps: 9, FreeMsgs: 3000, LimitedMsgs: 900,
		BareRows: 3000, DigestReps: 21, BurstMsgs: 2000, RedateOccs: 200000}
	if *quick {
		p = params{Units: 100, HistUnits: 10, HistoryX: 10, TickReps: 3, HistReps: 5, FreeMsgs: 500, LimitedMsgs: 150,
			BareRows: 500, DigestReps: 5, BurstMsgs: 300, RedateOccs: 200000}
	}
	if *units > 0 {
		p.Units = *units
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	started := time.Now()

	rep := &reportDoc{Params: p, Quick: *quick, Args: os.Args[1:], Load0: loadAvg()}
	rep.Machine = machineInfo()

	// The server.
	server := *dbURL
	if server == "" {
		dir, err := os.MkdirTemp("", "nhacviec-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		c, err := pgcluster.Start(ctx, pgcluster.Options{
			DataDir:   filepath.Join(dir, "pg"),
			Ephemeral: !*durable,
			Install:   os.Geteuid() == 0,
			Logf:      func(f string, a ...any) { log.Info(fmt.Sprintf(f, a...), "component", "pgcluster") },
		})
		if err != nil {
			return err
		}
		defer func() {
			sctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if err := c.Stop(sctx); err != nil {
				log.Error("stop PostgreSQL", "err", err)
			}
		}()
		server = c.URL("postgres")
		rep.Server = "throwaway cluster started by tools/bench (package pgcluster)"
		if !*durable {
			rep.Server += ", ephemeral settings: fsync, synchronous_commit and full_page_writes off"
		}
	} else {
		rep.Server = "the server of TEST_DATABASE_URL / -url"
	}

	open := func(name string) (*store.Store, error) {
		u, err := freshDatabase(ctx, server, name)
		if err != nil {
			return nil, err
		}
		st, err := store.Open(ctx, u)
		if err != nil {
			return nil, err
		}
		if _, err := st.Migrate(ctx); err != nil {
			st.Close()
			return nil, err
		}
		return st, nil
	}

	if *country {
		cp := countryParams{Units: 3300, Provinces: 34, PerToken: 30, ChatEvery: time.Second, OneBotFor: time.Minute, ProbeEach: 2 * time.Second, CPUProfile: *cpuProf}
		if *quick {
			cp.Units, cp.Provinces = 100, 4
		}
		if *units > 0 {
			cp.Units = *units
		}
		return runCountry(ctx, open, *out, cp, rep, log)
	}
	if *zaloRun {
		return runZalo(ctx, open, *out, zaloParams{Messages: *zaloN, Chats: *zaloC, Rate: 5, ChatEvery: time.Second, LaneRate: zalo.LaneRate(5)}, rep, log)
	}

	if *onlyMem && *reuse {
		full, err := seededCopy(ctx, server, open, p.Units, log)
		if err != nil {
			return err
		}
		defer full.Close()
		s := measureServe(ctx, full, p.BurstMsgs, *profDir, log)
		fmt.Print(s.text(p.Units))
		return nil
	}

	// 1. The main database: every unit of the country, one year.
	full, err := open("bench_full")
	if err != nil {
		return err
	}
	defer full.Close()
	if err := full.DB().GetContext(ctx, &rep.Machine.Postgres, `SELECT version()`); err != nil {
		return err
	}
	log.Info("generating", "units", p.Units)
	rep.GenFull, err = gen.Generate(ctx, full, gen.Options{Units: p.Units, Log: log})
	if err != nil {
		return err
	}
	rep.SizeFull = dbSize(ctx, full)
	log.Info("generated", "stats", rep.GenFull.String(), "size", rep.SizeFull)

	if *styles {
		return measureStyles(ctx, full, p, log)
	}
	if *onlyMem {
		s := measureServe(ctx, full, p.BurstMsgs, *profDir, log)
		fmt.Print(s.text(p.Units))
		return nil
	}
	log.Info("measuring the remind tick", "units", p.Units)
	if rep.TickFull, err = measureTick(ctx, full, p.TickReps); err != nil {
		return err
	}

	// 2. History: the same units with one and HistoryX years.
	for i, years := range []int{1, p.HistoryX} {
		name := fmt.Sprintf("bench_hist%d", years)
		st, err := open(name)
		if err != nil {
			return err
		}
		log.Info("generating", "units", p.HistUnits, "history", years)
		g, err := gen.Generate(ctx, st, gen.Options{Units: p.HistUnits, History: years, Log: log})
		if err != nil {
			st.Close()
			return err
		}
		t, err := measureTick(ctx, st, p.HistReps)
		st.Close()
		if err != nil {
			return err
		}
		rep.GenHist[i], rep.TickHist[i] = g, t
	}

	// 3. Digests, on the main database.
	log.Info("measuring digests")
	if rep.Digest, err = measureDigest(ctx, full, p.DigestReps, time.Minute); err != nil {
		return err
	}

	// 4. Delivery.
	log.Info("measuring delivery without limits", "messages", p.FreeMsgs)
	if rep.Free, err = measureDelivery(ctx, full, p.FreeMsgs, 3, false, "free"); err != nil {
		return err
	}
	if rep.Free.Bare, err = measureBare(ctx, full, p.BareRows); err != nil {
		return err
	}
	rep.Free.BareCount = p.BareRows
	log.Info("measuring delivery with Telegram's limits", "messages", p.LimitedMsgs)
	if rep.Limited, err = measureDelivery(ctx, full, p.LimitedMsgs, 2, true, "limited"); err != nil {
		return err
	}

	// 5. Memory of serve.
	if *noServe {
		rep.Serve.Skipped = "skipped (-no-serve)"
	} else {
		log.Info("measuring serve")
		rep.Serve = measureServe(ctx, full, p.BurstMsgs, *profDir, log)
	}

	// 6. The calendar: a year computed, and re-dating the open
	// occurrences after a calendar change.
	rep.Calendar = measureCalendarYear()
	log.Info("measuring re-dating", "occurrences", p.RedateOccs)
	rd, err := open("bench_redate")
	if err != nil {
		return err
	}
	err = measureRedate(ctx, rd, p.RedateOccs, &rep.Calendar)
	rd.Close()
	if err != nil {
		return fmt.Errorf("re-dating: %w", err)
	}

	rep.Elapsed = time.Since(started)
	rep.Load1 = loadAvg()
	if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
		return err
	}
	doc := rep.markdown() + keptTail(*out)
	if err := os.WriteFile(*out, []byte(doc), 0o644); err != nil {
		return err
	}
	log.Info("wrote "+*out, "elapsed", rep.Elapsed.Round(time.Second))
	return nil
}

// keptMarker starts the hand-written part of the report file, which a run
// keeps as it is: measurements made outside make bench and the history of
// choices.
const keptMarker = "<!-- bench:kept:"

// keptTail returns the part of the report file at path from keptMarker on,
// preceded by a blank line; empty when the file or the marker is missing.
func keptTail(path string) string {
	old, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	i := strings.Index(string(old), keptMarker)
	if i < 0 {
		return ""
	}
	return "\n" + string(old[i:])
}

// freshDatabase drops and creates database name on the server of
// serverURL and returns its URL.
func freshDatabase(ctx context.Context, serverURL, name string) (string, error) {
	st, err := store.Open(ctx, serverURL)
	if err != nil {
		return "", err
	}
	defer st.Close()
	q := pq.QuoteIdentifier(name)
	if _, err := st.DB().ExecContext(ctx, `DROP DATABASE IF EXISTS `+q+` WITH (FORCE)`); err != nil {
		return "", fmt.Errorf("drop database %s: %w", name, err)
	}
	if _, err := st.DB().ExecContext(ctx, `CREATE DATABASE `+q); err != nil {
		return "", fmt.Errorf("create database %s: %w", name, err)
	}
	u, err := url.Parse(serverURL)
	if err != nil {
		return "", fmt.Errorf("database URL: %w", err)
	}
	u.Path = "/" + name
	return u.String(), nil
}

// seededCopy returns bench_full as a copy of bench_full_seed_<units>,
// which it generates first when the server has none.
func seededCopy(ctx context.Context, server string, open func(string) (*store.Store, error), units int, log *slog.Logger) (*store.Store, error) {
	seed := fmt.Sprintf("bench_full_seed_%d", units)
	admin, err := store.Open(ctx, server)
	if err != nil {
		return nil, err
	}
	defer admin.Close()
	var have bool
	if err := admin.DB().GetContext(ctx, &have, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, seed); err != nil {
		return nil, fmt.Errorf("look for %s: %w", seed, err)
	}
	if !have {
		st, err := open(seed)
		if err != nil {
			return nil, err
		}
		log.Info("generating", "units", units, "database", seed)
		_, err = gen.Generate(ctx, st, gen.Options{Units: units, Log: log})
		st.Close()
		if err != nil {
			return nil, err
		}
	}
	if _, err := admin.DB().ExecContext(ctx, `DROP DATABASE IF EXISTS bench_full WITH (FORCE)`); err != nil {
		return nil, fmt.Errorf("drop bench_full: %w", err)
	}
	if _, err := admin.DB().ExecContext(ctx, `CREATE DATABASE bench_full TEMPLATE `+pq.QuoteIdentifier(seed)); err != nil {
		return nil, fmt.Errorf("copy %s: %w", seed, err)
	}
	u, err := url.Parse(server)
	if err != nil {
		return nil, fmt.Errorf("database URL: %w", err)
	}
	u.Path = "/bench_full"
	st, err := store.Open(ctx, u.String())
	if err != nil {
		return nil, err
	}
	if _, err := st.Migrate(ctx); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

// dbSize is the size of the database of st, pretty-printed.
func dbSize(ctx context.Context, st *store.Store) string {
	var s string
	if err := st.DB().GetContext(ctx, &s, `SELECT pg_size_pretty(pg_database_size(current_database()))`); err != nil {
		return "?"
	}
	return s
}

// machine describes where the run happened.
type machine struct {
	CPU      string
	Cores    int
	Memory   string
	Kernel   string
	Go       string
	Postgres string
}

// loadAvg is the first three fields of /proc/loadavg.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

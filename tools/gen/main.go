// Command gen fills a nhacviec database with generated communes and wards,
// their plans and a year (or more) of history, for benchmarks and load
// tests:
//
//	go run ./tools/gen -units 100 -url postgres://user@host/db
//
// The database is migrated first. Generation is deterministic: the same
// flags on the same database state give the same rows.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"time"

	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/tools/gen/gen"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run() error {
	var (
		url     = flag.String("url", os.Getenv("DATABASE_URL"), "PostgreSQL URL of the database to fill (default $DATABASE_URL)")
		units   = flag.Int("units", 1, "number of communes and wards")
		history = flag.Int("history", 1, "plan years of history, ending with the year of -as-of")
		asOf    = flag.String("as-of", gen.DefaultAsOf().Format(time.RFC3339), "instant the history stands at (RFC 3339)")
		seed    = flag.Uint64("seed", 1, "random seed")
		prefix  = flag.String("prefix", "", "prefix of the unit codes (to fill one database twice)")
		workers = flag.Int("workers", 2, "parallel COPY transactions")
	)
	flag.Parse()
	if *url == "" {
		return fmt.Errorf("no database: pass -url or set DATABASE_URL")
	}
	at, err := time.Parse(time.RFC3339, *asOf)
	if err != nil {
		return fmt.Errorf("-as-of: %w", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	st, err := store.Open(ctx, *url)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	stats, err := gen.Generate(ctx, st, gen.Options{
		Units: *units, History: *history, AsOf: at, Seed: *seed, CodePrefix: *prefix, Workers: *workers, Log: log,
	})
	if err != nil {
		return err
	}
	fmt.Println(stats)
	return nil
}

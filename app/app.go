// Package app wires nhacviec's parts together for the commands: config,
// logger, database (an existing server or the managed local cluster), store,
// clock, calendar. It holds no global state; each command builds one App.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/nhacviec/nhacviec/clock"
	"github.com/nhacviec/nhacviec/config"
	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/pgcluster"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/store"
)

// DatabaseName is the database nhacviec uses inside a managed cluster.
const DatabaseName = "nhacviec"

// App is what a command works with.
type App struct {
	Cfg      config.Config
	Log      *slog.Logger
	Clock    clock.Clock
	Store    *store.Store
	Loc      *time.Location
	Calendar *plan.Calendar
	Printer  *i18n.Printer
	// Migrated lists the migrations Open applied.
	Migrated []string

	cluster *pgcluster.Cluster
}

// NewLogger returns the slog logger the config asks for, writing to w with
// the configured secrets redacted.
func NewLogger(cfg config.Config, w io.Writer) *slog.Logger {
	w = NewRedactor(w, cfg.Secrets()...)
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.Log.Level))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.Log.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// Option adjusts Open.
type Option func(*openOptions)

type openOptions struct {
	ephemeral bool
}

// Ephemeral makes a managed cluster trade durability for speed (fsync off):
// for the demo and tests, never for real data.
func Ephemeral() Option {
	return func(o *openOptions) { o.ephemeral = true }
}

// Open connects to the configured database — starting the managed local
// PostgreSQL under database.data_dir when database.url is empty — and applies
// pending migrations. Close releases everything Open started.
func Open(ctx context.Context, cfg config.Config, log *slog.Logger, clk clock.Clock, opts ...Option) (*App, error) {
	var o openOptions
	for _, opt := range opts {
		opt(&o)
	}
	loc, err := cfg.Location()
	if err != nil {
		return nil, err
	}
	cal, err := cfg.WorkCalendar()
	if err != nil {
		return nil, fmt.Errorf("config: calendar: %w", err)
	}
	lang, err := i18n.ParseLang(cfg.Language)
	if err != nil {
		return nil, fmt.Errorf("config: language: %w", err)
	}
	a := &App{Cfg: cfg, Log: log, Clock: clk, Loc: loc, Calendar: cal, Printer: i18n.New(lang)}

	url := cfg.Database.URL
	if url == "" {
		dir, err := filepath.Abs(cfg.Database.DataDir)
		if err != nil {
			return nil, fmt.Errorf("database.data_dir: %w", err)
		}
		c, err := pgcluster.Start(ctx, pgcluster.Options{
			DataDir:   dir,
			Install:   os.Geteuid() == 0,
			Ephemeral: o.ephemeral,
			Logf: func(format string, args ...any) {
				log.Info(fmt.Sprintf(format, args...), "component", "pgcluster")
			},
		})
		if err != nil {
			return nil, fmt.Errorf("managed PostgreSQL: %w", err)
		}
		a.cluster = c
		if err := c.CreateDatabase(ctx, DatabaseName); err != nil {
			a.Close()
			return nil, fmt.Errorf("managed PostgreSQL: %w", err)
		}
		url = c.URL(DatabaseName)
	}
	st, err := store.Open(ctx, url)
	if err != nil {
		a.Close()
		return nil, err
	}
	a.Store = st
	applied, err := st.Migrate(ctx)
	if err != nil {
		a.Close()
		return nil, err
	}
	a.Migrated = applied
	return a, nil
}

// Close closes the store and stops the managed cluster if this App started it.
func (a *App) Close() error {
	var errs []error
	if a.Store != nil {
		errs = append(errs, a.Store.Close())
	}
	if a.cluster != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		errs = append(errs, a.cluster.Stop(ctx))
	}
	return errors.Join(errs...)
}

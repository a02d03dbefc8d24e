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
	"net/url"
	"os"
	"path/filepath"
	"strings"
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

	if cfg.File != "" {
		log.Info("config: " + cfg.File)
	} else {
		log.Info("config: no file, built-in defaults and environment")
	}
	url := cfg.Database.URL
	if url == "" {
		dir, err := cfg.DataDir()
		if err != nil {
			return nil, err
		}
		if err := checkMovedDataDir(cfg, dir); err != nil {
			return nil, err
		}
		log.Info(fmt.Sprintf("database: managed cluster at %s, database %s", dir, DatabaseName))
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
	} else {
		log.Info("database: " + DescribeURL(url))
	}
	st, err := store.Open(ctx, url)
	if err != nil {
		a.Close()
		return nil, err
	}
	a.Store = st
	if cfg.Database.ReadURL != "" {
		log.Info("database: digests read from the replica " + DescribeURL(cfg.Database.ReadURL))
		err := st.UseReadReplica(ctx, cfg.Database.ReadURL, func(err error) {
			log.Warn("database: the read replica does not answer; this digest reads from the primary", "err", err)
		})
		if err != nil {
			a.Close()
			return nil, err
		}
	}
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

// DescribeURL names the server and database of a PostgreSQL URL without
// its user or password: "HOST/DB".
func DescribeURL(raw string) string {
	if !strings.Contains(raw, "://") {
		// A key=value connection string: host=db user=nv dbname=nhacviec.
		var host, db string
		for _, f := range strings.Fields(raw) {
			k, v, ok := strings.Cut(f, "=")
			if !ok {
				continue
			}
			v = strings.Trim(v, "'")
			switch k {
			case "host":
				host = v
			case "dbname":
				db = v
			}
		}
		if host == "" && db == "" {
			return "(a database.url that is not a URL)"
		}
		return host + "/" + db
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" && u.Path == "" {
		return "(a database.url that is not a URL)"
	}
	host := u.Host
	if host == "" {
		host = u.Query().Get("host")
	}
	return host + "/" + strings.TrimPrefix(u.Path, "/")
}

// checkMovedDataDir refuses a managed cluster that would be created empty
// at dir while one exists where a relative database.data_dir used to point
// (the working directory, before it became relative to the config file's
// folder): silently starting a second, empty database would look like
// losing the plan.
func checkMovedDataDir(cfg config.Config, dir string) error {
	if cfg.File == "" || filepath.IsAbs(cfg.Database.DataDir) {
		return nil
	}
	old, err := filepath.Abs(cfg.Database.DataDir)
	if err != nil || old == dir {
		return nil
	}
	if hasCluster(dir) || !hasCluster(old) {
		return nil
	}
	return fmt.Errorf("database.data_dir %q is now relative to the config file's folder (%s) and no cluster is there, "+
		"but one exists at %s (relative to the working directory): set database.data_dir: %s",
		cfg.Database.DataDir, dir, old, old)
}

// hasCluster reports whether dir holds a managed cluster.
func hasCluster(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "pgdata", "PG_VERSION"))
	return err == nil
}

// Package store keeps the reform plan, its progress history, the outbox and
// the job ledger in PostgreSQL through sqlx and lib/pq. Schema changes are
// embedded goose migrations. Every method takes a context, receives "now"
// from its caller (the store never reads the wall clock) and wraps its
// errors with the operation that failed.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// ErrNotFound is returned when a looked-up row does not exist.
var ErrNotFound = errors.New("not found")

// Store is the PostgreSQL storage of nhacviec. It is safe for concurrent use.
type Store struct {
	db  *sqlx.DB
	url string
	// reads, when set (UseReadReplica), is the pool of a read replica the
	// digests read from; nil reads everything from db.
	reads *sqlx.DB
	// readFailed is told when a read on the replica failed and the
	// primary answered instead.
	readFailed func(err error)
}

// Open connects to the PostgreSQL database at url and checks that it answers.
// It does not migrate; call Migrate.
func Open(ctx context.Context, url string) (*Store, error) {
	db, err := sqlx.Open("postgres", url)
	if err != nil {
		return nil, fmt.Errorf("store: open: %w", err)
	}
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(10)
	db.SetConnMaxIdleTime(5 * time.Minute)
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: connect to database: %w", err)
	}
	return &Store{db: db, url: url}, nil
}

// Close closes the connection pools.
func (s *Store) Close() error {
	if s.reads != nil {
		s.reads.Close()
	}
	return s.db.Close()
}

// UseReadReplica makes DigestRead read from the server at url, a read
// replica of the store's database (config database.read_url): the digests'
// queries, the heaviest reads, leave the primary. The replica's pool holds
// at most 5 connections. It must answer now; later, a digest read it cannot
// serve (the replica down, a connection refused) is read from the primary
// and failed is told. Call it before the store is used.
func (s *Store) UseReadReplica(ctx context.Context, url string, failed func(err error)) error {
	db, err := sqlx.Open("postgres", url)
	if err != nil {
		return fmt.Errorf("store: open the read replica: %w", err)
	}
	db.SetMaxOpenConns(5)
	db.SetMaxIdleConns(2)
	db.SetConnMaxIdleTime(5 * time.Minute)
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		db.Close()
		return fmt.Errorf("store: connect to the read replica: %w", err)
	}
	s.reads, s.readFailed = db, failed
	return nil
}

// DB exposes the connection pool to tests and tools that own their own SQL
// (fixtures, benchmarks, the data generator). Product code outside this
// package never calls it: it reads and writes through Store methods, the
// functions that take a Reader or Writer, and Tx.
func (s *Store) DB() *sqlx.DB { return s.db }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

// Reader is what the store's query functions read through: the *Store
// itself (each statement on its own), a *Tx, or the read-only snapshot that
// DigestRead opens. Only this package implements it.
type Reader interface {
	queryer() sqlx.QueryerContext
}

// Writer is what the store's write functions write through: the *Store
// itself (each statement commits on its own) or a *Tx. Only this package
// implements it.
type Writer interface {
	Reader
	execer() sqlx.ExtContext
}

// Tx is one database transaction opened by Store.Tx for multi-step work.
// Functions that must run inside a transaction (row locks, several
// statements that commit together) take a *Tx; it is also a Reader and a
// Writer.
type Tx struct {
	tx *sqlx.Tx
}

func (s *Store) queryer() sqlx.QueryerContext { return s.db }
func (s *Store) execer() sqlx.ExtContext      { return s.db }
func (t *Tx) queryer() sqlx.QueryerContext    { return t.tx }
func (t *Tx) execer() sqlx.ExtContext         { return t.tx }

// URL returns the connection URL the store was opened with (for LISTEN).
func (s *Store) URL() string { return s.url }

// Migrate applies every embedded migration not yet applied. Concurrent calls
// from several processes are serialised by a PostgreSQL advisory lock.
func (s *Store) Migrate(ctx context.Context) ([]string, error) {
	fsys, err := fs.Sub(migrationFS, "migrations")
	if err != nil {
		return nil, fmt.Errorf("store: migrate: %w", err)
	}
	locker, err := lock.NewPostgresSessionLocker(
		lock.WithLockTimeout(1, 600), // poll every second for up to ten minutes
	)
	if err != nil {
		return nil, fmt.Errorf("store: migrate: lock: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, s.db.DB, fsys, goose.WithSessionLocker(locker))
	if err != nil {
		return nil, fmt.Errorf("store: migrate: %w", err)
	}
	results, err := p.Up(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: migrate: %w", err)
	}
	applied := make([]string, 0, len(results))
	for _, r := range results {
		applied = append(applied, r.Source.Path)
	}
	return applied, nil
}

// Tx runs fn in a transaction, committing when fn returns nil and rolling
// back otherwise.
func (s *Store) Tx(ctx context.Context, fn func(tx *Tx) error) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error { return fn(&Tx{tx: tx}) })
}

// inTx is Tx for this package's own multi-statement methods.
func (s *Store) inTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// notFound turns sql.ErrNoRows into ErrNotFound, keeping other errors.
func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

// SchemaVersion returns the highest applied migration version.
func (s *Store) SchemaVersion(ctx context.Context) (int64, error) {
	var v int64
	err := s.db.GetContext(ctx, &v, `SELECT COALESCE(MAX(version_id), 0) FROM goose_db_version WHERE is_applied`)
	if err != nil {
		return 0, fmt.Errorf("store: schema version: %w", err)
	}
	return v, nil
}

// OutboxCounts is how many outbox rows are in each status.
type OutboxCounts struct {
	Pending int `db:"pending"`
	Sent    int `db:"sent"`
	Dead    int `db:"dead"`
}

// OutboxCounts counts the outbox rows of channels (ChannelTelegram,
// ChannelEmail; every channel when none is given) by status.
func (s *Store) OutboxCounts(ctx context.Context, channels ...string) (OutboxCounts, error) {
	if channels == nil {
		channels = []string{}
	}
	var c OutboxCounts
	err := s.db.GetContext(ctx, &c, `
		SELECT count(*) FILTER (WHERE status = 'pending') AS pending,
		       count(*) FILTER (WHERE status = 'sent') AS sent,
		       count(*) FILTER (WHERE status = 'dead') AS dead
		FROM outbox
		WHERE cardinality($1::text[]) = 0 OR channel = ANY($1::text[])`, pq.Array(channels))
	if err != nil {
		return OutboxCounts{}, fmt.Errorf("store: count outbox rows of %v: %w", channels, err)
	}
	return c, nil
}

// MigrateTo applies the embedded migrations up to version and no further,
// or rolls back those after version when the schema is newer: for tests of
// a migration, which put rows in the schema as it was before it and then
// Migrate, or roll it back.
func (s *Store) MigrateTo(ctx context.Context, version int64) error {
	fsys, err := fs.Sub(migrationFS, "migrations")
	if err != nil {
		return fmt.Errorf("store: migrate to %d: %w", version, err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, s.db.DB, fsys)
	if err != nil {
		return fmt.Errorf("store: migrate to %d: %w", version, err)
	}
	current, err := p.GetDBVersion(ctx)
	if err != nil {
		return fmt.Errorf("store: migrate to %d: %w", version, err)
	}
	if current > version {
		_, err = p.DownTo(ctx, version)
	} else {
		_, err = p.UpTo(ctx, version)
	}
	if err != nil {
		return fmt.Errorf("store: migrate to %d: %w", version, err)
	}
	return nil
}

// Listen returns a listener on the LISTEN/NOTIFY channel (OutboxChannel,
// WakeChannel) that reconnects by itself; connection problems are logged
// to log, and until the listener is connected callers rely on polling.
// The caller closes it.
func (s *Store) Listen(channel string, log *slog.Logger) *pq.Listener {
	l := pq.NewListener(s.url, 100*time.Millisecond, 10*time.Second,
		func(ev pq.ListenerEventType, err error) {
			if err != nil {
				log.Warn("store: listener", "channel", channel, "event", ev, "err", err)
			}
		})
	if err := l.Listen(channel); err != nil {
		log.Warn("store: listen", "channel", channel, "err", err)
	}
	return l
}

// Package storetest gives each test its own freshly migrated PostgreSQL
// database.
//
// The server is the one named by the environment variable
// TEST_DATABASE_URL (any database on it; its user must be allowed to create
// databases), or else a throwaway cluster that the test process starts on
// first use in a temporary directory (see package pgcluster). "make test"
// starts one cluster for all packages and sets TEST_DATABASE_URL.
//
// Each test process migrates a template database once, then clones it with
// CREATE DATABASE ... TEMPLATE for every test (a few milliseconds), and
// drops the clone when the test ends. The template refuses connections, so
// tests may create databases in parallel.
//
// A throwaway cluster stops when the test process exits; packages that call
// Main from TestMain also remove its directory.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/nhacviec/nhacviec/pgcluster"
	"github.com/nhacviec/nhacviec/store"
)

// EnvURL is the environment variable naming an existing server to use.
const EnvURL = "TEST_DATABASE_URL"

const (
	namePrefix     = "nhacviec_"
	testPrefix     = namePrefix + "test_"
	templatePrefix = namePrefix + "tpl_"
	dirPrefix      = "nhacviec-storetest-"

	// staleAfter is the age after which a database left behind by a test
	// process that died is dropped from a TEST_DATABASE_URL server.
	staleAfter = 6 * time.Hour
	setupTime  = 2 * time.Minute
	dropTime   = 30 * time.Second
)

// New returns a Store on a fresh, migrated database of its own, closed and
// dropped when the test ends.
func New(t testing.TB) *store.Store {
	t.Helper()
	u := URL(t)
	s, err := store.Open(t.Context(), u)
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	t.Cleanup(func() { s.Close() }) // runs before the drop registered by URL
	return s
}

// URL returns the connection URL of a fresh, migrated database of its own,
// dropped when the test ends (connections still open are cut). Every call
// makes another database; the URL of the database of New is its Store's
// URL method.
func URL(t testing.TB) string {
	t.Helper()
	srv := shared.get(t)
	tpl, err := srv.templateDB(t.Context())
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	return srv.create(t, tpl)
}

// EmptyURL returns the connection URL of a fresh database without any
// migration applied, dropped when the test ends; for testing migrations.
func EmptyURL(t testing.TB) string {
	t.Helper()
	return shared.get(t).create(t, "")
}

// Main runs the tests of a package, then stops the throwaway cluster and
// removes its directory, or drops the template database from the server of
// TEST_DATABASE_URL. Call it from TestMain:
//
//	func TestMain(m *testing.M) { storetest.Main(m) }
func Main(m *testing.M) {
	code := m.Run()
	if err := shared.close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

// server is the database server of the test process.
type server struct {
	once    sync.Once
	err     error
	base    string  // URL of the server's maintenance database
	admin   *sql.DB // creates and drops databases
	cluster *pgcluster.Cluster
	dir     string // the throwaway cluster's directory

	tplOnce  sync.Once
	tplErr   error
	template string
}

// shared is the process's server. A test helper package is the one place
// where process-wide state is wanted: every test of the process shares one
// server and one template.
var shared server

// get returns the server, connecting or starting it on first use.
func (s *server) get(t testing.TB) *server {
	t.Helper()
	s.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), setupTime)
		defer cancel()
		s.err = s.connect(ctx)
	})
	if s.err != nil {
		t.Fatalf("storetest: %v", s.err)
	}
	return s
}

func (s *server) connect(ctx context.Context) error {
	s.base = os.Getenv(EnvURL)
	if s.base == "" {
		sweepDirs(os.TempDir())
		dir, err := os.MkdirTemp("", dirPrefix+strconv.Itoa(os.Getpid())+"-")
		if err != nil {
			return fmt.Errorf("throwaway cluster: %w", err)
		}
		s.dir = dir
		s.cluster, err = pgcluster.Start(ctx, pgcluster.Options{DataDir: dir, Ephemeral: true})
		if err != nil {
			return fmt.Errorf("throwaway cluster (or set %s): %w", EnvURL, err)
		}
		s.base = s.cluster.URL("postgres")
	}
	if _, err := withDatabase(s.base, "x"); err != nil { // reject a key=value DSN early
		return err
	}
	admin, err := sql.Open("postgres", s.base)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", redact(s.base), err)
	}
	if err := admin.PingContext(ctx); err != nil {
		admin.Close()
		return fmt.Errorf("connect to %s: %w", redact(s.base), err)
	}
	s.admin = admin
	return nil
}

// templateDB returns the process's migrated template database, making it
// on first use: created and migrated under a name of its own, then closed
// to connections so that it can be cloned concurrently.
func (s *server) templateDB(ctx context.Context) (string, error) {
	s.tplOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), setupTime)
		defer cancel()
		if s.cluster == nil {
			s.sweepDatabases(ctx)
		}
		s.template, s.tplErr = s.makeTemplate(ctx)
	})
	return s.template, s.tplErr
}

func (s *server) makeTemplate(ctx context.Context) (string, error) {
	name := newName(templatePrefix)
	if _, err := s.admin.ExecContext(ctx, "CREATE DATABASE "+pq.QuoteIdentifier(name)); err != nil {
		return "", fmt.Errorf("create template database: %w", err)
	}
	u, err := withDatabase(s.base, name)
	if err != nil {
		return "", err
	}
	st, err := store.Open(ctx, u)
	if err != nil {
		return "", fmt.Errorf("template database: %w", err)
	}
	_, err = st.Migrate(ctx)
	if cerr := st.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("template database: %w", err)
	}
	if _, err := s.admin.ExecContext(ctx, "ALTER DATABASE "+pq.QuoteIdentifier(name)+" WITH ALLOW_CONNECTIONS false"); err != nil {
		return "", fmt.Errorf("template database: %w", err)
	}
	return name, nil
}

// create makes a database (a clone of template, or empty when template is
// "") that is dropped when the test ends, and returns its URL.
func (s *server) create(t testing.TB, template string) string {
	t.Helper()
	name := newName(testPrefix)
	q := "CREATE DATABASE " + pq.QuoteIdentifier(name)
	if template != "" {
		q += " TEMPLATE " + pq.QuoteIdentifier(template)
	}
	if _, err := s.admin.ExecContext(t.Context(), q); err != nil {
		t.Fatalf("storetest: create database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), dropTime)
		defer cancel()
		if err := s.drop(ctx, name); err != nil {
			t.Errorf("storetest: %v", err)
		}
	})
	u, err := withDatabase(s.base, name)
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	return u
}

// drop drops database name, cutting its remaining connections.
func (s *server) drop(ctx context.Context, name string) error {
	if _, err := s.admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+pq.QuoteIdentifier(name)+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("drop database %s: %w", name, err)
	}
	return nil
}

// close drops the template from a TEST_DATABASE_URL server, or stops the
// throwaway cluster and removes its directory.
func (s *server) close() error {
	if s.admin == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), setupTime)
	defer cancel()
	var errs []error
	if s.cluster == nil && s.template != "" {
		errs = append(errs, s.drop(ctx, s.template))
	}
	errs = append(errs, s.admin.Close())
	if s.cluster != nil {
		errs = append(errs, s.cluster.Stop(ctx))
		errs = append(errs, os.RemoveAll(s.dir))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("storetest: shut down: %w", err)
	}
	return nil
}

// sweepDatabases drops the databases of test processes that died more than
// staleAfter ago without cleaning up (best effort).
func (s *server) sweepDatabases(ctx context.Context) {
	rows, err := s.admin.QueryContext(ctx,
		`SELECT datname FROM pg_database WHERE starts_with(datname, $1)`, namePrefix)
	if err != nil {
		return
	}
	var stale []string
	for rows.Next() {
		var name string
		if rows.Scan(&name) == nil && isStale(name, time.Now()) {
			stale = append(stale, name)
		}
	}
	rows.Close()
	for _, name := range stale {
		_ = s.drop(ctx, name)
	}
}

// newName returns a database name: prefix, the Unix time (for sweeping)
// and random hex.
func newName(prefix string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b) // never fails
	return prefix + strconv.FormatInt(time.Now().Unix(), 10) + "_" + hex.EncodeToString(b)
}

// isStale reports whether name, made by newName, is older than staleAfter
// at now.
func isStale(name string, now time.Time) bool {
	var rest string
	switch {
	case strings.HasPrefix(name, testPrefix):
		rest = strings.TrimPrefix(name, testPrefix)
	case strings.HasPrefix(name, templatePrefix):
		rest = strings.TrimPrefix(name, templatePrefix)
	default:
		return false
	}
	stamp, _, ok := strings.Cut(rest, "_")
	if !ok {
		return false
	}
	sec, err := strconv.ParseInt(stamp, 10, 64)
	if err != nil {
		return false
	}
	return now.Sub(time.Unix(sec, 0)) > staleAfter
}

// sweepDirs removes throwaway cluster directories in tmp left by test
// processes that are gone (best effort).
func sweepDirs(tmp string) {
	dirs, _ := filepath.Glob(filepath.Join(tmp, dirPrefix+"*"))
	for _, dir := range dirs {
		pidText, _, _ := strings.Cut(strings.TrimPrefix(filepath.Base(dir), dirPrefix), "-")
		pid, err := strconv.Atoi(pidText)
		if err != nil || processExists(pid) {
			continue
		}
		_ = os.RemoveAll(dir)
	}
}

// processExists reports whether process pid exists.
func processExists(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || errors.Is(err, syscall.EPERM)
}

// withDatabase returns the server URL base with its database replaced.
func withDatabase(base, dbname string) (string, error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", fmt.Errorf("%s must be a URL like postgres://user@host:5432/postgres?sslmode=disable", EnvURL)
	}
	u.Path = "/" + dbname
	u.RawPath = ""
	return u.String(), nil
}

// redact hides the password of a URL for error messages.
func redact(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestMain(m *testing.M) { Main(m) }

// databaseName returns the database of a URL.
func databaseName(t *testing.T, u string) string {
	t.Helper()
	parsed, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimPrefix(parsed.Path, "/")
}

// databaseExists asks the server whether database name exists.
func databaseExists(t *testing.T, name string) bool {
	t.Helper()
	var n int
	err := shared.admin.QueryRowContext(context.Background(),
		`SELECT count(*) FROM pg_database WHERE datname = $1`, name).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n == 1
}

func tableCount(t *testing.T, db interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}) int {
	t.Helper()
	var n int
	err := db.QueryRowContext(context.Background(),
		`SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name IN ('units', 'officials', 'outbox')`).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestNewIsMigratedAndIsolated(t *testing.T) {
	a, b := New(t), New(t)
	if a.URL() == b.URL() {
		t.Fatalf("two tests share database %s", a.URL())
	}
	if n := tableCount(t, a.DB()); n != 3 {
		t.Fatalf("%d of the schema's tables found; want a migrated database", n)
	}
	now := time.Date(2025, 3, 14, 8, 0, 0, 0, time.UTC)
	_, err := a.DB().Exec(`INSERT INTO units (code, name, created_at, updated_at) VALUES ('pdp', 'UBND phường Phan Đình Phùng', $1, $1)`, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		db   interface {
			QueryRowContext(context.Context, string, ...any) *sql.Row
		}
		want int
	}{{"a", a.DB(), 1}, {"b", b.DB(), 0}} {
		var n int
		if err := tt.db.QueryRowContext(context.Background(), `SELECT count(*) FROM units`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != tt.want {
			t.Errorf("database %s has %d units; want %d", tt.name, n, tt.want)
		}
	}
}

func TestEmptyURL(t *testing.T) {
	db, err := sql.Open("postgres", EmptyURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n := tableCount(t, db); n != 0 {
		t.Errorf("%d tables in an empty database", n)
	}
}

// TestParallelAndDropped creates databases from parallel tests, leaves a
// connection open in each, and checks afterwards that all were dropped.
func TestParallelAndDropped(t *testing.T) {
	const n = 8
	names := make([]string, n)
	t.Run("group", func(t *testing.T) {
		for i := range n {
			t.Run(fmt.Sprint(i), func(t *testing.T) {
				t.Parallel()
				u := URL(t)
				names[i] = databaseName(t, u)
				db, err := sql.Open("postgres", u)
				if err != nil {
					t.Fatal(err)
				}
				// Deliberately never closed: the drop must cut it.
				if n := tableCount(t, db); n != 3 {
					t.Errorf("%d tables; want a migrated database", n)
				}
			})
		}
	})
	for i, name := range names {
		if name == "" {
			t.Fatalf("subtest %d made no database", i)
		}
		if databaseExists(t, name) {
			t.Errorf("database %s still exists after its test", name)
		}
	}
}

func TestIsStale(t *testing.T) {
	now := time.Date(2025, 6, 30, 12, 0, 0, 0, time.UTC)
	old := now.Add(-7 * time.Hour).Unix()
	recent := now.Add(-time.Hour).Unix()
	tests := []struct {
		name string
		want bool
	}{
		{fmt.Sprintf("nhacviec_test_%d_0a1b2c3d4e5f", old), true},
		{fmt.Sprintf("nhacviec_tpl_%d_0a1b2c3d4e5f", old), true},
		{fmt.Sprintf("nhacviec_test_%d_0a1b2c3d4e5f", recent), false},
		{fmt.Sprintf("nhacviec_%d", old), false},
		{"nhacviec", false},
		{"nhacviec_test_x_y", false},
		{"postgres", false},
	}
	for _, tt := range tests {
		if got := isStale(tt.name, now); got != tt.want {
			t.Errorf("isStale(%s) = %v; want %v", tt.name, got, tt.want)
		}
	}
	if name := newName(testPrefix); isStale(name, time.Now()) || !strings.HasPrefix(name, testPrefix) {
		t.Errorf("newName = %s; want a fresh name with the test prefix", name)
	}
}

func TestWithDatabase(t *testing.T) {
	tests := []struct {
		base, want string
		wantErr    bool
	}{
		{"postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", "postgres://postgres@127.0.0.1:5432/db1?sslmode=disable", false},
		{"postgresql://u:p@h/x", "postgresql://u:p@h/db1", false},
		{"postgres://h", "postgres://h/db1", false},
		{"host=/tmp dbname=x", "", true},
	}
	for _, tt := range tests {
		got, err := withDatabase(tt.base, "db1")
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("withDatabase(%q) = %q, %v; want %q (error %v)", tt.base, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestSweepDirs(t *testing.T) {
	tmp := t.TempDir()
	dead := filepath.Join(tmp, dirPrefix+"999999999-abc")
	live := filepath.Join(tmp, fmt.Sprintf("%s%d-abc", dirPrefix, os.Getpid()))
	other := filepath.Join(tmp, "nhacviec-other")
	for _, d := range []string{dead, live, other} {
		if err := os.MkdirAll(filepath.Join(d, "pgdata"), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	sweepDirs(tmp)
	for _, tt := range []struct {
		dir  string
		want bool
	}{{dead, false}, {live, true}, {other, true}} {
		_, err := os.Stat(tt.dir)
		if exists := err == nil; exists != tt.want {
			t.Errorf("%s exists = %v; want %v", filepath.Base(tt.dir), exists, tt.want)
		}
	}
}

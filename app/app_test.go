package app

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nhacviec/nhacviec/clock"
	"github.com/nhacviec/nhacviec/config"
)

// TestOpenRefusesAMovedManagedCluster: when a relative data_dir now points
// to an empty folder beside the config file while the cluster it used to
// name sits in the working directory, Open refuses and says what to set,
// instead of creating a second, empty database.
func TestOpenRefusesAMovedManagedCluster(t *testing.T) {
	cfgDir := t.TempDir()
	path := filepath.Join(cfgDir, "config.yaml")
	if err := os.WriteFile(path, []byte("database:\n  data_dir: ./data\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	if err := os.MkdirAll(filepath.Join(work, "data", "pgdata"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(work, "data", "pgdata", "PG_VERSION"), []byte("15\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(work)
	cfg, err := config.Load(path, true, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	_, err = Open(context.Background(), cfg, slog.New(slog.NewTextHandler(&logs, nil)), clock.Real{})
	want := "set database.data_dir: " + filepath.Join(work, "data")
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("Open = %v, want an error saying %q", err, want)
	}
	if !strings.Contains(logs.String(), "config: "+path) {
		t.Errorf("the log does not name the config file:\n%s", logs.String())
	}
}

func TestDescribeURLHidesCredentials(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://nhacviec:s3cret@db.example:5432/nhacviec?sslmode=disable": "db.example:5432/nhacviec",
		"postgres:///nhacviec?host=/run/postgresql":                           "/run/postgresql/nhacviec",
		"host=db user=nv password=s3cret dbname=nhacviec":                     "db/nhacviec",
		"host='db' password='s3cret' dbname='nv'":                             "db/nv",
		"password=s3cret": "(a database.url that is not a URL)",
	} {
		if got := DescribeURL(in); got != want {
			t.Errorf("DescribeURL(%q) = %q, want %q", in, got, want)
		}
	}
}

package pgcluster

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// logRecorder collects Logf lines.
type logRecorder struct {
	t     *testing.T
	mu    sync.Mutex
	lines []string
}

func (r *logRecorder) logf(format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	r.t.Log(line)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lines = append(r.lines, line)
}

func (r *logRecorder) count(substr string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, l := range r.lines {
		if strings.Contains(l, substr) {
			n++
		}
	}
	return n
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func openDB(t *testing.T, url string) *sql.DB {
	t.Helper()
	db, err := sql.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestStartCreateDatabaseStop(t *testing.T) {
	ctx := testContext(t)
	dir := filepath.Join(t.TempDir(), "data")
	rec := &logRecorder{t: t}
	c, err := Start(ctx, Options{DataDir: dir, Ephemeral: true, Logf: rec.logf})
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			_ = c.Stop(context.Background())
		}
	})

	for range 2 { // the second call finds the database and succeeds
		if err := c.CreateDatabase(ctx, "nhắc việc"); err != nil {
			t.Fatalf("CreateDatabase: %v", err)
		}
	}
	db := openDB(t, c.URL("nhắc việc"))
	var name, encoding, fsync string
	err = db.QueryRowContext(ctx, `SELECT current_database(), current_setting('server_encoding'), current_setting('fsync')`).
		Scan(&name, &encoding, &fsync)
	if err != nil {
		t.Fatal(err)
	}
	if name != "nhắc việc" || encoding != "UTF8" || fsync != "off" {
		t.Errorf("database %q, encoding %q, fsync %q; want %q, UTF8, off", name, encoding, fsync, "nhắc việc")
	}
	var text string
	if err := db.QueryRowContext(ctx, `SELECT upper('ủy ban nhân dân phường')`).Scan(&text); err != nil {
		t.Fatal(err)
	}
	if text != "ỦY BAN NHÂN DÂN PHƯỜNG" {
		t.Errorf("upper() = %q; want Vietnamese upper case (UTF-8 locale)", text)
	}
	db.Close()

	if !strings.HasPrefix(c.URL("x"), "postgres://postgres@127.0.0.1:") {
		t.Errorf("URL = %q; want a TCP URL on 127.0.0.1", c.URL("x"))
	}
	if err := c.Stop(ctx); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	stopped = true
	if _, err := os.Stat(filepath.Join(dir, pgdataName, "postmaster.pid")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("postmaster.pid after Stop: %v; want it gone", err)
	}
	db = openDB(t, c.URL(maintenanceDB))
	if err := db.PingContext(ctx); err == nil {
		t.Error("the server still answers after Stop")
	}
	if err := c.Stop(ctx); err != nil {
		t.Errorf("second Stop: %v", err)
	}
	if rec.count("initialising") != 1 || rec.count("started PostgreSQL") != 1 {
		t.Errorf("log %q; want one initdb and one start", rec.lines)
	}
}

// TestStartReusesCluster starts two handles on one directory at once, stops
// them in turn, and restarts over a stale postmaster.pid: the cluster is
// initialised once, the server is shared, and it stops with the last handle.
// Last, a start on a taken port fails with the server's explanation.
func TestStartReusesCluster(t *testing.T) {
	ctx := testContext(t)
	dir := filepath.Join(t.TempDir(), "data")
	rec := &logRecorder{t: t}
	opts := Options{DataDir: dir, Logf: rec.logf}

	var clusters [2]*Cluster
	var errs [2]error
	var wg sync.WaitGroup
	for i := range clusters {
		wg.Go(func() { clusters[i], errs[i] = Start(ctx, opts) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("Start %d: %v", i, err)
		}
		t.Cleanup(func() { _ = clusters[i].Stop(context.Background()) })
	}
	c1, c2 := clusters[0], clusters[1]
	if c1.URL("a") != c2.URL("a") {
		t.Fatalf("URLs %q and %q; want one shared server", c1.URL("a"), c2.URL("a"))
	}
	if n := rec.count("initialising"); n != 1 {
		t.Errorf("initdb ran %d times; want 1", n)
	}
	if n := rec.count("attached"); n != 1 {
		t.Errorf("attached %d times; want 1", n)
	}

	if err := c1.CreateDatabase(ctx, "kehoach"); err != nil {
		t.Fatal(err)
	}
	db := openDB(t, c1.URL("kehoach"))
	if _, err := db.ExecContext(ctx, `CREATE TABLE t (v text); INSERT INTO t VALUES ('Phan Đình Phùng')`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	if err := c1.Stop(ctx); err != nil {
		t.Fatalf("Stop first handle: %v", err)
	}
	db = openDB(t, c2.URL("kehoach"))
	if err := db.PingContext(ctx); err != nil {
		t.Fatalf("server gone after the first of two handles stopped: %v", err)
	}
	db.Close()
	if err := c2.Stop(ctx); err != nil {
		t.Fatalf("Stop second handle: %v", err)
	}
	pidPath := filepath.Join(dir, pgdataName, "postmaster.pid")
	if _, err := os.Stat(pidPath); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("postmaster.pid after the last Stop: %v; want it gone", err)
	}

	// A server that crashed leaves its postmaster.pid behind; its pid is
	// gone (or belongs to some other program).
	stale := fmt.Sprintf("%d\n%s\n0\n%d\n\n127.0.0.1\n0 0\nready\n", os.Getpid(), filepath.Join(dir, pgdataName), 1)
	if err := os.WriteFile(pidPath, []byte(stale), 0o600); err != nil {
		t.Fatal(err)
	}
	c3, err := Start(ctx, opts)
	if err != nil {
		t.Fatalf("Start after stop: %v", err)
	}
	t.Cleanup(func() { _ = c3.Stop(context.Background()) })
	if n := rec.count("initialising"); n != 1 {
		t.Errorf("initdb ran %d times after a restart; want 1", n)
	}
	if rec.count("removing stale") != 1 {
		t.Errorf("log %q; want the stale postmaster.pid removed", rec.lines)
	}
	db = openDB(t, c3.URL("kehoach"))
	var v string
	if err := db.QueryRowContext(ctx, `SELECT v FROM t`).Scan(&v); err != nil || v != "Phan Đình Phùng" {
		t.Errorf("row after restart: %q, %v; want the data kept", v, err)
	}
	db.Close()
	if err := c3.Stop(ctx); err != nil {
		t.Fatal(err)
	}

	// A port taken by another program is reported in the server's words.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	opts.Port = l.Addr().(*net.TCPAddr).Port
	c4, err := Start(ctx, opts)
	if err == nil {
		_ = c4.Stop(ctx)
		t.Fatalf("Start on the taken port %d succeeded", opts.Port)
	}
	if msg := err.Error(); !strings.Contains(msg, "Address already in use") || strings.Contains(msg, "\n") {
		t.Errorf("error %q; want one line quoting the server log", msg)
	}
}

// fakeInstall writes shell scripts standing for initdb and postgres of the
// given version into dir.
func fakeInstall(t *testing.T, dir, version string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	scripts := map[string]string{
		"initdb":   "#!/bin/sh\nexit 0\n",
		"postgres": "#!/bin/sh\necho 'postgres (PostgreSQL) " + version + " (Debian)'\n",
	}
	for name, text := range scripts {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

func TestFindBinaries(t *testing.T) {
	ctx := testContext(t)
	root := t.TempDir()
	versions := filepath.Join(root, "lib", "postgresql")
	fakeInstall(t, filepath.Join(versions, "9.6", "bin"), "9.6.24")
	fakeInstall(t, filepath.Join(versions, "15", "bin"), "15.14")
	fakeInstall(t, filepath.Join(versions, "16", "bin"), "16.4")
	fakeInstall(t, filepath.Join(root, "path"), "17.0")
	fakeInstall(t, filepath.Join(root, "bindir"), "14.2")
	halfInstalled := filepath.Join(versions, "18", "bin") // initdb missing
	fakeInstall(t, halfInstalled, "18.0")
	if err := os.Remove(filepath.Join(halfInstalled, "initdb")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "pg_config"),
		[]byte("#!/bin/sh\necho "+filepath.Join(root, "bindir")+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	empty := t.TempDir()

	tests := []struct {
		name        string
		s           search
		wantDir     string
		wantVersion string
	}{
		{"PATH first", search{path: empty + ":" + filepath.Join(root, "path"), versions: versions, pgConfig: filepath.Join(root, "pg_config")},
			filepath.Join(root, "path"), "17"},
		{"highest complete version", search{path: empty, versions: versions, pgConfig: filepath.Join(root, "pg_config")},
			filepath.Join(versions, "16", "bin"), "16"},
		{"pg_config last", search{path: empty, versions: filepath.Join(root, "none"), pgConfig: filepath.Join(root, "pg_config")},
			filepath.Join(root, "bindir"), "14"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bin, err := tt.s.find(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if bin.dir != tt.wantDir || bin.version != tt.wantVersion {
				t.Errorf("found %s (PostgreSQL %s); want %s (%s)", bin.dir, bin.version, tt.wantDir, tt.wantVersion)
			}
			if bin.initdb != filepath.Join(tt.wantDir, "initdb") || bin.postgres != filepath.Join(tt.wantDir, "postgres") {
				t.Errorf("programs %s, %s; want them in %s", bin.initdb, bin.postgres, tt.wantDir)
			}
		})
	}

	t.Run("version of an existing cluster", func(t *testing.T) {
		s := search{path: filepath.Join(root, "path"), versions: versions, pgConfig: "pg_config-none"}
		for _, want := range []string{"9.6", "15", "17"} {
			bin, err := pickVersion(ctx, s, want)
			if err != nil || bin.version != want {
				t.Errorf("pickVersion(%s) = %s, %v", want, bin.version, err)
			}
		}
		_, err := pickVersion(ctx, s, "13")
		if err == nil || !strings.Contains(err.Error(), "postgresql-13") {
			t.Errorf("pickVersion(13) error %v; want one naming the package postgresql-13", err)
		}
	})

	t.Run("none", func(t *testing.T) {
		s := search{path: empty, versions: filepath.Join(root, "none"), pgConfig: "pg_config-none"}
		_, err := findOrInstall(ctx, s, false, t.Logf)
		if !errors.Is(err, ErrNoBinaries) {
			t.Fatalf("error %v; want ErrNoBinaries", err)
		}
		for _, want := range []string{"PATH", "/usr/lib/postgresql/*/bin", "pg_config --bindir", "apt-get install postgresql", "database.url"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not mention %q", err, want)
			}
		}
	})
}

func TestVersionLess(t *testing.T) {
	in := []string{"16", "9.6", "10", "15", "9.5"}
	want := []string{"9.5", "9.6", "10", "15", "16"}
	for i := range want {
		for j := range want {
			if got := versionLess(want[i], want[j]); got != (i < j) {
				t.Errorf("versionLess(%s, %s) = %v", want[i], want[j], got)
			}
		}
	}
	for _, bad := range []string{"main", "", "x.1", "-1"} {
		if _, ok := parseVersion(bad); ok {
			t.Errorf("parseVersion(%q) accepted", bad)
		}
	}
	for _, v := range in {
		if _, ok := parseVersion(v); !ok {
			t.Errorf("parseVersion(%q) rejected", v)
		}
	}
}

func TestMissingSearchBit(t *testing.T) {
	const owner, group, other = 10, 20, 30
	tests := []struct {
		mode     fs.FileMode
		uid, gid uint32
		want     fs.FileMode
	}{
		{0o700, owner, group, 0},
		{0o600, owner, group, 0o100},
		{0o700, other, group, 0o010},
		{0o750, other, group, 0},
		{0o700, other, other, 0o001},
		{0o711, other, other, 0},
		{0o1777, other, other, 0},
	}
	for _, tt := range tests {
		if got := missingSearchBit(tt.mode, owner, group, tt.uid, tt.gid); got != tt.want {
			t.Errorf("missingSearchBit(%v, uid %d, gid %d) = %o; want %o", tt.mode, tt.uid, tt.gid, got, tt.want)
		}
	}
}

func TestWithin(t *testing.T) {
	tests := []struct {
		dir  string
		want bool
	}{
		{"/tmp/a", true},
		{"/tmp/a/b", true},
		{"/tmp", false},
		{"/", false},
		{"/tmpx", false},
		{"/root", false},
	}
	for _, tt := range tests {
		if got := within("/tmp", tt.dir); got != tt.want {
			t.Errorf("within(/tmp, %s) = %v; want %v", tt.dir, got, tt.want)
		}
	}
}

func TestReadPIDFile(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, text string
		want       pidFile
		wantErr    bool
	}{
		{"ready", "4242\n/d\n1700000000\n54321\n\n127.0.0.1\n  1 2\nready   \n", pidFile{pid: 4242, port: 54321, status: "ready"}, false},
		{"starting", "7\n/d\n1\n5432\n\n127.0.0.1\n0 0\nstarting\n", pidFile{pid: 7, port: 5432, status: "starting"}, false},
		{"short", "7\n/d\n", pidFile{}, true},
		{"garbage", "x\n/d\n1\n5432\n", pidFile{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, tt.name)
			if err := os.WriteFile(path, []byte(tt.text), 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := readPIDFile(path)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("readPIDFile = %+v, %v; want %+v (error %v)", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestLiveClients(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{fmt.Sprintf("%d-a", os.Getpid()), fmt.Sprintf("%d-b", os.Getpid()), "999999999-c", "junk"} {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	n, err := liveClients(dir)
	if err != nil || n != 2 {
		t.Fatalf("liveClients = %d, %v; want 2", n, err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 2 {
		t.Errorf("%d files left (%v); want the dead ones removed", len(entries), err)
	}
}

func TestOneLine(t *testing.T) {
	got := oneLine(tail([]byte("a\n\nb  \n  c\n"), 100))
	if got != "a | b | c" {
		t.Errorf("oneLine = %q", got)
	}
	if got := string(tail([]byte("line one\nline two\nline three"), 12)); got != "line three" {
		t.Errorf("tail = %q; want it cut at a line boundary", got)
	}
}

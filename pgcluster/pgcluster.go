// Package pgcluster runs a private PostgreSQL server in a directory of its
// own: the "managed local PostgreSQL" nhacviec uses when no database URL is
// configured, in the demo and in tests.
//
// Layout of Options.DataDir:
//
//	pgdata/         the cluster (the data directory made by initdb)
//	postgres.log    the server's output (the previous one, once over 10 MB, in postgres.log.1)
//	clients/        one file per live Cluster value using the server
//	pgcluster.lock  serialises Start and Stop between processes
//
// The server listens on TCP 127.0.0.1 only, on Options.Port or on a free port
// picked at each start, and never on a Unix socket, so that its URLs work
// from any process on the machine. Authentication is "trust" for the
// superuser postgres: the server is reachable from this machine only, but by
// every local user of it.
//
// The server is started directly, not through pg_ctl, in a session of its
// own, so that Ctrl-C in a terminal reaches the program and not the server.
// Several Cluster values, in one process or in several, may share a data
// directory: Start attaches to a server already running there, and Stop
// shuts the server down only when no other live Cluster uses it (the last
// one out turns off the lights). On Linux an Ephemeral server also stops when
// the process that started it dies.
//
// PostgreSQL refuses to run as root. When the program runs as root, initdb
// and the server run as the OS user postgres, which owns the data directory.
package pgcluster

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/lib/pq"
	"github.com/lib/pq/pqerror"
)

// Options configures Start.
type Options struct {
	// DataDir is the directory holding the cluster; it is created when
	// missing. Required.
	DataDir string
	// Port is the TCP port on 127.0.0.1 to listen on; 0 picks a free one.
	// A server already running in DataDir keeps its port.
	Port int
	// Logf, when set, receives one line per notable step (initdb, start,
	// attach, stop, package installation).
	Logf func(format string, args ...any)
	// Install allows Start, when the server binaries are missing and the
	// program runs as root, to install the Debian package postgresql with
	// apt-get.
	Install bool
	// Ephemeral marks a throwaway cluster (tests, the demo): durability is
	// switched off (fsync, synchronous_commit, full_page_writes) for speed,
	// more connections are allowed, and on Linux the server dies with the
	// process that started it. Never use it for data worth keeping.
	Ephemeral bool
}

// Cluster is a PostgreSQL server running in a data directory. Its methods
// are safe for concurrent use.
type Cluster struct {
	dataDir string
	port    int
	logf    func(format string, args ...any)
	user    *osUser // nil: the server runs as the current user
	client  string  // this value's file in clients/
	child   *serverProcess

	mu      sync.Mutex
	stopped bool
}

// serverProcess is a server started by this process.
type serverProcess struct {
	pid  int
	done chan struct{} // closed when the process has exited and been reaped
	err  error         // the exit status, set before done is closed
}

const (
	pgdataName  = "pgdata"
	logName     = "postgres.log"
	clientsName = "clients"
	lockName    = "pgcluster.lock"

	superuser     = "postgres"
	maintenanceDB = "postgres"

	startTimeout = 60 * time.Second
	stopTimeout  = 60 * time.Second
	pollInterval = 50 * time.Millisecond
	logTailBytes = 1500
	maxLogBytes  = 10 << 20
	startRetries = 3
)

// Start makes sure a PostgreSQL server is running in opts.DataDir and
// returns a handle to it: it finds the server binaries (installing them
// when allowed), initialises the cluster when the directory holds none, and
// starts the server unless one is already running there, in which case it
// attaches to it. It returns once the server accepts connections.
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	if opts.DataDir == "" {
		return nil, errors.New("pgcluster: no data directory given")
	}
	dataDir, err := filepath.Abs(opts.DataDir)
	if err != nil {
		return nil, fmt.Errorf("pgcluster: data directory: %w", err)
	}
	logf := opts.Logf
	if logf == nil {
		logf = func(string, ...any) {}
	}
	pgdata := filepath.Join(dataDir, pgdataName)

	bin, err := findOrInstall(ctx, defaultSearch(), opts.Install, logf)
	if err != nil {
		return nil, err
	}
	var user *osUser
	if isRoot() {
		if user, err = lookupServerUser(); err != nil {
			return nil, err
		}
	}
	if err := prepareDataDir(dataDir, user, logf); err != nil {
		return nil, err
	}

	unlock, err := lockFile(ctx, filepath.Join(dataDir, lockName))
	if err != nil {
		return nil, fmt.Errorf("pgcluster: lock %s: %w", dataDir, err)
	}
	defer unlock()

	c := &Cluster{dataDir: dataDir, logf: logf, user: user}
	clusterVersion, err := readClusterVersion(pgdata)
	if err != nil {
		return nil, err
	}
	if clusterVersion != "" && clusterVersion != bin.version {
		bin, err = pickVersion(ctx, defaultSearch(), clusterVersion)
		if err != nil {
			return nil, fmt.Errorf("pgcluster: %s holds a PostgreSQL %s cluster: %w", dataDir, clusterVersion, err)
		}
	}
	if clusterVersion == "" {
		if err := c.initdb(ctx, bin, opts.Ephemeral); err != nil {
			return nil, err
		}
	} else if err := checkOwner(pgdata, user); err != nil {
		return nil, err
	}

	if pid, port, ok, err := c.running(ctx); err != nil {
		return nil, err
	} else if ok {
		if opts.Port != 0 && opts.Port != port {
			logf("PostgreSQL already running in %s on port %d, not %d", dataDir, port, opts.Port)
		}
		c.port = port
		if err := c.waitReady(ctx, nil); err != nil {
			return nil, fmt.Errorf("pgcluster: PostgreSQL (pid %d) running in %s: %w", pid, dataDir, err)
		}
		logf("attached to PostgreSQL (pid %d) on 127.0.0.1:%d, data %s", pid, port, pgdata)
	} else if err := c.start(ctx, bin, opts); err != nil {
		return nil, err
	}

	if err := c.register(); err != nil {
		if c.child != nil {
			_ = signalServer(c.child.pid, false)
		}
		return nil, err
	}
	return c, nil
}

// URL returns a lib/pq connection URL for database dbname on the server,
// as the superuser postgres over TCP to 127.0.0.1.
func (c *Cluster) URL(dbname string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.User(superuser),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(c.port)),
		Path:     "/" + dbname,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

// CreateDatabase creates database name unless it already exists, so it is
// safe to call at every start and from several processes at once.
func (c *Cluster) CreateDatabase(ctx context.Context, name string) error {
	if name == "" {
		return errors.New("pgcluster: create database: empty name")
	}
	db, err := sql.Open("postgres", c.URL(maintenanceDB))
	if err != nil {
		return fmt.Errorf("pgcluster: create database %s: %w", name, err)
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, "CREATE DATABASE "+pq.QuoteIdentifier(name))
	if err != nil && pq.As(err, pqerror.DuplicateDatabase) == nil {
		return fmt.Errorf("pgcluster: create database %s: %w", name, err)
	}
	return nil
}

// Stop releases this handle and shuts the server down (fast shutdown:
// sessions are disconnected, then it waits for the server to exit) unless
// another live Cluster, in this process or another, still uses it. Close
// the connection pools first. Stop is meant to be called once; later calls
// do nothing. Without a deadline in ctx it waits at most a minute, then
// shuts the server down immediately and reports an error.
func (c *Cluster) Stop(ctx context.Context) error {
	c.mu.Lock()
	if c.stopped {
		c.mu.Unlock()
		return nil
	}
	c.stopped = true
	c.mu.Unlock()

	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, stopTimeout)
		defer cancel()
	}
	unlock, err := lockFile(ctx, filepath.Join(c.dataDir, lockName))
	if err != nil {
		return fmt.Errorf("pgcluster: stop: lock %s: %w", c.dataDir, err)
	}
	defer unlock()

	if err := os.Remove(c.client); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("pgcluster: stop: %w", err)
	}
	others, err := liveClients(filepath.Join(c.dataDir, clientsName))
	if err != nil {
		return fmt.Errorf("pgcluster: stop: %w", err)
	}
	if others > 0 {
		c.logf("PostgreSQL in %s left running: %d other user(s)", c.dataDir, others)
		return nil
	}

	pid, _, ok, err := c.running(ctx)
	if err != nil {
		return fmt.Errorf("pgcluster: stop: %w", err)
	}
	if !ok {
		return nil
	}
	if err := signalServer(pid, false); err != nil {
		return fmt.Errorf("pgcluster: stop: signal server %d: %w", pid, err)
	}
	if err := c.waitExit(ctx, pid); err != nil {
		_ = signalServer(pid, true)
		return fmt.Errorf("pgcluster: stop: server %d did not shut down: %w", pid, err)
	}
	c.logf("stopped PostgreSQL (pid %d), data %s", pid, c.pgdata())
	return nil
}

func (c *Cluster) pgdata() string { return filepath.Join(c.dataDir, pgdataName) }

// initdb creates the cluster in a scratch directory and renames it into
// place, so that an interrupted initdb never leaves a half-made cluster
// behind.
func (c *Cluster) initdb(ctx context.Context, bin binaries, ephemeral bool) error {
	scratch := c.pgdata() + ".initdb"
	if err := os.RemoveAll(scratch); err != nil {
		return fmt.Errorf("pgcluster: initdb: %w", err)
	}
	c.logf("initialising a PostgreSQL %s cluster in %s", bin.version, c.pgdata())
	var out []byte
	var err error
	for _, locale := range []string{"C.UTF-8", "C"} {
		args := []string{"-D", scratch, "--auth=trust", "--username=" + superuser,
			"--encoding=UTF8", "--locale=" + locale}
		if ephemeral {
			args = append(args, "--no-sync")
		}
		cmd := exec.CommandContext(ctx, bin.initdb, args...)
		cmd.Dir = c.dataDir
		cmd.SysProcAttr = c.user.procAttr(false, false)
		out, err = cmd.CombinedOutput()
		if err == nil || !bytes.Contains(out, []byte("locale")) {
			break
		}
		c.logf("initdb with locale %s failed, trying the next one", locale)
		if err := os.RemoveAll(scratch); err != nil {
			return fmt.Errorf("pgcluster: initdb: %w", err)
		}
	}
	if err != nil {
		return fmt.Errorf("pgcluster: initdb %s: %w: %s", c.pgdata(), err, oneLine(tail(out, logTailBytes)))
	}
	if err := os.Rename(scratch, c.pgdata()); err != nil {
		return fmt.Errorf("pgcluster: initdb: %w", err)
	}
	return nil
}

// running reports the server running in the data directory, if any, from
// its postmaster.pid. It waits for a server that is shutting down to exit
// and removes the lock file of a server that died.
func (c *Cluster) running(ctx context.Context) (pid, port int, ok bool, err error) {
	pidFile := filepath.Join(c.pgdata(), "postmaster.pid")
	for {
		st, err := readPIDFile(pidFile)
		if errors.Is(err, fs.ErrNotExist) {
			return 0, 0, false, nil
		}
		if err != nil {
			return 0, 0, false, fmt.Errorf("pgcluster: %w", err)
		}
		if !serverAlive(st.pid) {
			c.logf("removing stale %s of a server (pid %d) that is gone", pidFile, st.pid)
			if err := os.Remove(pidFile); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return 0, 0, false, fmt.Errorf("pgcluster: %w", err)
			}
			return 0, 0, false, nil
		}
		if st.status != "stopping" {
			return st.pid, st.port, true, nil
		}
		select {
		case <-ctx.Done():
			return 0, 0, false, fmt.Errorf("pgcluster: waiting for the server (pid %d) to shut down: %w", st.pid, ctx.Err())
		case <-time.After(pollInterval):
		}
	}
}

// start runs the server as a child process, retrying on another free port
// when the chosen one is taken meanwhile.
func (c *Cluster) start(ctx context.Context, bin binaries, opts Options) error {
	var err error
	for attempt := 1; attempt <= startRetries; attempt++ {
		port := opts.Port
		if port == 0 {
			if port, err = freePort(); err != nil {
				return fmt.Errorf("pgcluster: pick a port: %w", err)
			}
		}
		var portTaken bool
		portTaken, err = c.startOn(ctx, bin, port, opts.Ephemeral)
		if err == nil || !portTaken || opts.Port != 0 {
			return err
		}
		c.logf("port %d was taken, trying another", port)
	}
	return err
}

// startOn starts the server on port and waits until it accepts
// connections. portTaken reports a failure to bind the port.
func (c *Cluster) startOn(ctx context.Context, bin binaries, port int, ephemeral bool) (portTaken bool, err error) {
	logPath := filepath.Join(c.dataDir, logName)
	if info, err := os.Stat(logPath); err == nil && info.Size() > maxLogBytes {
		// No server writes to it now: keep it as the one previous log.
		if err := os.Rename(logPath, logPath+".1"); err != nil {
			return false, fmt.Errorf("pgcluster: server log: %w", err)
		}
	}
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return false, fmt.Errorf("pgcluster: server log: %w", err)
	}
	defer logFile.Close()
	logStart, err := logFile.Seek(0, io.SeekEnd)
	if err != nil {
		return false, fmt.Errorf("pgcluster: server log: %w", err)
	}

	args := []string{"-D", c.pgdata(), "-p", strconv.Itoa(port),
		"-c", "listen_addresses=127.0.0.1",
		"-c", "unix_socket_directories=",
	}
	if ephemeral {
		args = append(args,
			"-c", "fsync=off",
			"-c", "synchronous_commit=off",
			"-c", "full_page_writes=off",
			"-c", "max_connections=300",
		)
	}
	cmd := exec.Command(bin.postgres, args...)
	cmd.Dir = c.pgdata()
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	cmd.SysProcAttr = c.user.procAttr(true, ephemeral)

	child, err := startChild(cmd)
	if err != nil {
		return false, fmt.Errorf("pgcluster: start %s: %w", bin.postgres, err)
	}
	c.child = child
	c.port = port
	if err := c.waitReady(ctx, child); err != nil {
		if !child.exited() {
			_ = signalServer(child.pid, true)
			select {
			case <-child.done:
			case <-time.After(stopTimeout):
			}
		}
		c.child = nil
		log := readFrom(logPath, logStart)
		taken := bytes.Contains(log, []byte("could not bind")) || bytes.Contains(log, []byte("already in use"))
		return taken, fmt.Errorf("pgcluster: start PostgreSQL on port %d: %w; log %s: %s",
			port, err, logPath, oneLine(tail(log, logTailBytes)))
	}
	c.logf("started PostgreSQL %s (pid %d) on 127.0.0.1:%d, data %s", bin.version, child.pid, port, c.pgdata())
	return false, nil
}

// startChild starts cmd from a goroutine that keeps its OS thread until the
// child exits: on Linux the parent-death signal is tied to the thread that
// started the child, not to the process.
func startChild(cmd *exec.Cmd) (*serverProcess, error) {
	p := &serverProcess{done: make(chan struct{})}
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with the goroutine
		defer close(p.done)
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		p.pid = cmd.Process.Pid
		started <- nil
		p.err = cmd.Wait()
	}()
	if err := <-started; err != nil {
		return nil, err
	}
	return p, nil
}

func (p *serverProcess) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// waitReady waits until the server accepts connections, for at most
// startTimeout. It fails early when child, a server this process started,
// exits.
func (c *Cluster) waitReady(ctx context.Context, child *serverProcess) error {
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	db, err := sql.Open("postgres", c.URL(maintenanceDB)+"&connect_timeout=5")
	if err != nil {
		return err
	}
	defer db.Close()
	var exited <-chan struct{}
	if child != nil {
		exited = child.done
	}
	for {
		err := db.PingContext(ctx)
		if err == nil {
			return nil
		}
		select {
		case <-exited:
			return fmt.Errorf("server exited (%v)", child.err)
		case <-ctx.Done():
			return fmt.Errorf("server not accepting connections: %w (last error: %v)", ctx.Err(), err)
		case <-time.After(pollInterval):
		}
	}
}

// waitExit waits until the server pid has exited: for a child, until it is
// reaped; for another process's server, until its postmaster.pid is gone.
func (c *Cluster) waitExit(ctx context.Context, pid int) error {
	if c.child != nil && c.child.pid == pid {
		select {
		case <-c.child.done:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	pidFile := filepath.Join(c.pgdata(), "postmaster.pid")
	for {
		if _, err := os.Stat(pidFile); errors.Is(err, fs.ErrNotExist) || !serverAlive(pid) {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pollInterval):
		}
	}
}

// register records this Cluster value in clients/, named after the process
// id so that Stop can tell live users from dead ones.
func (c *Cluster) register() error {
	dir := filepath.Join(c.dataDir, clientsName)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("pgcluster: register: %w", err)
	}
	f, err := os.CreateTemp(dir, strconv.Itoa(os.Getpid())+"-*")
	if err != nil {
		return fmt.Errorf("pgcluster: register: %w", err)
	}
	c.client = f.Name()
	return f.Close()
}

// liveClients counts the registered Cluster values whose process is alive,
// removing the files of dead processes.
func liveClients(dir string) (int, error) {
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return 0, err
	}
	n := 0
	for _, e := range entries {
		pidText, _, _ := strings.Cut(e.Name(), "-")
		pid, err := strconv.Atoi(pidText)
		if err == nil && processExists(pid) {
			n++
			continue
		}
		if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return 0, err
		}
	}
	return n, nil
}

// pidFile is what a running server writes to postmaster.pid.
type pidFile struct {
	pid    int
	port   int
	status string // "starting", "ready", "stopping", "standby"; empty before PostgreSQL 10
}

// readPIDFile parses postmaster.pid: line 1 is the pid, line 4 the port and
// line 8 the status.
func readPIDFile(path string) (pidFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return pidFile{}, err
	}
	lines := strings.Split(string(data), "\n")
	var st pidFile
	if len(lines) < 4 {
		return pidFile{}, fmt.Errorf("%s: too short", path)
	}
	if st.pid, err = strconv.Atoi(strings.TrimSpace(lines[0])); err != nil {
		return pidFile{}, fmt.Errorf("%s: pid: %w", path, err)
	}
	if st.port, err = strconv.Atoi(strings.TrimSpace(lines[3])); err != nil {
		return pidFile{}, fmt.Errorf("%s: port: %w", path, err)
	}
	if len(lines) >= 8 {
		st.status = strings.TrimSpace(lines[7])
	}
	return st, nil
}

// readClusterVersion returns the major version in pgdata/PG_VERSION, or ""
// when the directory holds no cluster.
func readClusterVersion(pgdata string) (string, error) {
	data, err := os.ReadFile(filepath.Join(pgdata, "PG_VERSION"))
	if errors.Is(err, fs.ErrNotExist) {
		entries, derr := os.ReadDir(pgdata)
		if derr == nil && len(entries) > 0 {
			return "", fmt.Errorf("pgcluster: %s is not empty but holds no PostgreSQL cluster (no PG_VERSION): move it away", pgdata)
		}
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("pgcluster: %w", err)
	}
	return strings.TrimSpace(string(data)), nil
}

// freePort asks the kernel for a free TCP port on 127.0.0.1.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// readFrom returns the contents of path from offset on (nil on error).
func readFrom(path string, offset int64) []byte {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return nil
	}
	data, _ := io.ReadAll(f)
	return data
}

// tail returns the last n bytes of b, starting at a line boundary when one
// is near.
func tail(b []byte, n int) []byte {
	b = bytes.TrimSpace(b)
	if len(b) <= n {
		return b
	}
	b = b[len(b)-n:]
	if i := bytes.IndexByte(b, '\n'); i >= 0 && i < n/2 {
		b = b[i+1:]
	}
	return b
}

// oneLine joins the lines of b with " | " so that an error stays on one
// line.
func oneLine(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	kept := lines[:0]
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			kept = append(kept, l)
		}
	}
	if len(kept) == 0 {
		return "(empty)"
	}
	return strings.Join(kept, " | ")
}

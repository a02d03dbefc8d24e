//go:build unix

package pgcluster

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// osUser is the OS account the server runs as when the program runs as
// root.
type osUser struct {
	name     string
	uid, gid uint32
}

func isRoot() bool { return os.Geteuid() == 0 }

// lookupServerUser returns the OS user postgres.
func lookupServerUser() (*osUser, error) {
	u, err := user.Lookup(superuser)
	if err != nil {
		return nil, fmt.Errorf("pgcluster: running as root, and PostgreSQL refuses to run as root, but there is no OS user %q to run it as: "+
			"install the Debian package postgresql (it creates the user) or run as another user: %w", superuser, err)
	}
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("pgcluster: OS user %s: uid %q: %w", superuser, u.Uid, err)
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("pgcluster: OS user %s: gid %q: %w", superuser, u.Gid, err)
	}
	return &osUser{name: superuser, uid: uint32(uid), gid: uint32(gid)}, nil
}

// procAttr returns the process attributes for initdb or the server: run as
// u (nil: as the current user), in a new session when setsid, with a
// parent-death signal when diesWithParent (Linux only).
func (u *osUser) procAttr(setsid, diesWithParent bool) *syscall.SysProcAttr {
	attr := &syscall.SysProcAttr{Setsid: setsid}
	if u != nil {
		attr.Credential = &syscall.Credential{Uid: u.uid, Gid: u.gid}
	}
	if diesWithParent {
		setParentDeathSignal(attr)
	}
	return attr
}

// prepareDataDir creates dataDir and, when the server runs as u, hands it
// to u and makes sure u can reach it: a directory above it that u cannot
// search gets the search permission when it lies in the temporary
// directory (t.TempDir and os.MkdirTemp make them 0700); elsewhere that is
// an error naming the directory.
func prepareDataDir(dataDir string, u *osUser, logf func(string, ...any)) error {
	if err := os.MkdirAll(filepath.Dir(dataDir), 0o755); err != nil {
		return fmt.Errorf("pgcluster: data directory: %w", err)
	}
	if err := os.Mkdir(dataDir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("pgcluster: data directory: %w", err)
	}
	if u == nil {
		return nil
	}
	info, err := os.Stat(dataDir)
	if err != nil {
		return fmt.Errorf("pgcluster: data directory: %w", err)
	}
	if uid, gid := fileOwner(info); uid != u.uid || gid != u.gid {
		if err := os.Chown(dataDir, int(u.uid), int(u.gid)); err != nil {
			return fmt.Errorf("pgcluster: give %s to the OS user %s: %w", dataDir, u.name, err)
		}
	}
	tmp := filepath.Clean(os.TempDir())
	for dir := filepath.Dir(dataDir); ; dir = filepath.Dir(dir) {
		info, err := os.Stat(dir)
		if err != nil {
			return fmt.Errorf("pgcluster: data directory: %w", err)
		}
		uid, gid := fileOwner(info)
		if bit := missingSearchBit(info.Mode(), uid, gid, u.uid, u.gid); bit != 0 {
			if !within(tmp, dir) {
				return fmt.Errorf("pgcluster: the server runs as the OS user %s, which cannot reach %s through %s (mode %v): "+
					"choose a data directory it can reach, or chmod o+x %s", u.name, dataDir, dir, info.Mode().Perm(), dir)
			}
			mode := info.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)
			if err := os.Chmod(dir, mode|bit); err != nil {
				return fmt.Errorf("pgcluster: let the OS user %s reach %s: %w", u.name, dataDir, err)
			}
			logf("allowed the OS user %s to search %s (mode %v)", u.name, dir, (mode | bit).Perm())
		}
		if parent := filepath.Dir(dir); parent == dir {
			return nil
		}
	}
}

// missingSearchBit returns the permission bit that would let the user
// uid/gid search a directory with mode owned by owner/group, or 0 when it
// can already (supplementary groups are not considered).
func missingSearchBit(mode fs.FileMode, owner, group, uid, gid uint32) fs.FileMode {
	var bit fs.FileMode
	switch {
	case uid == owner:
		bit = 0o100
	case gid == group:
		bit = 0o010
	default:
		bit = 0o001
	}
	if mode&bit != 0 {
		return 0
	}
	return bit
}

// within reports whether dir lies strictly inside root.
func within(root, dir string) bool {
	rel, err := filepath.Rel(root, dir)
	return err == nil && rel != "." && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// checkOwner makes sure an existing cluster belongs to the user the server
// runs as.
func checkOwner(pgdata string, u *osUser) error {
	info, err := os.Stat(pgdata)
	if err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	want := uint32(os.Geteuid())
	name := "the current user"
	if u != nil {
		want, name = u.uid, "the OS user "+u.name
	}
	if uid, _ := fileOwner(info); uid != want {
		return fmt.Errorf("pgcluster: %s belongs to uid %d, but the server runs as %s (uid %d): chown -R it or use another data directory",
			pgdata, uid, name, want)
	}
	return nil
}

func fileOwner(info fs.FileInfo) (uid, gid uint32) {
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		return st.Uid, st.Gid
	}
	return 0, 0
}

// lockFile takes an exclusive flock on path, polling until ctx is done, and
// returns the function that releases it.
func lockFile(ctx context.Context, path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() {
				_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
				f.Close()
			}, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			f.Close()
			return nil, err
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("held by another process: %w", ctx.Err())
		case <-time.After(pollInterval):
		}
	}
}

// processExists reports whether a process pid exists.
func processExists(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// serverAlive reports whether a PostgreSQL server may be running as pid.
func serverAlive(pid int) bool {
	return processExists(pid) && isPostgresProcess(pid)
}

// signalServer asks the server pid for a fast shutdown (SIGINT), or an
// immediate one (SIGQUIT).
func signalServer(pid int, immediate bool) error {
	sig := syscall.SIGINT
	if immediate {
		sig = syscall.SIGQUIT
	}
	return syscall.Kill(pid, sig)
}

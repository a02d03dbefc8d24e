package pgcluster

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// ErrNoBinaries is returned by Start when the PostgreSQL server binaries
// cannot be found (and could not be installed).
var ErrNoBinaries = errors.New("PostgreSQL server binaries not found (looked in PATH, /usr/lib/postgresql/*/bin, pg_config --bindir): " +
	"install the Debian package postgresql (apt-get install postgresql) or set database.url")

// binaries are the server programs of one PostgreSQL installation.
type binaries struct {
	dir      string
	initdb   string
	postgres string
	version  string // major version as in PG_VERSION: "15", "9.6"
}

// search says where to look for server binaries.
type search struct {
	path     string // a PATH list
	versions string // directory holding one <version>/bin per installed major version
	pgConfig string // pg_config program name or path
}

// defaultSearch is the search of the running system.
func defaultSearch() search {
	return search{path: os.Getenv("PATH"), versions: "/usr/lib/postgresql", pgConfig: "pg_config"}
}

// candidateDirs lists the directories that may hold the server binaries, in
// order of preference: PATH, then <versions>/*/bin from the highest version
// down, then pg_config --bindir. Duplicates are dropped.
func (s search) candidateDirs(ctx context.Context) []string {
	var dirs []string
	dirs = append(dirs, filepath.SplitList(s.path)...)

	if entries, err := os.ReadDir(s.versions); err == nil {
		var versions []string
		for _, e := range entries {
			if _, ok := parseVersion(e.Name()); ok {
				versions = append(versions, e.Name())
			}
		}
		sort.Slice(versions, func(i, j int) bool { return versionLess(versions[j], versions[i]) })
		for _, v := range versions {
			dirs = append(dirs, filepath.Join(s.versions, v, "bin"))
		}
	}

	if pgConfig, err := lookIn(s.path, s.pgConfig); err == nil {
		if out, err := exec.CommandContext(ctx, pgConfig, "--bindir").Output(); err == nil {
			dirs = append(dirs, strings.TrimSpace(string(out)))
		}
	}

	seen := make(map[string]bool)
	kept := dirs[:0]
	for _, d := range dirs {
		if d == "" || seen[d] {
			continue
		}
		seen[d] = true
		kept = append(kept, d)
	}
	return kept
}

// installations returns every candidate directory holding both initdb and
// postgres, in order of preference, with its version.
func (s search) installations(ctx context.Context) []binaries {
	var found []binaries
	for _, dir := range s.candidateDirs(ctx) {
		initdb := filepath.Join(dir, "initdb")
		postgres := filepath.Join(dir, "postgres")
		if !isExecutable(initdb) || !isExecutable(postgres) {
			continue
		}
		version, err := serverVersion(ctx, postgres)
		if err != nil {
			continue
		}
		found = append(found, binaries{dir: dir, initdb: initdb, postgres: postgres, version: version})
	}
	return found
}

// find returns the preferred installation.
func (s search) find(ctx context.Context) (binaries, error) {
	found := s.installations(ctx)
	if len(found) == 0 {
		return binaries{}, ErrNoBinaries
	}
	return found[0], nil
}

// findOrInstall finds the server binaries; when there are none, install is
// set and the program runs as root, it installs the Debian package
// postgresql and looks again.
func findOrInstall(ctx context.Context, s search, install bool, logf func(string, ...any)) (binaries, error) {
	bin, err := s.find(ctx)
	if err == nil || !install {
		if err != nil {
			return binaries{}, fmt.Errorf("pgcluster: %w", err)
		}
		return bin, nil
	}
	if !isRoot() {
		return binaries{}, fmt.Errorf("pgcluster: %w (not installing it: not running as root)", err)
	}
	logf("PostgreSQL server binaries not found; installing the Debian package postgresql: apt-get update")
	if err := runLogged(ctx, exec.CommandContext(ctx, "apt-get", "update")); err != nil {
		return binaries{}, fmt.Errorf("pgcluster: install PostgreSQL: apt-get update: %w", err)
	}
	logf("installing PostgreSQL: apt-get install -y postgresql")
	cmd := exec.CommandContext(ctx, "apt-get", "install", "-y", "postgresql")
	cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	if err := runLogged(ctx, cmd); err != nil {
		return binaries{}, fmt.Errorf("pgcluster: install PostgreSQL: apt-get install postgresql: %w", err)
	}
	bin, err = s.find(ctx)
	if err != nil {
		return binaries{}, fmt.Errorf("pgcluster: after installing the package postgresql: %w", err)
	}
	logf("installed PostgreSQL %s in %s", bin.version, bin.dir)
	return bin, nil
}

// pickVersion returns the installation of the given major version.
func pickVersion(ctx context.Context, s search, version string) (binaries, error) {
	found := s.installations(ctx)
	var have []string
	for _, b := range found {
		if b.version == version {
			return b, nil
		}
		have = append(have, b.version+" in "+b.dir)
	}
	return binaries{}, fmt.Errorf("no PostgreSQL %s server binaries (found %s): install the Debian package postgresql-%s or move the directory away",
		version, strings.Join(have, ", "), version)
}

// runLogged runs cmd, returning its output's tail with the error.
func runLogged(ctx context.Context, cmd *exec.Cmd) error {
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%w: %s", err, oneLine(tail(out, logTailBytes)))
	}
	return nil
}

var versionOutput = regexp.MustCompile(`\(PostgreSQL\) (\d+)(?:\.(\d+))?`)

// serverVersion runs "postgres --version" and returns the major version as
// PG_VERSION spells it ("15"; "9.6" before PostgreSQL 10).
func serverVersion(ctx context.Context, postgres string) (string, error) {
	out, err := exec.CommandContext(ctx, postgres, "--version").Output()
	if err != nil {
		return "", fmt.Errorf("%s --version: %w", postgres, err)
	}
	m := versionOutput.FindSubmatch(out)
	if m == nil {
		return "", fmt.Errorf("%s --version: unexpected output %q", postgres, out)
	}
	major, _ := strconv.Atoi(string(m[1]))
	if major < 10 && len(m[2]) > 0 {
		return string(m[1]) + "." + string(m[2]), nil
	}
	return string(m[1]), nil
}

// parseVersion parses a major version directory name: "15" or "9.6".
func parseVersion(s string) ([2]int, bool) {
	majorText, minorText, hasMinor := strings.Cut(s, ".")
	major, err := strconv.Atoi(majorText)
	if err != nil || major <= 0 {
		return [2]int{}, false
	}
	minor := 0
	if hasMinor {
		if minor, err = strconv.Atoi(minorText); err != nil || minor < 0 {
			return [2]int{}, false
		}
	}
	return [2]int{major, minor}, true
}

// versionLess orders version directory names numerically: 9.6 < 10 < 15.
func versionLess(a, b string) bool {
	va, _ := parseVersion(a)
	vb, _ := parseVersion(b)
	if va[0] != vb[0] {
		return va[0] < vb[0]
	}
	return va[1] < vb[1]
}

// lookIn finds program name in the directories of the PATH list path; a
// name with a slash is taken as is.
func lookIn(path, name string) (string, error) {
	if strings.ContainsRune(name, filepath.Separator) {
		if isExecutable(name) {
			return name, nil
		}
		return "", fmt.Errorf("%s: not an executable file", name)
	}
	for _, dir := range filepath.SplitList(path) {
		if dir == "" {
			continue
		}
		if p := filepath.Join(dir, name); isExecutable(p) {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s: not found in PATH", name)
}

// isExecutable reports whether path (after symlinks) is an executable file.
func isExecutable(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.Mode().IsRegular() && info.Mode().Perm()&0o111 != 0
}

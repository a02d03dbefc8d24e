// Package deploy holds the files that install nhacviec (the systemd unit);
// its test checks them, the Dockerfile, docker-compose.yml and
// .dockerignore against what the binary and docs/OPERATIONS.md say, since
// no Docker engine or systemd runs in the tests.
package deploy

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

// root is the repository's top folder.
const root = ".."

func read(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// exactTag matches an image reference pinned to an exact version: a tag
// with at least major.minor, optionally a suffix, optionally a digest.
var exactTag = regexp.MustCompile(`^[a-z0-9./-]+:\d+\.\d+(\.\d+)?(-[a-z0-9.-]+)?(@sha256:[0-9a-f]{64})?$`)

// TestComposeHealthcheck: the healthcheck ran bash's /dev/tcp under the
// image's /bin/sh (dash), so it could never pass; now it runs the binary's
// own healthcheck command. Images are pinned.
func TestComposeHealthcheck(t *testing.T) {
	var compose struct {
		Services map[string]struct {
			Image       string            `yaml:"image"`
			Build       string            `yaml:"build"`
			Environment map[string]string `yaml:"environment"`
			Healthcheck struct {
				Test []string `yaml:"test"`
			} `yaml:"healthcheck"`
		} `yaml:"services"`
	}
	if err := yaml.Unmarshal([]byte(read(t, "docker-compose.yml")), &compose); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	nv, ok := compose.Services["nhacviec"]
	if !ok {
		t.Fatal("no nhacviec service")
	}
	if got := strings.Join(nv.Healthcheck.Test, " "); got != "CMD nhacviec healthcheck" {
		t.Errorf("nhacviec healthcheck test = %q, want CMD nhacviec healthcheck", got)
	}
	if nv.Environment["NHACVIEC_HTTP_LISTEN"] == "" {
		t.Error("the healthcheck needs http.listen: NHACVIEC_HTTP_LISTEN is not set")
	}
	for name, s := range compose.Services {
		if s.Build != "" {
			continue
		}
		if !exactTag.MatchString(s.Image) {
			t.Errorf("service %s: image %q is not pinned to an exact version", name, s.Image)
		}
		if len(s.Healthcheck.Test) > 0 && s.Healthcheck.Test[0] == "CMD-SHELL" && strings.Contains(strings.Join(s.Healthcheck.Test, " "), "/dev/tcp") {
			t.Errorf("service %s: /dev/tcp needs bash, the image's sh is dash", name)
		}
	}
}

// TestDockerfile: exact base images (Go as go.mod asks), a writable
// working folder, the healthcheck, the config file every command reads.
func TestDockerfile(t *testing.T) {
	df := read(t, "Dockerfile")
	from := regexp.MustCompile(`(?m)^FROM (\S+)`).FindAllStringSubmatch(df, -1)
	if len(from) != 2 {
		t.Fatalf("want two stages, got %v", from)
	}
	for _, m := range from {
		if !exactTag.MatchString(m[1]) {
			t.Errorf("FROM %s is not pinned to an exact version", m[1])
		}
	}
	goVersion := regexp.MustCompile(`(?m)^go (\S+)`).FindStringSubmatch(read(t, "go.mod"))
	if goVersion == nil || !strings.HasPrefix(from[0][1], "golang:"+goVersion[1]+"-") {
		t.Errorf("build stage %s does not use go.mod's Go %v", from[0][1], goVersion)
	}
	home := regexp.MustCompile(`useradd [^\n]*--home-dir (\S+) --create-home`).FindStringSubmatch(df)
	workdirs := regexp.MustCompile(`(?m)^WORKDIR (\S+)`).FindAllStringSubmatch(df, -1)
	if home == nil || len(workdirs) == 0 || workdirs[len(workdirs)-1][1] != home[1] {
		t.Errorf("the image's working folder %v is not the nhacviec user's home %v (the only writable one)", workdirs, home)
	}
	for _, want := range []string{
		`CMD ["nhacviec", "healthcheck"]`,
		"NHACVIEC_CONFIG=/etc/nhacviec/config.yaml",
		"USER nhacviec",
	} {
		if !strings.Contains(df, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
}

// TestDockerignore: the build context carried data/, secrets and
// config.yaml into the build (and with COPY . . into the image).
func TestDockerignore(t *testing.T) {
	lines := map[string]bool{}
	for _, l := range strings.Split(read(t, ".dockerignore"), "\n") {
		l = strings.TrimSpace(l)
		if l != "" && !strings.HasPrefix(l, "#") {
			lines[l] = true
		}
	}
	for _, want := range []string{"/data/", "/secrets/", "/config.yaml", "*.env", ".git/"} {
		if !lines[want] {
			t.Errorf(".dockerignore lacks %s", want)
		}
	}
	for l := range lines {
		for _, keep := range []string{"go.mod", "go.sum", "main.go", "config.example.yaml"} {
			if ok, _ := filepath.Match(strings.TrimPrefix(l, "/"), keep); ok {
				t.Errorf(".dockerignore pattern %s excludes %s, which the build needs", l, keep)
			}
		}
	}
}

// TestSystemdUnitAndOperations: the unit's Documentation= named a file no
// step installed; OPERATIONS' secrets check ran cat as the admin, who
// cannot read the environment file; the backup folder of the cron job was
// never created.
func TestSystemdUnitAndOperations(t *testing.T) {
	unit := read(t, "deploy/nhacviec.service")
	ops := read(t, "docs/OPERATIONS.md")
	doc := regexp.MustCompile(`(?m)^Documentation=(\S+)`).FindStringSubmatch(unit)
	if doc == nil {
		t.Fatal("the unit has no Documentation=")
	}
	if path, ok := strings.CutPrefix(doc[1], "file://"); ok {
		install := "install -D -m 644 docs/OPERATIONS.md " + path
		if !strings.Contains(ops, install) || !strings.Contains(unit, install) {
			t.Errorf("Documentation=%s is installed by no step (want %q in OPERATIONS.md and the unit's header)", doc[1], install)
		}
	} else if !strings.HasPrefix(doc[1], "https://") && !strings.HasPrefix(doc[1], "man:") {
		t.Errorf("Documentation=%s is neither an installed file nor a URL", doc[1])
	}

	if strings.Contains(ops, "$(cat /etc/nhacviec/nhacviec.env)") {
		t.Error("OPERATIONS reads nhacviec.env with cat as the admin (the file is 640 root:nhacviec)")
	}

	cron := regexp.MustCompile(`--file=(/\S+)/nhacviec-`).FindStringSubmatch(ops)
	if cron == nil {
		t.Fatal("no backup cron line in OPERATIONS.md")
	}
	if !regexp.MustCompile(`install -d [^\n]*` + regexp.QuoteMeta(cron[1])).MatchString(ops) {
		t.Errorf("the backup folder %s is never created in OPERATIONS.md", cron[1])
	}
}

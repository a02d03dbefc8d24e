package main

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/store/storetest"
)

// TestServeWithoutTokenRefusesToStart: serve without a token used to print
// the messages and mark them sent; now it exits naming telegram.token and
// the console mode, before touching the database.
func TestServeWithoutTokenRefusesToStart(t *testing.T) {
	c := &cli{t: t, env: map[string]string{"NHACVIEC_DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"}}
	code, _, stderr := c.run("serve")
	if code != 1 || !strings.Contains(stderr, "telegram.token") || !strings.Contains(stderr, "telegram.mode: console") {
		t.Errorf("serve without a token: exit %d, %q", code, stderr)
	}
}

// TestCheckConfigNeedsATokenUnlessConsole: check-config said "valid"
// without a token, though serve could then deliver nothing.
func TestCheckConfigNeedsATokenUnlessConsole(t *testing.T) {
	c := &cli{t: t, env: map[string]string{}}
	if code, _, stderr := c.run("check-config"); code != 1 || !strings.Contains(stderr, "telegram.token") {
		t.Errorf("check-config without a token: exit %d, %q", code, stderr)
	}
	c.env["NHACVIEC_TELEGRAM_MODE"] = "console"
	code, out, stderr := c.run("check-config")
	if code != 0 || !strings.Contains(out, "serve prints messages instead of sending them") {
		t.Errorf("check-config in console mode: exit %d\n%s%s", code, out, stderr)
	}
}

// TestCheckConfigReportsEveryMistake: every unknown key and bad duration
// of the file, each on its own line with its key (a bad duration named no
// key, and only the first mistake was reported); the data folder a
// relative data_dir means is printed.
func TestCheckConfigReportsEveryMistake(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	write := func(data string) {
		if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("schedule:\n  catch_up: 1 day\nreminders:\n  invite_ttl: 2 weeks\ntelegram:\n  tokn: x\n")
	c := &cli{t: t, env: map[string]string{}}
	code, _, stderr := c.run("check-config", "--config", path)
	if code != 1 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{
		path + ":2:13: schedule.catch_up: \"1 day\" is not a duration",
		path + ":4:15: reminders.invite_ttl: \"2 weeks\" is not a duration",
		path + ":6:3: telegram.tokn: unknown key",
	} {
		if !strings.Contains(stderr, want+"") {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if n := strings.Count(strings.TrimSpace(stderr), "\n"); n != 2 {
		t.Errorf("want three lines, got:\n%s", stderr)
	}

	write("database:\n  data_dir: ./state\ntelegram:\n  mode: console\n")
	t.Chdir(t.TempDir())
	code, out, stderr := c.run("check-config", "--config", path)
	if want := "# database: managed cluster at " + filepath.Join(dir, "state") + ", database nhacviec"; code != 0 || !strings.Contains(out, want) {
		t.Errorf("check-config: exit %d, want %q in\n%s%s", code, want, out, stderr)
	}
}

// TestBadFlagIsOneLine: a wrong flag printed the whole usage; now one line
// pointing to --help, and nothing on stdout.
func TestBadFlagIsOneLine(t *testing.T) {
	c := &cli{t: t, env: map[string]string{}}
	code, out, stderr := c.run("tick", "--att", "2025-01-03T08:00:00+07:00")
	if code != 2 || out != "" || strings.Count(stderr, "\n") != 1 ||
		!strings.Contains(stderr, "flag provided but not defined: -att") || !strings.Contains(stderr, "nhacviec tick --help") {
		t.Errorf("bad flag: exit %d\nstdout: %q\nstderr: %q", code, out, stderr)
	}
	if code, out, _ := c.run("tick", "--help"); code != 0 || !strings.Contains(out, "-at string") {
		t.Errorf("tick --help: exit %d\n%s", code, out)
	}
}

// TestTickSaysWhenNothingFires: a minute where no job fires printed
// "jobs: 0"; a repeated tick printed "taken" unexplained.
func TestTickSaysWhenNothingFires(t *testing.T) {
	c := newCLI(t)
	out := c.mustRun("tick", "--at", "2025-01-03T03:47:00+07:00")
	if !strings.Contains(out, "no job fires at 2025-01-03 03:47") || !strings.Contains(out, "next: remind at 2025-01-03T08:00:00+07:00") {
		t.Errorf("tick at a quiet minute:\n%s", out)
	}
	c.mustRun("tick", "--at", "2025-01-03T08:00:00+07:00")
	again := c.mustRun("tick", "--at", "2025-01-03T08:00:00+07:00")
	if !strings.Contains(again, "\ttaken\t") || !strings.Contains(again, "taken: that run was already claimed") {
		t.Errorf("repeated tick:\n%s", again)
	}
}

// TestMigrateListsWhatItApplied: migrate printed only a count.
func TestMigrateListsWhatItApplied(t *testing.T) {
	c := &cli{t: t, env: map[string]string{"NHACVIEC_DATABASE_URL": storetest.EmptyURL(t)}}
	out := c.mustRun("migrate")
	if !strings.Contains(out, "applied 00001_init.sql\n") {
		t.Errorf("migrate on an empty database:\n%s", out)
	}
	if again := c.mustRun("migrate"); !strings.Contains(again, "nothing to apply") || strings.Contains(again, "applied 0") {
		t.Errorf("migrate again:\n%s", again)
	}
}

// TestSeveralUnitsIsOneShortLine: digest without --unit among thousands of
// units printed every code on one line.
func TestSeveralUnitsIsOneShortLine(t *testing.T) {
	units := make([]plan.Unit, 3321)
	for i := range units {
		units[i] = plan.Unit{ID: int64(i + 1), Code: fmt.Sprintf("xa-%04d", i)}
	}
	msg := severalUnits(units)
	want := "3321 units (xa-0000, xa-0001, xa-0002, xa-0003, xa-0004, … 3316 more): choose one with --unit CODE (nhacviec units lists them)"
	if msg != want {
		t.Errorf("severalUnits = %q, want %q", msg, want)
	}

	c := newCLI(t)
	c.mustRun("import", examplePlan)
	data, err := os.ReadFile(examplePlan)
	if err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(t.TempDir(), "other.yaml")
	if err := os.WriteFile(other, []byte(strings.Replace(string(data), "code: pdp", "code: pdp-2", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	c.mustRun("import", other)
	code, _, stderr := c.run("digest", "--period", "2025-Q1")
	if code != 2 || !strings.Contains(stderr, "2 units (pdp, pdp-2)") {
		t.Errorf("digest without --unit: exit %d, %q", code, stderr)
	}
	if out := c.mustRun("units"); !strings.Contains(out, "pdp\t") || !strings.Contains(out, "pdp-2\t") {
		t.Errorf("units:\n%s", out)
	}
}

// TestHealthcheck: the command Docker runs asks /healthz at http.listen
// and exits 0 on 200 (degraded included), 1 otherwise.
func TestHealthcheck(t *testing.T) {
	status, body := http.StatusOK, `{"status":"degraded","telegram":"unreachable"}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(status)
		fmt.Fprintln(w, body)
	}))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	c := &cli{t: t, env: map[string]string{"NHACVIEC_HTTP_LISTEN": ":" + port}}
	if code, out, stderr := c.run("healthcheck"); code != 0 || !strings.Contains(out, "degraded") {
		t.Errorf("healthcheck of a degraded serve: exit %d, %q %q", code, out, stderr)
	}
	status, body = http.StatusServiceUnavailable, `{"database":"fail","status":"fail"}`
	if code, _, stderr := c.run("healthcheck"); code != 1 || !strings.Contains(stderr, "503") || !strings.Contains(stderr, `"database":"fail"`) {
		t.Errorf("healthcheck of a failing serve: exit %d, %q", code, stderr)
	}
	srv.Close()
	if code, _, stderr := c.run("healthcheck"); code != 1 || !strings.Contains(stderr, "serve does not answer") {
		t.Errorf("healthcheck of no serve: exit %d, %q", code, stderr)
	}
	c.env = map[string]string{}
	if code, _, stderr := c.run("healthcheck"); code != 1 || !strings.Contains(stderr, "http.listen is not set") {
		t.Errorf("healthcheck without http.listen: exit %d, %q", code, stderr)
	}
	for listen, want := range map[string]string{
		":9090": "http://127.0.0.1:9090/healthz", "0.0.0.0:9090": "http://127.0.0.1:9090/healthz",
		"[::]:9090": "http://[::1]:9090/healthz", "10.0.0.5:9090": "http://10.0.0.5:9090/healthz",
	} {
		if got, err := healthzURL(listen); err != nil || got != want {
			t.Errorf("healthzURL(%q) = %q, %v; want %q", listen, got, err, want)
		}
	}
}

// TestConfigFromEnvironment: NHACVIEC_CONFIG names the file (the image
// sets it), and must then exist.
func TestConfigFromEnvironment(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte("telegram:\n  mode: console\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c := &cli{t: t, env: map[string]string{"NHACVIEC_CONFIG": path}}
	if out := c.mustRun("check-config"); !strings.Contains(out, "# config file: "+path) {
		t.Errorf("check-config with NHACVIEC_CONFIG:\n%s", out)
	}
	c.env["NHACVIEC_CONFIG"] = path + ".missing"
	if code, _, stderr := c.run("check-config"); code != 1 || !strings.Contains(stderr, "no such file") {
		t.Errorf("missing NHACVIEC_CONFIG file: exit %d, %q", code, stderr)
	}
}

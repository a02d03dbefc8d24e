package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// cli runs nhacviec in-process against the database at url.
type cli struct {
	t   *testing.T
	url string
	env map[string]string
}

func newCLI(t *testing.T) *cli {
	t.Helper()
	url := storetest.URL(t)
	return &cli{t: t, url: url, env: map[string]string{"NHACVIEC_DATABASE_URL": url}}
}

func (c *cli) run(args ...string) (code int, stdout, stderr string) {
	c.t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb, func(k string) string { return c.env[k] })
	return code, out.String(), errb.String()
}

func (c *cli) mustRun(args ...string) string {
	c.t.Helper()
	code, out, errs := c.run(args...)
	if code != 0 {
		c.t.Fatalf("nhacviec %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, out, errs)
	}
	return out
}

func (c *cli) store() *store.Store {
	c.t.Helper()
	st, err := store.Open(context.Background(), c.url)
	if err != nil {
		c.t.Fatal(err)
	}
	c.t.Cleanup(func() { st.Close() })
	return st
}

var examplePlan = filepath.Join("..", "..", "examples", "phan-dinh-phung-2025.yaml")

func TestImportExampleTwice(t *testing.T) {
	c := newCLI(t)
	first := c.mustRun("import", examplePlan)
	for _, want := range []string{"officials: 10 created", "areas: 6 created", "targets: 25 created", "tasks: 40 created"} {
		if !strings.Contains(first, want) {
			t.Errorf("first import summary lacks %q:\n%s", want, first)
		}
	}
	second := c.mustRun("import", examplePlan)
	if regexp.MustCompile(`[1-9]\d* (created|updated|archived)`).MatchString(second) {
		t.Errorf("second import changed something:\n%s", second)
	}
}

func TestImportDryRunWritesNothing(t *testing.T) {
	c := newCLI(t)
	out := c.mustRun("import", examplePlan, "--dry-run")
	if !strings.Contains(out, "dry run") || !strings.Contains(out, "tasks: 40 created") {
		t.Errorf("dry run output:\n%s", out)
	}
	units, err := c.store().Units(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(units) != 0 {
		t.Errorf("dry run wrote %d units", len(units))
	}
}

func TestImportThreeMistakes(t *testing.T) {
	c := newCLI(t)
	code, _, stderr := c.run("import", filepath.Join("..", "..", "examples", "bad", "three-mistakes.yaml"))
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	located := regexp.MustCompile(`(?m)^three-mistakes\.yaml:\d+:\d+: \S+: .+$`)
	if got := len(located.FindAllString(stderr, -1)); got != 3 {
		t.Errorf("%d located errors, want 3:\n%s", got, stderr)
	}
	if !strings.Contains(stderr, "3 error(s), nothing imported") {
		t.Errorf("no summary line:\n%s", stderr)
	}
	units, err := c.store().Units(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(units) != 0 {
		t.Errorf("a broken plan imported %d units", len(units))
	}
}

func TestInvite(t *testing.T) {
	c := newCLI(t)
	c.mustRun("import", examplePlan)
	line := regexp.MustCompile(`^([a-z0-9-]+)\t([A-Za-z0-9_-]{8,64})\t(-|https://t\.me/\S+\?start=[A-Za-z0-9_-]+)$`)

	out := c.mustRun("invite", "--all")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 10 {
		t.Fatalf("%d lines, want one per official (10):\n%s", len(lines), out)
	}
	for _, l := range lines {
		m := line.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("line %q does not match KEY<TAB>CODE<TAB>LINK", l)
		}
		if m[3] != "-" {
			t.Errorf("link %q without a known bot username, want -", m[3])
		}
	}

	c.env["NHACVIEC_TELEGRAM_BOT_USERNAME"] = "phuong_pdp_bot"
	out = c.mustRun("invite", "tu-phap")
	m := line.FindStringSubmatch(strings.TrimSpace(out))
	if m == nil || m[1] != "tu-phap" || m[3] != "https://t.me/phuong_pdp_bot?start="+m[2] {
		t.Errorf("invite tu-phap = %q", out)
	}

	code, _, stderr := c.run("invite", "khong-co")
	if code != 1 || !strings.Contains(stderr, `unknown official "khong-co"`) {
		t.Errorf("unknown key: exit %d, %q", code, stderr)
	}
	if code, _, _ := c.run("invite"); code != 2 {
		t.Errorf("invite without keys: exit %d, want 2", code)
	}
}

func TestOfficials(t *testing.T) {
	c := newCLI(t)
	c.mustRun("import", examplePlan)
	if _, err := c.store().DB().Exec(`UPDATE officials SET telegram_chat_id = 42, telegram_user_id = 42,
		telegram_username = 'toan', linked_at = now() WHERE key = 'chu-tich'`); err != nil {
		t.Fatal(err)
	}
	out := c.mustRun("officials")
	if !strings.Contains(out, "linked @toan") || !strings.Contains(out, "1 of 10 officials linked") {
		t.Errorf("officials:\n%s", out)
	}
}

func TestTickTwiceEnqueuesOnce(t *testing.T) {
	c := newCLI(t)
	c.mustRun("import", examplePlan)
	st := c.store()
	if _, err := st.DB().Exec(`UPDATE officials SET telegram_chat_id = id + 1000, telegram_user_id = id + 1000,
		linked_at = now()`); err != nil {
		t.Fatal(err)
	}
	// Materialize, then the reminders of Friday 3 January 2025, 08:00.
	c.mustRun("tick", "--at", "2025-01-03T00:05:00+07:00")
	c.mustRun("tick", "--at", "2025-01-03T08:00:00+07:00")
	counts, err := st.OutboxCounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if counts.Pending == 0 {
		t.Fatal("the 08:00 tick enqueued nothing")
	}
	c.mustRun("tick", "--at", "2025-01-03T08:00:30+07:00")
	again, err := st.OutboxCounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if again != counts {
		t.Errorf("second tick of the same minute enqueued more: %+v then %+v", counts, again)
	}
	if code, _, stderr := c.run("tick"); code != 2 || !strings.Contains(stderr, "--at is required") {
		t.Errorf("tick without --at: exit %d, %q", code, stderr)
	}
	if code, _, stderr := c.run("tick", "--at", "tomorrow"); code != 2 || !strings.Contains(stderr, "RFC3339") {
		t.Errorf("tick --at tomorrow: exit %d, %q", code, stderr)
	}
}

func TestDigestJSONContract(t *testing.T) {
	c := newCLI(t)
	c.mustRun("import", examplePlan)
	out := c.mustRun("digest", "--period", "2025-Q1", "--format", "json", "--at", "2025-03-15T08:00:00+07:00")
	var d map[string]any
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatalf("digest is not JSON: %v\n%s", err, out)
	}
	for _, key := range []string{"unit", "period", "as_of", "totals", "by_area", "by_official", "tasks", "targets", "missing_reports"} {
		if _, ok := d[key]; !ok {
			t.Errorf("digest JSON lacks %q", key)
		}
	}
	if d["unit"] != "pdp" || d["as_of"] != "2025-03-15T08:00:00+07:00" {
		t.Errorf("unit %v, as_of %v", d["unit"], d["as_of"])
	}
	period := d["period"].(map[string]any)
	if period["key"] != "2025-Q1" || period["from"] != "2024-12-15" || period["to"] != "2025-03-14" {
		t.Errorf("period = %v, want decree09 2025-Q1 = 2024-12-15..2025-03-14", period)
	}
	totals := d["totals"].(map[string]any)
	for _, key := range []string{"done_on_time", "done_late", "open_on_time", "open_overdue", "on_time_rate"} {
		if _, ok := totals[key]; !ok {
			t.Errorf("totals lack %q", key)
		}
	}
	if areas := d["by_area"].([]any); len(areas) != 6 {
		t.Errorf("%d areas, want 6", len(areas))
	}

	text := c.mustRun("digest", "--period", "quarter", "--at", "2025-02-01T09:00:00+07:00")
	if !strings.Contains(text, "quý I/2025") {
		t.Errorf("text digest of the quarter containing 1/2/2025:\n%s", text)
	}
	if code, _, stderr := c.run("digest", "--period", "2025-Q5"); code != 2 || !strings.Contains(stderr, "2025-Q5") {
		t.Errorf("bad period: exit %d, %q", code, stderr)
	}
}

func TestHelpAndUsage(t *testing.T) {
	c := &cli{t: t, env: map[string]string{}}
	for _, cmd := range commands() {
		code, out, _ := c.run(cmd.name, "--help")
		if code != 0 || !strings.Contains(out, "Usage: nhacviec "+cmd.name) {
			t.Errorf("%s --help: exit %d\n%s", cmd.name, code, out)
		}
	}
	if code, _, stderr := c.run("frobnicate"); code != 2 || !strings.Contains(stderr, "unknown command") {
		t.Errorf("unknown command: exit %d, %q", code, stderr)
	}
	if code, out, _ := c.run("--help"); code != 0 || !strings.Contains(out, "Commands:") {
		t.Errorf("--help: exit %d\n%s", code, out)
	}
}

func TestCheckConfigMasksSecrets(t *testing.T) {
	c := &cli{t: t, env: map[string]string{
		"NHACVIEC_TELEGRAM_TOKEN":          "123456:SECRET",
		"NHACVIEC_EMAIL_SMTP_ADDR":         "127.0.0.1:2525",
		"NHACVIEC_EMAIL_FROM":              "ubnd@pdp.example.vn",
		"NHACVIEC_EMAIL_PASSWORD":          "MAILPASSWORD",
		"NHACVIEC_EMAIL_USERNAME":          "ubnd",
		"NHACVIEC_DATABASE_URL":            "postgres://nv:DBPASSWORD@db/nhacviec",
		"NHACVIEC_TELEGRAM_WEBHOOK_SECRET": "HOOKSECRET",
	}}
	code, out, stderr := c.run("check-config")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, secret := range []string{"SECRET", "MAILPASSWORD", "DBPASSWORD", "HOOKSECRET"} {
		if strings.Contains(out, secret) {
			t.Errorf("check-config prints a secret (%s)", secret)
		}
	}
	if !strings.Contains(out, "configuration is valid") {
		t.Errorf("check-config output:\n%s", out)
	}
	c.env["NHACVIEC_PERIODS_CUTOFF"] = "lunar"
	if code, _, stderr := c.run("check-config"); code != 1 || !strings.Contains(stderr, "periods.cutoff") {
		t.Errorf("bad cutoff: exit %d, %q", code, stderr)
	}
}

// TestBadDatabaseURLNeverPrintsPassword: a database URL that cannot be
// parsed or reached fails the command with a message naming the problem,
// and the password appears nowhere on stderr or stdout (was: a bad port
// printed the whole URL, password included).
func TestBadDatabaseURLNeverPrintsPassword(t *testing.T) {
	const password = "Pa55-w0rd_s3cr3t"
	for _, url := range []string{
		"postgres://nhacviec:" + password + "@127.0.0.1:notaport/nhacviec",
		"postgres://nhacviec:" + password + "@127.0.0.1:1/nhacviec?sslmode=disable&connect_timeout=2",
		"postgres://nhacviec@127.0.0.1:1/nhacviec?sslmode=disable&password=" + password + "&connect_timeout=2",
		"host=127.0.0.1 port=1 user=nhacviec password=" + password + " sslmode=disable connect_timeout=2",
		"postgres://nhacviec:" + password + "@[::1/nhacviec",
		"postgres://nhacviec:" + password + "%zz@127.0.0.1/nhacviec",
	} {
		for _, args := range [][]string{{"migrate"}, {"officials"}, {"check-config"}} {
			c := &cli{t: t, env: map[string]string{"NHACVIEC_DATABASE_URL": url}}
			code, out, stderr := c.run(args...)
			if strings.Contains(stderr, password) || strings.Contains(out, password) {
				t.Errorf("nhacviec %s with database.url %q prints the password:\nstdout: %s\nstderr: %s", args[0], url, out, stderr)
			}
			if args[0] != "check-config" && (code != 1 || stderr == "") {
				t.Errorf("nhacviec %s with a bad database.url: exit %d, stderr %q", args[0], code, stderr)
			}
		}
	}
}

// TestCheckConfigShowsDatabaseURL: check-config shows the database's host,
// port, name and options with only the password masked.
func TestCheckConfigShowsDatabaseURL(t *testing.T) {
	for _, tt := range []struct{ url, want string }{
		{"postgres://nv:DBPASSWORD@db.example.vn:5432/nhacviec?sslmode=require", "postgres://nv:***@db.example.vn:5432/nhacviec?sslmode=require"},
		{"postgres://nv@db:5432/nhacviec?password=DBPASSWORD&sslmode=disable", "postgres://nv@db:5432/nhacviec?password=***&sslmode=disable"},
		{"postgres://nv@db/nhacviec", "postgres://nv@db/nhacviec"},
		{"host=db user=nv password=DBPASSWORD dbname=nhacviec", "host=db user=nv password=*** dbname=nhacviec"},
	} {
		c := &cli{t: t, env: map[string]string{"NHACVIEC_DATABASE_URL": tt.url, "NHACVIEC_TELEGRAM_MODE": "console"}}
		code, out, stderr := c.run("check-config")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if strings.Contains(out, "DBPASSWORD") || !strings.Contains(out, tt.want) {
			t.Errorf("check-config with %q shows:\n%s\nwant the URL as %q", tt.url, out, tt.want)
		}
	}
}

// TestRotateKey: rotate-key prints the new key and until when the older
// ones verify; --keep-old 0 retires them at once; a bad duration is a
// usage error.
func TestRotateKey(t *testing.T) {
	c := newCLI(t)
	c.mustRun("migrate")
	if out := c.mustRun("rotate-key"); !regexp.MustCompile(`^key 1 created: it signs the buttons of every new message\n$`).MatchString(out) {
		t.Errorf("first rotate-key:\n%s", out)
	}
	out := c.mustRun("rotate-key")
	if !regexp.MustCompile(`^key 2 created: .*\nkey 1 verifies its buttons until \d{4}-\d\d-\d\d \d\d:\d\d \S+\n$`).MatchString(out) {
		t.Errorf("second rotate-key:\n%s", out)
	}
	keys, err := c.store().SigningKeys(context.Background(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 2 || keys[1].RetireAt == nil {
		t.Fatalf("keys after two rotations: %+v", keys)
	}
	// The default keeps the old key for telegram.button_max_age (60 days).
	if d := keys[1].RetireAt.Sub(keys[0].CreatedAt); d != 60*24*time.Hour {
		t.Errorf("old key kept %v, want 60 days", d)
	}
	out = c.mustRun("rotate-key", "--keep-old", "0")
	if !strings.Contains(out, "key 3 created") || !strings.Contains(out, "key 2 retired") || !strings.Contains(out, "key 1 retired") {
		t.Errorf("rotate-key --keep-old 0:\n%s", out)
	}
	if out := c.mustRun("rotate-key", "--keep-old", "7d"); !strings.Contains(out, "key 3 verifies its buttons until") {
		t.Errorf("rotate-key --keep-old 7d:\n%s", out)
	}
	if code, _, stderr := c.run("rotate-key", "--keep-old", "soon"); code != 2 || !strings.Contains(stderr, "--keep-old") {
		t.Errorf("bad --keep-old: exit %d, %q", code, stderr)
	}
}

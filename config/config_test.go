package config

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/plan"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestDefaultsAreValid(t *testing.T) {
	if err := Default().Validate(); err != nil {
		t.Fatalf("defaults do not validate: %v", err)
	}
}

func TestLoadExample(t *testing.T) {
	cfg, err := Load(filepath.Join("..", "config.example.yaml"), true, env(nil))
	if err != nil {
		t.Fatalf("example config: %v", err)
	}
	if cfg.Calendar.Rules != "vietnam" || len(cfg.Calendar.Holidays) != 0 {
		t.Errorf("calendar = %+v, want rules vietnam and no listed holiday", cfg.Calendar)
	}
	if cfg.Schedule.CatchUp != 24*time.Hour {
		t.Errorf("catch_up = %v, want 24h", cfg.Schedule.CatchUp)
	}
	cal, err := cfg.WorkCalendar()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"2025-01-27", "2025-04-07", "2025-09-01", "2026-02-16", "2027-02-08", "2027-05-03"} {
		day := plan.MustParseDate(d)
		if cal.IsWorkday(day) {
			t.Errorf("%s is a working day, want a holiday", d)
		}
	}
}

func TestMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "none.yaml")
	if _, err := Load(path, false, env(nil)); err != nil {
		t.Fatalf("absent optional config: %v", err)
	}
	if _, err := Load(path, true, env(nil)); err == nil {
		t.Fatal("absent required config: no error")
	}
}

func TestEnvOverrides(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(secret, []byte("123:abc\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(filepath.Join(t.TempDir(), "none.yaml"), false, env(map[string]string{
		"NHACVIEC_TELEGRAM_TOKEN_FILE":      secret,
		"NHACVIEC_TELEGRAM_RATE_PER_SECOND": "10",
		"NHACVIEC_REMINDERS_BEFORE_DAYS":    "5, 2,0",
		"NHACVIEC_REMINDERS_NOTIFY_SUPPORT": "false",
		"NHACVIEC_SCHEDULE_CATCH_UP":        "2h",
		"NHACVIEC_LANGUAGE":                 "en",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Telegram.Token != "123:abc" {
		t.Errorf("token = %q", cfg.Telegram.Token)
	}
	if cfg.Telegram.RatePerSecond != 10 || cfg.Language != "en" || cfg.Reminders.NotifySupport {
		t.Errorf("overrides not applied: %+v", cfg)
	}
	if got := cfg.Reminders.BeforeDays; len(got) != 3 || got[0] != 5 || got[2] != 0 {
		t.Errorf("before_days = %v", got)
	}
	if cfg.Schedule.CatchUp != 2*time.Hour {
		t.Errorf("catch_up = %v", cfg.Schedule.CatchUp)
	}
}

func TestBadConfigReportsEveryProblem(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	data := `
telegram:
  mode: carrier-pigeon
  rate_per_second: 100
language: fr
schedule:
  reminders: "every morning"
periods:
  cutoff: lunar
calendar:
  holidays: ["2025-02-30"]
`
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path, true, env(nil))
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"telegram.mode", "telegram.rate_per_second", "language", "schedule.reminders", "periods.cutoff", "calendar"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not name %s:\n%v", want, err)
		}
	}
}

func TestUnknownKeyIsLocated(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte("telegram:\n  tokn: x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path, true, env(nil))
	if err == nil || !strings.Contains(err.Error(), "tokn") || !strings.Contains(err.Error(), "2") {
		t.Fatalf("want an error naming tokn at line 2, got %v", err)
	}
}

func TestEmailSection(t *testing.T) {
	tests := []struct {
		name    string
		yaml    string
		env     map[string]string
		wantErr []string // config keys named in the error; empty: valid
		check   func(t *testing.T, e Email)
	}{
		{
			name: "absent is disabled",
			check: func(t *testing.T, e Email) {
				if e.Enabled() || e.StartTLS != "auto" {
					t.Errorf("email = %+v, want disabled with starttls auto", e)
				}
			},
		},
		{
			name: "full section",
			yaml: `
email:
  smtp_addr: smtp.example.gov.vn:587
  username: ubnd
  password: s3cret
  from: "UBND phường Phan Đình Phùng <ubnd@example.gov.vn>"
  digest_to: ["chutich@example.gov.vn", "Văn phòng <vanphong@example.gov.vn>"]
  starttls: always
`,
			check: func(t *testing.T, e Email) {
				if !e.Enabled() || e.SMTPAddr != "smtp.example.gov.vn:587" || e.Password != "s3cret" ||
					e.StartTLS != "always" || len(e.DigestTo) != 2 {
					t.Errorf("email = %+v", e)
				}
			},
		},
		{
			name: "environment",
			env: map[string]string{
				"NHACVIEC_EMAIL_SMTP_ADDR": "127.0.0.1:2525",
				"NHACVIEC_EMAIL_FROM":      "nhacviec@example.gov.vn",
				"NHACVIEC_EMAIL_DIGEST_TO": "a@example.gov.vn, b@example.gov.vn",
				"NHACVIEC_EMAIL_STARTTLS":  "never",
				"NHACVIEC_HTTP_LISTEN":     "127.0.0.1:9090",
			},
			check: func(t *testing.T, e Email) {
				if e.SMTPAddr != "127.0.0.1:2525" || e.StartTLS != "never" ||
					len(e.DigestTo) != 2 || e.DigestTo[1] != "b@example.gov.vn" {
					t.Errorf("email = %+v", e)
				}
			},
		},
		{
			name:    "from required when enabled",
			yaml:    "email:\n  smtp_addr: smtp.example.gov.vn:587\n",
			wantErr: []string{"email.from"},
		},
		{
			name: "bad values",
			yaml: `
email:
  smtp_addr: smtp.example.gov.vn
  password: x
  from: "not an address"
  digest_to: ["chutich@example.gov.vn", "văn phòng"]
  starttls: sometimes
http:
  listen: "9090"
`,
			wantErr: []string{"email.smtp_addr", "email.username", "email.from", "email.digest_to[1]", "email.starttls", "http.listen"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "config.yaml")
			if err := os.WriteFile(path, []byte(tt.yaml), 0o600); err != nil {
				t.Fatal(err)
			}
			cfg, err := Load(path, true, env(tt.env))
			if len(tt.wantErr) > 0 {
				if err == nil {
					t.Fatal("no error")
				}
				for _, key := range tt.wantErr {
					if !strings.Contains(err.Error(), key+":") {
						t.Errorf("error does not name %s:\n%v", key, err)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, cfg.Email)
		})
	}
}

func TestMaskedHidesEverySecret(t *testing.T) {
	cfg := Default()
	cfg.Database.URL = "postgres://u:dbpass@db/nhacviec"
	cfg.Telegram.Token = "123:token"
	cfg.Telegram.WebhookSecret = "hook-secret"
	cfg.Email.Password = "mail-pass"
	cfg.Email.SMTPAddr = "smtp.example.gov.vn:587"
	m := cfg.Masked()
	for _, s := range []string{m.Database.URL, m.Telegram.Token, m.Telegram.WebhookSecret, m.Email.Password} {
		if s != "********" {
			t.Errorf("secret left visible: %q", s)
		}
	}
	if m.Email.SMTPAddr != cfg.Email.SMTPAddr || cfg.Email.Password != "mail-pass" {
		t.Error("Masked changed a non-secret or its receiver")
	}
	secrets := strings.Join(cfg.Secrets(), " ")
	for _, s := range []string{"dbpass", "123:token", "hook-secret", "mail-pass"} {
		if !strings.Contains(secrets, s) {
			t.Errorf("Secrets() lacks %q", s)
		}
	}
}

func TestWebhookModeNeedsURLAndSecret(t *testing.T) {
	cfg := Default()
	cfg.Telegram.Mode = "webhook"
	err := cfg.Validate()
	if err == nil || !strings.Contains(err.Error(), "telegram.webhook_url") || !strings.Contains(err.Error(), "telegram.webhook_secret") {
		t.Fatalf("webhook mode without url and secret: %v", err)
	}
	cfg.Telegram.WebhookURL = "https://nhacviec.example.vn/telegram"
	cfg.Telegram.WebhookSecret = "s3cret-token_0123456789abcdefABCDEF"
	if err := cfg.Validate(); err != nil {
		t.Fatalf("complete webhook config: %v", err)
	}
}

// writeConfig writes data to config.yaml in a new temporary folder and
// returns its path.
func writeConfig(t *testing.T, data string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestYAMLMistakesAreAllReportedWithTheirKeys: a bad duration names its key
// and line (it used to say only `time: unknown unit " day"`), and every
// unknown key and bad duration of the file is reported at once.
func TestYAMLMistakesAreAllReportedWithTheirKeys(t *testing.T) {
	path := writeConfig(t, `schedule:
  catch_up: 1 day
reminders:
  invite_ttl: 3 weeks
telegram:
  mdoe: polling
`)
	_, err := Load(path, true, env(nil))
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	for _, want := range []string{
		path + ":2:13: schedule.catch_up: \"1 day\" is not a duration",
		path + ":4:15: reminders.invite_ttl: \"3 weeks\" is not a duration",
		path + ":6:3: telegram.mdoe: unknown key (under telegram: token, api_url, mode,",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	if got := strings.Count(msg, "\n"); got != 2 {
		t.Errorf("want one line per mistake (3), got %d lines:\n%s", got+1, msg)
	}
}

// TestYAMLSyntaxErrorKeepsItsExcerpt: the excerpt of the file around a
// syntax error keeps its lines (it was squashed onto one).
func TestYAMLSyntaxErrorKeepsItsExcerpt(t *testing.T) {
	path := writeConfig(t, "telegram:\n  mode: polling\n  token: \"abc\n")
	_, err := Load(path, true, env(nil))
	if err == nil {
		t.Fatal("no error")
	}
	if !strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), ">  3 |") {
		t.Errorf("syntax error without a multi-line excerpt:\n%s", err)
	}
}

// TestRelativeDataDirFollowsTheConfigFile: a relative database.data_dir is
// relative to the config file's folder, whatever the working directory
// (it followed the working directory, so a command run elsewhere made a
// second, empty database); without a file, to the working directory.
func TestRelativeDataDirFollowsTheConfigFile(t *testing.T) {
	path := writeConfig(t, "database:\n  data_dir: ./state/data\n")
	t.Chdir(t.TempDir())
	cfg, err := Load(path, true, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	dir, err := cfg.DataDir()
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(filepath.Dir(path), "state", "data"); dir != want {
		t.Errorf("data dir = %s, want %s", dir, want)
	}

	abs := filepath.Join(t.TempDir(), "abs")
	cfg, err = Load(writeConfig(t, "database:\n  data_dir: "+abs+"\n"), true, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if dir, _ := cfg.DataDir(); dir != abs {
		t.Errorf("absolute data dir = %s, want %s", dir, abs)
	}

	cfg, err = Load(filepath.Join(t.TempDir(), "none.yaml"), false, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	wd, _ := os.Getwd()
	if dir, _ := cfg.DataDir(); dir != filepath.Join(wd, "data") {
		t.Errorf("data dir without a file = %s, want %s", dir, filepath.Join(wd, "data"))
	}
}

// TestServeNeedsATokenUnlessConsole: without a token only console mode is
// fit for serve (messages were printed and marked sent).
func TestServeNeedsATokenUnlessConsole(t *testing.T) {
	cfg := Default()
	if err := cfg.ValidateServe(); err == nil || !strings.Contains(err.Error(), "telegram.token") || !strings.Contains(err.Error(), "telegram.mode: console") {
		t.Errorf("polling without a token: %v", err)
	}
	cfg.Telegram.Mode = "console"
	if err := cfg.Validate(); err != nil {
		t.Errorf("console mode does not validate: %v", err)
	}
	if err := cfg.ValidateServe(); err != nil {
		t.Errorf("console mode without a token: %v", err)
	}
	cfg.Telegram.Mode = "polling"
	cfg.Telegram.Token = "123:abc"
	if err := cfg.ValidateServe(); err != nil {
		t.Errorf("polling with a token: %v", err)
	}
}

// TestWebhookSecretRules: in webhook mode the secret must be 32 to 256
// characters of Telegram's secret_token set; the error names the key and
// never prints the secret.
func TestWebhookSecretRules(t *testing.T) {
	valid := strings.Repeat("aZ9_-", 7) // 35 characters
	for _, tt := range []struct {
		name, secret string
		ok           bool
	}{
		{"32 characters", strings.Repeat("A", 32), true},
		{"35 of the whole set", valid, true},
		{"256 characters", strings.Repeat("x", 256), true},
		{"31 characters", strings.Repeat("A", 31), false},
		{"short", "hook-secret", false},
		{"257 characters", strings.Repeat("x", 257), false},
		{"a space", strings.Repeat("a", 20) + " " + strings.Repeat("b", 20), false},
		{"diacritics", strings.Repeat("bí-mật", 8), false},
		{"base64 padding", strings.Repeat("Q", 40) + "==", false},
		{"a plus sign", strings.Repeat("Q", 40) + "+", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Default()
			cfg.Telegram.Mode = "webhook"
			cfg.Telegram.WebhookURL = "https://nhacviec.example.vn/telegram"
			cfg.Telegram.WebhookSecret = tt.secret
			err := cfg.Validate()
			if tt.ok {
				if err != nil {
					t.Fatalf("valid secret refused: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), "telegram.webhook_secret") {
				t.Fatalf("bad secret: %v, want an error naming telegram.webhook_secret", err)
			}
			if strings.Contains(err.Error(), tt.secret) {
				t.Errorf("the error prints the secret: %v", err)
			}
		})
	}
	// Polling mode does not use the secret.
	cfg := Default()
	cfg.Telegram.WebhookSecret = "short"
	if err := cfg.Validate(); err != nil {
		t.Errorf("polling with a short, unused webhook secret: %v", err)
	}
}

// TestWebhookListensOnLoopbackByDefault: the webhook server is reached
// through a reverse proxy unless webhook_listen says otherwise.
func TestWebhookListensOnLoopbackByDefault(t *testing.T) {
	host, _, err := net.SplitHostPort(Default().Telegram.WebhookListen)
	if err != nil || !net.ParseIP(host).IsLoopback() {
		t.Errorf("default telegram.webhook_listen = %q, want a loopback address", Default().Telegram.WebhookListen)
	}
}

func TestLimitsSection(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	data := "limits:\n  chat_burst: 4\n  chat_every: 2s\n  unlinked_every: 10m\n"
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(path, true, env(map[string]string{"NHACVIEC_LIMITS_ANSWER_CACHE": "90s"}))
	if err != nil {
		t.Fatal(err)
	}
	want := Limits{ChatBurst: 4, ChatEvery: 2 * time.Second, UnlinkedEvery: 10 * time.Minute, NoticeEvery: time.Minute, AnswerCache: 90 * time.Second}
	if cfg.Limits != want {
		t.Fatalf("limits = %+v, want %+v", cfg.Limits, want)
	}
	bad := "limits:\n  chat_burst: 0\n  chat_every: -1s\n  answer_cache: 0s\n"
	if err := os.WriteFile(path, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = Load(path, true, env(nil))
	for _, key := range []string{"limits.chat_burst", "limits.chat_every", "limits.answer_cache"} {
		if err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("error does not name %s: %v", key, err)
		}
	}
}

func TestScheduledShare(t *testing.T) {
	if got := Default().Telegram.ScheduledShare; got != 25 {
		t.Fatalf("default telegram.scheduled_share = %d, want 25", got)
	}
	for _, tt := range []struct {
		share int
		ok    bool
	}{{0, true}, {25, true}, {90, true}, {91, false}, {-1, false}} {
		c := Default()
		c.Telegram.ScheduledShare = tt.share
		err := c.Validate()
		if (err == nil) != tt.ok || (err != nil && !strings.Contains(err.Error(), "telegram.scheduled_share")) {
			t.Errorf("scheduled_share %d: %v", tt.share, err)
		}
	}
}

func TestRetentionSection(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		env  map[string]string
		want []string // keys named by the error; none for a valid config
	}{
		{"defaults", "", nil, nil},
		{"keep for ever", "retention:\n  outbox_sent_days: 0\n  processed_updates_days: 0\n", nil, nil},
		{"too short for the dedupe keys", "retention:\n  outbox_sent_days: 14\n  outbox_dead_days: 29\n  processed_updates_days: 3\n", nil,
			[]string{"retention.outbox_sent_days", "retention.outbox_dead_days", "retention.processed_updates_days"}},
		{"negative and bad batch", "retention:\n  link_attempts_days: -1\n  batch_size: 0\n", nil,
			[]string{"retention.link_attempts_days", "retention.batch_size"}},
		{"from the environment", "", map[string]string{"NHACVIEC_RETENTION_OUTBOX_SENT_DAYS": "10"}, []string{"retention.outbox_sent_days"}},
		{"bad schedule", "schedule:\n  retention: \"25 3 * *\"\n", nil, []string{"schedule.retention"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "config.yaml")
			if err := os.WriteFile(path, []byte(tt.yaml), 0o600); err != nil {
				t.Fatal(err)
			}
			cfg, err := Load(path, true, env(tt.env))
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				if tt.name == "defaults" && (cfg.Schedule.Retention != "20 3 * * *" || cfg.Retention.OutboxSentDays != 90) {
					t.Errorf("defaults: schedule %q, retention %+v", cfg.Schedule.Retention, cfg.Retention)
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			for _, key := range tt.want {
				if !strings.Contains(err.Error(), key) {
					t.Errorf("error does not name %s:\n%v", key, err)
				}
			}
		})
	}
}

func TestCalendarRulesAndWarnings(t *testing.T) {
	cfg := Default()
	cfg.Calendar.Rules = "china"
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "calendar.rules") || !strings.Contains(err.Error(), "want vietnam") {
		t.Errorf("rules china: %v", err)
	}

	cfg = Default()
	cfg.Calendar.Holidays = []string{"2026-02-30"}
	err := cfg.Validate()
	if err == nil || !strings.Contains(err.Error(), `holidays[0]: "2026-02-30" does not exist: February 2026 has 28 days (write "2026-02-28"`) {
		t.Errorf("impossible date: %v", err)
	}
	cfg.Calendar.Holidays = []string{"30/4/2026"}
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), `"30/4/2026" is not a date: write YYYY-MM-DD`) {
		t.Errorf("Vietnamese-order date: %v", err)
	}

	// rules none with the 2026 holidays listed but for the last day of
	// Tết (Friday 20/2, mùng 4), and the Saturday 10/1 make-up day.
	cfg = Default()
	cfg.Calendar.Rules = "none"
	cfg.Calendar.Holidays = []string{"2026-01-01", "2026-01-02", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19",
		"2026-04-27", "2026-04-30", "2026-05-01", "2026-09-01", "2026-09-02"}
	cfg.Calendar.MakeupWorkdays = []string{"2026-01-10"}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(cfg.CalendarWarnings(2026, 2027), "\n")
	for _, want := range []string{
		`calendar.holidays: 2026-02-20 (Tết Nguyên đán (mùng 4)) is a day off by decision but a working day here: add "2026-02-20" to calendar.holidays, or to calendar.makeup_workdays if the office works that day`,
		"calendar: rules is none and calendar.holidays lists no day of 2027",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("warnings lack %q:\n%s", want, got)
		}
	}
	if strings.Count(got, "\n")+1 != 2 {
		t.Errorf("want exactly 2 warnings:\n%s", got)
	}
	// Listing 2026-02-20 as worked is explicit: no contradiction.
	cfg.Calendar.MakeupWorkdays = append(cfg.Calendar.MakeupWorkdays, "2026-02-20")
	if w := cfg.CalendarWarnings(2026); len(w) != 1 || !strings.Contains(w[0], "calendar.makeup_workdays[1]: 2026-02-20 is Tết Nguyên đán (mùng 4), a day off by decision: the office will work it") {
		t.Errorf("make-up on Tết: %q", w)
	}

	// rules vietnam: 2027 has no announced schedule; a listed day that is
	// already off, and a make-up day on a working weekday, change nothing.
	cfg = Default()
	cfg.Calendar.Holidays = []string{"2027-02-08"}
	cfg.Calendar.MakeupWorkdays = []string{"2027-03-03"}
	got = strings.Join(cfg.CalendarWarnings(2026, 2027), "\n")
	for _, want := range []string{
		"calendar.holidays[0]: 2027-02-08 is already a day off (Tết Nguyên đán (mùng 3), law): remove it",
		"calendar.makeup_workdays[0]: 2027-03-03 is a Wednesday, already a working day",
		"calendar: the Government's schedule for 2027 (days moved, make-up working Saturdays) does not ship with this version: the statutory pattern is used (see nhacviec calendar 2027)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("warnings lack %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "for 2026") {
		t.Errorf("2026 is announced, yet warned:\n%s", got)
	}
	if w := Default().CalendarWarnings(2025, 2026); len(w) != 0 {
		t.Errorf("defaults for 2025 and 2026: %q", w)
	}
}

func TestRemindersStyle(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, []byte("reminders:\n  style: daily\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path, true, env(nil))
	if err == nil || !strings.Contains(err.Error(), "reminders.style") || !strings.Contains(err.Error(), `"daily"`) {
		t.Fatalf("want an error naming reminders.style and the value, got %v", err)
	}
	empty := filepath.Join(dir, "empty.yaml")
	if err := os.WriteFile(empty, []byte("language: vi\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(empty, true, env(nil))
	if err != nil || cfg.Reminders.Style != StyleBrief {
		t.Fatalf("default style: %v, %v", cfg, err)
	}
	cfg, err = Load(empty, true, env(map[string]string{"NHACVIEC_REMINDERS_STYLE": "each"}))
	if err != nil || cfg.Reminders.Style != StyleEach {
		t.Fatalf("style from the environment: %v", err)
	}
}

// TestZaloValidation: each wrong key of the zalo section (and of
// http.public_url) is named; Zalo unset checks nothing of it.
func TestZaloValidation(t *testing.T) {
	cfg := Default()
	cfg.Zalo.Mode = "carrier-pigeon"
	if err := cfg.Validate(); err != nil {
		t.Fatalf("zalo without a token is off, yet: %v", err)
	}
	cfg.Zalo.Token = "12345689:abc-xyz"
	cfg.Zalo.APIURL = "bot-api.zaloplatforms.com"
	cfg.Zalo.RatePerSecond = 0
	cfg.HTTP.PublicURL = "nhacviec.example.gov.vn"
	err := cfg.Validate()
	for _, key := range []string{"zalo.mode:", "zalo.api_url:", "zalo.rate_per_second:", "http.public_url:"} {
		if err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("error %v does not name %s", err, key)
		}
	}
	cfg = Default()
	cfg.Zalo.Token = "12345689:abc-xyz"
	cfg.Zalo.Mode = "webhook"
	cfg.Zalo.WebhookURL = "http://nhacviec.example.gov.vn/zalo"
	cfg.Zalo.WebhookSecret = "short"
	cfg.HTTP.Listen = cfg.Zalo.WebhookListen
	err = cfg.Validate()
	for _, key := range []string{"zalo.webhook_url:", "zalo.webhook_secret:", "zalo.webhook_listen:"} {
		if err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("error %v does not name %s", err, key)
		}
	}
	if err != nil && strings.Contains(err.Error(), "short") {
		t.Errorf("the error shows the secret: %v", err)
	}
}

func TestBotsValidation(t *testing.T) {
	cfg := Default()
	cfg.Telegram.Token = "1:default"
	cfg.Telegram.Bots = []Bot{
		{Name: "ha-noi", Token: "2:hanoi", Units: []string{"ha-noi", "ba-dinh"}},
		{Name: "hue", Token: "3:hue", Units: []string{"hue"}, RatePerSecond: 20},
	}
	if err := cfg.Validate(); err != nil {
		t.Fatalf("valid bots: %v", err)
	}
	if got := cfg.Telegram.BotUnits(); got["ba-dinh"] != "ha-noi" || got["hue"] != "hue" || len(got) != 3 {
		t.Errorf("BotUnits = %v", got)
	}
	cfg.Telegram.Bots = []Bot{
		{Name: "ha-noi", Token: "2:hanoi", Units: []string{"ha-noi", "ba-dinh"}},
		{Name: "ha-noi", Token: "1:default", Units: []string{"ba-dinh", "Huế"}},
		{Name: DefaultBot, Token: "4:x"},
		{Name: "Đà Nẵng", Token: "5:x", Units: []string{"da-nang"}, RatePerSecond: 31},
	}
	err := cfg.Validate()
	for _, want := range []string{
		`telegram.bots[1].name: "ha-noi" is also the name of telegram.bots[0]`,
		`telegram.bots[1].token: is the same token as telegram.token`,
		`telegram.bots[1].units[0]: unit "ba-dinh" is already listed by telegram.bots[0] (ha-noi): a unit is served by one bot`,
		`telegram.bots[1].units[1]: "Huế" is not a unit code`,
		`telegram.bots[2].name: "default" names the bot of telegram.token`,
		`telegram.bots[2].units: required`,
		`telegram.bots[3].name: "Đà Nẵng" must be 1 to 32 lower-case letters`,
		`telegram.bots[3].rate_per_second: 31 must be at most 30`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v\nwant it to contain %q", err, want)
		}
	}

	// serve needs every bot's token.
	cfg = Default()
	cfg.Telegram.Token = "1:default"
	cfg.Telegram.Bots = []Bot{{Name: "ha-noi", Units: []string{"ha-noi"}}}
	if err := cfg.ValidateServe(); err == nil || !strings.Contains(err.Error(), "telegram.bots[0].token: required for bot \"ha-noi\"") ||
		!strings.Contains(err.Error(), "NHACVIEC_TELEGRAM_BOTS_HA_NOI_TOKEN") {
		t.Errorf("ValidateServe without the bot's token = %v", err)
	}
}

func TestBotsFromFileAndEnv(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "nhacviec.yaml")
	if err := os.WriteFile(path, []byte(`
telegram:
  token: "1:default"
  bots:
    - name: ha-noi
      token: "2:from-file"
      units: [ha-noi]
    - name: hue
      units: [hue]
      colour: blue
`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path, true, func(string) string { return "" }); err == nil || !strings.Contains(err.Error(), "telegram.bots[1].colour: unknown key") {
		t.Errorf("an unknown key of a bot: %v", err)
	}
	if err := os.WriteFile(path, []byte(`
telegram:
  token: "1:default"
  bots:
    - name: ha-noi
      token: "2:from-file"
      units: [ha-noi]
    - name: hue
      units: [hue]
`), 0o600); err != nil {
		t.Fatal(err)
	}
	tokenFile := filepath.Join(dir, "hue.token")
	if err := os.WriteFile(tokenFile, []byte("3:from-secret-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		"NHACVIEC_TELEGRAM_BOTS_HA_NOI_TOKEN":   "2:from-env",
		"NHACVIEC_TELEGRAM_BOTS_HUE_TOKEN_FILE": tokenFile,
	}
	cfg, err := Load(path, true, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Telegram.Bots[0].Token != "2:from-env" || cfg.Telegram.Bots[1].Token != "3:from-secret-file" {
		t.Errorf("bots' tokens = %q, %q", cfg.Telegram.Bots[0].Token, cfg.Telegram.Bots[1].Token)
	}
	secrets := strings.Join(cfg.Secrets(), " ")
	if !strings.Contains(secrets, "2:from-env") || !strings.Contains(secrets, "3:from-secret-file") {
		t.Errorf("Secrets() lacks the bots' tokens: %v", cfg.Secrets())
	}
	masked := cfg.Masked()
	if masked.Telegram.Bots[0].Token != "********" || cfg.Telegram.Bots[0].Token != "2:from-env" {
		t.Errorf("Masked: %q, original now %q", masked.Telegram.Bots[0].Token, cfg.Telegram.Bots[0].Token)
	}
}

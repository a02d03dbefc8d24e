package config

import (
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
	if got := len(cfg.Calendar.Holidays); got != 11 {
		t.Errorf("holidays = %d, want the 11 public holidays of 2025", got)
	}
	if cfg.Schedule.CatchUp != 24*time.Hour {
		t.Errorf("catch_up = %v, want 24h", cfg.Schedule.CatchUp)
	}
	cal, err := cfg.WorkCalendar()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"2025-01-27", "2025-04-07", "2025-09-01"} {
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
	cfg.Telegram.WebhookSecret = "s3cret-token"
	if err := cfg.Validate(); err != nil {
		t.Fatalf("complete webhook config: %v", err)
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

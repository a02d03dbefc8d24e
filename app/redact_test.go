package app

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/nhacviec/nhacviec/config"
)

func TestLoggerRedactsSecrets(t *testing.T) {
	cfg := config.Default()
	cfg.Telegram.Token = "123456:AAH-secret-token"
	cfg.Database.URL = "postgres://nv:pa55@db/nhacviec"
	for _, format := range []string{"text", "json"} {
		cfg.Log.Format = format
		var buf bytes.Buffer
		log := NewLogger(cfg, &buf)
		// What a transport error of the Bot API client looks like.
		err := errors.New(`Post "https://api.telegram.org/bot123456:AAH-secret-token/getUpdates": dial tcp: timeout`)
		log.Error("bot: getUpdates", "err", err, "db", cfg.Database.URL)
		out := buf.String()
		if strings.Contains(out, "AAH-secret-token") || strings.Contains(out, "pa55") {
			t.Errorf("%s log leaks a secret: %s", format, out)
		}
		if !strings.Contains(out, "[REDACTED]") || !strings.Contains(out, "getUpdates") {
			t.Errorf("%s log lost its message: %s", format, out)
		}
	}
}

func TestRedactorString(t *testing.T) {
	r := NewRedactor(nil, "tok", "")
	if got := r.String("a tok b tok"); got != "a [REDACTED] b [REDACTED]" {
		t.Errorf("String = %q", got)
	}
}

// TestRedactorShapes: secrets whose value the redactor was never told are
// masked by their shape; the messages around them, and validation messages
// naming secret settings, are kept.
func TestRedactorShapes(t *testing.T) {
	r := NewRedactor(nil)
	for _, tt := range []struct{ in, want string }{
		{`parse "postgres://nv:s3cr3t@db:5432/x": invalid port`, `parse "postgres://nv:***@db:5432/x": invalid port`},
		{`host=db user=nv password=s3cr3t dbname=x`, `host=db user=nv password=*** dbname=x`},
		{`postgres://nv@db/x?sslmode=disable&password=s3cr3t`, `postgres://nv@db/x?sslmode=disable&password=***`},
		{`4 | webhook_secret: "abcdef" 5 | token: 123:abc > 6 | password: 'x y'`, `4 | webhook_secret: *** 5 | token: *** > 6 | password: ***`},
		{`Post "https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/getMe": EOF`, `Post "https://api.telegram.org/bot[REDACTED]/getMe": EOF`},
		{`telegram.webhook_secret: has 5 characters, needs at least 32`, `telegram.webhook_secret: has 5 characters, needs at least 32`},
		{`email.username: required when email.password is set`, `email.username: required when email.password is set`},
		{`nhacviec serving jobs=[remind digest_weekly]`, `nhacviec serving jobs=[remind digest_weekly]`},
	} {
		if got := r.String(tt.in); got != tt.want {
			t.Errorf("String(%q)\n = %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

// TestRedactorKnownURL: a configured database URL is replaced by its
// masked form (server and database still named) and its password, decoded
// too, wherever it appears.
func TestRedactorKnownURL(t *testing.T) {
	var buf bytes.Buffer
	r := NewRedactor(&buf)
	r.Add("postgres://nv:p%40ss-w0rd@db.example.vn:5432/nhacviec?sslmode=require")
	fmt.Fprintf(r, "connect postgres://nv:p%%40ss-w0rd@db.example.vn:5432/nhacviec?sslmode=require; auth p@ss-w0rd failed")
	want := "connect postgres://nv:***@db.example.vn:5432/nhacviec?sslmode=require; auth [REDACTED] failed"
	if buf.String() != want {
		t.Errorf("got  %q\nwant %q", buf.String(), want)
	}
}

func TestMaskURL(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", ""},
		{"postgres://nv:pw@db:5432/nhacviec?sslmode=disable", "postgres://nv:***@db:5432/nhacviec?sslmode=disable"},
		{"postgres://nv@db/nhacviec", "postgres://nv@db/nhacviec"},
		{"postgres://db/nhacviec?user=nv&password=pw", "postgres://db/nhacviec?user=nv&password=***"},
		{"host=db password=pw dbname=nhacviec", "host=db password=*** dbname=nhacviec"},
		{"postgres://nv:pw%zz@db/nhacviec", "postgres://nv:***@db/nhacviec"},
	} {
		if got := MaskURL(tt.in); got != tt.want {
			t.Errorf("MaskURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

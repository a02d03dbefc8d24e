package app

import (
	"bytes"
	"errors"
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

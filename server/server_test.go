package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/nhacviec/nhacviec/app"
	"github.com/nhacviec/nhacviec/clock"
	"github.com/nhacviec/nhacviec/config"
	"github.com/nhacviec/nhacviec/internal/waitfor"
	"github.com/nhacviec/nhacviec/mail/smtptest"
	"github.com/nhacviec/nhacviec/server"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/store/storetest"
	"github.com/nhacviec/nhacviec/telegramtest"
)

var t0 = time.Date(2025, 4, 15, 8, 0, 0, 0, time.FixedZone("ICT", 7*3600))

// freeAddr returns a 127.0.0.1 address nobody listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestServeOpsAndEmail(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	tg := telegramtest.New(telegramtest.WithMaxPollTimeout(100 * time.Millisecond))
	defer tg.Close()
	smtp := smtptest.Start(t, smtptest.Config{})

	cfg := config.Default()
	cfg.Telegram.Token = tg.Token()
	cfg.Telegram.APIURL = tg.URL()
	cfg.HTTP.Listen = freeAddr(t)
	cfg.Email = config.Email{SMTPAddr: smtp.Addr(), From: "nhacviec@example.gov.vn", StartTLS: "never"}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	loc, _ := cfg.Location()
	cal, _ := cfg.WorkCalendar()
	clk := clock.NewFake(t0)
	a := &app.App{
		Cfg: cfg, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Clock: clk,
		Store: storetest.New(t), Loc: loc, Calendar: cal,
	}
	s, err := server.New(ctx, a, server.Options{PollTimeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if s.Mail() == nil {
		t.Fatal("e-mail worker not created though email.smtp_addr is set")
	}
	done := make(chan error, 1)
	go func() { done <- s.RunDelivery(ctx) }()

	base := "http://" + cfg.HTTP.Listen
	healthz := func() (int, map[string]string) {
		resp, err := http.Get(base + "/healthz")
		if err != nil {
			return 0, nil
		}
		defer resp.Body.Close()
		var body map[string]string
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
			t.Fatalf("/healthz body: %v", err)
		}
		return resp.StatusCode, body
	}
	// 200 comes first as "degraded" while getMe has not answered yet.
	waitfor.Until(t, "/healthz to answer 200 with Telegram up", nil, func() (bool, string) {
		code, body := healthz()
		return code == http.StatusOK && body["telegram"] == "ok", fmt.Sprint(code, body)
	})
	if _, body := healthz(); body["database"] != "ok" || body["telegram"] != "ok" {
		t.Errorf("/healthz = %v", body)
	}

	_, err = store.EnqueueEmail(ctx, a.Store, store.EmailMessage{
		DedupeKey: "digest-email:test", To: []string{"chutich@example.gov.vn"},
		Subject: "Báo cáo tuần 16/2025", Text: "Kính gửi Chủ tịch", NotBefore: t0,
	})
	if err != nil {
		t.Fatal(err)
	}
	waitfor.Poll(t, "the e-mail to reach the SMTP server", func() bool { return len(smtp.Messages()) == 1 })

	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatalf("/metrics does not parse as Prometheus text: %v", err)
	}
	for _, name := range []string{"nhacviec_database_up", "nhacviec_outbox_messages", "nhacviec_telegram_messages_sent_total", "nhacviec_email_sent_total"} {
		if _, ok := families[name]; !ok {
			t.Errorf("/metrics lacks %s", name)
		}
	}

	// Telegram failing: noticed once the cached answer is older than 30 s;
	// the service is degraded, not failed (the jobs run, messages wait).
	tg.FailNext("getMe", 1, telegramtest.ServerError(502))
	clk.Advance(time.Minute)
	if code, body := healthz(); code != http.StatusOK || body["status"] != "degraded" || body["telegram"] != "unreachable" ||
		!strings.HasPrefix(body["telegram_error"], "Telegram at "+tg.URL()) || body["database"] != "ok" {
		t.Errorf("/healthz with Telegram down = %d %v, want 200 degraded naming telegram", code, body)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("server did not stop")
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("/healthz still answers after shutdown")
	}
}

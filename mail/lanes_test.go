package mail_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	tgbot "github.com/go-telegram/bot"

	"github.com/nhacviec/nhacviec/channel"
	"github.com/nhacviec/nhacviec/clock"
	"github.com/nhacviec/nhacviec/delivery"
	"github.com/nhacviec/nhacviec/internal/waitfor"
	mailer "github.com/nhacviec/nhacviec/mail"
	"github.com/nhacviec/nhacviec/mail/smtptest"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/store/storetest"
	"github.com/nhacviec/nhacviec/telegram"
	"github.com/nhacviec/nhacviec/telegramtest"
)

// lanes is a delivery worker with a Telegram lane (to a fake Bot API) and
// an e-mail lane (to a fake SMTP server) over one store.
func lanes(t *testing.T, st *store.Store, clk clock.Clock, tg *telegramtest.Server, smtp *smtptest.Server) *delivery.Worker {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	b, err := tgbot.New(tg.Token(), tgbot.WithServerURL(tg.URL()), tgbot.WithSkipGetMe())
	if err != nil {
		t.Fatal(err)
	}
	tgLane := delivery.NewLane(st, telegram.NewSender(b), clk, log,
		delivery.Options{RatePerSecond: 1000, PerChatInterval: time.Millisecond, PollInterval: 20 * time.Millisecond})
	sender, err := mailer.NewSMTPSender(mailer.SMTPConfig{Addr: smtp.Addr()})
	if err != nil {
		t.Fatal(err)
	}
	mailLane := delivery.NewLane(st, mailer.NewSender(sender, from, clk), clk, log,
		mailer.LaneOptions(delivery.Options{PollInterval: 20 * time.Millisecond, SendTimeout: 10 * time.Second}))
	w, err := delivery.NewWorker(tgLane, mailLane)
	if err != nil {
		t.Fatal(err)
	}
	if w.Lane(channel.Telegram) != tgLane || w.Lane(channel.Email) != mailLane {
		t.Fatal("the worker does not hold its lanes by channel")
	}
	if _, err := delivery.NewWorker(tgLane, tgLane); err == nil {
		t.Error("a worker with two Telegram lanes: no error")
	}
	return w
}

// run runs w until the test ends.
func run(t *testing.T, w *delivery.Worker) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("worker: %v", err)
		}
	})
}

// TestOneOutboxTwoLanes: an e-mail and a Telegram message in the one
// outbox, each delivered by the lane of its channel.
func TestOneOutboxTwoLanes(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	clk := clock.NewFake(t0)
	tg := telegramtest.New()
	defer tg.Close()
	smtp := smtptest.Start(t, smtptest.Config{})
	xlsx := workbook(t)
	f := fixture{st: st, clk: clk}
	f.enqueue(t, xlsx)
	if _, err := store.Enqueue(ctx, st, store.OutMessage{ChatID: 501, DedupeKey: "digest:pdp:2025-Q1:1", Kind: "digest",
		Payload: store.Payload{Text: "<b>Báo cáo quý I/2025</b>"}, NotBefore: t0}); err != nil {
		t.Fatal(err)
	}

	run(t, lanes(t, st, clk, tg, smtp))
	sent := tg.WaitSentTo(t, 501, 1)
	storetest.WaitDelivered(t, st)

	if !strings.Contains(sent[0].Plain(), "Báo cáo quý I/2025") {
		t.Errorf("Telegram message %+v", sent[0])
	}
	msgs := smtp.Messages()
	if len(msgs) != 1 || strings.Join(msgs[0].To, ",") != "chutich@example.gov.vn,vanphong@example.gov.vn" {
		t.Fatalf("SMTP server received %+v, want the digest e-mail", msgs)
	}
	if p := parse(t, msgs[0].Data); p.subject != subject || len(p.attachments) != 1 {
		t.Errorf("e-mail subject %q, %d attachments", p.subject, len(p.attachments))
	}
	tgRows, err := st.OutboxRows(ctx, "")
	if err != nil || len(tgRows) != 1 || tgRows[0].Status != store.OutboxSent || tgRows[0].TelegramMessageID == nil {
		t.Errorf("Telegram rows = %+v, %v; want one sent with its message id", tgRows, err)
	}
	r := f.row(t)
	if r.Status != store.OutboxSent || r.Attempts != 1 || r.TelegramMessageID != nil {
		t.Errorf("e-mail row = %+v, want sent after one attempt", r)
	}
	if tg.Calls("sendMessage") != 1 {
		t.Errorf("%d sendMessage calls, want 1: the e-mail must not go to Telegram", tg.Calls("sendMessage"))
	}
}

// TestPendingEmailSurvivesMigration: an e-mail pending in the e-mail outbox
// of an older release is delivered after the upgrade to the one outbox,
// keeping its attempts.
func TestPendingEmailSurvivesMigration(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, storetest.EmptyURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.MigrateTo(ctx, 64); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().ExecContext(ctx, `
		INSERT INTO email_outbox (dedupe_key, recipients, subject, body, attachments, attempts,
		                          next_attempt_at, last_error, created_at)
		VALUES ('digest:pdp:2025-Q1', '{chutich@example.gov.vn}', $1, $2,
		        '[{"kind":"document","filename":"bao-cao-cchc-2025-Q1.xlsx","data":"UEsDBA=="}]', 1, $3,
		        'dial tcp: connection refused', $3)`, subject, body, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}

	clk := clock.NewFake(t0)
	tg := telegramtest.New()
	defer tg.Close()
	smtp := smtptest.Start(t, smtptest.Config{})
	run(t, lanes(t, st, clk, tg, smtp))
	storetest.WaitDelivered(t, st)

	msgs := smtp.Messages()
	if len(msgs) != 1 {
		t.Fatalf("SMTP server received %d messages, want the migrated e-mail", len(msgs))
	}
	p := parse(t, msgs[0].Data)
	if want := strings.ReplaceAll(body, "\n", "\r\n"); p.subject != subject || p.text != want ||
		string(p.attachments["bao-cao-cchc-2025-Q1.xlsx"]) != "PK\x03\x04" {
		t.Errorf("received subject %q, text %q, attachments %v", p.subject, p.text, p.attachments)
	}
	r := (fixture{st: st}).row(t)
	if r.Status != store.OutboxSent || r.Attempts != 2 || r.LastError != "" {
		t.Errorf("e-mail row = %+v, want sent on its second attempt", r)
	}
}

// TestHeldLaneWaitsOthersGoOn: a lane held until its channel first answers
// (serve holds Telegram's) sends nothing before it is released, while the
// other lanes deliver.
func TestHeldLaneWaitsOthersGoOn(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	clk := clock.NewFake(t0)
	tg := telegramtest.New()
	defer tg.Close()
	smtp := smtptest.Start(t, smtptest.Config{})
	f := fixture{st: st, clk: clk}
	f.enqueue(t, workbook(t))
	if _, err := store.Enqueue(ctx, st, store.OutMessage{ChatID: 501, DedupeKey: "remind:1:1", Kind: "reminder",
		Payload: store.Payload{Text: "Nhắc việc"}, NotBefore: t0}); err != nil {
		t.Fatal(err)
	}
	w := lanes(t, st, clk, tg, smtp)
	ready := make(chan struct{})
	w.Hold(channel.Telegram, ready)
	run(t, w)

	waitfor.Until(t, "the e-mail to be sent while Telegram's lane is held", nil, func() (bool, string) {
		rows, err := st.EmailRows(ctx)
		if err != nil {
			return false, err.Error()
		}
		return len(rows) == 1 && rows[0].Status == store.OutboxSent, fmt.Sprintf("%+v", rows)
	})
	if n := tg.Calls("sendMessage"); n != 0 {
		t.Fatalf("%d sendMessage calls while Telegram's lane is held, want none", n)
	}
	close(ready)
	tg.WaitSentTo(t, 501, 1)
	storetest.WaitDelivered(t, st)
}

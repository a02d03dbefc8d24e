package telegram_test

import (
	tgbot "github.com/go-telegram/bot"

	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/channel"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/telegram"
	"github.com/nhacviec/nhacviec/telegramtest"
)

func TestConsoleSender(t *testing.T) {
	var b strings.Builder
	s := telegram.NewConsoleSender(&b)
	r1, err := s.Send(context.Background(), 7, store.Payload{Text: "<b>Nhắc việc</b> &amp; hạn", Buttons: [][]store.Button{{{Text: "✅ Hoàn thành", Data: "x"}}}})
	if err != nil {
		t.Fatal(err)
	}
	r2, _ := s.Send(context.Background(), 7, store.Payload{Text: "hai"})
	if id1, id2 := r1.MessageID, r2.MessageID; id1 != 1 || id2 != 2 {
		t.Fatalf("ids %d, %d; want 1, 2", id1, id2)
	}
	out := b.String()
	for _, want := range []string{"chat 7", "Nhắc việc & hạn", "[✅ Hoàn thành]"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "<b>") {
		t.Errorf("tags not stripped:\n%s", out)
	}
}

// TestSenderClassifiesErrors: every answer of the Bot API that the delivery
// worker treats differently becomes one of the channel's error kinds, its
// text kept; a server error stays transient.
func TestSenderClassifiesErrors(t *testing.T) {
	srv := telegramtest.New()
	defer srv.Close()
	b, err := tgbot.New(srv.Token(), tgbot.WithServerURL(srv.URL()), tgbot.WithSkipGetMe())
	if err != nil {
		t.Fatal(err)
	}
	s := telegram.NewSender(b)
	if s.Channel() != channel.Telegram || s.Limits().MaxText != 4096 || s.Limits().ChatEvery != time.Second || s.Limits().GroupEvery != 3*time.Second {
		t.Errorf("channel %s, limits %+v", s.Channel(), s.Limits())
	}
	tests := []struct {
		name  string
		fault telegramtest.Fault
		check func(err error) bool
		text  string
	}{
		{"429", telegramtest.TooManyRequests(7), func(err error) bool {
			var r *channel.RetryAfterError
			return errors.As(err, &r) && r.After == 7*time.Second
		}, "Too Many Requests"},
		{"migrated", telegramtest.MigrateToChat(-1001234567890), func(err error) bool {
			var m *channel.MigratedError
			return errors.As(err, &m) && m.To == -1001234567890
		}, "upgraded"},
		{"blocked", telegramtest.Forbidden(), func(err error) bool { return errors.Is(err, channel.ErrUnreachable) }, "forbidden"},
		{"bad request", telegramtest.BadRequest("message text is empty"), func(err error) bool {
			return errors.Is(err, channel.ErrRejected) && !errors.Is(err, channel.ErrUnreachable)
		}, "message text is empty"},
		{"server error", telegramtest.ServerError(502), func(err error) bool {
			var r *channel.RetryAfterError
			return !errors.Is(err, channel.ErrRejected) && !errors.Is(err, channel.ErrUnreachable) &&
				!errors.Is(err, channel.ErrUnauthorized) && !errors.As(err, &r)
		}, "sendMessage"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv.FailNext("sendMessage", 1, tt.fault)
			_, err := s.Send(context.Background(), 42, store.Payload{Text: "Nhắc việc"})
			if err == nil || !tt.check(err) || !strings.Contains(err.Error(), tt.text) {
				t.Errorf("Send = %v (%T); want it sorted, its text containing %q", err, err, tt.text)
			}
		})
	}
	r, err := s.Send(context.Background(), 42, store.Payload{Text: "Nhắc việc"})
	if err != nil || r.MessageID == 0 {
		t.Errorf("healthy Send = %+v, %v; want a message id", r, err)
	}

	wrong, err := tgbot.New("123456:wrong-token-wrong-token-wrong-tok", tgbot.WithServerURL(srv.URL()), tgbot.WithSkipGetMe())
	if err != nil {
		t.Fatal(err)
	}
	if err := telegram.NewSender(wrong).Probe(context.Background()); !errors.Is(err, channel.ErrUnauthorized) {
		t.Errorf("Probe with a wrong token = %v; want channel.ErrUnauthorized", err)
	}
	if err := s.Probe(context.Background()); err != nil {
		t.Errorf("Probe = %v", err)
	}
}

package zalo_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/zalo"
	"github.com/nhacviec/nhacviec/zalotest"
)

// newClient starts a fake and a client of it.
func newClient(t *testing.T, opts ...zalotest.Option) (*zalotest.Server, *zalo.Client) {
	t.Helper()
	srv := zalotest.New(append([]zalotest.Option{zalotest.WithMaxPollTimeout(50 * time.Millisecond)}, opts...)...)
	t.Cleanup(srv.Close)
	return srv, zalo.NewClient(srv.Token(), zalo.ClientConfig{APIURL: srv.URL(), Timeout: 2 * time.Second})
}

func TestClientCalls(t *testing.T) {
	srv, c := newClient(t)
	ctx := context.Background()

	me, err := c.GetMe(ctx)
	if err != nil || me.ID == "" || me.AccountName == "" {
		t.Fatalf("GetMe = %+v, %v", me, err)
	}

	s, err := c.SendMessage(ctx, "6ede9afa66b88fe6d6a9", "Xin chào, đồng chí")
	if err != nil || len(s.MessageID) != 20 || s.Time().IsZero() {
		t.Fatalf("SendMessage = %+v, %v; want a 20-digit id and a date", s, err)
	}
	if got := srv.SentTo("6ede9afa66b88fe6d6a9"); len(got) != 1 || got[0].Text != "Xin chào, đồng chí" {
		t.Errorf("fake recorded %+v", got)
	}
	if _, err := c.SendPhoto(ctx, "c1", "https://example.org/chart.png", "Biểu đồ"); err != nil {
		t.Errorf("SendPhoto: %v", err)
	}
	if err := c.SendChatAction(ctx, "c1", "typing"); err != nil {
		t.Errorf("SendChatAction: %v", err)
	}

	// A text over 2,000 characters is refused with the platform's 400.
	_, err = c.SendMessage(ctx, "c1", strings.Repeat("ă", zalo.MaxText+1))
	var api *zalo.APIError
	if !errors.As(err, &api) || api.Code != 400 || api.Method != "sendMessage" || !strings.Contains(api.Description, "2000") {
		t.Errorf("SendMessage of 2,001 characters = %v; want APIError 400", err)
	}
	if _, err := c.SendMessage(ctx, "c1", strings.Repeat("ă", zalo.MaxText)); err != nil {
		t.Errorf("SendMessage of 2,000 characters = %v", err)
	}

	// Webhook calls.
	if _, err := c.SetWebhook(ctx, "https://example.org/zalo", "short"); !zalo.IsCode(err, 400) {
		t.Errorf("SetWebhook with a 5-character secret = %v; want 400", err)
	}
	w, err := c.SetWebhook(ctx, "https://example.org/zalo", "bí-mật-đủ-dài")
	if err != nil || w.URL != "https://example.org/zalo" || w.UpdatedAt == 0 {
		t.Fatalf("SetWebhook = %+v, %v", w, err)
	}
	if info, err := c.GetWebhookInfo(ctx); err != nil || info.URL != w.URL {
		t.Errorf("GetWebhookInfo = %+v, %v", info, err)
	}
	// getUpdates is refused while the webhook is set.
	if _, err := c.GetUpdates(ctx, time.Second); !zalo.IsCode(err, 400) {
		t.Errorf("GetUpdates with a webhook set = %v; want 400", err)
	}
	if _, err := c.DeleteWebhook(ctx); err != nil {
		t.Fatal(err)
	}
	if info, _ := c.GetWebhookInfo(ctx); info.URL != "" {
		t.Errorf("webhook still %q after deleteWebhook", info.URL)
	}
}

// TestGetUpdates: one event per call, in order; an empty poll (the
// platform's 408) is no event and no error.
func TestGetUpdates(t *testing.T) {
	srv, c := newClient(t)
	ctx := context.Background()
	ev, err := c.GetUpdates(ctx, time.Second)
	if ev != nil || err != nil {
		t.Fatalf("empty GetUpdates = %+v, %v; want nil, nil", ev, err)
	}
	first := srv.SendText("u1", "/start ABC123")
	second := srv.SendText("u1", "1 xong")
	for _, want := range []string{first, second} {
		ev, err := c.GetUpdates(ctx, time.Second)
		if err != nil || ev == nil || ev.MessageID() != want || ev.Name != zalo.EventText {
			t.Fatalf("GetUpdates = %+v, %v; want message %s", ev, err, want)
		}
		if ev.Message.Chat.ChatType != zalo.ChatPrivate || ev.Message.Date == 0 {
			t.Errorf("event %+v", ev.Message)
		}
	}
}

// TestClientErrors: failures carry the platform's code and description,
// never the token; a call that never answers ends at the client's timeout.
func TestClientErrors(t *testing.T) {
	srv, c := newClient(t)
	ctx := context.Background()

	wrong := zalo.NewClient("999:wrong-token-secret", zalo.ClientConfig{APIURL: srv.URL()})
	_, err := wrong.GetMe(ctx)
	if !zalo.IsCode(err, 401) || strings.Contains(err.Error(), "wrong-token-secret") {
		t.Errorf("GetMe with a wrong token = %v; want 401 without the token", err)
	}

	srv.FailNext("sendMessage", 1, zalotest.ServerError(502))
	_, err = c.SendMessage(ctx, "c1", "x")
	if !zalo.IsCode(err, 502) || !strings.Contains(err.Error(), "undecodable") {
		t.Errorf("502 page = %v; want APIError 502", err)
	}

	quick := zalo.NewClient(srv.Token(), zalo.ClientConfig{APIURL: srv.URL(), Timeout: 50 * time.Millisecond})
	srv.FailNext("sendMessage", 1, zalotest.Hang())
	_, err = quick.SendMessage(ctx, "c1", "x")
	var api *zalo.APIError
	if err == nil || errors.As(err, &api) || !errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), srv.Token()) {
		t.Errorf("hanging call = %v; want a deadline error without the token", err)
	}

	// A refused connection is a network error, without the token.
	srv.Close()
	_, err = c.GetMe(ctx)
	if err == nil || errors.As(err, &api) || strings.Contains(err.Error(), srv.Token()) {
		t.Errorf("GetMe of a closed server = %v", err)
	}
}

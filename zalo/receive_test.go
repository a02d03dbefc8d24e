package zalo_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/channel"
	"github.com/nhacviec/nhacviec/zalo"
	"github.com/nhacviec/nhacviec/zalotest"
)

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// recorder is a channel.Handler recording what it was handed; fail, when
// set, decides whether an attempt fails. got signals each call.
type recorder struct {
	mu   sync.Mutex
	got  []channel.Update
	fail func(u channel.Update, attempt int) bool
	seen chan struct{}
}

func newRecorder() *recorder { return &recorder{seen: make(chan struct{}, 100)} }

func (r *recorder) handle(_ context.Context, u channel.Update) error {
	r.mu.Lock()
	attempt := 1
	for _, g := range r.got {
		if g.ID == u.ID {
			attempt++
		}
	}
	r.got = append(r.got, u)
	fail := r.fail != nil && r.fail(u, attempt)
	r.mu.Unlock()
	r.seen <- struct{}{}
	if fail {
		return errors.New("injected failure")
	}
	return nil
}

func (r *recorder) updates() []channel.Update {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]channel.Update(nil), r.got...)
}

// wait waits for n more calls of the handler.
func (r *recorder) wait(t *testing.T, n int) {
	t.Helper()
	timeout := time.NewTimer(30 * time.Second)
	defer timeout.Stop()
	for range n {
		select {
		case <-r.seen:
		case <-timeout.C:
			t.Fatalf("handler not called; got %+v", r.updates())
		}
	}
}

// polling starts a Receiver polling srv for h until the test ends.
func polling(t *testing.T, srv *zalotest.Server, chats zalo.Chats, h channel.Handler) {
	t.Helper()
	c := zalo.NewClient(srv.Token(), zalo.ClientConfig{APIURL: srv.URL(), Timeout: 2 * time.Second})
	recv := zalo.NewReceiver(c, chats, zalo.ReceiverConfig{PollTimeout: time.Second, MinBackoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond}, discard())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = recv.Receive(ctx, h) }()
	t.Cleanup(func() { cancel(); <-done })
}

// TestPollingInOrder: events come one per getUpdates, in order, converted;
// a failing getUpdates (401, 429, a 5xx) is waited out; a webhook left set
// is deleted first.
func TestPollingInOrder(t *testing.T) {
	srv := zalotest.New(zalotest.WithMaxPollTimeout(20 * time.Millisecond))
	t.Cleanup(srv.Close)
	c := zalo.NewClient(srv.Token(), zalo.ClientConfig{APIURL: srv.URL()})
	if _, err := c.SetWebhook(context.Background(), "https://example.org/zalo", "bí-mật-đủ-dài"); err != nil {
		t.Fatal(err)
	}
	srv.FailNext("getUpdates", 1, zalotest.TooManyRequests())
	srv.FailNext("getUpdates", 1, zalotest.ServerError(502))
	srv.FailNext("getUpdates", 1, zalotest.Unauthorized())
	ids := []string{
		srv.SendText("u1", "/start ABC123"),
		srv.SendText("u2", "1 xong"),
		srv.QueueEvent(zalotest.TextEvent("u1", "Lan", "2: 60%")),
	}
	chats := &zalo.MemoryChats{}
	rec := newRecorder()
	polling(t, srv, chats, rec.handle)
	rec.wait(t, 3)

	var texts []string
	for i, u := range rec.updates() {
		texts = append(texts, u.Text)
		if u.ID != zalo.UpdateID("m:"+ids[i]) || u.ID >= 0 || u.MessageID != u.ID || u.Channel != zalo.Channel || !u.PrivateChat {
			t.Errorf("update %d = %+v", i, u)
		}
		chat, err := chats.PlatformID(context.Background(), u.ChatID)
		if err != nil || u.UserID != u.ChatID || (chat != "u1" && chat != "u2") {
			t.Errorf("update %d: chat %d = %q, %v; user %d", i, u.ChatID, chat, err, u.UserID)
		}
	}
	if want := []string{"/start ABC123", "1 xong", "2: 60%"}; !reflect.DeepEqual(texts, want) {
		t.Errorf("texts %q, want %q", texts, want)
	}
	if w, _ := srv.Webhook(); w.URL != "" {
		t.Errorf("webhook %q still set while polling", w.URL)
	}
}

// TestPollingRetriesAFailedEvent: an event whose handler fails is handed
// again (the platform will not send it again: there is no offset), and
// the next event waits for it.
func TestPollingRetriesAFailedEvent(t *testing.T) {
	srv := zalotest.New(zalotest.WithMaxPollTimeout(20 * time.Millisecond))
	t.Cleanup(srv.Close)
	rec := newRecorder()
	rec.fail = func(u channel.Update, attempt int) bool { return u.Text == "lỗi" && attempt <= 2 }
	first := srv.SendText("u1", "lỗi")
	second := srv.SendText("u1", "sau đó")
	polling(t, srv, &zalo.MemoryChats{}, rec.handle)
	rec.wait(t, 4)
	var ids []int64
	for _, u := range rec.updates() {
		ids = append(ids, u.ID)
	}
	f, s := zalo.UpdateID("m:"+first), zalo.UpdateID("m:"+second)
	if want := []int64{f, f, f, s}; !reflect.DeepEqual(ids, want) {
		t.Errorf("handled %v, want %v", ids, want)
	}
}

// webhook serves a Receiver's webhook handler with secret for h.
func webhook(t *testing.T, secret string, h channel.Handler) string {
	t.Helper()
	recv := zalo.NewReceiver(nil, &zalo.MemoryChats{}, zalo.ReceiverConfig{WebhookSecret: secret}, discard())
	hs := httptest.NewServer(recv.WebhookHandler(h))
	t.Cleanup(hs.Close)
	return hs.URL
}

// TestWebhookSecret: a request without the secret, or with a wrong one,
// is refused with 401 and reaches no handler; with no secret configured
// every request is refused.
func TestWebhookSecret(t *testing.T) {
	srv := zalotest.New()
	t.Cleanup(srv.Close)
	ctx := context.Background()
	rec := newRecorder()
	url := webhook(t, "bí-mật-đủ-dài", rec.handle)
	ev := zalotest.TextEvent("u1", "Lan", "1 xong")
	for _, secret := range []string{"", "bí-mật-sai-rồi", "bí-mật-đủ-dài-hơn"} {
		if code, _, err := srv.PostWebhook(ctx, url, secret, ev); err != nil || code != 401 {
			t.Errorf("secret %q: status %d, %v; want 401", secret, code, err)
		}
	}
	if n := len(rec.updates()); n != 0 {
		t.Fatalf("handler called %d times for refused requests", n)
	}
	if resp, err := http.Get(url); err != nil || resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET: %v, %v; want 405", resp, err)
	} else {
		resp.Body.Close()
	}
	none := webhook(t, "", rec.handle)
	if code, _, _ := srv.PostWebhook(ctx, none, "", ev); code != 401 {
		t.Errorf("no secret configured: status %d, want 401", code)
	}

	code, id, err := srv.PostWebhook(ctx, url, "bí-mật-đủ-dài", ev)
	if err != nil || code != 200 {
		t.Fatalf("right secret: status %d, %v", code, err)
	}
	got := rec.updates()
	if len(got) != 1 || got[0].Text != "1 xong" || got[0].ID != zalo.UpdateID("m:"+id) || got[0].Username != "Lan" {
		t.Errorf("handled %+v", got)
	}
}

// TestWebhookEvents: the handler answers 200 only after the handler
// returned nil, 500 when it failed (the platform posts it again, with the
// same id); other events reach the handler without text; a body that is
// no event is 400.
func TestWebhookEvents(t *testing.T) {
	srv := zalotest.New()
	t.Cleanup(srv.Close)
	ctx := context.Background()
	rec := newRecorder()
	rec.fail = func(u channel.Update, attempt int) bool { return u.Text == "lỗi" && attempt == 1 }
	url := webhook(t, "bí-mật-đủ-dài", rec.handle)
	failing := zalotest.TextEvent("u1", "Lan", "lỗi")
	failing.Message.MessageID = "2d758cb5e222177a4e35"
	if code, _, _ := srv.PostWebhook(ctx, url, "bí-mật-đủ-dài", failing); code != 500 {
		t.Errorf("failing handler: status %d, want 500", code)
	}
	if code, _, _ := srv.PostWebhook(ctx, url, "bí-mật-đủ-dài", failing); code != 200 {
		t.Errorf("second delivery: status %d, want 200", code)
	}
	got := rec.updates()
	if len(got) != 2 || got[0].ID != got[1].ID || got[0].ID != zalo.UpdateID("m:2d758cb5e222177a4e35") {
		t.Errorf("deliveries %+v; want the same id twice", got)
	}

	sticker := zalo.Event{Name: zalo.EventSticker, Message: &zalo.Message{From: zalo.User{ID: "u2"}, Chat: zalo.Chat{ID: "u2", ChatType: zalo.ChatPrivate}, Sticker: "abc"}}
	image := zalo.Event{Name: zalo.EventImage, Message: &zalo.Message{From: zalo.User{ID: "u2"}, Chat: zalo.Chat{ID: "u2", ChatType: zalo.ChatPrivate}, Photo: "https://z.example/p.jpg", Caption: "1 xong"}}
	withheld := zalo.Event{Name: zalo.EventUnsupported}
	fromBot := zalotest.TextEvent("b1", "Bot khác", "xin chào")
	fromBot.Message.From.IsBot = true
	group := zalotest.TextEvent("u3", "Minh", "@bot 1 xong")
	group.Message.Chat = zalo.Chat{ID: "g1", ChatType: zalo.ChatGroup}
	for _, ev := range []zalo.Event{sticker, image, withheld, fromBot, group} {
		if code, _, _ := srv.PostWebhook(ctx, url, "bí-mật-đủ-dài", ev); code != 200 {
			t.Errorf("%s: status %d", ev.Name, code)
		}
	}
	got = rec.updates()[2:]
	if len(got) != 5 {
		t.Fatalf("handled %d events, want 5", len(got))
	}
	if got[0].Text != "" || got[0].UserID == 0 {
		t.Errorf("sticker = %+v", got[0])
	}
	if got[1].Text != "" || got[1].File != "https://z.example/p.jpg" || got[1].FileKind != "photo" || got[1].Caption != "1 xong" {
		t.Errorf("image = %+v", got[1])
	}
	if got[2].ID == 0 || got[2].ChatID != 0 || got[2].UserID != 0 || got[2].Text != "" {
		t.Errorf("withheld = %+v", got[2])
	}
	if got[3].UserID != 0 || got[3].ChatID == 0 {
		t.Errorf("from a bot = %+v; want no user", got[3])
	}
	if got[4].PrivateChat || got[4].ChatID == got[4].UserID {
		t.Errorf("group = %+v", got[4])
	}

	// Bodies that are no event.
	for _, body := range []string{"", "{", `{"ok":true,"result":{}}`, `[]`} {
		if _, err := zalo.ParseWebhook([]byte(body)); err == nil {
			t.Errorf("ParseWebhook(%q) accepted", body)
		}
	}
	// The bare event is accepted as well as the envelope.
	ev, err := zalo.ParseWebhook([]byte(`{"event_name":"message.text.received","message":{"message_id":"m1","text":"x","chat":{"id":"c","chat_type":"PRIVATE"},"from":{"id":"c"}}}`))
	if err != nil || ev.MessageID() != "m1" {
		t.Errorf("bare event = %+v, %v", ev, err)
	}
}

package zalo_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/channel"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/zalo"
	"github.com/nhacviec/nhacviec/zalotest"
)

// newSender starts a fake and a Sender of it whose chat 1 is the
// platform's chat "6ede9afa66b88fe6d6a9".
func newSender(t *testing.T, cfg zalo.SenderConfig) (*zalotest.Server, *zalo.Sender, int64) {
	t.Helper()
	srv, c := newClient(t)
	chats := &zalo.MemoryChats{}
	id, err := chats.Surrogate(context.Background(), "6ede9afa66b88fe6d6a9")
	if err != nil {
		t.Fatal(err)
	}
	return srv, zalo.NewSender(c, chats, cfg), id
}

// TestSenderClassifiesErrors: every answer the delivery worker treats
// differently becomes one of the channel's kinds, its text kept; the
// others stay transient.
func TestSenderClassifiesErrors(t *testing.T) {
	srv, s, chat := newSender(t, zalo.SenderConfig{RetryAfter: 90 * time.Second})
	if s.Channel() != zalo.Channel || s.Limits().MaxText != 2000 || s.Limits().HTML || s.Limits().Buttons ||
		s.Limits().Documents || s.Limits().Replies || s.Limits().Photos || s.Limits().PerSecond != 5 {
		t.Errorf("channel %s, limits %+v", s.Channel(), s.Limits())
	}
	transient := func(err error) bool {
		var r *channel.RetryAfterError
		return !errors.Is(err, channel.ErrRejected) && !errors.Is(err, channel.ErrUnreachable) &&
			!errors.Is(err, channel.ErrUnauthorized) && !errors.As(err, &r)
	}
	tests := []struct {
		name  string
		fault zalotest.Fault
		check func(err error) bool
		text  string
	}{
		{"429", zalotest.TooManyRequests(), func(err error) bool {
			var r *channel.RetryAfterError
			return errors.As(err, &r) && r.After == 90*time.Second
		}, "Quota exceeded"},
		{"401", zalotest.Unauthorized(), func(err error) bool { return errors.Is(err, channel.ErrUnauthorized) }, "401"},
		{"400", zalotest.BadRequest("chat not found"), func(err error) bool {
			return errors.Is(err, channel.ErrRejected) && !errors.Is(err, channel.ErrUnreachable)
		}, "chat not found"},
		{"403 internal server error", zalotest.Forbidden(), transient, "Internal server error"},
		{"408", zalotest.RequestTimeout(), transient, "408"},
		{"500", zalotest.ServerError(500), transient, "500"},
		{"502 page", zalotest.ServerError(502), transient, "502"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv.FailNext("sendMessage", 1, tt.fault)
			_, err := s.Send(context.Background(), chat, store.Payload{Text: "<b>Nhắc việc</b>"})
			if err == nil || !tt.check(err) || !strings.Contains(err.Error(), tt.text) {
				t.Errorf("Send = %v (%T); want it sorted, its text containing %q", err, err, tt.text)
			}
		})
	}
	if _, err := s.Send(context.Background(), chat, store.Payload{Text: "Nhắc việc"}); err != nil {
		t.Errorf("healthy Send = %v", err)
	}
	if err := s.Probe(context.Background()); err != nil {
		t.Errorf("Probe = %v", err)
	}
	srv.FailNext("getMe", 1, zalotest.Unauthorized())
	if err := s.Probe(context.Background()); !errors.Is(err, channel.ErrUnauthorized) {
		t.Errorf("Probe refused = %v; want ErrUnauthorized", err)
	}
}

// TestSenderTimeoutIsTransient: a call that never answers ends at the
// client's timeout as a transient error.
func TestSenderTimeoutIsTransient(t *testing.T) {
	srv := zalotest.New()
	t.Cleanup(srv.Close)
	chats := &zalo.MemoryChats{}
	chat, _ := chats.Surrogate(context.Background(), "c1")
	s := zalo.NewSender(zalo.NewClient(srv.Token(), zalo.ClientConfig{APIURL: srv.URL(), Timeout: 50 * time.Millisecond}), chats, zalo.SenderConfig{})
	srv.FailNext("sendMessage", 1, zalotest.Hang())
	_, err := s.Send(context.Background(), chat, store.Payload{Text: "x"})
	var r *channel.RetryAfterError
	if err == nil || errors.Is(err, channel.ErrRejected) || errors.Is(err, channel.ErrUnauthorized) || errors.As(err, &r) {
		t.Errorf("Send that timed out = %v; want a transient error", err)
	}
}

// TestSenderRefusesWhatThePlatformCannotCarry: a document, a photo with
// no publisher, an empty payload and an unknown chat are rejected, and
// nothing is sent.
func TestSenderRefusesWhatThePlatformCannotCarry(t *testing.T) {
	srv, s, chat := newSender(t, zalo.SenderConfig{})
	for name, p := range map[string]store.Payload{
		"document": {Text: "Báo cáo", Attachment: &store.Attachment{Kind: store.EvidenceDocument, Filename: "tong-hop.xlsx", Data: []byte("x")}},
		"photo":    {Text: "Biểu đồ", Attachment: &store.Attachment{Kind: store.EvidencePhoto, Filename: "chart.png", Data: []byte("x")}},
		"empty":    {Text: " \n"},
	} {
		_, err := s.Send(context.Background(), chat, p)
		if !errors.Is(err, channel.ErrRejected) {
			t.Errorf("%s: Send = %v; want ErrRejected", name, err)
		}
		if name != "empty" && !errors.Is(err, zalo.ErrUnsupported) {
			t.Errorf("%s: Send = %v; want ErrUnsupported", name, err)
		}
	}
	if _, err := s.Send(context.Background(), 999, store.Payload{Text: "x"}); !errors.Is(err, channel.ErrRejected) || !errors.Is(err, zalo.ErrUnknownChat) {
		t.Errorf("Send to an unknown chat = %v; want ErrRejected", err)
	}
	if got := srv.Sent(); len(got) != 0 {
		t.Errorf("sent %+v; want nothing", got)
	}
}

// publisher publishes every photo at a fixed URL.
type publisher struct{ url string }

func (p publisher) PhotoURL(_ context.Context, a *store.Attachment) (string, error) {
	return p.url + "/" + a.Filename, nil
}

// TestSenderPhotoByURL: with a publisher a photo goes by URL with its text
// as caption; a text too long for a caption goes first, in parts.
func TestSenderPhotoByURL(t *testing.T) {
	srv, s, chat := newSender(t, zalo.SenderConfig{Photos: publisher{"https://nhacviec.example.org/p/abc"}})
	if !s.Limits().Photos {
		t.Error("Limits().Photos false with a publisher")
	}
	photo := &store.Attachment{Kind: store.EvidencePhoto, Filename: "chart.png", Data: []byte("png")}
	if _, err := s.Send(context.Background(), chat, store.Payload{Text: "<b>Biểu đồ</b> quý I", Attachment: photo}); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("Dòng nội dung của tổng hợp.\n", 100) // 2,800 characters
	if _, err := s.Send(context.Background(), chat, store.Payload{Text: long, Attachment: photo}); err != nil {
		t.Fatal(err)
	}
	got := srv.SentTo("6ede9afa66b88fe6d6a9")
	if len(got) != 4 {
		t.Fatalf("sent %d messages, want 4: %+v", len(got), got)
	}
	if got[0].Method != "sendPhoto" || got[0].Photo != "https://nhacviec.example.org/p/abc/chart.png" || got[0].Caption != "*Biểu đồ* quý I" {
		t.Errorf("photo with caption = %+v", got[0])
	}
	if got[1].Method != "sendMessage" || !strings.HasPrefix(got[1].Text, "(1/2)\n") || got[2].Method != "sendMessage" ||
		!strings.HasPrefix(got[2].Text, "(2/2)\n") || got[3].Method != "sendPhoto" || got[3].Caption != "" {
		t.Errorf("long text then photo = %+v", got[1:])
	}
}

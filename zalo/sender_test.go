package zalo_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/channel"
	"github.com/nhacviec/nhacviec/clock"
	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/publish"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/store/storetest"
	"github.com/nhacviec/nhacviec/zalo"
	"github.com/nhacviec/nhacviec/zalotest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

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

// TestSenderRefusesEmptyAndUnknown: an empty payload and an unknown chat
// are rejected, and nothing is sent.
func TestSenderRefusesEmptyAndUnknown(t *testing.T) {
	srv, s, chat := newSender(t, zalo.SenderConfig{})
	if _, err := s.Send(context.Background(), chat, store.Payload{Text: " \n"}); !errors.Is(err, channel.ErrRejected) {
		t.Errorf("empty: Send = %v; want ErrRejected", err)
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

// ict is the office's time zone in the tests below.
var ict = time.FixedZone("ICT", 7*3600)

// published is a real publisher over a fresh database, at
// https://nhacviec.example.org, whose URLs answer for a week, and its
// handler.
type published struct {
	pub     *publish.Publisher
	handler http.Handler
	clk     *clock.Fake
}

func newPublished(t *testing.T) published {
	t.Helper()
	st := storetest.New(t)
	clk := clock.NewFake(time.Date(2025, 10, 6, 1, 30, 0, 0, time.UTC)) // 08:30 in Hà Nội
	pub, err := publish.New(st, "https://nhacviec.example.org", 7*24*time.Hour, clk)
	if err != nil {
		t.Fatal(err)
	}
	return published{pub: pub, handler: publish.Handler(st, clk), clk: clk}
}

// get fetches the published URL u through the handler.
func (p published) get(t *testing.T, u string) *httptest.ResponseRecorder {
	t.Helper()
	parsed, err := url.Parse(u)
	if err != nil || parsed.Host != "nhacviec.example.org" {
		t.Fatalf("published URL %q (%v)", u, err)
	}
	rec := httptest.NewRecorder()
	p.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, parsed.Path, nil))
	return rec
}

var _ zalo.PhotoPublisher = (*publish.Publisher)(nil)
var _ zalo.FilePublisher = (*publish.Publisher)(nil)

// TestSenderAppendsHint: a message with buttons ends with its hint, what
// to type instead, as a paragraph of its own; without buttons, or without
// a hint, the text is left as it is.
func TestSenderAppendsHint(t *testing.T) {
	srv, s, chat := newSender(t, zalo.SenderConfig{})
	buttons := [][]store.Button{{{Text: "✅ Đồng ý", Data: "a"}, {Text: "❌ Không đồng ý", Data: "r"}}}
	hint := "Trả lời: đồng ý 12 hoặc không đồng ý 12"
	for _, p := range []store.Payload{
		{Text: "<b>Xin gia hạn</b>\nNhiệm vụ «Thu ngân sách» đến 15/07/2025\n", Buttons: buttons, Hint: hint},
		{Text: "Không có nút", Hint: hint},
		{Text: "Có nút, không gợi ý", Buttons: buttons},
	} {
		if _, err := s.Send(context.Background(), chat, p); err != nil {
			t.Fatal(err)
		}
	}
	got := srv.SentTo("6ede9afa66b88fe6d6a9")
	want := []string{
		"*Xin gia hạn*\nNhiệm vụ «Thu ngân sách» đến 15/07/2025\n\nTrả lời: đồng ý 12 hoặc không đồng ý 12",
		"Không có nút",
		"Có nút, không gợi ý",
	}
	if len(got) != len(want) {
		t.Fatalf("sent %+v; want %d messages", got, len(want))
	}
	for i, w := range want {
		if got[i].Method != "sendMessage" || got[i].Text != w {
			t.Errorf("message %d = %s %q; want %q", i+1, got[i].Method, got[i].Text, w)
		}
	}
}

// TestSenderAnnouncesPublishedDocument: a workbook goes as its text and a
// line giving its URL and until when it answers, in the office's
// language and time zone; the URL serves the workbook's bytes until then.
func TestSenderAnnouncesPublishedDocument(t *testing.T) {
	p := newPublished(t)
	data := []byte("PK\x03\x04 workbook of the quarter")
	doc := &store.Attachment{Kind: store.EvidenceDocument, Filename: "Tổng hợp quý III.xlsx", Data: data}
	for _, tt := range []struct {
		lang i18n.Lang
		head string
	}{
		{i18n.VI, "*Tổng hợp* quý III\n\n📎 Tệp «Tổng hợp quý III.xlsx» (tải về được đến 08:30 ngày 13/10/2025):\nhttps://nhacviec.example.org/f/"},
		{i18n.EN, "*Tổng hợp* quý III\n\n📎 File «Tổng hợp quý III.xlsx» (downloadable until 08:30 on 13/10/2025):\nhttps://nhacviec.example.org/f/"},
	} {
		t.Run(string(tt.lang), func(t *testing.T) {
			srv, s, chat := newSender(t, zalo.SenderConfig{Files: p.pub, Photos: p.pub, Language: tt.lang, Location: ict})
			if _, err := s.Send(context.Background(), chat, store.Payload{Text: "<b>Tổng hợp</b> quý III", Attachment: doc}); err != nil {
				t.Fatal(err)
			}
			got := srv.Sent()
			if len(got) != 1 || got[0].Method != "sendMessage" || !strings.HasPrefix(got[0].Text, tt.head) {
				t.Fatalf("sent %+v; want one message starting %q", got, tt.head)
			}
			u := got[0].Text[strings.LastIndex(got[0].Text, "\n")+1:]
			rec := p.get(t, u)
			if rec.Code != http.StatusOK || !bytes.Equal(rec.Body.Bytes(), data) ||
				rec.Header().Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" ||
				!strings.HasPrefix(rec.Header().Get("Content-Disposition"), "attachment;") {
				t.Errorf("GET %s = %d %q, headers %v", u, rec.Code, rec.Body.Bytes(), rec.Header())
			}
		})
	}
}

// TestSenderDocumentWithoutPublisher: with no publisher a report still
// goes, its text followed by where to get the file, in the office's
// language; nothing is refused.
func TestSenderDocumentWithoutPublisher(t *testing.T) {
	doc := &store.Attachment{Kind: store.EvidenceDocument, Filename: "Báo cáo tháng 9.docx", Data: []byte("PK")}
	for lang, want := range map[i18n.Lang]string{
		i18n.VI: "Báo cáo tháng 9 đã sẵn sàng.\n\n📎 Tệp «Báo cáo tháng 9.docx» không gửi được qua Zalo: hãy nhận qua thư điện tử của Văn phòng, xem trên Telegram hoặc hỏi Văn phòng UBND.",
		i18n.EN: "Báo cáo tháng 9 đã sẵn sàng.\n\n📎 The file «Báo cáo tháng 9.docx» cannot be sent on Zalo: get it by e-mail from the office, on Telegram, or ask the People's Committee office.",
	} {
		srv, s, chat := newSender(t, zalo.SenderConfig{Language: lang})
		if _, err := s.Send(context.Background(), chat, store.Payload{Text: "Báo cáo tháng 9 đã sẵn sàng.", Attachment: doc}); err != nil {
			t.Fatalf("%s: Send = %v; want the text sent", lang, err)
		}
		// A document alone, with no text, is still announced.
		if _, err := s.Send(context.Background(), chat, store.Payload{Attachment: doc}); err != nil {
			t.Fatalf("%s: Send of a bare document = %v", lang, err)
		}
		got := srv.Sent()
		if len(got) != 2 || got[0].Text != want || got[1].Text != want[strings.Index(want, "📎"):] {
			t.Errorf("%s: sent %+v; want %q, then its last line alone", lang, got, want)
		}
	}
}

// TestSenderPhotoWithoutPublisher: with no publisher a chart is left out
// and its text goes, saying so.
func TestSenderPhotoWithoutPublisher(t *testing.T) {
	srv, s, chat := newSender(t, zalo.SenderConfig{})
	photo := &store.Attachment{Kind: store.EvidencePhoto, Filename: "chart.png", Data: []byte("png")}
	if _, err := s.Send(context.Background(), chat, store.Payload{Text: "Biểu đồ tiến độ", Attachment: photo}); err != nil {
		t.Fatalf("Send = %v; want the text sent", err)
	}
	got := srv.Sent()
	if len(got) != 1 || got[0].Method != "sendMessage" || got[0].Text != "Biểu đồ tiến độ\n\n🖼 Ảnh kèm theo không gửi được qua Zalo." {
		t.Errorf("sent %+v", got)
	}
}

// TestSenderPhotoThroughPublisher: a chart is published; the platform is
// given its URL, which serves the chart's bytes as a PNG until the URL
// expires, then 404.
func TestSenderPhotoThroughPublisher(t *testing.T) {
	p := newPublished(t)
	srv, s, chat := newSender(t, zalo.SenderConfig{Photos: p.pub, Files: p.pub})
	png := []byte("\x89PNG\r\n\x1a\n the chart")
	photo := &store.Attachment{Kind: store.EvidencePhoto, Filename: "tien-do.png", Data: png}
	buttons := [][]store.Button{{{Text: "📊", Data: "x"}}}
	if _, err := s.Send(context.Background(), chat, store.Payload{Text: "<b>Tiến độ</b>", Attachment: photo, Buttons: buttons, Hint: "Gõ /baocao để xem chi tiết"}); err != nil {
		t.Fatal(err)
	}
	got := srv.Sent()
	if len(got) != 1 || got[0].Method != "sendPhoto" || got[0].Caption != "*Tiến độ*\n\nGõ /baocao để xem chi tiết" ||
		!strings.HasPrefix(got[0].Photo, "https://nhacviec.example.org/f/") {
		t.Fatalf("sent %+v; want the photo by its published URL, captioned with the hint", got)
	}
	rec := p.get(t, got[0].Photo)
	if rec.Code != http.StatusOK || !bytes.Equal(rec.Body.Bytes(), png) || rec.Header().Get("Content-Type") != "image/png" {
		t.Errorf("GET %s = %d %q, headers %v", got[0].Photo, rec.Code, rec.Body.Bytes(), rec.Header())
	}

	// Once its time has passed the URL no longer answers.
	p.clk.Advance(7*24*time.Hour + time.Second)
	if rec := p.get(t, got[0].Photo); rec.Code != http.StatusNotFound || bytes.Contains(rec.Body.Bytes(), png) {
		t.Errorf("GET of an expired URL = %d %q; want 404", rec.Code, rec.Body.Bytes())
	}
}

// TestPartsKeepThePerChatPace: the parts of a long message are sent
// ChatEvery apart, so a platform that allows one message a chat per
// ChatEvery refuses none of them (sent back to back, every second part was
// answered 429 and the whole message retried).
func TestPartsKeepThePerChatPace(t *testing.T) {
	const every = 150 * time.Millisecond
	srv, c := newClient(t, zalotest.WithRateLimit(0, every))
	chats := &zalo.MemoryChats{}
	chat, err := chats.Surrogate(context.Background(), "6ede9afa66b88fe6d6a9")
	if err != nil {
		t.Fatal(err)
	}
	s := zalo.NewSender(c, chats, zalo.SenderConfig{ChatEvery: every})
	text := strings.Repeat("Rà soát, đơn giản hóa thủ tục hành chính đúng tiến độ.\n", 120)
	if _, err := s.Send(context.Background(), chat, store.Payload{Text: text}); err != nil {
		t.Fatalf("send of a message in parts: %v", err)
	}
	sent := srv.SentTo("6ede9afa66b88fe6d6a9")
	if len(sent) < 3 {
		t.Fatalf("%d parts sent, want at least 3", len(sent))
	}
	if n := srv.TooManyRequestsCount(); n != 0 {
		t.Errorf("%d parts answered 429", n)
	}
}

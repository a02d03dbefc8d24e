package telegramtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/nhacviec/nhacviec/clock"
)

// Users of the tests: private chat ids equal user ids.
const (
	chuTich = int64(1001) // the Chairman
	tuPhap  = int64(1002) // the justice official
)

// newServer starts a server closed at the end of the test.
func newServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	srv := New(opts...)
	t.Cleanup(srv.Close)
	return srv
}

// newBot returns the real go-telegram/bot client talking to srv.
func newBot(t testing.TB, srv *Server, opts ...bot.Option) *bot.Bot {
	t.Helper()
	opts = append([]bot.Option{
		bot.WithServerURL(srv.URL()),
		bot.WithSkipGetMe(),
		bot.WithErrorsHandler(func(error) {}),
	}, opts...)
	b, err := bot.New(srv.Token(), opts...)
	if err != nil {
		t.Fatalf("bot.New: %v", err)
	}
	return b
}

// startBot runs b.Start until the end of the test and returns the updates
// its default handler receives.
func startBot(t *testing.T, srv *Server, opts ...bot.Option) (*bot.Bot, <-chan *models.Update) {
	t.Helper()
	updates := make(chan *models.Update, 100)
	opts = append(opts, bot.WithNotAsyncHandlers(), bot.WithDefaultHandler(func(_ context.Context, _ *bot.Bot, u *models.Update) {
		updates <- u
	}))
	b := newBot(t, srv, opts...)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		b.Start(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return b, updates
}

// receive returns the next update of updates, failing after 5 seconds.
func receive(t *testing.T, updates <-chan *models.Update) *models.Update {
	t.Helper()
	select {
	case u := <-updates:
		return u
	case <-time.After(5 * time.Second):
		t.Fatal("no update received within 5s")
		return nil
	}
}

// answer is a Bot API answer as it travels.
type answer struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  struct {
		RetryAfter      int   `json:"retry_after"`
		MigrateToChatID int64 `json:"migrate_to_chat_id"`
	} `json:"parameters"`
}

// rawCall posts params as JSON to method and returns the HTTP status and
// the decoded answer.
func rawCall(t *testing.T, srv *Server, token, method string, params map[string]any) (int, answer) {
	t.Helper()
	body, err := json.Marshal(params)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(srv.URL()+"/bot"+token+"/"+method, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatalf("post %s: %v", method, err)
	}
	defer resp.Body.Close()
	var a answer
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
		t.Fatalf("decode answer of %s: %v", method, err)
	}
	return resp.StatusCode, a
}

// postJSON posts params as JSON to method, for use off the test's
// goroutine: failures come back as an answer with error code 0.
func postJSON(srv *Server, method string, params map[string]any) answer {
	body, _ := json.Marshal(params)
	resp, err := http.Post(srv.URL()+"/bot"+srv.Token()+"/"+method, "application/json", bytes.NewReader(body))
	if err != nil {
		return answer{Description: err.Error()}
	}
	defer resp.Body.Close()
	var a answer
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
		return answer{Description: err.Error()}
	}
	return a
}

// rawUpdates calls getUpdates with params and returns the updates.
func rawUpdates(t *testing.T, srv *Server, params map[string]any) []models.Update {
	t.Helper()
	status, a := rawCall(t, srv, srv.Token(), "getUpdates", params)
	if status != http.StatusOK || !a.OK {
		t.Fatalf("getUpdates: %d %s", status, a.Description)
	}
	var ups []models.Update
	if err := json.Unmarshal(a.Result, &ups); err != nil {
		t.Fatalf("decode updates: %v", err)
	}
	return ups
}

func updateIDs(ups []models.Update) []int64 {
	ids := []int64{}
	for _, u := range ups {
		ids = append(ids, u.ID)
	}
	return ids
}

// reminderKeyboard is the keyboard of a reminder, as the bot sends it.
func reminderKeyboard() *models.InlineKeyboardMarkup {
	return &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{
		{{Text: "50%", CallbackData: "p:42:50"}, {Text: "80%", CallbackData: "p:42:80"}},
		{{Text: "✅ Hoàn thành", CallbackData: "d:42"}},
	}}
}

func TestGetMeAndToken(t *testing.T) {
	srv := newServer(t, WithBotUsername("phuong_pdp_bot"))
	b, err := bot.New(srv.Token(), bot.WithServerURL(srv.URL())) // calls getMe
	if err != nil {
		t.Fatalf("bot.New: %v", err)
	}
	me, err := b.GetMe(context.Background())
	if err != nil {
		t.Fatalf("GetMe: %v", err)
	}
	if !me.IsBot || me.Username != "phuong_pdp_bot" || me.ID != 7000000001 || me.ID != b.ID() {
		t.Errorf("getMe = %+v, want the bot phuong_pdp_bot with id 7000000001", me)
	}
	if n := srv.Calls("getme"); n != 2 {
		t.Errorf("Calls(getme) = %d, want 2", n)
	}

	_, err = bot.New("123:wrong", bot.WithServerURL(srv.URL()))
	if !errors.Is(err, bot.ErrorUnauthorized) {
		t.Errorf("bot.New with a wrong token: %v, want bot.ErrorUnauthorized", err)
	}
	status, a := rawCall(t, srv, "123:wrong", "getMe", nil)
	if status != http.StatusUnauthorized || a.OK || a.ErrorCode != 401 || a.Description != "Unauthorized" {
		t.Errorf("wrong token answered %d %+v", status, a)
	}
	status, a = rawCall(t, srv, srv.Token(), "sendSticker", map[string]any{"chat_id": 1})
	if status != http.StatusNotFound || a.OK || a.ErrorCode != 404 {
		t.Errorf("unknown method answered %d %+v", status, a)
	}
	if n := srv.Calls("sendSticker"); n != 1 {
		t.Errorf("unknown method recorded %d times, want 1", n)
	}
}

func TestSendMessageWithKeyboard(t *testing.T) {
	fake := clock.NewFake(time.Date(2025, 3, 10, 8, 0, 0, 0, time.FixedZone("ICT", 7*3600)))
	srv := newServer(t, WithClock(fake))
	b := newBot(t, srv)
	ctx := context.Background()

	text := "📌 <b>Nhắc việc</b>: Rà soát, đơn giản hóa thủ tục hành chính\nHạn: 30/6/2025 &lt; còn 3 ngày"
	msg, err := b.SendMessage(ctx, &bot.SendMessageParams{
		ChatID:      tuPhap,
		Text:        text,
		ParseMode:   models.ParseModeHTML,
		ReplyMarkup: reminderKeyboard(),
	})
	if err != nil {
		t.Fatalf("SendMessage: %v", err)
	}
	if msg.ID != 1 || msg.Chat.ID != tuPhap || msg.Chat.Type != models.ChatTypePrivate || msg.From == nil || !msg.From.IsBot {
		t.Errorf("message = id %d chat %+v from %+v, want id 1 in the private chat %d from the bot", msg.ID, msg.Chat, msg.From, tuPhap)
	}
	if want := "📌 Nhắc việc: Rà soát, đơn giản hóa thủ tục hành chính\nHạn: 30/6/2025 < còn 3 ngày"; msg.Text != want {
		t.Errorf("message text = %q, want the text after entity parsing %q", msg.Text, want)
	}
	if msg.Date != int(fake.Now().Unix()) {
		t.Errorf("message date = %d, want the server clock %d", msg.Date, fake.Now().Unix())
	}
	if msg.ReplyMarkup == nil || len(msg.ReplyMarkup.InlineKeyboard) != 2 || msg.ReplyMarkup.InlineKeyboard[1][0].CallbackData != "d:42" {
		t.Errorf("reply markup echo = %+v", msg.ReplyMarkup)
	}

	sent := srv.Sent()
	if len(sent) != 1 {
		t.Fatalf("Sent() has %d messages, want 1", len(sent))
	}
	m := sent[0]
	wantButtons := [][]Button{
		{{Text: "50%", CallbackData: "p:42:50"}, {Text: "80%", CallbackData: "p:42:80"}},
		{{Text: "✅ Hoàn thành", CallbackData: "d:42"}},
	}
	if fmt.Sprint(m.Buttons) != fmt.Sprint(wantButtons) {
		t.Errorf("buttons = %v, want %v", m.Buttons, wantButtons)
	}
	if done, ok := m.Button("Hoàn thành"); !ok || done.CallbackData != "d:42" {
		t.Errorf("Button(Hoàn thành) = %+v, %v", done, ok)
	}
	if m.Method != "sendMessage" || m.ChatID != tuPhap || m.MessageID != 1 || m.Text != text || m.ParseMode != "HTML" || !m.Date.Equal(fake.Now()) {
		t.Errorf("recorded %+v", m)
	}
	if !strings.HasPrefix(m.Plain(), "📌 Nhắc việc: Rà soát") || !strings.Contains(m.Plain(), "< còn 3 ngày") {
		t.Errorf("Plain() = %q", m.Plain())
	}

	// Ids count per chat.
	for i, chat := range []int64{tuPhap, chuTich, tuPhap} {
		msg, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: chat, Text: fmt.Sprintf("tin %d", i)})
		if err != nil {
			t.Fatal(err)
		}
		if want := []int{2, 1, 3}[i]; msg.ID != want {
			t.Errorf("message %d to chat %d has id %d, want %d", i, chat, msg.ID, want)
		}
	}
	if got := len(srv.SentTo(tuPhap)); got != 3 {
		t.Errorf("SentTo(%d) has %d messages, want 3", tuPhap, got)
	}
	if got := len(srv.SentTo(chuTich)); got != 1 {
		t.Errorf("SentTo(%d) has %d messages, want 1", chuTich, got)
	}
}

func TestSendMessageRejects(t *testing.T) {
	srv := newServer(t)
	b := newBot(t, srv)
	long := strings.Repeat("ệ", 4097)
	tests := []struct {
		name   string
		params bot.SendMessageParams
		want   string
	}{
		{"no chat", bot.SendMessageParams{Text: "x"}, "chat_id is empty"},
		{"channel name", bot.SendMessageParams{ChatID: "@kenh", Text: "x"}, "chat not found"},
		{"empty text", bot.SendMessageParams{ChatID: tuPhap, Text: " \n"}, "message text is empty"},
		{"only tags", bot.SendMessageParams{ChatID: tuPhap, Text: "<b> </b>", ParseMode: models.ParseModeHTML}, "message text is empty"},
		{"too long", bot.SendMessageParams{ChatID: tuPhap, Text: long}, "message is too long"},
		{"too long after parsing", bot.SendMessageParams{ChatID: tuPhap, Text: "<b>" + long[3:] + "</b>&lt;&gt;", ParseMode: models.ParseModeHTML}, "message is too long"},
		{"bad html", bot.SendMessageParams{ChatID: tuPhap, Text: "tỷ lệ < 95%", ParseMode: models.ParseModeHTML}, "can't parse entities"},
		{"unclosed tag", bot.SendMessageParams{ChatID: tuPhap, Text: "<b>Quá hạn", ParseMode: models.ParseModeHTML}, "can't parse entities"},
		{
			"callback data too long",
			bot.SendMessageParams{ChatID: tuPhap, Text: "x", ReplyMarkup: &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{
				{{Text: "✅", CallbackData: strings.Repeat("đ", 33)}}, // 66 bytes
			}}},
			"BUTTON_DATA_INVALID",
		},
		{"reply to nothing", bot.SendMessageParams{ChatID: tuPhap, Text: "x", ReplyParameters: &models.ReplyParameters{MessageID: 99}}, "message to be replied not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := b.SendMessage(context.Background(), &tt.params)
			if !errors.Is(err, bot.ErrorBadRequest) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("SendMessage: %v, want a bad request %q", err, tt.want)
			}
		})
	}
	if n := len(srv.Sent()); n != 0 {
		t.Errorf("%d rejected messages recorded as sent", n)
	}

	// 4096 units exactly is accepted; so is a reply to a missing message
	// when allowed.
	exact := strings.Repeat("ệ", 4094) + "📌"
	if _, err := b.SendMessage(context.Background(), &bot.SendMessageParams{ChatID: tuPhap, Text: exact}); err != nil {
		t.Errorf("4096 units: %v", err)
	}
	if _, err := b.SendMessage(context.Background(), &bot.SendMessageParams{ChatID: tuPhap, Text: "x",
		ReplyParameters: &models.ReplyParameters{MessageID: 99, AllowSendingWithoutReply: true}}); err != nil {
		t.Errorf("reply allowed without the message: %v", err)
	}
}

func TestUploads(t *testing.T) {
	srv := newServer(t)
	b := newBot(t, srv)
	ctx := context.Background()

	xlsx := bytes.Repeat([]byte("PK\x03\x04 báo cáo quý I "), 1000)
	msg, err := b.SendDocument(ctx, &bot.SendDocumentParams{
		ChatID:    chuTich,
		Document:  &models.InputFileUpload{Filename: "tong-hop-2025-Q1.xlsx", Data: bytes.NewReader(xlsx)},
		Caption:   "<b>Tổng hợp quý I/2025</b>",
		ParseMode: models.ParseModeHTML,
	})
	if err != nil {
		t.Fatalf("SendDocument: %v", err)
	}
	if msg.Document == nil || msg.Document.FileName != "tong-hop-2025-Q1.xlsx" || msg.Document.FileSize != int64(len(xlsx)) ||
		msg.Document.MimeType != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" || msg.Caption != "Tổng hợp quý I/2025" {
		t.Errorf("document message = %+v caption %q", msg.Document, msg.Caption)
	}
	sent := srv.Sent()[0]
	if sent.Method != "sendDocument" || sent.Document == nil || sent.Document.Name != "tong-hop-2025-Q1.xlsx" ||
		!bytes.Equal(sent.Document.Data, xlsx) || sent.Text != "<b>Tổng hợp quý I/2025</b>" {
		t.Errorf("recorded document %+v", sent)
	}

	// The file can be fetched back as the bot would fetch a user's file.
	f, err := b.GetFile(ctx, &bot.GetFileParams{FileID: msg.Document.FileID})
	if err != nil {
		t.Fatalf("GetFile: %v", err)
	}
	resp, err := http.Get(b.FileDownloadLink(f))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !bytes.Equal(got, xlsx) {
		t.Errorf("download: %d, %d bytes, want %d", resp.StatusCode, len(got), len(xlsx))
	}
	if _, err := b.GetFile(ctx, &bot.GetFileParams{FileID: "nope"}); !errors.Is(err, bot.ErrorBadRequest) {
		t.Errorf("GetFile of an unknown id: %v", err)
	}

	chart := pngImage(t, 640, 480)
	msg, err = b.SendPhoto(ctx, &bot.SendPhotoParams{
		ChatID: chuTich,
		Photo:  &models.InputFileUpload{Filename: "bieu-do.png", Data: bytes.NewReader(chart)},
	})
	if err != nil {
		t.Fatalf("SendPhoto: %v", err)
	}
	if len(msg.Photo) != 1 || msg.Photo[0].Width != 640 || msg.Photo[0].Height != 480 || msg.ID != 2 {
		t.Errorf("photo message id %d photo %+v", msg.ID, msg.Photo)
	}
	if p := srv.Sent()[1].Photo; p == nil || p.Name != "bieu-do.png" || !bytes.Equal(p.Data, chart) {
		t.Errorf("recorded photo %+v", p)
	}
	_, err = b.SendPhoto(ctx, &bot.SendPhotoParams{
		ChatID: chuTich,
		Photo:  &models.InputFileUpload{Filename: "hong.png", Data: strings.NewReader("không phải ảnh")},
	})
	if !errors.Is(err, bot.ErrorBadRequest) || !strings.Contains(err.Error(), "IMAGE_PROCESS_FAILED") {
		t.Errorf("SendPhoto of a non-image: %v", err)
	}
}

// pngImage returns a w×h PNG.
func pngImage(t testing.TB, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	img.Set(1, 1, color.RGBA{R: 200, A: 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestEditMessage(t *testing.T) {
	srv := newServer(t)
	b := newBot(t, srv)
	ctx := context.Background()
	msg, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: tuPhap, Text: "Nhắc việc", ReplyMarkup: reminderKeyboard()})
	if err != nil {
		t.Fatal(err)
	}

	_, err = b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: tuPhap, MessageID: msg.ID, Text: "Nhắc việc", ReplyMarkup: reminderKeyboard()})
	if !errors.Is(err, bot.ErrorBadRequest) || !strings.Contains(err.Error(), "message is not modified") {
		t.Errorf("edit without change: %v, want message is not modified", err)
	}
	edited, err := b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: tuPhap, MessageID: msg.ID, Text: "<b>Đã hoàn thành</b> ✅", ParseMode: models.ParseModeHTML})
	if err != nil {
		t.Fatalf("EditMessageText: %v", err)
	}
	if edited.Text != "Đã hoàn thành ✅" || edited.ReplyMarkup != nil || edited.EditDate == 0 {
		t.Errorf("edited = %q markup %+v edit date %d, want the new text without keyboard", edited.Text, edited.ReplyMarkup, edited.EditDate)
	}
	cur, ok := srv.Message(tuPhap, int64(msg.ID))
	if !ok || cur.Text != "<b>Đã hoàn thành</b> ✅" || cur.Buttons != nil || cur.Edits != 1 {
		t.Errorf("Message() = %+v, %v", cur, ok)
	}
	if srv.Sent()[0].Text != "Nhắc việc" {
		t.Errorf("Sent() shows the edit: %q", srv.Sent()[0].Text)
	}

	if _, err := b.EditMessageReplyMarkup(ctx, &bot.EditMessageReplyMarkupParams{ChatID: tuPhap, MessageID: msg.ID, ReplyMarkup: reminderKeyboard()}); err != nil {
		t.Errorf("EditMessageReplyMarkup: %v", err)
	}
	if cur, _ := srv.Message(tuPhap, int64(msg.ID)); len(cur.Buttons) != 2 || cur.Edits != 2 {
		t.Errorf("after the keyboard edit: %+v", cur)
	}
	_, err = b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: tuPhap, MessageID: 77, Text: "x"})
	if !errors.Is(err, bot.ErrorBadRequest) || !strings.Contains(err.Error(), "message to edit not found") {
		t.Errorf("edit of a missing message: %v", err)
	}
	if n := srv.Calls("editMessageText"); n != 3 {
		t.Errorf("Calls(editMessageText) = %d, want 3", n)
	}
}

func TestButtonPress(t *testing.T) {
	srv := newServer(t, WithMaxPollTimeout(time.Second))
	b, updates := startBot(t, srv)
	ctx := context.Background()
	msg, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: tuPhap, Text: "Nhắc việc", ReplyMarkup: reminderKeyboard()})
	if err != nil {
		t.Fatal(err)
	}

	id := srv.PressButton(tuPhap, tuPhap, int64(msg.ID), "d:42")
	u := receive(t, updates)
	cq := u.CallbackQuery
	if cq == nil || cq.ID != id || cq.Data != "d:42" || cq.From.ID != tuPhap {
		t.Fatalf("update = %+v, want the callback query %s", u, id)
	}
	if m := cq.Message.Message; m == nil || m.ID != msg.ID || m.Chat.ID != tuPhap || m.Text != "Nhắc việc" || m.ReplyMarkup == nil {
		t.Errorf("callback message = %+v, want the reminder with its keyboard", cq.Message)
	}
	ok, err := b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: id, Text: "Đã ghi nhận"})
	if err != nil || !ok {
		t.Fatalf("AnswerCallbackQuery = %v, %v", ok, err)
	}
	if _, err := b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: id}); !errors.Is(err, bot.ErrorBadRequest) {
		t.Errorf("second answer: %v, want a bad request", err)
	}
	if got := srv.CallbackAnswers(); len(got) != 1 || got[0].QueryID != id || got[0].Text != "Đã ghi nhận" {
		t.Errorf("CallbackAnswers() = %+v", got)
	}

	// A press on a message the server does not know is inaccessible.
	srv.PressButton(tuPhap, tuPhap, 99, "d:42")
	u = receive(t, updates)
	if m := u.CallbackQuery.Message; m.Message != nil || m.InaccessibleMessage == nil || m.InaccessibleMessage.MessageID != 99 {
		t.Errorf("press on an unknown message = %+v, want inaccessible", m)
	}
}

func TestUserMessages(t *testing.T) {
	srv := newServer(t, WithMaxPollTimeout(time.Second))
	srv.SetUser(models.User{ID: tuPhap, FirstName: "Lan", LastName: "Nguyễn Thị", Username: "lan_tuphap", LanguageCode: "vi"})
	b, updates := startBot(t, srv)
	ctx := context.Background()
	reminder, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: tuPhap, Text: "<b>Nhắc việc</b>", ParseMode: models.ParseModeHTML})
	if err != nil {
		t.Fatal(err)
	}

	srv.Reply(tuPhap, tuPhap, int64(reminder.ID), "60%")
	m := receive(t, updates).Message
	if m == nil || m.Text != "60%" || m.ID != 2 || m.From.FirstName != "Lan" || m.Chat.Type != models.ChatTypePrivate || m.Chat.ID != tuPhap {
		t.Fatalf("reply = %+v, want message 2 from Lan in her private chat", m)
	}
	if r := m.ReplyToMessage; r == nil || r.ID != reminder.ID || r.Text != "Nhắc việc" || !r.From.IsBot {
		t.Errorf("reply_to_message = %+v, want the reminder", r)
	}

	srv.SendDocument(tuPhap, tuPhap, int64(reminder.ID), "bien-ban.pdf", "Biên bản kiểm tra", []byte("%PDF-1.4 minh chứng"))
	m = receive(t, updates).Message
	if m.Document == nil || m.Document.FileName != "bien-ban.pdf" || m.Document.MimeType != "application/pdf" || m.Caption != "Biên bản kiểm tra" || m.ReplyToMessage.ID != reminder.ID {
		t.Fatalf("document message = %+v", m)
	}
	f, err := b.GetFile(ctx, &bot.GetFileParams{FileID: m.Document.FileID})
	if err != nil || f.FileSize != int64(len("%PDF-1.4 minh chứng")) || !strings.HasSuffix(f.FilePath, ".pdf") {
		t.Errorf("GetFile = %+v, %v", f, err)
	}

	srv.SendPhoto(tuPhap, tuPhap, 0, "ảnh hiện trường", pngImage(t, 320, 200))
	m = receive(t, updates).Message
	if n := len(m.Photo); n == 0 || m.Photo[n-1].Width != 320 || m.Photo[n-1].Height != 200 || m.Caption != "ảnh hiện trường" || m.ReplyToMessage != nil {
		t.Errorf("photo message = %+v", m)
	}

	// The bot's reply to the user's message refers to it.
	reply, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: tuPhap, Text: "Đã ghi nhận 60%", ReplyParameters: &models.ReplyParameters{MessageID: 2}})
	if err != nil {
		t.Fatal(err)
	}
	if reply.ID != 5 || reply.ReplyToMessage == nil || reply.ReplyToMessage.Text != "60%" || srv.Sent()[1].ReplyToMessageID != 2 {
		t.Errorf("bot reply = id %d reply_to %+v", reply.ID, reply.ReplyToMessage)
	}
}

func TestCommands(t *testing.T) {
	srv := newServer(t, WithMaxPollTimeout(time.Second))
	linked := make(chan string, 1)
	_, updates := startBot(t, srv)
	b := newBot(t, srv)
	b.RegisterHandler(bot.HandlerTypeMessageText, "start", bot.MatchTypeCommandStartOnly, func(_ context.Context, _ *bot.Bot, u *models.Update) {
		linked <- u.Message.Text
	})

	// The library's own matcher sees the entity the server sets.
	srv.SendCommand(chuTich, chuTich, "start", "AB12CD")
	u := receive(t, updates)
	b.ProcessUpdate(context.Background(), u)
	select {
	case text := <-linked:
		if text != "/start AB12CD" {
			t.Errorf("start handler got %q", text)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the /start handler did not run")
	}

	tests := []struct {
		text string
		want []models.MessageEntity
	}{
		{"/viec", []models.MessageEntity{{Type: "bot_command", Offset: 0, Length: 5}}},
		{"/baocao@nhacviec_bot 95%", []models.MessageEntity{{Type: "bot_command", Offset: 0, Length: 20}}},
		{"Chào /tonghop", []models.MessageEntity{{Type: "bot_command", Offset: 5, Length: 8}}},
		{"📌 Báo cáo: /quahan và /trogiup", []models.MessageEntity{{Type: "bot_command", Offset: 12, Length: 7}, {Type: "bot_command", Offset: 23, Length: 8}}},
		{"60% xong", nil},
		{"a/b /viecà /", nil},
	}
	for _, tt := range tests {
		srv.SendText(tuPhap, tuPhap, tt.text)
		m := receive(t, updates).Message
		if fmt.Sprint(m.Entities) != fmt.Sprint(tt.want) {
			t.Errorf("entities of %q = %+v, want %+v", tt.text, m.Entities, tt.want)
		}
	}
}

func TestLongPollDeliversPromptly(t *testing.T) {
	srv := newServer(t, WithMaxPollTimeout(10*time.Second))
	_, updates := startBot(t, srv)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	// Wait until the client is held in a poll, then inject.
	if err := srv.WaitUntil(ctx, func() bool { return srv.Calls("getUpdates") >= 1 }); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	id := srv.SendText(chuTich, chuTich, "/tonghop")
	u := receive(t, updates)
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("update arrived after %v, want it well before the 10s poll timeout", elapsed)
	}
	if u.ID != id || u.Message.Text != "/tonghop" {
		t.Errorf("update %+v, want %d", u, id)
	}
	if err := srv.WaitConfirmed(ctx, id); err != nil {
		t.Errorf("the client's next poll did not confirm the update: %v", err)
	}
	if n := srv.Pending(); n != 0 {
		t.Errorf("Pending() = %d after confirmation", n)
	}
}

func TestLongPollDoesNotSpin(t *testing.T) {
	srv := newServer(t, WithMaxPollTimeout(200*time.Millisecond))
	startBot(t, srv)
	time.Sleep(500 * time.Millisecond) // idle on purpose: count the polls
	if n := srv.Calls("getUpdates"); n < 1 || n > 5 {
		t.Errorf("%d getUpdates calls in 500ms with a 200ms poll, want 1 to 5", n)
	}
}

func TestGetUpdates(t *testing.T) {
	srv := newServer(t, WithMaxPollTimeout(100*time.Millisecond))
	var ids []int64
	for i := range 4 {
		ids = append(ids, srv.SendText(tuPhap, tuPhap, fmt.Sprintf("tin %d", i)))
	}
	if fmt.Sprint(ids) != "[1 2 3 4]" {
		t.Fatalf("update ids %v, want 1 to 4", ids)
	}
	tests := []struct {
		name   string
		params map[string]any
		want   []int64
	}{
		{"all without offset", map[string]any{}, []int64{1, 2, 3, 4}},
		{"limit", map[string]any{"limit": 2}, []int64{1, 2}},
		{"offset confirms below", map[string]any{"offset": 2}, []int64{2, 3, 4}},
		{"confirmed are gone", map[string]any{}, []int64{2, 3, 4}},
		{"negative offset keeps the last", map[string]any{"offset": -1}, []int64{4}},
		{"others are forgotten", map[string]any{"offset": 0}, []int64{4}},
		{"allowed updates filter", map[string]any{"allowed_updates": []string{"callback_query"}}, []int64{}},
		{"past the last", map[string]any{"offset": 5, "timeout": 0}, []int64{}},
	}
	for _, tt := range tests {
		if got := updateIDs(rawUpdates(t, srv, tt.params)); fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("%s: getUpdates(%v) = %v, want %v", tt.name, tt.params, got, tt.want)
		}
	}

	// With a timeout and nothing new, the poll is held until the cap.
	start := time.Now()
	if got := rawUpdates(t, srv, map[string]any{"offset": 5, "timeout": 30}); len(got) != 0 {
		t.Errorf("held poll returned %v", updateIDs(got))
	}
	if elapsed := time.Since(start); elapsed < 90*time.Millisecond || elapsed > 2*time.Second {
		t.Errorf("held poll lasted %v, want the 100ms cap", elapsed)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.WaitConfirmed(ctx, 4); err != nil {
		t.Error(err)
	}
}

func TestGetUpdatesConflicts(t *testing.T) {
	srv := newServer(t, WithMaxPollTimeout(5*time.Second))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()

	// A second poll while the first is held ends the first with 409.
	held := make(chan answer, 1)
	go func() {
		held <- postJSON(srv, "getUpdates", map[string]any{"timeout": 5})
	}()
	polling := func() bool {
		srv.mu.Lock()
		defer srv.mu.Unlock()
		return srv.poller != nil
	}
	if err := srv.WaitUntil(ctx, polling); err != nil {
		t.Fatal(err)
	}
	rawUpdates(t, srv, map[string]any{"timeout": 0})
	if a := <-held; a.OK || a.ErrorCode != http.StatusConflict || !strings.Contains(a.Description, "terminated by other getUpdates request") {
		t.Errorf("held poll = %+v, want 409 Conflict", a)
	}

	b := newBot(t, srv)
	if ok, err := b.SetWebhook(context.Background(), &bot.SetWebhookParams{URL: "https://nhacviec.example/hook"}); err != nil || !ok {
		t.Fatalf("SetWebhook = %v, %v", ok, err)
	}
	if srv.Webhook() != "https://nhacviec.example/hook" {
		t.Errorf("Webhook() = %q", srv.Webhook())
	}
	status, a := rawCall(t, srv, srv.Token(), "getUpdates", nil)
	if status != http.StatusConflict || !strings.Contains(a.Description, "webhook is active") {
		t.Errorf("getUpdates with a webhook: %d %+v", status, a)
	}
	if ok, err := b.DeleteWebhook(context.Background(), &bot.DeleteWebhookParams{DropPendingUpdates: true}); err != nil || !ok {
		t.Fatalf("DeleteWebhook = %v, %v", ok, err)
	}
	if got := rawUpdates(t, srv, nil); len(got) != 0 || srv.Pending() != 0 {
		t.Errorf("after dropping pending updates: %v", updateIDs(got))
	}
}

func TestFaults(t *testing.T) {
	tests := []struct {
		name  string
		fault Fault
		check func(t *testing.T, err error)
	}{
		{"too many requests", TooManyRequests(7), func(t *testing.T, err error) {
			var tmr *bot.TooManyRequestsError
			if !errors.As(err, &tmr) || tmr.RetryAfter != 7 {
				t.Errorf("err = %v, want *bot.TooManyRequestsError with RetryAfter 7", err)
			}
		}},
		{"forbidden", Forbidden(), func(t *testing.T, err error) {
			if !errors.Is(err, bot.ErrorForbidden) || !strings.Contains(err.Error(), "bot was blocked by the user") {
				t.Errorf("err = %v, want bot.ErrorForbidden", err)
			}
		}},
		{"internal server error", ServerError(0), func(t *testing.T, err error) {
			if err == nil || !strings.Contains(err.Error(), "500") {
				t.Errorf("err = %v, want a 500 error", err)
			}
		}},
		{"bad gateway", ServerError(http.StatusBadGateway), func(t *testing.T, err error) {
			if err == nil || !strings.Contains(err.Error(), "502 Bad Gateway") {
				t.Errorf("err = %v, want the proxy's 502 page", err)
			}
		}},
		{"migrate", MigrateToChat(-1001234567890), func(t *testing.T, err error) {
			var me *bot.MigrateError
			if !errors.As(err, &me) || me.MigrateToChatID != -1001234567890 {
				t.Errorf("err = %v, want *bot.MigrateError to -1001234567890", err)
			}
		}},
		{"bad request", BadRequest("PEER_ID_INVALID"), func(t *testing.T, err error) {
			if !errors.Is(err, bot.ErrorBadRequest) || !strings.Contains(err.Error(), "PEER_ID_INVALID") {
				t.Errorf("err = %v, want bot.ErrorBadRequest", err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t)
			b := newBot(t, srv)
			srv.FailNext("sendmessage", 2, tt.fault)
			send := func() error {
				_, err := b.SendMessage(context.Background(), &bot.SendMessageParams{ChatID: tuPhap, Text: "Nhắc việc"})
				return err
			}
			tt.check(t, send())
			if _, err := b.GetMe(context.Background()); err != nil {
				t.Errorf("getMe failed with a sendMessage fault: %v", err)
			}
			tt.check(t, send())
			if err := send(); err != nil {
				t.Errorf("third send: %v, want the faults used up", err)
			}
			if n := len(srv.Sent()); n != 1 {
				t.Errorf("%d messages sent, want 1", n)
			}
			log := srv.CallLog()
			if len(log) != 4 || log[0].StatusCode < 400 || log[3].StatusCode != http.StatusOK {
				t.Errorf("call log = %+v", log)
			}
		})
	}

	t.Run("delay", func(t *testing.T) {
		srv := newServer(t)
		b := newBot(t, srv)
		srv.FailNext("", 1, Delay(10*time.Second))
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: tuPhap, Text: "x"})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("err = %v, want the client's deadline", err)
		}
		srv.FailNext("", 1, Delay(time.Millisecond))
		if _, err := b.SendMessage(context.Background(), &bot.SendMessageParams{ChatID: tuPhap, Text: "x"}); err != nil {
			t.Errorf("a short delay: %v", err)
		}
	})

	t.Run("per chat", func(t *testing.T) {
		srv := newServer(t)
		b := newBot(t, srv)
		srv.SetFault(func(c Call) *Fault {
			if c.ChatID == tuPhap {
				f := Forbidden()
				return &f
			}
			return nil
		})
		if _, err := b.SendMessage(context.Background(), &bot.SendMessageParams{ChatID: tuPhap, Text: "x"}); !errors.Is(err, bot.ErrorForbidden) {
			t.Errorf("send to the failing chat: %v", err)
		}
		if _, err := b.SendMessage(context.Background(), &bot.SendMessageParams{ChatID: chuTich, Text: "x"}); err != nil {
			t.Errorf("send to another chat: %v", err)
		}
		srv.SetFault(nil)
		if _, err := b.SendMessage(context.Background(), &bot.SendMessageParams{ChatID: tuPhap, Text: "x"}); err != nil {
			t.Errorf("send after SetFault(nil): %v", err)
		}
	})
}

func TestBlock(t *testing.T) {
	srv := newServer(t, WithMaxPollTimeout(time.Second))
	b, updates := startBot(t, srv)
	ctx := context.Background()

	srv.Block(tuPhap)
	u := receive(t, updates)
	if u.MyChatMember == nil || u.MyChatMember.NewChatMember.Type != models.ChatMemberTypeBanned || u.MyChatMember.Chat.ID != tuPhap {
		t.Fatalf("update = %+v, want my_chat_member kicked", u)
	}
	_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: tuPhap, Text: "Nhắc việc"})
	if !errors.Is(err, bot.ErrorForbidden) {
		t.Errorf("send to a user who blocked the bot: %v, want bot.ErrorForbidden", err)
	}
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: chuTich, Text: "Nhắc việc"}); err != nil {
		t.Errorf("send to another user: %v", err)
	}

	srv.Unblock(tuPhap)
	if u := receive(t, updates); u.MyChatMember == nil || u.MyChatMember.NewChatMember.Type != models.ChatMemberTypeMember {
		t.Fatalf("update = %+v, want my_chat_member member", u)
	}
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: tuPhap, Text: "Nhắc việc"}); err != nil {
		t.Errorf("send after unblock: %v", err)
	}
}

func TestConcurrentSends(t *testing.T) {
	srv := newServer(t)
	b := newBot(t, srv)
	chats := []int64{tuPhap, chuTich}
	const senders = 50
	var wg sync.WaitGroup
	errs := make(chan error, senders)
	for i := range senders {
		wg.Go(func() {
			_, err := b.SendMessage(context.Background(), &bot.SendMessageParams{ChatID: chats[i%2], Text: fmt.Sprintf("Nhắc việc %d", i)})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, chat := range chats {
		seen := make(map[int64]bool)
		for _, m := range srv.SentTo(chat) {
			if seen[m.MessageID] {
				t.Errorf("chat %d: message id %d given twice", chat, m.MessageID)
			}
			seen[m.MessageID] = true
		}
		for id := int64(1); id <= senders/2; id++ {
			if !seen[id] {
				t.Errorf("chat %d: message id %d missing: ids are not 1..%d", chat, id, senders/2)
			}
		}
	}
}

func TestRateLimits(t *testing.T) {
	start := time.Date(2025, 3, 14, 8, 0, 0, 0, time.UTC)
	fake := clock.NewFake(start)
	srv := newServer(t, WithClock(fake), WithRateLimits(30, 1))
	b := newBot(t, srv)
	send := func(chat int64) error {
		_, err := b.SendMessage(context.Background(), &bot.SendMessageParams{ChatID: chat, Text: "Nhắc việc"})
		return err
	}

	if err := send(tuPhap); err != nil {
		t.Fatalf("first send: %v", err)
	}
	err := send(tuPhap)
	var tmr *bot.TooManyRequestsError
	if !errors.As(err, &tmr) || tmr.RetryAfter != 1 {
		t.Fatalf("second send within the second: %v, want 429 retry after 1", err)
	}
	fake.Advance(500 * time.Millisecond)
	if err := send(tuPhap); !errors.As(err, &tmr) {
		t.Errorf("send after 0.5s: %v, want 429", err)
	}
	fake.Advance(500 * time.Millisecond)
	if err := send(tuPhap); err != nil {
		t.Errorf("send after 1s: %v", err)
	}

	// 30 a second in total: the 29 other chats pass, the next is refused.
	fake.Advance(time.Second)
	for chat := int64(2001); chat <= 2030; chat++ {
		if err := send(chat); err != nil {
			t.Fatalf("send %d of 30 in a second: %v", chat-2000, err)
		}
	}
	if err := send(2031); !errors.As(err, &tmr) {
		t.Errorf("31st send in a second: %v, want 429", err)
	}
	if n := srv.TooManyRequestsCount(); n != 3 {
		t.Errorf("TooManyRequestsCount() = %d, want 3", n)
	}
	if n := len(srv.Sent()); n != 32 {
		t.Errorf("%d messages sent, want 32", n)
	}
}

func TestRequestEncodings(t *testing.T) {
	srv := newServer(t)
	status, a := rawCall(t, srv, srv.Token(), "sendMessage", map[string]any{
		"chat_id":      tuPhap,
		"text":         "Báo cáo <b>quý I</b>",
		"parse_mode":   "HTML",
		"reply_markup": map[string]any{"inline_keyboard": [][]map[string]string{{{"text": "✅ Hoàn thành", "callback_data": "d:1"}}}},
	})
	if status != http.StatusOK || !a.OK {
		t.Fatalf("JSON body: %d %+v", status, a)
	}
	form := url.Values{"chat_id": {"1002"}, "text": {"Đã nhận"}, "reply_markup": {`{"inline_keyboard":[[{"text":"Xem","url":"https://t.me/x"}]]}`}}
	resp, err := http.PostForm(srv.URL()+"/bot"+srv.Token()+"/sendMessage", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("form body: %d", resp.StatusCode)
	}
	sent := srv.Sent()
	if len(sent) != 2 || sent[0].Buttons[0][0].CallbackData != "d:1" || sent[1].Text != "Đã nhận" || sent[1].Buttons[0][0].URL != "https://t.me/x" {
		t.Errorf("sent = %+v", sent)
	}
	if p := srv.CallLog()[0].Params; p["chat_id"] != "1002" || !strings.HasPrefix(p["reply_markup"], `{"inline_keyboard"`) {
		t.Errorf("recorded params %v: objects must stay JSON text", p)
	}
}

func TestSetMyCommands(t *testing.T) {
	srv := newServer(t)
	b := newBot(t, srv)
	cmds := []models.BotCommand{{Command: "viec", Description: "Việc của tôi"}, {Command: "baocao", Description: "Báo cáo chỉ tiêu"}}
	if ok, err := b.SetMyCommands(context.Background(), &bot.SetMyCommandsParams{Commands: cmds}); err != nil || !ok {
		t.Fatalf("SetMyCommands = %v, %v", ok, err)
	}
	if got := srv.Commands(); fmt.Sprint(got) != fmt.Sprint(cmds) {
		t.Errorf("Commands() = %v", got)
	}
	for _, bad := range []string{"Viec", "báo_cáo", "", strings.Repeat("a", 33)} {
		_, err := b.SetMyCommands(context.Background(), &bot.SetMyCommandsParams{Commands: []models.BotCommand{{Command: bad, Description: "x"}}})
		if !errors.Is(err, bot.ErrorBadRequest) {
			t.Errorf("command %q: %v, want a bad request", bad, err)
		}
	}
}

func TestWaitAndReset(t *testing.T) {
	srv := newServer(t)
	b := newBot(t, srv)
	go func() {
		for i := range 3 {
			b.SendMessage(context.Background(), &bot.SendMessageParams{ChatID: tuPhap, Text: fmt.Sprintf("tin %d", i)})
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.WaitSent(ctx, 3); err != nil {
		t.Fatal(err)
	}

	srv.FailNext("sendMessage", 5, Forbidden())
	srv.Reset()
	if len(srv.Sent()) != 0 || srv.Calls("") != 0 {
		t.Errorf("Reset kept %d messages and %d calls", len(srv.Sent()), srv.Calls(""))
	}
	msg, err := b.SendMessage(context.Background(), &bot.SendMessageParams{ChatID: tuPhap, Text: "sau Reset"})
	if err != nil {
		t.Fatalf("Reset kept the faults: %v", err)
	}
	if msg.ID != 4 {
		t.Errorf("message id after Reset = %d, want 4: ids keep counting", msg.ID)
	}

	short, cancelShort := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancelShort()
	if err := srv.WaitSent(short, 2); !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "1 of 2") {
		t.Errorf("WaitSent past its deadline: %v", err)
	}
}

func BenchmarkSendMessage(b *testing.B) {
	srv := newServer(b)
	client := newBot(b, srv)
	ctx := context.Background()
	params := &bot.SendMessageParams{
		ChatID:      tuPhap,
		Text:        "📌 <b>Nhắc việc</b>: Rà soát, đơn giản hóa thủ tục hành chính — hạn 30/6/2025",
		ParseMode:   models.ParseModeHTML,
		ReplyMarkup: reminderKeyboard(),
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := client.SendMessage(ctx, params); err != nil {
			b.Fatal(err)
		}
	}
}

// TestGroupRateLimit: a group chat (negative id) takes 20 messages a
// minute, one every 3 s; other chats are not limited by it.
func TestGroupRateLimit(t *testing.T) {
	start := time.Date(2025, 3, 14, 8, 0, 0, 0, time.UTC)
	fake := clock.NewFake(start)
	srv := newServer(t, WithClock(fake), WithRateLimits(30, 1), WithGroupRateLimit(20))
	b := newBot(t, srv)
	send := func(chat int64) error {
		_, err := b.SendMessage(context.Background(), &bot.SendMessageParams{ChatID: chat, Text: "Nhắc việc"})
		return err
	}
	const group = -1001234567890
	if err := send(group); err != nil {
		t.Fatalf("first send to the group: %v", err)
	}
	fake.Advance(time.Second)
	var tmr *bot.TooManyRequestsError
	if err := send(group); !errors.As(err, &tmr) || tmr.RetryAfter != 2 {
		t.Fatalf("send to the group after 1 s: %v, want 429 retry after 2", err)
	}
	if err := send(tuPhap); err != nil {
		t.Fatalf("a private chat is not held by the group's limit: %v", err)
	}
	fake.Advance(2 * time.Second)
	if err := send(group); err != nil {
		t.Errorf("send to the group after 3 s: %v", err)
	}
	if n := srv.TooManyRequestsCount(); n != 1 {
		t.Errorf("TooManyRequestsCount() = %d, want 1", n)
	}
}

package telegram_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/nhacviec/nhacviec/bot"
	"github.com/nhacviec/nhacviec/callback"
	"github.com/nhacviec/nhacviec/channel"
	"github.com/nhacviec/nhacviec/clock"
	"github.com/nhacviec/nhacviec/store/storetest"
	"github.com/nhacviec/nhacviec/telegram"
	"github.com/nhacviec/nhacviec/telegramtest"
)

var t0 = time.Date(2025, 3, 10, 9, 0, 0, 0, time.FixedZone("ICT", 7*3600))

func TestMain(m *testing.M) { storetest.Main(m) }

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// fixedOffset resumes polling from a fixed update id.
type fixedOffset int64

func (o fixedOffset) UpdateOffset(context.Context, time.Time) (int64, error) { return int64(o), nil }

// recorder is a channel.Handler recording what it was handed; fail, when
// set, decides whether an attempt fails.
type recorder struct {
	mu   sync.Mutex
	got  []channel.Update
	fail func(u channel.Update, attempt int) bool
}

func (r *recorder) handle(_ context.Context, u channel.Update) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	attempt := 1
	for _, g := range r.got {
		if g.ID == u.ID {
			attempt++
		}
	}
	r.got = append(r.got, u)
	if r.fail != nil && r.fail(u, attempt) {
		return errors.New("injected failure")
	}
	return nil
}

func (r *recorder) updates() []channel.Update {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]channel.Update(nil), r.got...)
}

// polling starts a Receiver polling srv for h until the test ends.
func polling(t *testing.T, srv *telegramtest.Server, offsets telegram.Offsets, h channel.Handler) {
	t.Helper()
	api, err := tgbot.New(srv.Token(), tgbot.WithServerURL(srv.URL()), tgbot.WithSkipGetMe())
	if err != nil {
		t.Fatal(err)
	}
	recv := telegram.NewReceiver(api, offsets, telegram.ReceiverConfig{APIURL: srv.URL(), PollTimeout: time.Second},
		clock.NewFake(t0), discard())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = recv.Receive(ctx, h) }()
	t.Cleanup(func() { cancel(); <-done })
}

// getUpdatesAt counts the getUpdates calls asking for offset at most id,
// that is not confirming update id.
func getUpdatesAt(srv *telegramtest.Server, id int64) int {
	n := 0
	for _, c := range srv.CallLog() {
		if off, err := strconv.ParseInt(c.Params["offset"], 10, 64); c.Method == "getUpdates" && err == nil && off <= id {
			n++
		}
	}
	return n
}

// TestReceiveConfirmsOnlyAfterHandled: an update whose handler fails is
// not confirmed, is fetched again after a pause and handled again; the
// updates after it wait for it, in order.
func TestReceiveConfirmsOnlyAfterHandled(t *testing.T) {
	srv := telegramtest.New(telegramtest.WithMaxPollTimeout(200 * time.Millisecond))
	t.Cleanup(srv.Close)
	rec := &recorder{fail: func(u channel.Update, attempt int) bool { return u.Text == "lỗi" && attempt == 1 }}
	first := srv.SendText(501, 501, "lỗi")
	second := srv.SendText(501, 501, "sau đó")
	polling(t, srv, fixedOffset(0), rec.handle)
	srv.WaitProcessed(t, second)

	var ids []int64
	for _, u := range rec.updates() {
		ids = append(ids, u.ID)
	}
	if want := []int64{first, first, second}; !reflect.DeepEqual(ids, want) {
		t.Fatalf("handled %v, want %v (the failed update again, then the next)", ids, want)
	}
	if n := getUpdatesAt(srv, first); n < 2 {
		t.Fatalf("update %d was fetched by %d getUpdates not confirming it, want at least 2", first, n)
	}
}

// TestReceiveResumesAndAsks: polling deletes any webhook first, resumes
// from the store's offset and asks for messages, button presses and
// membership changes only.
func TestReceiveResumesAndAsks(t *testing.T) {
	srv := telegramtest.New(telegramtest.WithMaxPollTimeout(200 * time.Millisecond))
	t.Cleanup(srv.Close)
	rec := &recorder{}
	polling(t, srv, fixedOffset(4242), rec.handle)
	srv.WaitFor(t, "a getUpdates", func() bool { return srv.Calls("getUpdates") > 0 })
	log := srv.CallLog()
	if log[0].Method != "deleteWebhook" {
		t.Errorf("first call %s, want deleteWebhook", log[0].Method)
	}
	var poll telegramtest.Call
	for _, c := range log {
		if c.Method == "getUpdates" {
			poll = c
			break
		}
	}
	if poll.Params["offset"] != "4242" {
		t.Errorf("first getUpdates offset %q, want 4242", poll.Params["offset"])
	}
	var allowed []string
	if err := json.Unmarshal([]byte(poll.Params["allowed_updates"]), &allowed); err != nil {
		t.Fatalf("allowed_updates %q: %v", poll.Params["allowed_updates"], err)
	}
	if want := []string{"message", "callback_query", "my_chat_member"}; !reflect.DeepEqual(allowed, want) {
		t.Errorf("allowed_updates %v, want %v", allowed, want)
	}
}

// TestReceiveConverts: what the fake Telegram sends reaches the handler
// in the neutral form, through the real client and getUpdates.
func TestReceiveConverts(t *testing.T) {
	srv := telegramtest.New(telegramtest.WithMaxPollTimeout(200 * time.Millisecond))
	t.Cleanup(srv.Close)
	rec := &recorder{}
	polling(t, srv, fixedOffset(0), rec.handle)
	cmd := srv.SendCommand(-100, 601, "viec", "")
	photo := srv.SendPhoto(601, 601, 7, "60%", []byte("ảnh"))
	data := srv.PressButton(601, 601, 7, "d:1")
	block := srv.Block(601)
	srv.WaitProcessed(t, block)

	got := map[int64]channel.Update{}
	for _, u := range rec.updates() {
		got[u.ID] = u
	}
	if u := got[cmd]; u.Channel != channel.Telegram || u.ChatID != -100 || u.PrivateChat || u.UserID != 601 ||
		!strings.HasPrefix(u.Text, "/viec") || u.MessageID == 0 {
		t.Errorf("command in a group: %+v", u)
	}
	if u := got[photo]; !u.PrivateChat || u.ReplyTo != 7 || u.Caption != "60%" || u.FileKind != "photo" || u.File == "" {
		t.Errorf("photo reply: %+v", u)
	}
	var press channel.Update
	for _, u := range got {
		if u.CallbackID != "" {
			press = u
		}
	}
	if press.CallbackID != data || press.Callback != "d:1" || press.ChatID != 601 || press.MessageID != 7 || press.UserID != 601 {
		t.Errorf("button press %q: %+v", data, press)
	}
	if u := got[block]; u.Membership != "kicked" || u.ChatID != 601 || u.UserID != 601 {
		t.Errorf("block: %+v", u)
	}
}

// TestToUpdate converts every kind of update and every field the bot
// uses, from Telegram's JSON.
func TestToUpdate(t *testing.T) {
	sent := time.Unix(1741572000, 0)
	cases := []struct {
		name string
		json string
		want channel.Update
	}{
		{"private text",
			`{"update_id": 1, "message": {"message_id": 10, "date": 1, "chat": {"id": 555, "type": "private"}, "from": {"id": 555, "is_bot": false, "first_name": "A", "username": "an"}, "text": "xin chào"}}`,
			channel.Update{ID: 1, ChatID: 555, PrivateChat: true, UserID: 555, Username: "an", MessageID: 10, Text: "xin chào"}},
		{"command in a group",
			`{"update_id": 2, "message": {"message_id": 11, "date": 1, "chat": {"id": -1001, "type": "supergroup"}, "from": {"id": 7, "is_bot": false, "first_name": "B"}, "text": "/start ABC"}}`,
			channel.Update{ID: 2, ChatID: -1001, UserID: 7, MessageID: 11, Text: "/start ABC"}},
		{"reply to the bot",
			`{"update_id": 3, "message": {"message_id": 12, "date": 1741572100, "chat": {"id": 555, "type": "private"}, "from": {"id": 555, "is_bot": false, "first_name": "A"}, "text": "60%",
			  "reply_to_message": {"message_id": 9, "date": 1741572000, "chat": {"id": 555, "type": "private"}, "from": {"id": 99, "is_bot": true, "first_name": "Bot"}}}}`,
			channel.Update{ID: 3, ChatID: 555, PrivateChat: true, UserID: 555, MessageID: 12, Text: "60%", ReplyTo: 9, ReplyToSent: sent}},
		{"reply to a person",
			`{"update_id": 4, "message": {"message_id": 13, "date": 1, "chat": {"id": -5, "type": "group"}, "from": {"id": 8, "is_bot": false, "first_name": "C"}, "text": "ok",
			  "reply_to_message": {"message_id": 3, "date": 1, "chat": {"id": -5, "type": "group"}, "from": {"id": 9, "is_bot": false, "first_name": "D"}}}}`,
			channel.Update{ID: 4, ChatID: -5, UserID: 8, MessageID: 13, Text: "ok", ReplyTo: 3}},
		{"photo, the largest size",
			`{"update_id": 5, "message": {"message_id": 14, "date": 1, "chat": {"id": 555, "type": "private"}, "from": {"id": 555, "is_bot": false, "first_name": "A"}, "caption": "xong",
			  "photo": [{"file_id": "nho", "file_unique_id": "u1", "width": 90, "height": 90}, {"file_id": "lon", "file_unique_id": "u2", "width": 1280, "height": 1280}]}}`,
			channel.Update{ID: 5, ChatID: 555, PrivateChat: true, UserID: 555, MessageID: 14, Caption: "xong", File: "lon", FileKind: "photo"}},
		{"document",
			`{"update_id": 6, "message": {"message_id": 15, "date": 1, "chat": {"id": 555, "type": "private"}, "from": {"id": 555, "is_bot": false, "first_name": "A"},
			  "document": {"file_id": "tep", "file_unique_id": "u3", "file_name": "bao-cao.pdf"}}}`,
			channel.Update{ID: 6, ChatID: 555, PrivateChat: true, UserID: 555, MessageID: 15, File: "tep", FileKind: "document"}},
		{"from another bot",
			`{"update_id": 7, "message": {"message_id": 16, "date": 1, "chat": {"id": -5, "type": "group"}, "from": {"id": 77, "is_bot": true, "first_name": "Other"}, "text": "/viec"}}`,
			channel.Update{ID: 7, ChatID: -5, MessageID: 16, Text: "/viec"}},
		{"no sender",
			`{"update_id": 8, "message": {"message_id": 17, "date": 1, "chat": {"id": -6, "type": "channel"}, "text": "tin"}}`,
			channel.Update{ID: 8, ChatID: -6, MessageID: 17, Text: "tin"}},
		{"group migrated",
			`{"update_id": 9, "message": {"message_id": 18, "date": 1, "chat": {"id": -5, "type": "group"}, "from": {"id": 8, "is_bot": false, "first_name": "C"}, "migrate_to_chat_id": -1005}}`,
			channel.Update{ID: 9, ChatID: -5, UserID: 8, MessageID: 18, MigratedTo: -1005}},
		{"button press",
			`{"update_id": 10, "callback_query": {"id": "q1", "from": {"id": 555, "is_bot": false, "first_name": "A", "username": "an"}, "data": "d:1:x", "chat_instance": "c",
			  "message": {"message_id": 9, "date": 1741572000, "chat": {"id": 555, "type": "private"}}}}`,
			channel.Update{ID: 10, ChatID: 555, PrivateChat: true, UserID: 555, Username: "an", MessageID: 9, Callback: "d:1:x", CallbackID: "q1"}},
		{"button under an inaccessible message",
			`{"update_id": 11, "callback_query": {"id": "q2", "from": {"id": 8, "is_bot": false, "first_name": "C"}, "data": "p:50", "chat_instance": "c",
			  "message": {"message_id": 4, "date": 0, "chat": {"id": -5, "type": "group"}}}}`,
			channel.Update{ID: 11, ChatID: -5, UserID: 8, MessageID: 4, Callback: "p:50", CallbackID: "q2"}},
		{"button without a message",
			`{"update_id": 12, "callback_query": {"id": "q3", "from": {"id": 8, "is_bot": false, "first_name": "C"}, "data": "p:50", "chat_instance": "c"}}`,
			channel.Update{ID: 12, UserID: 8, Callback: "p:50", CallbackID: "q3"}},
		{"blocked",
			`{"update_id": 13, "my_chat_member": {"chat": {"id": 555, "type": "private"}, "from": {"id": 555, "is_bot": false, "first_name": "A"}, "date": 1,
			  "old_chat_member": {"status": "member", "user": {"id": 99, "is_bot": true, "first_name": "Bot"}}, "new_chat_member": {"status": "kicked", "user": {"id": 99, "is_bot": true, "first_name": "Bot"}, "until_date": 0}}}`,
			channel.Update{ID: 13, ChatID: 555, PrivateChat: true, UserID: 555, Membership: "kicked"}},
		{"added to a group",
			`{"update_id": 14, "my_chat_member": {"chat": {"id": -5, "type": "group"}, "from": {"id": 8, "is_bot": false, "first_name": "C"}, "date": 1,
			  "old_chat_member": {"status": "left", "user": {"id": 99, "is_bot": true, "first_name": "Bot"}}, "new_chat_member": {"status": "member", "user": {"id": 99, "is_bot": true, "first_name": "Bot"}}}}`,
			channel.Update{ID: 14, ChatID: -5, UserID: 8, Membership: "member"}},
		{"left a group",
			`{"update_id": 15, "my_chat_member": {"chat": {"id": -5, "type": "group"}, "from": {"id": 8, "is_bot": false, "first_name": "C"}, "date": 1,
			  "old_chat_member": {"status": "member", "user": {"id": 99, "is_bot": true, "first_name": "Bot"}}, "new_chat_member": {"status": "left", "user": {"id": 99, "is_bot": true, "first_name": "Bot"}}}}`,
			channel.Update{ID: 15, ChatID: -5, UserID: 8, Membership: "left"}},
		{"a kind not asked for",
			`{"update_id": 16, "edited_message": {"message_id": 10, "date": 1, "chat": {"id": 555, "type": "private"}, "text": "sửa"}}`,
			channel.Update{ID: 16}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var u models.Update
			if err := json.Unmarshal([]byte(c.json), &u); err != nil {
				t.Fatal(err)
			}
			c.want.Channel = channel.Telegram
			if got := telegram.ToUpdate(&u); !reflect.DeepEqual(got, c.want) {
				t.Errorf("got  %+v\nwant %+v", got, c.want)
			}
		})
	}
	if got := telegram.ToUpdate(nil); got != (channel.Update{Channel: channel.Telegram}) {
		t.Errorf("nil update: %+v", got)
	}
}

// TestWebhookHandler: the secret header is required; an update is
// answered 200 once its effects committed, and a repeat is a duplicate.
func TestWebhookHandler(t *testing.T) {
	st := storetest.New(t)
	signer, err := callback.Load(context.Background(), st, clock.NewFake(t0), 0)
	if err != nil {
		t.Fatal(err)
	}
	b := bot.New(st, nil, bot.BotConfig{Signer: signer}, clock.NewFake(t0), discard())
	recv := telegram.NewReceiver(nil, st, telegram.ReceiverConfig{WebhookSecret: "bí-mật"}, clock.NewFake(t0), discard())
	srv := httptest.NewServer(recv.WebhookHandler(b.HandleUpdate))
	defer srv.Close()
	body := `{"update_id": 77, "message": {"message_id": 1, "date": 1, "chat": {"id": 555, "type": "private"}, "from": {"id": 555, "is_bot": false, "first_name": "A"}, "text": "xin chào"}}`
	post := func(secret string) int {
		req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(body))
		if secret != "" {
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, c := range []struct {
		secret string
		want   int
	}{{"", 401}, {"sai", 401}, {"bí-mật", 200}, {"bí-mật", 200}} {
		if got := post(c.secret); got != c.want {
			t.Fatalf("secret %q: HTTP %d, want %d", c.secret, got, c.want)
		}
	}
	rows, err := st.OutboxRows(context.Background(), "reply")
	if err != nil || len(rows) != 1 || rows[0].ChatID != 555 {
		t.Fatalf("replies %+v, %v; want exactly one to 555 (the repeat is a duplicate)", rows, err)
	}
}

// TestWebhookRefuses: a webhook without a secret refuses everything; a
// GET, a body that is not an update and a handler failure are refused
// with 405, 400 and 500 (Telegram sends the update again).
func TestWebhookRefuses(t *testing.T) {
	rec := &recorder{fail: func(u channel.Update, _ int) bool { return u.ID == 2 }}
	do := func(secret, method, body string) int {
		t.Helper()
		recv := telegram.NewReceiver(nil, fixedOffset(0), telegram.ReceiverConfig{WebhookSecret: secret}, clock.NewFake(t0), discard())
		srv := httptest.NewServer(recv.WebhookHandler(rec.handle))
		defer srv.Close()
		req, _ := http.NewRequest(method, srv.URL, strings.NewReader(body))
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", "s")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, c := range []struct {
		name, secret, method, body string
		want                       int
	}{
		{"no secret configured", "", http.MethodPost, `{"update_id": 1}`, 401},
		{"GET", "s", http.MethodGet, ``, 405},
		{"not JSON", "s", http.MethodPost, `update`, 400},
		{"handler failed", "s", http.MethodPost, `{"update_id": 2}`, 500},
		{"handled", "s", http.MethodPost, `{"update_id": 3}`, 200},
	} {
		if got := do(c.secret, c.method, c.body); got != c.want {
			t.Errorf("%s: HTTP %d, want %d", c.name, got, c.want)
		}
	}
	var ids []int64
	for _, u := range rec.updates() {
		ids = append(ids, u.ID)
	}
	if want := []int64{2, 3}; !reflect.DeepEqual(ids, want) {
		t.Errorf("handled %v, want %v", ids, want)
	}
}

// TestSetWebhook registers the URL with the secret and the update kinds;
// without a secret it refuses to.
func TestSetWebhook(t *testing.T) {
	srv := telegramtest.New()
	t.Cleanup(srv.Close)
	api, err := tgbot.New(srv.Token(), tgbot.WithServerURL(srv.URL()), tgbot.WithSkipGetMe())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	none := telegram.NewReceiver(api, fixedOffset(0), telegram.ReceiverConfig{}, clock.NewFake(t0), discard())
	if err := none.SetWebhook(ctx, "https://nhacviec.example/hook"); err == nil || !strings.Contains(err.Error(), "secret is required") {
		t.Fatalf("set webhook without a secret: %v", err)
	}
	recv := telegram.NewReceiver(api, fixedOffset(0), telegram.ReceiverConfig{WebhookSecret: "s"}, clock.NewFake(t0), discard())
	if err := recv.SetWebhook(ctx, "https://nhacviec.example/hook"); err != nil {
		t.Fatal(err)
	}
	if got := srv.Webhook(); got != "https://nhacviec.example/hook" {
		t.Fatalf("webhook %q", got)
	}
	for _, c := range srv.CallLog() {
		if c.Method == "setWebhook" && (c.Params["secret_token"] != "s" || !strings.Contains(c.Params["allowed_updates"], "my_chat_member")) {
			t.Errorf("setWebhook %v", c.Params)
		}
	}
}

// TestAnswerButton answers a press through answerCallbackQuery.
func TestAnswerButton(t *testing.T) {
	srv := telegramtest.New()
	t.Cleanup(srv.Close)
	api, err := tgbot.New(srv.Token(), tgbot.WithServerURL(srv.URL()), tgbot.WithSkipGetMe())
	if err != nil {
		t.Fatal(err)
	}
	id := srv.PressButton(555, 555, 1, "d:1")
	if err := telegram.NewAnswerer(api).AnswerButton(context.Background(), id, "Đã ghi nhận ✅"); err != nil {
		t.Fatal(err)
	}
	got := srv.CallbackAnswers()
	if len(got) != 1 || got[0].QueryID != id || got[0].Text != "Đã ghi nhận ✅" {
		t.Fatalf("answers %+v", got)
	}
	srv.FailNext("answerCallbackQuery", 1, telegramtest.BadRequest("query is too old"))
	if err := telegram.NewAnswerer(api).AnswerButton(context.Background(), id, ""); err == nil || !strings.Contains(err.Error(), "answer callback query") {
		t.Fatalf("a refused answer: %v", err)
	}
}

// TestInviteLink: the deep link opens the bot with the code; without a
// username there is none.
func TestInviteLink(t *testing.T) {
	var l channel.Linker = telegram.NewLinker("phuong_pdp_bot")
	if got, want := l.InviteLink("Ab_9-x"), "https://t.me/phuong_pdp_bot?start=Ab_9-x"; got != want {
		t.Errorf("InviteLink %q, want %q", got, want)
	}
	if got := telegram.NewLinker("").InviteLink("Ab_9-x"); got != "" {
		t.Errorf("without a username: %q, want none", got)
	}
}

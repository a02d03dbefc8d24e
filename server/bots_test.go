package server_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/app"
	"github.com/nhacviec/nhacviec/clock"
	"github.com/nhacviec/nhacviec/config"
	"github.com/nhacviec/nhacviec/internal/waitfor"
	"github.com/nhacviec/nhacviec/planfile"
	"github.com/nhacviec/nhacviec/server"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/store/storetest"
	"github.com/nhacviec/nhacviec/telegramtest"
)

// wardPlan is a ward's plan of one task; %[1]s is the ward's code, %[2]s
// its name.
const wardPlan = `
unit: {code: %[1]s, name: "%[2]s", timezone: Asia/Ho_Chi_Minh}
plan: {code: KH-CCHC-2026, title: "Kế hoạch cải cách hành chính năm 2026", year: 2026}
officials:
  - {key: chu-tich, name: "Chủ tịch %[2]s", position: "Chủ tịch", roles: [chairman]}
  - {key: van-phong, name: "Văn phòng %[2]s", position: "Chuyên viên Văn phòng", roles: [office]}
  - {key: kinh-te, name: "Kinh tế %[2]s", position: "Phòng Kinh tế"}
  - {key: tu-phap, name: "Tư pháp %[2]s", position: "Tư pháp"}
areas:
  - code: "1"
    name: "Công tác chỉ đạo, điều hành"
    tasks:
      - {key: ke-hoach, title: "Ban hành kế hoạch cải cách hành chính", lead: kinh-te, due: 2026-03-31}
`

// Fake bots, each its own Bot API state under one URL (telegramtest.Mux).
const (
	hanoiToken = "7000000002:AAHanoiBotTokenForNhacviecTests"
	hueToken   = "7000000003:AAHueBotTokenForNhacviecTests"
)

// botsWorld is two wards (ba-dinh, thuan-hoa) served by several bots.
type botsWorld struct {
	t        *testing.T
	ctx      context.Context
	a        *app.App
	clk      *clock.Fake
	def, hn  *telegramtest.Server
	hue      *telegramtest.Server
	mux      *telegramtest.Mux
	logs     *lockedBuffer
	s        *server.Server
	stop     func()
	httpAddr string
}

func newBotsWorld(t *testing.T) *botsWorld {
	t.Helper()
	poll := telegramtest.WithMaxPollTimeout(100 * time.Millisecond)
	w := &botsWorld{
		t:    t,
		ctx:  context.Background(),
		clk:  clock.NewFake(time.Date(2026, 3, 16, 7, 0, 0, 0, time.FixedZone("ICT", 7*3600))),
		def:  telegramtest.New(poll),
		hn:   telegramtest.New(poll, telegramtest.WithToken(hanoiToken), telegramtest.WithBotUsername("hanoi_nhacviec_bot")),
		hue:  telegramtest.New(poll, telegramtest.WithToken(hueToken), telegramtest.WithBotUsername("hue_nhacviec_bot")),
		logs: &lockedBuffer{},
	}
	w.mux = telegramtest.NewMux(w.def, w.hn, w.hue)
	cfg := config.Default()
	loc, _ := cfg.Location()
	cal, _ := cfg.WorkCalendar()
	w.a = &app.App{Cfg: cfg, Log: slog.New(slog.NewTextHandler(w.logs, nil)), Clock: w.clk,
		Store: storetest.New(t), Loc: loc, Calendar: cal}
	// Registered after the store's: run before it is closed.
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("serve's log:\n%s", w.logs.String())
			rows, _ := w.a.Store.OutboxRows(w.ctx, "")
			for _, r := range rows {
				t.Logf("outbox %d: chat %d bot %s kind %s status %s attempts %d next %s err %q",
					r.ID, r.ChatID, r.Bot, r.Kind, r.Status, r.Attempts, r.NextAttemptAt.Format(time.RFC3339), r.LastError)
			}
		}
		if w.stop != nil {
			w.stop()
		}
		w.mux.Close()
		w.def.Close()
		w.hn.Close()
		w.hue.Close()
	})
	for code, name := range map[string]string{"ba-dinh": "Phường Ba Đình", "thuan-hoa": "Phường Thuận Hóa"} {
		f, err := planfile.Parse(code+".yaml", []byte(fmt.Sprintf(wardPlan, code, name)))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.a.Store.ImportPlan(w.ctx, f, store.ImportOptions{Source: code + ".yaml", Now: w.clk.Now(), Calendar: cal}); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// serve starts serve with bots as telegram.bots, stopping the one running.
func (w *botsWorld) serve(bots ...config.Bot) {
	w.t.Helper()
	if w.stop != nil {
		w.stop()
	}
	cfg := w.a.Cfg
	cfg.Telegram.Token = w.def.Token()
	cfg.Telegram.APIURL = w.mux.URL()
	cfg.Telegram.Bots = bots
	w.httpAddr = freeAddr(w.t)
	cfg.HTTP.Listen = w.httpAddr
	if err := cfg.Validate(); err != nil {
		w.t.Fatal(err)
	}
	a := *w.a
	a.Cfg = cfg
	ctx, cancel := context.WithCancel(w.ctx)
	s, err := server.New(ctx, &a, server.Options{
		PollTimeout:   100 * time.Millisecond,
		GetMeRetry:    20 * time.Millisecond,
		GetMeMaxRetry: 100 * time.Millisecond,
	})
	if err != nil {
		w.t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.RunDelivery(ctx) }()
	w.s = s
	w.stop = func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				w.t.Errorf("run: %v", err)
			}
		case <-time.After(20 * time.Second):
			buf := make([]byte, 1<<20)
			w.t.Errorf("server did not stop:\n%s", buf[:runtime.Stack(buf, true)])
		}
		w.stop = nil
	}
}

// official returns the id of the official key of unit.
func (w *botsWorld) official(unit, key string) int64 {
	w.t.Helper()
	o, err := w.a.Store.OfficialByKey(w.ctx, unit, key)
	if err != nil {
		w.t.Fatal(err)
	}
	return o.ID
}

// startWithCode has the Telegram user chat send "/start CODE" (a fresh
// code of official key of unit) to the bot of tg.
func (w *botsWorld) startWithCode(tg *telegramtest.Server, unit, key string, chat int64) {
	w.t.Helper()
	code, err := store.NewInviteCode()
	if err != nil {
		w.t.Fatal(err)
	}
	if err := w.a.Store.IssueInvite(w.ctx, w.official(unit, key), code, w.clk.Now(), w.clk.Now().Add(24*time.Hour)); err != nil {
		w.t.Fatal(err)
	}
	tg.WaitProcessed(w.t, tg.SendCommand(chat, chat, "start", code))
}

// says waits until tg has sent chat a message containing want.
func says(t *testing.T, tg *telegramtest.Server, chat int64, want string) {
	t.Helper()
	tg.WaitFor(t, fmt.Sprintf("a message to chat %d containing %q", chat, want), func() bool {
		for _, m := range tg.SentTo(chat) {
			if strings.Contains(m.Text, want) {
				return true
			}
		}
		return false
	})
}

// remind enqueues a reminder, decided now, to the official key of unit.
func (w *botsWorld) remind(unit, key, text string) {
	w.t.Helper()
	id := w.official(unit, key)
	o, err := w.a.Store.OfficialByKey(w.ctx, unit, key)
	if err != nil || o.TelegramChatID == nil {
		w.t.Fatalf("official %s/%s not linked: %v", unit, key, err)
	}
	if _, err := store.Enqueue(w.ctx, w.a.Store, store.OutMessage{
		OfficialID: &id, ChatID: *o.TelegramChatID, DedupeKey: "test:" + text, Kind: "reminder",
		Payload: store.Payload{Text: text}, NotBefore: w.clk.Now(),
	}); err != nil {
		w.t.Fatal(err)
	}
}

// TestSeveralBots: a ward served by its province's bot links, is answered
// and reminded through it, the other ward through the default bot; an
// official linked through the wrong bot is pointed to the unit's bot. Then
// the province's bot is retired and the ward moved to a third bot while a
// reminder waits for the retired one: nothing is lost, the office is told
// who must start the new bot, and each official moves, with the waiting
// messages, once they start it.
func TestSeveralBots(t *testing.T) {
	w := newBotsWorld(t)
	w.serve(config.Bot{Name: "hanoi", Token: hanoiToken, Units: []string{"ba-dinh"}})
	const (
		bdLead, bdOffice, bdOther = 101, 102, 103
		thLead, thOffice          = 201, 202
	)
	w.startWithCode(w.hn, "ba-dinh", "kinh-te", bdLead)
	says(t, w.hn, bdLead, "Kinh tế Phường Ba Đình")
	w.startWithCode(w.hn, "ba-dinh", "van-phong", bdOffice)
	w.startWithCode(w.def, "thuan-hoa", "kinh-te", thLead)
	says(t, w.def, thLead, "Kinh tế Phường Thuận Hóa")
	w.startWithCode(w.def, "thuan-hoa", "van-phong", thOffice)
	says(t, w.hn, bdOffice, "Văn phòng Phường Ba Đình")
	says(t, w.def, thOffice, "Văn phòng Phường Thuận Hóa")
	// Linked through the default bot, though Ba Đình's bot is Hà Nội's:
	// the official is reached through it and told to start Hà Nội's.
	w.startWithCode(w.def, "ba-dinh", "tu-phap", bdOther)
	says(t, w.def, bdOther, "@hanoi_nhacviec_bot")

	w.remind("ba-dinh", "kinh-te", "nhắc Ba Đình 1")
	w.remind("thuan-hoa", "kinh-te", "nhắc Thuận Hóa 1")
	says(t, w.hn, bdLead, "nhắc Ba Đình 1")
	says(t, w.def, thLead, "nhắc Thuận Hóa 1")
	if n := len(w.def.SentTo(bdLead)) + len(w.hn.SentTo(thLead)) + len(w.hue.Sent()); n != 0 {
		t.Errorf("%d messages went through a bot that does not serve the chat", n)
	}
	if got := w.s.Bots(); len(got) != 2 || got[1] != "hanoi" {
		t.Errorf("Bots() = %v", got)
	}

	// Stopped; a reminder is decided for the lead while Hà Nội's bot is
	// still the lead's, then Hà Nội's bot is retired and Ba Đình moved to
	// Huế's.
	w.stop()
	w.remind("ba-dinh", "kinh-te", "nhắc Ba Đình 2")
	w.serve(config.Bot{Name: "hue", Token: hueToken, Units: []string{"ba-dinh"}})
	waitfor.Until(t, "the log to name the messages waiting for the retired bot", nil, func() (bool, string) {
		return strings.Contains(w.logs.String(), "no longer configured") && strings.Contains(w.logs.String(), "bot=hanoi"), ""
	})
	// The official still reached through the default bot is asked, there,
	// to start Huế's; those of the retired bot cannot be written to.
	says(t, w.def, bdOther, "@hue_nhacviec_bot")
	// The office starts Huế's bot: moved, with what waited for it — the
	// list of who else must start it.
	w.hue.WaitProcessed(t, w.hue.SendCommand(bdOffice, bdOffice, "start", ""))
	says(t, w.hue, bdOffice, "Từ nay <b>Văn phòng Phường Ba Đình</b>")
	says(t, w.hue, bdOffice, "Kinh tế Phường Ba Đình")
	says(t, w.hue, bdOffice, "@hue_nhacviec_bot")
	// The lead starts it too: the reminder that waited goes out there.
	w.hue.WaitProcessed(t, w.hue.SendCommand(bdLead, bdLead, "start", ""))
	says(t, w.hue, bdLead, "nhắc Ba Đình 2")
	// The official linked through the default bot still gets messages
	// there until they start Huế's.
	w.remind("ba-dinh", "tu-phap", "nhắc Tư pháp")
	says(t, w.def, bdOther, "nhắc Tư pháp")
	w.hue.WaitProcessed(t, w.hue.SendCommand(bdOther, bdOther, "start", ""))
	w.remind("ba-dinh", "tu-phap", "nhắc Tư pháp 2")
	says(t, w.hue, bdOther, "nhắc Tư pháp 2")

	// Every message sent (the last one's mark follows its send), none
	// dead.
	waitfor.Until(t, "every message to be marked sent", nil, func() (bool, string) {
		var pending, dead int
		if err := w.a.Store.DB().Get(&pending, `SELECT count(*) FROM outbox WHERE status = 'pending'`); err != nil {
			t.Fatal(err)
		}
		if err := w.a.Store.DB().Get(&dead, `SELECT count(*) FROM outbox WHERE status = 'dead'`); err != nil {
			t.Fatal(err)
		}
		return pending == 0 && dead == 0, fmt.Sprintf("%d pending, %d dead", pending, dead)
	})
}

// TestBotTokenRefused: Telegram answers 401 to one bot's token. Serve
// runs on, /healthz names the bot and its key, the log says it, the office
// of the service is told through the default bot, and the messages of the
// refused bot wait — none is dead.
func TestBotTokenRefused(t *testing.T) {
	w := newBotsWorld(t)
	w.serve()
	const thOffice, bdLead = 202, 101
	w.startWithCode(w.def, "thuan-hoa", "van-phong", thOffice)
	w.startWithCode(w.def, "ba-dinh", "kinh-te", bdLead)
	says(t, w.def, thOffice, "Văn phòng Phường Thuận Hóa")
	says(t, w.def, bdLead, "Kinh tế Phường Ba Đình")
	w.stop()
	// Ba Đình's lead is on the Hà Nội bot, whose token Telegram refuses
	// (the fake knows no such token).
	if _, err := w.a.Store.DB().Exec(`UPDATE officials SET telegram_bot = 'hanoi' WHERE telegram_chat_id = $1`, bdLead); err != nil {
		t.Fatal(err)
	}
	const badToken = "7000000009:AARevokedTokenForNhacviecTests"
	w.serve(config.Bot{Name: "hanoi", Token: badToken, Units: []string{"ba-dinh"}})
	w.remind("ba-dinh", "kinh-te", "nhắc khi token hỏng")

	says(t, w.def, thOffice, "«hanoi»")
	waitfor.Until(t, "/healthz to name the refused bot", nil, func() (bool, string) {
		code, body := getJSON(t, "http://"+w.httpAddr+"/healthz")
		return code == http.StatusOK && body["status"] == "degraded" && body["telegram"] == "ok" &&
			strings.Contains(body["telegram:hanoi_error"], "telegram.bots[0].token"), fmt.Sprint(code, body)
	})
	if logs := w.logs.String(); !strings.Contains(logs, "refused the bot's token") || strings.Contains(logs, badToken) {
		t.Errorf("the log should say the token was refused, without the token:\n%s", logs)
	}
	var status string
	if err := w.a.Store.DB().Get(&status, `SELECT status FROM outbox WHERE dedupe_key = 'test:nhắc khi token hỏng'`); err != nil || status != "pending" {
		t.Errorf("the refused bot's message is %q (%v), want pending", status, err)
	}
}

// TestTwoBotsClaimAUnit: a unit listed by two bots is a located error.
func TestTwoBotsClaimAUnit(t *testing.T) {
	cfg := config.Default()
	cfg.Telegram.Token = telegramtest.DefaultToken
	cfg.Telegram.Bots = []config.Bot{
		{Name: "hanoi", Token: hanoiToken, Units: []string{"ha-noi", "ba-dinh"}},
		{Name: "hue", Token: hueToken, Units: []string{"hue", "ba-dinh"}},
	}
	err := cfg.Validate()
	if err == nil || !strings.Contains(err.Error(), `telegram.bots[1].units[1]: unit "ba-dinh" is already listed by telegram.bots[0] (hanoi)`) {
		t.Errorf("Validate = %v", err)
	}
}

// TestBotsWebhooks: in webhook mode every bot registers its own path under
// telegram.webhook_url on the one telegram.webhook_listen, and an update
// posted to a bot's path is handled (and answered) by that bot.
func TestBotsWebhooks(t *testing.T) {
	w := newBotsWorld(t)
	listen := freeAddr(t)
	const secret = "0123456789abcdef0123456789abcdef"
	w.a.Cfg.Telegram.Mode = "webhook"
	w.a.Cfg.Telegram.WebhookURL = "https://nhacviec.example.gov.vn/telegram"
	w.a.Cfg.Telegram.WebhookListen = listen
	w.a.Cfg.Telegram.WebhookSecret = secret
	w.serve(config.Bot{Name: "hanoi", Token: hanoiToken, Units: []string{"ba-dinh"}})
	w.def.WaitFor(t, "the default bot's webhook", func() bool { return w.def.Webhook() == "https://nhacviec.example.gov.vn/telegram" })
	w.hn.WaitFor(t, "the Hà Nội bot's webhook", func() bool { return w.hn.Webhook() == "https://nhacviec.example.gov.vn/telegram/hanoi" })

	post := func(path string, updateID, chat int64, text string) int {
		t.Helper()
		body := fmt.Sprintf(`{"update_id":%d,"message":{"message_id":1,"date":1773619200,"chat":{"id":%d,"type":"private"},"from":{"id":%d,"is_bot":false,"first_name":"Cán bộ"},"text":%q,"entities":[{"type":"bot_command","offset":0,"length":6}]}}`,
			updateID, chat, chat, text)
		req, err := http.NewRequest(http.MethodPost, "http://"+listen+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	// The same update id on both bots: each bot numbers its own.
	if code := post("/telegram/hanoi", 7, 301, "/trogiup"); code != http.StatusOK {
		t.Fatalf("the Hà Nội bot's webhook answered %d", code)
	}
	if code := post("/telegram", 7, 302, "/trogiup"); code != http.StatusOK {
		t.Fatalf("the default bot's webhook answered %d", code)
	}
	w.hn.WaitSentTo(t, 301, 1)
	w.def.WaitSentTo(t, 302, 1)
	if len(w.def.SentTo(301)) != 0 || len(w.hn.SentTo(302)) != 0 {
		t.Error("an update was answered by the other bot")
	}
}

package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/app"
	"github.com/nhacviec/nhacviec/clock"
	"github.com/nhacviec/nhacviec/config"
	"github.com/nhacviec/nhacviec/internal/waitfor"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/planfile"
	"github.com/nhacviec/nhacviec/server"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/store/storetest"
	"github.com/nhacviec/nhacviec/telegramtest"
	"github.com/nhacviec/nhacviec/zalo"
	"github.com/nhacviec/nhacviec/zalotest"
)

// zaloPlan is a ward whose chairman and one lead are on Zalo, and whose
// office and other lead are on Telegram.
const zaloPlan = `
unit: {code: hoa-an, name: "UBND phường Hòa An", timezone: Asia/Ho_Chi_Minh}
plan: {code: KH-CCHC-2026, title: "Kế hoạch cải cách hành chính năm 2026", year: 2026}
officials:
  - {key: chu-tich, name: "Nguyễn Văn An", position: "Chủ tịch UBND phường", roles: [chairman]}
  - {key: van-phong, name: "Phạm Thị Dung", position: "Chuyên viên Văn phòng", roles: [office]}
  - {key: kinh-te, name: "Vũ Thị Giang", position: "Phòng Kinh tế"}
  - {key: tu-phap, name: "Hoàng Văn Em", position: "Tư pháp"}
areas:
  - code: "2"
    name: "Cải cách thủ tục hành chính"
    tasks:
      - {key: so-hoa-ho-so, title: "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính", lead: kinh-te, due: 2026-03-16}
      - {key: niem-yet-tthc, title: "Niêm yết công khai thủ tục hành chính tại bộ phận một cửa", lead: kinh-te, due: 2026-03-19}
      - {key: ra-soat-tthc, title: "Rà soát, đề xuất đơn giản hóa thủ tục hành chính", lead: tu-phap, due: 2026-03-16}
`

// zaloWorld is a serve with both channels, each on its fake.
type zaloWorld struct {
	t     *testing.T
	ctx   context.Context
	a     *app.App
	clk   *clock.Fake
	tg    *telegramtest.Server
	zl    *zalotest.Server
	s     *server.Server
	unit  string
	logs  *lockedBuffer
	done  chan error
	close func()
}

func newZaloWorld(t *testing.T, mutate func(*config.Config)) *zaloWorld {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	tg := telegramtest.New(telegramtest.WithMaxPollTimeout(100 * time.Millisecond))
	zl := zalotest.New(zalotest.WithMaxPollTimeout(100 * time.Millisecond))
	// Monday 16 March 2026, 07:00 in Hà Nội.
	clk := clock.NewFake(time.Date(2026, 3, 16, 7, 0, 0, 0, time.FixedZone("ICT", 7*3600)))
	cfg := config.Default()
	cfg.Telegram.Token = tg.Token()
	cfg.Telegram.APIURL = tg.URL()
	cfg.Zalo.Token = zl.Token()
	cfg.Zalo.APIURL = zl.URL()
	cfg.Zalo.Mode = "polling"
	cfg.Zalo.RatePerSecond = 50
	cfg.HTTP.Listen = freeAddr(t)
	if mutate != nil {
		mutate(&cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	loc, _ := cfg.Location()
	cal, _ := cfg.WorkCalendar()
	logs := &lockedBuffer{}
	a := &app.App{
		Cfg: cfg, Log: slog.New(slog.NewTextHandler(logs, nil)), Clock: clk,
		Store: storetest.New(t), Loc: loc, Calendar: cal,
	}
	f, err := planfile.Parse("hoa-an.yaml", []byte(zaloPlan))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Store.ImportPlan(ctx, f, store.ImportOptions{Source: "hoa-an.yaml", Now: clk.Now(), Calendar: cal}); err != nil {
		t.Fatal(err)
	}
	s, err := server.New(ctx, a, server.Options{
		PollTimeout:   100 * time.Millisecond,
		GetMeRetry:    20 * time.Millisecond,
		GetMeMaxRetry: 100 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	w := &zaloWorld{t: t, ctx: ctx, a: a, clk: clk, tg: tg, zl: zl, s: s, unit: f.Unit.Code, logs: logs, done: make(chan error, 1)}
	go func() { w.done <- s.RunDelivery(ctx) }()
	w.close = func() {
		cancel()
		select {
		case err := <-w.done:
			if err != nil {
				t.Errorf("run: %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Error("server did not stop")
		}
		tg.Close()
		zl.Close()
	}
	t.Cleanup(w.close)
	return w
}

// occurrence returns the one occurrence of the task key.
func (w *zaloWorld) occurrence(key string) store.ReportableOccurrence {
	w.t.Helper()
	var id int64
	if err := w.a.Store.DB().Get(&id, `SELECT o.id FROM occurrences o JOIN tasks t ON t.id = o.task_id WHERE t.key = $1`, key); err != nil {
		w.t.Fatal(err)
	}
	o, err := store.ReportableOccurrenceByID(w.ctx, w.a.Store, id)
	if err != nil {
		w.t.Fatal(err)
	}
	return o
}

// official returns the official of key.
func (w *zaloWorld) official(key string) plan.Official {
	w.t.Helper()
	o, err := w.a.Store.OfficialByKey(w.ctx, w.unit, key)
	if err != nil {
		w.t.Fatal(err)
	}
	return o
}

// invite issues a code for key.
func (w *zaloWorld) invite(key string, relink bool) string {
	w.t.Helper()
	code, err := store.NewInviteCode()
	if err != nil {
		w.t.Fatal(err)
	}
	issue := w.a.Store.IssueInvite
	if relink {
		issue = w.a.Store.IssueRelinkInvite
	}
	if err := issue(w.ctx, w.official(key).ID, code, w.clk.Now(), w.clk.Now().Add(24*time.Hour)); err != nil {
		w.t.Fatal(err)
	}
	return code
}

// linkTelegram links key to a Telegram chat directly in the store.
func (w *zaloWorld) linkTelegram(key string, chat int64) {
	w.t.Helper()
	if _, err := w.a.Store.RedeemInvite(w.ctx, w.invite(key, false), chat, chat, key, w.clk.Now()); err != nil {
		w.t.Fatal(err)
	}
}

// zaloSays waits for a Zalo message to user whose text contains want and
// returns it.
func (w *zaloWorld) zaloSays(user, want string) zalotest.Sent {
	w.t.Helper()
	var got zalotest.Sent
	waitfor.Until(w.t, fmt.Sprintf("Zalo %s to receive %q", user, want), nil, func() (bool, string) {
		sent := w.zl.SentTo(user)
		for _, m := range sent {
			if strings.Contains(m.Text, want) {
				got = m
				return true, ""
			}
		}
		return false, fmt.Sprint(len(sent), " messages: ", texts(sent))
	})
	return got
}

func texts(ms []zalotest.Sent) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Text
	}
	return out
}

// linkZalo links key on Zalo as user, by sending the bare code (or /start
// CODE), and waits for the confirmation.
func (w *zaloWorld) linkZalo(key, user string) {
	w.t.Helper()
	w.zl.SendText(user, w.invite(key, false))
	w.zaloSays(user, w.official(key).Name)
}

func TestZaloLinkBriefAndDigest(t *testing.T) {
	w := newZaloWorld(t, nil)
	waitfor.Until(t, "the Zalo bot to be ready", nil, func() (bool, string) { return w.s.ZaloBot() != nil, "" })

	// An unlinked chat on Zalo is told how to link, in plain text.
	w.zl.SendText("u-stranger", "xin chào")
	hello := w.zaloSays("u-stranger", "MÃ")
	if strings.Contains(hello.Text, "<code>") || strings.Contains(hello.Text, "&lt;") {
		t.Errorf("the unlinked reply carries HTML: %q", hello.Text)
	}

	// The lead links with the bare code, the chairman with /start CODE.
	w.linkZalo("kinh-te", "u-giang")
	w.zl.SendText("u-an", "/start "+w.invite("chu-tich", false))
	w.zaloSays("u-an", w.official("chu-tich").Name)
	w.linkTelegram("van-phong", 700002)
	w.linkTelegram("tu-phap", 700003)
	giang := w.official("kinh-te")
	if !giang.Linked() || store.ChatChannel(*giang.TelegramChatID) != store.ChannelZalo {
		t.Fatalf("kinh-te linked on %v, want zalo", giang.TelegramChatID)
	}

	// A code for someone linked on Zalo is refused from Telegram unless
	// issued with --relink; nothing moves.
	if _, err := w.a.Store.RedeemInvite(w.ctx, w.invite("kinh-te", false), 700009, 700009, "giang_tg", w.clk.Now()); err == nil {
		t.Fatal("a plain code moved a Zalo official to Telegram")
	}
	if o := w.official("kinh-te"); *o.TelegramChatID != *giang.TelegramChatID {
		t.Fatalf("kinh-te moved to %d by a refused code", *o.TelegramChatID)
	}

	// The morning brief of Monday 16/03/2026 08:00: one plain-text message
	// on Zalo listing both of her tasks, numbered.
	w.clk.Set(time.Date(2026, 3, 16, 8, 0, 0, 0, w.a.Loc))
	if _, err := w.s.Scheduler().RunAt(w.ctx, w.clk.Now()); err != nil {
		t.Fatal(err)
	}
	brief := w.zaloSays("u-giang", "Số hóa hồ sơ")
	for _, want := range []string{"1.", "2.", "Niêm yết công khai"} {
		if !strings.Contains(brief.Text, want) {
			t.Errorf("the Zalo brief lacks %q:\n%s", want, brief.Text)
		}
	}
	if strings.ContainsAny(brief.Text, "<>") {
		t.Errorf("the Zalo brief carries tags:\n%s", brief.Text)
	}
	// The Telegram lead got hers on Telegram.
	waitfor.Poll(t, "the Telegram lead's reminder", func() bool { return len(w.tg.SentTo(700003)) > 0 })

	// Typed progress on Zalo: no reply-to, the item's number of the brief.
	first, second := 1, 2
	if strings.Index(brief.Text, "Niêm yết") < strings.Index(brief.Text, "Số hóa") {
		first, second = 2, 1
	}
	w.zl.SendText("u-giang", fmt.Sprintf("%d xong", first))
	w.zaloSays("u-giang", "Đã ghi nhận")
	w.zl.SendText("u-giang", fmt.Sprintf("%d: 60%%", second))
	waitfor.Until(t, "both typed answers recorded", nil, func() (bool, string) {
		done, pct := w.occurrence("so-hoa-ho-so"), w.occurrence("niem-yet-tthc")
		return done.Done() && pct.Percent == 60, fmt.Sprint(done.Percent, done.Done(), pct.Percent)
	})

	// An extension asked on Telegram by the lead there, approved by the
	// chairman typing on Zalo.
	var reminder telegramtest.SentMessage
	for _, m := range w.tg.SentTo(700003) {
		if strings.Contains(m.Plain(), "Rà soát") {
			reminder = m
		}
	}
	w.tg.Reply(700003, 700003, reminder.MessageID, "gia hạn 31/03/2026 chờ ý kiến của các phòng chuyên môn")
	ask := w.zaloSays("u-an", "Rà soát")
	m := regexp.MustCompile(`đồng ý (\d+)`).FindStringSubmatch(ask.Text)
	if m == nil {
		t.Fatalf("the request on Zalo does not say what to type:\n%s", ask.Text)
	}
	w.zl.SendText("u-an", "đồng ý "+m[1])
	waitfor.Until(t, "the lead on Telegram told of the approval", nil, func() (bool, string) {
		for _, msg := range w.tg.SentTo(700003) {
			if strings.Contains(msg.Plain(), "đã đồng ý gia hạn") && strings.Contains(msg.Plain(), "31/03/2026") {
				return true, ""
			}
		}
		return false, fmt.Sprint(len(w.tg.SentTo(700003)), " messages")
	})
	if due := w.occurrence("ra-soat-tthc").Due; due != plan.NewDate(2026, time.March, 31) {
		t.Errorf("the approved extension left the due date at %s", due)
	}

	// A digest longer than 2,000 characters reaches the chairman on Zalo
	// in numbered parts, in order.
	long := strings.Repeat("Nhiệm vụ số hóa hồ sơ thủ tục hành chính đang thực hiện đúng tiến độ.\n", 80)
	an := w.official("chu-tich")
	unitID := an.UnitID
	err := w.a.Store.Tx(w.ctx, func(tx *store.Tx) error {
		_, err := store.Enqueue(w.ctx, tx, store.OutMessage{
			UnitID: &unitID, OfficialID: &an.ID, ChatID: *an.TelegramChatID,
			DedupeKey: "digest:test", Kind: "digest", Payload: store.Payload{Text: "<b>Báo cáo tuần</b>\n" + long}, NotBefore: w.clk.Now(),
		})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var parts []zalotest.Sent
	waitfor.Until(t, "the digest's parts", nil, func() (bool, string) {
		parts = parts[:0]
		for _, m := range w.zl.SentTo("u-an") {
			if strings.Contains(m.Text, "Báo cáo tuần") || strings.Contains(m.Text, "đúng tiến độ") {
				parts = append(parts, m)
			}
		}
		return len(parts) >= 3, fmt.Sprint(len(parts), " parts")
	})
	var joined strings.Builder
	for i, p := range parts {
		if zalo.Length(p.Text) > zalo.MaxText {
			t.Errorf("part %d has %d characters", i+1, zalo.Length(p.Text))
		}
		if want := fmt.Sprintf("(%d/%d)", i+1, len(parts)); !strings.Contains(p.Text, want) {
			t.Errorf("part %d lacks its number %s: %q", i+1, want, p.Text[:min(len(p.Text), 80)])
		}
		joined.WriteString(p.Text)
	}
	if got := strings.Count(joined.String(), "đúng tiến độ"); got != 80 {
		t.Errorf("the parts carry %d of the digest's 80 lines", got)
	}

	// /metrics has the Zalo lane; /healthz names zalo ok.
	code, body := getJSON(t, "http://"+w.a.Cfg.HTTP.Listen+"/healthz")
	if code != http.StatusOK || body["zalo"] != "ok" {
		t.Errorf("/healthz = %d %v, want zalo ok", code, body)
	}
	resp, err := http.Get("http://" + w.a.Cfg.HTTP.Listen + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metricsText, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{"nhacviec_zalo_messages_sent_total", `nhacviec_zalo_outbox_messages{status="sent"}`, "nhacviec_zalo_updates_processed_total"} {
		if !bytes.Contains(metricsText, []byte(want)) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// getJSON gets url and decodes its JSON object of strings.
func getJSON(t *testing.T, url string) (int, map[string]string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]string
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("%s: %v", url, err)
	}
	return resp.StatusCode, body
}

// A refused token (401) stops Zalo only: Telegram goes on, Zalo's messages
// wait in the outbox, /healthz says why, and the office is told on
// Telegram.
func TestZaloTokenRefused(t *testing.T) {
	w := newZaloWorld(t, nil)
	waitfor.Until(t, "the Zalo bot to be ready", nil, func() (bool, string) { return w.s.ZaloBot() != nil, "" })
	w.linkZalo("kinh-te", "u-giang")
	w.linkTelegram("van-phong", 700002)
	w.linkTelegram("tu-phap", 700003)

	w.zl.FailNext("sendMessage", 1000, zalotest.Unauthorized())
	w.zl.FailNext("getMe", 1000, zalotest.Unauthorized())
	w.clk.Set(time.Date(2026, 3, 16, 8, 0, 0, 0, w.a.Loc))
	if _, err := w.s.Scheduler().RunAt(w.ctx, w.clk.Now()); err != nil {
		t.Fatal(err)
	}
	waitfor.Poll(t, "the Telegram lead's reminder", func() bool { return len(w.tg.SentTo(700003)) > 0 })
	waitfor.Until(t, "the office to be told on Telegram", nil, func() (bool, string) {
		for _, m := range w.tg.SentTo(700002) {
			if strings.Contains(m.Text, "Zalo") && strings.Contains(m.Text, "zalo.token") {
				return true, ""
			}
		}
		return false, fmt.Sprint(len(w.tg.SentTo(700002)), " messages")
	})
	code, body := getJSON(t, "http://"+w.a.Cfg.HTTP.Listen+"/healthz")
	if code != http.StatusOK || body["status"] != "degraded" || !strings.Contains(body["zalo_error"], "401") {
		t.Errorf("/healthz with a refused Zalo token = %d %v", code, body)
	}
	if !strings.Contains(w.logs.String(), "refused the token") {
		t.Error("no log says the token was refused")
	}
	// Nothing given up: the brief waits.
	counts, err := w.a.Store.OutboxCounts(w.ctx, store.ChannelZalo)
	if err != nil {
		t.Fatal(err)
	}
	if counts.Pending == 0 || counts.Dead != 0 {
		t.Errorf("Zalo outbox after a refused token = %+v, want pending and none dead", counts)
	}
}

// The webhook admits only the platform's secret; an event is committed
// before the 200, and one posted twice is handled once.
func TestZaloWebhook(t *testing.T) {
	listen := freeAddr(t)
	const secret = "zalo-webhook-secret-0123456789"
	w := newZaloWorld(t, func(c *config.Config) {
		c.Zalo.Mode = "webhook"
		c.Zalo.WebhookURL = "https://nhacviec.example.gov.vn/zalo"
		c.Zalo.WebhookSecret = secret
		c.Zalo.WebhookListen = listen
	})
	waitfor.Until(t, "the Zalo webhook to be set", nil, func() (bool, string) {
		hook, _ := w.zl.Webhook()
		return w.s.ZaloBot() != nil && hook.URL != "", hook.URL
	})
	if hook, got := w.zl.Webhook(); hook.URL != "https://nhacviec.example.gov.vn/zalo" || got != secret {
		t.Fatalf("webhook set to %q with secret %q", hook.URL, got)
	}
	url := "http://" + listen + "/"
	code := w.invite("kinh-te", false)
	ev := zalotest.TextEvent("u-giang", "Giang", "/start "+code)
	for _, bad := range []string{"", "wrong-secret-0123456789"} {
		status, _, err := w.zl.PostWebhook(w.ctx, url, bad, ev)
		if err != nil {
			t.Fatal(err)
		}
		if status != http.StatusUnauthorized && status != http.StatusForbidden {
			t.Errorf("webhook with secret %q answered %d, want 401 or 403", bad, status)
		}
	}
	if w.official("kinh-te").Linked() {
		t.Fatal("an event without the secret linked an official")
	}
	ev.Message.MessageID = "0000000000000000abcd"
	status, _, err := w.zl.PostWebhook(w.ctx, url, secret, ev)
	if err != nil || status != http.StatusOK {
		t.Fatalf("webhook with the secret answered %d, %v", status, err)
	}
	// Committed before the 200.
	if !w.official("kinh-te").Linked() {
		t.Fatal("the 200 came before the link committed")
	}
	status, _, err = w.zl.PostWebhook(w.ctx, url, secret, ev)
	if err != nil || status != http.StatusOK {
		t.Fatalf("the same event again answered %d, %v", status, err)
	}
	// The second post was committed (as a duplicate) before its 200 too:
	// one confirmation in the outbox, and it reaches the chat.
	giang := w.official("kinh-te")
	rows, err := w.a.Store.OutboxRowsTo(w.ctx, *giang.TelegramChatID)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 {
		t.Errorf("the event posted twice left %d messages to the chat, want 1 confirmation", len(rows))
	}
	w.zaloSays("u-giang", "Vũ Thị Giang")
}

// With http.public_url set, a chart goes to Zalo as a photo at a URL the
// platform fetches from serve, and a workbook as a download link; both
// stop answering when they expire.
func TestZaloPublishesFiles(t *testing.T) {
	w := newZaloWorld(t, func(c *config.Config) {
		c.HTTP.PublicURL = "http://" + c.HTTP.Listen
		c.HTTP.PublishTTL = time.Hour
	})
	waitfor.Until(t, "the Zalo bot to be ready", nil, func() (bool, string) { return w.s.ZaloBot() != nil, "" })
	w.linkZalo("chu-tich", "u-an")
	an := w.official("chu-tich")
	chart := []byte("\x89PNG\r\n\x1a\n chart of the week")
	book := []byte("PK\x03\x04 workbook of the week")
	err := w.a.Store.Tx(w.ctx, func(tx *store.Tx) error {
		for i, a := range []*store.Attachment{
			{Kind: store.EvidencePhoto, Filename: "bieu-do-2026-W12.png", Data: chart},
			{Kind: store.EvidenceDocument, Filename: "tong-hop-2026-W12.xlsx", Data: book},
		} {
			_, err := store.Enqueue(w.ctx, tx, store.OutMessage{
				UnitID: &an.UnitID, OfficialID: &an.ID, ChatID: *an.TelegramChatID,
				DedupeKey: fmt.Sprintf("digest:file:%d", i), Kind: "digest",
				Payload: store.Payload{Text: "<b>Báo cáo tuần 12/2026</b>", Attachment: a}, NotBefore: w.clk.Now(),
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var photo, file string
	waitfor.Until(t, "the chart and the workbook on Zalo", nil, func() (bool, string) {
		for _, m := range w.zl.SentTo("u-an") {
			if m.Method == "sendPhoto" {
				photo = m.Photo
			}
			if i := strings.Index(m.Text, "http://"); i >= 0 && strings.Contains(m.Text, "tong-hop-2026-W12.xlsx") {
				file = strings.Fields(m.Text[i:])[0]
			}
		}
		return photo != "" && file != "", fmt.Sprint(texts(w.zl.SentTo("u-an")))
	})
	get := func(url string) (int, []byte) {
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, body
	}
	for _, c := range []struct {
		url  string
		want []byte
	}{{photo, chart}, {file, book}} {
		if code, body := get(c.url); code != http.StatusOK || !bytes.Equal(body, c.want) {
			t.Errorf("GET %s = %d, %d bytes; want 200 and the file", c.url, code, len(body))
		}
	}
	// A guessed token, and the real ones once expired, answer 404.
	if code, _ := get("http://" + w.a.Cfg.HTTP.Listen + "/f/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"); code != http.StatusNotFound {
		t.Errorf("a guessed token answered %d", code)
	}
	w.clk.Advance(2 * time.Hour)
	for _, url := range []string{photo, file} {
		if code, _ := get(url); code != http.StatusNotFound {
			t.Errorf("GET %s after expiry = %d, want 404", url, code)
		}
	}
}

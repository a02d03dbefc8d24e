package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/app"
	"github.com/nhacviec/nhacviec/clock"
	"github.com/nhacviec/nhacviec/config"
	"github.com/nhacviec/nhacviec/examples"
	"github.com/nhacviec/nhacviec/internal/waitfor"
	"github.com/nhacviec/nhacviec/planfile"
	"github.com/nhacviec/nhacviec/server"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/store/storetest"
	"github.com/nhacviec/nhacviec/telegramtest"
)

// lockedBuffer is a bytes.Buffer for concurrent writers.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestServeStartsWhileTelegramIsDown: serve started while the Bot API
// refuses connections, then answers 401, then works. Before, New failed at
// once ("is telegram.token right?") and no job ran. Now the jobs run and
// enqueue, nothing is marked sent, /healthz answers 200 "degraded" naming
// the cause in words (connection refused, then the rejected token), and
// once Telegram answers the messages are delivered and the bot runs.
func TestServeStartsWhileTelegramIsDown(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	fake := telegramtest.New(telegramtest.WithMaxPollTimeout(100 * time.Millisecond))
	defer fake.Close()
	apiAddr := freeAddr(t) // nothing listens there yet: connection refused

	// Monday 14 April 2025, 07:30:30: the weekly digest of 07:30 is caught
	// up on start and goes to the chairman and the office.
	clk := clock.NewFake(time.Date(2025, 4, 14, 7, 30, 30, 0, time.FixedZone("ICT", 7*3600)))
	cfg := config.Default()
	cfg.Telegram.Token = fake.Token()
	cfg.Telegram.APIURL = "http://" + apiAddr
	for cfg.HTTP.Listen = freeAddr(t); cfg.HTTP.Listen == apiAddr; {
		cfg.HTTP.Listen = freeAddr(t)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	loc, _ := cfg.Location()
	cal, _ := cfg.WorkCalendar()
	var logs lockedBuffer
	a := &app.App{
		Cfg: cfg, Log: slog.New(slog.NewTextHandler(&logs, nil)), Clock: clk,
		Store: storetest.New(t), Loc: loc, Calendar: cal,
	}
	f, err := planfile.Parse(examples.PlanFile, examples.Plan())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Store.ImportPlan(ctx, f, store.ImportOptions{Source: examples.PlanFile, Now: clk.Now(), Calendar: cal}); err != nil {
		t.Fatal(err)
	}
	chats := map[string]int64{"chu-tich": 900001, "van-phong": 900002}
	for key, chat := range chats {
		o, err := a.Store.OfficialByKey(ctx, f.Unit.Code, key)
		if err != nil {
			t.Fatal(err)
		}
		code, err := store.NewInviteCode()
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Store.IssueInvite(ctx, o.ID, code, clk.Now(), clk.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Store.RedeemInvite(ctx, code, chat, chat, key, clk.Now()); err != nil {
			t.Fatal(err)
		}
	}

	s, err := server.New(ctx, a, server.Options{
		PollTimeout:   100 * time.Millisecond,
		GetMeRetry:    20 * time.Millisecond,
		GetMeMaxRetry: 100 * time.Millisecond,
	})
	if err != nil {
		t.Fatalf("New while Telegram is down: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()

	healthz := func() (int, map[string]string) {
		resp, err := http.Get("http://" + cfg.HTTP.Listen + "/healthz")
		if err != nil {
			return 0, nil
		}
		defer resp.Body.Close()
		var body map[string]string
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
			t.Fatalf("/healthz body: %v", err)
		}
		return resp.StatusCode, body
	}
	count := func(status string) int {
		var n int
		if err := a.Store.DB().GetContext(ctx, &n, `SELECT count(*) FROM outbox WHERE status = $1`, status); err != nil {
			t.Fatal(err)
		}
		return n
	}

	// 1. Connection refused: the jobs run and enqueue, nothing is sent.
	waitfor.Poll(t, "the caught-up digest to be enqueued", func() bool { return count("pending") >= len(chats) })
	refused := "cannot reach Telegram at http://" + apiAddr + ": connection refused"
	waitfor.Until(t, "/healthz to name the refused connection", nil, func() (bool, string) {
		code, body := healthz()
		return code == http.StatusOK && body["status"] == "degraded" && body["telegram"] == "unreachable" &&
			strings.HasPrefix(body["telegram_error"], refused) && body["database"] == "ok", fmt.Sprint(code, body)
	})
	if !strings.Contains(logs.String(), refused) {
		t.Errorf("the log does not say why Telegram is unreachable:\n%s", logs.String())
	}

	// 2. Telegram answers, but rejects the token.
	var reject atomic.Bool
	reject.Store(true)
	ln, err := net.Listen("tcp", apiAddr)
	if err != nil {
		t.Fatal(err)
	}
	api := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if reject.Load() {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"ok":false,"error_code":401,"description":"Unauthorized"}`)
			return
		}
		fake.ServeHTTP(w, r)
	})}
	go api.Serve(ln)
	defer api.Close()
	rejected := "Telegram rejected the token (401 Unauthorized): check telegram.token"
	waitfor.Until(t, "/healthz to name the rejected token", nil, func() (bool, string) {
		code, body := healthz()
		return code == http.StatusOK && strings.HasPrefix(body["telegram_error"], rejected), fmt.Sprint(code, body)
	})
	if n := count("sent"); n != 0 {
		t.Fatalf("%d messages marked sent while Telegram was unreachable", n)
	}
	if n := count("dead"); n != 0 {
		t.Fatalf("%d messages given up while Telegram was unreachable", n)
	}

	// 3. Telegram works: the waiting messages go out, the bot answers.
	reject.Store(false)
	for _, chat := range chats {
		fake.WaitSentTo(t, chat, 1)
	}
	waitfor.Until(t, "/healthz to say ok", nil, func() (bool, string) {
		code, body := healthz()
		return code == http.StatusOK && body["status"] == "ok" && body["telegram"] == "ok", fmt.Sprint(code, body)
	})
	fake.SendCommand(chats["chu-tich"], chats["chu-tich"], "help", "")
	fake.WaitSentTo(t, chats["chu-tich"], 2)

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("server did not stop")
	}
}

// TestServeWithoutTokenRefusesUnlessConsole: without a token, New fails
// naming telegram.token (it printed the messages and marked them sent);
// in console mode the printed messages are the explicit choice.
func TestServeWithoutTokenRefusesUnlessConsole(t *testing.T) {
	ctx := context.Background()
	cfg := config.Default()
	loc, _ := cfg.Location()
	cal, _ := cfg.WorkCalendar()
	a := &app.App{
		Cfg: cfg, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Clock: clock.NewFake(t0),
		Store: storetest.New(t), Loc: loc, Calendar: cal,
	}
	if _, err := server.New(ctx, a, server.Options{}); err == nil || !strings.Contains(err.Error(), "telegram.token") {
		t.Fatalf("New without a token = %v, want an error naming telegram.token", err)
	}
	a.Cfg.Telegram.Mode = "console"
	var out lockedBuffer
	s, err := server.New(ctx, a, server.Options{Stdout: &out})
	if err != nil {
		t.Fatalf("console mode: %v", err)
	}
	if _, err := store.Enqueue(ctx, a.Store, store.OutMessage{
		ChatID: 42, DedupeKey: "test:console", Kind: "notice",
		Payload: store.Payload{Text: "Thông báo <b>thử</b>"}, NotBefore: t0,
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Worker().DrainOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Thông báo thử") {
		t.Errorf("console mode printed %q", out.String())
	}
}

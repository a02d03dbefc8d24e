package main

import (
	"bytes"
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/telegramtest"
)

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a running
// command.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestServe runs `nhacviec serve` in-process against the fake Bot API: a
// message enqueued by another process is delivered, an official links with
// /start CODE, the process stops cleanly on cancellation, and its logs
// never contain the token.
func TestServe(t *testing.T) {
	fake := telegramtest.New(telegramtest.WithMaxPollTimeout(100 * time.Millisecond))
	defer fake.Close()
	c := newCLI(t)
	c.mustRun("import", examplePlan)
	c.env["NHACVIEC_TELEGRAM_TOKEN"] = fake.Token()
	c.env["NHACVIEC_TELEGRAM_API_URL"] = fake.URL()
	c.env["NHACVIEC_LOG_LEVEL"] = "debug"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c.env["NHACVIEC_HTTP_LISTEN"] = ln.Addr().String()
	ln.Close()
	invite := strings.Fields(c.mustRun("invite", "van-phong"))
	if len(invite) != 3 || !strings.HasPrefix(invite[2], "https://t.me/"+fake.BotUser().Username+"?start=") {
		t.Fatalf("invite with a token asks getMe for the link: %q", invite)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve"}, &stdout, &stderr, func(k string) string { return c.env[k] })
	}()

	// Linking through the running bot.
	const user = 777001
	fake.SendCommand(user, user, "start", invite[1])
	fake.WaitFor(t, "the link confirmation", func() bool {
		for _, m := range fake.SentTo(user) {
			if strings.Contains(m.Plain(), "Văn phòng - Thống kê") {
				return true
			}
		}
		return false
	})

	// The healthcheck Docker runs sees the running serve.
	if code, out, stderr := c.run("healthcheck"); code != 0 || !strings.Contains(out, `"status":"ok"`) {
		t.Errorf("healthcheck of the running serve: exit %d, %q %q", code, out, stderr)
	}

	// A message enqueued by another process goes out within 2 seconds (to
	// a chat of its own: one chat receives at most a message a second).
	const other = 777002
	st := c.store()
	enqueued := time.Now()
	if _, err := store.Enqueue(context.Background(), st, store.OutMessage{
		ChatID: other, DedupeKey: "test:serve:1", Kind: "notice",
		Payload: store.Payload{Text: "Thông báo <b>thử</b>"}, NotBefore: enqueued,
	}); err != nil {
		t.Fatal(err)
	}
	got := fake.WaitSentTo(t, other, 1)[0]
	if got.Plain() != "Thông báo thử" {
		t.Fatalf("enqueued message delivered as %q", got.Plain())
	}
	if took := got.Date.Sub(enqueued); took > 2*time.Second {
		t.Errorf("enqueued message delivered %s after, want within 2 s", took)
	}

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exited %d on cancellation\n%s", code, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop within 30 s of cancellation")
	}
	if strings.Contains(stderr.String(), fake.Token()) || strings.Contains(stdout.String(), fake.Token()) {
		t.Error("serve printed the bot token")
	}
	if !strings.Contains(stderr.String(), "nhacviec stopped") {
		t.Errorf("no shutdown log:\n%s", stderr.String())
	}
}

package zalotest_test

import (
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/clock"
	"github.com/nhacviec/nhacviec/zalotest"
)

// send posts one sendMessage to chat and returns its status and
// description.
func send(t *testing.T, srv *zalotest.Server, chat string) (int, string) {
	t.Helper()
	status, env := post(t, srv, srv.Token(), "sendMessage", url.Values{"chat_id": {chat}, "text": {"Nhắc việc"}})
	desc, _ := env["description"].(string)
	return status, desc
}

// TestRateLimitGlobal: past perSecond messages a second across chats the
// fake answers 429 "Quota exceeded", takes no token for it, and lets
// messages through again as the bucket refills.
func TestRateLimitGlobal(t *testing.T) {
	clk := clock.NewFake(time.Date(2026, 12, 5, 8, 0, 0, 0, time.UTC))
	srv := zalotest.New(zalotest.WithClock(clk), zalotest.WithRateLimit(5, 0))
	defer srv.Close()

	for i := range 5 { // a full bucket: one second's worth
		if status, desc := send(t, srv, fmt.Sprintf("c%d", i)); status != 200 {
			t.Fatalf("message %d: %d %s", i, status, desc)
		}
	}
	status, desc := send(t, srv, "c9")
	if status != 429 || desc != "Quota exceeded" {
		t.Fatalf("sixth message in the same instant: %d %q, want 429 Quota exceeded", status, desc)
	}
	clk.Advance(199 * time.Millisecond)
	if status, _ := send(t, srv, "c9"); status != 429 {
		t.Errorf("after 199 ms: %d, want 429", status)
	}
	clk.Advance(time.Millisecond) // 200 ms: one token at 5/s
	if status, _ := send(t, srv, "c9"); status != 200 {
		t.Errorf("after 200 ms: %d, want 200", status)
	}
	if status, _ := send(t, srv, "c10"); status != 429 {
		t.Errorf("second message after 200 ms: %d, want 429", status)
	}
	clk.Advance(time.Hour) // the bucket holds one second's worth, not more
	for i := range 6 {
		status, _ := send(t, srv, fmt.Sprintf("d%d", i))
		if want := map[bool]int{true: 200, false: 429}[i < 5]; status != want {
			t.Errorf("message %d after an hour: %d, want %d", i, status, want)
		}
	}
	if n := srv.TooManyRequestsCount(); n != 4 {
		t.Errorf("TooManyRequestsCount = %d, want 4", n)
	}
	if n := len(srv.Sent()); n != 11 {
		t.Errorf("%d messages accepted, want 11", n)
	}
	// Other methods are not messages.
	if status, _ := post(t, srv, srv.Token(), "getMe", nil); status != 200 {
		t.Errorf("getMe under the limit: %d", status)
	}
}

// TestRateLimitPerChat: a chat receives at most one message every
// perChatEvery; other chats are not held back by it.
func TestRateLimitPerChat(t *testing.T) {
	clk := clock.NewFake(time.Date(2026, 12, 5, 8, 0, 0, 0, time.UTC))
	srv := zalotest.New(zalotest.WithClock(clk), zalotest.WithRateLimit(0, time.Second))
	defer srv.Close()

	if status, _ := send(t, srv, "a"); status != 200 {
		t.Fatalf("first message: %d", status)
	}
	if status, desc := send(t, srv, "a"); status != 429 || desc != "Quota exceeded" {
		t.Errorf("second message to the chat at once: %d %q, want 429", status, desc)
	}
	if status, _ := send(t, srv, "b"); status != 200 {
		t.Errorf("another chat: %d, want 200", status)
	}
	clk.Advance(999 * time.Millisecond)
	if status, _ := send(t, srv, "a"); status != 429 {
		t.Errorf("after 999 ms: %d, want 429", status)
	}
	clk.Advance(time.Millisecond)
	if status, _ := send(t, srv, "a"); status != 200 {
		t.Errorf("after 1 s: %d, want 200", status)
	}
	if n := srv.TooManyRequestsCount(); n != 2 {
		t.Errorf("TooManyRequestsCount = %d, want 2", n)
	}
	var refused int
	for _, c := range srv.Calls() {
		if c.Code == 429 {
			refused++
		}
	}
	if refused != 2 || len(srv.SentTo("a")) != 2 {
		t.Errorf("calls logged 429: %d; sent to a: %d", refused, len(srv.SentTo("a")))
	}
}

// TestSetFault: a fault function decides per call, after FailNext, and
// its 429s are counted.
func TestSetFault(t *testing.T) {
	srv := zalotest.New()
	defer srv.Close()
	srv.FailNext("sendMessage", 1, zalotest.RequestTimeout())
	srv.SetFault(func(c zalotest.Call) *zalotest.Fault {
		if c.Method == "sendMessage" && c.Params["chat_id"] == "busy" {
			f := zalotest.TooManyRequests()
			return &f
		}
		return nil
	})
	if status, _ := send(t, srv, "busy"); status != 408 {
		t.Errorf("FailNext first: %d, want 408", status)
	}
	if status, _ := send(t, srv, "busy"); status != 429 {
		t.Errorf("SetFault: %d, want 429", status)
	}
	if status, _ := send(t, srv, "idle"); status != 200 {
		t.Errorf("another chat: %d, want 200", status)
	}
	srv.SetFault(nil)
	if status, _ := send(t, srv, "busy"); status != 200 {
		t.Errorf("after SetFault(nil): %d, want 200", status)
	}
	if n := srv.TooManyRequestsCount(); n != 1 {
		t.Errorf("TooManyRequestsCount = %d, want 1", n)
	}
}

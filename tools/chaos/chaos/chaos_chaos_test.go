package chaos_test

import (
	"context"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/store/storetest"
	"github.com/nhacviec/nhacviec/tools/chaos/chaos"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// build builds nhacviec into a temporary directory of t.
func build(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "nhacviec")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/nhacviec/nhacviec/cmd/nhacviec").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// testEnv returns the scenarios' environment for t.
func testEnv(t *testing.T, needBinary bool) chaos.Env {
	t.Helper()
	env := chaos.Env{
		Database: func(context.Context) (string, error) { return storetest.URL(t), nil },
		TempDir:  t.TempDir,
		Logf:     t.Logf,
	}
	if needBinary {
		env.Bin = build(t)
	}
	return env
}

// TestKillServe is scenario (a): SIGKILL of serve mid-burst, three times.
func TestKillServe(t *testing.T) {
	env := testEnv(t, true)
	res, err := chaos.KillServe(t.Context(), env, chaos.KillOptions{Rounds: 3, Messages: 90, Chats: 30})
	t.Logf("%+v", res)
	if err != nil {
		t.Fatal(err)
	}
	// With telegram.max_in_flight 1 (the default) a kill can catch at most
	// one message between Telegram's answer and its "sent" mark.
	if err := res.Check(res.Crashes); err != nil {
		t.Error(err)
	}
}

// TestTelegramFaults is scenario (c): 5xx, timeouts and 429 for a while,
// then healthy.
func TestTelegramFaults(t *testing.T) {
	res, err := chaos.TelegramFaults(t.Context(), testEnv(t, false),
		chaos.FaultOptions{Messages: 60, Chats: 20, Faulty: 2 * time.Second})
	t.Logf("%+v", res)
	if err != nil {
		t.Fatal(err)
	}
	// A send that timed out may still have reached Telegram.
	if err := res.Check(res.Timeouts); err != nil {
		t.Error(err)
	}
}

// TestReplicas is scenario (d): two serve replicas on one database.
func TestReplicas(t *testing.T) {
	res, err := chaos.Replicas(t.Context(), testEnv(t, false),
		chaos.ReplicaOptions{Messages: 60, Chats: 20, Days: 7})
	t.Logf("%+v", res)
	if err != nil {
		t.Fatal(err)
	}
	if err := res.Check(0); err != nil {
		t.Error(err)
	}
}

// TestClockJumps is scenario (e): the clock jumping back and forward.
func TestClockJumps(t *testing.T) {
	res, err := chaos.ClockJumps(t.Context(), testEnv(t, false))
	t.Logf("%+v", res)
	if err != nil {
		t.Fatal(err)
	}
	if res.Duplicated != 0 || res.Lost != 0 {
		t.Errorf("%d duplicate decisions, %d failed runs", res.Duplicated, res.Lost)
	}
}

// TestPostgresRestart is scenario (b): PostgreSQL stopped and started again
// under a running serve.
func TestPostgresRestart(t *testing.T) {
	env := testEnv(t, true)
	res, err := chaos.PostgresRestart(t.Context(), env,
		chaos.PostgresOptions{Restarts: 1, Messages: 60, Chats: 20, Down: time.Second})
	t.Logf("%+v", res)
	if err != nil {
		t.Fatal(err)
	}
	// The worker retries its "sent" marks through a short outage, so a
	// restart duplicates at most the one message in flight.
	if err := res.Check(res.Crashes); err != nil {
		t.Error(err)
	}
}

// TestThrottledChat is scenario (f): one group chat answering 429 while
// other chats' messages go out; they must take no more than 1.2× as long
// as without the 429s.
func TestThrottledChat(t *testing.T) {
	res, err := chaos.ThrottledChat(t.Context(), testEnv(t, false),
		chaos.ThrottleOptions{Messages: 100, Chats: 50, Replies: 5, Throttled: 6 * time.Second, RetryAfter: 3})
	t.Logf("%+v", res)
	if err != nil {
		t.Fatal(err)
	}
	if err := res.Check(0); err != nil {
		t.Error(err)
	}
}

// TestZaloFaults: Zalo answers 408 and 429 to every message for a while,
// then heals; every message arrives once, parts and all, none dead.
func TestZaloFaults(t *testing.T) {
	res, err := chaos.ZaloFaults(t.Context(), testEnv(t, false),
		chaos.ZaloOptions{Messages: 40, Chats: 10, Faulty: 2 * time.Second})
	t.Logf("%+v", res)
	if err != nil {
		t.Fatal(err)
	}
	// A 408 or 429 answer means the platform did not take the message.
	if err := res.Check(0); err != nil {
		t.Error(err)
	}
}

package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/telegramtest"
)

// serveResult is the memory of `nhacviec serve` on the main database.
type serveResult struct {
	Skipped   string // why it was not measured, "" when it was
	IdleKB    int64  // VmRSS after start-up and catch-up settled
	BurstKB   int64  // highest VmRSS sampled while delivering the burst
	Burst     int    // messages enqueued at once
	Delivered int    // messages delivered while sampling (the catch-up's first)
	Pending   int    // messages still pending at the end of the burst window

	FanOutLeft time.Duration // how long the catch-up (its runs and fan-out) went on after the burst window
	RateAfter  float64       // messages delivered per second after it, over 10 s
}

// measureServe builds cmd/nhacviec, runs `serve` against st's database and
// an in-process fake Telegram server, reads VmRSS when idle, then enqueues
// burst messages and samples VmRSS while they are delivered.
func measureServe(ctx context.Context, st *store.Store, burst int, log *slog.Logger) serveResult {
	res := serveResult{Burst: burst}
	dir, err := os.MkdirTemp("", "nhacviec-serve-")
	if err != nil {
		res.Skipped = err.Error()
		return res
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "nhacviec")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/nhacviec")
	if out, err := build.CombinedOutput(); err != nil {
		res.Skipped = "`go build ./cmd/nhacviec` failed: " + firstLine(string(out))
		return res
	}
	help, _ := exec.CommandContext(ctx, bin, "serve", "--help").CombinedOutput()
	if strings.Contains(string(help), "unknown command") {
		res.Skipped = "the binary has no serve command yet"
		return res
	}

	fake := telegramtest.New(telegramtest.WithMaxPollTimeout(time.Second))
	defer fake.Close()
	cfg := fmt.Sprintf(`database:
  url: %q
telegram:
  token: %q
  api_url: %q
  rate_per_second: 30
log:
  level: warn
`, st.URL(), fake.Token(), fake.URL())
	cfgPath := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		res.Skipped = err.Error()
		return res
	}
	cmd := exec.Command(bin, "serve", "--config", cfgPath)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		res.Skipped = "start serve: " + err.Error()
		return res
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	}()

	// Idle: after start-up and the catch-up of missed runs.
	select {
	case err := <-exited:
		res.Skipped = fmt.Sprintf("serve exited at start: %v", err)
		return res
	case <-time.After(15 * time.Second):
	}
	res.IdleKB = rss(cmd.Process.Pid)
	log.Info("serve idle", "rss_kb", res.IdleKB)

	// Burst: many messages enqueued at once, to distinct chats.
	now := time.Now()
	err = st.Tx(ctx, func(tx *store.Tx) error {
		for i := 0; i < burst; i++ {
			_, err := store.Enqueue(ctx, tx, store.OutMessage{
				ChatID: 8_000_000_000 + int64(i), DedupeKey: fmt.Sprintf("bench:serve:%d", i), Kind: "notice",
				Payload: store.Payload{Text: "<b>Tổng hợp báo cáo</b>\nKiểm tra bộ nhớ khi gửi nhiều tin nhắn cùng lúc."}, NotBefore: now,
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		res.Skipped = err.Error()
		return res
	}
	res.BurstKB = res.IdleKB
	sampling := time.Now()
	for end := sampling.Add(20 * time.Second); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		res.BurstKB = max(res.BurstKB, rss(cmd.Process.Pid))
	}
	// Messages the catch-up decided (its reminders over a year of overdue
	// occurrences) are ahead of the burst in the queue: count every
	// message delivered while sampling.
	_ = st.DB().GetContext(ctx, &res.Delivered, `SELECT count(*) FROM outbox WHERE status = 'sent' AND sent_at >= $1`, sampling)
	_ = st.DB().GetContext(ctx, &res.Pending, `SELECT count(*) FROM outbox WHERE status = 'pending'`)

	// Then, once the catch-up is over (no job run still running, nothing
	// left to fan out), the delivery rate over 10 s (Telegram's 30 a
	// second is the ceiling).
	fanned := time.Now()
	for end := fanned.Add(5 * time.Minute); time.Now().Before(end); time.Sleep(500 * time.Millisecond) {
		var busy int
		err := st.DB().GetContext(ctx, &busy, `
			SELECT (SELECT count(*) FROM job_runs WHERE status = 'running')
			     + (SELECT count(*) FROM remind_batches WHERE fanned_out_at IS NULL)`)
		if err != nil || busy == 0 {
			break
		}
	}
	res.FanOutLeft = time.Since(fanned)
	window := time.Now()
	time.Sleep(10 * time.Second)
	var sent int
	_ = st.DB().GetContext(ctx, &sent, `SELECT count(*) FROM outbox WHERE status = 'sent' AND sent_at >= $1`, window)
	res.RateAfter = float64(sent) / time.Since(window).Seconds()
	return res
}

// rss reads VmRSS, in kB, of process pid.
func rss(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				n, _ := strconv.ParseInt(f[0], 10, 64)
				return n
			}
		}
	}
	return 0
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

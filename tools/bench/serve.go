package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/nhacviec/nhacviec/metrics"
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

	// Heap profiles (with -profiles): taken idle and at the highest VmRSS
	// sampled under the burst, and their top entries.
	IdleProfile, PeakProfile string // files
	PeakProfileKB            int64  // VmRSS when the peak profile was taken
	IdleTop, PeakTop         heapTop

	// The morning, after the burst: the runs of `nhacviec tick --at` and
	// serve's heap profile at its highest VmRSS meanwhile.
	Morning          []morningRun
	MorningProfile   string
	MorningProfileKB int64
	MorningTop       heapTop
}

// morningRun is one instant of the morning's jobs, run by `nhacviec tick
// --at` beside serve.
type morningRun struct {
	At      time.Time
	Summary string        // tick's summary line
	Err     string        // why it failed, "" when it did not
	Took    time.Duration // the tick's wall-clock time
	TickKB  int64         // the tick process's highest RSS (getrusage)
	ServeKB int64         // serve's highest VmRSS during the tick and the 20 s after
}

// morningInstants are the morning's instants on the generated data: the
// reminder run of the working Friday of measureTick, then the weekly
// digest of the Monday after it.
func morningInstants() []time.Time {
	fri := tickInstant()
	mon := fri.AddDate(0, 0, (8-int(fri.Weekday()))%7)
	return []time.Time{fri, time.Date(mon.Year(), mon.Month(), mon.Day(), 7, 30, 0, 0, fri.Location())}
}

// run runs `nhacviec tick --at m.At` with serve's configuration, sampling
// serve's VmRSS with peak while it runs and for 20 s after.
func (m *morningRun) run(ctx context.Context, bin, cfgPath string, peak *peakSampler) {
	var out strings.Builder
	cmd := exec.CommandContext(ctx, bin, "tick", "--config", cfgPath, "--at", m.At.Format(time.RFC3339))
	cmd.Stdout, cmd.Stderr = &out, os.Stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		m.Err = err.Error()
		return
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	peak.kb = 0
	var err error
	for running := true; running; {
		select {
		case err = <-done:
			running = false
		case <-time.After(100 * time.Millisecond):
			peak.sample(ctx)
		}
	}
	m.Took = time.Since(start)
	if err != nil {
		m.Err = err.Error()
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		m.TickKB = ru.Maxrss // kB on Linux
	}
	var runs []string
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if !strings.HasPrefix(l, "jobs:") {
			runs = append(runs, strings.Join(strings.Fields(l), " "))
		}
	}
	m.Summary = strings.Join(runs, "; ")
	for end := time.Now().Add(20 * time.Second); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		peak.sample(ctx)
	}
	m.ServeKB = peak.kb
}

// peakSampler follows serve's highest VmRSS and, with file set, takes its
// heap profile at each new height: the last one is the peak's.
type peakSampler struct {
	pid        int
	addr       string // serve's operational endpoints
	file       string // where the profile goes; "" for none
	log        *slog.Logger
	kb         int64 // the highest VmRSS sampled
	profiledKB int64 // VmRSS when the profile in file was taken
	last       time.Time
}

// sample reads VmRSS once and, at a new height 1 MiB above the last
// profile's and at most every 500 ms, takes a profile.
func (p *peakSampler) sample(ctx context.Context) {
	kb := rss(p.pid)
	p.kb = max(p.kb, kb)
	if p.file == "" || kb <= p.profiledKB+1024 || time.Since(p.last) < 500*time.Millisecond {
		return
	}
	p.last = time.Now()
	tmp := p.file + ".tmp"
	if err := heapProfile(ctx, p.addr, tmp); err != nil {
		p.log.Warn("heap profile", "err", err)
		return
	}
	if err := os.Rename(tmp, p.file); err != nil {
		p.log.Warn("heap profile", "err", err)
		return
	}
	p.profiledKB = kb
}

// heapTop is `go tool pprof -top` of one heap profile, by live and by
// allocated bytes.
type heapTop struct {
	Inuse, Alloc string
}

// measureServe builds cmd/nhacviec, runs `serve` against st's database and
// an in-process fake Telegram server, reads VmRSS when idle, then enqueues
// burst messages and samples VmRSS while they are delivered.
//
// With profDir set, serve runs with metrics.PprofEnv and its operational
// endpoints on a local port, and the heap profiles idle and at the burst's
// highest VmRSS are written to profDir (idle.pb.gz, peak.pb.gz, with the
// binary beside them as nhacviec for `go tool pprof`).
func measureServe(ctx context.Context, st *store.Store, burst int, profDir string, log *slog.Logger) serveResult {
	res := serveResult{Burst: burst}
	dir, err := os.MkdirTemp("", "nhacviec-serve-")
	if err != nil {
		res.Skipped = err.Error()
		return res
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "nhacviec")
	if profDir != "" {
		if err := os.MkdirAll(profDir, 0o755); err != nil {
			res.Skipped = err.Error()
			return res
		}
		bin = filepath.Join(profDir, "nhacviec")
	}
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
	opsAddr := ""
	if profDir != "" {
		if opsAddr, err = freeAddr(); err != nil {
			res.Skipped = err.Error()
			return res
		}
		cfg += fmt.Sprintf("http:\n  listen: %q\n", opsAddr)
	}
	cfgPath := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		res.Skipped = err.Error()
		return res
	}
	cmd := exec.Command(bin, "serve", "--config", cfgPath)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if profDir != "" {
		cmd.Env = append(os.Environ(), metrics.PprofEnv+"=1")
	}
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
	if profDir != "" {
		res.IdleProfile = filepath.Join(profDir, "idle.pb.gz")
		if err := heapProfile(ctx, opsAddr, res.IdleProfile); err != nil {
			log.Warn("idle heap profile", "err", err)
			res.IdleProfile = ""
		}
	}

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
	sampling := time.Now()
	burstPeak := &peakSampler{pid: cmd.Process.Pid, addr: opsAddr, log: log, kb: res.IdleKB}
	if profDir != "" {
		burstPeak.file = filepath.Join(profDir, "peak.pb.gz")
	}
	for end := sampling.Add(20 * time.Second); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		burstPeak.sample(ctx)
	}
	res.BurstKB, res.PeakProfileKB = burstPeak.kb, burstPeak.profiledKB
	if burstPeak.profiledKB > 0 {
		res.PeakProfile = burstPeak.file
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

	// The morning: the reminder run of a working day, then a Monday's
	// weekly digest, each by `nhacviec tick --at` on the same database
	// (the code serve's scheduler runs at those instants) while serve
	// delivers what they enqueue.
	morningPeak := &peakSampler{pid: cmd.Process.Pid, addr: opsAddr, log: log}
	if profDir != "" {
		morningPeak.file = filepath.Join(profDir, "morning.pb.gz")
	}
	for _, at := range morningInstants() {
		m := morningRun{At: at}
		log.Info("serve: the morning", "tick", at.Format(time.RFC3339))
		m.run(ctx, bin, cfgPath, morningPeak)
		log.Info("serve: the morning", "tick", at.Format(time.RFC3339), "tick_rss_kb", m.TickKB, "serve_rss_kb", m.ServeKB, "took", m.Took.Round(time.Second))
		res.Morning = append(res.Morning, m)
	}
	if morningPeak.profiledKB > 0 {
		res.MorningProfile, res.MorningProfileKB = morningPeak.file, morningPeak.profiledKB
		res.MorningTop = pprofTop(ctx, bin, res.MorningProfile)
	}
	if res.IdleProfile != "" {
		res.IdleTop = pprofTop(ctx, bin, res.IdleProfile)
	}
	if res.PeakProfile != "" {
		res.PeakTop = pprofTop(ctx, bin, res.PeakProfile)
	}
	return res
}

// freeAddr returns a free local TCP address.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// heapProfile writes serve's heap profile (its /debug/pprof/heap on addr)
// to path. It forces no collection: the live figures are those of the
// last one, as the runtime left them.
func heapProfile(ctx context.Context, addr, path string) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/debug/pprof/heap", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("heap profile: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("heap profile: %s", resp.Status)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("heap profile: %w", err)
	}
	return os.WriteFile(path, b, 0o644)
}

// pprofTop is the first entries of `go tool pprof -top` of the heap
// profile at path, by inuse_space and by alloc_space.
func pprofTop(ctx context.Context, bin, path string) heapTop {
	top := func(index string) string {
		out, err := exec.CommandContext(ctx, "go", "tool", "pprof", "-top", "-nodecount=12",
			"-sample_index="+index, bin, path).Output()
		if err != nil {
			return "go tool pprof: " + err.Error()
		}
		// Keep the totals line and the table, not the file's header.
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		for i, l := range lines {
			if strings.HasPrefix(l, "Showing nodes") {
				return strings.Join(lines[i:], "\n")
			}
		}
		return strings.Join(lines, "\n")
	}
	return heapTop{Inuse: top("inuse_space"), Alloc: top("alloc_space")}
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

// text is the figures of a -serve-only run.
func (s serveResult) text(units int) string {
	var b strings.Builder
	for _, v := range s.verdicts(units) {
		mark := "pass"
		if !v.pass() {
			mark = "MISS"
		}
		fmt.Fprintf(&b, "%s: %s (limit %s, ratio %.2f) %s\n", v.what, v.value, v.limit, v.ratio, mark)
	}
	return b.String() + "\n" + s.markdown()
}

package metrics_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/nhacviec/nhacviec/clock"
	"github.com/nhacviec/nhacviec/delivery"
	"github.com/nhacviec/nhacviec/metrics"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/store/storetest"
)

var t0 = time.Date(2025, 4, 14, 8, 0, 0, 0, time.FixedZone("ICT", 7*3600))

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// seed writes two job runs, a unit with a remind batch not yet fanned out,
// three outbox rows (one sent), one e-mail and two processed updates.
func seed(t *testing.T, st *store.Store) {
	t.Helper()
	ctx := context.Background()
	db := st.DB()
	for _, q := range []string{
		`INSERT INTO job_runs (job, scheduled_at, started_at, finished_at, status, messages)
		 VALUES ('remind', $1, $1, $1, 'done', 3)`,
		`INSERT INTO job_runs (job, scheduled_at, started_at, finished_at, status, messages, error)
		 VALUES ('remind', $1::timestamptz + interval '1 day', $1, $1, 'failed', 0, 'boom')`,
		`INSERT INTO processed_updates (update_id, processed_at) VALUES (1, $1), (2, $1)`,
		`INSERT INTO units (code, name, created_at, updated_at) VALUES ('pdp', 'UBND phường Phan Đình Phùng', $1, $1)`,
		`INSERT INTO remind_batches (job_run_id, unit_id, run_at, decided_at, day, decisions)
		 SELECT r.id, u.id, $1, $1, '2025-04-14', '[]' FROM job_runs r, units u WHERE r.status = 'done'`,
	} {
		if _, err := db.ExecContext(ctx, q, t0); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	for i, key := range []string{"a", "b", "c"} {
		_, err := store.Enqueue(ctx, st, store.OutMessage{
			ChatID: int64(100 + i), DedupeKey: key, Kind: "reminder",
			Payload: store.Payload{Text: "Nhắc việc"}, NotBefore: t0,
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.ExecContext(ctx, `UPDATE outbox SET status = 'sent', sent_at = $1 WHERE dedupe_key = 'a'`, t0); err != nil {
		t.Fatal(err)
	}
	_, err := store.EnqueueEmail(ctx, st, store.EmailMessage{
		DedupeKey: "digest-email:pdp:2025-03", To: []string{"chutich@example.gov.vn"},
		Subject: "Báo cáo tháng 3/2025", Text: "Kính gửi Chủ tịch UBND phường", NotBefore: t0,
	})
	if err != nil {
		t.Fatal(err)
	}
}

// scrape fetches /metrics from h and parses it as Prometheus text.
func scrape(t *testing.T, h http.Handler) map[string]*dto.MetricFamily {
	t.Helper()
	families, err := scrapeErr(h)
	if err != nil {
		t.Fatal(err)
	}
	return families
}

// scrapeErr is scrape for goroutines other than the test's.
func scrapeErr(h http.Handler) (map[string]*dto.MetricFamily, error) {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != http.StatusOK {
		return nil, fmt.Errorf("/metrics = %d: %s", rec.Code, rec.Body)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	families, err := p.TextToMetricFamilies(rec.Body)
	if err != nil {
		return nil, fmt.Errorf("/metrics does not parse as Prometheus text: %w", err)
	}
	return families, nil
}

// value returns the value of the sample of family name whose labels
// include want, and false when there is none.
func value(families map[string]*dto.MetricFamily, name string, want map[string]string) (float64, bool) {
	f, ok := families[name]
	if !ok {
		return 0, false
	}
next:
	for _, m := range f.Metric {
		have := map[string]string{}
		for _, l := range m.Label {
			have[l.GetName()] = l.GetValue()
		}
		for k, v := range want {
			if have[k] != v {
				continue next
			}
		}
		switch {
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		case m.Summary != nil:
			return float64(m.Summary.GetSampleCount()), true
		case m.Untyped != nil:
			return m.Untyped.GetValue(), true
		}
	}
	return 0, false
}

func TestMetrics(t *testing.T) {
	st := storetest.New(t)
	seed(t, st)
	clk := clock.NewFake(t0)
	src := metrics.Sources{
		Store: st,
		Clock: clk,
		Telegram: func() []metrics.BotStats {
			return []metrics.BotStats{
				{Bot: "default", Stats: delivery.StatsSnapshot{Sent: 7, Failed: 2, Dead: 1, Retried: 1, TooManyRequests: 1, SendLatency: 1400 * time.Millisecond, Down: true}},
				{Bot: "tinh-01", Stats: delivery.StatsSnapshot{Sent: 3, SendLatency: 600 * time.Millisecond}},
			}
		},
		Email: func() delivery.StatsSnapshot {
			return delivery.StatsSnapshot{Sent: 1, SendLatency: 300 * time.Millisecond}
		},
		Log: discard(),
	}
	h := metrics.Handler(metrics.NewRegistry(src), metrics.HealthHandler(discard()))
	families := scrape(t, h)

	tests := []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"nhacviec_database_up", nil, 1},
		{"nhacviec_outbox_messages", map[string]string{"status": "pending"}, 2},
		{"nhacviec_outbox_messages", map[string]string{"status": "sent"}, 1},
		{"nhacviec_outbox_messages", map[string]string{"status": "dead"}, 0},
		{"nhacviec_email_outbox_messages", map[string]string{"status": "pending"}, 1},
		{"nhacviec_remind_batches_pending", nil, 1},
		{"nhacviec_job_runs_total", map[string]string{"job": "remind", "status": "done"}, 1},
		{"nhacviec_job_runs_total", map[string]string{"job": "remind", "status": "failed"}, 1},
		{"nhacviec_job_messages_total", map[string]string{"job": "remind"}, 3},
		{"nhacviec_job_last_success_timestamp_seconds", map[string]string{"job": "remind"}, float64(t0.Unix())},
		{"nhacviec_telegram_updates_processed_total", nil, 2},
		{"nhacviec_telegram_messages_sent_total", map[string]string{"bot": "default"}, 7},
		{"nhacviec_telegram_send_failures_total", map[string]string{"bot": "default"}, 2},
		{"nhacviec_telegram_messages_dead_total", map[string]string{"bot": "default"}, 1},
		{"nhacviec_telegram_rate_limited_total", map[string]string{"bot": "default"}, 1},
		{"nhacviec_telegram_down", map[string]string{"bot": "default"}, 1},
		{"nhacviec_telegram_send_duration_seconds", map[string]string{"bot": "default"}, 7},
		// Each bot's lane is a series of its own.
		{"nhacviec_telegram_messages_sent_total", map[string]string{"bot": "tinh-01"}, 3},
		{"nhacviec_telegram_send_failures_total", map[string]string{"bot": "tinh-01"}, 0},
		{"nhacviec_telegram_down", map[string]string{"bot": "tinh-01"}, 0},
		{"nhacviec_telegram_send_duration_seconds", map[string]string{"bot": "tinh-01"}, 3},
		{"nhacviec_email_sent_total", nil, 1},
		{"nhacviec_email_send_duration_seconds", nil, 1},
	}
	for _, tt := range tests {
		got, ok := value(families, tt.name, tt.labels)
		if !ok {
			t.Errorf("%s%v missing", tt.name, tt.labels)
			continue
		}
		if got != tt.want {
			t.Errorf("%s%v = %v, want %v", tt.name, tt.labels, got, tt.want)
		}
	}
	if s := families["nhacviec_telegram_send_duration_seconds"].Metric[0].Summary; s.GetSampleSum() != 1.4 {
		t.Errorf("telegram send duration sum = %v, want 1.4", s.GetSampleSum())
	}
	if _, ok := families["go_goroutines"]; !ok {
		t.Error("Go runtime metrics missing")
	}

	// With the database gone the endpoint still answers, saying so, once
	// the cached counts expired.
	st.Close()
	clk.Advance(metrics.DefaultCacheTTL)
	families = scrape(t, h)
	if got, _ := value(families, "nhacviec_database_up", nil); got != 0 {
		t.Errorf("database_up after close = %v, want 0", got)
	}
	if got, _ := value(families, "nhacviec_telegram_messages_sent_total", map[string]string{"bot": "default"}); got != 7 {
		t.Errorf("telegram sent after close = %v, want 7", got)
	}
}

func TestHealthz(t *testing.T) {
	st := storetest.New(t)
	var telegramErr error
	h := metrics.Handler(metrics.NewRegistry(metrics.Sources{Store: st}), metrics.HealthHandler(discard(),
		metrics.Check{Name: "database", Func: func(ctx context.Context) error { return st.DB().PingContext(ctx) }},
		metrics.Check{Name: "telegram", Func: func(context.Context) error { return telegramErr }},
	))
	get := func() (int, map[string]string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
		var body map[string]string
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatalf("/healthz body %q: %v", rec.Body, err)
		}
		return rec.Code, body
	}
	steps := []struct {
		name       string
		before     func()
		wantCode   int
		wantStatus map[string]string
	}{
		{"all working", func() {}, 200, map[string]string{"status": "ok", "database": "ok", "telegram": "ok"}},
		{"telegram down", func() { telegramErr = errors.New("getMe: 401 Unauthorized") }, 503,
			map[string]string{"status": "fail", "database": "ok", "telegram": "fail"}},
		{"telegram back", func() { telegramErr = nil }, 200, map[string]string{"status": "ok", "database": "ok", "telegram": "ok"}},
		{"store closed", func() { st.Close() }, 503, map[string]string{"status": "fail", "database": "fail", "telegram": "ok"}},
	}
	for _, s := range steps {
		s.before()
		code, body := get()
		if code != s.wantCode {
			t.Errorf("%s: /healthz = %d, want %d", s.name, code, s.wantCode)
		}
		for k, v := range s.wantStatus {
			if body[k] != v {
				t.Errorf("%s: %s = %q, want %q (body %v)", s.name, k, body[k], v, body)
			}
		}
	}
}

func TestCached(t *testing.T) {
	clk := clock.NewFake(t0)
	calls := 0
	var result error
	check := metrics.Cached(clk, 30*time.Second, func(context.Context) error {
		calls++
		return result
	})
	ctx := context.Background()
	steps := []struct {
		advance   time.Duration
		result    error
		wantCalls int
		wantErr   bool
	}{
		{0, nil, 1, false},
		{10 * time.Second, errors.New("down"), 1, false}, // cached success
		{25 * time.Second, errors.New("down"), 2, true},  // expired: checks again
		{time.Second, nil, 2, true},                      // cached failure
		{30 * time.Second, nil, 3, false},
	}
	for i, s := range steps {
		clk.Advance(s.advance)
		result = s.result
		err := check(ctx)
		if calls != s.wantCalls || (err != nil) != s.wantErr {
			t.Errorf("step %d: calls = %d, err = %v; want %d calls, error %v", i, calls, err, s.wantCalls, s.wantErr)
		}
	}
}

// TestScrapesShareOneRead: sixteen scrapers at once cause one read of the
// database's counts, and scrapes within the cache TTL none; the first
// scrape after it reads again and sees what changed.
func TestScrapesShareOneRead(t *testing.T) {
	st := storetest.New(t)
	seed(t, st)
	clk := clock.NewFake(t0)
	var (
		mu    sync.Mutex
		reads int
	)
	const scrapers = 16
	var arrived atomic.Int32
	allArrived := make(chan struct{})
	src := metrics.Sources{
		Store: st,
		Clock: clk,
		Counts: func(ctx context.Context) (store.MetricsCounts, error) {
			mu.Lock()
			reads++
			mu.Unlock()
			<-allArrived // hold the read until every scraper is in the handler
			return st.MetricsCounts(ctx)
		},
		Log: discard(),
	}
	h := metrics.Handler(metrics.NewRegistry(src), metrics.HealthHandler(discard()))

	var wg sync.WaitGroup
	results := make([]map[string]*dto.MetricFamily, scrapers)
	errs := make([]error, scrapers)
	for i := range scrapers {
		wg.Go(func() {
			if arrived.Add(1) == scrapers {
				close(allArrived)
			}
			results[i], errs[i] = scrapeErr(h)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	if reads != 1 {
		t.Errorf("16 concurrent scrapes read the database %d times, want 1", reads)
	}
	for i, f := range results {
		if got, _ := value(f, "nhacviec_outbox_messages", map[string]string{"status": "pending"}); got != 2 {
			t.Errorf("scraper %d: pending = %v, want 2", i, got)
		}
	}

	// Within the TTL: no read, the same numbers.
	if _, err := st.DB().Exec(`UPDATE outbox SET status = 'dead' WHERE dedupe_key = 'b'`); err != nil {
		t.Fatal(err)
	}
	clk.Advance(metrics.DefaultCacheTTL - time.Second)
	if got, _ := value(scrape(t, h), "nhacviec_outbox_messages", map[string]string{"status": "dead"}); got != 0 || reads != 1 {
		t.Errorf("within the TTL: dead = %v after %d reads, want the cached 0 after 1", got, reads)
	}
	// After it: one more read, fresh numbers.
	clk.Advance(time.Second)
	if got, _ := value(scrape(t, h), "nhacviec_outbox_messages", map[string]string{"status": "dead"}); got != 1 || reads != 2 {
		t.Errorf("after the TTL: dead = %v after %d reads, want 1 after 2", got, reads)
	}
}

// TestMetricsAcrossASweep: the processed-updates total stays a counter
// when retention deletes old updates, what retention deleted is counted,
// and the sent gauge is the planner's estimate once the table is analyzed.
func TestMetricsAcrossASweep(t *testing.T) {
	st := storetest.New(t)
	seed(t, st)
	ctx := context.Background()
	clk := clock.NewFake(t0)
	h := metrics.Handler(metrics.NewRegistry(metrics.Sources{Store: st, Clock: clk, Log: discard()}), metrics.HealthHandler(discard()))
	before := scrape(t, h)
	if got, _ := value(before, "nhacviec_telegram_updates_processed_total", nil); got != 2 {
		t.Fatalf("updates before the sweep = %v, want 2", got)
	}

	// A month later: both updates and the sent message are swept; two
	// new updates arrive.
	later := t0.AddDate(0, 4, 0)
	if _, err := st.DB().Exec(`INSERT INTO processed_updates (update_id, processed_at) VALUES (3, $1), (4, $1)`, later); err != nil {
		t.Fatal(err)
	}
	rep, err := st.Sweep(ctx, store.RetentionPolicy{ProcessedUpdates: 7 * 24 * time.Hour, OutboxSent: 90 * 24 * time.Hour}, later)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Deleted[store.SweptProcessedUpdates] != 2 || rep.Deleted[store.SweptOutboxSent] != 1 {
		t.Fatalf("sweep deleted %v, want 2 updates and 1 message", rep.Deleted)
	}
	clk.Advance(metrics.DefaultCacheTTL)
	after := scrape(t, h)
	for _, tt := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"nhacviec_telegram_updates_processed_total", nil, 4},
		{"nhacviec_retention_deleted_rows_total", map[string]string{"kind": store.SweptProcessedUpdates}, 2},
		{"nhacviec_retention_deleted_rows_total", map[string]string{"kind": store.SweptOutboxSent}, 1},
		{"nhacviec_outbox_messages", map[string]string{"status": "pending"}, 2},
		{"nhacviec_outbox_messages", map[string]string{"status": "sent"}, 0}, // analyzed by the sweep: 2 rows, both pending
	} {
		if got, ok := value(after, tt.name, tt.labels); !ok || got != tt.want {
			t.Errorf("%s%v = %v (present %v), want %v", tt.name, tt.labels, got, ok, tt.want)
		}
	}
}

package metrics_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nhacviec/nhacviec/clock"
	"github.com/nhacviec/nhacviec/config"
	"github.com/nhacviec/nhacviec/jobs"
	"github.com/nhacviec/nhacviec/metrics"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/store/storetest"
)

// seedMillion fills the tables /metrics reads as a busy installation has
// them: a million outbox rows (almost all sent, 2,000 pending, 1,000
// dead), a million processed updates, 1,000 job runs, and analyzes and
// vacuums them as autovacuum would have.
func seedMillion(b *testing.B, st *store.Store) {
	b.Helper()
	ctx := context.Background()
	for _, q := range []string{
		`INSERT INTO outbox (chat_id, dedupe_key, kind, payload, status, attempts, next_attempt_at,
		                     created_at, sent_at, telegram_message_id)
		 SELECT 1000 + i % 5000, 'bench:' || i, 'reminder',
		        '{"text":"<b>Nhắc việc</b>\nNhiệm vụ: Rà soát, đề xuất cắt giảm, đơn giản hóa thủ tục hành chính\nHạn: 30/06/2025"}',
		        CASE WHEN i > 998000 THEN 'pending' WHEN i > 997000 THEN 'dead' ELSE 'sent' END, 1,
		        '2025-01-01'::timestamptz + i * interval '10 seconds',
		        '2025-01-01'::timestamptz + i * interval '10 seconds',
		        CASE WHEN i > 997000 THEN NULL ELSE '2025-01-01'::timestamptz + i * interval '10 seconds' END,
		        CASE WHEN i > 997000 THEN NULL ELSE i END
		 FROM generate_series(1, 1000000) AS i`,
		`INSERT INTO processed_updates (update_id, processed_at)
		 SELECT i, '2025-01-01'::timestamptz + i * interval '10 seconds' FROM generate_series(1, 1000000) AS i`,
		`INSERT INTO job_runs (job, scheduled_at, started_at, finished_at, status, messages)
		 SELECT j, '2025-01-01'::timestamptz + i * interval '1 day', now(), now(), 'done', 10
		 FROM generate_series(1, 250) AS i, unnest(ARRAY['remind', 'materialize', 'target_readings', 'digest_weekly']) AS j`,
		`VACUUM ANALYZE outbox`,
		`VACUUM ANALYZE processed_updates`,
		`VACUUM ANALYZE job_runs`,
	} {
		if _, err := st.DB().ExecContext(ctx, q); err != nil {
			b.Fatalf("%.60s: %v", q, err)
		}
	}
}

// get scrapes /metrics once.
func get(b *testing.B, h http.Handler) {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != http.StatusOK {
		b.Fatalf("/metrics = %d", rec.Code)
	}
	_, _ = io.Copy(io.Discard, rec.Body)
}

// BenchmarkScrape1M scrapes /metrics over a million outbox rows and a
// million processed updates: with the cache expired before each scrape
// (cold: the database's counts read every time), one scraper at a time
// (within the cache's TTL), and 16 at once; then it times the first
// retention sweep of that history.
//
//	go run ./tools/testdb -- go test -run '^$' -bench Scrape1M ./metrics
func BenchmarkScrape1M(b *testing.B) {
	st := storetest.New(b)
	seedMillion(b, st)
	plan, err := store.ExplainMetricsCounts(context.Background(), st)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("the counts' plan:\n%s", strings.Join(plan, "\n"))
	clk := clock.NewFake(time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC))
	h := metrics.Handler(metrics.NewRegistry(metrics.Sources{Store: st, Clock: clk, Log: discard()}), metrics.HealthHandler(discard()))
	b.Run("cold", func(b *testing.B) { // every scrape reads the database
		for b.Loop() {
			clk.Advance(metrics.DefaultCacheTTL)
			get(b, h)
		}
	})
	b.Run("serial", func(b *testing.B) {
		for b.Loop() {
			get(b, h)
		}
	})
	b.Run("16-clients", func(b *testing.B) {
		b.SetParallelism(max(1, 16/runtime.GOMAXPROCS(0))) // goroutines = this × GOMAXPROCS
		var mu sync.Mutex
		var total time.Duration
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				start := time.Now()
				get(b, h)
				took := time.Since(start)
				mu.Lock()
				total += took
				mu.Unlock()
			}
		})
		b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/scrape")
	})

	// The first sweep of this history (everything is older than the
	// default ages but the pending and dead messages), then a cold scrape.
	start := time.Now()
	rep, err := st.Sweep(context.Background(), jobs.RetentionPolicy(config.Default().Retention), clk.Now().AddDate(1, 0, 0))
	if err != nil {
		b.Fatal(err)
	}
	swept := time.Since(start)
	clk.Advance(metrics.DefaultCacheTTL)
	start = time.Now()
	get(b, h)
	b.Logf("first sweep: %v in %d batches, %v; a cold scrape after it: %v", rep.Deleted, rep.Batches, swept.Round(time.Millisecond), time.Since(start).Round(time.Microsecond))
}

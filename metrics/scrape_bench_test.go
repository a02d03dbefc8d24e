package metrics_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"testing"
	"time"

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
// million processed updates: one scraper at a time, and 16 at once.
//
//	go run ./tools/testdb -- go test -run '^$' -bench Scrape1M ./metrics
func BenchmarkScrape1M(b *testing.B) {
	st := storetest.New(b)
	seedMillion(b, st)
	h := metrics.Handler(metrics.NewRegistry(metrics.Sources{Store: st, Log: discard()}), metrics.HealthHandler(discard()))
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
}

// Package metrics serves nhacviec's operational endpoints: /metrics in the
// Prometheus text format and /healthz.
//
// Counts kept in PostgreSQL (the outbox by status, job runs, processed
// Telegram updates) are read at scrape time, so every process reports the
// same totals; the delivery workers' in-memory counters (sends, failures,
// time spent sending) are per process.
package metrics

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/nhacviec/nhacviec/mail"
	"github.com/nhacviec/nhacviec/notify"
	"github.com/nhacviec/nhacviec/store"
)

// Sources are what the collector reads at scrape time.
type Sources struct {
	// Store is queried for the outbox, job runs and processed updates.
	Store *store.Store
	// Telegram returns the Telegram delivery worker's counters; nil when
	// this process does not deliver.
	Telegram func() notify.StatsSnapshot
	// Email returns the e-mail worker's counters; nil when e-mail is off.
	Email func() mail.StatsSnapshot
	// Log receives scrape-time query failures.
	Log *slog.Logger
}

// queryTimeout bounds the database queries of one scrape.
const queryTimeout = 5 * time.Second

// Collector is a prometheus.Collector of nhacviec's counts.
type Collector struct {
	src Sources

	up            *prometheus.Desc
	outbox        *prometheus.Desc
	emailOutbox   *prometheus.Desc
	remindPending *prometheus.Desc
	jobRuns       *prometheus.Desc
	jobMessages   *prometheus.Desc
	jobLast       *prometheus.Desc
	updates       *prometheus.Desc
	tgSent        *prometheus.Desc
	tgFailed      *prometheus.Desc
	tgDead        *prometheus.Desc
	tgRetried     *prometheus.Desc
	tgRateLimited *prometheus.Desc
	tgUnreachable *prometheus.Desc
	tgLatency     *prometheus.Desc
	mailSent      *prometheus.Desc
	mailFailed    *prometheus.Desc
	mailDead      *prometheus.Desc
	mailLatency   *prometheus.Desc
}

// NewCollector returns a collector reading src.
func NewCollector(src Sources) *Collector {
	d := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc("nhacviec_"+name, help, labels, nil)
	}
	return &Collector{
		src:           src,
		up:            d("database_up", "Whether the database answered the last scrape's queries (1) or not (0)."),
		outbox:        d("outbox_messages", "Telegram outbox rows by status: pending are queued, sent delivered, dead given up.", "status"),
		emailOutbox:   d("email_outbox_messages", "E-mail outbox rows by status.", "status"),
		remindPending: d("remind_batches_pending", "Reminder decisions (one batch per unit) not yet fanned out into outbox messages."),
		jobRuns:       d("job_runs_total", "Scheduled job runs recorded in the job ledger, by job and status.", "job", "status"),
		jobMessages:   d("job_messages_total", "Messages enqueued by finished job runs, by job.", "job"),
		jobLast:       d("job_last_success_timestamp_seconds", "When each job last finished successfully (Unix time).", "job"),
		updates:       d("telegram_updates_processed_total", "Inbound Telegram updates whose effects are committed."),
		tgSent:        d("telegram_messages_sent_total", "Messages this process delivered to Telegram."),
		tgFailed:      d("telegram_send_failures_total", "Failed Telegram send attempts of this process (any reason)."),
		tgDead:        d("telegram_messages_dead_total", "Messages this process gave up on."),
		tgRetried:     d("telegram_messages_retried_total", "Messages this process rescheduled after a transient failure."),
		tgRateLimited: d("telegram_rate_limited_total", "429 Too Many Requests answers from Telegram."),
		tgUnreachable: d("telegram_unreachable_total", "403 answers: the user blocked the bot."),
		tgLatency:     d("telegram_send_duration_seconds", "Time spent in successful Telegram sends."),
		mailSent:      d("email_sent_total", "E-mails this process handed to the SMTP server."),
		mailFailed:    d("email_send_failures_total", "Failed SMTP send attempts of this process."),
		mailDead:      d("email_dead_total", "E-mails this process gave up on."),
		mailLatency:   d("email_send_duration_seconds", "Time spent in successful SMTP sends."),
	}
}

// Describe sends every descriptor.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{
		c.up, c.outbox, c.emailOutbox, c.remindPending, c.jobRuns, c.jobMessages, c.jobLast, c.updates,
		c.tgSent, c.tgFailed, c.tgDead, c.tgRetried, c.tgRateLimited, c.tgUnreachable, c.tgLatency,
		c.mailSent, c.mailFailed, c.mailDead, c.mailLatency,
	} {
		ch <- d
	}
}

// Collect reads the database and the workers' counters.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	counter := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v, labels...)
	}
	if c.src.Store != nil {
		ctx, cancel := context.WithTimeout(context.Background(), queryTimeout)
		defer cancel()
		if err := c.collectStore(ctx, gauge, counter); err != nil {
			if c.src.Log != nil {
				c.src.Log.Warn("metrics: read database", "err", err)
			}
			gauge(c.up, 0)
		} else {
			gauge(c.up, 1)
		}
	}
	if c.src.Telegram != nil {
		s := c.src.Telegram()
		counter(c.tgSent, float64(s.Sent))
		counter(c.tgFailed, float64(s.Failed))
		counter(c.tgDead, float64(s.Dead))
		counter(c.tgRetried, float64(s.Retried))
		counter(c.tgRateLimited, float64(s.TooManyRequests))
		counter(c.tgUnreachable, float64(s.Unreachable))
		ch <- prometheus.MustNewConstSummary(c.tgLatency, uint64(s.Sent), s.SendLatency.Seconds(), nil)
	}
	if c.src.Email != nil {
		s := c.src.Email()
		counter(c.mailSent, float64(s.Sent))
		counter(c.mailFailed, float64(s.Failed))
		counter(c.mailDead, float64(s.Dead))
		ch <- prometheus.MustNewConstSummary(c.mailLatency, uint64(s.Sent), s.SendLatency.Seconds(), nil)
	}
}

// collectStore emits the counts kept in the database; it emits nothing
// when a query fails.
func (c *Collector) collectStore(ctx context.Context, gauge, counter func(*prometheus.Desc, float64, ...string)) error {
	st := c.src.Store
	outbox, err := st.OutboxCounts(ctx)
	if err != nil {
		return err
	}
	email, err := st.EmailCounts(ctx)
	if err != nil {
		return err
	}
	var runs []struct {
		Job      string `db:"job"`
		Status   string `db:"status"`
		Runs     int64  `db:"runs"`
		Messages int64  `db:"messages"`
	}
	err = st.DB().SelectContext(ctx, &runs, `
		SELECT job, status, count(*) AS runs, COALESCE(sum(messages), 0) AS messages
		FROM job_runs
		GROUP BY job, status
		ORDER BY job, status`)
	if err != nil {
		return err
	}
	var last []struct {
		Job string    `db:"job"`
		At  time.Time `db:"at"`
	}
	err = st.DB().SelectContext(ctx, &last, `
		SELECT job, max(finished_at) AS at
		FROM job_runs
		WHERE status = 'done' AND finished_at IS NOT NULL
		GROUP BY job
		ORDER BY job`)
	if err != nil {
		return err
	}
	var updates int64
	if err := st.DB().GetContext(ctx, &updates, `SELECT count(*) FROM processed_updates`); err != nil {
		return err
	}
	pending, err := store.PendingRemindBatches(ctx, st.DB())
	if err != nil {
		return err
	}
	gauge(c.remindPending, float64(pending))

	for _, s := range []struct {
		name string
		n    int
	}{{store.OutboxPending, outbox.Pending}, {store.OutboxSent, outbox.Sent}, {store.OutboxDead, outbox.Dead}} {
		gauge(c.outbox, float64(s.n), s.name)
	}
	for _, s := range []struct {
		name string
		n    int
	}{{store.OutboxPending, email.Pending}, {store.OutboxSent, email.Sent}, {store.OutboxDead, email.Dead}} {
		gauge(c.emailOutbox, float64(s.n), s.name)
	}
	messages := map[string]int64{}
	var jobs []string
	for _, r := range runs {
		counter(c.jobRuns, float64(r.Runs), r.Job, r.Status)
		if _, ok := messages[r.Job]; !ok {
			jobs = append(jobs, r.Job)
		}
		messages[r.Job] += r.Messages
	}
	for _, j := range jobs {
		counter(c.jobMessages, float64(messages[j]), j)
	}
	for _, l := range last {
		gauge(c.jobLast, float64(l.At.UnixNano())/1e9, l.Job)
	}
	counter(c.updates, float64(updates))
	return nil
}

// NewRegistry returns a registry with the collector of src and the Go
// runtime and process collectors.
func NewRegistry(src Sources) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(
		NewCollector(src),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return reg
}

// Handler returns the mux of the operational endpoints: /metrics for reg
// and /healthz for health.
func Handler(reg *prometheus.Registry, health http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError}))
	mux.Handle("GET /healthz", health)
	return mux
}

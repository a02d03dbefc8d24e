// Package metrics serves nhacviec's operational endpoints: /metrics in the
// Prometheus text format and /healthz.
//
// Counts kept in PostgreSQL (the outbox by status, job runs, processed
// Telegram updates, rows deleted by retention) are read from the database,
// so every process reports the same totals, at most once per
// Sources.CacheTTL and by one scrape at a time, with queries that read no
// sent message (store.Store.MetricsCounts); the delivery workers'
// in-memory counters (sends, failures, time spent sending) are per
// process.
package metrics

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/pprof"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/nhacviec/nhacviec/clock"
	"github.com/nhacviec/nhacviec/delivery"
	"github.com/nhacviec/nhacviec/store"
)

// Sources are what the collector reads at scrape time.
type Sources struct {
	// Store is queried for the outbox, job runs and processed updates
	// (store.Store.MetricsCounts), at most once per CacheTTL.
	Store *store.Store
	// Counts, when set, replaces Store.MetricsCounts (to wrap or observe
	// it).
	Counts func(ctx context.Context) (store.MetricsCounts, error)
	// CacheTTL is how long the database's counts are reused; 0 means
	// DefaultCacheTTL.
	CacheTTL time.Duration
	// Clock times the cache; nil means the real clock.
	Clock clock.Clock
	// Telegram returns the counters of the delivery worker's Telegram
	// lanes, one per bot (config telegram.bots; DefaultBot is
	// telegram.token's), reported under the label bot; nil when this
	// process does not deliver.
	Telegram func() []BotStats
	// Email returns the counters of its e-mail lane; nil when e-mail is
	// off.
	Email func() delivery.StatsSnapshot
	// Zalo returns the counters of its Zalo lane; nil when Zalo is off.
	Zalo func() delivery.StatsSnapshot
	// Log receives scrape-time query failures.
	Log *slog.Logger
}

// BotStats are the counters of one Telegram bot's delivery lane.
type BotStats struct {
	Bot   string // the bot's name in telegram.bots, or store.DefaultBot
	Stats delivery.StatsSnapshot
}

// queryTimeout bounds the database queries of one scrape.
const queryTimeout = 5 * time.Second

// DefaultCacheTTL is how long a read of the database's counts serves
// scrapes: Prometheus scrapes every 15 s or more, and several scrapers
// (replicas of Prometheus, a dashboard, an agent) share one read.
const DefaultCacheTTL = 10 * time.Second

// Collector is a prometheus.Collector of nhacviec's counts.
type Collector struct {
	src  Sources
	read func(ctx context.Context) (store.MetricsCounts, error)
	clk  clock.Clock
	ttl  time.Duration

	mu      sync.Mutex // held while the counts are read: one read at a time
	readAt  time.Time  // when last read; zero before the first read
	last    store.MetricsCounts
	lastErr error

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
	tgDown        *prometheus.Desc
	mailSent      *prometheus.Desc
	mailFailed    *prometheus.Desc
	mailDead      *prometheus.Desc
	mailLatency   *prometheus.Desc
	swept         *prometheus.Desc

	zaloOutbox, zaloUpdates, zaloSent, zaloFailed, zaloDead, zaloRetried, zaloLimited, zaloLatency, zaloDown *prometheus.Desc
}

// NewCollector returns a collector reading src.
func NewCollector(src Sources) *Collector {
	d := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc("nhacviec_"+name, help, labels, nil)
	}
	c := &Collector{
		src:           src,
		read:          src.Counts,
		clk:           src.Clock,
		ttl:           src.CacheTTL,
		up:            d("database_up", "Whether the database answered the last read of its counts (1) or not (0); counts are read at most every few seconds."),
		outbox:        d("outbox_messages", "Telegram outbox rows by status: pending are queued, sent delivered (an estimate), dead given up; old sent and dead rows are deleted by retention.", "status"),
		emailOutbox:   d("email_outbox_messages", "E-mail outbox rows by status (sent is an estimate).", "status"),
		remindPending: d("remind_batches_pending", "Reminder decisions (one batch per unit) not yet fanned out into outbox messages."),
		jobRuns:       d("job_runs_total", "Scheduled job runs recorded in the job ledger, by job and status.", "job", "status"),
		jobMessages:   d("job_messages_total", "Messages enqueued by finished job runs, by job.", "job"),
		jobLast:       d("job_last_success_timestamp_seconds", "When each job last finished successfully (Unix time).", "job"),
		updates:       d("telegram_updates_processed_total", "Inbound Telegram updates whose effects are committed."),
		tgSent:        d("telegram_messages_sent_total", "Messages this process delivered to Telegram, by bot (telegram.bots; default is telegram.token's).", "bot"),
		tgFailed:      d("telegram_send_failures_total", "Failed Telegram send attempts of this process (any reason).", "bot"),
		tgDead:        d("telegram_messages_dead_total", "Messages this process gave up on.", "bot"),
		tgRetried:     d("telegram_messages_retried_total", "Messages this process rescheduled after a transient failure.", "bot"),
		tgRateLimited: d("telegram_rate_limited_total", "429 Too Many Requests answers from Telegram.", "bot"),
		tgUnreachable: d("telegram_unreachable_total", "403 answers: the user blocked the bot.", "bot"),
		tgLatency:     d("telegram_send_duration_seconds", "Time spent in successful Telegram sends.", "bot"),
		tgDown:        d("telegram_down", "1 while Telegram does not answer this process for the bot (a send and getMe failed, or the token is refused): its messages wait, none is given up; 0 once a send goes through.", "bot"),
		mailSent:      d("email_sent_total", "E-mails this process handed to the SMTP server."),
		mailFailed:    d("email_send_failures_total", "Failed SMTP send attempts of this process."),
		mailDead:      d("email_dead_total", "E-mails this process gave up on."),
		mailLatency:   d("email_send_duration_seconds", "Time spent in successful SMTP sends."),
		zaloOutbox:    d("zalo_outbox_messages", "Zalo outbox rows by status.", "status"),
		zaloUpdates:   d("zalo_updates_processed_total", "Inbound Zalo events whose effects are committed (those retention still remembers)."),
		zaloSent:      d("zalo_messages_sent_total", "Messages this process delivered to Zalo (a message split into parts counts once)."),
		zaloFailed:    d("zalo_send_failures_total", "Failed Zalo send attempts of this process (any reason)."),
		zaloDead:      d("zalo_messages_dead_total", "Zalo messages this process gave up on."),
		zaloRetried:   d("zalo_messages_retried_total", "Zalo messages this process rescheduled after a transient failure."),
		zaloLimited:   d("zalo_rate_limited_total", "429 (quota exceeded) answers from the Zalo platform."),
		zaloLatency:   d("zalo_send_duration_seconds", "Time spent in successful Zalo sends."),
		zaloDown:      d("zalo_down", "1 while the Zalo platform does not answer this process or refuses its token: Zalo messages wait, none is given up."),
		swept:         d("retention_deleted_rows_total", "Rows the retention sweeper deleted, by kind (outbox_sent, outbox_dead, processed_updates, ...).", "kind"),
	}
	if c.read == nil && src.Store != nil {
		c.read = src.Store.MetricsCounts
	}
	if c.clk == nil {
		c.clk = clock.Real{}
	}
	if c.ttl <= 0 {
		c.ttl = DefaultCacheTTL
	}
	return c
}

// Describe sends every descriptor.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{
		c.up, c.outbox, c.emailOutbox, c.remindPending, c.jobRuns, c.jobMessages, c.jobLast, c.updates,
		c.tgSent, c.tgFailed, c.tgDead, c.tgRetried, c.tgRateLimited, c.tgUnreachable, c.tgLatency, c.tgDown,
		c.mailSent, c.mailFailed, c.mailDead, c.mailLatency, c.swept,
		c.zaloOutbox, c.zaloUpdates, c.zaloSent, c.zaloFailed, c.zaloDead, c.zaloRetried, c.zaloLimited, c.zaloLatency, c.zaloDown,
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
	if c.read != nil {
		if err := c.collectStore(gauge, counter); err != nil {
			if c.src.Log != nil {
				c.src.Log.Warn("metrics: read database", "err", err)
			}
			gauge(c.up, 0)
		} else {
			gauge(c.up, 1)
		}
	}
	if c.src.Telegram != nil {
		for _, b := range c.src.Telegram() {
			collectLane(ch, b.Stats, laneDescs{c.tgSent, c.tgFailed, c.tgDead, c.tgRetried, c.tgRateLimited, c.tgUnreachable, c.tgDown, c.tgLatency}, b.Bot)
		}
	}
	if c.src.Zalo != nil {
		collectLane(ch, c.src.Zalo(), laneDescs{c.zaloSent, c.zaloFailed, c.zaloDead, c.zaloRetried, c.zaloLimited, nil, c.zaloDown, c.zaloLatency})
	}
	if c.src.Email != nil {
		s := c.src.Email()
		counter(c.mailSent, float64(s.Sent))
		counter(c.mailFailed, float64(s.Failed))
		counter(c.mailDead, float64(s.Dead))
		ch <- prometheus.MustNewConstSummary(c.mailLatency, uint64(s.Sent), s.SendLatency.Seconds(), nil)
	}
}

// laneDescs are the descriptors of a messenger lane's counters;
// unreachable is nil for a channel that never reports it.
type laneDescs struct {
	sent, failed, dead, retried, limited, unreachable, down, latency *prometheus.Desc
}

// collectLane emits a messenger lane's counters, with the values of the
// descriptors' labels (a Telegram lane's bot).
func collectLane(ch chan<- prometheus.Metric, s delivery.StatsSnapshot, d laneDescs, labels ...string) {
	counter := func(desc *prometheus.Desc, v int64) {
		ch <- prometheus.MustNewConstMetric(desc, prometheus.CounterValue, float64(v), labels...)
	}
	counter(d.sent, s.Sent)
	counter(d.failed, s.Failed)
	counter(d.dead, s.Dead)
	counter(d.retried, s.Retried)
	counter(d.limited, s.TooManyRequests)
	if d.unreachable != nil {
		counter(d.unreachable, s.Unreachable)
	}
	down := 0.0
	if s.Down {
		down = 1
	}
	ch <- prometheus.MustNewConstMetric(d.down, prometheus.GaugeValue, down, labels...)
	ch <- prometheus.MustNewConstSummary(d.latency, uint64(s.Sent), s.SendLatency.Seconds(), nil, labels...)
}

// collectStore emits the counts kept in the database; it emits nothing
// when reading them fails.
func (c *Collector) collectStore(gauge, counter func(*prometheus.Desc, float64, ...string)) error {
	m, err := c.counts()
	if err != nil {
		return err
	}
	gauge(c.remindPending, float64(m.RemindPending))
	for _, s := range []struct {
		name string
		n    int
	}{{store.OutboxPending, m.Outbox.Pending}, {store.OutboxSent, m.Outbox.Sent}, {store.OutboxDead, m.Outbox.Dead}} {
		gauge(c.outbox, float64(s.n), s.name)
	}
	for _, s := range []struct {
		name string
		n    int
	}{{store.OutboxPending, m.Email.Pending}, {store.OutboxSent, m.Email.Sent}, {store.OutboxDead, m.Email.Dead}} {
		gauge(c.emailOutbox, float64(s.n), s.name)
	}
	messages := map[string]int64{}
	var jobs []string
	for _, r := range m.JobRuns {
		counter(c.jobRuns, float64(r.Runs), r.Job, r.Status)
		if _, ok := messages[r.Job]; !ok {
			jobs = append(jobs, r.Job)
		}
		messages[r.Job] += r.Messages
		if r.LastDone != nil {
			gauge(c.jobLast, float64(r.LastDone.UnixNano())/1e9, r.Job)
		}
	}
	for _, j := range jobs {
		counter(c.jobMessages, float64(messages[j]), j)
	}
	counter(c.updates, float64(m.UpdatesProcessed))
	if c.src.Zalo != nil {
		for _, s := range []struct {
			name string
			n    int
		}{{store.OutboxPending, m.Zalo.Pending}, {store.OutboxSent, m.Zalo.Sent}, {store.OutboxDead, m.Zalo.Dead}} {
			gauge(c.zaloOutbox, float64(s.n), s.name)
		}
		counter(c.zaloUpdates, float64(m.ZaloUpdatesProcessed))
	}
	names := make([]string, 0, len(m.Deleted))
	for name := range m.Deleted {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		counter(c.swept, float64(m.Deleted[name]), name)
	}
	return nil
}

// counts returns the database's counts, read at most once per cache TTL:
// the first scrape after the TTL reads them, scrapes arriving meanwhile
// wait for that read and share it (so 16 concurrent scrapers cause one
// read), and later ones within the TTL get the same answer, a failure
// included.
func (c *Collector) counts() (store.MetricsCounts, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.clk.Now()
	if age := now.Sub(c.readAt); !c.readAt.IsZero() && age >= 0 && age < c.ttl {
		return c.last, c.lastErr
	}
	ctx, cancel := context.WithTimeout(context.Background(), queryTimeout)
	defer cancel()
	c.last, c.lastErr = c.read(ctx)
	c.readAt = now
	return c.last, c.lastErr
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

// PprofEnv is the environment variable that, set to 1, adds the Go
// runtime's profiles (net/http/pprof: /debug/pprof/heap, /profile, …) to
// the operational endpoints. It is off by default: a profile shows the
// process's code paths and takes CPU to produce. The benchmark of serve
// sets it to take heap profiles idle and under the morning burst.
const PprofEnv = "NHACVIEC_PPROF"

// Handler returns the mux of the operational endpoints: /metrics for reg
// and /healthz for health, and /debug/pprof/ when PprofEnv is 1.
func Handler(reg *prometheus.Registry, health http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError}))
	mux.Handle("GET /healthz", health)
	if os.Getenv(PprofEnv) == "1" {
		mux.HandleFunc("GET /debug/pprof/", pprof.Index)
		mux.HandleFunc("GET /debug/pprof/cmdline", pprof.Cmdline)
		mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	}
	return mux
}

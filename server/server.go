// Package server runs nhacviec's long-lived parts together — the
// scheduler, the outbox delivery worker (Telegram's lane, and e-mail's
// when email.smtp_addr is set), the Telegram bot (polling or webhook) and the
// /healthz and /metrics server when http.listen is set — with a graceful
// shutdown. `nhacviec serve` and the demo use it.
package server

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/nhacviec/nhacviec/app"
	"github.com/nhacviec/nhacviec/bot"
	"github.com/nhacviec/nhacviec/callback"
	"github.com/nhacviec/nhacviec/channel"
	"github.com/nhacviec/nhacviec/config"
	"github.com/nhacviec/nhacviec/delivery"
	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/jobs"
	"github.com/nhacviec/nhacviec/mail"
	"github.com/nhacviec/nhacviec/metrics"
	"github.com/nhacviec/nhacviec/publish"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/telegram"
	"github.com/nhacviec/nhacviec/zalo"
)

// Server is everything `nhacviec serve` runs: the scheduler, the delivery
// worker and the Telegram bot. The demo builds the same Server with a fake
// clock and a fake Telegram endpoint.
type Server struct {
	app       *app.App
	scheduler *jobs.Scheduler
	delivery  *delivery.Worker
	// bots are the Telegram bots, the default bot (telegram.token) first,
	// then those of telegram.bots; each has its own lane of delivery.
	bots   []*tgBot
	hooks  *webhooks      // the webhook router, in webhook mode
	worker *delivery.Lane // the default bot's lane of delivery
	mail   *delivery.Lane // e-mail's lane of delivery; nil unless email.smtp_addr is set
	opts   Options
	signer *callback.Signer

	// The Zalo channel, all nil unless zalo.token is set.
	zalo       *botState
	zaloAPI    *zalo.Client
	zaloChats  *store.ZaloChats
	zaloSender *zalo.Sender
	zaloLane   *delivery.Lane
	// publisher publishes files at http.public_url; nil when it is not set.
	publisher *publish.Publisher
}

// Options adjust a Server; the zero value is what `serve` uses.
type Options struct {
	// Stdout receives messages in telegram.mode console.
	Stdout io.Writer
	// Scheduler options (the demo's clock hooks).
	Scheduler []jobs.Option
	// Worker overrides the delivery options derived from the config.
	Worker *delivery.Options
	// ZaloWorker overrides the options of the Zalo lane (the demo's pace).
	ZaloWorker *delivery.Options
	// PollTimeout overrides the bot's long-poll timeout.
	PollTimeout time.Duration
	// GetMeRetry is the wait after the first failed getMe at start,
	// doubled after each further failure up to GetMeMaxRetry; defaults
	// 2 s and 1 min.
	GetMeRetry    time.Duration
	GetMeMaxRetry time.Duration
	// HTTPLimits overrides the limits of both HTTP servers (webhook and
	// /healthz + /metrics); nil uses WebhookLimits and OpsLimits.
	HTTPLimits *HTTPLimits
}

// Scheduler returns the scheduler.
func (s *Server) Scheduler() *jobs.Scheduler { return s.scheduler }

// Worker returns the delivery worker's Telegram lane of the default bot
// (BotLane gives the others').
func (s *Server) Worker() *delivery.Lane { return s.worker }

// Bot returns the default bot once Telegram has answered its getMe; nil
// before and in console mode (BotNamed gives the others).
func (s *Server) Bot() *bot.Bot { return s.BotNamed(config.DefaultBot) }

// Mail returns the delivery worker's e-mail lane, nil when e-mail is not
// configured.
func (s *Server) Mail() *delivery.Lane { return s.mail }

// New wires the scheduler, the delivery worker and the bot of a. It asks
// nothing of Telegram: Run does, in the background, so that the jobs run
// while Telegram is unreachable. Without a token it fails unless
// telegram.mode is console.
func New(ctx context.Context, a *app.App, opts Options) (*Server, error) {
	cfg := a.Cfg
	if err := cfg.ValidateServe(); err != nil {
		return nil, err
	}
	sched, err := jobs.New(a.Store, cfg, a.Clock, a.Log, opts.Scheduler...)
	if err != nil {
		return nil, err
	}
	lang, _ := i18n.ParseLang(cfg.Language)
	s := &Server{app: a, scheduler: sched, opts: opts, bots: telegramBots(cfg.Telegram)}
	var console channel.Sender
	if cfg.Telegram.Mode == "console" {
		a.Log.Warn("telegram.mode is console: messages are printed to standard output, not sent, and the bot does not run")
		stdout := opts.Stdout
		if stdout == nil {
			stdout = os.Stdout
		}
		console = telegram.NewConsoleSender(stdout)
	} else {
		signer, err := callback.Load(ctx, a.Store, a.Clock, cfg.Telegram.ButtonMaxAge)
		if err != nil {
			return nil, err
		}
		s.signer = signer
		s.hooks = newWebhooks(s.bots)
	}
	var lanes []*delivery.Lane
	for _, b := range s.bots {
		sender := console
		if sender == nil {
			token := cfg.Telegram.Token
			if c, ok := cfg.Telegram.BotOf(b.name); ok {
				token = c.Token
			}
			api, err := newTelegramAPI(cfg.Telegram, token)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", b.tokenKey, err)
			}
			b.api = api
			b.state = newBotState("Telegram", "") // describeBotError says what to check
			sender = telegram.NewSender(api)
		}
		b.lane = delivery.NewLane(a.Store, sender, a.Clock, a.Log, s.laneOptions(b, lang))
		lanes = append(lanes, b.lane)
	}
	s.worker = s.bots[0].lane
	if cfg.HTTP.PublicURL != "" {
		pub, err := publish.New(a.Store, cfg.HTTP.PublicURL, cfg.HTTP.PublishTTL, a.Clock)
		if err != nil {
			return nil, fmt.Errorf("http.public_url: %w", err)
		}
		s.publisher = pub
	}
	if cfg.Zalo.Enabled() {
		if s.signer == nil {
			signer, err := callback.Load(ctx, a.Store, a.Clock, cfg.Telegram.ButtonMaxAge)
			if err != nil {
				return nil, err
			}
			s.signer = signer
		}
		s.newZalo(lang)
		lanes = append(lanes, s.zaloLane)
	}
	if cfg.Email.Enabled() {
		smtp, err := mail.NewSMTPSender(mail.SMTPConfig{
			Addr:     cfg.Email.SMTPAddr,
			Username: cfg.Email.Username,
			Password: cfg.Email.Password,
			StartTLS: cfg.Email.StartTLS,
		})
		if err != nil {
			return nil, err
		}
		s.mail = delivery.NewLane(a.Store, mail.NewSender(smtp, cfg.Email.From, a.Clock), a.Clock, a.Log,
			mail.LaneOptions(delivery.Options{Language: lang}))
		lanes = append(lanes, s.mail)
		a.Log.Info("e-mail copies enabled", "smtp", cfg.Email.SMTPAddr, "digest_to", len(cfg.Email.DigestTo))
	}
	s.delivery, err = delivery.NewWorker(lanes...)
	if err != nil {
		return nil, err
	}
	// Each Telegram bot's lane waits for that bot's first answer: while
	// Telegram is unreachable at start, messages stay pending rather than
	// use up their attempts. The other lanes go on.
	s.holdTelegram()
	if s.zalo != nil {
		// Likewise Zalo's lane waits for the platform's first answer.
		s.delivery.Hold(channel.Zalo, s.zalo.readyChan())
	}
	return s, nil
}

// Run runs every part until ctx is done, then stops them: the scheduler
// and the bot stop taking new work, the worker finishes the sends in
// flight. If a part fails, the others are stopped and its error returned.
func (s *Server) Run(ctx context.Context) error {
	return s.run(ctx, true)
}

// RunDelivery runs the delivery worker and the bot but not the scheduler:
// the demo drives the scheduler itself, instant by instant.
func (s *Server) RunDelivery(ctx context.Context) error {
	return s.run(ctx, false)
}

func (s *Server) run(ctx context.Context, withScheduler bool) error {
	cfg := s.app.Cfg
	log := s.app.Log
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	errc := make(chan error, 8+len(s.bots))
	start := func(name string, fn func(context.Context) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := fn(ctx); err != nil {
				errc <- fmt.Errorf("%s: %w", name, err)
			}
		}()
	}
	if err := s.assignBots(ctx); err != nil {
		if ctx.Err() != nil {
			return nil // stopped while starting
		}
		return err
	}
	if withScheduler {
		start("scheduler", s.scheduler.Run)
	}
	start("delivery", s.delivery.Run)
	for _, b := range s.bots {
		if b.api != nil {
			name := "telegram"
			if b.name != config.DefaultBot {
				name += ":" + b.name
			}
			start(name, func(ctx context.Context) error { return s.runTelegram(ctx, b) })
		}
	}
	if len(s.bots) > 1 {
		start("bots", s.runBots)
	}
	if s.hooks != nil && cfg.Telegram.Mode == "webhook" {
		start("webhook", s.serveWebhooks)
	}
	if s.zalo != nil {
		start("zalo", s.runZalo)
	}
	if cfg.HTTP.Listen != "" {
		start("http", s.serveOps)
	}
	log.Info("nhacviec serving", "jobs", s.scheduler.Jobs())
	var runErr error
	select {
	case <-ctx.Done():
	case runErr = <-errc:
		log.Error("a part of the service stopped; shutting down", "err", runErr)
		cancel()
	}
	wg.Wait()
	log.Info("nhacviec stopped")
	return runErr
}

// botConfig is the bot's configuration for a channel whose bot has the
// username (Telegram's, from getMe; "" accepts a command addressed to
// any).
func (s *Server) botConfig(username string) bot.BotConfig {
	cfg := s.app.Cfg
	lang, _ := i18n.ParseLang(cfg.Language)
	return bot.BotConfig{
		Language:    lang,
		Location:    s.app.Loc,
		Cutoff:      cfg.Cutoff(),
		BotUsername: username,
		Signer:      s.signer,
		Calendar:    s.app.Calendar,
		Limits: bot.Limits{
			ChatBurst:     cfg.Limits.ChatBurst,
			ChatEvery:     cfg.Limits.ChatEvery,
			UnlinkedEvery: cfg.Limits.UnlinkedEvery,
			NoticeEvery:   cfg.Limits.NoticeEvery,
			AnswerCache:   cfg.Limits.AnswerCache,
		},
	}
}

// untilAnswered calls getMe (each call bounded by getMeTimeout) until it
// succeeds, waiting between calls from Options.GetMeRetry, doubled up to
// Options.GetMeMaxRetry (defaults 2 s and 1 min). After each failure it
// calls failed with the error, the attempt and the wait before the next;
// failed returning true gives up. It reports whether getMe answered: false
// when ctx ended or failed gave up.
func (s *Server) untilAnswered(ctx context.Context, getMe func(context.Context) error, failed func(err error, attempt int, wait time.Duration) (giveUp bool)) bool {
	base, max := s.opts.GetMeRetry, s.opts.GetMeMaxRetry
	if base <= 0 {
		base = 2 * time.Second
	}
	if max <= 0 {
		max = time.Minute
	}
	if max < base {
		max = base
	}
	for attempt := 1; ; attempt++ {
		callCtx, cancel := context.WithTimeout(ctx, getMeTimeout)
		err := getMe(callCtx)
		cancel()
		if ctx.Err() != nil {
			return false
		}
		if err == nil {
			return true
		}
		wait := delivery.Backoff(attempt, base, max)
		if failed(err, attempt, wait) {
			return false
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return false
		case <-t.C:
		}
	}
}

// getMeTimeout bounds one getMe call.
const getMeTimeout = 15 * time.Second

// limits returns def, or the limits of Options.HTTPLimits when set.
func (s *Server) limits(def HTTPLimits) HTTPLimits {
	if s.opts.HTTPLimits != nil {
		return *s.opts.HTTPLimits
	}
	return def
}

// telegramCheckTTL is how long a getMe answer stands for /healthz.
const telegramCheckTTL = 30 * time.Second

// OpsHandler returns the handler of /healthz and /metrics: the database
// must answer a ping (else 503); Telegram, unless in console mode, is
// reported "ok" or "unreachable" with its cause, which degrades the
// service but keeps the answer 200 (the jobs run and messages wait; a
// restart would not bring Telegram back). Until Telegram first answers,
// the cause is that of the last getMe of the start; then getMe is asked
// at most every 30 s. Zalo, when configured, has a check of its own. With
// http.public_url set it also serves the files published for Zalo at
// /f/<token>.
func (s *Server) OpsHandler() http.Handler {
	a := s.app
	src := metrics.Sources{Store: a.Store, Telegram: s.telegramStats, Log: a.Log}
	if s.mail != nil {
		src.Email = s.mail.Stats().Snapshot
	}
	if s.zaloLane != nil {
		src.Zalo = s.zaloLane.Stats().Snapshot
	}
	checks := []metrics.Check{{
		Name: "database",
		Func: func(ctx context.Context) error { return a.Store.Ping(ctx) },
	}}
	checks = append(checks, s.telegramChecks()...)
	if s.zalo != nil {
		checks = append(checks, metrics.Check{Name: "zalo", Degrades: true, Func: s.zaloHealth()})
	}
	h := metrics.Handler(metrics.NewRegistry(src), metrics.HealthHandler(a.Log, checks...))
	if s.publisher == nil {
		return h
	}
	// The files published for Zalo are served beside them, under /f/;
	// the reverse proxy at http.public_url forwards only that path.
	mux := http.NewServeMux()
	mux.Handle(publish.Prefix, publish.Handler(a.Store, a.Clock))
	mux.Handle("/", h)
	return mux
}

// serveOps serves /healthz and /metrics on http.listen until ctx is done.
func (s *Server) serveOps(ctx context.Context) error {
	lim := s.limits(OpsLimits())
	ln, err := listenHTTP(s.app.Cfg.HTTP.Listen, lim)
	if err != nil {
		return err
	}
	s.app.Log.Info("serving /healthz and /metrics", "listen", ln.Addr().String())
	return serveHTTP(ctx, s.app.Log, "http", ln, s.OpsHandler(), lim)
}

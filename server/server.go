// Package server runs nhacviec's long-lived parts together — the
// scheduler, the outbox delivery worker, the Telegram bot (polling or
// webhook), the e-mail worker when email.smtp_addr is set and the
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

	tgbot "github.com/go-telegram/bot"

	"github.com/nhacviec/nhacviec/app"
	"github.com/nhacviec/nhacviec/bot"
	"github.com/nhacviec/nhacviec/callback"
	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/jobs"
	"github.com/nhacviec/nhacviec/mail"
	"github.com/nhacviec/nhacviec/metrics"
	"github.com/nhacviec/nhacviec/notify"
)

// Server is everything `nhacviec serve` runs: the scheduler, the delivery
// worker and the Telegram bot. The demo builds the same Server with a fake
// clock and a fake Telegram endpoint.
type Server struct {
	app       *app.App
	scheduler *jobs.Scheduler
	worker    *notify.Worker
	bot       *bot.Bot     // nil without a token
	api       *tgbot.Bot   // nil without a token
	mail      *mail.Worker // nil unless email.smtp_addr is set
}

// Options adjust a Server; the zero value is what `serve` uses.
type Options struct {
	// Stdout receives messages when no token is configured (console sender).
	Stdout io.Writer
	// Scheduler options (the demo's clock hooks).
	Scheduler []jobs.Option
	// Worker overrides the delivery options derived from the config.
	Worker *notify.Options
	// PollTimeout overrides the bot's long-poll timeout.
	PollTimeout time.Duration
}

// Scheduler returns the scheduler.
func (s *Server) Scheduler() *jobs.Scheduler { return s.scheduler }

// Worker returns the delivery worker.
func (s *Server) Worker() *notify.Worker { return s.worker }

// Bot returns the bot, nil when no token is configured.
func (s *Server) Bot() *bot.Bot { return s.bot }

// Mail returns the e-mail worker, nil when e-mail is not configured.
func (s *Server) Mail() *mail.Worker { return s.mail }

// New wires the scheduler, the delivery worker and the bot of a.
func New(ctx context.Context, a *app.App, opts Options) (*Server, error) {
	cfg := a.Cfg
	sched, err := jobs.New(a.Store, cfg, a.Clock, a.Log, opts.Scheduler...)
	if err != nil {
		return nil, err
	}
	lang, _ := i18n.ParseLang(cfg.Language)
	s := &Server{app: a, scheduler: sched}
	var sender notify.Sender
	if cfg.Telegram.Token == "" {
		a.Log.Warn("telegram.token is empty: messages are printed to standard output and the bot does not run")
		stdout := opts.Stdout
		if stdout == nil {
			stdout = os.Stdout
		}
		sender = notify.NewConsoleSender(stdout)
	} else {
		api, err := tgbot.New(cfg.Telegram.Token,
			tgbot.WithServerURL(cfg.Telegram.APIURL),
			tgbot.WithSkipGetMe(),
			tgbot.WithHTTPClient(time.Minute, &http.Client{Timeout: 90 * time.Second}))
		if err != nil {
			return nil, fmt.Errorf("telegram: %w", err)
		}
		meCtx, cancel := context.WithTimeout(ctx, 15*time.Second)
		me, err := api.GetMe(meCtx)
		cancel()
		if err != nil {
			return nil, fmt.Errorf("telegram: getMe (is telegram.token right?): %w", err)
		}
		key, err := a.Store.CallbackKey(ctx)
		if err != nil {
			return nil, err
		}
		sender = notify.NewTelegramSender(api)
		s.api = api
		s.bot = bot.New(a.Store, api, bot.BotConfig{
			Language:      lang,
			Location:      a.Loc,
			Cutoff:        cfg.Cutoff(),
			BotUsername:   me.Username,
			APIURL:        cfg.Telegram.APIURL,
			WebhookSecret: cfg.Telegram.WebhookSecret,
			Signer:        callback.NewSigner(key),
			PollTimeout:   opts.PollTimeout,
		}, a.Clock, a.Log)
		a.Log.Info("telegram bot ready", "username", me.Username, "mode", cfg.Telegram.Mode)
	}
	wopts := notify.Options{RatePerSecond: cfg.Telegram.RatePerSecond, MaxInFlight: cfg.Telegram.MaxInFlight,
		ScheduledShare: notify.ScheduledShare(cfg.Telegram.ScheduledShare), Language: lang}
	if opts.Worker != nil {
		wopts = *opts.Worker
	}
	s.worker = notify.NewWorker(a.Store, sender, a.Clock, a.Log, wopts)
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
		s.mail = mail.NewWorker(a.Store, smtp, a.Clock, a.Log, mail.Options{From: cfg.Email.From})
		a.Log.Info("e-mail copies enabled", "smtp", cfg.Email.SMTPAddr, "digest_to", len(cfg.Email.DigestTo))
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
	errc := make(chan error, 8)
	start := func(name string, fn func(context.Context) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := fn(ctx); err != nil {
				errc <- fmt.Errorf("%s: %w", name, err)
			}
		}()
	}
	if withScheduler {
		start("scheduler", s.scheduler.Run)
	}
	start("delivery", s.worker.Run)
	if s.mail != nil {
		start("email", s.mail.Run)
	}
	if cfg.HTTP.Listen != "" {
		start("http", s.serveOps)
	}
	if s.bot != nil {
		if cfg.Telegram.Mode == "webhook" {
			start("webhook", s.serveWebhook)
		} else {
			start("bot", s.bot.Poll)
		}
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

// serveWebhook registers the webhook with Telegram and serves it until ctx
// is done.
func (s *Server) serveWebhook(ctx context.Context) error {
	cfg := s.app.Cfg.Telegram
	if err := s.bot.SetWebhook(ctx, cfg.WebhookURL); err != nil {
		return err
	}
	srv := &http.Server{
		Addr:              cfg.WebhookListen,
		Handler:           s.bot.WebhookHandler(),
		ReadHeaderTimeout: 10 * time.Second,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	select {
	case err := <-errc:
		return fmt.Errorf("listen %s: %w", cfg.WebhookListen, err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}

// telegramCheckTTL is how long a getMe answer stands for /healthz.
const telegramCheckTTL = 30 * time.Second

// OpsHandler returns the handler of /healthz and /metrics: the database
// must answer a ping and, with a token, Telegram must answer getMe (asked
// at most every 30 s).
func (s *Server) OpsHandler() http.Handler {
	a := s.app
	src := metrics.Sources{Store: a.Store, Telegram: s.worker.Stats().Snapshot, Log: a.Log}
	if s.mail != nil {
		src.Email = s.mail.Stats().Snapshot
	}
	checks := []metrics.Check{{
		Name: "database",
		Func: func(ctx context.Context) error { return a.Store.DB().PingContext(ctx) },
	}}
	if s.api != nil {
		api := s.api
		checks = append(checks, metrics.Check{
			Name: "telegram",
			Func: metrics.Cached(a.Clock, telegramCheckTTL, func(ctx context.Context) error {
				_, err := api.GetMe(ctx)
				return err
			}),
		})
	}
	return metrics.Handler(metrics.NewRegistry(src), metrics.HealthHandler(a.Log, checks...))
}

// serveOps serves /healthz and /metrics on http.listen until ctx is done.
func (s *Server) serveOps(ctx context.Context) error {
	addr := s.app.Cfg.HTTP.Listen
	srv := &http.Server{
		Addr:              addr,
		Handler:           s.OpsHandler(),
		ReadHeaderTimeout: 10 * time.Second,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	s.app.Log.Info("serving /healthz and /metrics", "listen", addr)
	select {
	case err := <-errc:
		return fmt.Errorf("listen %s: %w", addr, err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}

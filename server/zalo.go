package server

import (
	"context"
	"fmt"
	"time"

	"github.com/nhacviec/nhacviec/bot"
	"github.com/nhacviec/nhacviec/delivery"
	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/metrics"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/tghtml"
	"github.com/nhacviec/nhacviec/zalo"
)

// ZaloBot returns the bot of the Zalo channel once the platform answered
// getMe; nil before and when Zalo is off.
func (s *Server) ZaloBot() *bot.Bot {
	if s.zalo == nil {
		return nil
	}
	return s.zalo.currentBot()
}

// ZaloLane returns the delivery worker's Zalo lane, nil when Zalo is off.
func (s *Server) ZaloLane() *delivery.Lane { return s.zaloLane }

// newZalo builds the Zalo channel of config section zalo: its client, its
// sender and lane of delivery (held until getMe answers), and its state.
func (s *Server) newZalo(lang i18n.Lang) {
	a := s.app
	cfg := a.Cfg.Zalo
	s.zaloAPI = zalo.NewClient(cfg.Token, zalo.ClientConfig{APIURL: cfg.APIURL})
	s.zaloChats = a.Store.ZaloChats()
	s.zalo = newBotState("the Zalo platform", "the Zalo platform refused the token (401): check zalo.token and restart; Zalo messages wait")
	scfg := zalo.SenderConfig{PerSecond: zalo.LaneRate(cfg.RatePerSecond), Language: lang, Location: a.Loc}
	if s.opts.ZaloWorker != nil {
		scfg.PartEvery = s.opts.ZaloWorker.PerChatInterval
	}
	if s.publisher != nil {
		scfg.Photos, scfg.Files = s.publisher, s.publisher
	}
	sender := zalo.NewSender(s.zaloAPI, s.zaloChats, scfg)
	s.zaloSender = sender
	opts := delivery.Options{
		RatePerSecond:  zalo.LaneRate(cfg.RatePerSecond),
		MaxInFlight:    1,
		ScheduledShare: delivery.ScheduledShare(a.Cfg.Telegram.ScheduledShare),
		Language:       lang,
	}
	if s.opts.ZaloWorker != nil {
		opts = *s.opts.ZaloWorker
	}
	opts.OnUnauthorized = func(err error) { s.zaloRefused(context.Background(), err) }
	s.zaloLane = delivery.NewLane(a.Store, sender, a.Clock, a.Log, opts)
}

// runZalo asks getMe until the platform answers — with growing waits,
// recording each failure's cause for /healthz — then builds the bot and
// runs it (webhook or polling) until ctx is done. A refused token (401)
// stops the channel, not serve: the failure is logged, the office told,
// and Zalo's messages wait in the outbox.
func (s *Server) runZalo(ctx context.Context) error {
	cfg := s.app.Cfg
	log := s.app.Log
	var me zalo.Bot
	answered := s.untilAnswered(ctx, func(ctx context.Context) error {
		b, err := s.zaloAPI.GetMe(ctx)
		me = b
		return err
	}, func(err error, attempt int, wait time.Duration) bool {
		if zalo.IsCode(err, zalo.CodeUnauthorized) {
			s.zaloRefused(ctx, err)
			log.Error("zalo: the platform refused the token; the Zalo channel is stopped until zalo.token is fixed and serve restarted (Telegram and the jobs go on; Zalo messages wait)",
				"err", err)
			return true
		}
		s.zalo.fail(fmt.Errorf("the Zalo platform at %s: %w", cfg.Zalo.APIURL, err), s.app.Clock.Now())
		log.Warn("zalo: getMe failed; the jobs run and Zalo messages wait until it answers",
			"err", err, "attempt", attempt, "retry_in", wait)
		return false
	})
	if !answered {
		return nil
	}
	b := bot.New(s.app.Store, nil, s.botConfig(""), s.app.Clock, log)
	recv := zalo.NewReceiver(s.zaloAPI, s.zaloChats, zalo.ReceiverConfig{
		PollTimeout:   s.opts.PollTimeout,
		WebhookSecret: cfg.Zalo.WebhookSecret,
	}, log)
	s.zalo.up(b, me.AccountName)
	log.Info("zalo bot ready", "name", me.AccountName, "mode", cfg.Zalo.Mode)
	if cfg.Zalo.Mode == "webhook" {
		return s.serveZaloWebhook(ctx, recv, b)
	}
	log.Warn("zalo.mode is polling: an event fetched just before a crash is lost (the platform's getUpdates has no offset); use webhook in production")
	return recv.Receive(ctx, b.HandleUpdate)
}

// serveZaloWebhook listens on zalo.webhook_listen, registers the webhook
// (with its secret) and serves it until ctx is done.
func (s *Server) serveZaloWebhook(ctx context.Context, recv *zalo.Receiver, b *bot.Bot) error {
	cfg := s.app.Cfg.Zalo
	lim := s.limits(WebhookLimits())
	ln, err := listenHTTP(cfg.WebhookListen, lim)
	if err != nil {
		return fmt.Errorf("zalo webhook: %w", err)
	}
	if _, err := s.zaloAPI.SetWebhook(ctx, cfg.WebhookURL, cfg.WebhookSecret); err != nil {
		ln.Close()
		return fmt.Errorf("zalo: set webhook %s: %w", cfg.WebhookURL, err)
	}
	s.app.Log.Info("serving the Zalo webhook", "listen", ln.Addr().String())
	return serveHTTP(ctx, s.app.Log, "zalo webhook", ln, recv.WebhookHandler(b.HandleUpdate), lim)
}

// zaloRefused records that the platform refused the token and, the first
// time since it last worked, tells the office of every unit with officials
// on Zalo, on their own channel when it is not Zalo (once a day: the
// dedupe key names the day).
func (s *Server) zaloRefused(ctx context.Context, cause error) {
	if !s.zalo.refuse(cause) {
		return
	}
	a := s.app
	a.Log.Error("zalo: the platform refused the token (401); Zalo messages wait until zalo.token is fixed", "err", cause)
	if err := s.tellOfficeZaloRefused(ctx, cause); err != nil {
		a.Log.Error("zalo: tell the office that the token was refused", "err", err)
	}
}

// tellOfficeZaloRefused enqueues the office notices of a refused token.
func (s *Server) tellOfficeZaloRefused(ctx context.Context, cause error) error {
	a := s.app
	now := a.Clock.Now()
	day := plan.DateIn(now, a.Loc).String()
	return a.Store.Tx(ctx, func(tx *store.Tx) error {
		units, err := store.UnitsOnZalo(ctx, tx)
		if err != nil {
			return err
		}
		for _, unit := range units {
			officials, err := store.ActiveOfficials(ctx, tx, unit)
			if err != nil {
				return err
			}
			onZalo := 0
			for _, o := range officials {
				if o.TelegramChatID != nil && store.ChatChannel(*o.TelegramChatID) == store.ChannelZalo {
					onZalo++
				}
			}
			office, err := store.LinkedOfficeOfficials(ctx, tx, unit, 0)
			if err != nil {
				return err
			}
			reachable := office[:0]
			for _, o := range office {
				if store.ChatChannel(*o.TelegramChatID) != store.ChannelZalo { // else it could not arrive
					reachable = append(reachable, o)
				}
			}
			_, err = s.notify(ctx, tx, reachable, unit, "zalo-refused:"+day, func(p *i18n.Printer) string {
				return p.T("server.zalo_refused", tghtml.Escape(cause.Error()), onZalo)
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// zaloCheckTTL is how long a getMe answer stands for /healthz.
const zaloCheckTTL = 30 * time.Second

// zaloHealth is the /healthz check of the Zalo channel: "ok", or the cause
// (a refused token, the platform out of reach), which degrades the service
// but keeps the answer 200.
func (s *Server) zaloHealth() func(ctx context.Context) error {
	api, state, apiURL := s.zaloAPI, s.zalo, s.app.Cfg.Zalo.APIURL
	cached := metrics.Cached(s.app.Clock, zaloCheckTTL, func(ctx context.Context) error {
		if _, err := api.GetMe(ctx); err != nil {
			if zalo.IsCode(err, zalo.CodeUnauthorized) {
				return fmt.Errorf("the Zalo platform refused the token (401): check zalo.token")
			}
			return fmt.Errorf("the Zalo platform at %s: %w", apiURL, err)
		}
		return nil
	})
	return func(ctx context.Context) error {
		ready, cause := state.status()
		if !ready && state.currentBot() != nil && cached(ctx) == nil {
			// Refused once, answering again (a token fixed at the
			// platform, a glitch): the lane's probe resumes sending.
			state.accepted()
			ready, cause = state.status()
		}
		if !ready {
			return cause
		}
		return cached(ctx)
	}
}

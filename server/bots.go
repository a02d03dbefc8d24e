package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/nhacviec/nhacviec/bot"
	"github.com/nhacviec/nhacviec/config"
	"github.com/nhacviec/nhacviec/delivery"
	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/message"
	"github.com/nhacviec/nhacviec/metrics"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/telegram"
)

// tgBot is one Telegram bot serve runs: the bot of telegram.token
// (config.DefaultBot) or one of telegram.bots. Each has its own client,
// lane of delivery (send budget, per-chat limits, in-flight bound), polling
// loop or webhook path, state for /healthz and invite links.
type tgBot struct {
	name     string
	api      *tgbot.Bot // nil in console mode
	state    *botState  // nil in console mode
	lane     *delivery.Lane
	tokenKey string // where its token is configured, for messages
	tokenEnv string
	// webhookPath is the path of its webhook under telegram.webhook_listen:
	// that of telegram.webhook_url for the default bot, with "/<name>"
	// appended for the others.
	webhookPath string
	webhookURL  string
}

// telegramBots lists the bots of cfg: the default bot first, then those of
// telegram.bots in order.
func telegramBots(cfg config.Telegram) []*tgBot {
	bots := []*tgBot{{
		name: config.DefaultBot, tokenKey: "telegram.token", tokenEnv: "NHACVIEC_TELEGRAM_TOKEN",
		webhookURL: cfg.WebhookURL,
	}}
	for i, b := range cfg.Bots {
		bots = append(bots, &tgBot{
			name: b.Name, tokenKey: fmt.Sprintf("telegram.bots[%d].token", i), tokenEnv: config.BotEnv(b.Name),
			webhookURL: strings.TrimSuffix(cfg.WebhookURL, "/") + "/" + b.Name,
		})
	}
	for _, b := range bots {
		if u, err := url.Parse(b.webhookURL); err == nil {
			b.webhookPath = u.Path
		}
	}
	return bots
}

// newTelegramAPI returns the Bot API client of token.
func newTelegramAPI(cfg config.Telegram, token string) (*tgbot.Bot, error) {
	api, err := tgbot.New(token,
		tgbot.WithServerURL(cfg.APIURL),
		tgbot.WithSkipGetMe(),
		tgbot.WithHTTPClient(time.Minute, &http.Client{Timeout: 90 * time.Second}))
	if err != nil {
		return nil, fmt.Errorf("telegram: %w", err)
	}
	return api, nil
}

// laneOptions are the delivery options of bot b: those of the telegram
// section, b's own send budget when set, Options.Worker when set.
func (s *Server) laneOptions(b *tgBot, lang i18n.Lang) delivery.Options {
	cfg := s.app.Cfg.Telegram
	rate := cfg.RatePerSecond
	if c, ok := cfg.BotOf(b.name); ok && c.RatePerSecond > 0 {
		rate = c.RatePerSecond
	}
	o := delivery.Options{RatePerSecond: rate, MaxInFlight: cfg.MaxInFlight,
		ScheduledShare: delivery.ScheduledShare(cfg.ScheduledShare), Language: lang}
	if s.opts.Worker != nil {
		o = *s.opts.Worker
	}
	o.Bot = b.name
	if b.api != nil {
		o.OnUnauthorized = func(err error) { s.telegramRefused(context.Background(), b, err) }
	}
	return o
}

// Bots returns the names of the Telegram bots serve runs, the default bot
// first.
func (s *Server) Bots() []string {
	names := make([]string, len(s.bots))
	for i, b := range s.bots {
		names[i] = b.name
	}
	return names
}

// BotNamed returns the bot of the Telegram bot name once Telegram has
// answered its getMe; nil before, for a name not configured and in console
// mode.
func (s *Server) BotNamed(name string) *bot.Bot {
	for _, b := range s.bots {
		if b.name == name && b.state != nil {
			return b.state.currentBot()
		}
	}
	return nil
}

// BotLane returns the delivery lane of the Telegram bot name, nil for a
// name not configured.
func (s *Server) BotLane(name string) *delivery.Lane {
	for _, b := range s.bots {
		if b.name == name {
			return b.lane
		}
	}
	return nil
}

// botOffsets reads the getUpdates offset of one bot's updates.
type botOffsets struct {
	st  *store.Store
	bot string
}

// UpdateOffset implements telegram.Offsets.
func (o botOffsets) UpdateOffset(ctx context.Context, now time.Time) (int64, error) {
	return o.st.BotUpdateOffset(ctx, o.bot, now)
}

// runTelegram asks b's getMe until Telegram answers — with growing waits,
// recording each failure's cause for /healthz — then records the bot's
// username, moves to it the officials of its units who have started it,
// builds the bot and runs it (polling, or its path of the webhook server)
// until ctx is done.
func (s *Server) runTelegram(ctx context.Context, b *tgBot) error {
	cfg := s.app.Cfg
	log := s.app.Log.With("bot", b.name)
	var me *models.User
	answered := s.untilAnswered(ctx, func(ctx context.Context) error {
		u, err := b.api.GetMe(ctx)
		me = u
		return err
	}, func(err error, attempt int, wait time.Duration) bool {
		cause := describeBotError(cfg.Telegram.APIURL, b, err)
		b.state.fail(cause, s.app.Clock.Now())
		log.Warn("telegram: getMe failed; the jobs run and messages wait until it answers",
			"cause", cause.Error(), "attempt", attempt, "retry_in", wait)
		if errors.Is(err, tgbot.ErrorUnauthorized) {
			s.telegramRefused(ctx, b, cause)
		}
		return false
	})
	if !answered {
		return nil
	}
	if err := s.app.Store.SaveBotUsername(ctx, b.name, me.Username, s.app.Clock.Now()); err != nil {
		log.Error("telegram: record the bot's username", "err", err)
	}
	bc := s.botConfig(me.Username)
	bc.Name = b.name
	tb := bot.New(s.app.Store, telegram.NewAnswerer(b.api), bc, s.app.Clock, log)
	recv := telegram.NewReceiver(b.api, botOffsets{st: s.app.Store, bot: b.name}, telegram.ReceiverConfig{
		APIURL:        cfg.Telegram.APIURL,
		WebhookSecret: cfg.Telegram.WebhookSecret,
		PollTimeout:   s.opts.PollTimeout,
	}, s.app.Clock, log)
	b.state.up(tb, me.Username)
	b.state.accepted()
	log.Info("telegram bot ready", "username", me.Username, "mode", cfg.Telegram.Mode)
	if err := s.moveToBot(ctx, b); err != nil {
		log.Error("telegram: move the officials of the bot's units to it", "err", err)
	}
	if cfg.Telegram.Mode == "webhook" {
		// The handler first: Telegram may post as soon as the webhook is set.
		s.hooks.set(b.webhookPath, recv.WebhookHandler(tb.HandleUpdate))
		if err := recv.SetWebhook(ctx, b.webhookURL); err != nil {
			return err
		}
		log.Info("telegram webhook registered", "path", b.webhookPath)
		<-ctx.Done()
		return nil
	}
	return recv.Receive(ctx, tb.HandleUpdate)
}

// describeBotError is DescribeTelegramError naming, for a bot of
// telegram.bots, the bot and its token's key.
func describeBotError(apiURL string, b *tgBot, err error) error {
	cause := DescribeTelegramError(apiURL, err)
	if b.name == config.DefaultBot {
		return cause
	}
	te := cause.(*TelegramError)
	te.msg = "bot " + b.name + ": " + strings.ReplaceAll(te.msg, "check telegram.token", "check "+b.tokenKey+" ("+b.tokenEnv+")")
	return te
}

// webhooks routes the requests of telegram.webhook_listen to the bots by
// path: a bot of telegram.bots at its own path, the default bot at every
// other. A bot not ready yet answers 503, and Telegram retries.
type webhooks struct {
	mu       sync.Mutex
	handlers map[string]http.Handler // by path; "" the default bot
	defPath  string
	named    map[string]bool // the paths of the bots of telegram.bots
}

// newWebhooks returns the router of bots, the default bot first.
func newWebhooks(bots []*tgBot) *webhooks {
	w := &webhooks{defPath: bots[0].webhookPath, named: make(map[string]bool)}
	for _, b := range bots[1:] {
		w.named[b.webhookPath] = true
	}
	return w
}

// set registers h, the webhook handler of the bot at path.
func (w *webhooks) set(path string, h http.Handler) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.handlers == nil {
		w.handlers = make(map[string]http.Handler)
	}
	if path == w.defPath {
		path = ""
	}
	w.handlers[path] = h
}

// ServeHTTP implements http.Handler.
func (w *webhooks) ServeHTTP(rw http.ResponseWriter, req *http.Request) {
	w.mu.Lock()
	h, ok := w.handlers[req.URL.Path]
	if !ok && !w.named[req.URL.Path] {
		h = w.handlers[""]
	}
	w.mu.Unlock()
	if h == nil {
		http.Error(rw, "bot not ready", http.StatusServiceUnavailable)
		return
	}
	h.ServeHTTP(rw, req)
}

// serveWebhooks listens on telegram.webhook_listen and serves the webhook
// of every bot, each registered once its bot is ready, until ctx is done.
func (s *Server) serveWebhooks(ctx context.Context) error {
	cfg := s.app.Cfg.Telegram
	lim := s.limits(WebhookLimits())
	ln, err := listenHTTP(cfg.WebhookListen, lim)
	if err != nil {
		return err
	}
	s.app.Log.Info("serving the Telegram webhook", "listen", ln.Addr().String(), "bots", len(s.bots))
	return serveHTTP(ctx, s.app.Log, "webhook", ln, s.hooks, lim)
}

// assignBots records the bot of every unit from telegram.bots and logs the
// listed codes that name no unit (yet), and the messages that wait for a
// bot no longer configured.
func (s *Server) assignBots(ctx context.Context) error {
	a := s.app
	missing, changed, err := a.Store.AssignUnitBots(ctx, a.Cfg.Telegram.BotUnits())
	if err != nil {
		return err
	}
	if changed > 0 {
		a.Log.Info("telegram: units assigned to their bots", "units_changed", changed, "bots", len(s.bots))
	}
	for _, code := range missing {
		for i, b := range a.Cfg.Telegram.Bots {
			for j, u := range b.Units {
				if u == code {
					a.Log.Warn("telegram: a unit listed under telegram.bots is not in the database (yet); its bot applies once it is imported",
						"key", fmt.Sprintf("telegram.bots[%d].units[%d]", i, j), "unit", code, "bot", b.Name)
				}
			}
		}
	}
	stranded, err := a.Store.StrandedMessages(ctx, s.Bots())
	if err != nil {
		return err
	}
	for _, w := range stranded {
		a.Log.Error("telegram: messages wait for a bot that is no longer configured; none is lost: "+
			"each official's go out through the bot of the official's unit once the official starts it (the office is told who), "+
			"or through the bot again if it is configured back",
			"bot", w.Bot, "pending", w.Pending, "oldest", w.Oldest)
	}
	return nil
}

// reassignEvery is how often serve re-reads the units' bots (units imported
// since, officials who started their new bot meanwhile).
const reassignEvery = 5 * time.Minute

// runBots assigns the units' bots now and every reassignEvery, and moves
// the officials to the bots of their units as they become ready.
func (s *Server) runBots(ctx context.Context) error {
	t := time.NewTicker(reassignEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		if err := s.assignBots(ctx); err != nil {
			s.app.Log.Error("telegram: assign the units' bots", "err", err)
			continue
		}
		for _, b := range s.bots {
			if b.state == nil || b.state.currentBot() == nil {
				continue
			}
			if err := s.moveToBot(ctx, b); err != nil {
				s.app.Log.Error("telegram: move the officials of the bot's units to it", "bot", b.name, "err", err)
			}
		}
	}
}

// moveToBot moves to b the officials of its units who have started it,
// and tells the office of each unit who has not yet (once per unit, bot
// and set of officials).
func (s *Server) moveToBot(ctx context.Context, b *tgBot) error {
	a := s.app
	moved, waiting, err := a.Store.MoveToBot(ctx, b.name)
	if err != nil {
		return err
	}
	for _, m := range moved {
		a.Log.Info("telegram: official moved to the unit's bot", "official", m.OfficialID, "from", m.From, "to", m.To)
	}
	byUnit := make(map[int64][]store.BotMove)
	var units []int64
	for _, m := range waiting {
		if _, ok := byUnit[m.UnitID]; !ok {
			units = append(units, m.UnitID)
		}
		byUnit[m.UnitID] = append(byUnit[m.UnitID], m)
	}
	if err := s.tellMoved(ctx, b, waiting); err != nil {
		return err
	}
	for _, unit := range units {
		ms := byUnit[unit]
		news, err := s.tellOfficeRelink(ctx, b, unit, ms)
		if err != nil {
			return err
		}
		if news { // not again every reassignEvery for the same officials
			a.Log.Warn("telegram: officials of a unit moved to another bot must start it; their messages go through their old bot meanwhile (or wait, if it is no longer configured)",
				"unit", unit, "bot", b.name, "officials", len(ms), "from", ms[0].From)
		}
	}
	return nil
}

// tellMoved enqueues, to each official of waiting, through the bot they
// are reached by, the note naming their unit's bot b and asking them to
// start it (bot.use_unit_bot, as after linking through another bot's
// invite), once per official and bot. An official whose bot is no longer
// configured cannot be written to before they start b: the office's
// notice (tellOfficeRelink) names them.
func (s *Server) tellMoved(ctx context.Context, b *tgBot, waiting []store.BotMove) error {
	a := s.app
	now := a.Clock.Now()
	return a.Store.Tx(ctx, func(tx *store.Tx) error {
		for _, m := range waiting {
			if s.BotLane(m.From) == nil {
				continue
			}
			unitID, id := m.UnitID, m.OfficialID
			if _, err := store.Enqueue(ctx, tx, store.OutMessage{
				UnitID:     &unitID,
				OfficialID: &id,
				ChatID:     m.ChatID,
				Bot:        m.From,
				DedupeKey:  "bot-move:" + b.name + ":" + strconv.FormatInt(id, 10),
				Kind:       "notice",
				Payload:    store.Payload{Text: message.UseUnitBot(s.printerFor(m.Language), b.state.username(), b.name)},
				NotBefore:  now,
			}); err != nil {
				return err
			}
		}
		return nil
	})
}

// tellOfficeRelink enqueues, to the office officials of unit, the list of
// its officials who must start bot b. It reports whether that is news: a
// notice enqueued for the first time for these officials, or no office
// official to tell.
func (s *Server) tellOfficeRelink(ctx context.Context, b *tgBot, unit int64, waiting []store.BotMove) (news bool, err error) {
	a := s.app
	names := make([]string, len(waiting))
	h := sha256.New()
	for i, m := range waiting {
		names[i] = m.Name
		fmt.Fprintf(h, "%d,", m.OfficialID)
	}
	key := "bot-relink:" + b.name + ":" + strconv.FormatInt(unit, 10) + ":" + hex.EncodeToString(h.Sum(nil))[:16]
	ref := message.BotRef(b.state.username(), b.name)
	err = a.Store.Tx(ctx, func(tx *store.Tx) error {
		u, err := store.UnitOf(ctx, tx, unit)
		if err != nil {
			return err
		}
		office, err := store.LinkedOfficeOfficials(ctx, tx, unit, 0)
		if err != nil {
			return err
		}
		n, err := s.notify(ctx, tx, office, unit, key, func(p *i18n.Printer) string {
			return message.Say(p, "server.bot_relink", u.Name, ref, len(names), strings.Join(names, ", "))
		})
		news = n > 0 || len(office) == 0
		return err
	})
	return news, err
}

// telegramRefused records that Telegram refused b's token and, the first
// time since it last worked, logs it and tells the office officials who
// can be told (OfficeOutsideBot), once a day.
func (s *Server) telegramRefused(ctx context.Context, b *tgBot, cause error) {
	if !b.state.refuse(cause) {
		return
	}
	a := s.app
	a.Log.Error("telegram: Telegram refused the bot's token (401); its messages wait until the token is fixed",
		"bot", b.name, "key", b.tokenKey, "env", b.tokenEnv, "err", cause)
	now := a.Clock.Now()
	day := plan.DateIn(now, a.Loc).String()
	ref := b.state.username()
	if ref == "" {
		ref = b.name
	} else {
		ref = "@" + ref
	}
	err := a.Store.Tx(ctx, func(tx *store.Tx) error {
		office, err := store.OfficeOutsideBot(ctx, tx, b.name)
		if err != nil {
			return err
		}
		_, err = s.notify(ctx, tx, office, 0, "telegram-refused:"+b.name+":"+day, func(p *i18n.Printer) string {
			return message.Say(p, "server.telegram_refused", b.name, ref, cause.Error(), b.tokenEnv)
		})
		return err
	})
	if err != nil {
		a.Log.Error("telegram: tell the office that the bot's token was refused", "bot", b.name, "err", err)
	}
}

// notify enqueues, in tx, a notice to each of officials (each through its
// own channel and bot), written by text in the official's language, else
// the configured one; its dedupe key is key with the official's id. unit,
// when not 0, is the unit the notice is about, else each official's. It
// returns how many notices it enqueued (not those enqueued before).
func (s *Server) notify(ctx context.Context, tx *store.Tx, officials []plan.Official, unit int64, key string, text func(*i18n.Printer) string) (int, error) {
	now := s.app.Clock.Now()
	inserted := 0
	for _, o := range officials {
		if o.TelegramChatID == nil {
			continue
		}
		unitID, id := unit, o.ID
		if unitID == 0 {
			unitID = o.UnitID
		}
		ok, err := store.Enqueue(ctx, tx, store.OutMessage{
			UnitID:     &unitID,
			OfficialID: &id,
			ChatID:     *o.TelegramChatID,
			DedupeKey:  key + ":" + strconv.FormatInt(o.ID, 10),
			Kind:       "notice",
			Payload:    store.Payload{Text: text(s.printerFor(o.Language))},
			NotBefore:  now,
		})
		if err != nil {
			return inserted, err
		}
		if ok {
			inserted++
		}
	}
	return inserted, nil
}

// printerFor is the printer of an official whose own language is language
// ("" for none): theirs, else the configured one.
func (s *Server) printerFor(language string) *i18n.Printer {
	lang := i18n.Lang(language)
	if lang == "" {
		lang, _ = i18n.ParseLang(s.app.Cfg.Language)
	}
	return i18n.New(lang)
}

// telegramChecks are the /healthz checks of the Telegram bots: "telegram"
// for the default bot, "telegram:<name>" for each of telegram.bots. Each
// reports "ok" or the cause (unreachable, a refused token), which
// degrades the service but keeps the answer 200: the jobs run and that
// bot's messages wait. Until a bot first answers, the cause is that of its
// last getMe; then getMe is asked at most every 30 s.
func (s *Server) telegramChecks() []metrics.Check {
	var checks []metrics.Check
	apiURL := s.app.Cfg.Telegram.APIURL
	for _, b := range s.bots {
		if b.api == nil {
			continue
		}
		name := "telegram"
		if b.name != config.DefaultBot {
			name += ":" + b.name
		}
		cached := metrics.Cached(s.app.Clock, telegramCheckTTL, func(ctx context.Context) error {
			if _, err := b.api.GetMe(ctx); err != nil {
				return describeBotError(apiURL, b, err)
			}
			return nil
		})
		checks = append(checks, metrics.Check{
			Name:     name,
			Degrades: true,
			Func: func(ctx context.Context) error {
				ready, cause := b.state.status()
				if !ready && b.state.isRefused() && b.state.currentBot() != nil && cached(ctx) == nil {
					// Refused once, answering again (a token fixed at
					// BotFather, a glitch): the lane's probe resumes.
					b.state.accepted()
					ready, cause = b.state.status()
				}
				if !ready {
					return cause
				}
				return cached(ctx)
			},
		})
	}
	return checks
}

// telegramStats returns the counters of the Telegram bots' lanes for
// /metrics, one per bot, in the order of s.bots.
func (s *Server) telegramStats() []metrics.BotStats {
	out := make([]metrics.BotStats, 0, len(s.bots))
	for _, b := range s.bots {
		out = append(out, metrics.BotStats{Bot: b.name, Stats: b.lane.Stats().Snapshot()})
	}
	return out
}

// holdTelegram makes each bot's lane wait for its bot's first answer.
func (s *Server) holdTelegram() {
	for _, b := range s.bots {
		if b.state != nil {
			s.delivery.HoldLane(b.lane, b.state.readyChan())
		}
	}
}

// Compile-time check that the webhook router is a handler.
var _ http.Handler = (*webhooks)(nil)

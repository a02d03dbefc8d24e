// Package bot is the inbound side of the conversation: linking chats with
// invite codes, progress replies and button presses, target readings and
// the bot commands listed in the README. It speaks no messenger: a
// channel's receiver (package telegram for Telegram) converts what people
// do into channel.Update and calls HandleUpdate.
//
// Every update is handled in one database transaction that also records
// its id in processed_updates: an update is applied at most once, and
// everything it reads and writes (who is speaking, the chat's limits,
// linking, progress, readings, replies) commits together or not at all.
// The one read before that transaction is the warming of the answer cache
// (prepare, in answers.go): a derived, shared answer, not the update's
// state. Replies are outbox rows (dedupe key "reply:<update id>:<n>")
// delivered by the delivery worker; only the answer to a button press,
// which is ephemeral, is sent directly through a channel.Answerer, after
// the commit.
package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strconv"
	"sync"
	"time"

	"github.com/nhacviec/nhacviec/callback"
	"github.com/nhacviec/nhacviec/channel"
	"github.com/nhacviec/nhacviec/clock"
	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/message"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/report"
	"github.com/nhacviec/nhacviec/store"
)

// BotConfig configures a Bot. Zero fields take the documented defaults.
type BotConfig struct {
	// Language is the language of officials without one of their own and
	// of unlinked chats (config "language"); default Vietnamese.
	Language i18n.Lang
	// Location is the time zone of due dates and statuses (config
	// schedule.timezone); default Asia/Ho_Chi_Minh.
	Location *time.Location
	// Cutoff is the reporting-period convention (config periods.cutoff) for
	// /tonghop, /chuabaocao and target readings; default decree09.
	Cutoff plan.Cutoff
	// BotUsername is the bot's username without "@": a command addressed
	// to another bot ("/viec@other_bot") is ignored. Empty accepts any.
	BotUsername string
	// Name names the Telegram bot among the bots of config telegram.bots;
	// default store.DefaultBot (the bot of telegram.token). The bot's
	// answers to a chat go out through it, its updates are numbered in
	// its own sequence, and a chat that starts it is recorded so that an
	// official whose unit it serves moves to it (store.StartBot).
	Name string
	// InviteAttempts is how many wrong /start codes a Telegram user may
	// send within InviteWindow before being refused; defaults 5 and 1 h.
	InviteAttempts int
	InviteWindow   time.Duration
	// MaxFailures is how many times an update may fail to be processed
	// before it is recorded as processed with an error reply, so that one
	// poison update does not stall the bot; default 5. Recording it needs
	// a working database, so a database outage never drops updates.
	MaxFailures int
	// Signer verifies inline-button data (callback.Load over the store,
	// so that every press sees the current keys). Required.
	Signer *callback.Signer
	// Limits bound inbound chatter (config section "limits").
	Limits Limits
	// Calendar is the working calendar (config section "calendar"): a
	// snooze counts working days in it and an approved extension's due date
	// is rolled forward to a working day by it; nil is Monday to Friday
	// without holidays.
	Calendar *plan.Calendar
}

// withDefaults fills zero fields.
func (c BotConfig) withDefaults() BotConfig {
	if c.Language == "" {
		c.Language = i18n.VI
	}
	if c.Location == nil {
		loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
		if err != nil {
			loc = time.FixedZone("ICT", 7*3600)
		}
		c.Location = loc
	}
	if c.Cutoff == "" {
		c.Cutoff = plan.CutoffDecree09
	}
	if c.Name == "" {
		c.Name = store.DefaultBot
	}
	if c.InviteAttempts <= 0 {
		c.InviteAttempts = 5
	}
	if c.InviteWindow <= 0 {
		c.InviteWindow = time.Hour
	}
	if c.MaxFailures <= 0 {
		c.MaxFailures = 5
	}
	c.Limits = c.Limits.withDefaults()
	if c.Calendar == nil {
		if cal, err := plan.NewCalendar([]int{1, 2, 3, 4, 5}, nil, nil); err == nil {
			c.Calendar = cal
		}
	}
	return c
}

// chatStateTTL is how long a multi-step conversation (/baocao) waits for
// the next answer before it is forgotten.
const chatStateTTL = time.Hour

// Bot handles the updates of every channel. It is safe for concurrent use.
type Bot struct {
	st     *store.Store
	answer channel.Answerer
	cfg    BotConfig
	clk    clock.Clock
	log    *slog.Logger
	signer *callback.Signer

	mu       sync.Mutex
	failures map[int64]int // update id → failed attempts

	// digests and overdue keep the expensive answers of /tonghop,
	// /chuabaocao and /quahan per unit for Limits.AnswerCache.
	digests *memo[report.Result]
	overdue *memo[[]store.ReminderItem]

	// beforeDispatch, when set (by tests), runs inside an update's
	// transaction before its handler.
	beforeDispatch func(channel.Update)
	// onCompile, when set (by tests), is called with "digest" or
	// "overdue" each time such an answer is computed rather than reused.
	onCompile func(what string)
}

// New returns a Bot reading and writing st and answering button presses
// through answer (nil: presses are not answered; replies go through the
// outbox). cfg.Signer must be set.
func New(st *store.Store, answer channel.Answerer, cfg BotConfig, clk clock.Clock, log *slog.Logger) *Bot {
	cfg = cfg.withDefaults()
	return &Bot{
		st:       st,
		answer:   answer,
		cfg:      cfg,
		clk:      clk,
		log:      log,
		signer:   cfg.Signer,
		failures: make(map[int64]int),
		digests:  newMemo[report.Result](cfg.Limits.AnswerCache),
		overdue:  newMemo[[]store.ReminderItem](cfg.Limits.AnswerCache),
	}
}

// errAlreadyProcessed rolls back the transaction of an update processed
// before.
var errAlreadyProcessed = errors.New("bot: update already processed")

// panicError is a panic recovered while handling an update.
type panicError struct {
	value any
	stack []byte
}

func (e *panicError) Error() string { return fmt.Sprintf("bot: panic: %v", e.value) }

// handle processes one update exactly once: its effects and its id
// commit in one transaction; an update already processed is skipped. A
// panic while handling is recovered: the update is recorded as processed
// with an apologetic reply and handle returns nil. Any other failure rolls
// everything back and is returned, so that the caller retries the update.
func (b *Bot) handle(ctx context.Context, upd channel.Update) error {
	now := b.clk.Now()
	b.prepare(ctx, upd, now)
	var answer *callbackAnswer
	err := b.st.Tx(ctx, func(tx *store.Tx) error {
		fresh, err := store.MarkBotUpdateProcessed(ctx, tx, b.cfg.Name, upd.ID, now)
		if err != nil {
			return err
		}
		if !fresh {
			return errAlreadyProcessed
		}
		t := &turn{b: b, ctx: ctx, tx: tx, upd: upd, now: now}
		if err := b.dispatchSafely(t); err != nil {
			return err
		}
		answer = t.answer
		return nil
	})
	switch {
	case errors.Is(err, errAlreadyProcessed):
		return nil
	case err != nil:
		var pe *panicError
		if errors.As(err, &pe) {
			b.log.Error("bot: panic handling update", "update", upd.ID, "panic", pe.value, "stack", string(pe.stack))
			return b.giveUp(ctx, upd, err)
		}
		return fmt.Errorf("bot: update %d: %w", upd.ID, err)
	}
	b.answerCallback(ctx, answer)
	return nil
}

// dispatchSafely runs the handlers, turning a panic into an error.
func (b *Bot) dispatchSafely(t *turn) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &panicError{value: r, stack: debug.Stack()}
		}
	}()
	return t.dispatch()
}

// giveUp records upd as processed without its effects, telling the sender
// that it failed, so that polling moves past it. It fails (and the update
// is retried later) only when the database cannot record it.
func (b *Bot) giveUp(ctx context.Context, upd channel.Update, cause error) error {
	now := b.clk.Now()
	var answer *callbackAnswer
	err := b.st.Tx(ctx, func(tx *store.Tx) error {
		fresh, err := store.MarkBotUpdateProcessed(ctx, tx, b.cfg.Name, upd.ID, now)
		if err != nil || !fresh {
			return err
		}
		t := &turn{b: b, ctx: ctx, tx: tx, upd: upd, now: now}
		if err := t.identify(); err != nil {
			return err
		}
		if isButton(upd) {
			t.answerText(t.p.T("bot.button_error"))
			answer = t.answer
			return nil
		}
		if t.chatID == 0 || t.messageID == 0 {
			return nil
		}
		return t.say("bot.error")
	})
	if err != nil {
		return fmt.Errorf("bot: update %d: record failure (%v): %w", upd.ID, cause, err)
	}
	b.log.Error("bot: update given up", "update", upd.ID, "err", cause)
	b.answerCallback(ctx, answer)
	return nil
}

// HandleUpdate processes one update of any channel; it is the
// channel.Handler a receiver calls. The update's effects and its id commit
// in one transaction, reads included; an update already processed is
// skipped, so a receiver may deliver it again. A panic while handling is
// recovered: the update is recorded as processed with an apologetic reply
// and HandleUpdate returns nil. Any other failure rolls everything back
// and is returned, so that the receiver does not acknowledge the update
// and retries it; after BotConfig.MaxFailures failed attempts it is
// recorded as processed with an error reply (giveUp), unless the database
// itself cannot record it.
func (b *Bot) HandleUpdate(ctx context.Context, upd channel.Update) error {
	err := b.handle(ctx, upd)
	if err == nil || ctx.Err() != nil {
		b.forget(upd.ID)
		return err
	}
	b.mu.Lock()
	b.failures[upd.ID]++
	n := b.failures[upd.ID]
	b.mu.Unlock()
	b.log.Error("bot: process update", "update", upd.ID, "attempt", n, "err", err)
	if n < b.cfg.MaxFailures {
		return err
	}
	if gerr := b.giveUp(ctx, upd, err); gerr != nil {
		return gerr
	}
	b.forget(upd.ID)
	return nil
}

// forget drops the failure count of an update.
func (b *Bot) forget(id int64) {
	b.mu.Lock()
	delete(b.failures, id)
	b.mu.Unlock()
}

// callbackAnswer is the answer to a button press, sent after the commit.
type callbackAnswer struct {
	id   string
	text string
}

// answerCallback answers a button press. It is ephemeral, so it is sent
// directly rather than through the outbox; a failure is only logged.
func (b *Bot) answerCallback(ctx context.Context, a *callbackAnswer) {
	if a == nil || b.answer == nil {
		return
	}
	actx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := b.answer.AnswerButton(actx, a.id, a.text); err != nil {
		b.log.Warn("bot: answer button press", "err", err)
	}
}

// turn is the handling of one update inside its transaction.
type turn struct {
	b   *Bot
	ctx context.Context
	tx  *store.Tx
	upd channel.Update
	now time.Time

	chatID    int64
	messageID int64          // the message being handled, replied to
	userID    int64          // the person speaking; 0 for none
	official  *plan.Official // the linked official speaking; nil when unlinked
	p         *i18n.Printer
	replies   int
	answer    *callbackAnswer
	// silenced drops the turn's answers: the chat is over its limit
	// (Limits), but what it sent is still recorded.
	silenced bool
}

// identify fills the chat, the sender, the official and the printer. The
// official is read in the update's transaction, so that the turn acts on
// the link it commits with (a concurrent /start or archive is seen either
// wholly before or wholly after).
func (t *turn) identify() error {
	u := t.upd
	t.chatID, t.messageID, t.userID = u.ChatID, u.MessageID, u.UserID
	if isButton(u) {
		t.answer = &callbackAnswer{id: u.CallbackID}
	}
	t.p = i18n.New(t.b.cfg.Language)
	if t.chatID == 0 || t.userID == 0 {
		return nil
	}
	o, err := store.OfficialOfChat(t.ctx, t.tx, t.chatID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil // an unlinked chat
	case err != nil:
		return err
	}
	// The chat is linked; in a group only the linked person speaks for it.
	if o.TelegramUserID != nil && *o.TelegramUserID != t.userID {
		return nil
	}
	t.official = &o
	if o.Language != "" {
		t.p = i18n.New(i18n.Lang(o.Language))
	}
	return nil
}

// dispatch routes the update.
func (t *turn) dispatch() error {
	if t.b.beforeDispatch != nil {
		t.b.beforeDispatch(t.upd)
	}
	if err := t.identify(); err != nil {
		return err
	}
	how, notice, err := t.admit()
	if err != nil {
		return err
	}
	if notice {
		if err := t.slowDown(); err != nil {
			return err
		}
	}
	switch how {
	case dropped:
		return nil
	case quiet:
		t.silenced = true
	}
	switch {
	case isButton(t.upd):
		return t.onButton()
	case isMembership(t.upd):
		return t.onMembership()
	case isMessage(t.upd):
		return t.onMessage()
	}
	return nil // a migration notice, or nothing a person did
}

// isButton reports whether u is a button press.
func isButton(u channel.Update) bool { return u.CallbackID != "" }

// isMembership reports whether u is a change of the bot's membership of a
// chat.
func isMembership(u channel.Update) bool { return !isButton(u) && u.Membership != "" }

// isMessage reports whether u is a message a person sent. A group's
// migration notice is not: the chat moves when the delivery worker next
// sends to it and the channel names the new id.
func isMessage(u channel.Update) bool {
	return !isButton(u) && !isMembership(u) && u.MigratedTo == 0 &&
		u.ChatID != 0 && u.MessageID != 0 && u.UserID != 0
}

// say replies to the message being handled with one of the bot's
// sentences, written by message.Say.
func (t *turn) say(key i18n.Key, args ...any) error {
	return t.reply(message.Say(t.p, key, args...))
}

// reply enqueues text, Telegram HTML written by package message, as a
// reply to the update's message.
func (t *turn) reply(text string) error {
	return t.send(store.Payload{Text: text, ReplyTo: t.messageID}, nil, nil)
}

// send enqueues a message to the chat in the update's transaction; a
// silenced turn sends nothing.
func (t *turn) send(p store.Payload, occurrenceID, targetID *int64) error {
	if t.silenced {
		return nil
	}
	t.replies++
	m := store.OutMessage{
		ChatID:       t.chatID,
		DedupeKey:    "reply:" + t.updateKey() + ":" + strconv.Itoa(t.replies),
		Kind:         "reply",
		OccurrenceID: occurrenceID,
		TargetID:     targetID,
		Payload:      p,
		NotBefore:    t.now,
		Bot:          t.b.cfg.Name, // the chat wrote to this bot: it may answer
	}
	if t.official != nil {
		unit, id := t.official.UnitID, t.official.ID
		m.UnitID, m.OfficialID = &unit, &id
	}
	_, err := store.Enqueue(t.ctx, t.tx, m)
	return err
}

// updateKey names the update in dedupe keys: its id, prefixed by the
// bot's name for a bot of telegram.bots (each bot numbers its own
// updates).
func (t *turn) updateKey() string {
	id := strconv.FormatInt(t.upd.ID, 10)
	if t.b.cfg.Name == store.DefaultBot {
		return id
	}
	return t.b.cfg.Name + "/" + id
}

// answerText sets the text of the button press's answer.
func (t *turn) answerText(text string) {
	if t.answer != nil {
		t.answer.text = text
	}
}

// The bot's membership of a chat (channel.Update.Membership).
const (
	memberJoined = "member"
	memberLeft   = "left"
	memberKicked = "kicked"
)

// onMembership notes that the user blocked (or unblocked) the bot.
func (t *turn) onMembership() error {
	u := t.upd
	switch u.Membership {
	case memberKicked, memberLeft:
		// The office is told once, as when a message bounces with 403.
		_, err := store.MarkUnreachableTx(t.ctx, t.tx, 0, u.ChatID, "blocked the bot ("+u.Membership+")",
			t.now, message.Unreachable(t.b.cfg.Language))
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		return err
	case memberJoined:
		return t.b.st.MarkReachable(t.ctx, t.tx, u.ChatID, t.now)
	}
	return nil
}

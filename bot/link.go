package bot

import (
	"errors"
	"log/slog"
	"regexp"
	"strconv"

	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/message"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/store"
)

// inviteCode is the shape of an invite code (and of a deep-link payload).
var inviteCode = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// onStart links the chat with an invite code: "/start CODE", as sent by a
// t.me deep link, in a private chat only. Wrong codes count against the
// sender; past InviteAttempts within InviteWindow every code is refused.
// Every link, relink and refusal is logged (never the code) and the
// unit's office is told of links, relinks and refused takeovers.
func (t *turn) onStart(code string) error {
	if !t.upd.PrivateChat {
		return t.onStartInGroup(code)
	}
	if !t.typed() {
		// The chat may now be written to by this bot: an official whose
		// unit this bot serves moves to it, with the messages waiting.
		moved, err := store.StartBot(t.ctx, t.tx, t.b.cfg.Name, t.chatID, t.now)
		if err != nil {
			return err
		}
		if moved && t.official != nil {
			t.logLink(slog.LevelInfo, "official moved to the unit's bot", store.Link{Official: *t.official})
			return t.say("bot.start_moved", t.official.Name)
		}
	}
	if code == "" {
		if t.official != nil {
			return t.say("bot.start_already", t.messenger(), t.official.Name)
		}
		if t.typed() {
			return t.say("bot.start_no_code_typed")
		}
		return t.say("bot.start_no_code")
	}
	userID := t.userID
	failures, err := store.LinkFailures(t.ctx, t.tx, userID, t.now.Add(-t.b.cfg.InviteWindow))
	if err != nil {
		return err
	}
	if failures >= t.b.cfg.InviteAttempts {
		t.logLink(slog.LevelWarn, "link refused", store.Link{}, "reason", "too many wrong codes")
		return t.say("bot.start_rate_limited", int(t.b.cfg.InviteWindow.Minutes()))
	}
	var link store.Link
	if inviteCode.MatchString(code) {
		link, err = store.RedeemInviteTx(t.ctx, t.tx, code, userID, t.chatID, t.upd.Username, t.now)
	} else {
		err = store.ErrInviteInvalid
	}
	var key i18n.Key
	var args []any
	level, attrs := slog.LevelInfo, []any{"reason", ""}
	switch {
	case err == nil:
		return t.linked(link)
	case errors.Is(err, store.ErrInviteUsed):
		if t.official != nil && t.official.ID == link.Official.ID {
			// The official opened their link twice.
			return t.say("bot.start_already", t.messenger(), t.official.Name)
		}
		key = "bot.start_used"
	case errors.Is(err, store.ErrInviteExpired):
		key = "bot.start_expired"
	case errors.Is(err, store.ErrInviteRevoked):
		key = "bot.start_revoked"
	case errors.Is(err, store.ErrInviteInvalid):
		key = "bot.start_invalid"
	case errors.Is(err, store.ErrInviteLinkedElsewhere):
		// Someone else holds a code of a linked official: a leaked code,
		// or a new phone without a --relink code. The office decides.
		key = "bot.start_linked_elsewhere"
		args = []any{message.HTML(message.LinkedElsewhere(t.p, t.chatID, link.PreviousChatID))}
		level, attrs = slog.LevelWarn, append(attrs, "linked_chat", link.PreviousChatID)
		o := link.Official
		dedupe := "link-refused:" + strconv.FormatInt(link.InviteID, 10) + ":" + strconv.FormatInt(t.chatID, 10)
		if err := t.tellOffice(link, dedupe, func(p *i18n.Printer) string {
			return message.LinkRefusedNotice(p, o.Name, o.Key, t.account())
		}); err != nil {
			return err
		}
	default:
		return err
	}
	attrs[1] = err.Error()
	t.logLink(level, "link refused", link, attrs...)
	if err := store.RecordLinkFailure(t.ctx, t.tx, userID, t.now); err != nil {
		return err
	}
	return t.say(key, args...)
}

// linked answers a successful redemption, tells the previous chat of a
// relink and the office, and logs it.
func (t *turn) linked(link store.Link) error {
	o := link.Official
	for _, u := range link.Unlinked {
		t.logLink(slog.LevelInfo, "official unlinked: its chat linked another official",
			store.Link{Official: u}, "now_linked", o.Key)
	}
	if link.Outcome == store.LinkAlready {
		t.logLink(slog.LevelInfo, "official already linked to this chat", link)
		return t.say("bot.start_already", t.messenger(), o.Name)
	}
	t.official = &o
	if o.Language != "" {
		t.p = i18n.New(i18n.Lang(o.Language))
	}
	if !t.typed() {
		// Reached through this bot from now on.
		if err := store.LinkBot(t.ctx, t.tx, t.chatID, t.b.cfg.Name); err != nil {
			return err
		}
	}
	invite := strconv.FormatInt(link.InviteID, 10)
	if link.Outcome == store.LinkRelinked {
		t.logLink(slog.LevelWarn, "official relinked", link,
			"previous_chat", link.PreviousChatID, "previous_user", link.PreviousUserID, "cancelled", link.Cancelled)
		if err := t.tellPreviousChat(link); err != nil {
			return err
		}
		if err := t.tellOffice(link, "relinked:"+invite, func(p *i18n.Printer) string {
			return message.RelinkedNotice(p, o.Name, o.Key, t.account())
		}); err != nil {
			return err
		}
	} else {
		t.logLink(slog.LevelInfo, "official linked", link, "cancelled", link.Cancelled)
		if err := t.tellOffice(link, "linked:"+invite, func(p *i18n.Printer) string {
			return message.LinkedNotice(p, o.Name, o.Key, t.account())
		}); err != nil {
			return err
		}
	}
	how := t.p.T("bot.start_linked_how")
	if t.typed() {
		how = t.p.T("bot.start_linked_how_typed")
	}
	if err := t.say("bot.start_linked", t.messenger(), o.Name, o.Position, message.HTML(how)); err != nil {
		return err
	}
	return t.pointToUnitBot(o)
}

// pointToUnitBot tells an official just linked through this Telegram bot
// when another bot serves the official's unit (config telegram.bots): the
// official is reached through this one until they start that one, which
// then takes over (store.StartBot).
func (t *turn) pointToUnitBot(o plan.Official) error {
	if t.typed() {
		return nil
	}
	bot, err := store.UnitBot(t.ctx, t.tx, o.UnitID)
	if err != nil || bot == t.b.cfg.Name {
		return err
	}
	names, err := store.BotUsernames(t.ctx, t.tx)
	if err != nil {
		return err
	}
	t.logLink(slog.LevelInfo, "official linked through a bot other than the unit's", store.Link{Official: o}, "unit_bot", bot)
	return t.reply(message.UseUnitBot(t.p, names[bot], bot))
}

// onStartInGroup refuses /start outside a private chat: an official's
// reminders (a Chairman's digests) would reach everyone in the group. A
// valid code sent there has been seen by the whole group, so it is
// revoked, and the office is told.
func (t *turn) onStartInGroup(code string) error {
	text := t.p.T("bot.start_private_only")
	if code != "" && inviteCode.MatchString(code) {
		o, err := store.RevokeInviteCode(t.ctx, t.tx, code, t.now)
		switch {
		case err == nil:
			link := store.Link{Official: o}
			t.logLink(slog.LevelWarn, "link refused", link, "reason", "not a private chat", "code_revoked", true)
			if err := t.tellOffice(link, "link-group:"+t.updateKey(), func(p *i18n.Printer) string {
				return message.GroupLinkNotice(p, o.Name, o.Key, t.account())
			}); err != nil {
				return err
			}
			text += "\n" + t.p.T("bot.start_private_only_revoked")
			return t.reply(text)
		case !errors.Is(err, store.ErrInviteInvalid):
			return err
		}
	}
	t.logLink(slog.LevelInfo, "link refused", store.Link{}, "reason", "not a private chat")
	return t.reply(text)
}

// logLink logs a linking event with the unit and key of link.Official
// (when known), the chat and the user; never the code.
func (t *turn) logLink(level slog.Level, msg string, link store.Link, attrs ...any) {
	args := []any{"chat", t.chatID, "user", t.userID}
	if o := link.Official; o.ID != 0 {
		unit := strconv.FormatInt(o.UnitID, 10)
		if u, err := store.UnitOf(t.ctx, t.tx, o.UnitID); err == nil {
			unit = u.Code
		}
		args = append(args, "unit", unit, "official", o.Key)
	}
	t.b.log.Log(t.ctx, level, "bot: "+msg, append(args, attrs...)...)
}

// account is the sender's account, for the office's notices.
func (t *turn) account() message.Account {
	return message.Account{Chat: t.chatID, Username: t.upd.Username, ID: t.userID}
}

// messenger is the name of the chat's messenger ("Telegram", "Zalo"), for
// the sentences that name it.
func (t *turn) messenger() string { return message.Messenger(t.chatID) }

// printerFor returns the printer of the official's language, else the
// configured one.
func (t *turn) printerFor(o plan.Official) *i18n.Printer {
	if o.Language != "" {
		return i18n.New(i18n.Lang(o.Language))
	}
	return i18n.New(t.b.cfg.Language)
}

// tellOffice enqueues the notice text(p) about link.Official to every
// linked office official of its unit but itself, each in their language,
// with the dedupe key "<dedupe>:<office official id>".
func (t *turn) tellOffice(link store.Link, dedupe string, text func(p *i18n.Printer) string) error {
	o := link.Official
	office, err := store.LinkedOfficeOfficials(t.ctx, t.tx, o.UnitID, o.ID)
	if err != nil {
		return err
	}
	var msgs []store.OutMessage
	for _, to := range office {
		unit, id := o.UnitID, to.ID
		msgs = append(msgs, store.OutMessage{
			UnitID:     &unit,
			OfficialID: &id,
			ChatID:     *to.TelegramChatID,
			DedupeKey:  dedupe + ":" + strconv.FormatInt(to.ID, 10),
			Kind:       "notice",
			Payload:    store.Payload{Text: text(t.printerFor(to))},
			NotBefore:  t.now,
		})
	}
	_, err = store.EnqueueMany(t.ctx, t.tx, msgs)
	return err
}

// tellPreviousChat tells the chat a relink moved the official away from
// that it no longer receives the official's messages, and whom to contact.
func (t *turn) tellPreviousChat(link store.Link) error {
	o := link.Official
	office, err := store.OfficeOfficials(t.ctx, t.tx, o.UnitID)
	if err != nil {
		return err
	}
	p := t.printerFor(o)
	var names []string
	for _, to := range office {
		if to.ID != o.ID {
			names = append(names, to.Name)
		}
	}
	unit := o.UnitID
	_, err = store.Enqueue(t.ctx, t.tx, store.OutMessage{
		UnitID:    &unit,
		ChatID:    link.PreviousChatID,
		DedupeKey: "relinked:" + strconv.FormatInt(link.InviteID, 10) + ":previous",
		Kind:      "notice",
		Payload:   store.Payload{Text: message.MovedAway(p, o.Name, names, link.PreviousChatID, t.chatID)},
		NotBefore: t.now,
	})
	return err
}

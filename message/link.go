package message

import (
	"strings"

	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/tghtml"
)

// Account is the messenger account that sent a link code, as the office
// is told about it.
type Account struct {
	// Chat is the chat the code came from: its id names the messenger
	// (store.ChatChannel).
	Chat     int64
	Username string // Telegram: without "@"; Zalo: the display name; may be empty
	ID       int64
}

// Messenger is the name people know the channel of chat chatID by:
// "Zalo" or "Telegram".
func Messenger(chatID int64) string {
	if store.ChatChannel(chatID) == store.ChannelZalo {
		return "Zalo"
	}
	return "Telegram"
}

// account describes a for the office: its messenger, then its username
// (Telegram) or display name (Zalo) and id, or its id.
func account(pr *i18n.Printer, a Account) string {
	m := Messenger(a.Chat)
	switch {
	case a.Username == "":
		return pr.T("bot.account_id", m, a.ID)
	case store.ChatChannel(a.Chat) == store.ChannelZalo:
		return pr.T("bot.account_named", m, tghtml.Escape(a.Username), a.ID)
	}
	return pr.T("bot.account_username", m, tghtml.Escape(a.Username), a.ID)
}

// LinkedNotice tells the office that the official (name, key) linked the
// account a.
func LinkedNotice(pr *i18n.Printer, name, key string, a Account) string {
	return pr.T("bot.link_notice_linked", tghtml.Escape(name), key, account(pr, a))
}

// RelinkedNotice tells the office that the official (name, key) moved to
// the account a with a relink code.
func RelinkedNotice(pr *i18n.Printer, name, key string, a Account) string {
	return pr.T("bot.link_notice_relinked", tghtml.Escape(name), key, account(pr, a), key)
}

// LinkRefusedNotice tells the office that the account a tried a code of
// the official (name, key), who is linked to another chat.
func LinkRefusedNotice(pr *i18n.Printer, name, key string, a Account) string {
	return pr.T("bot.link_notice_refused", tghtml.Escape(name), key, account(pr, a), key, key)
}

// GroupLinkNotice tells the office that the account a sent the code of the
// official (name, key) in a group chat, and that the code was revoked.
func GroupLinkNotice(pr *i18n.Printer, name, key string, a Account) string {
	return pr.T("bot.link_notice_group", tghtml.Escape(name), key, Messenger(a.Chat), account(pr, a), key)
}

// MovedAway tells the chat oldChat, which a relink moved the official name
// away from to the chat newChat, that it no longer receives the official's
// messages, and whom of the office (office, by name; may be empty) to
// contact.
func MovedAway(pr *i18n.Printer, name string, office []string, oldChat, newChat int64) string {
	contact := pr.T("bot.contact_office")
	if len(office) > 0 {
		names := make([]string, len(office))
		for i, n := range office {
			names[i] = tghtml.Escape(n)
		}
		contact = pr.T("bot.contact_office_named", strings.Join(names, ", "))
	}
	to := pr.T("bot.account_on", Messenger(newChat))
	if store.ChatChannel(oldChat) == store.ChatChannel(newChat) {
		to = pr.T("bot.account_other", Messenger(newChat))
	}
	return pr.T("bot.start_moved_away", tghtml.Escape(name), to, Messenger(oldChat), contact)
}

// LinkedElsewhere is the account an official refused a code is linked to,
// for bot.start_linked_elsewhere: another account of the messenger of the
// chat the code came from (chat), or an account of the other messenger
// (linkedChat).
func LinkedElsewhere(pr *i18n.Printer, chat, linkedChat int64) string {
	if linkedChat != 0 && store.ChatChannel(chat) != store.ChatChannel(linkedChat) {
		return pr.T("bot.account_on", Messenger(linkedChat))
	}
	return pr.T("bot.account_other", Messenger(chat))
}

// BotRef names a Telegram bot for a message: a link to open it when its
// username is known, else its configured name.
func BotRef(username, name string) HTML {
	if username == "" {
		return HTML("«" + tghtml.Escape(name) + "»")
	}
	return HTML(`<a href="https://t.me/` + tghtml.Escape(username) + `">@` + tghtml.Escape(username) + `</a>`)
}

// UseUnitBot is the Telegram HTML note, to an official just linked through
// a bot other than the one of their unit, naming the unit's bot (username
// from getMe, "" when unknown; name from config telegram.bots).
func UseUnitBot(pr *i18n.Printer, username, name string) string {
	return Say(pr, "bot.use_unit_bot", BotRef(username, name))
}

package message

import (
	"strings"

	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/tghtml"
)

// Account is the Telegram account that sent /start, as the office is told
// about it.
type Account struct {
	Username string // without "@"; may be empty
	ID       int64
}

// account describes a for the office: its username and id, or its id.
func account(pr *i18n.Printer, a Account) string {
	if a.Username != "" {
		return pr.T("bot.account_username", tghtml.Escape(a.Username), a.ID)
	}
	return pr.T("bot.account_id", a.ID)
}

// LinkedNotice tells the office that the official (name, key) linked the
// Telegram account a.
func LinkedNotice(pr *i18n.Printer, name, key string, a Account) string {
	return pr.T("bot.link_notice_linked", tghtml.Escape(name), key, account(pr, a))
}

// RelinkedNotice tells the office that the official (name, key) moved to
// the Telegram account a with a relink code.
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
	return pr.T("bot.link_notice_group", tghtml.Escape(name), key, account(pr, a), key)
}

// MovedAway tells the chat a relink moved the official name away from that
// it no longer receives the official's messages, and whom of the office
// (office, by name; may be empty) to contact.
func MovedAway(pr *i18n.Printer, name string, office []string) string {
	contact := pr.T("bot.contact_office")
	if len(office) > 0 {
		names := make([]string, len(office))
		for i, n := range office {
			names[i] = tghtml.Escape(n)
		}
		contact = pr.T("bot.contact_office_named", strings.Join(names, ", "))
	}
	return pr.T("bot.start_moved_away", tghtml.Escape(name), contact)
}

package message

import (
	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/tghtml"
)

// Unreachable returns the builder of the notice telling an office official
// that an official can no longer be reached on the messenger of their chat
// (Telegram or Zalo), in the office
// official's language or else lang. The bot and the delivery worker both
// give it to store.MarkUnreachable.
func Unreachable(lang i18n.Lang) store.UnreachableNotice {
	return func(to, who plan.Official) store.Payload {
		l := i18n.Lang(to.Language)
		if l == "" {
			l = lang
		}
		p := i18n.New(l)
		messenger := "Telegram"
		if who.TelegramChatID != nil {
			messenger = Messenger(*who.TelegramChatID)
		}
		return store.Payload{Text: p.T("bot.unreachable_notice", tghtml.Escape(who.Name), tghtml.Escape(who.Key), messenger)}
	}
}

package i18n

// botsMessages are the texts of several Telegram bots (config
// telegram.bots): an official moving to the bot of their unit, and the
// office's notices of officials who must start it, of a bot whose token
// Telegram refuses and of messages waiting for a bot no longer configured.
func botsMessages() map[Key]Entry {
	return map[Key]Entry{
		// The official's name.
		"bot.start_moved": {
			VI: "✅ Từ nay <b>%s</b> nhận nhắc việc và gửi báo cáo qua bot này. Các tin đang chờ sẽ được gửi tại đây. Gõ /viec để xem việc của mình.",
			EN: "✅ From now on <b>%s</b> gets reminders and reports through this bot. Messages waiting are delivered here. Send /tasks to see your tasks.",
		},
		// The unit's bot: a link to open it (or its name), then its name.
		"bot.use_unit_bot": {
			VI: "ℹ️ Đơn vị của đồng chí dùng bot %s. Đề nghị mở bot đó và bấm <b>Bắt đầu</b> (Start): nhắc việc sẽ chuyển sang bot đó. Cho đến lúc ấy, đồng chí vẫn nhận tin qua bot này.",
			EN: "ℹ️ Your unit uses the bot %s. Please open it and press <b>Start</b>: reminders then move there. Until then you get them through this bot.",
		},
		// The unit's name, the new bot (link or name), the number of
		// officials, their names.
		"server.bot_relink": {
			VI: "🔁 Đơn vị <b>%s</b> nay nhận nhắc việc qua bot %s. %d cán bộ chưa mở bot này: %s. Đề nghị các đồng chí ấy mở bot và bấm <b>Bắt đầu</b> (Start); khi đó tin nhắn tự chuyển sang bot mới. Cho đến lúc ấy, tin nhắn của họ vẫn đi qua bot cũ, hoặc được giữ lại (không mất) nếu bot cũ đã ngừng.",
			EN: "🔁 Unit <b>%s</b> now gets reminders through the bot %s. %d officials have not opened it yet: %s. Please ask them to open it and press <b>Start</b>; their messages then move to the new bot. Until then they still go through the old bot, or are held (not lost) if the old bot was retired.",
		},
		// The bot's name, its username (or name), the cause (escaped), the
		// environment variable of its token.
		"server.telegram_refused": {
			VI: "⚠️ Telegram từ chối mã truy cập (token) của bot «%s» (%s): %s. Tin nhắn gửi qua bot này đang được giữ lại, không mất, và sẽ được gửi khi mã được sửa: cập nhật token của bot trong <code>telegram.bots</code> (hoặc %s) rồi khởi động lại dịch vụ.",
			EN: "⚠️ Telegram refused the token of the bot “%s” (%s): %s. Messages through this bot are held, not lost, and go out once it is fixed: update the bot's token in <code>telegram.bots</code> (or %s) and restart the service.",
		},
	}
}

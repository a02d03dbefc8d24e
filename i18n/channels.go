package i18n

// channelMessages are the texts of serve about its channels: the office
// notice when a messenger refuses the bot's token, and what `invite` prints
// about finding the bot on Zalo.
func channelMessages() map[Key]Entry {
	return map[Key]Entry{
		// The cause (escaped), then the number of the unit's officials on Zalo.
		"server.zalo_refused": {
			VI: "⚠️ Nền tảng Zalo từ chối mã truy cập (token) của bot nhắc việc (%s). Tin nhắn gửi qua Zalo đang được giữ lại, không mất, và sẽ được gửi khi mã được sửa: cập nhật <code>zalo.token</code> (hoặc NHACVIEC_ZALO_TOKEN) rồi khởi động lại dịch vụ. Đơn vị có %d cán bộ nhận nhắc việc qua Zalo.",
			EN: "⚠️ The Zalo platform refused the reminder bot's token (%s). Messages to Zalo are held, not lost, and go out once it is fixed: update <code>zalo.token</code> (or NHACVIEC_ZALO_TOKEN) and restart the service. The unit has %d officials on Zalo.",
		},
		// The bot's name in Zalo.
		"invite.zalo_find": {
			VI: "Trên Zalo: tìm bot «%s», bấm Quan tâm/Nhắn tin, rồi gửi mã kết nối ở trên (chỉ mã, hoặc /start MÃ) trong tin nhắn riêng với bot.",
			EN: "On Zalo: search for the bot “%s”, open a chat with it, then send the link code above (the code alone, or /start CODE) in a private chat with the bot.",
		},
		// The QR code's link.
		"invite.zalo_qr": {
			VI: "Hoặc quét mã QR của bot trên Zalo: %s",
			EN: "Or scan the bot's QR code in Zalo: %s",
		},
	}
}

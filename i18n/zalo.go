package i18n

// zaloMessages are the lines the Zalo channel adds to a message in place
// of what the platform cannot carry: a workbook or report (as a link, or
// where to get it) and a picture.
func zaloMessages() map[Key]Entry {
	return map[Key]Entry{
		// A published file: its name, until when the link answers
		// (zalo.until), its URL on a line of its own.
		"zalo.file_link": {
			VI: "📎 Tệp «%s» (tải về được đến %s):\n%s",
			EN: "📎 File «%s» (downloadable until %s):\n%s",
		},
		// A file that is not sent: its name.
		"zalo.file_unsent": {
			VI: "📎 Tệp «%s» không gửi được qua Zalo: hãy nhận qua thư điện tử của Văn phòng, xem trên Telegram hoặc hỏi Văn phòng UBND.",
			EN: "📎 The file «%s» cannot be sent on Zalo: get it by e-mail from the office, on Telegram, or ask the People's Committee office.",
		},
		"zalo.photo_unsent": {
			VI: "🖼 Ảnh kèm theo không gửi được qua Zalo.",
			EN: "🖼 The attached picture cannot be sent on Zalo.",
		},
		// An instant: the time (15:04), the date (DD/MM/YYYY).
		"zalo.until": {VI: "%s ngày %s", EN: "%s on %s"},
	}
}

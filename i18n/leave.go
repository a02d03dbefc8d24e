package i18n

// leaveMessages are the texts of leave and stand-ins: the line heading a
// message sent to a stand-in, and the bot command /nghiphep (/leave).
func leaveMessages() map[Key]Entry {
	return map[Key]Entry{
		"jobs.leave.on_behalf": {VI: "Thay đồng chí %s (nghỉ phép đến %s)", EN: "On behalf of %s (on leave until %s)"},

		"bot.leave.usage": {
			VI: "Cách dùng:\n<code>/nghiphep DD/MM/YYYY DD/MM/YYYY [NGƯỜI_THAY]</code> — đăng ký nghỉ phép của mình (người thay: mã cán bộ, không bắt buộc)\n" +
				"<code>/nghiphep MÃ DD/MM/YYYY DD/MM/YYYY [NGƯỜI_THAY]</code> — Văn phòng hoặc Chủ tịch đăng ký cho cán bộ khác\n" +
				"<code>/nghiphep huy [MÃ]</code> — kết thúc (hoặc hủy) đợt nghỉ hiện tại hoặc sắp tới\n" +
				"<code>/nghiphep</code> — danh sách nghỉ phép hiện tại và sắp tới",
			EN: "Usage:\n<code>/leave DD/MM/YYYY DD/MM/YYYY [STAND_IN]</code> — record your own leave (stand-in: an official's key, optional)\n" +
				"<code>/leave KEY DD/MM/YYYY DD/MM/YYYY [STAND_IN]</code> — the office or the Chairman records another official's leave\n" +
				"<code>/leave cancel [KEY]</code> — end (or cancel) the current or next leave\n" +
				"<code>/leave</code> — current and future leaves",
		},
		"bot.leave.bad_date": {
			VI: "Ngày %s không hợp lệ: hãy viết DD/MM/YYYY, ví dụ 05/01/2026.",
			EN: "The date %s is not valid: write DD/MM/YYYY, e.g. 05/01/2026.",
		},
		"bot.leave.unknown_official": {
			VI: "Không có cán bộ, công chức mã %s trong đơn vị. Gõ /nghiphep để xem cách dùng.",
			EN: "There is no official with the key %s in the unit. Send /leave for the usage.",
		},
		"bot.leave.not_allowed": {
			VI: "Chỉ Văn phòng hoặc Chủ tịch đăng ký, kết thúc nghỉ phép cho cán bộ khác; bạn có thể đăng ký cho mình: <code>/nghiphep DD/MM/YYYY DD/MM/YYYY</code>.",
			EN: "Only the office or the Chairman records or ends another official's leave; you can record your own: <code>/leave DD/MM/YYYY DD/MM/YYYY</code>.",
		},
		"bot.leave.dates": {
			VI: "Ngày kết thúc %s trước ngày bắt đầu %s: chưa ghi nhận.",
			EN: "The end date %s is before the start date %s: nothing recorded.",
		},
		"bot.leave.overlap": {
			VI: "Đồng chí %s đã có đợt nghỉ phép từ %s đến %s trùng thời gian này: chưa ghi nhận. Kết thúc đợt đó trước (<code>/nghiphep huy</code>) nếu cần đổi.",
			EN: "%s already has a leave from %s to %s overlapping this one: nothing recorded. End that one first (<code>/leave cancel</code>) to change it.",
		},
		"bot.leave.standin_on_leave": {
			VI: "Người thay %s cũng nghỉ phép từ %s đến %s: chưa ghi nhận. Hãy chọn người thay khác.",
			EN: "The stand-in %s is on leave too, from %s to %s: nothing recorded. Choose another stand-in.",
		},
		"bot.leave.standin_self": {
			VI: "Người thay phải là cán bộ khác, không phải chính người nghỉ phép: chưa ghi nhận.",
			EN: "The stand-in must be another official, not the one on leave: nothing recorded.",
		},
		"bot.leave.standin_unit": {
			VI: "Người thay phải là cán bộ, công chức của cùng đơn vị: chưa ghi nhận.",
			EN: "The stand-in must be an official of the same unit: nothing recorded.",
		},
		"bot.leave.recorded": {
			VI: "✅ Đã ghi nhận nghỉ phép của đồng chí <b>%s</b> từ %s đến %s; người thay: <b>%s</b>. Nhắc việc trong thời gian nghỉ được gửi cho người thay.",
			EN: "✅ Leave recorded for <b>%s</b> from %s to %s; stand-in: <b>%s</b>. Reminders during the leave go to the stand-in.",
		},
		"bot.leave.recorded_alone": {
			VI: "✅ Đã ghi nhận nghỉ phép của đồng chí <b>%s</b> từ %s đến %s, không có người thay: nhắc việc trong thời gian nghỉ được gửi vào ngày làm việc đầu tiên khi trở lại.",
			EN: "✅ Leave recorded for <b>%s</b> from %s to %s, without a stand-in: reminders during the leave are sent on the first working day back.",
		},
		"bot.leave.cancelled": {
			VI: "✅ Đã hủy đợt nghỉ phép của đồng chí <b>%s</b> từ %s đến %s.",
			EN: "✅ The leave of <b>%s</b> from %s to %s is cancelled.",
		},
		"bot.leave.ended": {
			VI: "✅ Đã kết thúc đợt nghỉ phép của đồng chí <b>%s</b> (từ %s) vào ngày %s; nhắc việc từ hôm nay gửi trực tiếp.",
			EN: "✅ The leave of <b>%s</b> (from %s) now ends on %s; reminders from today go to them directly.",
		},
		"bot.leave.none": {
			VI: "Đồng chí %s không có đợt nghỉ phép hiện tại hay sắp tới.",
			EN: "%s has no current or future leave.",
		},
		"bot.leave.list_none":   {VI: "Không có ai đang hoặc sắp nghỉ phép.", EN: "Nobody is or will be on leave."},
		"bot.leave.list_header": {VI: "<b>Nghỉ phép hiện tại và sắp tới</b>", EN: "<b>Current and future leaves</b>"},
		"bot.leave.list_line":   {VI: "• %s: %s – %s, người thay: %s", EN: "• %s: %s – %s, stand-in: %s"},
		"bot.leave.no_standin":  {VI: "không có", EN: "none"},
		"bot.tasks_on_behalf":   {VI: "   (thay đồng chí %s, nghỉ phép)", EN: "   (on behalf of %s, on leave)"},
	}
}

package i18n

// typedMessages are the texts of a channel without buttons and replies
// (Zalo), where people type what they would press or reply on Telegram:
// the hints shown instead of buttons (plain text), the help, and the
// answers to typed replies and approvals (Telegram HTML, as the bot's
// other answers).
func typedMessages() map[Key]Entry {
	return map[Key]Entry{
		// Hints (store.Payload.Hint): plain text.
		"hint.reminder": {
			VI: "Trả lời bằng cách gõ: «xong», «60%» hoặc «60% ghi chú» để báo tiến độ; «gia hạn DD/MM/YYYY lý do» để xin gia hạn; «hoãn» hoặc «hoãn 3» để hoãn nhắc 1 hoặc 3 ngày làm việc.",
			EN: "Answer by typing: «done», «60%» or «60% note» to report progress; «extend DD/MM/YYYY reason» to ask for more time; «snooze» or «snooze 3» to snooze for 1 or 3 working days.",
		},
		"hint.assign": {
			VI: "Giao việc: gõ «giao MÃ», MÃ là một trong: %s.",
			EN: "To assign it, type «giao KEY», KEY one of: %s.",
		},
		"hint.assign_item": {
			VI: "Giao nhiệm vụ %d: gõ «%d giao MÃ», MÃ là một trong: %s.",
			EN: "To assign task %d, type «%d giao KEY», KEY one of: %s.",
		},
		"hint.assign_option": {VI: "%s (%s)", EN: "%s (%s)"},
		"hint.approval": {
			VI: "Trả lời «đồng ý %[1]d» hoặc «không đồng ý %[1]d».",
			EN: "Answer «approve %[1]d» or «reject %[1]d».",
		},
		"jobs.brief.hint_typed": {
			VI: "Gõ số thứ tự và tiến độ, ví dụ \"2: 60%\", \"2 xong\" hoặc \"1 40% chờ số liệu\"; \"2 gia hạn DD/MM/YYYY lý do\" để xin gia hạn; \"2 hoãn\" hoặc \"2 hoãn 3\" để hoãn nhắc 1 hoặc 3 ngày làm việc.",
			EN: "Type the number and the progress, e.g. \"2: 60%\", \"2 done\" or \"1 40% waiting for figures\"; \"2 extend DD/MM/YYYY reason\" to ask for more time; \"2 snooze\" or \"2 snooze 3\" to snooze for 1 or 3 working days.",
		},

		// Help.
		"bot.help_typed": {
			VI: "<b>Hướng dẫn sử dụng bot nhắc việc</b>\n" +
				"• Tin nhắc việc và danh sách /viec đánh số các nhiệm vụ. Để báo cáo, gõ số thứ tự và tiến độ: <code>2: 60%</code>, <code>2 xong</code>, <code>1 40% chờ số liệu</code>. Khi tin nhắc gần nhất chỉ có một nhiệm vụ, gõ <code>60%</code> hoặc <code>xong</code>. Số thứ tự là của tin nhắc việc hoặc danh sách gần nhất bạn nhận được.\n" +
				"• Minh chứng: gửi ảnh kèm chú thích có số thứ tự, ví dụ <code>2</code> hoặc <code>2 xong</code>.\n" +
				"• Hoãn nhắc (không quá hạn): <code>2 hoãn</code> (1 ngày làm việc) hoặc <code>2 hoãn 3</code> (3 ngày làm việc).\n" +
				"• Xin gia hạn trước hạn: <code>2 gia hạn DD/MM/YYYY lý do</code>; người phê duyệt là lãnh đạo phụ trách lĩnh vực, nếu không có thì Chủ tịch. Người phê duyệt gõ <code>đồng ý N</code> hoặc <code>không đồng ý N</code>, N là số của đề nghị ghi trong tin nhắn.\n" +
				"• Trưởng phòng giao nhiệm vụ của phòng: <code>2 giao MÃ_CÁN_BỘ</code>.\n" +
				"/viec — nhiệm vụ đang thực hiện của tôi; <code>/viec MÃ_NHIỆM_VỤ</code> — tiến độ và gia hạn của một nhiệm vụ\n" +
				"/baocao — báo cáo kết quả chỉ tiêu\n" +
				"/quahan — nhiệm vụ quá hạn\n" +
				"/nghiphep — nghỉ phép và người thay (<code>/nghiphep DD/MM/YYYY DD/MM/YYYY [NGƯỜI_THAY]</code>, <code>/nghiphep huy</code>)\n" +
				"/trogiup — hướng dẫn này",
			EN: "<b>How to use the reminder bot</b>\n" +
				"• Reminders and the /tasks list number their tasks. To report, type the number and the progress: <code>2: 60%</code>, <code>2 done</code>, <code>1 40% waiting for figures</code>. When the latest reminder is about one task, type <code>60%</code> or <code>done</code>. The numbers are those of the latest reminder or list you received.\n" +
				"• Evidence: send a photo with a caption holding the number, e.g. <code>2</code> or <code>2 done</code>.\n" +
				"• Snooze (never past the due date): <code>2 snooze</code> (1 working day) or <code>2 snooze 3</code> (3 working days).\n" +
				"• Ask for more time before the due date: <code>2 extend DD/MM/YYYY reason</code>; the area's supervisor, else the chairman, decides by typing <code>approve N</code> or <code>reject N</code>, N being the request's number shown in its message.\n" +
				"• A department's head assigns its task: <code>2 giao OFFICIAL_KEY</code>.\n" +
				"/tasks — my open tasks; <code>/tasks TASK_KEY</code> — a task's progress and extensions\n" +
				"/report — report target readings\n" +
				"/overdue — overdue tasks\n" +
				"/leave — leave and stand-ins (<code>/leave DD/MM/YYYY DD/MM/YYYY [STAND_IN]</code>, <code>/leave cancel</code>)\n" +
				"/help — this help",
		},

		// Typed replies.
		"bot.not_reply_typed": {
			VI: "Để báo cáo tiến độ, gõ số thứ tự của nhiệm vụ trong tin nhắc việc (hoặc danh sách /viec) và tiến độ, ví dụ <code>2: 60%</code>, <code>2 xong</code> hoặc <code>1 40% chờ số liệu</code>; khi tin nhắc chỉ có một nhiệm vụ, gõ <code>60%</code> hoặc <code>xong</code>. Gõ /viec để xem nhiệm vụ của bạn, /trogiup để xem hướng dẫn.",
			EN: "To report progress, type the task's number in the reminder (or the /tasks list) and the progress, e.g. <code>2: 60%</code>, <code>2 done</code> or <code>1 40% waiting for figures</code>; when the reminder is about one task, type <code>60%</code> or <code>done</code>. Send /tasks for your tasks, /help for instructions.",
		},
		"bot.typed_nothing": {
			VI: "Chưa có tin nhắc việc nào để trả lời. Gõ /viec để xem danh sách nhiệm vụ của bạn, rồi gõ số thứ tự và tiến độ, ví dụ <code>2: 60%</code> hoặc <code>1 xong</code>. Chưa ghi nhận gì.",
			EN: "There is no reminder to answer yet. Send /tasks for the list of your tasks, then type a number and the progress, e.g. <code>2: 60%</code> or <code>1 done</code>. Nothing recorded.",
		},
		"bot.typed_unreadable": {
			VI: "Bot chỉ đọc được tin nhắn chữ và ảnh. Để báo cáo tiến độ, gõ ví dụ <code>2: 60%</code> hoặc <code>2 xong</code>; để gửi minh chứng, gửi ảnh kèm chú thích có số thứ tự, ví dụ <code>2 xong</code>. Gõ /trogiup để xem hướng dẫn. Chưa ghi nhận gì.",
			EN: "The bot reads only text and photos. To report progress, type e.g. <code>2: 60%</code> or <code>2 done</code>; to send evidence, send a photo with a caption holding the task's number, e.g. <code>2 done</code>. Send /help for instructions. Nothing recorded.",
		},
		"bot.typed_photo": {
			VI: "Đã nhận ảnh nhưng chưa rõ là minh chứng của nhiệm vụ nào, nên chưa lưu. Hãy gửi lại ảnh kèm chú thích có số thứ tự của nhiệm vụ, ví dụ <code>2</code> hoặc <code>2 xong</code>.",
			EN: "Photo received, but it does not say which task it is evidence for, so it was not kept. Send it again with a caption holding the task's number, e.g. <code>2</code> or <code>2 done</code>.",
		},

		// Typed approvals.
		"bot.ext.typed_usage": {
			VI: "Để quyết định một đề nghị gia hạn, gõ <code>đồng ý N</code> hoặc <code>không đồng ý N</code>, N là số của đề nghị ghi trong tin nhắn đề nghị gia hạn. Không có gì thay đổi.",
			EN: "To decide an extension request, type <code>approve N</code> or <code>reject N</code>, N being the request's number shown in its message. Nothing changed.",
		},
		"bot.ext.unknown_request": {
			VI: "Không có đề nghị gia hạn số %d. Hãy xem số ghi trong tin nhắn đề nghị gia hạn. Không có gì thay đổi.",
			EN: "There is no extension request number %d. Check the number shown in the request's message. Nothing changed.",
		},
	}
}

package i18n

// botMessages are the texts of the Telegram conversation: linking, commands,
// confirmations and errors. They are Telegram HTML: arguments marked
// "escaped" must be escaped by the caller.
func botMessages() map[Key]Entry {
	return map[Key]Entry{
		// Linking (/start).
		"bot.start_linked": {
			VI: "✅ Đã kết nối tài khoản %s với <b>%s</b> — %s.\nTừ nay bạn sẽ nhận nhắc việc tại đây. %s",
			EN: "✅ Your %s account is now linked to <b>%s</b> — %s.\nYou will get task reminders here. %s",
		},
		// How to answer, after linking: on a channel with replies, and on one
		// without (Zalo), where replies are typed.
		"bot.start_linked_how": {
			VI: "Trả lời (reply) tin nhắn nhắc việc để báo cáo tiến độ; gõ /trogiup để xem hướng dẫn.",
			EN: "Reply to a reminder to report progress; send /help for instructions.",
		},
		"bot.start_linked_how_typed": {
			VI: "Để báo cáo tiến độ, gõ số thứ tự của nhiệm vụ trong tin nhắc việc và tiến độ, ví dụ <code>1 xong</code> hoặc <code>2: 60%</code>; gõ /trogiup để xem hướng dẫn.",
			EN: "To report progress, type the task's number in the reminder and the progress, e.g. <code>1 done</code> or <code>2: 60%</code>; send /help for instructions.",
		},
		"bot.start_already": {
			VI: "Tài khoản %s này đã được kết nối với <b>%s</b>. Gõ /trogiup để xem hướng dẫn.",
			EN: "This %s account is already linked to <b>%s</b>. Send /help for instructions.",
		},
		"bot.start_no_code": {
			VI: "Xin chào! Đây là bot nhắc việc cải cách hành chính của UBND phường.\nĐể sử dụng, bạn cần mã kết nối do Văn phòng UBND phường cấp: mở đường link được gửi cho bạn, hoặc gõ <code>/start MÃ_KẾT_NỐI</code>.",
			EN: "Hello! This is the administrative-reform reminder bot of the ward People's Committee.\nTo use it you need a link code from the ward office: open the link you were given, or send <code>/start CODE</code>.",
		},
		"bot.start_no_code_typed": {
			VI: "Xin chào! Đây là bot nhắc việc cải cách hành chính của UBND phường.\nĐể sử dụng, bạn cần mã kết nối do Văn phòng UBND phường cấp: gửi mã đó trong tin nhắn riêng với bot (chỉ gõ mã, hoặc <code>/start MÃ_KẾT_NỐI</code>).",
			EN: "Hello! This is the administrative-reform reminder bot of the ward People's Committee.\nTo use it you need a link code from the ward office: send it in a private chat with the bot (the code alone, or <code>/start CODE</code>).",
		},
		"bot.start_invalid": {
			VI: "Mã kết nối không hợp lệ. Vui lòng kiểm tra lại, hoặc liên hệ Văn phòng UBND phường để được cấp mã mới.",
			EN: "This link code is not valid. Please check it, or ask the ward office for a new one.",
		},
		"bot.start_used": {
			VI: "Mã kết nối này đã được sử dụng; mỗi mã chỉ dùng được một lần. Vui lòng liên hệ Văn phòng UBND phường để được cấp mã mới.",
			EN: "This link code has already been used; each code works once. Please ask the ward office for a new one.",
		},
		"bot.start_expired": {
			VI: "Mã kết nối đã hết hạn. Vui lòng liên hệ Văn phòng UBND phường để được cấp mã mới.",
			EN: "This link code has expired. Please ask the ward office for a new one.",
		},
		"bot.start_rate_limited": {
			VI: "Bạn đã nhập sai mã kết nối quá nhiều lần. Vui lòng thử lại sau %d phút, hoặc liên hệ Văn phòng UBND phường.",
			EN: "Too many wrong link codes. Please try again in %d minutes, or contact the ward office.",
		},
		"bot.start_revoked": {
			VI: "Mã kết nối này đã bị thu hồi (đã có mã mới thay thế, hoặc mã đã bị lộ). Vui lòng dùng mã mới nhất được cấp cho bạn, hoặc liên hệ Văn phòng UBND phường để được cấp mã mới.",
			EN: "This link code has been revoked (a newer code replaced it, or it was exposed). Please use the latest code you were given, or ask the ward office for a new one.",
		},
		"bot.start_linked_elsewhere": {
			VI: "Cán bộ, công chức của mã này đã được kết nối với %s, nên mã không được chấp nhận. Nếu bạn cần chuyển sang tài khoản này, vui lòng đề nghị Văn phòng UBND phường cấp mã chuyển tài khoản.",
			EN: "The official of this code is already linked to %s, so the code is refused. If you need to move to this account, please ask the ward office for a code that moves the account.",
		},
		"bot.start_private_only": {
			VI: "Chỉ kết nối được trong tin nhắn riêng với bot, không kết nối trong nhóm: nhắc việc của một cán bộ không gửi cho cả nhóm. Vui lòng mở bot và gửi mã trong tin nhắn riêng.",
			EN: "Linking works only in a private chat with the bot, not in a group: an official's reminders are not sent to a whole group. Please open the bot and send the code in a private chat.",
		},
		"bot.start_private_only_revoked": {
			VI: "Mã vừa gửi đã bị thu hồi vì mọi người trong nhóm đều đã nhìn thấy; vui lòng đề nghị Văn phòng UBND phường cấp mã mới.",
			EN: "The code just sent has been revoked, as everyone in the group has seen it; please ask the ward office for a new one.",
		},
		// To the chat an official was moved away from (invite KEY --relink).
		// Arguments: the official (escaped), the account moved to
		// (bot.account_other or bot.account_on), the messenger of this chat,
		// whom to contact (escaped).
		"bot.start_moved_away": {
			VI: "⚠️ Tài khoản cán bộ <b>%s</b> đã được chuyển sang %s bằng mã chuyển tài khoản do Văn phòng UBND phường cấp. Từ nay tài khoản %s này không còn nhận nhắc việc của cán bộ đó. Nếu bạn không đề nghị việc này, hãy liên hệ ngay %s.",
			EN: "⚠️ The official account <b>%s</b> has been moved to %s with a code issued by the ward office. This %s account will no longer receive that official's reminders. If you did not ask for this, contact %s at once.",
		},
		// Another account of the same messenger, or an account of another
		// one. Argument: the messenger ("Telegram", "Zalo").
		"bot.account_other": {VI: "một tài khoản %s khác", EN: "another %s account"},
		"bot.account_on":    {VI: "một tài khoản %s", EN: "a %s account"},
		"bot.contact_office": {
			VI: "Văn phòng UBND phường",
			EN: "the ward office",
		},
		"bot.contact_office_named": {
			VI: "Văn phòng UBND phường (%s)",
			EN: "the ward office (%s)",
		},
		// An account in the office notices: the messenger, then the Telegram
		// @username (escaped) and id, or the Zalo display name (escaped) and
		// id, or the id alone.
		"bot.account_username": {VI: "%s @%s, ID %d", EN: "%s @%s, ID %d"},
		"bot.account_named":    {VI: "%s «%s», ID %d", EN: "%s «%s», ID %d"},
		"bot.account_id":       {VI: "%s ID %d", EN: "%s ID %d"},
		// Office notices about linking. Arguments: the official's name
		// (escaped), key, the account (which names its messenger), then the
		// key again for the commands; the group notice names the messenger
		// of the group before the account.
		"bot.link_notice_linked": {
			VI: "🔗 <b>%s</b> (%s) đã kết nối với bot nhắc việc qua tài khoản %s.",
			EN: "🔗 <b>%s</b> (%s) has linked to the reminder bot from the account %s.",
		},
		"bot.link_notice_relinked": {
			VI: "🔁 <b>%s</b> (%s) đã được chuyển sang tài khoản khác (%s) bằng mã chuyển tài khoản; tài khoản cũ đã được báo và không còn nhận tin. Nếu việc chuyển này không đúng, hãy cấp mã chuyển tài khoản cho đúng người: <code>nhacviec invite %s --relink</code>.",
			EN: "🔁 <b>%s</b> (%s) has been moved to another account (%s) with a relink code; the previous account was told and no longer receives messages. If this move is wrong, issue a relink code to the right person: <code>nhacviec invite %s --relink</code>.",
		},
		"bot.link_notice_refused": {
			VI: "⚠️ Đã từ chối một mã kết nối của <b>%s</b> (%s) gửi từ một tài khoản khác (%s), vì cán bộ này đang kết nối với tài khoản của mình. Nếu đúng là cán bộ đổi tài khoản, hãy cấp mã chuyển tài khoản: <code>nhacviec invite %s --relink</code>; nếu không, mã đã bị lộ: thu hồi bằng <code>nhacviec invite revoke %s</code>.",
			EN: "⚠️ Refused a link code of <b>%s</b> (%s) sent from another account (%s), as this official is linked to their own account. If the official did change accounts, issue a relink code: <code>nhacviec invite %s --relink</code>; if not, the code was exposed: revoke it with <code>nhacviec invite revoke %s</code>.",
		},
		"bot.link_notice_group": {
			VI: "⚠️ Mã kết nối của <b>%s</b> (%s) đã được gửi trong một nhóm %s, từ tài khoản %s, nên đã bị thu hồi. Hãy cấp mã mới và đề nghị cán bộ gửi mã trong tin nhắn riêng với bot: <code>nhacviec invite %s</code>.",
			EN: "⚠️ The link code of <b>%s</b> (%s) was sent in a %s group, from the account %s, so it has been revoked. Issue a new code and ask the official to send it in a private chat with the bot: <code>nhacviec invite %s</code>.",
		},
		// Inbound limits (bot.Limits).
		"bot.slow_down": {
			VI: "⏳ Bạn gửi tin nhắn quá nhanh. Các lệnh tạm thời không được trả lời; tiến độ bạn báo cáo (trả lời tin nhắc việc) vẫn được ghi nhận nhưng không được xác nhận từng tin. Vui lòng chờ ít giây rồi gửi tiếp.",
			EN: "⏳ You are sending messages too fast. Commands are not answered for now; progress you report (replies to reminders) is still recorded but not confirmed one by one. Please wait a few seconds before sending more.",
		},
		"bot.unlinked": {
			VI: "Tài khoản %s này chưa được kết nối với cán bộ, công chức nào của UBND phường. Vui lòng dùng mã kết nối do Văn phòng UBND phường cấp: %s.",
			EN: "This %s account is not linked to any official of the ward People's Committee. Please use the link code from the ward office: %s.",
		},
		// How to send a link code: on Telegram, and on Zalo.
		"bot.unlinked_how": {
			VI: "<code>/start MÃ_KẾT_NỐI</code>",
			EN: "<code>/start CODE</code>",
		},
		"bot.unlinked_how_typed": {
			VI: "gửi mã đó (chỉ gõ mã) hoặc <code>/start MÃ_KẾT_NỐI</code>",
			EN: "send the code alone or <code>/start CODE</code>",
		},

		// Help.
		"bot.help": {
			VI: "<b>Hướng dẫn sử dụng bot nhắc việc</b>\n" +
				"• Trả lời (reply) tin nhắn nhắc việc để báo cáo tiến độ: <code>60%</code>, <code>80% đã trình ký</code>, <code>xong</code> hoặc <code>hoàn thành</code>; nội dung khác được ghi là ý kiến; gửi ảnh hoặc tệp để lưu minh chứng.\n" +
				"• Bấm các nút 25% / 50% / 75% / ✅ Hoàn thành dưới tin nhắn nhắc việc; ⏰ 1 ngày / ⏰ 3 ngày để tạm hoãn nhắc (không quá hạn).\n" +
				"• Tin nhắc nhiều việc được đánh số: trả lời <code>2: 60%</code>, <code>2 xong</code>, <code>1 40% chờ số liệu</code>.\n" +
				"• Xin gia hạn trước hạn: trả lời <code>gia hạn DD/MM/YYYY lý do</code> (hoặc <code>2 gia hạn …</code>), hoặc bấm ⏳ Gia hạn; người phê duyệt là lãnh đạo phụ trách lĩnh vực, nếu không có thì Chủ tịch.\n" +
				"• Trưởng phòng giao nhiệm vụ của phòng: trả lời tin nhắc việc <code>giao MÃ_CÁN_BỘ</code> hoặc bấm tên người được giao.\n" +
				"/viec — nhiệm vụ đang thực hiện của tôi; <code>/viec MÃ_NHIỆM_VỤ</code> — tiến độ và gia hạn của một nhiệm vụ\n" +
				"/baocao — báo cáo kết quả chỉ tiêu\n" +
				"/quahan — nhiệm vụ quá hạn\n" +
				"/nghiphep — nghỉ phép và người thay (<code>/nghiphep DD/MM/YYYY DD/MM/YYYY [NGƯỜI_THAY]</code>, <code>/nghiphep huy</code>)\n" +
				"/trogiup — hướng dẫn này",
			EN: "<b>How to use the reminder bot</b>\n" +
				"• Reply to a reminder to report progress: <code>60%</code>, <code>80% sent for signature</code>, <code>done</code>; any other text is kept as a note; send a photo or a file to keep it as evidence.\n" +
				"• Press the 25% / 50% / 75% / ✅ Done buttons under a reminder; Snooze 1 day / Snooze 3 days (never past the due date).\n" +
				"• A reminder listing several tasks numbers them: reply <code>2: 60%</code>, <code>2 done</code>, <code>1 40% waiting for figures</code>.\n" +
				"• Ask for more time before the due date: reply <code>extend DD/MM/YYYY reason</code> (or <code>2 extend …</code>), or press ⏳ Extend; the area's supervisor, else the chairman, decides.\n" +
				"• A department's head assigns its task: reply to the reminder <code>giao OFFICIAL_KEY</code> or press the member's name.\n" +
				"/tasks — my open tasks; <code>/tasks TASK_KEY</code> — a task's progress and extensions\n" +
				"/report — report target readings\n" +
				"/overdue — overdue tasks\n" +
				"/leave — leave and stand-ins (<code>/leave DD/MM/YYYY DD/MM/YYYY [STAND_IN]</code>, <code>/leave cancel</code>)\n" +
				"/help — this help",
		},
		"bot.help_manager": {
			VI: "/tonghop — tổng hợp báo cáo kỳ hiện tại\n/chuabaocao — cán bộ, công chức chưa báo cáo trong kỳ\n/baocaoky — dự thảo báo cáo CCHC kỳ vừa qua (Word; Chủ tịch, Văn phòng)",
			EN: "/digest — digest of the current period\n/missing — officials who have not reported this period\n/periodreport — draft reform report of the last period (Word; chairman, office)",
		},
		"bot.unknown_command": {
			VI: "Không có lệnh %s.",
			EN: "There is no command %s.",
		},
		"bot.not_reply": {
			VI: "Để báo cáo tiến độ, hãy trả lời (reply) tin nhắn nhắc việc, ví dụ <code>60%</code>, <code>80% đã trình ký</code> hoặc <code>xong</code>. Gõ /viec để xem nhiệm vụ của bạn, /trogiup để xem hướng dẫn.",
			EN: "To report progress, reply to a reminder, e.g. <code>60%</code>, <code>80% sent for signature</code> or <code>done</code>. Send /tasks for your tasks, /help for instructions.",
		},
		"bot.error": {
			VI: "⚠️ Xin lỗi, đã có lỗi khi xử lý tin nhắn của bạn; nội dung chưa được ghi nhận. Vui lòng thử lại sau hoặc báo Văn phòng UBND phường.",
			EN: "⚠️ Sorry, something went wrong while handling your message; nothing was recorded. Please try again later or tell the ward office.",
		},
		"bot.refused": {
			VI: "Lệnh này chỉ dành cho Chủ tịch, Phó Chủ tịch và Văn phòng UBND phường.",
			EN: "This command is for the Chairman, the Vice-Chairmen and the ward office only.",
		},

		// Progress replies.
		"bot.reply_unknown_message": {
			VI: "Tin nhắn bạn trả lời không gắn với nhiệm vụ nào. Hãy trả lời tin nhắn nhắc việc, hoặc gõ /viec để xem danh sách nhiệm vụ.",
			EN: "The message you replied to is not about a task. Reply to a reminder, or send /tasks for the list of your tasks.",
		},
		"bot.reply_message_swept": {
			VI: "Tin nhắn bạn trả lời đã cũ nên không còn được lưu để ghi nhận tiến độ. Hãy gõ /viec để xem danh sách nhiệm vụ, rồi trả lời danh sách đó theo số thứ tự, ví dụ <code>2: 60%</code> hoặc <code>1 xong</code>.",
			EN: "The message you replied to is too old to be kept for progress replies. Send /tasks for the list of your tasks, then reply to that list by number, e.g. <code>2: 60%</code> or <code>1 done</code>.",
		},
		"bot.reply_pick_number": {
			VI: "Tin nhắn này liệt kê nhiều nhiệm vụ. Hãy ghi số thứ tự trước nội dung, ví dụ <code>2: 60%%</code> hoặc <code>1 xong</code>:\n%s",
			EN: "That message lists several tasks. Put the task's number first, e.g. <code>2: 60%%</code> or <code>1 done</code>:\n%s",
		},
		"bot.not_allowed": {
			VI: "Bạn không phải người chủ trì hoặc phối hợp thực hiện nhiệm vụ «%s», nên không thể cập nhật tiến độ. Không có thay đổi nào được ghi nhận.",
			EN: "You neither lead nor support the task «%s», so you cannot update it. Nothing was changed.",
		},
		"bot.task_gone": {
			VI: "Nhiệm vụ «%s» không còn trong kế hoạch; không có thay đổi nào được ghi nhận.",
			EN: "The task «%s» is no longer in the plan; nothing was changed.",
		},
		"bot.progress_percent": {
			VI: "✅ Đã ghi nhận tiến độ nhiệm vụ «%s» (hạn %s): <b>%d%%</b>.\nTình trạng: %s.",
			EN: "✅ Progress recorded for «%s» (due %s): <b>%d%%</b>.\nStatus: %s.",
		},
		"bot.progress_done": {
			VI: "✅ Đã ghi nhận <b>hoàn thành</b> nhiệm vụ «%s» (hạn %s).\nTình trạng: %s.",
			EN: "✅ Recorded «%s» (due %s) as <b>done</b>.\nStatus: %s.",
		},
		"bot.progress_note": {
			VI: "✅ Đã ghi nhận ý kiến về nhiệm vụ «%s» (hạn %s, tiến độ %d%%).\nTình trạng: %s.",
			EN: "✅ Note recorded for «%s» (due %s, progress %d%%).\nStatus: %s.",
		},
		"bot.progress_already_done": {
			VI: "Nhiệm vụ «%s» đã hoàn thành trước đó; nội dung của bạn được lưu vào lịch sử báo cáo, tiến độ không thay đổi.",
			EN: "The task «%s» was already done; your message is kept in its history, its progress is unchanged.",
		},
		"bot.progress_note_line": {
			VI: "Ý kiến: %s",
			EN: "Note: %s",
		},
		"bot.progress_evidence": {
			VI: "📎 Đã lưu minh chứng (%s).",
			EN: "📎 Evidence kept (%s).",
		},
		"bot.evidence_photo":    {VI: "ảnh", EN: "photo"},
		"bot.evidence_document": {VI: "tệp", EN: "file"},
		"bot.parse_range": {
			VI: "Tỷ lệ phần trăm phải từ 0% đến 100%. Ví dụ: <code>60%</code>, hoặc <code>xong</code> khi đã hoàn thành.",
			EN: "A percentage must be between 0% and 100%. For example <code>60%</code>, or <code>done</code> when finished.",
		},
		"bot.parse_empty": {
			VI: "Tin nhắn trống. Hãy ghi tiến độ (ví dụ <code>60%</code>), <code>xong</code>, một ý kiến, hoặc gửi ảnh/tệp minh chứng.",
			EN: "The message is empty. Send a percentage (e.g. <code>60%</code>), <code>done</code>, a note, or a photo/file as evidence.",
		},

		// Inline buttons (answerCallbackQuery, plain text, at most 200 characters).
		"bot.button_invalid": {VI: "Nút không hợp lệ.", EN: "Invalid button."},
		"bot.button_expired": {
			VI: "Nút này đã hết hạn. Hãy trả lời (reply) tin nhắn để báo tiến độ, hoặc dùng lệnh /viec.",
			EN: "This button has expired. Reply to the message to report progress, or use /tasks.",
		},
		"bot.button_already_done": {VI: "Nhiệm vụ đã hoàn thành.", EN: "The task is already done."},
		"bot.button_not_allowed":  {VI: "Bạn không được cập nhật nhiệm vụ này.", EN: "You may not update this task."},
		"bot.button_unlinked":     {VI: "Tài khoản chưa được kết nối.", EN: "This account is not linked."},
		"bot.button_recorded":     {VI: "Đã ghi nhận: %s", EN: "Recorded: %s"},
		"bot.button_done_label":   {VI: "hoàn thành", EN: "done"},
		"bot.button_no_change":    {VI: "Tiến độ hiện tại đã là %d%%; không có thay đổi.", EN: "Progress is already %d%%; nothing changed."},
		"bot.button_error":        {VI: "Có lỗi, vui lòng thử lại.", EN: "Something went wrong, please try again."},

		// /viec.
		"bot.tasks_header": {
			VI: "📋 <b>Nhiệm vụ đang thực hiện của bạn</b> (%d):",
			EN: "📋 <b>Your open tasks</b> (%d):",
		},
		"bot.tasks_line": {
			VI: "%d. %s — hạn %s — %d%% — %s",
			EN: "%d. %s — due %s — %d%% — %s",
		},
		"bot.tasks_none": {
			VI: "Bạn không có nhiệm vụ nào đang thực hiện. 👍",
			EN: "You have no open tasks. 👍",
		},
		"bot.tasks_more": {
			VI: "… và %d nhiệm vụ khác.",
			EN: "… and %d more.",
		},
		"bot.tasks_footer": {
			VI: "Báo cáo bằng số thứ tự, ví dụ <code>1: 60%</code> hoặc <code>2 xong</code> (trên Telegram: trả lời tin nhắn này).",
			EN: "Report by the item's number, e.g. <code>1: 60%</code> or <code>2 done</code> (on Telegram: as a reply to this message).",
		},
		"bot.role_lead":    {VI: "chủ trì", EN: "lead"},
		"bot.role_support": {VI: "phối hợp", EN: "support"},

		// /quahan.
		"bot.overdue_header_mine": {
			VI: "⏰ <b>Nhiệm vụ quá hạn của bạn</b> (%d):",
			EN: "⏰ <b>Your overdue tasks</b> (%d):",
		},
		"bot.overdue_header_all": {
			VI: "⏰ <b>Nhiệm vụ quá hạn toàn phường</b> (%d):",
			EN: "⏰ <b>All overdue tasks</b> (%d):",
		},
		"bot.overdue_line": {
			VI: "%d. %s — %s chủ trì — hạn %s, quá hạn %d ngày — %d%%",
			EN: "%d. %s — led by %s — due %s, %d days overdue — %d%%",
		},
		"bot.overdue_none": {
			VI: "Không có nhiệm vụ nào quá hạn. 👍",
			EN: "No overdue tasks. 👍",
		},

		// /chuabaocao.
		"bot.missing_header": {
			VI: "📭 <b>Chưa báo cáo trong %s</b> (%d):",
			EN: "📭 <b>Not reported in %s</b> (%d):",
		},
		"bot.missing_none": {
			VI: "Tất cả cán bộ, công chức đã báo cáo trong %s. 👍",
			EN: "Every official has reported in %s. 👍",
		},

		// /baocao and replies to reading requests.
		"bot.report_none": {
			VI: "Bạn không phụ trách chỉ tiêu nào trong kế hoạch.",
			EN: "You own no target of the plan.",
		},
		"bot.report_choose": {
			VI: "📊 <b>Chỉ tiêu bạn phụ trách</b>:\n%s\nGửi số thứ tự chỉ tiêu cần báo cáo, hoặc /huy để thôi.",
			EN: "📊 <b>Targets you own</b>:\n%s\nSend the number of the target to report, or /cancel to stop.",
		},
		"bot.report_target_line": {
			VI: "%d. %s — mục tiêu %s — kỳ %s — %s",
			EN: "%d. %s — goal %s — period %s — %s",
		},
		"bot.report_latest": {VI: "lần gần nhất: %s", EN: "latest: %s"},
		"bot.report_no_reading": {
			VI: "chưa có kết quả",
			EN: "no reading yet",
		},
		"bot.report_bad_choice": {
			VI: "Hãy gửi một số thứ tự từ 1 đến %d, hoặc /huy để thôi.",
			EN: "Send a number from 1 to %d, or /cancel to stop.",
		},
		"bot.report_ask_value": {
			VI: "Nhập kết quả chỉ tiêu «%s» cho kỳ %s — %s:",
			EN: "Enter the reading of «%s» for %s — %s:",
		},
		"bot.report_hint_percent": {VI: "một số từ 0 đến 100, ví dụ <code>96,5</code>", EN: "a number from 0 to 100, e.g. <code>96.5</code>"},
		"bot.report_hint_count":   {VI: "một số, ví dụ <code>12</code>", EN: "a number, e.g. <code>12</code>"},
		"bot.report_hint_yesno":   {VI: "<code>có</code> hoặc <code>không</code>", EN: "<code>yes</code> or <code>no</code>"},
		"bot.report_bad_value": {
			VI: "Không đọc được kết quả. Hãy nhập %s.",
			EN: "Could not read that. Please enter %s.",
		},
		"bot.report_recorded": {
			VI: "✅ Đã ghi nhận kết quả chỉ tiêu «%s» kỳ %s: <b>%s</b> (mục tiêu %s) — %s.",
			EN: "✅ Reading recorded for «%s», %s: <b>%s</b> (goal %s) — %s.",
		},
		"bot.report_cancelled": {VI: "Đã huỷ báo cáo chỉ tiêu.", EN: "Target report cancelled."},
		"bot.yes":              {VI: "có", EN: "yes"},
		"bot.no":               {VI: "không", EN: "no"},
		"bot.reading_not_owner": {
			VI: "Chỉ người phụ trách chỉ tiêu «%s» mới được báo cáo kết quả. Không có thay đổi nào được ghi nhận.",
			EN: "Only the owner of the target «%s» may report its readings. Nothing was changed.",
		},

		// Delivery notices.
		"bot.unreachable_notice": {
			VI: "⚠️ Không gửi được tin nhắn %[3]s đến <b>%[1]s</b> (%[2]s): người dùng đã chặn bot hoặc không còn liên lạc được. Đề nghị liên hệ trực tiếp; nếu đồng chí đổi tài khoản, cấp mã kết nối mới bằng <code>nhacviec invite KEY --relink</code>.",
			EN: "⚠️ %[3]s messages to <b>%[1]s</b> (%[2]s) cannot be delivered: the user blocked the bot or can no longer be reached. Please contact them; if they changed accounts, issue a new code with <code>nhacviec invite KEY --relink</code>.",
		},
	}
}

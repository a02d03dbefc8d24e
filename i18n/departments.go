package i18n

// departmentMessages are the texts of tasks led by departments: the
// reminder to a head of an unassigned task, the escalation naming the head
// and the assignee, and the bot's assignment conversation (giao KEY). They
// are Telegram HTML where used by the bot: arguments are escaped by the
// caller (message.Say).
func departmentMessages() map[Key]Entry {
	return map[Key]Entry{
		"jobs.task.unassigned": {
			VI: "Nhiệm vụ của %s chưa được giao cho ai. Để giao, trả lời tin này „giao MÃ_CÁN_BỘ” hoặc bấm tên một thành viên bên dưới.",
			EN: "This task of %s is not assigned to anyone yet. To assign it, reply to this message \"giao OFFICIAL_KEY\" or press a member's name below.",
		},
		"jobs.task.as_assignee": {
			VI: "Đồng chí được giao thực hiện nhiệm vụ này (%s chủ trì).",
			EN: "You are assigned this task (led by %s).",
		},
		"jobs.task.as_partner": {
			VI: "Đơn vị phối hợp thực hiện (chủ trì: %s). Tin này chỉ gửi một lần.",
			EN: "Your body supports this task (lead: %s). This message is sent once.",
		},
		"jobs.escalate.head_supervisor": {
			VI: "🔺 Báo cáo lãnh đạo phụ trách lĩnh vực: nhiệm vụ quá hạn chưa hoàn thành",
			EN: "🔺 For the area's supervisor: an overdue task is not done",
		},
		"jobs.escalate.department": {
			VI: "%s — trưởng phòng: %s; người được giao: %s",
			EN: "%s — head: %s; assignee: %s",
		},
		"jobs.escalate.nobody": {VI: "chưa giao", EN: "not assigned"},

		"bot.assign_done": {
			VI: "✅ Đã giao nhiệm vụ „%s” cho <b>%s</b>.",
			EN: "✅ Task \"%s\" assigned to <b>%s</b>.",
		},
		"bot.assign_redone": {
			VI: "✅ Đã giao lại nhiệm vụ „%s” cho <b>%s</b> (trước đây: %s).",
			EN: "✅ Task \"%s\" reassigned to <b>%s</b> (previously: %s).",
		},
		"bot.assign_same": {
			VI: "Nhiệm vụ „%s” đã được giao cho %s; không có gì thay đổi.",
			EN: "Task \"%s\" is already assigned to %s; nothing changed.",
		},
		"bot.assigned_to_you": {
			VI: "📌 <b>%s giao cho đồng chí nhiệm vụ</b>\nNhiệm vụ: %s\nHạn: %s\n<i>Trả lời (reply) tin này để báo cáo tiến độ.</i>",
			EN: "📌 <b>%s assigned you a task</b>\nTask: %s\nDue: %s\n<i>Reply to this message to report progress.</i>",
		},
		"bot.assign_taken": {
			VI: "Nhiệm vụ „%s” đã được %s giao lại cho %s; đồng chí không còn nhận nhắc việc về nhiệm vụ này.",
			EN: "Task \"%s\" was reassigned by %s to %s; you will no longer be reminded of it.",
		},
		"bot.assign_usage": {
			VI: "Cú pháp giao việc: trả lời tin nhắc việc bằng „giao MÃ_CÁN_BỘ”, ví dụ „giao cv-vp”.",
			EN: "To assign, reply to the reminder with \"giao OFFICIAL_KEY\", for example \"giao cv-vp\".",
		},
		"bot.assign_unknown": {
			VI: "Không có cán bộ nào mã „%s” trong đơn vị; không có gì thay đổi.",
			EN: "No official of the unit has the key \"%s\"; nothing changed.",
		},
		"bot.assign_not_member": {
			VI: "%s không phải thành viên của phòng chủ trì nhiệm vụ „%s”; chỉ giao được cho thành viên của phòng. Không có gì thay đổi.",
			EN: "%s is not a member of the department leading \"%s\"; a task is assigned within the department. Nothing changed.",
		},
		"bot.assign_not_linked": {
			VI: "%s chưa kết nối với bot nên chưa nhận được nhắc việc; đề nghị Văn phòng gửi mã kết nối rồi giao lại. Không có gì thay đổi.",
			EN: "%s has not linked a chat with the bot yet, so could not be reminded; ask the office for a link code, then assign again. Nothing changed.",
		},
		"bot.assign_self": {
			VI: "Không giao nhiệm vụ „%s” cho chính trưởng phòng; hãy chọn một thành viên khác của phòng. Không có gì thay đổi.",
			EN: "Task \"%s\" cannot be assigned to the department's head; choose another member. Nothing changed.",
		},
		"bot.assign_not_head": {
			VI: "Chỉ trưởng phòng chủ trì (hoặc Văn phòng) giao được nhiệm vụ „%s”. Không có gì thay đổi.",
			EN: "Only the head of the leading department (or the office) may assign \"%s\". Nothing changed.",
		},
		"bot.assign_no_department": {
			VI: "Nhiệm vụ „%s” không do phòng ban chủ trì nên không giao được. Không có gì thay đổi.",
			EN: "Task \"%s\" is not led by a department, so it cannot be assigned. Nothing changed.",
		},
		"bot.button_assigned": {VI: "Đã giao cho %s", EN: "Assigned to %s"},
		"bot.button_assign_refused": {
			VI: "Không giao được; xem tin trả lời.",
			EN: "Not assigned; see the reply.",
		},
		"bot.tasks_unassigned": {
			VI: "<b>Chưa giao — nhiệm vụ phòng của đồng chí chủ trì (%d):</b>",
			EN: "<b>Not assigned — tasks your department leads (%d):</b>",
		},
		"bot.tasks_unassigned_hint": {
			VI: "<i>Trả lời „N giao MÃ_CÁN_BỘ” để giao việc số N.</i>",
			EN: "<i>Reply \"N giao OFFICIAL_KEY\" to assign item N.</i>",
		},
	}
}

package i18n

// briefMessages are the texts of the morning brief (one reminder message
// per official per run), its buttons, numbered replies and snooze.
func briefMessages() map[Key]Entry {
	return map[Key]Entry{
		// Buttons. Telegram shows them as plain text.
		"button.snooze_1":      {VI: "⏰ 1 ngày", EN: "Snooze 1 day"},
		"button.snooze_3":      {VI: "⏰ 3 ngày", EN: "Snooze 3 days"},
		"button.brief_done":    {VI: "✅ %d", EN: "✅ %d"},
		"button.brief_snooze1": {VI: "⏰ %d: 1 ngày", EN: "⏰ %d: 1 day"},
		"button.brief_snooze3": {VI: "⏰ %d: 3 ngày", EN: "⏰ %d: 3 days"},

		// The brief.
		"jobs.brief.head":      {VI: "☀️ Nhắc việc hôm nay: %d nhiệm vụ cần xử lý", EN: "☀️ Today's brief: %d tasks need you"},
		"jobs.brief.overdue":   {VI: "❗ Quá hạn", EN: "❗ Overdue"},
		"jobs.brief.due_today": {VI: "⏰ Đến hạn hôm nay", EN: "⏰ Due today"},
		"jobs.brief.due_soon":  {VI: "📅 Sắp đến hạn", EN: "📅 Due soon"},
		"jobs.brief.item_overdue": {
			VI: "%d. %s — hạn %s (quá hạn %d ngày), tiến độ %d%%",
			EN: "%d. %s — due %s (overdue by %d days), progress %d%%",
		},
		"jobs.brief.item_today": {VI: "%d. %s — hạn hôm nay %s, tiến độ %d%%", EN: "%d. %s — due today %s, progress %d%%"},
		"jobs.brief.item_soon": {
			VI: "%d. %s — hạn %s (còn %d ngày), tiến độ %d%%",
			EN: "%d. %s — due %s (in %d days), progress %d%%",
		},
		"jobs.brief.as_support":    {VI: "phối hợp, chủ trì: %s", EN: "supporting, lead: %s"},
		"jobs.brief.as_partner":    {VI: "đơn vị phối hợp, chủ trì: %s (nhắc một lần)", EN: "partner, lead: %s (reminded once)"},
		"jobs.brief.as_assignee":   {VI: "được giao trong %s", EN: "assigned within %s"},
		"jobs.brief.as_unassigned": {VI: "chưa giao cho ai trong %s", EN: "not yet assigned within %s"},
		"jobs.brief.more":          {VI: "… và %d nhiệm vụ khác (xem bằng lệnh /viec)", EN: "… and %d more tasks (see /tasks)"},
		"jobs.brief.hint": {
			VI: "Trả lời tin nhắn này theo mẫu \"số thứ tự + tiến độ\", ví dụ \"2: 60%\", \"2 xong\" hoặc \"1 40% chờ số liệu\"; bấm ✅ để báo hoàn thành, ⏰ để hoãn nhắc.",
			EN: "Reply to this message as \"number + progress\", e.g. \"2: 60%\", \"2 done\" or \"1 40% waiting for figures\"; press ✅ when done, ⏰ to snooze.",
		},
		"jobs.brief.escalate_head": {
			VI: "🔺 Báo cáo Chủ tịch: %d nhiệm vụ quá hạn chưa hoàn thành",
			EN: "🔺 For the Chairman: %d overdue tasks are not done",
		},
		"jobs.brief.escalate_head_supervisor": {
			VI: "🔺 Báo cáo lãnh đạo phụ trách lĩnh vực: %d nhiệm vụ quá hạn chưa hoàn thành",
			EN: "🔺 For the area's supervisor: %d overdue tasks are not done",
		},
		"jobs.brief.escalate_item": {
			VI: "%d. %s — chủ trì: %s; hạn %s, quá hạn %d ngày; tiến độ %d%%",
			EN: "%d. %s — lead: %s; due %s, overdue by %d days; progress %d%%",
		},

		// Numbered replies.
		"bot.brief.no_item": {
			VI: "Tin nhắn này có %d nhiệm vụ, đánh số từ 1 đến %d: không có nhiệm vụ số %d. Chưa ghi nhận gì.",
			EN: "That message lists %d tasks, numbered 1 to %d: there is no task %d. Nothing recorded.",
		},

		// Snooze.
		"bot.snooze.done": {
			VI: "⏰ Đã hoãn nhắc việc: nhắc lại từ ngày %s.",
			EN: "⏰ Snoozed: reminders resume on %s.",
		},
		"bot.snooze.due_day": {
			VI: "Hôm nay là hạn hoàn thành: không hoãn được, nhắc việc ngày đến hạn vẫn được gửi.",
			EN: "The task is due today: it cannot be snoozed; the reminder on the due date still comes.",
		},
		"bot.snooze.overdue_once": {
			VI: "Nhiệm vụ quá hạn chỉ được hoãn nhắc một lần: chưa thay đổi gì.",
			EN: "An overdue task's reminders can be snoozed only once: nothing changed.",
		},
	}
}

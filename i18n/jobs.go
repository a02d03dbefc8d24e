package i18n

// jobsMessages are the texts of scheduled messages: reminders, nags,
// escalations, progress and reading requests, digests. Dates in arguments
// are already formatted dd/mm/yyyy; callers escape arguments for Telegram
// HTML.
func jobsMessages() map[Key]Entry {
	return map[Key]Entry{
		// Deadline reminders (nhắc hạn) and overdue nags.
		"jobs.remind.due_in":    {VI: "⏰ Nhắc việc: còn %d ngày đến hạn", EN: "⏰ Reminder: %d days until the deadline"},
		"jobs.remind.due_1":     {VI: "⏰ Nhắc việc: ngày mai đến hạn", EN: "⏰ Reminder: due tomorrow"},
		"jobs.remind.due_today": {VI: "⏰ Nhắc việc: hôm nay là hạn hoàn thành", EN: "⏰ Reminder: due today"},
		"jobs.nag.head":         {VI: "❗ Nhiệm vụ đã quá hạn %d ngày", EN: "❗ Task overdue by %d days"},
		"jobs.task.title":       {VI: "Nhiệm vụ: %s", EN: "Task: %s"},
		"jobs.task.due":         {VI: "Hạn: %s", EN: "Due: %s"},
		"jobs.task.status":      {VI: "Tình trạng: %s, tiến độ %d%%", EN: "Status: %s, progress %d%%"},
		"jobs.task.as_lead":     {VI: "Đồng chí là người chủ trì thực hiện.", EN: "You lead this task."},
		"jobs.task.as_support":  {VI: "Đồng chí phối hợp thực hiện (chủ trì: %s).", EN: "You support this task (lead: %s)."},
		"jobs.remind.hint": {
			VI: "Trả lời tin nhắn này để báo cáo tiến độ (ví dụ: 60%, hoặc \"xong\"), hoặc bấm nút bên dưới.",
			EN: "Reply to this message to report progress (e.g. 60%, or \"done\"), or press a button below.",
		},

		// Escalation to the Chairman and the office (báo cáo Chủ tịch).
		"jobs.escalate.head": {VI: "🔺 Báo cáo Chủ tịch: nhiệm vụ quá hạn chưa hoàn thành", EN: "🔺 For the Chairman: an overdue task is not done"},
		"jobs.escalate.lead": {VI: "Chủ trì: %s", EN: "Lead: %s"},
		"jobs.escalate.overdue": {
			VI: "Hạn: %s, đã quá hạn %d ngày",
			EN: "Due: %s, overdue by %d days",
		},
		"jobs.escalate.last":      {VI: "Báo cáo gần nhất (%s): %s", EN: "Last report (%s): %s"},
		"jobs.escalate.no_report": {VI: "Báo cáo gần nhất: chưa có báo cáo", EN: "Last report: none yet"},
		"jobs.progress_text":      {VI: "tiến độ %d%%", EN: "progress %d%%"},

		// Weekly progress request (đề nghị báo cáo tiến độ).
		"jobs.progress.head": {VI: "📝 Đề nghị báo cáo tiến độ %s", EN: "📝 Progress request, %s"},
		"jobs.progress.intro": {
			VI: "Đồng chí có %d nhiệm vụ đến hạn trong tuần này hoặc đã quá hạn:",
			EN: "You have %d tasks due this week or overdue:",
		},
		"jobs.progress.item":         {VI: "%d. %s — hạn %s, tiến độ %d%%", EN: "%d. %s — due %s, progress %d%%"},
		"jobs.progress.item_overdue": {VI: "%d. %s — hạn %s (quá hạn), tiến độ %d%%", EN: "%d. %s — due %s (overdue), progress %d%%"},
		"jobs.progress.item_ongoing": {VI: "%d. %s — thường xuyên, tiến độ %d%%", EN: "%d. %s — ongoing, progress %d%%"},
		"jobs.progress.more":         {VI: "… và %d nhiệm vụ khác (xem bằng lệnh /viec)", EN: "… and %d more tasks (see /tasks)"},
		"jobs.progress.hint": {
			VI: "Trả lời tin nhắn này theo mẫu \"số thứ tự: tiến độ\", ví dụ \"2: 60%\" hoặc \"1: xong\".",
			EN: "Reply to this message as \"number: progress\", e.g. \"2: 60%\" or \"1: done\".",
		},

		// Target reading request (báo cáo số liệu chỉ tiêu).
		"jobs.reading.head":   {VI: "📊 Đề nghị báo cáo số liệu chỉ tiêu", EN: "📊 Please report a target reading"},
		"jobs.reading.target": {VI: "Chỉ tiêu: %s", EN: "Target: %s"},
		"jobs.reading.goal":   {VI: "Mục tiêu: %s", EN: "Goal: %s"},
		"jobs.reading.period": {VI: "Kỳ báo cáo: %s", EN: "Period: %s"},
		"jobs.reading.hint_number": {
			VI: "Trả lời tin nhắn này bằng một con số (ví dụ: 96,5), hoặc dùng lệnh /baocao.",
			EN: "Reply to this message with a number (e.g. 96.5), or use /report.",
		},
		"jobs.reading.hint_yesno": {
			VI: "Trả lời tin nhắn này \"có\" hoặc \"không\", hoặc dùng lệnh /baocao.",
			EN: "Reply to this message \"yes\" or \"no\", or use /report.",
		},
		"jobs.reading.yes": {VI: "có", EN: "yes"},
		"jobs.reading.no":  {VI: "không", EN: "no"},

		// Digest (tổng hợp báo cáo).
		"digest.title":        {VI: "TỔNG HỢP BÁO CÁO %s", EN: "DIGEST, %s"},
		"digest.unit_as_of":   {VI: "%s — số liệu đến %s", EN: "%s — as of %s"},
		"digest.total":        {VI: "Tổng số: %d nhiệm vụ", EN: "Total: %d tasks"},
		"digest.count":        {VI: "%s: %d", EN: "%s: %d"},
		"digest.rate":         {VI: "Tỷ lệ hoàn thành đúng hạn: %s", EN: "On-time rate: %s"},
		"digest.rate_none":    {VI: "Tỷ lệ hoàn thành đúng hạn: chưa có nhiệm vụ đến hạn", EN: "On-time rate: nothing due yet"},
		"digest.change":       {VI: "So với kỳ trước (%s: %s): %s điểm", EN: "Versus the previous period (%s: %s): %s points"},
		"digest.change_none":  {VI: "Kỳ trước (%s): chưa có nhiệm vụ đến hạn", EN: "Previous period (%s): nothing due"},
		"digest.overdue_head": {VI: "Nhiệm vụ quá hạn (%d):", EN: "Overdue tasks (%d):"},
		"digest.overdue_item": {
			VI: "%d. %s — chủ trì: %s; quá hạn %d ngày; tiến độ %d%%",
			EN: "%d. %s — lead: %s; overdue by %d days; progress %d%%",
		},
		"digest.overdue_assignee": {VI: " (giao: %s)", EN: " (assigned to %s)"},
		"digest.more":             {VI: "… và %d mục khác", EN: "… and %d more"},
		"digest.targets_head":     {VI: "Chỉ tiêu chưa đạt (%d):", EN: "Targets not met (%d):"},
		"digest.target_item":      {VI: "- %s: %s (mục tiêu %s)", EN: "- %s: %s (goal %s)"},
		"digest.target_none":      {VI: "chưa có số liệu", EN: "no reading"},
		"digest.targets_ok":       {VI: "Tất cả %d chỉ tiêu đạt.", EN: "All %d targets met."},
		"digest.missing_head":     {VI: "Chưa báo cáo trong kỳ (%d):", EN: "Did not report this period (%d):"},
		"digest.missing_none":     {VI: "Tất cả cán bộ, công chức đã báo cáo trong kỳ.", EN: "Every official reported this period."},
		"digest.areas_head":       {VI: "Theo lĩnh vực (đúng hạn / quá hạn / đang thực hiện):", EN: "By area (on time / late or overdue / in progress):"},
		"digest.area_item":        {VI: "%s. %s: %d / %d / %d", EN: "%s. %s: %d / %d / %d"},
		"digest.departments_head": {VI: "Theo phòng, ban (đúng hạn / quá hạn / đang thực hiện):", EN: "By department (on time / late or overdue / in progress):"},
		"digest.department_item":  {VI: "- %s: %d / %d / %d", EN: "- %s: %d / %d / %d"},
		"digest.empty":            {VI: "Không có nhiệm vụ nào trong kỳ.", EN: "No tasks in this period."},
		"digest.no_report":        {VI: "chưa có báo cáo", EN: "no report yet"},
		"digest.done_note":        {VI: "đã hoàn thành", EN: "done"},
		"digest.period.week":      {VI: "tuần %d/%d (%s – %s)", EN: "week %d of %d (%s – %s)"},
		"digest.period.month":     {VI: "tháng %d/%d (%s – %s)", EN: "month %d/%d (%s – %s)"},
		"digest.period.q":         {VI: "quý %s/%d (%s – %s)", EN: "Q%[1]s %[2]d (%[3]s – %[4]s)"},
		"digest.period.h1":        {VI: "6 tháng đầu năm %d (%s – %s)", EN: "first half of %d (%s – %s)"},
		"digest.period.h2":        {VI: "6 tháng cuối năm %d (%s – %s)", EN: "second half of %d (%s – %s)"},
		"digest.period.year":      {VI: "năm %d (%s – %s)", EN: "year %d (%s – %s)"},
	}
}

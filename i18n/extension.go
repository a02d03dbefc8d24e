package i18n

// extensionMessages are the texts of extension requests (gia hạn): the
// buttons, the request, the approver's message, the decisions, the
// refusals, and the task detail of /viec KEY that shows their history.
func extensionMessages() map[Key]Entry {
	return map[Key]Entry{
		"button.extend":  {VI: "⏳ Gia hạn", EN: "⏳ Extend"},
		"button.approve": {VI: "✅ Đồng ý", EN: "✅ Approve"},
		"button.reject":  {VI: "❌ Không đồng ý", EN: "❌ Reject"},

		"bot.ext.usage": {
			VI: "Xin gia hạn: trả lời tin nhắc việc <code>gia hạn DD/MM/YYYY lý do</code>, ví dụ <code>gia hạn 15/07/2025 chờ số liệu của Sở</code>. Chưa ghi nhận.",
			EN: "To ask for an extension, reply to the reminder <code>extend DD/MM/YYYY reason</code>, e.g. <code>extend 15/07/2025 waiting for the department's data</code>. Nothing recorded.",
		},
		"bot.ext.prompt_usage": {
			VI: "Hãy trả lời tin nhắn hỏi gia hạn bằng <code>DD/MM/YYYY lý do</code>, ví dụ <code>15/07/2025 chờ số liệu của Sở</code>. Chưa ghi nhận.",
			EN: "Reply to the extension prompt with <code>DD/MM/YYYY reason</code>, e.g. <code>15/07/2025 waiting for the department's data</code>. Nothing recorded.",
		},
		"bot.ext.bad_date": {
			VI: "Ngày %s không hợp lệ: hãy viết một ngày có thật theo dạng DD/MM/YYYY, ví dụ 15/07/2025. Chưa ghi nhận.",
			EN: "The date %s is not valid: write a real date as DD/MM/YYYY, e.g. 15/07/2025. Nothing recorded.",
		},
		"bot.ext.not_future": {
			VI: "Ngày xin gia hạn %s phải sau hôm nay (%s). Chưa ghi nhận.",
			EN: "The requested date %s must be after today (%s). Nothing recorded.",
		},
		"bot.ext.not_later": {
			VI: "Ngày xin gia hạn %s phải sau hạn hiện tại %s của nhiệm vụ «%s». Chưa ghi nhận.",
			EN: "The requested date %s must be after the current due date %s of «%s». Nothing recorded.",
		},
		"bot.ext.overdue": {
			VI: "Nhiệm vụ «%s» đã quá hạn (hạn %s): chỉ xin gia hạn được trước khi hết hạn. Hãy báo cáo tiến độ và lý do chậm để Văn phòng tổng hợp. Chưa ghi nhận.",
			EN: "«%s» is overdue (due %s): an extension can only be asked before the due date. Report your progress and the reason for the delay instead. Nothing recorded.",
		},
		"bot.ext.done": {
			VI: "Nhiệm vụ «%s» đã hoàn thành: không cần gia hạn. Chưa ghi nhận.",
			EN: "«%s» is done: no extension needed. Nothing recorded.",
		},
		"bot.ext.reason_long": {
			VI: "Lý do dài %d ký tự, tối đa %d: hãy viết ngắn gọn hơn. Chưa ghi nhận.",
			EN: "The reason is %d characters long, at most %d: write it shorter. Nothing recorded.",
		},
		"bot.ext.no_approver": {
			VI: "Đơn vị chưa có người phê duyệt gia hạn (phụ trách lĩnh vực hoặc Chủ tịch) có mặt: chưa ghi nhận. Hãy liên hệ Văn phòng.",
			EN: "The unit has no one present to approve extensions (the area's supervisor or the Chairman): nothing recorded. Contact the office.",
		},
		"bot.ext.approver_unlinked": {
			VI: "Người phê duyệt gia hạn, đồng chí %s, chưa kết nối với bot nhắc việc: chưa ghi nhận. Hãy liên hệ Văn phòng.",
			EN: "The approver, %s, is not linked to the reminder bot: nothing recorded. Contact the office.",
		},
		"bot.ext.sent": {
			VI: "📨 Đã gửi yêu cầu gia hạn nhiệm vụ «%s» đến %s (hạn hiện tại %s) tới đồng chí <b>%s</b> phê duyệt.",
			EN: "📨 Your request to extend «%s» to %s (currently due %s) went to <b>%s</b> for approval.",
		},
		"bot.ext.sent_replaced": {
			VI: "Yêu cầu này thay yêu cầu trước (gia hạn đến %s), chưa được quyết định.",
			EN: "It replaces your earlier request (to %s), not decided yet.",
		},
		"bot.ext.prompt": {
			VI: "⏳ Xin gia hạn nhiệm vụ «%s» (hạn %s): trả lời tin nhắn này bằng <code>DD/MM/YYYY lý do</code>, ví dụ <code>15/07/2025 chờ số liệu của Sở</code>.",
			EN: "⏳ Extension of «%s» (due %s): reply to this message with <code>DD/MM/YYYY reason</code>, e.g. <code>15/07/2025 waiting for the department's data</code>.",
		},
		"bot.ext.ask": {
			VI: "⏳ <b>Đề nghị gia hạn</b>\nNhiệm vụ: <b>%s</b>\nChủ trì: %s\nHạn hiện tại: %s\nXin gia hạn đến: <b>%s</b>\nLý do: %s\nNgười đề nghị: %s",
			EN: "⏳ <b>Extension request</b>\nTask: <b>%s</b>\nLead: %s\nCurrent due date: %s\nRequested: <b>%s</b>\nReason: %s\nRequested by: %s",
		},
		"bot.ext.ask_for": {
			VI: "(Đồng chí phê duyệt thay đồng chí %s đang nghỉ phép.)",
			EN: "(You decide on behalf of %s, on leave.)",
		},
		"bot.ext.no_reason": {VI: "(không ghi)", EN: "(none given)"},
		"bot.ext.approved": {
			VI: "✅ Đồng chí %s đã <b>đồng ý</b> gia hạn nhiệm vụ «%s»: hạn mới %s (hạn ban đầu %s).",
			EN: "✅ %s <b>approved</b> the extension of «%s»: new due date %s (originally %s).",
		},
		"bot.ext.rolled": {
			VI: "Ngày %s không phải ngày làm việc nên hạn được chuyển sang ngày làm việc kế tiếp.",
			EN: "%s is not a working day, so the due date moved to the next working day.",
		},
		"bot.ext.rejected": {
			VI: "❌ Đồng chí %s <b>không đồng ý</b> gia hạn nhiệm vụ «%s» đến %s: hạn vẫn là %s.",
			EN: "❌ %s <b>rejected</b> the extension of «%s» to %s: the due date stays %s.",
		},
		"bot.ext.not_approver": {
			VI: "Chỉ người phê duyệt (đồng chí %s) quyết định yêu cầu gia hạn nhiệm vụ «%s». Không có gì thay đổi.",
			EN: "Only the approver (%s) decides the extension request of «%s». Nothing changed.",
		},
		"bot.ext.answer_approved":     {VI: "Đã đồng ý gia hạn", EN: "Extension approved"},
		"bot.ext.answer_rejected":     {VI: "Đã không đồng ý gia hạn", EN: "Extension rejected"},
		"bot.ext.answer_replaced":     {VI: "Yêu cầu này đã được thay bằng yêu cầu mới", EN: "This request was replaced by a newer one"},
		"bot.ext.answer_decided":      {VI: "Yêu cầu này đã được quyết định (%s): không có gì thay đổi", EN: "This request is already decided (%s): nothing changed"},
		"bot.ext.answer_not_approver": {VI: "Chỉ người phê duyệt quyết định yêu cầu này", EN: "Only the approver decides this request"},
		"bot.ext.answer_done":         {VI: "Nhiệm vụ đã hoàn thành: không có gì thay đổi", EN: "The task is done: nothing changed"},
		"bot.ext.answer_prompt":       {VI: "Hãy trả lời tin nhắn bằng ngày và lý do", EN: "Reply with the date and the reason"},
		"bot.ext.answer_refused":      {VI: "Không thể xin gia hạn", EN: "No extension possible"},

		"ext.status.pending":  {VI: "chờ phê duyệt", EN: "pending"},
		"ext.status.approved": {VI: "đồng ý", EN: "approved"},
		"ext.status.rejected": {VI: "không đồng ý", EN: "rejected"},
		"ext.status.replaced": {VI: "được thay bằng yêu cầu mới", EN: "replaced by a newer request"},

		"ext.extended_to":      {VI: "(gia hạn đến %s)", EN: "(extended to %s)"},
		"digest.extended":      {VI: "Được gia hạn", EN: "Extended"},
		"digest.extended_head": {VI: "Nhiệm vụ được gia hạn (%d):", EN: "Extended tasks (%d):"},
		"digest.extended_item": {VI: "%d. %s — %s, hạn ban đầu %s", EN: "%d. %s — %s, originally due %s"},

		"bot.detail.usage": {
			VI: "Không có nhiệm vụ mã %s trong kế hoạch của đơn vị. Gõ /viec để xem danh sách việc của mình.",
			EN: "There is no task with the key %s in the unit's plan. Send /tasks for your list.",
		},
		"bot.detail.head": {
			VI: "📋 <b>%s</b> (%s)\nChủ trì: %s",
			EN: "📋 <b>%s</b> (%s)\nLead: %s",
		},
		"bot.detail.occurrence": {
			VI: "• Kỳ %s — hạn %s — %s, %d%%",
			EN: "• %s — due %s — %s, %d%%",
		},
		"bot.detail.progress_head":  {VI: "Tiến độ:", EN: "Progress:"},
		"bot.detail.progress":       {VI: "  – %s %s: %s", EN: "  – %s %s: %s"},
		"bot.detail.extension_head": {VI: "Gia hạn:", EN: "Extensions:"},
		"bot.detail.extension": {
			VI: "  – %s %s xin gia hạn từ %s đến %s (%s): %s",
			EN: "  – %s %s asked to move %s to %s (%s): %s",
		},
		"bot.detail.decision": {VI: "bởi %s lúc %s", EN: "by %s at %s"},
		"bot.detail.none":     {VI: "  (chưa có)", EN: "  (none)"},

		"xlsx.ext.sheet":        {VI: "Gia hạn", EN: "Extensions"},
		"xlsx.ext.task":         {VI: "Nhiệm vụ", EN: "Task"},
		"xlsx.ext.period":       {VI: "Kỳ", EN: "Occurrence"},
		"xlsx.ext.requester":    {VI: "Người đề nghị", EN: "Requested by"},
		"xlsx.ext.asked":        {VI: "Thời điểm đề nghị", EN: "Asked at"},
		"xlsx.ext.from":         {VI: "Hạn khi đề nghị", EN: "Due when asked"},
		"xlsx.ext.to":           {VI: "Xin gia hạn đến", EN: "Requested date"},
		"xlsx.ext.reason":       {VI: "Lý do", EN: "Reason"},
		"xlsx.ext.status":       {VI: "Kết quả", EN: "Decision"},
		"xlsx.ext.decider":      {VI: "Người quyết định", EN: "Decided by"},
		"xlsx.ext.decided":      {VI: "Thời điểm quyết định", EN: "Decided at"},
		"xlsx.ext.new_due":      {VI: "Hạn mới", EN: "New due date"},
		"xlsx.ext.original_due": {VI: "Hạn ban đầu (trước gia hạn)", EN: "Original due date (before extension)"},
	}
}

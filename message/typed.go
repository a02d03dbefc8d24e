package message

import (
	"strings"

	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/store"
)

// Hints are the lines a channel without buttons (Zalo) shows under a
// message instead of its buttons (store.Payload.Hint): what to type. They
// are plain text, in the recipient's language.

// AssignOption is an official a department's head may assign a task to,
// as a hint names them: the key to type and the name.
type AssignOption struct {
	Key  string
	Name string
}

// ReminderHint is the hint of a reminder about one task: how to report
// progress, ask for an extension and snooze by typing; assign, when not
// empty, adds how to assign the task to one of them ("giao KEY").
func ReminderHint(pr *i18n.Printer, assign []AssignOption) string {
	hint := pr.T("hint.reminder")
	if len(assign) == 0 {
		return hint
	}
	return hint + "\n" + AssignHint(pr, 0, assign)
}

// AssignHint is the hint of the assignment buttons of task n of a list
// (0: a message about one task): "giao KEY", with the keys and names of
// assign.
func AssignHint(pr *i18n.Printer, n int, assign []AssignOption) string {
	opts := make([]string, len(assign))
	for i, a := range assign {
		opts[i] = pr.T("hint.assign_option", a.Key, a.Name)
	}
	if n > 0 {
		return pr.T("hint.assign_item", n, n, strings.Join(opts, "; "))
	}
	return pr.T("hint.assign", strings.Join(opts, "; "))
}

// ApprovalHint is the hint of the approver's message about the extension
// request requestID: "đồng ý 12" or "không đồng ý 12".
func ApprovalHint(pr *i18n.Printer, requestID int64) string {
	return pr.T("hint.approval", requestID)
}

// HintFor is hint for a message to chat chatID: itself on a channel without
// buttons (Zalo), "" on one with them, so that a Telegram message stays as
// it was.
func HintFor(chatID int64, hint string) string {
	if store.ChatChannel(chatID) != store.ChannelZalo {
		return ""
	}
	return hint
}

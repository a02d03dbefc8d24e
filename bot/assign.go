package bot

import (
	"errors"
	"fmt"
	"strings"

	"github.com/nhacviec/nhacviec/callback"
	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/message"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/store"
)

// assignWord is the word of a reply that assigns a department's task:
// "giao cv-vp".
const assignWord = "giao"

// parseAssign reports whether text is an assignment, "giao KEY" (any
// case), and returns the key; a bare "giao" is one without a key (""), and
// three words or more are a note that happens to start with the word.
func parseAssign(text string) (key string, ok bool) {
	f := strings.Fields(text)
	if len(f) == 0 || len(f) > 2 || !strings.EqualFold(f[0], assignWord) {
		return "", false
	}
	if len(f) == 1 {
		return "", true
	}
	return strings.ToLower(f[1]), true
}

// assignByKey handles a reply "giao KEY" about the occurrence occurrenceID:
// the official KEY of the speaker's unit becomes the assignee of its task.
func (t *turn) assignByKey(occurrenceID int64, key string) error {
	if key == "" {
		return t.say("bot.assign_usage")
	}
	info, err := store.ReportableOccurrenceByID(t.ctx, t.tx, occurrenceID)
	if errors.Is(err, store.ErrNotFound) {
		return t.say("bot.reply_unknown_message")
	}
	if err != nil {
		return err
	}
	if info.ArchivedAt != nil || info.TaskArchived {
		return t.say("bot.task_gone", info.TaskTitle)
	}
	officials, err := store.ActiveOfficials(t.ctx, t.tx, info.UnitID)
	if err != nil {
		return err
	}
	for _, o := range officials {
		if strings.EqualFold(o.Key, key) {
			refusal, err := t.assign(info, o)
			if err != nil || refusal == "" {
				return err
			}
			return t.reply(refusal)
		}
	}
	return t.say("bot.assign_unknown", key)
}

// assignByButton handles a press of an assignment button (a verified
// callback.KindAssign action): the answer says what happened; a refusal is
// also replied, with its reason.
func (t *turn) assignByButton(a callback.Action) error {
	info, err := store.ReportableOccurrenceByID(t.ctx, t.tx, a.OccurrenceID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && (info.ArchivedAt != nil || info.TaskArchived)) {
		t.answerText(t.p.T("bot.button_invalid"))
		return nil
	}
	if err != nil {
		return err
	}
	officials, err := store.ActiveOfficials(t.ctx, t.tx, info.UnitID)
	if err != nil {
		return err
	}
	for _, o := range officials {
		if o.ID != int64(a.Value) {
			continue
		}
		refusal, err := t.assign(info, o)
		if err != nil {
			return err
		}
		if refusal != "" {
			t.answerText(t.p.T("bot.button_assign_refused"))
			return t.reply(refusal)
		}
		t.answerText(t.p.T("bot.button_assigned", o.Name))
		return nil
	}
	// The member left the unit (archived) since the button was sent.
	t.answerText(t.p.T("bot.button_assign_refused"))
	return t.say("bot.assign_not_member", "—", info.TaskTitle)
}

// assign makes assignee the assignee of the task of info, on behalf of the
// speaker (store.AssignTask), in the update's transaction. It confirms to
// the speaker (and to the department's head when the office assigned),
// tells the new assignee (with the occurrence's keyboard, so a reply
// reports progress) and the previous one. A refusal changes nothing and is
// returned as the reply text, Telegram HTML.
func (t *turn) assign(info store.ReportableOccurrence, assignee plan.Official) (refusal string, err error) {
	res, err := store.AssignTask(t.ctx, t.tx, info.TaskID, assignee.ID, t.official.ID, t.now)
	switch {
	case errors.Is(err, store.ErrNoLeadDepartment):
		return message.Say(t.p, "bot.assign_no_department", info.TaskTitle), nil
	case errors.Is(err, store.ErrNotHead):
		return message.Say(t.p, "bot.assign_not_head", info.TaskTitle), nil
	case errors.Is(err, store.ErrAssignSelf):
		return message.Say(t.p, "bot.assign_self", info.TaskTitle), nil
	case errors.Is(err, store.ErrNotMember):
		return message.Say(t.p, "bot.assign_not_member", assignee.Name, info.TaskTitle), nil
	case errors.Is(err, store.ErrNotLinked):
		return message.Say(t.p, "bot.assign_not_linked", assignee.Name), nil
	case errors.Is(err, store.ErrNotFound):
		return message.Say(t.p, "bot.task_gone", info.TaskTitle), nil
	case err != nil:
		return "", err
	}
	if res.Previous != nil && *res.Previous == assignee.ID {
		occID := info.ID
		return "", t.send(store.Payload{Text: message.Say(t.p, "bot.assign_same", info.TaskTitle, assignee.Name),
			ReplyTo: t.messageID}, &occID, nil)
	}
	officials, err := store.ActiveOfficials(t.ctx, t.tx, info.UnitID)
	if err != nil {
		return "", err
	}
	byID := make(map[int64]plan.Official, len(officials))
	for _, o := range officials {
		byID[o.ID] = o
	}
	occID := info.ID
	var previous *plan.Official
	if res.Previous != nil {
		if p, ok := byID[*res.Previous]; ok {
			previous = &p
		}
	}
	confirm := func(p *i18n.Printer) string {
		if previous != nil {
			return message.Say(p, "bot.assign_redone", info.TaskTitle, assignee.Name, previous.Name)
		}
		return message.Say(p, "bot.assign_done", info.TaskTitle, assignee.Name)
	}
	if err := t.send(store.Payload{Text: confirm(t.p), ReplyTo: t.messageID}, &occID, nil); err != nil {
		return "", err
	}
	if head, ok := byID[res.Department.HeadID]; ok && head.ID != t.official.ID {
		if err := t.notify(head, "assign-head", occID, store.Payload{Text: confirm(t.printerOf(head))}); err != nil {
			return "", err
		}
	}
	ap := t.printerOf(assignee)
	text := message.Say(ap, "bot.assigned_to_you", t.official.Name, message.Shorten(info.TaskTitle, message.MaxText),
		message.FormatDate(info.Due))
	if err := t.notify(assignee, "assigned", occID, store.Payload{
		Text:    text,
		Buttons: callback.Keyboard(t.b.signer, ap, occID, *assignee.TelegramChatID),
		Hint:    message.HintFor(*assignee.TelegramChatID, message.ReminderHint(ap, nil)),
	}); err != nil {
		return "", err
	}
	if previous != nil {
		text := message.Say(t.printerOf(*previous), "bot.assign_taken", info.TaskTitle, t.official.Name, assignee.Name)
		if err := t.notify(*previous, "unassigned", occID, store.Payload{Text: text}); err != nil {
			return "", err
		}
	}
	return "", nil
}

// printerOf is the printer in the language of o.
func (t *turn) printerOf(o plan.Official) *i18n.Printer {
	if o.Language != "" {
		return i18n.New(i18n.Lang(o.Language))
	}
	return i18n.New(t.b.cfg.Language)
}

// notify enqueues, in the update's transaction, a message about the
// occurrence occurrenceID to another official's chat (nothing when the
// official has none); kind names it and its dedupe key.
func (t *turn) notify(o plan.Official, kind string, occurrenceID int64, p store.Payload) error {
	if !o.Linked() {
		return nil
	}
	unit, id := o.UnitID, o.ID
	_, err := store.Enqueue(t.ctx, t.tx, store.OutMessage{
		UnitID:       &unit,
		OfficialID:   &id,
		ChatID:       *o.TelegramChatID,
		DedupeKey:    fmt.Sprintf("%s:%s:%d", kind, t.updateKey(), o.ID),
		Kind:         kind,
		OccurrenceID: &occurrenceID,
		Payload:      p,
		NotBefore:    t.now,
	})
	return err
}

package bot

import (
	"errors"
	"strconv"
	"time"

	"github.com/nhacviec/nhacviec/callback"
	"github.com/nhacviec/nhacviec/channel"
	"github.com/nhacviec/nhacviec/config"
	"github.com/nhacviec/nhacviec/message"
	"github.com/nhacviec/nhacviec/store"
)

// onReply handles a reply to one of the bot's messages: progress on the
// occurrence the message is about (its OccurrenceID, or one of its Refs
// chosen by a leading number), or a reading of the target it asks about.
func (t *turn) onReply() error {
	m := t.upd
	row, err := store.OutboxByMessage(t.ctx, t.tx, t.chatID, m.ReplyTo)
	if errors.Is(err, store.ErrNotFound) {
		if sweptMessage(m.ReplyToSent, t.now) {
			return t.say("bot.reply_message_swept")
		}
		return t.say("bot.reply_unknown_message")
	}
	if err != nil {
		return err
	}
	text := m.Text
	if text == "" {
		text = m.Caption
	}
	return t.replyTo(row, text)
}

// replyTo applies text (and the update's photo or document) as an answer
// to the bot's message row: a reply on Telegram, a typed answer on Zalo
// (the last message naming items, store.LastActionableMessage). It is a
// reading of the target row asks about, or, about the occurrence it names
// (resolveItem), an extension request, an assignment, a snooze (typed
// only: Telegram has buttons for it) or progress.
func (t *turn) replyTo(row store.OutboxRow, text string) error {
	if row.TargetID != nil {
		return t.onReadingReply(row, text)
	}
	occurrenceID, text, ok, err := t.resolveItem(row, text)
	if err != nil || !ok {
		return err
	}
	if ask, ok := parseExtensionReply(row.Kind, text); ok {
		return t.requestExtension(occurrenceID, ask)
	}
	if key, ok := parseAssign(text); ok {
		return t.assignByKey(occurrenceID, key)
	}
	if days, ok := parseSnooze(text); ok && t.typed() {
		return t.snoozeTyped(occurrenceID, days)
	}
	kind, file := evidence(t.upd)
	return t.recordProgress(occurrenceID, text, kind, file)
}

// resolveItem resolves what a reply with text to the bot's message row is
// about: the message's occurrence, or, for a message listing several
// (its Refs: a morning brief, a progress request), item N of the list
// named by the number text starts with ("2: 60%", "2 60%", "2 xong",
// "1 40% chờ số liệu", "2 giao KEY"); rest is the text after the number.
// A list of one takes the number or not. When text names no item of a
// list it replies (asking which item, or naming the list's range) and
// reports false: nothing is to be changed.
func (t *turn) resolveItem(row store.OutboxRow, text string) (occurrenceID int64, rest string, ok bool, err error) {
	if row.OccurrenceID != nil {
		return *row.OccurrenceID, stripOne(row.Kind, text), true, nil
	}
	p, err := row.Payload()
	if err != nil {
		return 0, "", false, err
	}
	switch len(p.Refs) {
	case 0:
		return 0, "", false, t.say("bot.reply_unknown_message")
	case 1:
		return p.Refs[0], stripOne(row.Kind, text), true, nil
	}
	n, rest, numbered := splitRef(text)
	if !numbered {
		return 0, "", false, t.pickNumber(p.Refs)
	}
	id, ok, err := t.refAt(p.Refs, n)
	return id, rest, ok, err
}

// refAt is item n (1-based) of a list of occurrences refs; when there is
// none it replies with the list's range and reports false.
func (t *turn) refAt(refs []int64, n int) (int64, bool, error) {
	if n < 1 || n > len(refs) {
		return 0, false, t.say("bot.brief.no_item", len(refs), len(refs), n)
	}
	return refs[n-1], true, nil
}

// stripOne drops the item number from a reply to a message about one
// task ("1: 60%", "1 xong", "1 gia hạn …", "1 giao KEY"): the number is
// optional there. Any other text is returned as it is ("15 hồ sơ" is a
// note).
func stripOne(kind, text string) string {
	n, rest, ok := splitRef(text)
	if !ok || n != 1 {
		return text
	}
	if prog, err := ParseProgress(rest); err == nil && (prog.HasPercent || prog.Done) {
		return rest
	}
	if _, ok := parseAssign(rest); ok {
		return rest
	}
	if _, ok := parseExtensionReply(kind, rest); ok {
		return rest
	}
	return text
}

// pressable reads the occurrence a button about occurrenceID acts on and
// checks that the presser may act on it: it exists, is not archived nor
// done, and the presser may update it (or stands in for one who may). When
// not, it answers the press and reports false.
func (t *turn) pressable(occurrenceID int64) (store.ReportableOccurrence, bool, error) {
	info, err := store.ReportableOccurrenceByID(t.ctx, t.tx, occurrenceID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && (info.ArchivedAt != nil || info.TaskArchived)) {
		t.answerText(t.p.T("bot.button_invalid"))
		return info, false, nil
	}
	if err != nil {
		return info, false, err
	}
	if !info.CanUpdate(t.official.ID) {
		// A stand-in presses for the official on leave.
		ok, err := t.standsInFor(info)
		if err != nil || !ok {
			if err == nil {
				t.answerText(t.p.T("bot.button_not_allowed"))
			}
			return info, false, err
		}
	}
	if info.Done() {
		t.answerText(t.p.T("bot.button_already_done"))
		return info, false, nil
	}
	return info, true, nil
}

// sweptMessage reports whether a message of the bot sent at sent (zero: not
// the bot's) and not found in the outbox is old enough for retention to
// have deleted it (the shortest age it may be configured to,
// config.MinOutboxDays).
func sweptMessage(sent, now time.Time) bool {
	if sent.IsZero() {
		return false
	}
	return now.Sub(sent) >= time.Duration(config.MinOutboxDays)*24*time.Hour
}

// evidence returns the kind and the channel's file id of a photo or
// document attached to m, or empty strings.
func evidence(m channel.Update) (kind, fileID string) {
	if m.File == "" {
		return "", ""
	}
	switch m.FileKind {
	case store.EvidencePhoto:
		return store.EvidencePhoto, m.File
	case store.EvidenceDocument:
		return store.EvidenceDocument, m.File
	}
	return "", ""
}

// pickNumber explains how to reply to a message listing several tasks.
func (t *turn) pickNumber(refs []int64) error {
	titles := make([]string, 0, len(refs))
	for _, id := range refs {
		o, err := store.ReportableOccurrenceByID(t.ctx, t.tx, id)
		if err != nil {
			return err
		}
		titles = append(titles, o.TaskTitle)
	}
	return t.reply(message.PickNumber(t.p, titles))
}

// recordProgress applies a progress reply (text and optional evidence) to
// an occurrence after checking that the speaker may update it, and
// confirms.
func (t *turn) recordProgress(occurrenceID int64, text, evidenceKind, evidenceFile string) error {
	info, ok, err := t.updatable(occurrenceID)
	if err != nil || !ok {
		return err
	}
	prog, err := ParseProgress(text)
	switch {
	case errors.Is(err, ErrEmptyProgress) && evidenceKind != "":
		prog = Progress{}
	case errors.Is(err, ErrEmptyProgress):
		return t.say("bot.parse_empty")
	case errors.Is(err, ErrPercentRange):
		return t.say("bot.parse_range")
	case err != nil:
		return err
	}
	in := store.ProgressInput{
		OccurrenceID: info.ID,
		OfficialID:   t.official.ID,
		Done:         prog.Done,
		Note:         prog.Note,
		EvidenceKind: evidenceKind,
		EvidenceFile: evidenceFile,
		Source:       t.source(),
		ChatID:       t.chatID,
		MessageID:    t.messageID,
		UpdateID:     t.upd.ID,
		Bot:          t.b.cfg.Name,
		Now:          t.now,
	}
	if prog.HasPercent {
		pct := prog.Percent
		in.Percent = &pct
	}
	res, err := store.RecordProgress(t.ctx, t.tx, in)
	if err != nil {
		return err
	}
	return t.confirm(res, prog, evidenceKind)
}

// updatable loads an occurrence and checks that the speaker may update it,
// replying (and reporting false) when not.
func (t *turn) updatable(occurrenceID int64) (store.ReportableOccurrence, bool, error) {
	info, err := store.ReportableOccurrenceByID(t.ctx, t.tx, occurrenceID)
	if errors.Is(err, store.ErrNotFound) {
		return info, false, t.reply(t.p.T("bot.reply_unknown_message"))
	}
	if err != nil {
		return info, false, err
	}
	if info.ArchivedAt != nil || info.TaskArchived {
		return info, false, t.say("bot.task_gone", info.TaskTitle)
	}
	if !info.CanUpdate(t.official.ID) {
		// A stand-in reports for the official on leave.
		ok, err := t.standsInFor(info)
		if err != nil {
			return info, false, err
		}
		if !ok {
			return info, false, t.say("bot.not_allowed", info.TaskTitle)
		}
	}
	return info, true, nil
}

// confirm replies with what a progress report changed. The confirmation
// is about the occurrence too, so a reply to it records progress as well.
func (t *turn) confirm(res store.ProgressResult, prog Progress, evidenceKind string) error {
	o := res.Occurrence
	text := message.ProgressConfirmation(t.p, message.Progress{
		Title:        o.TaskTitle,
		Due:          o.Due,
		Status:       t.status(o.Due, o.DoneAt),
		Percent:      o.Percent,
		WasDone:      res.WasDone,
		Done:         prog.Done,
		HasPercent:   prog.HasPercent,
		Reported:     prog.Percent,
		Note:         prog.Note,
		EvidenceKind: evidenceKind,
	})
	id := o.ID
	return t.send(store.Payload{Text: text, ReplyTo: t.messageID}, &id, nil)
}

// onButton handles a press of an inline button. Data that is forged,
// altered or copied from another chat, a press by someone who may not
// update the task, and a press on a task already done change nothing. The
// press is always answered.
func (t *turn) onButton() error {
	if t.chatID == 0 {
		t.answerText(t.p.T("bot.button_invalid"))
		return nil
	}
	if t.official == nil {
		t.answerText(t.p.T("bot.button_unlinked"))
		return nil
	}
	a, err := t.b.signer.Verify(t.ctx, t.upd.Callback, t.chatID)
	switch {
	case errors.Is(err, callback.ErrExpired):
		t.answerText(t.p.T("bot.button_expired"))
		return nil
	case errors.Is(err, callback.ErrInvalid):
		t.b.log.Warn("bot: invalid button data", "chat", t.chatID, "update", t.upd.ID)
		t.answerText(t.p.T("bot.button_invalid"))
		return nil
	case err != nil:
		return err
	}
	if a.Kind == callback.KindAssign {
		return t.assignByButton(a)
	}
	if a.Kind == callback.KindExtend || a.Kind == callback.KindApprove || a.Kind == callback.KindReject {
		return t.onExtensionButton(a)
	}
	info, ok, err := t.pressable(a.OccurrenceID)
	if err != nil || !ok {
		return err
	}
	if a.Kind == callback.KindSnooze {
		return t.snooze(info, a.Value)
	}
	prog := Progress{Done: a.Kind == callback.KindDone}
	label := t.p.T("bot.button_done_label")
	if a.Kind == callback.KindProgress {
		if a.Value <= info.Percent {
			// An old button pressed again: progress never goes back by a
			// button, and the same step twice records nothing new.
			t.answerText(t.p.T("bot.button_no_change", info.Percent))
			return nil
		}
		prog.HasPercent, prog.Percent = true, a.Value
		label = strconv.Itoa(a.Value) + "%"
	}
	in := store.ProgressInput{
		OccurrenceID: info.ID,
		OfficialID:   t.official.ID,
		Done:         prog.Done,
		Source:       t.source(),
		ChatID:       t.chatID,
		MessageID:    t.messageID,
		UpdateID:     t.upd.ID,
		Bot:          t.b.cfg.Name,
		Now:          t.now,
	}
	if prog.HasPercent {
		pct := prog.Percent
		in.Percent = &pct
	}
	res, err := store.RecordProgress(t.ctx, t.tx, in)
	if err != nil {
		return err
	}
	t.answerText(t.p.T("bot.button_recorded", label))
	return t.confirm(res, prog, "")
}

package bot

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/nhacviec/nhacviec/callback"
	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/message"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/tghtml"
)

// Extension requests (gia hạn). An official who may update a task replies
// to its reminder "gia hạn DD/MM/YYYY lý do" (also "gia han", English
// "extend"), or presses "⏳ Gia hạn" and replies to the prompt
// "DD/MM/YYYY lý do". Before the due date, for a later date, the request
// goes to the approver (store.ExtensionApprover) with two signed buttons;
// a second pending request replaces the first. The approver's decision
// moves the due date (rolled forward to a working day) or keeps it, and
// tells the requester and the task's lead and assignee.

// Outbox kinds of the extension messages.
const (
	// kindExtendPrompt is the prompt sent by the "⏳ Gia hạn" button: a
	// reply to it is the request's date and reason.
	kindExtendPrompt = "extension_prompt"
	// kindExtensionAsk is the approver's message with the two buttons.
	kindExtensionAsk = "extension_request"
	// kindExtensionDecision tells the requester and the leads.
	kindExtensionDecision = "extension_decision"
)

// extensionWords are the first words of a request, folded.
var extensionWords = []string{"gia han", "extend"}

// extensionAsk is a parsed request: the date and the reason, or the
// sentence (problem, with its args) saying what is wrong with it.
type extensionAsk struct {
	due     plan.Date
	reason  string
	problem i18n.Key
	args    []any
}

// parseExtension reports whether text is an extension request, "gia hạn
// DD/MM/YYYY lý do" (any case, with or without diacritics; English
// "extend"), and parses it; a request without a valid date is one whose
// problem says so.
func parseExtension(text string) (extensionAsk, bool) {
	f := strings.Fields(text)
	for _, w := range extensionWords {
		n := len(strings.Fields(w))
		if len(f) >= n && fold(strings.Join(f[:n], " ")) == w {
			return parseExtensionBody(f[n:], "bot.ext.usage"), true
		}
	}
	return extensionAsk{}, false
}

// parseExtensionReply is parseExtension for a reply to an outbox row of
// kind kind: a reply to the prompt of the "⏳ Gia hạn" button is a request
// with or without the words.
func parseExtensionReply(kind, text string) (extensionAsk, bool) {
	if a, ok := parseExtension(text); ok {
		return a, true
	}
	if kind != kindExtendPrompt {
		return extensionAsk{}, false
	}
	return parseExtensionBody(strings.Fields(text), "bot.ext.prompt_usage"), true
}

// parseExtensionBody parses the words after "gia hạn": a date, then the
// reason; usage is the sentence for a request without a date.
func parseExtensionBody(words []string, usage i18n.Key) extensionAsk {
	if len(words) == 0 {
		return extensionAsk{problem: usage}
	}
	d, err := plan.ParseDayDate(words[0])
	if err != nil {
		if !looksLikeDate(words[0]) {
			return extensionAsk{problem: usage}
		}
		return extensionAsk{problem: "bot.ext.bad_date", args: []any{words[0]}}
	}
	return extensionAsk{due: d, reason: strings.Join(words[1:], " ")}
}

// requestExtension records the extension request ask about the occurrence
// occurrenceID by the speaker, after the rules: who may ask (as for
// progress), a task not done and not overdue, a real date after today and
// after the due date, a reason of at most store.MaxExtensionReason
// characters, an approver present and linked. Each refusal is a reply and
// changes nothing.
func (t *turn) requestExtension(occurrenceID int64, ask extensionAsk) error {
	info, ok, err := t.updatable(occurrenceID)
	if err != nil || !ok {
		return err
	}
	if info.Done() {
		return t.say("bot.ext.done", info.TaskTitle)
	}
	if ask.problem != "" {
		return t.say(ask.problem, ask.args...)
	}
	today := t.today()
	if refusal := t.extensionRefusal(info, today); refusal != "" {
		return t.reply(refusal)
	}
	switch {
	case !ask.due.After(today):
		return t.say("bot.ext.not_future", message.FormatDate(ask.due), message.FormatDate(today))
	case !ask.due.After(info.Due):
		return t.say("bot.ext.not_later", message.FormatDate(ask.due), message.FormatDate(info.Due), info.TaskTitle)
	}
	if n := utf8.RuneCountInString(ask.reason); n > store.MaxExtensionReason {
		return t.say("bot.ext.reason_long", n, store.MaxExtensionReason)
	}
	ap, err := store.ExtensionApprover(t.ctx, t.tx, info.ID, today)
	if err != nil {
		return err
	}
	if ap.ID == 0 {
		return t.say("bot.ext.no_approver")
	}
	byID, err := t.unitOfficials(info.UnitID)
	if err != nil {
		return err
	}
	approver, ok := byID[ap.ID]
	if !ok || !approver.Linked() {
		return t.say("bot.ext.approver_unlinked", approver.Name)
	}
	req, replaced, err := store.CreateExtensionRequest(t.ctx, t.tx, store.ExtensionInput{
		OccurrenceID: info.ID, RequesterID: t.official.ID, ApproverID: ap.ID,
		RequestedDue: ask.due, Reason: ask.reason, Now: t.now,
	})
	if err != nil {
		return err
	}
	pr := t.printerOf(approver)
	text := message.ExtensionRequest(pr, message.ExtensionAsk{
		Title: info.TaskTitle, Lead: nameOf(byID, info.LeadID), CurrentDue: info.Due,
		Requested: req.RequestedDue, Reason: req.Reason, Requester: t.official.Name,
		For: forName(byID, ap.For),
	})
	if err := t.enqueueTo(approver, kindExtensionAsk, "extension:ask:"+strconv.FormatInt(req.ID, 10), info.ID, store.Payload{
		Text:    text,
		Buttons: callback.DecisionKeyboard(t.b.signer, pr, info.ID, req.ID, *approver.TelegramChatID),
		Hint:    message.HintFor(*approver.TelegramChatID, message.ApprovalHint(pr, req.ID)),
	}); err != nil {
		return err
	}
	var before *plan.Date
	if replaced != nil {
		before = &replaced.RequestedDue
	}
	occID := info.ID
	return t.send(store.Payload{
		Text:    message.ExtensionSent(t.p, info.TaskTitle, req.RequestedDue, info.Due, approver.Name, before),
		ReplyTo: t.messageID,
	}, &occID, nil)
}

// extensionRefusal is the reply refusing any extension of info today (it
// is overdue), or "".
func (t *turn) extensionRefusal(info store.ReportableOccurrence, today plan.Date) string {
	if today.After(info.Due) {
		return message.Say(t.p, "bot.ext.overdue", info.TaskTitle, message.FormatDate(info.Due))
	}
	return ""
}

// onExtensionButton handles the presses of the extension buttons (a
// verified action of kind callback.KindExtend, KindApprove or KindReject).
func (t *turn) onExtensionButton(a callback.Action) error {
	if a.Kind == callback.KindExtend {
		return t.extendButton(a)
	}
	return t.decideExtension(a)
}

// extendButton answers "⏳ Gia hạn" with the prompt for a date and a
// reason, after the rules that do not depend on them.
func (t *turn) extendButton(a callback.Action) error {
	info, ok, err := t.pressable(a.OccurrenceID)
	if err != nil || !ok {
		return err
	}
	if refusal := t.extensionRefusal(info, t.today()); refusal != "" {
		t.answerText(t.p.T("bot.ext.answer_refused"))
		return t.reply(refusal)
	}
	t.answerText(t.p.T("bot.ext.answer_prompt"))
	if t.silenced {
		return nil
	}
	t.replies++
	occID := info.ID
	m := store.OutMessage{
		ChatID:       t.chatID,
		DedupeKey:    "reply:" + t.updateKey() + ":" + strconv.Itoa(t.replies),
		Bot:          t.b.cfg.Name,
		Kind:         kindExtendPrompt,
		OccurrenceID: &occID,
		Payload: store.Payload{
			Text:    message.Say(t.p, "bot.ext.prompt", message.Shorten(info.TaskTitle, message.MaxText), message.FormatDate(info.Due)),
			ReplyTo: t.messageID,
		},
		NotBefore: t.now,
	}
	unit, id := t.official.UnitID, t.official.ID
	m.UnitID, m.OfficialID = &unit, &id
	_, err = store.Enqueue(t.ctx, t.tx, m)
	return err
}

// decideExtension handles "✅ Đồng ý" and "❌ Không đồng ý" (decide).
func (t *turn) decideExtension(a callback.Action) error {
	req, err := store.ExtensionRequestByID(t.ctx, t.tx, int64(a.Value))
	if errors.Is(err, store.ErrNotFound) || (err == nil && req.OccurrenceID != a.OccurrenceID) {
		t.answerText(t.p.T("bot.button_invalid"))
		return nil
	}
	if err != nil {
		return err
	}
	info, err := store.ReportableOccurrenceByID(t.ctx, t.tx, req.OccurrenceID)
	if err != nil {
		return err
	}
	return t.decide(req, info, a.Kind == callback.KindApprove)
}

// decideTyped handles a typed decision on Zalo, "đồng ý 12" or "không đồng
// ý 12" (decide): 12 is the request's id, which the approver's message
// shows. A request of another unit is as unknown as one that does not
// exist; every outcome is a reply.
func (t *turn) decideTyped(d typedDecision) error {
	if d.id == 0 {
		return t.say("bot.ext.typed_usage")
	}
	req, err := store.ExtensionRequestByID(t.ctx, t.tx, d.id)
	if errors.Is(err, store.ErrNotFound) {
		return t.say("bot.ext.unknown_request", d.id)
	}
	if err != nil {
		return err
	}
	info, err := store.ReportableOccurrenceByID(t.ctx, t.tx, req.OccurrenceID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && info.UnitID != t.official.UnitID) {
		return t.say("bot.ext.unknown_request", d.id)
	}
	if err != nil {
		return err
	}
	return t.decide(req, info, d.approve)
}

// tell says text (plain) to the speaker: as the answer of a button press,
// or, for a typed command, as a reply.
func (t *turn) tell(text string) error {
	if t.answer != nil {
		t.answerText(text)
		return nil
	}
	return t.reply(tghtml.Escape(text))
}

// decide approves or rejects the extension request req about info, by
// button or typed: only the request's approver, or whoever is its approver
// today (the stand-in of one on leave), decides; a request replaced or
// decided already, or about a task archived or done, changes nothing.
func (t *turn) decide(req store.ExtensionRequest, info store.ReportableOccurrence, approve bool) error {
	switch req.Status {
	case store.ExtensionReplaced:
		return t.tell(t.p.T("bot.ext.answer_replaced"))
	case store.ExtensionApproved, store.ExtensionRejected:
		return t.tell(t.p.T("bot.ext.answer_decided", message.ExtensionStatus(t.p, req.Status)))
	}
	today := t.today()
	allowed := req.ApproverID != nil && *req.ApproverID == t.official.ID
	if !allowed {
		cur, err := store.ExtensionApprover(t.ctx, t.tx, info.ID, today)
		if err != nil {
			return err
		}
		allowed = cur.ID == t.official.ID
	}
	if !allowed {
		t.answerText(t.p.T("bot.ext.answer_not_approver"))
		name := "—"
		if req.ApproverName != nil {
			name = *req.ApproverName
		}
		return t.say("bot.ext.not_approver", name, info.TaskTitle)
	}
	if info.ArchivedAt != nil || info.TaskArchived {
		if t.answer == nil {
			return t.say("bot.task_gone", info.TaskTitle)
		}
		t.answerText(t.p.T("bot.button_invalid"))
		return nil
	}
	if info.Done() {
		return t.tell(t.p.T("bot.ext.answer_done"))
	}
	due := req.RequestedDue
	if approve && t.b.cfg.Calendar != nil {
		due = t.b.cfg.Calendar.Roll(due)
	}
	req, err := store.DecideExtension(t.ctx, t.tx, store.ExtensionDecision{
		RequestID: req.ID, DecidedBy: t.official.ID, Approve: approve, Due: due, Today: today, Now: t.now,
	})
	if errors.Is(err, store.ErrExtensionDecided) {
		return t.tell(t.p.T("bot.ext.answer_decided", "—"))
	}
	if err != nil {
		return err
	}
	original, _, err := store.OriginalDue(t.ctx, t.tx, info.ID)
	if err != nil {
		return err
	}
	text := func(pr *i18n.Printer) string {
		if approve {
			return message.ExtensionApproved(pr, t.official.Name, info.TaskTitle, req.RequestedDue, due, original)
		}
		return message.ExtensionRejected(pr, t.official.Name, info.TaskTitle, req.RequestedDue, info.Due)
	}
	byID, err := t.unitOfficials(info.UnitID)
	if err != nil {
		return err
	}
	told := map[int64]bool{t.official.ID: true}
	for _, id := range []int64{req.RequesterID, info.LeadID, deref(info.AssigneeID)} {
		o, ok := byID[id]
		if !ok || told[id] {
			continue
		}
		told[id] = true
		key := fmt.Sprintf("extension:%s:%d:%d", req.Status, req.ID, id)
		if err := t.enqueueTo(o, kindExtensionDecision, key, info.ID, store.Payload{Text: text(t.printerOf(o))}); err != nil {
			return err
		}
	}
	if approve {
		t.answerText(t.p.T("bot.ext.answer_approved"))
	} else {
		t.answerText(t.p.T("bot.ext.answer_rejected"))
	}
	occID := info.ID
	return t.send(store.Payload{Text: text(t.p), ReplyTo: t.messageID}, &occID, nil)
}

// unitOfficials are the active officials of a unit by id.
func (t *turn) unitOfficials(unitID int64) (map[int64]plan.Official, error) {
	officials, err := store.ActiveOfficials(t.ctx, t.tx, unitID)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]plan.Official, len(officials))
	for _, o := range officials {
		byID[o.ID] = o
	}
	return byID, nil
}

// enqueueTo enqueues, in the update's transaction, a message about the
// occurrence occurrenceID to official o's chat under dedupe key key
// (nothing when o has no chat).
func (t *turn) enqueueTo(o plan.Official, kind, key string, occurrenceID int64, p store.Payload) error {
	if !o.Linked() {
		return nil
	}
	unit, id := o.UnitID, o.ID
	_, err := store.Enqueue(t.ctx, t.tx, store.OutMessage{
		UnitID: &unit, OfficialID: &id, ChatID: *o.TelegramChatID,
		DedupeKey: key, Kind: kind, OccurrenceID: &occurrenceID, Payload: p, NotBefore: t.now,
	})
	return err
}

// nameOf is the name of official id, "—" when unknown.
func nameOf(byID map[int64]plan.Official, id int64) string {
	if o, ok := byID[id]; ok {
		return o.Name
	}
	return "—"
}

// forName is the name of the official an approver stands in for, "" for
// none.
func forName(byID map[int64]plan.Official, id int64) string {
	if id == 0 {
		return ""
	}
	return nameOf(byID, id)
}

// deref is *p, 0 for nil.
func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// detailWindow is how many occurrences /viec KEY shows: the first open
// one with those around it; detailReports how many of the latest progress
// reports and extension requests of each.
const (
	detailWindow  = 5
	detailReports = 5
)

// onTaskDetail handles /viec KEY: the task of the speaker's unit with
// its occurrences, each with its latest progress reports and its extension
// requests and decisions.
func (t *turn) onTaskDetail(key string) error {
	key = strings.Fields(key)[0]
	occs, err := store.TaskOccurrencesByKey(t.ctx, t.tx, t.official.UnitID, key)
	if errors.Is(err, store.ErrNotFound) {
		return t.say("bot.detail.usage", key)
	}
	if err != nil {
		return err
	}
	from := len(occs) - detailWindow
	for i, o := range occs {
		if !o.Done() {
			from = i - 2
			break
		}
	}
	from = max(0, min(from, len(occs)-detailWindow))
	occs = occs[from:min(len(occs), from+detailWindow)]
	byID, err := t.unitOfficials(t.official.UnitID)
	if err != nil {
		return err
	}
	ids := make([]int64, len(occs))
	for i, o := range occs {
		ids[i] = o.ID
	}
	exts, err := store.ExtensionRequestsOf(t.ctx, t.tx, ids)
	if err != nil {
		return err
	}
	details := make([]message.DetailOccurrence, 0, len(occs))
	for _, o := range occs {
		d := message.DetailOccurrence{Key: o.Key, Due: o.Due, Status: t.status(o.Due, o.DoneAt), Percent: o.Percent}
		if orig, ok, err := store.OriginalDue(t.ctx, t.tx, o.ID); err != nil {
			return err
		} else if ok {
			d.OriginalDue = &orig
		}
		reports, err := store.ProgressReports(t.ctx, t.tx, o.ID)
		if err != nil {
			return err
		}
		if len(reports) > detailReports {
			reports = reports[len(reports)-detailReports:]
		}
		for _, r := range reports {
			what := r.Note
			switch {
			case r.Done:
				what = strings.TrimSpace("✅ " + what)
			case r.Percent != nil:
				what = strings.TrimSpace(strconv.Itoa(*r.Percent) + "% " + what)
			}
			d.Progress = append(d.Progress, message.DetailProgress{At: r.ReportedAt, Who: nameOf(byID, deref(r.OfficialID)), What: what})
		}
		for _, e := range exts {
			if e.OccurrenceID != o.ID {
				continue
			}
			x := message.DetailExtension{At: e.RequestedAt, Requester: e.RequesterName, From: e.CurrentDue,
				To: e.RequestedDue, Reason: e.Reason, Status: e.Status, DecidedAt: e.DecidedAt}
			if e.DecidedByName != nil {
				x.DecidedBy = *e.DecidedByName
			}
			d.Extensions = append(d.Extensions, x)
		}
		if len(d.Extensions) > detailReports {
			d.Extensions = d.Extensions[len(d.Extensions)-detailReports:]
		}
		details = append(details, d)
	}
	first := occs[0]
	return t.reply(message.TaskDetail(t.p, first.TaskTitle, first.TaskKey, nameOf(byID, first.LeadID), details, t.b.cfg.Location))
}

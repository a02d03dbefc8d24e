package bot

import (
	"errors"
	"regexp"
	"strconv"
	"strings"

	"github.com/nhacviec/nhacviec/channel"
	"github.com/nhacviec/nhacviec/message"
	"github.com/nhacviec/nhacviec/store"
)

// Typed answers. Zalo has no reply-to and no buttons: people type what
// they would reply or press on Telegram, and a typed answer is about the
// last message the chat received that names items
// (store.LastActionableMessage): "2 xong", "2: 60%", "1 40% ghi chú",
// "2 gia hạn DD/MM/YYYY lý do", "2 giao KEY", "2 hoãn 3", or, when that
// message names one item, the same without the number. Approvals name the
// request: "đồng ý 12", "không đồng ý 12". Invite codes may be sent bare.

// FileKindSticker is the channel.Update.FileKind of a sticker (no File):
// the bot answers it with what it can read.
const FileKindSticker = "sticker"

// typed reports whether the update comes from a channel without replies
// and buttons (Zalo), where answers are typed.
func (t *turn) typed() bool {
	return t.upd.Channel == channel.Zalo || store.ChatChannel(t.chatID) == store.ChannelZalo
}

// onTyped handles a message of a linked official on Zalo that is not a
// command: an approval, the next answer of a /baocao conversation, a
// typed answer to the last message naming items, or else an explanation
// of what to type. A message with neither text nor photo (content the
// platform withheld) is recorded and not answered; a sticker is answered.
func (t *turn) onTyped() error {
	m := t.upd
	text := strings.TrimSpace(m.Text)
	if text == "" {
		text = strings.TrimSpace(m.Caption)
	}
	photo := m.File != ""
	switch {
	case text == "" && !photo && m.FileKind == FileKindSticker:
		return t.say("bot.typed_unreadable")
	case text == "" && !photo:
		return nil
	}
	if !photo {
		if d, ok := parseDecision(text); ok {
			return t.decideTyped(d)
		}
		if handled, err := t.continueReport(text); handled || err != nil {
			return err
		}
	}
	row, err := store.LastActionableMessage(t.ctx, t.tx, t.chatID)
	if errors.Is(err, store.ErrNotFound) {
		if !photo && !typedForm(text, false) {
			return t.say("bot.not_reply_typed")
		}
		return t.say("bot.typed_nothing")
	}
	if err != nil {
		return err
	}
	// The last message asks for a target's reading: a reading, or anything
	// that is not an answer about a task, answers it.
	if row.TargetID != nil && !photo {
		form := typedForm(text, false)
		if !form || t.isReading(*row.TargetID, text) {
			return t.replyTo(row, text)
		}
		row, err = store.LastTaskMessage(t.ctx, t.tx, t.chatID)
		if errors.Is(err, store.ErrNotFound) {
			return t.say("bot.typed_nothing")
		}
		if err != nil {
			return err
		}
	}
	if !typedForm(text, photo) {
		if photo {
			return t.say("bot.typed_photo")
		}
		return t.say("bot.not_reply_typed")
	}
	if row.TargetID != nil {
		// A photo after a reading request: evidence is about tasks.
		if row, err = store.LastTaskMessage(t.ctx, t.tx, t.chatID); errors.Is(err, store.ErrNotFound) {
			return t.say("bot.typed_nothing")
		} else if err != nil {
			return err
		}
	}
	return t.typedAnswer(row, text)
}

// typedAnswer applies a typed answer text (a typedForm) to the message row
// naming occurrences, as a reply to it would be (replyTo). A number that
// names no item of row gets the list's range; a bare number with a photo
// is evidence for that item.
func (t *turn) typedAnswer(row store.OutboxRow, text string) error {
	p, err := row.Payload()
	if err != nil {
		return err
	}
	single := row.OccurrenceID != nil || len(p.Refs) == 1
	n, rest, numbered := splitRef(text)
	if !numbered {
		if v, ok := listNumber(text); ok {
			n, rest, numbered = v, "", true
		}
	}
	if !numbered {
		return t.replyTo(row, text)
	}
	if single {
		if n != 1 {
			return t.say("bot.brief.no_item", 1, 1, n)
		}
		// The number of a message about one task is optional.
		if rest == "" {
			return t.evidenceOnly(row, 0)
		}
		return t.replyTo(row, rest)
	}
	if rest == "" {
		return t.evidenceOnly(row, n)
	}
	return t.replyTo(row, text)
}

// evidenceOnly keeps the update's photo as evidence for item n of row (0:
// its only item), without progress.
func (t *turn) evidenceOnly(row store.OutboxRow, n int) error {
	var occurrenceID int64
	if n == 0 {
		id, _, ok, err := t.resolveItem(row, "")
		if err != nil || !ok {
			return err
		}
		occurrenceID = id
	} else {
		p, err := row.Payload()
		if err != nil {
			return err
		}
		id, ok, err := t.refAt(p.Refs, n)
		if err != nil || !ok {
			return err
		}
		occurrenceID = id
	}
	kind, file := evidence(t.upd)
	return t.recordProgress(occurrenceID, "", kind, file)
}

// isReading reports whether text reads as a reading of target targetID.
func (t *turn) isReading(targetID int64, text string) bool {
	tg, err := store.TargetByID(t.ctx, t.tx, targetID)
	if err != nil {
		return false
	}
	_, ok := parseReading(text, tg.Measure, tg.Kind)
	return ok
}

// listNumberRe matches a bare list number: "2", "2.", "#2".
var listNumberRe = regexp.MustCompile(`^#?(\d{1,3})[.:)]?$`)

// listNumber reads a bare list number, as the caption of a photo.
func listNumber(text string) (int, bool) {
	m := listNumberRe.FindStringSubmatch(strings.TrimSpace(text))
	if m == nil {
		return 0, false
	}
	n, err := strconv.Atoi(m[1])
	return n, err == nil
}

// typedForm reports whether text typed on Zalo is an answer about a task
// (rather than chatter, answered with what to type): optionally a list
// number, then progress with a percentage ("60%", "2 60", "2: 60% ghi
// chú"; a bare "60" needs the number), a word marking it done, an
// extension request, an assignment or a snooze. With a photo, a list
// number alone or followed by any caption is one too.
func typedForm(text string, photo bool) bool {
	text = strings.TrimSpace(text)
	_, rest, numbered := splitRef(text)
	if photo {
		if _, ok := listNumber(text); ok || numbered {
			return true
		}
	}
	body := text
	if numbered {
		body = rest
	}
	if _, ok := parseExtension(body); ok {
		return true
	}
	if _, ok := parseAssign(body); ok {
		return true
	}
	if _, ok := parseSnooze(body); ok {
		return true
	}
	prog, err := ParseProgress(body)
	switch {
	case errors.Is(err, ErrPercentRange):
		return numbered || percentPrefix.MatchString(body)
	case err != nil || !prog.HasPercent:
		return false
	}
	return numbered || isDoneWord(fold(body)) || percentPrefix.MatchString(body)
}

// snoozeWords are the first words of a typed snooze.
var snoozeWords = map[string]bool{"hoãn": true, "hoan": true, "snooze": true}

// parseSnooze reads a typed snooze, "hoãn" (one working day), "hoãn 3",
// "hoãn 3 ngày" (English "snooze 3"): by 1 or 3 working days, as the
// buttons. "hoàn" is not "hoãn".
func parseSnooze(text string) (days int, ok bool) {
	f := strings.Fields(strings.ToLower(text))
	if len(f) == 0 || len(f) > 3 || !snoozeWords[f[0]] {
		return 0, false
	}
	if len(f) == 1 {
		return 1, true
	}
	if len(f) == 3 {
		switch fold(f[2]) {
		case "ngay", "day", "days":
		default:
			return 0, false
		}
	}
	switch f[1] {
	case "1":
		return 1, true
	case "3":
		return 3, true
	}
	return 0, false
}

// typedDecision is a typed decision on an extension request: approve or
// reject request id (0: the number is missing).
type typedDecision struct {
	approve bool
	id      int64
}

// decisionWords are the folded words of a typed decision, rejections
// first ("không đồng ý" ends with "đồng ý").
var decisionWords = []struct {
	words   string
	approve bool
}{
	{"khong dong y", false},
	{"tu choi", false},
	{"reject", false},
	{"dong y", true},
	{"approve", true},
}

// parseDecision reads "đồng ý 12", "không đồng ý 12" (any case, with or
// without diacritics, "#12" too; English "approve 12", "reject 12"). The
// words alone are a decision without its number; the words followed by
// anything but a number are not a decision.
func parseDecision(text string) (typedDecision, bool) {
	f := fold(text)
	for _, w := range decisionWords {
		if f != w.words && !strings.HasPrefix(f, w.words+" ") {
			continue
		}
		rest := strings.TrimSpace(strings.TrimPrefix(f, w.words))
		rest = strings.TrimSpace(strings.TrimPrefix(rest, "so "))
		if rest == "" {
			return typedDecision{approve: w.approve}, true
		}
		id, err := strconv.ParseInt(rest, 10, 64)
		if err != nil || id <= 0 {
			return typedDecision{}, false
		}
		return typedDecision{approve: w.approve, id: id}, true
	}
	return typedDecision{}, false
}

// inviteLike matches text that may be a bare invite code (store.NewInviteCode
// makes 22 characters): one word of the code's alphabet, long enough not
// to be a greeting.
var inviteLike = regexp.MustCompile(`^[A-Za-z0-9_-]{16,64}$`)

// bareCode returns the invite code an unlinked private chat on Zalo sent
// alone, without /start.
func (t *turn) bareCode() (string, bool) {
	if !t.typed() || !t.upd.PrivateChat {
		return "", false
	}
	code := strings.TrimSpace(t.upd.Text)
	return code, inviteLike.MatchString(code)
}

// unlinkedHow is how an unlinked chat sends a link code, Telegram HTML.
func (t *turn) unlinkedHow() message.HTML {
	if t.typed() {
		return message.HTML(t.p.T("bot.unlinked_how_typed"))
	}
	return message.HTML(t.p.T("bot.unlinked_how"))
}

// source is what a progress report or reading recorded by this turn came
// through: Zalo for a Zalo chat, else Telegram.
func (t *turn) source() string {
	if store.ChatChannel(t.chatID) == store.ChannelZalo {
		return store.SourceZalo
	}
	return store.SourceTelegram
}

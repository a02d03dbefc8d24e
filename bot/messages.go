package bot

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/message"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/report"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/tghtml"
)

// maxListed bounds the tasks one /viec or /quahan message lists.
const maxListed = 20

// maxTitle is the length, in characters, a task title is cut to in a
// /viec or /quahan list, as in the digest and the progress request.
const maxTitle = 120

// onMessage handles a message: a command, a reply to one of the bot's
// messages, the next answer of a /baocao conversation, or anything else.
func (t *turn) onMessage(m *models.Message) error {
	if m.From == nil || m.From.IsBot {
		return nil // channel posts and other bots
	}
	if name, args, ok := t.command(m.Text); ok {
		return t.onCommand(name, args)
	}
	if t.official == nil {
		return t.reply(t.p.T("bot.unlinked"))
	}
	if m.ReplyToMessage != nil {
		return t.onReply(m)
	}
	if handled, err := t.continueReport(m); handled || err != nil {
		return err
	}
	return t.reply(t.p.T("bot.not_reply"))
}

// command splits "/name@bot args" into its lower-case name and arguments.
// A command addressed to another bot has the name "". It works on the text
// itself, not on entities, whose offsets count UTF-16 units.
func (t *turn) command(text string) (name, args string, ok bool) {
	text = strings.TrimSpace(text)
	if !strings.HasPrefix(text, "/") {
		return "", "", false
	}
	head, rest, _ := strings.Cut(text, " ")
	if i := strings.IndexAny(head, "\n\t"); i >= 0 {
		head, rest = head[:i], head[i+1:]+" "+rest
	}
	name = strings.ToLower(head[1:])
	if i := strings.IndexByte(name, '@'); i >= 0 {
		to := name[i+1:]
		name = name[:i]
		if t.b.cfg.BotUsername != "" && !strings.EqualFold(to, t.b.cfg.BotUsername) {
			name = ""
		}
	}
	return name, strings.TrimSpace(rest), true
}

// onCommand runs a command. Only /start works in an unlinked chat.
func (t *turn) onCommand(name, args string) error {
	if name == "" {
		return nil // for another bot
	}
	if name == "start" {
		return t.onStart(args)
	}
	if t.official == nil {
		return t.reply(t.p.T("bot.unlinked"))
	}
	// A command ends any /baocao conversation in progress.
	if err := store.ClearChatState(t.ctx, t.tx, t.chatID); err != nil {
		return err
	}
	switch name {
	case "viec", "tasks":
		return t.onTasks()
	case "baocao", "report":
		return t.onReport()
	case "tonghop", "digest":
		return t.onDigest()
	case "quahan", "overdue":
		return t.onOverdue()
	case "chuabaocao", "missing":
		return t.onMissing()
	case "huy", "cancel":
		return t.reply(t.p.T("bot.report_cancelled"))
	case "trogiup", "help":
		return t.reply(t.help())
	}
	return t.reply(t.p.T("bot.unknown_command", tghtml.Escape("/"+name)) + "\n\n" + t.help())
}

// help is the help text for the speaking official.
func (t *turn) help() string {
	text := t.p.T("bot.help")
	if t.official != nil && t.official.Manager() {
		text += "\n" + t.p.T("bot.help_manager")
	}
	return text
}

// today is the current date where the plan is.
func (t *turn) today() plan.Date { return plan.DateIn(t.now, t.b.cfg.Location) }

// statusLabel names the status of an occurrence now.
func (t *turn) statusLabel(due plan.Date, doneAt *time.Time) string {
	return t.p.T(i18n.Key("status." + string(plan.StatusAt(due, doneAt, t.now, t.b.cfg.Location))))
}

// onTasks lists the official's open occurrences in one message whose Refs
// let a reply "2: 60%" reach the second. The header counts them all, the
// list names the earliest due that fit (listMessage), and a note counts the
// rest.
func (t *turn) onTasks() error {
	// Every open occurrence, however many, so that the header and the note
	// count them all; only the listed ones are rendered.
	occs, err := store.OfficialOccurrences(t.ctx, t.tx, t.official.ID, plan.NewDate(9999, 12, 31), math.MaxInt32)
	if err != nil {
		return err
	}
	if len(occs) == 0 {
		return t.reply(t.p.T("bot.tasks_none"))
	}
	text, n := t.listMessage(t.p.T("bot.tasks_header", len(occs)), len(occs), func(i int) string {
		o := occs[i]
		return t.p.T("bot.tasks_line", i+1, tghtml.Escape(message.Shorten(o.TaskTitle, maxTitle)),
			message.FormatDate(o.Due), o.Percent, t.statusLabel(o.Due, o.DoneAt))
	}, t.p.T("bot.tasks_footer"))
	refs := make([]int64, 0, n)
	for _, o := range occs[:n] {
		refs = append(refs, o.ID)
	}
	return t.send(store.Payload{Text: text, ReplyTo: t.messageID, Refs: refs}, nil, nil)
}

// onOverdue lists overdue occurrences: the official's own, or all of the
// unit for the chairman and the office, in one message like /viec's.
func (t *turn) onOverdue() error {
	today := t.today()
	occs, err := t.b.unitOverdue(t.ctx, t.tx, t.official.UnitID, today, t.now, false)
	if err != nil {
		return err
	}
	manager := t.official.Manager()
	var list []store.OpenOccurrence
	for _, o := range occs {
		if manager || involves(o, t.official.ID) {
			list = append(list, o)
		}
	}
	if len(list) == 0 {
		return t.reply(t.p.T("bot.overdue_none"))
	}
	header := "bot.overdue_header_mine"
	if manager {
		header = "bot.overdue_header_all"
	}
	text, n := t.listMessage(t.p.T(i18n.Key(header), len(list)), len(list), func(i int) string {
		o := list[i]
		return t.p.T("bot.overdue_line", i+1, tghtml.Escape(message.Shorten(o.TaskTitle, maxTitle)),
			tghtml.Escape(o.LeadName), message.FormatDate(o.Due),
			plan.DaysOverdue(o.Due, t.now, t.b.cfg.Location), o.Percent)
	}, "")
	refs := make([]int64, 0, n)
	for _, o := range list[:n] {
		refs = append(refs, o.ID)
	}
	return t.send(store.Payload{Text: text, ReplyTo: t.messageID, Refs: refs}, nil, nil)
}

// listMessage renders a numbered list of total items as one Telegram
// message: header, then the lines line(0), line(1)… for as many items as
// fit (at most maxListed), then, when some are left out, the note
// counting them, then footer (when not empty) after a blank line. It
// returns the text and how many items it lists.
//
// One message, not several: a reply "2: 60%" maps back through the message
// it answers, and only the list's own message carries its Refs; a list
// split by the sender would leave its first part unanswerable.
func (t *turn) listMessage(header string, total int, line func(i int) string, footer string) (string, int) {
	if footer != "" {
		footer = "\n\n" + footer
	}
	var b strings.Builder
	b.WriteString(header)
	n := 0
	for ; n < total && n < maxListed; n++ {
		next := "\n" + line(n)
		rest := ""
		if n+1 < total {
			rest = "\n" + t.p.T("bot.tasks_more", total-n-1)
		}
		if tghtml.Len(b.String()+next+rest+footer) > tghtml.MaxMessage {
			break
		}
		b.WriteString(next)
	}
	if n < total {
		b.WriteString("\n" + t.p.T("bot.tasks_more", total-n))
	}
	b.WriteString(footer)
	return b.String(), n
}

// involves reports whether the official leads or supports o.
func involves(o store.OpenOccurrence, officialID int64) bool {
	if o.LeadID == officialID {
		return true
	}
	for _, id := range o.SupporterIDs {
		if id == officialID {
			return true
		}
	}
	return false
}

// currentDigest returns the digest /tonghop and /chuabaocao show: the
// current month to date (Bot.digestPeriod), shared for a while by the
// unit's managers (Bot.unitDigest).
func (t *turn) currentDigest() (report.Result, error) {
	return t.b.unitDigest(t.ctx, t.tx, t.official.UnitID, t.b.digestPeriod(t.now), t.now, false)
}

// onDigest sends the digest of the current month to date (chairman and
// office only), split into messages Telegram accepts.
func (t *turn) onDigest() error {
	if !t.official.Manager() {
		return t.reply(t.p.T("bot.refused"))
	}
	res, err := t.currentDigest()
	if err != nil {
		return err
	}
	for i, part := range tghtml.Split(res.Telegram(t.p), tghtml.MaxMessage) {
		p := store.Payload{Text: part}
		if i == 0 {
			p.ReplyTo = t.messageID
		}
		if err := t.send(p, nil, nil); err != nil {
			return err
		}
	}
	return nil
}

// onMissing lists who has not reported in the current month (chairman and
// office only).
func (t *turn) onMissing() error {
	if !t.official.Manager() {
		return t.reply(t.p.T("bot.refused"))
	}
	res, err := t.currentDigest()
	if err != nil {
		return err
	}
	// The unit's own officials: a town's, not its wards'.
	d := res.Unit
	label := message.PeriodLabel(d.PeriodValue(), t.p)
	if len(d.MissingReports) == 0 {
		return t.reply(t.p.T("bot.missing_none", tghtml.Escape(label)))
	}
	names := make(map[string]string, len(d.ByOfficial))
	for _, o := range d.ByOfficial {
		names[o.Key] = o.Name
	}
	var b strings.Builder
	b.WriteString(t.p.T("bot.missing_header", tghtml.Escape(label), len(d.MissingReports)))
	for _, key := range d.MissingReports {
		name := names[key]
		if name == "" {
			name = key
		}
		b.WriteString("\n• " + tghtml.Escape(name))
	}
	return t.reply(b.String())
}

// atoi parses a small positive list number.
func atoi(s string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(strings.TrimRight(strings.TrimSpace(s), ".):")))
	return n, err == nil && n > 0
}

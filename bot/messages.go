package bot

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nhacviec/nhacviec/i18n"
	"github.com/nhacviec/nhacviec/message"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/report"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/tghtml"
)

// onMessage handles a message: a command, a reply to one of the bot's
// messages, the next answer of a /baocao conversation, a typed answer on
// Zalo (onTyped), or anything else. On Zalo an unlinked private chat may
// send its invite code alone.
func (t *turn) onMessage() error {
	m := t.upd
	if name, args, ok := t.command(m.Text); ok {
		return t.onCommand(name, args)
	}
	if t.official == nil {
		if code, ok := t.bareCode(); ok {
			return t.onStart(code)
		}
		if t.typed() && m.Text == "" && m.Caption == "" && m.File == "" && m.FileKind == "" {
			return nil // content the platform withheld
		}
		return t.say("bot.unlinked", t.messenger(), t.unlinkedHow())
	}
	if m.ReplyTo != 0 {
		return t.onReply()
	}
	if t.typed() {
		return t.onTyped()
	}
	if handled, err := t.continueReport(m.Text); handled || err != nil {
		return err
	}
	return t.say("bot.not_reply")
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
		return t.say("bot.unlinked", t.messenger(), t.unlinkedHow())
	}
	// A command ends any /baocao conversation in progress.
	if err := store.ClearChatState(t.ctx, t.tx, t.chatID); err != nil {
		return err
	}
	switch name {
	case "viec", "tasks":
		if args != "" {
			return t.onTaskDetail(args)
		}
		return t.onTasks()
	case "baocao", "report":
		return t.onReport()
	case "tonghop", "digest":
		return t.onDigest()
	case "quahan", "overdue":
		return t.onOverdue()
	case "chuabaocao", "missing":
		return t.onMissing()
	case "baocaoky", "periodreport":
		return t.onPeriodReport(args)
	case "nghiphep", "leave":
		return t.onLeave(args)
	case "huy", "cancel":
		return t.say("bot.report_cancelled")
	case "trogiup", "help":
		return t.reply(t.help())
	}
	return t.reply(message.Say(t.p, "bot.unknown_command", "/"+name) + "\n\n" + t.help())
}

// help is the help text for the speaking official.
func (t *turn) help() string {
	text := t.p.T("bot.help")
	if t.typed() {
		text = t.p.T("bot.help_typed")
	}
	if t.official != nil && t.official.Manager() {
		text += "\n" + t.p.T("bot.help_manager")
	}
	return text
}

// today is the current date where the plan is.
func (t *turn) today() plan.Date { return plan.DateIn(t.now, t.b.cfg.Location) }

// status is the status of an occurrence now.
func (t *turn) status(due plan.Date, doneAt *time.Time) plan.Status {
	return plan.StatusAt(due, doneAt, t.now, t.b.cfg.Location)
}

// onTasks lists the official's open occurrences in one message whose Refs
// let a reply "2: 60%" reach the second. The header counts them all, the
// list names the earliest due that fit (message.Tasks), and a note counts the
// rest.
func (t *turn) onTasks() error {
	// Every open occurrence, however many, so that the header and the note
	// count them all; only the listed ones are rendered.
	all, err := store.OfficialOccurrences(t.ctx, t.tx, t.official.ID, plan.NewDate(9999, 12, 31), math.MaxInt32)
	if err != nil {
		return err
	}
	// A head's department tasks assigned to nobody are a section of their
	// own (a second message), so that a reply "N giao KEY" assigns one.
	unassigned, err := store.UnassignedOfHead(t.ctx, t.tx, t.official.ID, math.MaxInt32)
	if err != nil {
		return err
	}
	var occs []store.ReportableOccurrence
	for _, o := range all {
		if !slices.ContainsFunc(unassigned, func(u store.ReportableOccurrence) bool { return u.ID == o.ID }) {
			occs = append(occs, o)
		}
	}
	// A stand-in also sees, marked, what they cover today.
	occs, onBehalf, err := t.withCovered(occs)
	if err != nil {
		return err
	}
	if len(occs) == 0 && len(unassigned) == 0 {
		return t.say("bot.tasks_none")
	}
	if len(occs) > 0 {
		if err := t.sendTaskList(occs, onBehalf, message.Tasks); err != nil {
			return err
		}
	}
	if len(unassigned) > 0 {
		return t.sendTaskList(unassigned, nil, message.UnassignedTasks)
	}
	return nil
}

// sendTaskList sends occs as one list written by render, whose Refs let a
// reply "2: 60%" reach the second; onBehalf names, by occurrence, the
// absent official a stand-in covers it for.
func (t *turn) sendTaskList(occs []store.ReportableOccurrence, onBehalf map[int64]string, render func(*i18n.Printer, []message.ListedTask) (string, int)) error {
	tasks := make([]message.ListedTask, len(occs))
	for i, o := range occs {
		tasks[i] = message.ListedTask{Title: o.TaskTitle, Due: o.Due, Percent: o.Percent, Status: t.status(o.Due, o.DoneAt),
			OnBehalf: onBehalf[o.ID]}
	}
	text, n := render(t.p, tasks)
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
	// Besides the tasks the official leads or supports by tasks.lead_id and
	// task_supporters, those assigned to them or led by them among several.
	mine := make(map[int64]bool)
	if !manager {
		own, err := store.OfficialOccurrences(t.ctx, t.tx, t.official.ID, today, math.MaxInt32)
		if err != nil {
			return err
		}
		for _, o := range own {
			mine[o.ID] = true
		}
	}
	var list []store.ReminderItem
	for _, o := range occs {
		if manager || mine[o.ID] || involves(o, t.official.ID) {
			list = append(list, o)
		}
	}
	if len(list) == 0 {
		return t.say("bot.overdue_none")
	}
	tasks := make([]message.OverdueTask, len(list))
	for i, o := range list {
		tasks[i] = message.OverdueTask{
			Title:       o.TaskTitle,
			LeadName:    o.LeadName,
			Due:         o.Due,
			DaysOverdue: plan.DaysOverdue(o.Due, t.now, t.b.cfg.Location),
			Percent:     o.Percent,
		}
	}
	text, n := message.Overdue(t.p, manager, tasks)
	refs := make([]int64, 0, n)
	for _, o := range list[:n] {
		refs = append(refs, o.ID)
	}
	return t.send(store.Payload{Text: text, ReplyTo: t.messageID, Refs: refs}, nil, nil)
}

// involves reports whether the official leads or supports o.
func involves(o store.ReminderItem, officialID int64) bool {
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
		return t.say("bot.refused")
	}
	res, err := t.currentDigest()
	if err != nil {
		return err
	}
	for i, part := range tghtml.Messages(message.DigestTelegram(res, t.p)) {
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
		return t.say("bot.refused")
	}
	res, err := t.currentDigest()
	if err != nil {
		return err
	}
	// The unit's own officials: a parent unit's, not its wards'.
	d := res.Unit
	names := make(map[string]string, len(d.ByOfficial))
	for _, o := range d.ByOfficial {
		names[o.Key] = o.Name
	}
	missing := make([]string, 0, len(d.MissingReports))
	for _, key := range d.MissingReports {
		name := names[key]
		if name == "" {
			name = key
		}
		missing = append(missing, name)
	}
	return t.reply(message.Missing(t.p, d.PeriodValue(), missing))
}

// atoi parses a small positive list number.
func atoi(s string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(strings.TrimRight(strings.TrimSpace(s), ".):")))
	return n, err == nil && n > 0
}

package bot

import (
	"github.com/nhacviec/nhacviec/message"
	"github.com/nhacviec/nhacviec/plan"
	"github.com/nhacviec/nhacviec/store"
	"github.com/nhacviec/nhacviec/tghtml"
)

// snooze handles a press of "⏰ 1 ngày" or "⏰ 3 ngày" on a reminder or a
// brief item about info, by one who may update it: the presser's
// reminders and nags about it are left out of the next days working days
// (the unit's calendar) and come again on the working day after them, or
// on the due date when that is sooner (the due date's reminder always
// comes). An overdue occurrence's nags are snoozed once per official; a
// second press, or a press on the due date, changes nothing. The answer
// to the press says until when.
func (t *turn) snooze(info store.ReportableOccurrence, days int) error {
	text, err := t.snoozeFor(info, days)
	if err != nil {
		return err
	}
	t.answerText(text)
	return nil
}

// snoozeTyped handles a typed snooze on Zalo, "2 hoãn", "hoãn 3": as the
// button, after the checks of a reply (who may, the task still open),
// with a reply rather than the answer to a press.
func (t *turn) snoozeTyped(occurrenceID int64, days int) error {
	info, ok, err := t.updatable(occurrenceID)
	if err != nil || !ok {
		return err
	}
	if info.Done() {
		return t.reply(tghtml.Escape(t.p.T("bot.button_already_done")))
	}
	text, err := t.snoozeFor(info, days)
	if err != nil {
		return err
	}
	return t.reply(tghtml.Escape(text))
}

// snoozeFor snoozes info by days working days for the speaker (see
// snooze) and returns what to tell them, plain text.
func (t *turn) snoozeFor(info store.ReportableOccurrence, days int) (string, error) {
	today := plan.DateIn(t.now, t.b.cfg.Location)
	until := t.b.cfg.Calendar.AddWorkdays(today, days+1)
	overdue := today.After(info.Due)
	if !overdue {
		if until.After(info.Due) {
			until = info.Due
		}
		if !until.After(today) {
			return t.p.T("bot.snooze.due_day"), nil
		}
	} else {
		had, ok, err := store.SnoozeOf(t.ctx, t.tx, info.ID, t.official.ID)
		if err != nil {
			return "", err
		}
		if ok && had.OverdueUsed {
			return t.p.T("bot.snooze.overdue_once"), nil
		}
	}
	err := store.SaveSnooze(t.ctx, t.tx, store.Snooze{
		OccurrenceID: info.ID, OfficialID: t.official.ID, Until: until, OverdueUsed: overdue,
	}, t.now)
	if err != nil {
		return "", err
	}
	return t.p.T("bot.snooze.done", message.FormatDate(until)), nil
}
